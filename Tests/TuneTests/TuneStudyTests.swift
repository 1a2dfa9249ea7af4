import Foundation
import Generator
import Runs
import Spec
import TestSupport
import Testing
import TuneSearch
import TuneStorage

@testable import Tune

/// The repository's folders, found from this file.
enum Repository {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()
    static let iris = root.appendingPathComponent("Specs/data/iris.csv").path
    static let diabetes = root.appendingPathComponent("Specs/data/diabetes.csv").path
}

/// A fresh folder holding a spec of the iris data (epochs capped so trials take a fraction of
/// a second) with `extra` appended.
/// An iris spec for tune with `extra` appended; `numericEncoding` sets `data.numeric_encoding`
/// (default `standard`, four inputs and a hidden layer; nil leaves it `auto`, searched).
func irisSpec(
    _ extra: String = "", name: String = "iris", numericEncoding: String? = "standard"
) throws -> (spec: String, folder: URL) {
    let folder = try ScratchFolders.make("tune")
    let spec = folder.appendingPathComponent("\(name).yaml").path
    let encoding = numericEncoding.map { ", numeric_encoding: \($0)" } ?? ""
    try """
    name: \(name)
    data: {path: \(Repository.iris), target: species\(encoding)}
    training:
      epochs: 40

    """.appending(extra).write(toFile: spec, atomically: true, encoding: .utf8)
    return (spec, folder)
}

func study(
    _ spec: String, in folder: URL, trials: Int? = nil, workers: Int = 1
) throws -> TuneStudy {
    try TuneStudy(
        specPath: spec, folder: folder.appendingPathComponent("study").path,
        catalog: try TemplateCatalog(), request: TuneRequest(trials: trials, workers: workers))
}

@Suite("tune: the space and the study loop")
struct TuneStudyTests {
    @Test("the space has one parameter per auto key, each range from its rule")
    func spaceFromTheRules() throws {
        let (spec, folder) = try irisSpec(numericEncoding: nil)
        defer { try? FileManager.default.removeItem(at: folder) }
        let tuned = try study(spec, in: folder, trials: 1)
        let names = tuned.space.parameters.map(\.name)
        // The numbers' encoding is searched only when tune.space names it (below).
        #expect(names == TuneSection.tunableKeys.filter { $0 != "data.numeric_encoding" })
        for parameter in tuned.space.parameters {
            #expect(!parameter.rule.isEmpty)
            let inside = Self.contains(parameter.domain, parameter.zeroTrial)
            // The zero-trial design uses no L2 (REG-L2-RANGE's range starts at 1e-6).
            #expect(inside || parameter.name == "training.regularization.l2", "\(parameter.name)")
        }
        let rate = try #require(
            tuned.space.parameters.first { $0.name == "training.learning_rate" })
        #expect(rate.rule.hasPrefix("LR-RANGE-TEST"))
        guard case .real(let low, let high, true) = rate.domain else {
            Issue.record("learning rate not a log range")
            return
        }
        #expect(abs(high / low - 100) < 1e-9)
        #expect(abs(low * 10 - tuned.learningRate) < 1e-12)
        let width = try #require(tuned.space.parameters.first { $0.name == "model.neurons" })
        #expect(width.rule.contains("SIZE-"))
    }

    @Test("the depth is searched around the rules' choice: 0 to 1 layer when they chose none")
    func depthRangeFollowsTheRules() throws {
        func depth(_ encoding: String?) throws -> SearchParameter {
            let (spec, folder) = try irisSpec(numericEncoding: encoding)
            defer { try? FileManager.default.removeItem(at: folder) }
            let tuned = try study(spec, in: folder, trials: 1)
            return try #require(tuned.space.parameters.first { $0.name == "model.hidden_layers" })
        }
        // With the bins iris is separable: DEPTH-LINEAR gives no hidden layer.
        let linear = try depth(nil)
        #expect(linear.zeroTrial == .integer(0))
        #expect(linear.domain == .integer(low: 0, high: 1, log: false))
        #expect(linear.rule.hasSuffix("searched 0 to 1 layer"), "\(linear.rule)")
        // Four standardised inputs: one hidden layer (DEPTH-LOW), searched 1 to 3.
        let hidden = try depth("standard")
        #expect(hidden.zeroTrial == .integer(1))
        #expect(hidden.domain == .integer(low: 1, high: 3, log: false))
    }

    @Test("what the spec fixes is not searched, and tune.space replaces a range")
    func fixedKeysAndOverrides() throws {
        let (spec, folder) = try irisSpec(
            """
              batch_size: 16
            model:
              dropout: 0.1
            tune:
              space:
                training.learning_rate: {low: 0.001, high: 0.01}
                model.activation: [relu, swish]

            """)
        defer { try? FileManager.default.removeItem(at: folder) }
        let tuned = try study(spec, in: folder, trials: 2)
        let names = tuned.space.parameters.map(\.name)
        #expect(!names.contains("model.dropout"))
        #expect(!names.contains("training.batch_size"))
        let rate = try #require(
            tuned.space.parameters.first { $0.name == "training.learning_rate" })
        #expect(rate.domain == .real(low: 0.001, high: 0.01, log: true))
        let activation = try #require(
            tuned.space.parameters.first { $0.name == "model.activation" })
        #expect(activation.domain == .choice(["relu", "swish"]))
        let trials = try tuned.run(stop: StudyStop())
        for trial in trials {
            let config = try tuned.config(for: trial.assignment, ensemble: 1)
            #expect(config.model.dropout == .fixed(0.1))
            #expect(config.training.batchSize == .fixed(16))
        }
    }

    @Test("trial 0 is the zero-trial design; the study ends at exactly N trials, reproducibly")
    func exactTargetAndReproducible() throws {
        let (spec, folder) = try irisSpec()
        defer { try? FileManager.default.removeItem(at: folder) }
        let first = try study(spec, in: folder.appendingPathComponent("a"), trials: 6)
        let a = try first.run(stop: StudyStop())
        let b = try study(spec, in: folder.appendingPathComponent("b"), trials: 6).run(
            stop: StudyStop())
        #expect(a.map(\.number) == Array(0..<6))
        #expect(a.allSatisfy { $0.state.isFinished })
        #expect(a[0].assignment == first.space.zeroTrial)
        #expect(a[0].state == .complete)
        #expect(a.map(\.assignment) == b.map(\.assignment))
        #expect(a.map(\.value) == b.map(\.value))
        #expect(a.map(\.state) == b.map(\.state))
        // The sampled trials differ from the zero-trial design and from each other.
        #expect(Set(a.map(\.assignment)).count == 6)
    }

    @Test("a stopped study resumes: interrupted trials run again, none recorded twice")
    func stopAndResume() throws {
        let (spec, folder) = try irisSpec()
        defer { try? FileManager.default.removeItem(at: folder) }
        let stop = StudyStop()
        let first = try study(spec, in: folder, trials: 7)
        // Stopped in the middle of trial 2's training.
        first.onEpoch = { trial, epoch in if trial == 2, epoch == 3 { stop.request("test") } }
        let partial = try first.run(stop: stop)
        let finished = partial.filter { $0.state.isFinished }
        #expect(finished.map(\.number) == [0, 1])
        #expect(!partial.contains { $0.state == .running })
        let queued = partial.filter { $0.state == .queued }
        #expect(queued.map(\.number) == [2])
        #expect(queued.allSatisfy { $0.intermediate.isEmpty })
        let resumed = try study(spec, in: folder)
        #expect(resumed.definition.targetTrials == 7)
        let all = try resumed.run(stop: StudyStop())
        #expect(all.map(\.number) == Array(0..<7))
        #expect(all.allSatisfy { $0.state.isFinished })
        for trial in finished {
            // Finished trials are kept as they were.
            #expect(all[trial.number] == trial)
        }
        for trial in queued {
            #expect(all[trial.number].assignment == trial.assignment)
        }
    }

    @Test("the timeout stops starting trials and queues the running ones")
    func timeout() throws {
        let (spec, folder) = try irisSpec("tune:\n  pruning: false\n")
        defer { try? FileManager.default.removeItem(at: folder) }
        let request = TuneRequest(trials: 500, timeout: 1, workers: 1)
        let tuned = try TuneStudy(
            specPath: spec, folder: folder.appendingPathComponent("study").path,
            catalog: try TemplateCatalog(), request: request)
        let stop = StudyStop()
        let started = Date()
        let trials = try tuned.run(stop: stop)
        #expect(stop.reason == "timeout")
        #expect(Date().timeIntervalSince(started) < 30)
        let finished = trials.filter { $0.state.isFinished }
        #expect(!finished.isEmpty && finished.count < 500)
        #expect(!trials.contains { $0.state == .running })
        #expect(trials.filter { $0.state == .queued }.count <= 1)
    }

    @Test("two workers share the study: exactly N trials, each number once")
    func parallelWorkers() throws {
        let (spec, folder) = try irisSpec()
        defer { try? FileManager.default.removeItem(at: folder) }
        let trials = try study(spec, in: folder, trials: 8, workers: 2).run(stop: StudyStop())
        #expect(trials.map(\.number) == Array(0..<8))
        #expect(trials.allSatisfy { $0.state.isFinished })
        #expect(Set(trials.compactMap(\.worker)).count == 2)
    }

    @Test("cv: k scores every trial on k stratified folds, the value their mean")
    func crossValidation() throws {
        let (spec, folder) = try irisSpec("tune:\n  cv: 3\n  pruning: false\n")
        defer { try? FileManager.default.removeItem(at: folder) }
        let tuned = try study(spec, in: folder, trials: 2)
        #expect(tuned.folds == 3)
        let trials = try tuned.run(stop: StudyStop())
        for trial in trials where trial.state == .complete {
            let folds = try #require(trial.attributes["fold_values"]).split(separator: " ")
                .compactMap { Double($0) }
            #expect(folds.count == 3)
            let mean = folds.reduce(0, +) / 3
            #expect(abs(try #require(trial.value) - mean) < 1e-12)
            let spread = try #require(trial.attributes["value_std"].flatMap(Double.init))
            // TUNE-ONE-SE's error with folds: their spread over √k.
            let error = try #require(
                trial.attributes[TuneStudy.standardErrorAttribute].flatMap(Double.init))
            #expect(abs(error - spread / 3.0.squareRoot()) < 1e-12)
        }
    }

    @Test("the outputs: trials.csv, best.yaml that train accepts, the best run, report.html")
    func outputs() throws {
        let (spec, folder) = try irisSpec()
        defer { try? FileManager.default.removeItem(at: folder) }
        let tuned = try study(spec, in: folder, trials: 4)
        let trials = try tuned.run(stop: StudyStop())
        let outputs = try tuned.writeOutputs(trials: trials)
        let csv = try String(contentsOfFile: tuned.trialsPath, encoding: .utf8)
        #expect(csv.split(separator: "\n").count == trials.count + 1)
        #expect(csv.hasPrefix("number,state,model.hidden_layers"))
        let best = try #require(outputs.best)
        #expect(best == TuneStudy.best(of: trials, direction: .maximize))
        // Every scored trial carries its validation rows' noise (30 rows: 0 to 0.1).
        for trial in trials where trial.state == .complete {
            let error = try #require(
                trial.attributes[TuneStudy.standardErrorAttribute].flatMap(Double.init))
            #expect(error >= 0 && error <= 0.1)
        }
        let loaded = try SpecLoader(
            templates: TemplateNames(names: try TemplateCatalog().entries.map(\.name))
        )
        .load(path: tuned.bestConfigPath)
        let expected = try tuned.config(for: best.assignment, ensemble: nil)
        #expect(loaded.spec.model.hiddenLayers == expected.model.hiddenLayers)
        #expect(loaded.spec.training.learningRate == expected.training.learningRate)
        #expect(loaded.spec.training.batchSize == expected.training.batchSize)
        let run = try #require(outputs.bestRun)
        #expect(FileManager.default.fileExists(atPath: run + "/model.safetensors"))
        let test = try #require(outputs.testScore)
        #expect(test.name == "accuracy" && (0...1).contains(test.value))
        let html = try String(contentsOfFile: tuned.reportPath, encoding: .utf8)
        #expect(html.contains("<svg"))
    }

    @Test("data.numeric_encoding, named in tune.space: each trial trains on its own columns")
    func numericEncodingIsSearched() throws {
        let (spec, folder) = try irisSpec(
            "tune: {space: {data.numeric_encoding: [piecewise_linear, standard]}}\n",
            numericEncoding: nil)
        defer { try? FileManager.default.removeItem(at: folder) }
        let tuned = try study(spec, in: folder, trials: 1)
        let parameter = try #require(tuned.space.parameters.first)
        // ENC-NUMERIC-PLE chose bins for iris: the zero-trial value first, then the other.
        #expect(parameter.name == "data.numeric_encoding")
        #expect(parameter.domain == .choice(["piecewise_linear", "standard"]))
        #expect(parameter.zeroTrial == .choice("piecewise_linear"))
        #expect(
            parameter.rule.contains("ENC-NUMERIC-PLE: ridge 5-fold score"), "\(parameter.rule)")
        var assignment = Assignment()
        assignment["data.numeric_encoding"] = .choice("standard")
        assignment["model.hidden_layers"] = .integer(1)
        let standard = try tuned.design(for: assignment, ensemble: nil)
        assignment["data.numeric_encoding"] = .choice("piecewise_linear")
        let binned = try tuned.design(for: assignment, ensemble: nil)
        // Four standardised inputs, or the four with their bins; the same rows either way.
        #expect(standard.data.training.featureCount == 4)
        #expect(binned.data.training.featureCount > 4 * 4)
        #expect(standard.data.split == binned.data.split)
        #expect(standard.recommendation.diagram.hasPrefix("4 -> "))
        #expect(standard.recommendation.config.data.numericEncoding == .fixed(.standard))
        #expect(
            binned.recommendation.config.data.numericEncoding == .fixed(.piecewiseLinear))
        // The best config fixes the encoding its trial trained with, and `train` reads it.
        let config = folder.appendingPathComponent("standard.yaml").path
        try tuned.writeBestConfig(
            of: TrialRecord(number: 1, state: .complete, assignment: assignment, value: 1),
            to: config)
        let text = try String(contentsOfFile: config, encoding: .utf8)
        #expect(text.contains("numeric_encoding: piecewise_linear"), "\(text)")
        // A spec that fixes the encoding does not search it.
        let (fixed, fixedFolder) = try irisSpec(numericEncoding: "piecewise_linear")
        defer { try? FileManager.default.removeItem(at: fixedFolder) }
        let fixedStudy = try study(fixed, in: fixedFolder, trials: 1)
        #expect(!fixedStudy.space.parameters.contains { $0.name == "data.numeric_encoding" })
        // Nor does a spec whose tune.space leaves it out: the rule's choice stands.
        let (plain, plainFolder) = try irisSpec(numericEncoding: nil)
        defer { try? FileManager.default.removeItem(at: plainFolder) }
        let plainStudy = try study(plain, in: plainFolder, trials: 1)
        #expect(!plainStudy.space.parameters.contains { $0.name == "data.numeric_encoding" })
    }

    @Test("bad studies: nothing to tune, a folder in use, a folder of another spec")
    func badStudies() throws {
        let (spec, folder) = try irisSpec(
            """
              learning_rate: 0.01
              batch_size: 16
              regularization: none
            model:
              hidden_layers: 1
              neurons: 32
              activation: relu
              batch_norm: false
              dropout: 0

            """)
        defer { try? FileManager.default.removeItem(at: folder) }
        #expect(throws: TuneError.emptySpace(spec: spec)) {
            try study(spec, in: folder, trials: 2)
        }
        let busy = folder.appendingPathComponent("study")
        try FileManager.default.createDirectory(at: busy, withIntermediateDirectories: true)
        try "x".write(
            to: busy.appendingPathComponent("notes.txt"), atomically: true, encoding: .utf8)
        let (other, otherFolder) = try irisSpec()
        defer { try? FileManager.default.removeItem(at: otherFolder) }
        #expect(throws: TuneError.folderInUse(folder: busy.path)) {
            try study(other, in: folder, trials: 2)
        }
        // A study folder made from another spec (another seed) is refused, and kept.
        _ = try study(other, in: otherFolder, trials: 1)
        let (changed, changedFolder) = try irisSpec("  seed: 7\n")
        defer { try? FileManager.default.removeItem(at: changedFolder) }
        let database = otherFolder.appendingPathComponent("study/\(TuneStudy.databaseName)").path
        let before = try Data(contentsOf: URL(fileURLWithPath: database))
        #expect(throws: TuneError.self) {
            try study(changed, in: otherFolder, trials: 2)
        }
        #expect(try Data(contentsOf: URL(fileURLWithPath: database)) == before)
    }

    @Test("tune.space names the numbers' encoding of data without number columns: an error")
    func nothingToBin() throws {
        let folder = try ScratchFolders.make("tune")
        defer { try? FileManager.default.removeItem(at: folder) }
        var rows = ["colour,size,label"]
        for index in 0..<120 {
            rows.append(
                "\(["red", "green", "blue"][index % 3]),\(["s", "m"][index % 2]),"
                    + "\(index % 5 == 0 ? "yes" : "no")")
        }
        let data = folder.appendingPathComponent("levels.csv").path
        try rows.joined(separator: "\n").write(toFile: data, atomically: true, encoding: .utf8)
        let spec = folder.appendingPathComponent("levels.yaml").path
        try """
        name: levels
        data: {path: \(data), target: label}
        tune:
          space: {data.numeric_encoding: [standard, piecewise_linear]}

        """.write(toFile: spec, atomically: true, encoding: .utf8)
        #expect(throws: TuneError.nothingToBin(at: "\(spec):4:34")) {
            try study(spec, in: folder, trials: 2)
        }
        #expect(
            !FileManager.default.fileExists(atPath: folder.appendingPathComponent("study").path))
    }

    @Test("no validation rows and no cv: a located error before anything is written")
    func noValidationRows() throws {
        let (spec, folder) = try irisSpec()
        defer { try? FileManager.default.removeItem(at: folder) }
        var text = try String(contentsOfFile: spec, encoding: .utf8)
        text = text.replacingOccurrences(
            of: "numeric_encoding: standard}",
            with: "numeric_encoding: standard, split: {validation: 0}}")
        text += "  early_stopping: false\n"
        try text.write(toFile: spec, atomically: true, encoding: .utf8)
        #expect(throws: TuneError.noValidation(spec: spec)) {
            try study(spec, in: folder, trials: 2)
        }
        #expect(
            !FileManager.default.fileExists(atPath: folder.appendingPathComponent("study").path))
    }

    @Test("search trials stop on EARLY-STOP's patience; the best is trained with the full recipe")
    func searchPatience() throws {
        let (spec, folder) = try irisSpec()
        defer { try? FileManager.default.removeItem(at: folder) }
        let tuned = try study(spec, in: folder, trials: 1)
        func patience(_ config: NetworkSpec) -> Int? {
            if case .fixed(.some(let stopping)) = config.training.earlyStopping {
                return stopping.patience
            }
            return nil
        }
        let zero = tuned.space.zeroTrial
        let search = try #require(patience(try tuned.config(for: zero, ensemble: 1)))
        let full = try #require(patience(try tuned.config(for: zero, ensemble: nil)))
        #expect(search == AdvisorSettings().earlyStoppingPatience)
        #expect(full > search)
        // A spec that sets the floor keeps it while searching.
        let (fixed, fixedFolder) = try irisSpec("advisor:\n  patience_min_steps: 200\n")
        defer { try? FileManager.default.removeItem(at: fixedFolder) }
        let kept = try study(fixed, in: fixedFolder, trials: 1)
        #expect(
            patience(try kept.config(for: kept.space.zeroTrial, ensemble: 1))
                == patience(try kept.config(for: kept.space.zeroTrial, ensemble: nil)))
    }

    @Test("SHA-256 matches the FIPS 180-4 examples")
    func sha256() {
        #expect(
            SHA256.hex(of: Array("abc".utf8))
                == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(
            SHA256.hex(of: [])
                == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(
            SHA256.hex(
                of: Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8))
                == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
    }

    static func contains(_ domain: ParameterDomain, _ value: ParameterValue) -> Bool {
        switch (domain, value) {
        case (.real(let low, let high, _), .real(let number)): (low...high).contains(number)
        case (.integer(let low, let high, _), .integer(let number)): (low...high).contains(number)
        case (.choice(let names), .choice(let name)): names.contains(name)
        default: false
        }
    }
}
