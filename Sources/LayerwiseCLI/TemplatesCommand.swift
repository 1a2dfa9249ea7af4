import ArgumentParser
import Foundation
import Generator

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

    @OptionGroup var options: GlobalOptions

    func validate() throws {
        var isFolder: ObjCBool = false
        if let templates = options.templates, !FileManager.default.fileExists(atPath: templates, isDirectory: &isFolder)
            || !isFolder.boolValue
        {
            throw ValidationError("--templates \(templates): no such folder")
        }
    }

    func run() throws {
        let catalog = try options.templateCatalog()
        print(catalog.listing)
    }
}
