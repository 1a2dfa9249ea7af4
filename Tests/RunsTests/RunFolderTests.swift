import Engine
import Foundation
import Generator
import Spec
import Testing

@testable import Runs

/// Issue 12's lost and mixed runs: the folder lock, folders that are not runs, runs stopped in
/// their first epoch, stale temporary files, and a NaN after good epochs.
@Suite struct RunFolderTests {
    private func loader() throws -> SpecLoader {
        SpecLoader(templates: TemplateNames(names: try TemplateCatalog().entries.map(\.name)))
    }

    @Test func aSecondWriterOfTheSameFolderIsRefusedWhileTheFirstHoldsIt() throws {
        let path = try temporaryFolder().appendingPathComponent("run").path
        let first = try RunFolder.create(name: "a", explicit: path)
        #expect {
            try RunFolder.create(name: "b", explicit: path)
        } throws: { error in
            guard case .busy(_, let holder) = error as? RunError else { return false }
            return holder == "\(getpid())"
        }
        // `--resume` of the same folder while the first holds it.
        for name in ["config.yaml", "run.json"] {
            try "".write(toFile: path + "/" + name, atomically: false, encoding: .utf8)
        }
        #expect {
            try RunFolder.reopen(path)
        } throws: { error in
            guard case .busy = error as? RunError else { return false }
            return true
        }
        withExtendedLifetime(first) {}
    }

    @Test func aFolderOfOtherFilesIsRefusedAndLeftAlone() throws {
        let folder = try temporaryFolder()
        let mine = folder.appendingPathComponent("notes.txt")
        try "my notes\n".write(to: mine, atomically: true, encoding: .utf8)
        #expect(throws: RunError.notEmpty(path: folder.path, entries: ["notes.txt"])) {
            try RunFolder.create(name: "x", explicit: folder.path)
        }
        #expect(try String(contentsOf: mine, encoding: .utf8) == "my notes\n")
        #expect(
            try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["notes.txt"])
        // A file where the folder should be.
        #expect(throws: RunError.self) { try RunFolder.create(name: "x", explicit: mine.path) }
    }

    /// A run started in a folder whose process died before its first epoch ended: config.yaml
    /// and run.json, no checkpoint. The folder is released when this returns.
    private func unstartedRun() throws -> String {
        let (_, folder, _) = try startRun(Repository.spec("iris"))
        #expect(FileManager.default.fileExists(atPath: folder.configPath))
        #expect(!FileManager.default.fileExists(atPath: folder.checkpointPath))
        // What a kill during an atomic write leaves.
        try "partial".write(
            toFile: folder.path + "/.history.csv.tmp-99999", atomically: false, encoding: .utf8)
        return folder.path
    }

    @Test func aRunKilledInItsFirstEpochIsResumedFromTheStart() throws {
        let path = try unstartedRun()
        // A new run there is refused, and told how to go on.
        #expect {
            try RunFolder.create(name: "iris", explicit: path)
        } throws: { error in
            "\(error)".contains("stopped before its first epoch ended")
                && "\(error)".contains("--resume \(path)")
        }
        let folder = try RunFolder.reopen(path)
        #expect(!FileManager.default.fileExists(atPath: path + "/.history.csv.tmp-99999"))
        let resumed = try TrainingSession.resume(folder, loader: try loader())
        #expect(resumed.trainer.epoch == 0)
        let result = try resumed.run(in: folder)
        // The same weights as a run that was never interrupted.
        let (straight, straightFolder, _) = try startRun(Repository.spec("iris"))
        let full = try straight.run(in: straightFolder)
        #expect(result.epochsRun == full.epochsRun)
        #expect(try savedWeightBits(straightFolder) == savedWeightBits(folder))
    }

    @Test func aNaNAfterGoodEpochsKeepsTheLastFiniteEpochsModel() throws {
        let folder = try temporaryFolder()
        let spec = folder.appendingPathComponent("late-nan.yaml")
        try """
        name: late-nan
        data:
          path: \(Repository.specs)/data/diabetes.csv
          target: progression
        model: {hidden_layers: 1, neurons: [8]}
        training:
          learning_rate: 0.01
          early_stopping: false
          epochs: 30
        """.write(to: spec, atomically: true, encoding: .utf8)
        let (session, runFolder, _) = try startRun(spec.path)
        let paused = try session.run(in: runFolder, untilEpoch: 3)
        #expect(paused.epochsRun == 3)
        let (good, _) = try Checkpoint.read(from: runFolder.checkpointPath)
        // Epoch 4 diverges: a NaN weight, as a too-large step would leave.
        var tensors = session.trainer.model.exportTensors()
        tensors[0].values[0] = .nan
        try session.trainer.model.importTensors(tensors)
        let result = try session.run(in: runFolder)
        guard case .nonFinite = result.stopReason else {
            Issue.record("expected a non-finite stop, got \(result.stopReason)")
            return
        }
        #expect(result.savedModel)
        #expect(result.chosenEpoch == 3)
        let saved = try ModelArtifact.read(from: runFolder.modelPath)
        #expect(
            saved.tensors.map { $0.values.map(\.bitPattern) }
                == good.model.map { $0.values.map(\.bitPattern) })
        #expect(result.scores["test"] != nil)
    }

    @Test func aModelWithNaNWeightsIsRefusedNotPredictedWith() throws {
        let folder = try PredictionTests.iris.get()
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: folder.modelPath)))
        var file = try SafeTensorsFile(bytes: bytes, path: folder.modelPath)
        file.tensors[0].values[1] = .nan
        let poisoned = try temporaryFolder().appendingPathComponent("model.safetensors")
        try Data(file.serialized()).write(to: poisoned)
        #expect(
            throws: ModelFileError.nonFiniteWeights(
                path: poisoned.path, tensor: file.tensors[0].name)
        ) {
            try ModelArtifact.read(from: poisoned.path)
        }
    }
}
