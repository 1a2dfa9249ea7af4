import CurveAnalysis
import Dataset
import Engine
import Foundation
import Generator
import Random
import Spec
import Testing

@testable import Runs

#if canImport(FoundationXML)
    import FoundationXML
#endif

// MARK: Helpers

/// A spec (and optional CSV files beside it) written into a new temporary folder, trained as
/// `layerwise train` trains it, in a run folder.
func trainSpec(
    _ text: String, files: [String: String] = [:]
) throws -> (
    result: RunResult, folder: RunFolder, specPath: String
) {
    let folder = try temporaryFolder()
    for (name, content) in files {
        try content.write(
            to: folder.appendingPathComponent(name), atomically: true, encoding: .utf8)
    }
    let spec = folder.appendingPathComponent("spec.yaml")
    try text.write(to: spec, atomically: true, encoding: .utf8)
    let (session, runFolder, _) = try startRun(spec.path)
    return (try session.run(in: runFolder), runFolder, spec.path)
}

func loader() throws -> SpecLoader {
    SpecLoader(templates: TemplateNames(names: try TemplateCatalog().entries.map(\.name)))
}

extension RunResult {
    var ruleIDs: Set<String> { Set(findings.map(\.ruleID)) }
    func finding(_ id: String) -> Finding? { findings.first { $0.ruleID == id } }
}

/// Seeded synthetic data sets as CSV text.
enum SyntheticData {
    /// XOR: `label = yes` when a * b > 0, a and b uniform in [-1, 1]. No linear model beats the
    /// majority class; a small hidden layer solves it.
    static func xor(rows: Int = 400) -> String {
        var generator = SeededGenerator(seed: 7)
        var lines = ["a,b,label"]
        for _ in 0..<rows {
            let a = 2 * generator.nextUnitDouble() - 1
            let b = 2 * generator.nextUnitDouble() - 1
            lines.append(String(format: "%.4f,%.4f,", a, b) + (a * b > 0 ? "yes" : "no"))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// Tiny and noisy: 60 rows of 8 normal features; the label follows x0 through heavy noise.
    static func tinyNoisy(rows: Int = 60) -> String {
        var generator = SeededGenerator(seed: 11)
        var lines = [(0..<8).map { "x\($0)" }.joined(separator: ",") + ",label"]
        for _ in 0..<rows {
            let x = (0..<8).map { _ in generator.nextNormal() }
            let label = x[0] + 1.5 * generator.nextNormal() > 0 ? "p" : "n"
            lines.append(x.map { String(format: "%.4f", $0) }.joined(separator: ",") + "," + label)
        }
        return lines.joined(separator: "\n") + "\n"
    }
}

/// The rules a learning rate far too high trips.
let tooHighRules: Set<String> = ["DIAG-OSCILLATING", "DIAG-EXPLODING", "DIAG-NONFINITE"]
/// The six pathologies' rules (and their relatives) that a healthy run must not trip.
let pathologyRules: Set<String> = tooHighRules.union([
    "DIAG-FLAT", "DIAG-SLOW", "DIAG-OVERFIT", "DIAG-UNDERFIT", "DIAG-VANISHING",
    "DIAG-NOT-CONVERGED", "DIAG-DEAD-RELU",
])

func learningRateEdit(_ finding: Finding) -> (old: Double, new: Double)? {
    guard let edit = finding.edits.first(where: { $0.keyPath == "training.learning_rate" }),
        let old = edit.oldValue.flatMap(Double.init), let new = Double(edit.newValue)
    else { return nil }
    return (old, new)
}

/// Iris with standardised numbers: the pathology tests need its hidden layer (with bins,
/// ENC-NUMERIC-PLE makes iris separable, and DEPTH-LINEAR takes the hidden layer away).
let iris =
    "data: {path: \(Repository.specs)/data/iris.csv, target: species, numeric_encoding: standard}"

// MARK: Pathologies provoked by real training

/// Each pathology of the rulebook's diagnostics, provoked by a real run through the engine; the
/// right finding fires with its edit, and does not fire on a healthy run.
@Suite struct PathologyTests {
    @Test func healthyRunTripsNoPathology() throws {
        let (result, _, _) = try trainSpec("name: healthy\n" + iris + "\n")
        #expect(result.ruleIDs.isDisjoint(with: pathologyRules), "\(result.findings)")
        // The training curve and record are complete.
        let record = try #require(result.diagnosis?.file.record)
        #expect(record.trainLoss.count == result.epochsRun)
        #expect(record.trainMetric.count == result.epochsRun)
        #expect(record.validationLoss.count == result.epochsRun)
        #expect(record.classRecall.count == result.epochsRun)
        #expect(record.layers.map(\.name) == ["dense_1", "output"])
        #expect(record.layers[0].deadUnitFraction?.count == result.epochsRun)
        #expect(record.layers[0].incomingUnitNorms?.count == record.layers[0].units)
        #expect(abs((record.trivialBaselineScore ?? 0) - 1.0 / 3) < 0.05)
        #expect(abs((record.trivialBaselineLoss ?? 0) - log(3.0)) < 0.01)
    }

    @Test func learningRateFarTooHighOscillatesOrDiverges() throws {
        let (result, _, _) = try trainSpec(
            """
            name: too-high
            \(iris)
            model: {hidden_layers: 1, neurons: [16]}
            training: {learning_rate: 3.0, optimizer: sgd, gradient_clipping: none, \
            early_stopping: false, epochs: 40, regularization: none}
            """)
        let fired = result.findings.filter { tooHighRules.contains($0.ruleID) }
        #expect(!fired.isEmpty, "\(result.findings)")
        for finding in fired {
            let rate = try #require(learningRateEdit(finding), "\(finding)")
            #expect(rate.old == 3.0 && rate.new < rate.old)
        }
        #expect(result.ruleIDs.isDisjoint(with: ["DIAG-FLAT", "DIAG-SLOW"]))
    }

    @Test func learningRateFarTooLowIsFlatOrSlow() throws {
        let (result, _, _) = try trainSpec(
            """
            name: too-low
            \(iris)
            model: {hidden_layers: 1, neurons: [16]}
            training: {learning_rate: 1.0e-6, early_stopping: false, epochs: 30}
            """)
        let fired = result.findings.filter { ["DIAG-FLAT", "DIAG-SLOW"].contains($0.ruleID) }
        #expect(!fired.isEmpty, "\(result.findings)")
        for finding in fired {
            let rate = try #require(learningRateEdit(finding), "\(finding)")
            #expect(rate.old == 1e-6 && rate.new >= 3 * rate.old)
        }
        #expect(result.ruleIDs.isDisjoint(with: tooHighRules), "\(result.findings)")
    }

    @Test func largeNetworkOnTinyDataOverfits() throws {
        let (result, _, _) = try trainSpec(
            """
            name: overfit
            data: {path: tiny.csv, target: label}
            model: {hidden_layers: 2, neurons: [256, 256], dropout: 0, batch_norm: false}
            training: {learning_rate: 0.003, early_stopping: false, epochs: 150, \
            regularization: none}
            """, files: ["tiny.csv": SyntheticData.tinyNoisy()])
        let finding = try #require(result.finding("DIAG-OVERFIT"), "\(result.findings)")
        #expect(finding.edits.contains(SpecEdit("model.dropout", from: "0", to: "0.2")))
        #expect(finding.edits.map(\.keyPath).contains("training.regularization"))
        #expect(!result.ruleIDs.contains("DIAG-UNDERFIT"))
    }

    @Test func linearModelOnXORUnderfitsAndAHiddenLayerDoesNot() throws {
        let data = ["xor.csv": SyntheticData.xor()]
        let (small, _, _) = try trainSpec(
            """
            name: underfit
            data: {path: xor.csv, target: label}
            model: {hidden_layers: 0}
            training: {learning_rate: 0.01, early_stopping: false, epochs: 40}
            """, files: data)
        let finding = try #require(small.finding("DIAG-UNDERFIT"), "\(small.findings)")
        #expect(finding.edits.contains(SpecEdit("model.hidden_layers", from: "0", to: "1")))
        #expect(!small.ruleIDs.contains("DIAG-OVERFIT"))
        // The same data with a hidden layer fits.
        let (enough, _, _) = try trainSpec(
            """
            name: fits
            data: {path: xor.csv, target: label}
            model: {hidden_layers: 1, neurons: [16]}
            training: {learning_rate: 0.01, epochs: 200}
            """, files: data)
        #expect((enough.scores["train"]?.headline ?? 0) > 0.9)
        #expect(!enough.ruleIDs.contains("DIAG-UNDERFIT"), "\(enough.findings)")
    }

    @Test func signalFreeDataIsNotCalledAnUnderfit() throws {
        // Labels drawn apart from the inputs: DEPTH-NO-SIGNAL's lift is near 0, with the random
        // features too, so the near-trivial training score is information, with no edit.
        var generator = SeededGenerator(seed: 19)
        var lines = ["a,b,c,label"]
        for _ in 0..<400 {
            let x = (0..<3).map { _ in String(format: "%.4f", generator.nextNormal()) }
            lines.append(
                x.joined(separator: ",") + (generator.nextUnitDouble() < 0.5 ? ",u" : ",d"))
        }
        let (result, _, _) = try trainSpec(
            """
            name: noise
            data: {path: noise.csv, target: label}
            model: {hidden_layers: 0}
            training: {learning_rate: 0.01, early_stopping: false, epochs: 30}
            """, files: ["noise.csv": lines.joined(separator: "\n") + "\n"])
        let finding = try #require(result.finding("DIAG-UNDERFIT"), "\(result.findings)")
        #expect(finding.severity == .info && finding.edits.isEmpty, "\(finding)")
        #expect(finding.evidence.contains { $0.name == "linear_lift_cv" && $0.value < 0.05 })
    }

    @Test func deepSigmoidStackVanishes() throws {
        let (result, _, _) = try trainSpec(
            """
            name: vanishing
            \(iris)
            model: {hidden_layers: 10, neurons: 16, activation: sigmoid, batch_norm: false}
            training: {learning_rate: 0.001, early_stopping: false, epochs: 20}
            """)
        let finding = try #require(result.finding("DIAG-VANISHING"), "\(result.findings)")
        let ratio = try #require(
            finding.evidence.first { $0.name == "first_to_last_gradient_ratio" })
        #expect(ratio.value < 1e-3)
        #expect(finding.edits.contains(SpecEdit("model.activation", from: "sigmoid", to: "relu")))
        #expect(finding.edits.contains(SpecEdit("model.batch_norm", from: "false", to: "true")))
    }

    @Test func tooFewEpochsIsNotConverged() throws {
        let (result, _, _) = try trainSpec(
            """
            name: few-epochs
            \(iris)
            model: {hidden_layers: 1, neurons: [16]}
            training: {learning_rate: 0.01, early_stopping: false, epochs: 6}
            """)
        let finding = try #require(result.finding("DIAG-NOT-CONVERGED"), "\(result.findings)")
        #expect(finding.edits == [SpecEdit("training.epochs", from: "6", to: "12")])
        #expect(result.ruleIDs.isDisjoint(with: tooHighRules), "\(result.findings)")
    }

    @Test func nonFiniteLossIsDiagnosedAndReported() throws {
        let (result, folder, _) = try trainSpec(
            """
            name: diverge
            data: {path: \(Repository.specs)/data/diabetes.csv, target: progression}
            model: {hidden_layers: 1, neurons: [8]}
            training: {learning_rate: 1.0e+6, optimizer: sgd, gradient_clipping: none, \
            regularization: none, early_stopping: false, epochs: 50}
            """)
        let finding = try #require(result.finding("DIAG-NONFINITE"), "\(result.findings)")
        #expect(finding.edits.map(\.keyPath).contains("training.gradient_clipping"))
        #expect(FileManager.default.fileExists(atPath: folder.reportPath))
        let reloaded = try RunDiagnosis.load(RunFolder(existing: folder.path), loader: loader())
        // (NaN evidence is never == itself: compare as text.)
        #expect(reloaded.findings.map(\.description) == result.findings.map(\.description))
    }
}

// MARK: The range test on the engine

@Suite struct RangeTestOnEngineTests {
    /// Linear regression with features of different scales: for full-batch gradient descent on
    /// the mean squared error the Hessian is (2/n) AᵀA (A = [X 1]) and steps diverge above
    /// lr = 2 / λmax(H) (about 0.11 here). Every suggestion must be a stable rate (below the
    /// bound), minimum/10 within 10x of it, steep at the curve's fastest fall, the valley (fastai's deliberately
    /// conservative choice: two thirds into the longest descent, which starts far below the
    /// bound on an ill-conditioned problem) within 1000x, and the sweep must only diverge past
    /// the bound.
    @Test func suggestionRespectsTheStableStepBoundOfLinearRegression() throws {
        let rows = 512
        let scales = [1.0, 2.0, 0.5, 3.0]
        var generator = SeededGenerator(seed: 3)
        var features: [Float] = []
        var targets: [Float] = []
        var design: [[Double]] = []
        for _ in 0..<rows {
            let x = scales.map { $0 * generator.nextNormal() }
            let y = 0.5 * x[0] - 0.2 * x[1] + 0.3 * x[2] + 0.1 * x[3] + 0.1 * generator.nextNormal()
            features += x.map(Float.init)
            targets.append(Float(y))
            design.append(x + [1])
        }
        // λmax of (2/n) AᵀA by power iteration.
        let width = scales.count + 1
        var gram = [[Double]](repeating: [Double](repeating: 0, count: width), count: width)
        for row in design {
            for i in 0..<width {
                for j in 0..<width { gram[i][j] += 2 * row[i] * row[j] / Double(rows) }
            }
        }
        var vector = [Double](repeating: 1, count: width)
        var lambda = 0.0
        for _ in 0..<200 {
            let next = (0..<width).map { i in
                (0..<width).reduce(0.0) { $0 + gram[i][$1] * vector[$1] }
            }
            lambda = (next.map { $0 * $0 }.reduce(0, +)).squareRoot()
            vector = next.map { $0 / lambda }
        }
        let bound = 2 / lambda

        let model = try Sequential(
            ModelDescription(inputWidth: scales.count, layers: [.dense(units: 1)]), seed: 1)
        let trainer = try Trainer(
            model: model,
            configuration: TrainingConfiguration(
                epochs: 1, loss: .meanSquaredError,
                optimizer: OptimizerDescription(rule: .sgd(), learningRate: 1e-3)))
        let source = try InMemoryBatchSource(
            inputs: Matrix(rows: rows, columns: scales.count, values: features),
            targets: .values(Matrix(rows: rows, columns: 1, values: targets)), batchSize: rows)
        let result = try LearningRateFinder.run(trainer: trainer, source: source)
        let suggestion = try #require(result.suggestion, "\(result.summary)")
        let steep = try #require(result.steep)
        let minimumOverTen = try #require(result.minimumOverTen)
        let text = "\(result.summary)\nstable bound \(bound)"
        for rate in [suggestion, steep, minimumOverTen] { #expect(rate < bound, "\(text)") }
        #expect(minimumOverTen > bound / 10, "\(text)")
        // Full batch: the raw losses are noise-free, so their steepest fall against log10 lr is
        // the truth steep must find (far below the bound here: the loss falls fastest where the
        // bulk of it converges, about 20x below 2/λmax).
        let rates = result.learningRates
        let losses = result.losses
        let falls: [Double] = (0..<(losses.count - 1)).map { (k: Int) -> Double in
            let fall: Double = (losses[k + 1] - losses[k]) / log10(rates[k + 1] / rates[k])
            return fall.isFinite ? fall : .infinity
        }
        let fastest = try #require(falls.indices.min { falls[$0] < falls[$1] })
        #expect(
            abs(log10(steep / rates[fastest])) < 0.3, "\(text)\nfastest fall at \(rates[fastest])")
        #expect(steep > bound / 100, "\(text)")
        #expect(suggestion > bound / 1000, "\(text)")
        #expect(result.stopReason != .completed)
        let lastRate = try #require(result.learningRates.last)
        #expect(lastRate > bound, "stopped at \(lastRate), below the bound \(bound)")
    }

    /// Procedure step 1: weights (batch-norm running statistics included) and optimizer state
    /// come back bit for bit, and training then continues exactly as without the sweep.
    @Test func restoresWeightsAndOptimizerStateExactly() throws {
        let description = ModelDescription(
            inputWidth: 4,
            layers: [
                .dense(units: 8), .batchNorm(), .activation(.relu), .dense(units: 3),
                .activation(.softmax),
            ])
        let configuration = TrainingConfiguration(
            epochs: 3, loss: .softmaxCrossEntropy,
            optimizer: OptimizerDescription(rule: .adam(), learningRate: 1e-2))
        let plan = try DesignPlan(
            specPath: Repository.spec("iris"), catalog: try TemplateCatalog(),
            overrides: [try SpecOverride(parsing: "data.numeric_encoding=standard")])
        func source() throws -> InMemoryBatchSource {
            try InMemoryBatchSource(
                inputs: plan.data.training.inputMatrix, targets: plan.data.training.engineTargets,
                batchSize: 16, seed: 5)
        }
        func bits(_ tensors: [NamedTensor]) -> [String: [UInt32]] {
            Dictionary(uniqueKeysWithValues: tensors.map { ($0.name, $0.values.map(\.bitPattern)) })
        }
        let swept = try Trainer(
            model: Sequential(description, seed: 9), configuration: configuration)
        let plain = try Trainer(
            model: Sequential(description, seed: 9), configuration: configuration)
        var batches = try source()
        var plainBatches = try source()
        try swept.fit(training: &batches, untilEpoch: 1)
        try plain.fit(training: &plainBatches, untilEpoch: 1)
        let before = swept.exportState()
        #expect(!before.optimizer.tensors.isEmpty)
        let result = try LearningRateFinder.run(trainer: swept, source: try source())
        #expect(result.learningRates.count > 10)
        let after = swept.exportState()
        #expect(bits(after.model) == bits(before.model))
        #expect(bits(after.optimizer.tensors) == bits(before.optimizer.tensors))
        #expect(after.optimizer.step == before.optimizer.step)
        #expect(after.step == before.step && after.epoch == before.epoch)
        #expect(after.dropoutGenerator == before.dropoutGenerator)
        // Training goes on as if no sweep had run.
        try swept.fit(training: &batches)
        try plain.fit(training: &plainBatches)
        #expect(bits(swept.model.exportTensors()) == bits(plain.model.exportTensors()))
    }

    @Test func learningRateAutoRecordsTheRangeTestInTheRun() throws {
        let (result, folder, _) = try trainSpec("name: auto-rate\n" + iris + "\n")
        let test = try #require(result.rangeTest)
        // The suggestion only when the test trusts it (LR-RANGE-TEST, calibrated).
        #expect(
            result.learningRate
                == (test.confidence == .high ? test.suggestion : nil)
                ?? LearningRateFinder.fallbackRate)
        let metrics = try String(contentsOfFile: folder.metricsPath, encoding: .utf8)
        #expect(metrics.contains("\"range_test\""))
        // The confidence's evidence is in the data too.
        let document = try #require(
            try JSONSerialization.jsonObject(with: Data(metrics.utf8)) as? [String: Any])
        let summary = try #require(document["range_test"] as? [String: Any])
        #expect(summary["confidence"] as? String == test.confidence.rawValue)
        #expect(
            (summary["low_confidence_reasons"] as? [String]) == (test.lowConfidenceReasons ?? []))
        let drop = try #require(summary["relative_drop"] as? Double)
        #expect(abs(drop - (test.relativeDrop ?? .nan)) < 1e-12)
        let html = try String(contentsOfFile: folder.reportPath, encoding: .utf8)
        #expect(html.contains("Learning-rate range test (LR-RANGE-TEST)"))
        #expect(try RunRecordFile.read(from: folder)?.rangeTest == test)
    }

    @Test func lrFindWritesTheCurveWithTheSuggestionMarked() throws {
        let plan = try DesignPlan(
            specPath: Repository.spec("penguins"), catalog: try TemplateCatalog())
        let out = try temporaryFolder().appendingPathComponent("sweep").path
        let sweep = try LearningRateSweep.run(plan: plan, out: out)
        let suggestion = try #require(sweep.result.suggestion)
        let svg = try String(contentsOfFile: sweep.chartPath, encoding: .utf8)
        #expect(svg.contains("valley \(formatNumberForTest(suggestion))"))
        #expect(XMLParser(data: Data(svg.utf8)).parse())
        let json = try Data(contentsOf: URL(fileURLWithPath: sweep.resultPath))
        #expect(
            try TrainingRecord.jsonDecoder().decode(RangeTestResult.self, from: json)
                == sweep.result)
        // Same network and seed: the same sweep as the one `train` runs for `auto`.
        let again = try TrainingSession.rangeTest(
            config: plan.recommendation.config, data: plan.data)
        #expect(again == sweep.result)
    }
}

/// The marker label's number, as the chart prints it (3 significant digits).
func formatNumberForTest(_ value: Double) -> String {
    let text = String(format: "%.3g", value)
    return text.contains("e") ? String(format: "%.2e", value) : text
}

// MARK: Run files, diagnose, write-spec, report

@Suite struct RunDiagnosisTests {
    static let fewEpochs = """
        name: few
        data:
          path: iris.csv   # the data, beside the spec
          target: species
        # a random start, still learning after 6 epochs (not at the logistic fit)
        model: {hidden_layers: 1, neurons: [16], linear_start: false}
        training:
          learning_rate: 0.01
          early_stopping: false
          epochs: 6   # deliberately short
        """

    static func irisCopy() throws -> String {
        try String(contentsOfFile: Repository.specs + "/data/iris.csv", encoding: .utf8)
    }

    @Test func writeSpecAppliesTheEditsKeepsCommentsAndValidates() throws {
        let (result, folder, specPath) = try trainSpec(
            Self.fewEpochs, files: ["iris.csv": try Self.irisCopy()])
        #expect(result.ruleIDs.contains("DIAG-NOT-CONVERGED"))
        let diagnosis = try RunDiagnosis.load(RunFolder(existing: folder.path), loader: loader())
        #expect(diagnosis.editable?.isOriginal == true)
        #expect(diagnosis.editable?.path == URL(fileURLWithPath: specPath).standardizedFileURL.path)
        // Into another folder: the data path is rewritten to reach the same file.
        let output = try temporaryFolder().appendingPathComponent("next/few-longer.yaml")
        try FileManager.default.createDirectory(
            at: output.deletingLastPathComponent(), withIntermediateDirectories: true)
        let edits = try diagnosis.writeSpec(to: output.path, force: false, loader: loader())
        #expect(edits.contains(SpecEdit("training.epochs", from: "6", to: "12")))
        let text = try String(contentsOf: output, encoding: .utf8)
        #expect(text.contains("epochs: 12   # deliberately short"))
        #expect(text.contains("# the data, beside the spec"))
        let loaded = try loader().load(path: output.path)
        #expect(loaded.spec.training.epochs.value == 12)
        #expect(
            URL(fileURLWithPath: loaded.spec.data.resolvedPath).standardizedFileURL.path
                == URL(fileURLWithPath: specPath).deletingLastPathComponent()
                .appendingPathComponent("iris.csv").standardizedFileURL.path)
        // No overwrite without force; with force, the same content again.
        #expect(throws: SpecWriteError.exists(path: output.path)) {
            try diagnosis.writeSpec(to: output.path, force: false, loader: loader())
        }
        try diagnosis.writeSpec(to: output.path, force: true, loader: loader())
        #expect(try String(contentsOf: output, encoding: .utf8) == text)
        // The follow-up spec trains.
        let (session, next, _) = try startRun(output.path)
        let followUp = try session.run(in: next)
        #expect(followUp.epochsRun == 12)
    }

    @Test func recordRebuiltFromTheCheckpointMatchesRecordJSON() throws {
        let (result, folder, _) = try trainSpec(
            Self.fewEpochs, files: ["iris.csv": try Self.irisCopy()])
        let saved = try #require(try RunRecordFile.read(from: folder))
        try FileManager.default.removeItem(atPath: folder.recordPath)
        let rebuilt = try RunDiagnosis.load(RunFolder(existing: folder.path), loader: loader())
        #expect(rebuilt.file.record == saved.record)
        #expect(rebuilt.file.evaluation == saved.evaluation)
        #expect(rebuilt.file.inputs == saved.inputs && saved.inputs?.count == 4)
        #expect(rebuilt.findings == result.findings)
        // CLIP-DEFAULTS clipped the spec's `auto`: the record knows, so no finding proposes it.
        #expect(saved.record.clippedGradients == true)
    }

    @Test func stoppedRunHasARecordAndAReport() throws {
        let folder = try temporaryFolder()
        let spec = folder.appendingPathComponent("stop.yaml")
        try ("name: stop\n" + iris + "\ntraining: {epochs: 50, early_stopping: false}\n")
            .write(to: spec, atomically: true, encoding: .utf8)
        let (session, runFolder, _) = try startRun(spec.path)
        let stop = session.trainer.stopRequest
        // Ctrl-C during epoch 3.
        let result = try session.run(in: runFolder) { event in
            if case .stepEnded(let step) = event, step.epoch == 2 { stop.request() }
        }
        #expect(result.stopReason == .stopRequested)
        let file = try #require(try RunRecordFile.read(from: runFolder))
        #expect(file.record.epochsRun == 2)
        #expect(file.stopReason == StopReason.stopRequested.explanation)
        #expect(FileManager.default.fileExists(atPath: runFolder.reportPath))
        // A stopped run is not "not converged" (it did not use its epochs).
        #expect(!result.ruleIDs.contains("DIAG-NOT-CONVERGED"))
    }

    @Test func reportIsSelfContainedWithParsingSVGsForBothTasks() throws {
        for name in ["iris", "diabetes"] {
            let (session, folder, _) = try startRun(Repository.spec(name))
            _ = try session.run(in: folder)
            try FileManager.default.removeItem(atPath: folder.reportPath)
            let diagnosis = try RunDiagnosis.load(
                RunFolder(existing: folder.path), loader: loader())
            try diagnosis.writeReport()
            let html = try String(contentsOfFile: folder.reportPath, encoding: .utf8)
            #expect(!html.lowercased().contains("<script"))
            #expect(!html.contains("<link") && !html.contains("url("))
            let urls = html.ranges(of: /https?:\/\/[^"' <]*/).map { String(html[$0]) }
            #expect(Set(urls).isSubset(of: ["http://www.w3.org/2000/svg"]), "\(Set(urls))")
            var svgs: [String] = []
            var rest = html[...]
            while let start = rest.range(of: "<svg "),
                let end = rest.range(of: "</svg>", range: start.upperBound..<rest.endIndex)
            {
                svgs.append(String(rest[start.lowerBound..<end.upperBound]))
                rest = rest[end.upperBound...]
            }
            // Loss, metric, learning rate, gradient norms, range test, evaluation.
            #expect(svgs.count == 6, "\(name): \(svgs.count) charts")
            for svg in svgs { #expect(XMLParser(data: Data(svg.utf8)).parse(), "\(name)") }
            #expect(
                html.contains(
                    name == "iris"
                        ? "Confusion matrix, test split" : "Predicted vs actual, test split"))
            // The design with the rules behind it.
            #expect(html.contains("DEPTH-") && html.contains("OPT-DEFAULT"), "\(name)")
        }
    }

    @Test func sizePruneCountsUnitsWhoseWeightsWentToZero() throws {
        let (session, folder, _) = try startRun(
            Repository.spec("iris"), set: ["data.numeric_encoding=standard"])
        _ = try session.run(in: folder)
        var file = try #require(try RunRecordFile.read(from: folder))
        #expect(file.record.layers[0].incomingUnitNorms?.allSatisfy { $0 > 0 } == true)
        // Zero two hidden units' incoming and outgoing weights in the saved model, rebuild.
        var artifact = try ModelArtifact.read(from: folder.modelPath)
        let hidden = file.record.layers[0].units
        guard hidden >= 3 else { return }
        for index in artifact.tensors.indices {
            let tensor = artifact.tensors[index]
            if tensor.name == "layers.0.weight" {
                for unit in 0..<2 {
                    for column in 0..<tensor.shape[1] {
                        artifact.tensors[index].values[unit * tensor.shape[1] + column] = 0
                    }
                }
            } else if tensor.name.hasSuffix(".weight"), tensor.shape.count == 2,
                tensor.shape[1] == hidden
            {
                for row in 0..<tensor.shape[0] {
                    for unit in 0..<2 { artifact.tensors[index].values[row * hidden + unit] = 0 }
                }
            }
        }
        try artifact.write(to: folder.modelPath)
        try FileManager.default.removeItem(atPath: folder.recordPath)
        let diagnosis = try RunDiagnosis.load(RunFolder(existing: folder.path), loader: loader())
        let prune = try #require(diagnosis.findings.first { $0.ruleID == "SIZE-PRUNE" })
        #expect(prune.evidence.first?.value == 2)
        #expect(prune.edits == [SpecEdit("model.neurons", from: nil, to: "[\(hidden - 2)]")])
        file = diagnosis.file
        #expect(file.record.layers[0].incomingUnitNorms?.filter { $0 == 0 }.count == 2)
    }
}
