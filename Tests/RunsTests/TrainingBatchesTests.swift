import Dataset
import Engine
import Runs
import Testing

/// The training split as engine batches (`PreparedData.trainingBatches`, the run layer's side
/// of the data seam).
@Suite struct TrainingBatchesTests {
    @Test func batches_reuse_one_buffer_and_reshuffle_every_epoch() throws {
        let data = try PreparedData.load(
            DataOptions(path: Repository.specs + "/data/iris.csv", target: "species"))
        var source = try data.trainingBatches(batchSize: 32)
        #expect(source.batchesPerEpoch == 4)
        let width = data.training.featureCount
        // Training rows by their features, to find each batch row's source row.
        var rowOf: [[Float]: Int] = [:]
        for row in 0..<data.training.rowCount {
            rowOf[Array(data.training.features[(row * width)..<((row + 1) * width)])] = row
        }
        var orders: [[Int]] = []
        var batch = Batch.empty
        var base: UnsafeMutablePointer<Float>?
        for epoch in 0..<3 {
            source.startEpoch(epoch)
            var seen: [Int] = []
            var sizes: [Int] = []
            while source.nextBatch(into: &batch) {
                let address = batch.inputs.withMutableView { $0.base }
                if base == nil { base = address }
                #expect(address == base, "one reusable buffer")
                sizes.append(batch.inputs.rows)
                guard case .classes(let labels) = batch.targets else {
                    Issue.record("classification batches carry class indices")
                    return
                }
                for k in 0..<batch.inputs.rows {
                    let features = Array(batch.inputs.storage[(k * width)..<((k + 1) * width)])
                    let row = try #require(rowOf[features], "batch row is a training row")
                    // The label travels with its row.
                    #expect(labels[k] == Int(data.training.classIndices![row]))
                    seen.append(row)
                }
            }
            #expect(sizes == [32, 32, 32, 6])
            // Every row once (iris repeats a few flowers: identical rows map to one index).
            #expect(seen.count == data.training.rowCount)
            #expect(Set(seen) == Set(rowOf.values))
            orders.append(seen)
        }
        #expect(orders[0] != orders[1] && orders[1] != orders[2])
        // Same seed, same sequence: epoch 0 replays.
        var replay = try data.trainingBatches(batchSize: 32)
        replay.startEpoch(0)
        var first: [Int] = []
        while replay.nextBatch(into: &batch) {
            for k in 0..<batch.inputs.rows {
                first.append(rowOf[Array(batch.inputs.storage[(k * width)..<((k + 1) * width)])]!)
            }
        }
        #expect(first == orders[0])
    }
}
