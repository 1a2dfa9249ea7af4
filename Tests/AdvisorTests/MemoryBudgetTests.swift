import Spec
import Testing

@testable import Advisor

/// BATCH-MEMORY for the whole run (issue 12): a design too large to train is a located error
/// before anything is allocated, naming the size and the budget.
@Suite("The training memory budget")
struct MemoryBudgetTests {
    private func memoryError(
        _ spec: NetworkSpec, data: DataSummary = Datasets.iris
    ) -> (
        keyPath: String, message: String, line: Int?
    )? {
        do {
            _ = try SizingAdvisor.recommend(spec: spec, data: data)
            return nil
        } catch {
            guard case .invalidSpec(let keyPath, let message, let location, _) = error else {
                return nil
            }
            return (keyPath, message, location?.line)
        }
    }

    @Test("three hidden layers of 65,536 units are refused at model.neurons")
    func wideNeurons() throws {
        var spec = makeSpec()
        spec.model.neurons = .fixed(.widths([65_536, 65_536, 65_536]))
        spec.locations["model.neurons"] = SourceLocation(file: "s.yaml", line: 3, column: 12)
        let error = try #require(memoryError(spec))
        #expect(error.keyPath == "model.neurons")
        #expect(error.line == 3)
        #expect(error.message.contains("[BATCH-MEMORY]"))
        #expect(error.message.contains("256.2 GiB"))
        #expect(error.message.contains("8 GiB budget (advisor.memory_budget_mib)"))
    }

    @Test("an explicit layer list past the budget is refused at model.layers")
    func explicitLayers() throws {
        var spec = makeSpec()
        spec.model.layers = [
            .dense(DenseConfig(units: 65_536, initializer: .heNormal)), .activation(.relu),
            .dense(DenseConfig(units: 65_536, initializer: .heNormal)), .activation(.relu),
            .dense(DenseConfig(units: 3, initializer: .glorotUniform)), .activation(.softmax),
        ]
        #expect(memoryError(spec)?.keyPath == "model.layers")
    }

    @Test("a huge fixed batch is refused at training.batch_size; the budget is a threshold")
    func batchAndThreshold() throws {
        var spec = makeSpec()
        spec.model.neurons = .fixed(.widths([4096]))
        spec.training.batchSize = .fixed(1 << 20)
        // 1,048,576 rows * 2 * 4 bytes * (4 + 4096 + 3) floats: 32 GiB of activations.
        #expect(memoryError(spec)?.keyPath == "training.batch_size")
        spec.training.batchSize = .fixed(32)
        #expect(memoryError(spec) == nil)
        // 4096 hidden units: 32,771 parameters in 8 copies (1 MiB) and a 1 MiB batch: 2 MiB.
        spec.advisor.memoryBudgetMiB = 1
        #expect(memoryError(spec)?.message.contains("above the 1 MiB budget") == true)
    }

    @Test("the budget never exceeds 80% of the machine's memory")
    func physicalCap() {
        #expect(
            TrainingMemory.budgetBytes(budgetMiB: 1_000_000, physicalMemory: 1_000) == 800)
        #expect(TrainingMemory.budgetBytes(budgetMiB: 1, physicalMemory: 1e12) == 1_048_576)
    }

    @Test("optimizer state: Adam two slots, SGD with momentum one, plain SGD none")
    func slots() {
        #expect(TrainingMemory.slots(of: .adam(beta1: 0.9, beta2: 0.999, epsilon: 1e-8)) == 2)
        #expect(TrainingMemory.slots(of: .sgd(momentum: 0.9, nesterov: false)) == 1)
        #expect(TrainingMemory.slots(of: .sgd(momentum: 0, nesterov: false)) == 0)
        let memory = TrainingMemory(
            parameters: 1000, optimizerSlots: 2, keepsBestCopy: true, batchBytes: 10)
        // weights, gradients, 2 moments, best copy, checkpoint of weights and moments.
        #expect(memory.parameterCopies == 8)
        #expect(memory.bytes == 1000 * 4 * 8 + 10)
    }
}
