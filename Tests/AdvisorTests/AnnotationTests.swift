import Spec
import Testing

@testable import Advisor

@Suite struct AnnotationTests {
    static func designs() throws -> [Recommendation] {
        var fixed = makeSpec()
        fixed.model.hiddenLayers = .fixed(3)
        fixed.model.activation = .fixed(.tanh)
        fixed.training.batchSize = .fixed(16)
        fixed.training.earlyStopping = .fixed(nil)
        var explicit = makeSpec()
        explicit.model.layers = [
            .dense(DenseConfig(units: 5, initializer: .heNormal)), .activation(.relu),
            .dropout(rate: 0.1),
            .dense(DenseConfig(units: 3, initializer: .glorotUniform)), .activation(.softmax),
        ]
        var dropout = makeSpec()
        dropout.advisor.capacityAlpha = 0.5
        dropout.model.neurons = .fixed(.width(19))
        return [
            try SizingAdvisor.recommend(spec: makeSpec(), data: Datasets.iris),
            try SizingAdvisor.recommend(spec: makeSpec(), data: Datasets.breastCancer),
            try SizingAdvisor.recommend(spec: makeSpec(), data: Datasets.penguins),
            try SizingAdvisor.recommend(spec: makeSpec(), data: Datasets.diabetes),
            try SizingAdvisor.recommend(spec: makeSpec(), data: Datasets.wide),
            try SizingAdvisor.recommend(spec: fixed, data: Datasets.iris),
            try SizingAdvisor.recommend(spec: explicit, data: Datasets.iris),
            try SizingAdvisor.recommend(
                spec: dropout,
                data: DataSummary(
                    task: .classification, trainingRows: 150, inputs: 10, outputs: 3)),
        ]
    }

    @Test func everyKeyPathOfTheCompleteConfigHasExactlyOneReason() throws {
        for recommendation in try Self.designs() {
            let keyPaths = Recommendation.keyPaths(of: recommendation.config)
            let annotated = recommendation.choices.map(\.keyPath)
            #expect(
                Set(annotated).count == annotated.count,
                "duplicate reasons in \(recommendation.diagram)")
            #expect(
                Set(keyPaths) == Set(annotated),
                "\(recommendation.diagram): \(Set(keyPaths).symmetricDifference(annotated))")
            #expect(annotated == keyPaths, "choices follow config order")
            for choice in recommendation.choices {
                #expect(!choice.why.isEmpty, "\(choice.keyPath) has no why")
                #expect(!choice.value.isEmpty, "\(choice.keyPath) has no value")
                if choice.source == .rule {
                    let id = try #require(choice.ruleID, "\(choice.keyPath) names no rule")
                    #expect(
                        RuleCatalog.explainable.contains { $0.id == id },
                        "\(id) is not a rulebook ID")
                }
            }
        }
    }

    @Test func irisKeysByHand() throws {
        let recommendation = try SizingAdvisor.recommend(spec: makeSpec(), data: Datasets.iris)
        let expected: [(String, String, String)] = [
            ("model.layers[0].dense.units", "4", "SIZE-MEAN"),
            ("model.layers[0].dense.initializer", "he_normal", "INIT-BY-ACTIVATION"),
            ("model.layers[0].dense.bias", "true", "BN-PLACEMENT"),
            ("model.layers[1].activation", "relu", "ACT-HIDDEN-DEFAULT"),
            ("model.layers[2].dense.units", "3", "ACT-OUTPUT-MULTICLASS"),
            ("model.layers[3].activation", "softmax", "ACT-OUTPUT-MULTICLASS"),
            ("training.batch_size", "32", "BATCH-SMALL-DATA"),
            ("training.epochs", "500", "EPOCHS-BY-SIZE"),
            ("training.learning_rate", "auto", "LR-RANGE-TEST"),
            ("training.optimizer", "adam(beta1 0.9, beta2 0.999, epsilon 1e-8)", "OPT-DEFAULT"),
            ("training.gradient_clipping", "clip_norm 1", "CLIP-DEFAULTS"),
            ("training.early_stopping.patience", "50", "EARLY-STOP-STEPS"),
            ("training.ensemble", "5", "ENSEMBLE-SMALL-DATA"),
            ("training.shuffle", "true", "SHUFFLE-ALWAYS"),
            ("model.batch_norm", "false", "BN-DEEP"),
            ("model.dropout", "0", "REG-DROPOUT"),
        ]
        for (keyPath, value, rule) in expected {
            let choice = try #require(recommendation.choice(keyPath), "no reason for \(keyPath)")
            #expect(choice.value == value, "\(keyPath)")
            #expect(choice.ruleID == rule, "\(keyPath)")
        }
        #expect(recommendation.choice("data.path")?.label == "set in spec")
    }

    @Test func nothingIsLeftAutoButTheLearningRate() throws {
        for recommendation in try Self.designs() {
            let config = recommendation.config
            let model = config.model
            #expect(config.task.value != nil)
            #expect(config.data.split.stratify.value != nil)
            #expect(model.layers != nil)
            #expect(!model.template.isAuto && !model.hiddenLayers.isAuto && !model.neurons.isAuto)
            #expect(!model.activation.isAuto && !model.batchNorm.isAuto && !model.dropout.isAuto)
            #expect(!model.initializer.isAuto)
            let training = config.training
            #expect(
                !training.loss.isAuto && !training.optimizer.isAuto && !training.batchSize.isAuto)
            #expect(!training.epochs.isAuto && !training.earlyStopping.isAuto)
            #expect(!training.regularization.isAuto && !training.weightDecay.isAuto)
            #expect(!training.gradientClipping.isAuto && !training.schedule.isAuto)
            #expect(!training.classWeights.isAuto)
            #expect(training.learningRate.isAuto)
        }
    }

    @Test func reasonsFallBackToTheNearestAnnotatedParent() throws {
        let designs = try Self.designs()
        let explicit = designs[6]
        #expect(
            explicit.reason(for: "model.layers[2].dropout.rate")?.keyPath
                == "model.layers[2].dropout")
        #expect(explicit.reason(for: "training.batch_size")?.keyPath == "training.batch_size")
        #expect(explicit.reason(for: "nonsense.key") == nil)
    }

    @Test func everyAdvisorRuleIsEvaluatedAndInTheCatalog() throws {
        let recommendation = try SizingAdvisor.recommend(spec: makeSpec(), data: Datasets.iris)
        let evaluated = Set((recommendation.sizing + recommendation.evaluations).map(\.id))
        let advisorRules = RuleCatalog.rules.map(\.id).filter {
            !$0.hasPrefix("DIAG-") && !$0.hasPrefix("ENC-") && !$0.hasPrefix("TUNE-")
        }
        #expect(Set(advisorRules) == evaluated)
        #expect(
            recommendation.sizing.map(\.id).allSatisfy {
                $0.hasPrefix("SIZE-") || $0.hasPrefix("DEPTH-")
            })
        // INIT-BY-ACTIVATION once per dense layer, with its fans.
        let inits = recommendation.evaluations.filter { $0.id == "INIT-BY-ACTIVATION" }
        #expect(
            inits.map(\.inputsText) == [
                "activation=relu, fan_in=4, fan_out=4", "activation=softmax, fan_in=4, fan_out=3",
            ])
        #expect(inits[0].result == .text("he_normal (std 0.707)"))  // sqrt(2 / 4)
        #expect(Set(RuleCatalog.rules.map(\.id)).count == RuleCatalog.rules.count)
    }
}
