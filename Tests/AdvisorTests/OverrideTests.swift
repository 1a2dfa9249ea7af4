import Spec
import Testing

@testable import Advisor

@Suite struct UserOverrideTests {
    func iris(_ edit: (inout NetworkSpec) -> Void) throws -> Recommendation {
        var spec = makeSpec("iris")
        edit(&spec)
        return try SizingAdvisor.recommend(spec: spec, data: Datasets.iris)
    }

    @Test func threeHiddenLayersOnFourInputsAreKeptWithWarnings() throws {
        let place = SourceLocation(file: "Specs/iris.yaml", line: 9, column: 18)
        let recommendation = try iris {
            $0.model.hiddenLayers = .fixed(3)
            $0.locations["model.hidden_layers"] = place
        }
        #expect(recommendation.hiddenWidths.count == 3)
        #expect(recommendation.hiddenWidths == [4, 3, 3])
        let depth = try #require(recommendation.warnings("DEPTH-LOW").first)
        #expect(depth.keyPath == "model.hidden_layers")
        #expect(depth.location == place)
        #expect(depth.description.hasPrefix("Specs/iris.yaml:9:18: warning: model.hidden_layers:"))
        #expect(depth.description.hasSuffix("[DEPTH-LOW]"))
        // 4 + 3 + 3 = 10 units exceed the capacity of 7.5.
        #expect(recommendation.warnings("SIZE-CAPACITY").first?.keyPath == "model.hidden_layers")
        #expect(recommendation.choice("model.hidden_layers")?.source == .spec)
        // Three layers are deep: batch norm per BN-DEEP, before ReLU, no dropout.
        #expect(recommendation.config.model.batchNorm == .fixed(true))
        #expect(recommendation.config.model.layers?[1] == .batchNorm(momentum: 0.1, epsilon: 1e-5))
    }

    @Test func widthsOutsideTheBoundsAreKept() throws {
        let wide = try iris { $0.model.neurons = .fixed(.width(8)) }
        #expect(wide.hiddenWidths == [8])
        #expect(wide.warnings("SIZE-BOUNDS").first?.keyPath == "model.neurons")
        #expect(wide.warnings("SIZE-BOUNDS").first?.message.contains("2 * Ni = 8") == true)
        // 8 > capacity 7 too.
        #expect(wide.warnings("SIZE-CAPACITY").first?.keyPath == "model.neurons")
        #expect(wide.sizing.first { $0.id == "SIZE-BOUNDS" }?.applies == false)
        let narrow = try iris { $0.model.neurons = .fixed(.widths([2])) }
        #expect(narrow.hiddenWidths == [2])
        #expect(narrow.warnings("SIZE-BOUNDS").first?.keyPath == "model.neurons[0]")
        #expect(
            narrow.warnings("SIZE-BOUNDS").first?.message.contains("below the output width") == true
        )
        let inside = try iris { $0.model.neurons = .fixed(.width(7)) }
        #expect(inside.warnings("SIZE-BOUNDS").isEmpty)
    }

    @Test func growingWidthsBreakTheTaper() throws {
        let recommendation = try iris { $0.model.neurons = .fixed(.widths([3, 5])) }
        #expect(recommendation.hiddenWidths == [3, 5])
        #expect(recommendation.warnings("SIZE-TAPER").first?.keyPath == "model.neurons")
        let taper = try #require(recommendation.sizing.first { $0.id == "SIZE-TAPER" })
        #expect(taper.result == .text("3, 5"))
        #expect(!taper.applies)
        #expect(recommendation.config.model.hiddenLayers == .fixed(2))
    }

    @Test func aNamedSizingRuleGivesItsWidth() throws {
        let recommendation = try iris { $0.model.neurons = .fixed(.rule(.twoThirds)) }
        #expect(recommendation.hiddenWidths == [6])  // 5.67 -> 6
        let capacity = try iris { $0.model.neurons = .fixed(.rule(.capacity)) }
        #expect(capacity.hiddenWidths == [7])
    }

    @Test func widthsContradictingTheDepthAreAnError() {
        #expect(throws: AdvisorError.self) {
            try iris {
                $0.model.hiddenLayers = .fixed(2)
                $0.model.neurons = .fixed(.widths([4]))
            }
        }
    }

    @Test func penaltiesOutsideTheirRanges() throws {
        let l2 = try iris { $0.training.regularization = .fixed(Regularization(penalty: .l2(0.5))) }
        #expect(l2.config.training.regularization == .fixed(Regularization(penalty: .l2(0.5))))
        #expect(l2.warnings("REG-L2-RANGE").first?.keyPath == "training.regularization")
        let l1 = try iris {
            $0.training.regularization = .fixed(Regularization(penalty: .l1(1e-2)))
        }
        #expect(l1.warnings("REG-L1-RANGE").count == 1)
        let fine = try iris {
            $0.training.regularization = .fixed(Regularization(penalty: .l2(1e-3)))
        }
        #expect(fine.warnings.isEmpty)
    }

    @Test func dropoutOnABatchNormNetwork() throws {
        let recommendation = try iris {
            $0.model.batchNorm = .fixed(true)
            $0.model.dropout = .fixed(0.3)
        }
        #expect(recommendation.config.model.dropout == .fixed(0.3))
        #expect(
            recommendation.warnings("REG-BN-REPLACES-DROPOUT").first?.keyPath == "model.dropout")
        let tooMuch = try iris { $0.model.dropout = .fixed(0.8) }
        #expect(tooMuch.warnings("REG-DROPOUT").count == 1)
    }

    @Test func batchSizesAgainstTheData() throws {
        let above = try iris { $0.training.batchSize = .fixed(200) }
        #expect(above.config.training.batchSize == .fixed(200))
        #expect(above.warnings("BATCH-NEVER-ABOVE-DATA").count == 1)
        let small = try iris { $0.training.batchSize = .fixed(4) }
        #expect(small.warnings("BATCH-NOT-TOO-SMALL").count == 1)
        #expect(small.config.training.epochs == .fixed(500))  // 27 steps per epoch: 741 clamped
    }

    @Test func sigmoidInADeepNetworkAndAMismatchedInitialiser() throws {
        let recommendation = try iris {
            $0.model.hiddenLayers = .fixed(3)
            $0.model.activation = .fixed(.sigmoid)
            $0.model.initializer = .fixed(.heNormal)
        }
        #expect(recommendation.warnings("ACT-HIDDEN-DEFAULT").first?.keyPath == "model.activation")
        #expect(recommendation.warnings("INIT-BY-ACTIVATION").first?.keyPath == "model.initializer")
        // Batch norm after sigmoid (BN-PLACEMENT); dense keeps its bias.
        let layers = try #require(recommendation.config.model.layers)
        #expect(layers[0] == .dense(DenseConfig(units: 4, initializer: .heNormal, bias: true)))
        #expect(layers[1] == .activation(.sigmoid))
        #expect(layers[2] == .batchNorm(momentum: 0.1, epsilon: 1e-5))
        let shallow = try iris { $0.model.activation = .fixed(.tanh) }
        #expect(shallow.warnings("ACT-HIDDEN-DEFAULT").isEmpty)
        #expect(shallow.config.model.initializer == .fixed(.glorotUniform))
    }

    @Test func trainingChoicesThatBreakRules() throws {
        let recommendation = try iris {
            $0.training.optimizer = .fixed(.sgd(momentum: 0, nesterov: false))
            $0.training.earlyStopping = .fixed(nil)
            $0.training.shuffle = false
            $0.training.loss = .fixed(.mse)
            $0.training.learningRate = .fixed(0.05)
        }
        #expect(recommendation.warnings("OPT-MOMENTUM").count == 1)
        #expect(recommendation.warnings("EARLY-STOP").first?.keyPath == "training.early_stopping")
        #expect(recommendation.warnings("SHUFFLE-ALWAYS").count == 1)
        #expect(recommendation.warnings("ACT-OUTPUT-MULTICLASS").first?.keyPath == "training.loss")
        #expect(recommendation.config.training.learningRate == .fixed(0.05))
        #expect(recommendation.config.training.earlyStopping == .fixed(nil))
        #expect(recommendation.evaluations.first { $0.id == "LR-BATCH-COUPLING" }?.applies == true)
    }

    @Test func hiddenLayersOnLinearDataWarn() throws {
        var spec = makeSpec()
        spec.model.hiddenLayers = .fixed(1)
        let recommendation = try SizingAdvisor.recommend(spec: spec, data: Datasets.diabetes)
        #expect(recommendation.hiddenWidths == [6])
        #expect(recommendation.warnings("DEPTH-LINEAR").count == 1)
    }

    @Test func adamWDecaysInsteadOfL2() throws {
        let recommendation = try iris {
            $0.training.optimizer = .fixed(.adamw(beta1: 0.9, beta2: 0.999, epsilon: 1e-8))
        }
        #expect(recommendation.config.training.regularization == .fixed(.none))
        let decay = try #require(recommendation.config.training.weightDecay.value)
        #expect(approximately(decay, 10.0 / 105))
    }
}

@Suite struct ExplicitLayerTests {
    @Test func aUsersLayerListIsKeptAndChecked() throws {
        var spec = makeSpec()
        let layers: [LayerConfig] = [
            .dense(DenseConfig(units: 8, initializer: .glorotUniform)), .activation(.relu),
            .batchNorm(momentum: 0.1, epsilon: 1e-5), .dropout(rate: 0.2),
            .dense(DenseConfig(units: 3, initializer: .glorotUniform)), .activation(.softmax),
        ]
        spec.model.layers = layers
        let recommendation = try SizingAdvisor.recommend(spec: spec, data: Datasets.iris)
        #expect(recommendation.config.model.layers == layers)
        #expect(recommendation.diagram == "4 -> 8 -> 3 (softmax)")
        #expect(recommendation.parameterCount == 4 * 8 + 8 + 2 * 8 + 8 * 3 + 3)
        #expect(
            recommendation.warnings("SIZE-BOUNDS").first?.keyPath == "model.layers[0].dense.units")
        #expect(
            recommendation.warnings("BN-PLACEMENT").first?.keyPath == "model.layers[2].batch_norm")
        #expect(
            recommendation.warnings("INIT-BY-ACTIVATION").first?.keyPath
                == "model.layers[0].dense.initializer")
        #expect(
            recommendation.warnings("REG-BN-REPLACES-DROPOUT").first?.keyPath
                == "model.layers[3].dropout")
        #expect(recommendation.choice("model.layers[0].dense.units")?.source == .spec)
        #expect(recommendation.config.model.hiddenLayers == .fixed(1))
        #expect(recommendation.config.model.batchNorm == .fixed(true))
    }

    @Test func outputWidthMustMatchTheData() {
        var spec = makeSpec()
        spec.model.layers = [
            .dense(DenseConfig(units: 2, initializer: .glorotUniform)), .activation(.softmax),
        ]
        spec.locations["model.layers[0].dense.units"] = SourceLocation(
            file: "s.yaml", line: 4, column: 20)
        #expect {
            try SizingAdvisor.recommend(spec: spec, data: Datasets.iris)
        } throws: { error in
            guard case .invalidSpec(let keyPath, _, let location, _) = error as? AdvisorError else {
                return false
            }
            return keyPath == "model.layers[0].dense.units" && location?.line == 4
        }
        spec.model.layers = [.activation(.relu)]
        #expect(throws: AdvisorError.self) {
            try SizingAdvisor.recommend(spec: spec, data: Datasets.iris)
        }
    }
}
