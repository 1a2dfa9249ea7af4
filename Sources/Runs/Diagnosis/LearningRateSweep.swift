import CurveAnalysis
import Foundation

/// `layerwise lr-find`: the learning-rate range test (LR-RANGE-TEST) on a spec's resolved
/// network, with its curve written as an SVG.
public struct LearningRateSweep: Sendable {
    /// The sweep's result.
    public let result: RangeTestResult
    /// The folder the curve went to.
    public let folder: String

    /// The curve (`lr-range-test.svg`, suggestion marked).
    public var chartPath: String { folder + "/lr-range-test.svg" }
    /// Every point and the suggestions (`lr-range-test.json`).
    public var resultPath: String { folder + "/lr-range-test.json" }

    /// Runs the range test on the plan's network as it would train (the advisor's complete
    /// config, batch normalisation included: LR-WITH-BATCHNORM) and writes the curve.
    /// - Parameters:
    ///   - plan: the spec's design (`DesignPlan.measured`).
    ///   - out: the folder to write into (created if needed); nil makes
    ///     `runs/<name>-lr-find-<time>/`.
    ///   - parent: where a new folder goes when `out` is nil. Default `runs`.
    public static func run(
        plan: DesignPlan, out: String?, parent: String = "runs"
    ) throws
        -> LearningRateSweep
    {
        let result = try TrainingSession.rangeTest(
            config: plan.recommendation.config, data: plan.data)
        let folder: String
        if let out {
            do {
                try FileManager.default.createDirectory(
                    atPath: out, withIntermediateDirectories: true)
            } catch {
                throw RunError.cannotCreate(path: out, reason: error.localizedDescription)
            }
            folder = out
        } else {
            folder = try RunFolder.create(
                name: plan.loaded.spec.name + "-lr-find", parent: parent
            ).path
        }
        let sweep = LearningRateSweep(result: result, folder: folder)
        try AtomicFile.write(result.chart().svg(), to: sweep.chartPath)
        let encoder = TrainingRecord.jsonEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try AtomicFile.write(
            String(decoding: try encoder.encode(result), as: UTF8.self) + "\n",
            to: sweep.resultPath)
        return sweep
    }
}
