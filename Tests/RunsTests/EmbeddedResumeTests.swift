import Engine
import Foundation
import Testing

@testable import Runs

/// `train --resume` of a run whose network has an embedding table and date inputs ends with
/// the weights of an uninterrupted run, bit for bit: paused after 3 epochs, or stopped by
/// Ctrl-C during the fourth with early stopping on (its best-epoch snapshot holds a table too).
@Suite struct EmbeddedResumeTests {
    @Test(arguments: [
        ("{epochs: 6, optimizer: adam, early_stopping: false}", false),
        ("{epochs: 6, optimizer: adam}", true),
    ])
    func resumedRunWithAnEmbeddingEndsBitIdentical(_ training: String, ctrlC: Bool) throws {
        let (straight, straightFolder, _) = try startRun(try ShopData.spec(training: training))
        let full = try straight.run(in: straightFolder)
        #expect(full.epochsRun == 6)
        let (first, folder, _) = try startRun(try ShopData.spec(training: training))
        if ctrlC {
            let stop = first.trainer.stopRequest
            let stopped = try first.run(in: folder) { event in
                if case .stepEnded(let step) = event, step.epoch == 3, step.stepInEpoch == 2 {
                    stop.request()
                }
            }
            #expect(stopped.stopReason == .stopRequested && stopped.epochsRun == 3)
        } else {
            let paused = try first.run(in: folder, untilEpoch: 3)
            #expect(paused.stopReason == .paused && paused.epochsRun == 3)
        }
        // The checkpoint holds the table and its Adam moments.
        let (state, _) = try Checkpoint.read(from: folder.checkpointPath)
        #expect(state.epoch == 3)
        #expect(state.model.contains { $0.name == "embeddings.0.weight" && $0.shape == [31, 11] })
        let moments = state.optimizer.tensors.filter { $0.name.hasPrefix("embeddings.0.weight.") }
        #expect(
            moments.map(\.name).sorted() == [
                "embeddings.0.weight.exp_avg", "embeddings.0.weight.exp_avg_sq",
            ])
        #expect(moments.allSatisfy { $0.values.count == 31 * 11 && $0.values.contains { $0 != 0 } })
        if ctrlC {
            #expect(state.bestModel?.contains { $0.name == "embeddings.0.weight" } == true)
        }

        let resumed = try TrainingSession.resume(RunFolder(existing: folder.path), loader: loader())
        #expect(resumed.trainer.epoch == 3)
        let finished = try resumed.run(in: folder)
        #expect(finished.epochsRun == full.epochsRun)
        let names = try ModelArtifact.read(from: folder.modelPath).tensors.map(\.name)
        #expect(names.contains("embeddings.0.weight"))
        #expect(try savedWeightBits(straightFolder) == savedWeightBits(folder))
        #expect(finished.scores["test"] == full.scores["test"])
        // The optimizer ends in the same state too (a further epoch would match as well).
        let end = try Checkpoint.read(from: folder.checkpointPath).state
        let straightEnd = try Checkpoint.read(from: straightFolder.checkpointPath).state
        let sameOptimizer = end.optimizer == straightEnd.optimizer
        #expect(sameOptimizer, "the optimizer state differs after the resumed run")
        let sameLosses =
            end.history.epochs.map(\.stepLosses) == straightEnd.history.epochs.map(\.stepLosses)
        #expect(sameLosses, "the step losses differ after the resumed run")
    }
}
