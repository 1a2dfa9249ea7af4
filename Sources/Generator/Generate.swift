import Spec

/// Renders a complete network config through a template: the YAML text `layerwise generate`
/// writes.
///
/// Every value comes out explicit, followed by `# RULE-ID: why` from `annotations` (or
/// `# set in spec`), comments aligned in a column. The template is checked before rendering
/// (see `ConfigTemplate.checked()`); the CLI re-parses the text with the spec loader before
/// writing it.
/// - Parameters:
///   - spec: a complete config: every setting fixed, `model.layers` explicit; only
///     `training.learning_rate` may stay `auto` (LR-RANGE-TEST resolves it before training).
///   - annotations: the reason for each value by dotted key path
///     (`model.layers[0].dense.units`, `training.epochs`); values without one take their
///     nearest annotated parent's, then "set in spec".
///   - template: the template to render with.
/// - Returns: the YAML document, ending in a newline.
/// - Throws: `TemplateError` for a template problem, `GeneratorError` for an incomplete config
///   or a template written for the other task.
public func generate(
    spec: NetworkSpec, annotations: [String: String], template: ConfigTemplate
)
    throws -> String
{
    let checked = try template.checked()
    let view = try ConfigViewModel(spec: spec, annotations: annotations)
    if let task = spec.task.value, !template.design.task.accepts(task) {
        throw GeneratorError.taskMismatch(
            template: template.name, templateTask: template.design.task.rawValue,
            specTask: task.rawValue)
    }
    var text = checked.render(view)
    while text.hasSuffix("\n\n") { text.removeLast() }
    if !text.hasSuffix("\n") { text += "\n" }
    return text
}
