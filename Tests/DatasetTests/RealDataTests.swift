import Foundation
import Testing

@testable import Dataset

/// The bundled datasets (repo copies under Specs/data). Missing-value and class counts were
/// cross-checked once with pandas:
/// `python3 -c "import pandas as pd; d=pd.read_csv('Specs/data/penguins.csv');
///  print(d.shape, d.isna().sum().to_dict(), d.species.value_counts().to_dict())"`
/// -> (344, 8) {bill_length_mm: 2, bill_depth_mm: 2, flipper_length_mm: 2, body_mass_g: 2,
///    sex: 11, others 0} {Adelie: 152, Gentoo: 124, Chinstrap: 68}.
@Suite struct RealDataTests {
    @Test func iris_three_balanced_classes_stratified() throws {
        var options = DataOptions(path: repoData("iris.csv"), target: "species")
        options.numericEncoding = .fixed(.standard)  // four standardised inputs
        let data = try PreparedData.load(options)
        #expect(data.table.rowCount == 150)
        #expect(data.schema.task == .classification)
        #expect(data.encoding.inputWidth == 4)
        #expect(data.encoding.target.outputWidth == 3)
        #expect(
            data.encoding.target
                == .classes(
                    name: "species", labels: ["setosa", "versicolor", "virginica"]))
        // 50 per class: round(7.5) = 8 validation, 8 test, 34 training each.
        #expect(data.split.validation.count == 24)
        #expect(data.split.test.count == 24)
        #expect(data.split.training.count == 102)
        for split in [data.training, data.validation, data.test] {
            let counts = (0..<3).map { c in split.classIndices!.filter { $0 == c }.count }
            #expect(Set(counts).count == 1, "equal class shares in every split")
        }
    }

    @Test func breast_cancer_binary_with_stratified_proportions() throws {
        let data = try PreparedData.load(
            DataOptions(path: repoData("breast_cancer.csv"), target: "diagnosis"))
        #expect(data.table.rowCount == 569)
        #expect(data.encoding.inputWidth == 30)
        #expect(data.encoding.target.outputWidth == 1)
        let share = { (split: EncodedRows) -> Double in
            Double(split.classIndices!.filter { $0 == 0 }.count) / Double(split.rowCount)
        }
        let overall = 357.0 / 569.0  // benign
        for split in [data.training, data.validation, data.test] {
            #expect(abs(share(split) - overall) < 0.01)
        }
        let profile = DataProfile(data)
        #expect(
            profile.classes == [
                .init(label: "benign", count: 357), .init(label: "malignant", count: 212),
            ])
        #expect(abs(profile.imbalanceRatio! - 357.0 / 212.0) < 1e-12)
        #expect(profile.linearProbe.trainingAccuracy! > 0.95)
        #expect(profile.linearProbe.validationAccuracy! > 0.9)
    }

    @Test func penguins_missing_values_and_categories() throws {
        let data = try PreparedData.load(
            DataOptions(path: repoData("penguins.csv"), target: "species"))
        let schema = data.schema
        let missing = Dictionary(
            uniqueKeysWithValues: schema.columns.map {
                ($0.name, $0.missingCount)
            })
        #expect(
            missing == [
                "species": 0, "island": 0, "bill_length_mm": 2, "bill_depth_mm": 2,
                "flipper_length_mm": 2, "body_mass_g": 2, "sex": 11, "year": 0,
            ])
        let kinds = schema.columns.map(\.kind)
        #expect(
            kinds == [
                .category, .category, .number, .number, .number, .number, .binary,
                .number,
            ])
        // Ni after one-hot: island 3 + each number 1 (+1 indicator if training had missing)
        // + sex 1 (+1 indicator) + year 1.
        func trainingMissing(_ name: String) -> Int {
            let j = data.table.columnIndex(named: name)!
            switch data.table.columns[j].data {
            case .numbers(let v): return data.split.training.filter { v[$0].isNaN }.count
            case .text(let codes, _): return data.split.training.filter { codes[$0] < 0 }.count
            }
        }
        let numbers = ["bill_length_mm", "bill_depth_mm", "flipper_length_mm", "body_mass_g"]
        let expectedNi =
            3 + numbers.map { 1 + (trainingMissing($0) > 0 ? 1 : 0) }.reduce(0, +)
            + 1 + (trainingMissing("sex") > 0 ? 1 : 0) + 1
        #expect(data.encoding.inputWidth == expectedNi)
        #expect(data.encoding.inputWidth == 14)  // seed 42: the training split has both kinds
        #expect(
            Array(data.encoding.inputNames.prefix(3)) == [
                "island=Biscoe", "island=Dream", "island=Torgersen",
            ])
        let profile = DataProfile(data)
        #expect(profile.classes?.map(\.count) == [152, 68, 124])
        #expect(profile.splits.training + profile.splits.validation + profile.splits.test == 344)
    }

    @Test func diabetes_regression_standardised_and_mapped_back() throws {
        let data = try PreparedData.load(
            DataOptions(path: repoData("diabetes.csv"), target: "progression"))
        #expect(data.schema.task == .regression)
        #expect(data.encoding.inputWidth == 10)
        #expect(data.schema.columns[1].kind == .binary)  // sex: 1 / 2
        let targets = try #require(data.training.targets)
        let mean = targets.reduce(0, +) / Float(targets.count)
        #expect(abs(mean) < 1e-4)
        guard case .numbers(let raw) = data.table.columns[10].data else {
            Issue.record("target must be numeric")
            return
        }
        for (k, row) in data.validation.sourceRows.enumerated() {
            let back = data.encoding.target.mapBack(data.validation.targets![k])
            #expect(abs(back - raw[row]) < 1e-3)
        }
        let probe = LinearProbe.run(data)
        #expect(probe.validationR2! > 0.3 && probe.validationR2! < 0.8)
    }

    @Test func encoding_statistics_come_from_the_training_split_only() throws {
        let data = try PreparedData.load(
            DataOptions(path: repoData("penguins.csv"), target: "species"))
        let j = data.table.columnIndex(named: "body_mass_g")!
        guard case .numbers(let values) = data.table.columns[j].data,
            case .number(let median, let mean, let deviation, _, _) =
                data.encoding.features.first(where: { $0.name == "body_mass_g" })?.method
        else {
            Issue.record("body_mass_g must be a number feature")
            return
        }
        let present = data.split.training.map { values[$0] }.filter { !$0.isNaN }.sorted()
        let expectedMedian =
            present.count % 2 == 1
            ? present[present.count / 2]
            : (present[present.count / 2 - 1] + present[present.count / 2]) / 2
        #expect(median == expectedMedian)
        let filled = data.split.training.map { values[$0].isNaN ? median : values[$0] }
        let expectedMean = filled.map(Double.init).reduce(0, +) / Double(filled.count)
        #expect(abs(mean - expectedMean) < 1e-9)
        let allRows = values.filter { !$0.isNaN }.map(Double.init)
        let allMean = allRows.reduce(0, +) / Double(allRows.count)
        #expect(abs(mean - allMean) > 1e-6, "the statistics must differ from the whole file's")
        // The training inputs are exactly standardised with these statistics.
        let column = data.encoding.inputNames.firstIndex(of: "body_mass_g")!
        var sum = 0.0
        var squares = 0.0
        for row in 0..<data.training.rowCount {
            let v = Double(data.training.features[row * data.training.featureCount + column])
            sum += v
            squares += v * v
        }
        let n = Double(data.training.rowCount)
        #expect(abs(sum / n) < 1e-5)
        #expect(abs(squares / n - 1) < 1e-4)
        _ = deviation
    }
}
