import Foundation
import Random
import Spec
import Testing

@testable import Dataset

@Suite struct EncodingTests {
    let files = TestFiles()

    /// 40 rows: a number with missing values, a colour category, a binary, an id, a constant,
    /// and a free-text note; target `y` = colour is red.
    private func mixedCSV() -> String {
        var text = "id,x,colour,flag,const,note,y\n"
        let colours = ["red", "green", "blue"]
        for row in 0..<40 {
            let x = row % 10 == 3 ? "NA" : String(Double(row) * 0.5)
            let note = "free text number \(row) with several words in it"
            text +=
                "\(row + 1),\(x),\(colours[row % 3]),\(row % 2 == 0 ? "yes" : "no"),k,"
                + "\(note),\(row % 3 == 0 ? "pos" : "neg")\n"
        }
        return text
    }

    @Test func typing_reasons_and_exclusions() throws {
        let path = files.write("mixed.csv", mixedCSV())
        let data = try PreparedData.load(DataOptions(path: path, target: "y"))
        let byName = Dictionary(uniqueKeysWithValues: data.schema.columns.map { ($0.name, $0) })
        #expect(byName["id"]?.kind == .identifier)
        #expect(byName["id"]?.role == .excluded)
        #expect(byName["x"]?.kind == .number)
        #expect(byName["x"]?.missingCount == 4)
        #expect(byName["colour"]?.kind == .category)
        #expect(byName["flag"]?.kind == .binary)
        #expect(byName["const"]?.kind == .constant)
        #expect(byName["const"]?.reason == "one value only ('k')")
        #expect(byName["note"]?.kind == .freeText)
        #expect(byName["y"]?.role == .target)
        // x (+ indicator when training has missing) + colour 3 + flag 1.
        let hasMissing = data.split.training.contains { $0 % 10 == 3 }
        #expect(data.encoding.inputWidth == 1 + (hasMissing ? 1 : 0) + 3 + 1)
        #expect(data.encoding.inputNames.contains("flag=yes"))
        // Ignore and features override the typing.
        var options = DataOptions(path: path, target: "y")
        options.ignore = ["colour"]
        let ignored = try PreparedData.load(options)
        #expect(ignored.schema.columns[2].role == .excluded)
        #expect(ignored.schema.columns[2].reason.hasPrefix("ignored by data.ignore"))
        options = DataOptions(path: path, target: "y", features: ["x"])
        #expect(try PreparedData.load(options).schema.featureIndices == [1])
        options = DataOptions(path: path, target: "y", categorical: ["x"])
        let forced = try PreparedData.load(options)
        #expect(forced.schema.columns[1].kind == .category)
        #expect(
            forced.encoding.features.first?.method
                == .oneHot(
                    levels: (0..<40).filter { $0 % 10 != 3 && forced.split.training.contains($0) }
                        .map { NumberText.shortest(Float($0) * 0.5) },
                    missingLevel: forced.split.training
                        .contains { $0 % 10 == 3 }))
    }

    @Test func integer_targets_decide_the_task() throws {
        let few = files.write(
            "few.csv",
            "a,y\n"
                + (0..<30).map { "\($0 * 7 % 30),\($0 % 3)" }
                .joined(separator: "\n"))
        #expect(
            try PreparedData.load(DataOptions(path: few, target: "y")).schema.task
                == .classification)
        let many = files.write(
            "many.csv",
            "a,y\n"
                + (0..<60).map { "\($0 * 7 % 60),\($0 * 7 % 50)" }
                .joined(separator: "\n"))
        #expect(
            try PreparedData.load(DataOptions(path: many, target: "y")).schema.task
                == .regression)
        let forced = try PreparedData.load(
            DataOptions(path: many, target: "y", task: .fixed(.classification)))
        #expect(forced.schema.task == .classification)
    }

    @Test func saved_encoding_reapplies_to_a_new_file() throws {
        let path = files.write("train.csv", mixedCSV())
        let data = try PreparedData.load(DataOptions(path: path, target: "y"))
        let json = try JSONEncoder().encode(data.encoding)
        let restored = try JSONDecoder().decode(DataEncoding.self, from: json)
        #expect(restored == data.encoding)
        // Same rows through the restored encoding give the same matrix.
        let (again, _) = try restored.apply(toFile: path)
        let rows = data.training.sourceRows
        for (k, row) in rows.enumerated() {
            let width = data.training.featureCount
            #expect(
                Array(again.features[(row * width)..<((row + 1) * width)])
                    == Array(data.training.features[(k * width)..<((k + 1) * width)]))
        }
        // A new file: extra column, columns reordered, no target, an unseen colour.
        let fresh = files.write(
            "new.csv", "extra,flag,colour,x\n1,yes,purple,2.5\n2,no,red,\n3,maybe,blue,1\n")
        let (encoded, warnings) = try restored.apply(toFile: fresh)
        #expect(encoded.rowCount == 3)
        #expect(encoded.classIndices == nil)
        let colourStart = restored.inputNames.firstIndex(of: "colour=blue")!
        let width = encoded.featureCount
        #expect(Array(encoded.features[colourStart..<(colourStart + 3)]) == [0, 0, 0])
        #expect(encoded.features[width + colourStart + 2] == 1)  // red
        #expect(warnings.contains { $0.contains("colour") && $0.contains("not seen") })
        #expect(warnings.contains { $0.contains("flag") && $0.contains("other than") })
        // Missing inputs are named.
        let lacking = files.write("lacking.csv", "flag,other\nyes,1\n")
        do {
            _ = try restored.apply(toFile: lacking)
            Issue.record("missing columns must fail")
        } catch let error as DataError {
            #expect(error.kind == .missingColumns)
            #expect(
                error.message == "the model needs columns 'x', 'colour', which the file "
                    + "does not have")
        }
    }

    @Test func split_is_seeded_disjoint_and_complete() throws {
        let path = files.write("mixed.csv", mixedCSV() + ",1,red,yes,k,t,\n")
        let a = try PreparedData.load(DataOptions(path: path, target: "y", seed: 5))
        let b = try PreparedData.load(DataOptions(path: path, target: "y", seed: 5))
        let c = try PreparedData.load(DataOptions(path: path, target: "y", seed: 6))
        #expect(a.split == b.split)
        #expect(a.split != c.split)
        #expect(a.split.droppedMissingTarget == 1)
        let all = a.split.training + a.split.validation + a.split.test
        #expect(Set(all).count == all.count)
        #expect(Set(all) == Set(0..<40))
        #expect(a.warnings.contains("1 row(s) without a target value were left out"))
    }

    @Test func probe_sees_separable_and_non_separable_data() throws {
        var generator = SeededGenerator(seed: 11)
        var separable = "a,b,y\n"
        var xor = "a,b,y\n"
        var linear = "a,b,y\n"
        for _ in 0..<400 {
            let a = generator.nextUnitDouble() * 2 - 1
            let b = generator.nextUnitDouble() * 2 - 1
            // Separable with a margin: a finite run of logistic regression must reach 100%.
            if abs(a + 0.5 * b - 0.1) > 0.05 {
                separable += "\(a),\(b),\(a + 0.5 * b > 0.1 ? "up" : "down")\n"
            }
            xor += "\(a),\(b),\((a > 0) != (b > 0) ? "one" : "zero")\n"
            linear += "\(a),\(b),\(3 * a - 2 * b + 0.5 + 0.01 * generator.nextUnitDouble())\n"
        }
        let yes = DataProfile(
            try PreparedData.load(
                DataOptions(path: files.write("sep.csv", separable), target: "y")))
        #expect(yes.linearProbe.separable == true)
        let no = DataProfile(
            try PreparedData.load(
                DataOptions(path: files.write("xor.csv", xor), target: "y")))
        #expect(no.linearProbe.separable == false)
        #expect(no.linearProbe.trainingAccuracy! < 0.8)
        let fit = DataProfile(
            try PreparedData.load(
                DataOptions(path: files.write("lin.csv", linear), target: "y")))
        #expect(fit.linearProbe.validationR2! > 0.999)
        // Rendering: aligned text and JSON carry the same numbers.
        #expect(fit.text.contains("Inputs    Ni = 2 after encoding"))
        let decoded = try JSONDecoder().decode(
            DataProfile.self, from: JSONEncoder().encode(fit))
        #expect(decoded == fit)
    }

    @Test func starter_spec_has_every_key() throws {
        let data = try PreparedData.load(DataOptions(path: repoData("iris.csv"), target: "species"))
        let profile = DataProfile(data)
        let relative = StarterSpec.relativePath(of: repoData("iris.csv"), from: files.directory)
        #expect(relative.hasSuffix("Specs/data/iris.csv"))
        #expect(relative.hasPrefix("../"))
        let text = StarterSpec.render(name: "iris", dataPath: "data/iris.csv", profile: profile)
        // `auto` wherever the key takes it; the schema's default where it does not.
        for key in [
            "name: iris", "  path: data/iris.csv", "  target: species", "  ignore: []",
            "  categorical: []", "  split:", "    validation: 0.15", "    test: 0.15",
            "    stratify: auto", "task: auto", "  template: auto",
            "  hidden_layers: auto", "  neurons: auto", "  activation: auto",
            "  batch_norm: auto", "  dropout: auto", "  optimizer: auto",
            "  learning_rate: auto", "  batch_size: auto", "  epochs: auto",
            "  early_stopping: auto", "  schedule: auto", "  shuffle: true", "  seed: 42",
        ] {
            #expect(text.contains("\n" + key), "\(key)")
        }
        #expect(YAMLText.string("yes") == "\"yes\"")
        // One writer now: a single space between words stays plain, as in generated configs.
        #expect(YAMLText.string("my data") == "my data")
        #expect(YAMLText.string("my  data") == "\"my  data\"")
        #expect(YAMLText.string("iris_2") == "iris_2")
        #expect(YAMLText.string("../data/iris.csv") == "../data/iris.csv")
        #expect(YAMLText.string(".nan") == "\".nan\"")
        #expect(YAMLText.string("1.5") == "\"1.5\"")
    }
}

/// Issue 12: the starter spec `init` writes must validate, on every bundled dataset.
@Suite struct StarterSpecValidationTests {
    @Test(arguments: [
        ("iris.csv", "species"), ("penguins.csv", "species"), ("breast_cancer.csv", "diagnosis"),
        ("diabetes.csv", "progression"),
    ])
    func starterSpecValidates(file: String, target: String) throws {
        let folder = TestFiles()
        let csv = try String(contentsOfFile: repoData(file), encoding: .utf8)
        let dataPath = folder.write(file, csv)
        let profile = DataProfile(
            try PreparedData.load(DataOptions(path: dataPath, target: target)))
        let text = StarterSpec.render(name: "starter", dataPath: file, profile: profile)
        let (spec, diagnostics) = SpecLoader(templateNames: ["mlp-classifier"]).check(
            text: text, path: folder.directory + "/spec.yaml")
        #expect(diagnostics.isEmpty, "\(diagnostics.map(\.message))")
        #expect(spec?.data.target == target)
    }
}
