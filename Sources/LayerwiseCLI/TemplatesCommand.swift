import ArgumentParser
import Foundation
import Generator
import Runs

/// `layerwise templates`: the bundled and user templates, with their descriptions.
struct TemplatesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "templates",
        abstract: "List the network-config templates: bundled ones and your own.",
        discussion: """
            Bundled templates are found via $\(TemplateCatalog.environmentVariable), then a \
            Templates/ folder next to or above the executable, then above the current directory.
            """
    )

    @Argument(
        help: ArgumentHelp(
            "Specs whose model.template is a path to a template file: listed too.",
            valueName: "spec"))
    var specs: [String] = []

    @OptionGroup var options: GlobalOptions

    func validate() throws {
        var isFolder: ObjCBool = false
        if let templates = options.templates,
            !FileManager.default.fileExists(atPath: templates, isDirectory: &isFolder)
                || !isFolder.boolValue
        {
            throw ValidationError("--templates \(templates): no such folder")
        }
    }

    func run() throws {
        let catalog = try options.templateCatalog()
        var lines = [catalog.listing]
        do {
            for spec in specs {
                let loaded = try DesignPlan.loadSpec(path: spec, catalog: catalog)
                guard let path = loaded.spec.model.template.value, TemplateCatalog.isPath(path)
                else { continue }
                let template = try catalog.template(named: path, specPath: spec)
                lines.append(
                    "\(template.name)  user (\(spec): \(path))  \(template.design.description)")
            }
        } catch let error as DesignPlanError {
            printError(error.description)
            throw ExitCode.failure
        }
        print(lines.joined(separator: "\n"))
    }
}
