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
        self = template.preferences
        source = name
        self.reason = reason
    }
}
