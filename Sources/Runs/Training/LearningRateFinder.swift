import CurveAnalysis
import Engine

/// Runs the learning-rate range test (LR-RANGE-TEST) on a trainer and puts it back as it was.
///
/// Procedure (rulebook; keras_lr_finder, fastai `lr_find`): copy the weights and optimizer
/// state, take 100 optimizer steps with the rate growing exponentially from 1e-7 to 10
/// (cycling the batches when an epoch is shorter), smooth the loss, stop on divergence, then
/// restore the copy. The network is the resolved one, batch normalisation included
/// (LR-WITH-BATCHNORM).
public enum LearningRateFinder {
    /// The rate used when the curve gives nothing to go on (OPT-DEFAULT's Adam rate).
    public static let fallbackRate = 1e-3

    /// Sweeps the rate on `trainer` over batches of `source`, then restores the trainer.
    /// - Parameters:
    ///   - trainer: a trainer at its starting state; it is restored before returning.
    ///   - source: the training batches (a copy is consumed; the caller's is untouched).
    ///   - test: the sweep's settings (default: the rulebook's).
    /// - Returns: the curve and the suggestions (`suggestion` nil when the curve is flat or
    ///   diverged at once).
    public static func run<Source: BatchSource>(
        trainer: Trainer, source: Source, test: LearningRateRangeTest = LearningRateRangeTest()
    ) throws -> RangeTestResult {
        let saved = trainer.exportState()
        defer { try? trainer.importState(saved) }
        var batches = source
        var epoch = 0
        var batch = Batch.empty
        batches.startEpoch(epoch)
        return try test.run { rate in
            if !batches.nextBatch(into: &batch) {
                epoch += 1
                batches.startEpoch(epoch)
                guard batches.nextBatch(into: &batch) else { return .nan }
            }
            let result = try trainer.trainStep(batch, learningRate: Float(rate))
            return result.finite ? Double(result.loss) : .nan
        }
    }
}
