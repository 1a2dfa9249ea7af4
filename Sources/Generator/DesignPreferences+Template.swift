import Advisor

extension DesignPreferences {
    /// The advisor's view of a template header: every design preference it states.
    /// - Parameters:
    ///   - template: the header (`ConfigTemplate.design`).
    ///   - name: the template's name, or the path the user gave for it; becomes
    ///     `model.template` in the complete config.
    ///   - reason: why the template was chosen (the `model.template` annotation); default nil
    ///     ("template NAME").
    public init(template: TemplateDesign, name: String, reason: String? = nil) {
        self.init(
            source: name, reason: reason, hiddenLayers: template.hiddenLayers,
            minHiddenLayers: template.minHiddenLayers, maxHiddenLayers: template.maxHiddenLayers,
            widthFactor: template.widthFactor, batchNorm: template.batchNorm,
            dropout: template.dropout, activation: template.activation,
            initializer: template.initializer, swishFromLayers: template.swishFromLayers,
            batchNormFromLayers: template.batchNormFromLayers)
    }
}
