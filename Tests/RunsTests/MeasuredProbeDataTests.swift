import Dataset
import Foundation
import TestSupport
import Testing

@testable import Runs

/// The small-MLP probe's data (`DesignPlan.probeData`): a seeded sample of a large training
/// split, the whole of a small one, never the test rows.
@Suite struct MeasuredProbeDataTests {
    private func regressionCSV(rows: Int) throws -> String {
        let directory = try ScratchFolders.make("probe").path
        var text = "a,b,y\n"
        for row in 0..<rows {
            let a = Double((row * 37) % 1000) / 10
            let b = Double((row * 91) % 777) / 7
            text += "\(a),\(b),\(a * 0.5 - b + Double(row % 13))\n"
        }
        let path = directory + "/large.csv"
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test func large_training_splits_are_sampled_with_the_seed() throws {
        let data = try PreparedData.load(
            DataOptions(path: try regressionCSV(rows: 30_000), target: "y"))
        #expect(data.training.rowCount > DesignPlan.probeRows)
        let probe = DesignPlan.probeData(data, seed: 42)
        #expect(probe.training.rowCount == DesignPlan.probeRows)
        #expect(probe.test.rowCount == 0)
        #expect(probe.validation == data.validation)
        // Rows in table order, each a copy of the training row it came from.
        let sources = probe.training.sourceRows
        #expect(sources == sources.sorted() && Set(sources).count == sources.count)
        let width = data.training.featureCount
        let index = Dictionary(
            uniqueKeysWithValues: data.training.sourceRows.enumerated().map {
                ($0.element, $0.offset)
            })
        for (k, source) in sources.enumerated().prefix(500) {
            let row = try #require(index[source])
            #expect(
                Array(probe.training.features[(k * width)..<((k + 1) * width)])
                    == Array(data.training.features[(row * width)..<((row + 1) * width)]))
            #expect(probe.training.targets?[k] == data.training.targets?[row])
        }
        #expect(DesignPlan.probeData(data, seed: 42).training == probe.training)
        #expect(DesignPlan.probeData(data, seed: 7).training != probe.training)
    }

    @Test func small_training_splits_are_kept_whole() throws {
        let data = try PreparedData.load(
            DataOptions(path: try regressionCSV(rows: 2_000), target: "y"))
        let probe = DesignPlan.probeData(data, seed: 42)
        #expect(probe.training == data.training)
        #expect(probe.test.rowCount == 0)
    }
}
