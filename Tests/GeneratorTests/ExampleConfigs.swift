import Spec

/// Complete configs built in code, as the advisor would hand them to the generator.
enum ExampleConfigs {
    /// Iris-like classification: 2 hidden layers, batch norm before Leaky ReLU, dropout, L2 with
    /// max-norm, cosine schedule with warmup, balanced class weights, one advisor override.
    static var classification: (spec: NetworkSpec, annotations: [String: String]) {
        var data = DataSection(
            path: "data/iris.csv", resolvedPath: "Specs/data/iris.csv", target: "species")
        data.features = ["sepal_length", "sepal_width", "petal_length", "petal_width"]
        data.split.stratify = .fixed(true)
        var spec = NetworkSpec(name: "iris", data: data)
        spec.sourcePath = "Specs/iris.yaml"
        spec.task = .fixed(.classification)
        let leaky = ActivationFunction.leakyReLU(slope: 0.01)
        spec.model.template = .fixed("mlp-classifier")
        spec.model.hiddenLayers = .fixed(2)
        spec.model.neurons = .fixed(.widths([8, 6]))
        spec.model.activation = .fixed(leaky)
        spec.model.batchNorm = .fixed(true)
        spec.model.dropout = .fixed(0.2)
        spec.model.initializer = .fixed(.heUniform)
        spec.model.linearStart = .fixed(true)
        spec.model.layers = [
            .dense(DenseConfig(units: 8, initializer: .heUniform, bias: false, maxNorm: 3.0)),
            .batchNorm(momentum: 0.1, epsilon: 1e-5),
            .activation(leaky),
            .dropout(rate: 0.2),
            .dense(DenseConfig(units: 6, initializer: .heUniform, bias: false, maxNorm: 3.0)),
            .batchNorm(momentum: 0.1, epsilon: 1e-5),
            .activation(leaky),
            .dropout(rate: 0.2),
            .dense(DenseConfig(units: 3, initializer: .glorotUniform)),
            .activation(.softmax),
        ]
        spec.training.loss = .fixed(.crossEntropy)
        spec.training.optimizer = .fixed(.adam(beta1: 0.9, beta2: 0.999, epsilon: 1e-8))
        spec.training.learningRate = .auto
        spec.training.batchSize = .fixed(32)
        spec.training.epochs = .fixed(200)
        spec.training.earlyStopping = .fixed(
            EarlyStoppingConfig(patience: 10, minDelta: 1e-4, restoreBest: true))
        spec.training.regularization = .fixed(Regularization(penalty: .l2(1e-4), maxNorm: 3.0))
        spec.training.weightDecay = .fixed(0)
        spec.training.gradientClipping = .fixed(.clipNorm(1.0))
        spec.training.schedule = .fixed(
            ScheduleConfig(kind: .cosine(minimumRate: 1e-5), warmupEpochs: 2))
        spec.training.classWeights = .fixed(.balanced)
        spec.training.ensemble = .fixed(3)
        spec.data.targetTransform = .fixed(.none)
        spec.data.numericEncoding = .fixed(.standard)
        spec.data.equalityIndicators = .fixed(false)
        spec.training.seed = 7
        spec.advisor.capacityAlpha = 5

        let annotations: [String: String] = [
            "task": "ACT-OUTPUT-MULTICLASS: the target has 3 classes",
            "data.split.stratify": "classification: keep class proportions",
            "model.template": "set in spec",
            "model.hidden_layers": "DEPTH-LOW: Ni = 4 <= 32",
            "model.neurons": "SIZE-GEOMETRIC: sqrt(Ni*No) = 3.46, SIZE-TAPER",
            "model.activation": "ACT-HIDDEN-BETTER: set in spec",
            "model.batch_norm": "set in spec",
            "model.dropout": "REG-DROPOUT: parameters exceed Ns",
            "model.initializer": "INIT-BY-ACTIVATION: He for the ReLU family",
            "model.layers[0].dense.units": "SIZE-GEOMETRIC: sqrt(Ni*No) = 3.46",
            "model.layers[0].dense.initializer": "INIT-BY-ACTIVATION: leaky_relu",
            "model.layers[0].dense.bias": "BN-PLACEMENT: batch norm supplies the shift",
            "model.layers[0].dense.max_norm": "OVERFIT-RECIPE-MLP: max-norm with dropout",
            "model.layers[1]": "BN-PLACEMENT: before a ReLU-family activation",
            "model.layers[2].activation": "ACT-HIDDEN-BETTER: set in spec",
            "model.layers[3].dropout": "REG-DROPOUT: parameters exceed Ns",
            "model.layers[4].dense.units": "SIZE-TAPER: no wider than the layer before",
            "model.layers[8]": "ACT-OUTPUT-MULTICLASS: one unit per class",
            "model.layers[9].activation": "ACT-OUTPUT-MULTICLASS: softmax",
            "training.loss": "ACT-OUTPUT-MULTICLASS: categorical cross-entropy",
            "training.optimizer": "OPT-DEFAULT: Adam, PyTorch defaults",
            "training.learning_rate": "LR-RANGE-TEST: chosen by the range test before training",
            "training.batch_size": "BATCH-SMALL-DATA: Ns < 10,000",
            "training.epochs": "EPOCHS-BY-SIZE: 20,000 steps / 4 steps per epoch, clamped to 500",
            "training.early_stopping": "EARLY-STOP: proposed patience 10, min_delta 1e-4",
            "training.regularization.l2": "REG-L2-RANGE: 1e-6..1e-2",
            "training.regularization.max_norm": "OVERFIT-RECIPE-MLP: max-norm with dropout",
            "training.weight_decay": "REG-WEIGHT-DECAY: L2 already set",
            "training.gradient_clipping": "CLIP-DEFAULTS: clipnorm 1.0",
            "training.schedule": "set in spec",
            "training.class_weights": "DIAG-CONTRADICTION: imbalanced classes",
            "advisor.capacity_alpha": "set in spec",
        ]
        return (spec, annotations)
    }

    /// Diabetes-like regression: one ReLU hidden layer, SGD with Nesterov momentum, Huber loss,
    /// no early stopping, no regularization, no clipping, a step schedule, and labels that YAML
    /// would misread unless quoted.
    static var regression: (spec: NetworkSpec, annotations: [String: String]) {
        var data = DataSection(
            path: "data/diabetes.csv", resolvedPath: "Specs/data/diabetes.csv",
            target: "progression")
        data.ignore = ["row id", "null"]
        data.categorical = ["sex", "yes", "1990"]
        data.idColumn = "patient"
        data.delimiter = ";"
        data.missingValues = ["", "NA", "?", "-"]
        data.split.validation = 0.2
        data.split.test = 0.1
        data.split.stratify = .fixed(false)
        var spec = NetworkSpec(name: "diabetes: baseline", data: data)
        spec.task = .fixed(.regression)
        spec.model.template = .fixed("mlp-regressor")
        spec.model.hiddenLayers = .fixed(1)
        spec.model.neurons = .fixed(.widths([4]))
        spec.model.activation = .fixed(.relu)
        spec.model.batchNorm = .fixed(false)
        spec.model.dropout = .fixed(0)
        spec.model.initializer = .fixed(.heNormal)
        spec.model.linearStart = .fixed(false)
        spec.model.layers = [
            .dense(DenseConfig(units: 4, initializer: .heNormal)),
            .activation(.relu),
            .dense(DenseConfig(units: 1, initializer: .glorotUniform)),
            .activation(.linear),
        ]
        spec.training.loss = .fixed(.huber(delta: 1.0))
        spec.training.optimizer = .fixed(.sgd(momentum: 0.9, nesterov: true))
        spec.training.learningRate = .fixed(0.01)
        spec.training.batchSize = .fixed(16)
        spec.training.epochs = .fixed(500)
        spec.training.earlyStopping = .fixed(nil)
        spec.training.regularization = .fixed(.none)
        spec.training.weightDecay = .fixed(1e-5)
        spec.training.gradientClipping = .fixed(.none)
        spec.training.schedule = .fixed(ScheduleConfig(kind: .step(stepSize: 50, gamma: 0.5)))
        spec.training.classWeights = .fixed(.none)
        spec.training.ensemble = .fixed(1)
        spec.data.targetTransform = .fixed(.log)
        spec.data.numericEncoding = .fixed(.piecewiseLinear)
        spec.data.equalityIndicators = .fixed(true)
        spec.training.shuffle = false

        let annotations: [String: String] = [
            "task": "ACT-OUTPUT-REGRESSION: numeric target",
            "model.hidden_layers": "DEPTH-LOW: Ni = 10 <= 32",
            "model.neurons": "SIZE-GEOMETRIC: sqrt(Ni*No) = 3.16",
            "model.activation": "ACT-HIDDEN-DEFAULT: ReLU",
            "model.batch_norm": "BN-DEEP: fewer than 3 hidden layers",
            "model.dropout": "REG-DROPOUT: parameters below Ns",
            "model.initializer": "INIT-BY-ACTIVATION: He for ReLU",
            "model.layers[0]": "SIZE-GEOMETRIC: sqrt(Ni*No) = 3.16",
            "model.layers[1].activation": "ACT-HIDDEN-DEFAULT: ReLU",
            "model.layers[2]": "ACT-OUTPUT-REGRESSION: one linear output",
            "model.layers[3].activation": "ACT-OUTPUT-REGRESSION: linear output",
            "training.loss": "ACT-OUTPUT-REGRESSION: Huber for outliers\n(set in spec)",
            "training.optimizer": "OPT-MOMENTUM: SGD with momentum 0.9",
            "training.batch_size": "BATCH-SMALL-DATA: Ns < 10,000; halved by BATCH-MEMORY",
            "training.epochs": "EPOCHS-BY-SIZE: clamped to 500",
            "training.early_stopping": "set in spec",
            "training.regularization": "set in spec",
            "training.weight_decay": "REG-WEIGHT-DECAY: small data, small network",
            "training.gradient_clipping": "set in spec",
            "training.schedule": "LR-BATCH-COUPLING: set in spec",
            "training.class_weights": "regression: no classes",
        ]
        return (spec, annotations)
    }
}
