import Foundation
import Testing

@testable import Spec

/// `--set KEY=VALUE` over a spec: set, replaced, made, and every problem located on the
/// command line.
@Suite("spec overrides (--set)")
struct OverrideLoadingTests {
    let text = """
        name: tiny
        data: {path: tiny.csv, target: label}
        training:
          epochs: 30   # a comment
          loss: {name: huber, delta: 1.0}

        """

    func check(_ arguments: [String]) throws -> (spec: NetworkSpec?, diagnostics: [Diagnostic]) {
        var loader = fixtureLoader
        loader.overrides = try arguments.map { argument throws(SpecOverrideError) in
            try SpecOverride(parsing: argument)
        }
        let result = loader.check(
            text: text, path: "tiny.yaml", baseDirectory: fixtures.appending(path: "data").path())
        return (result.spec, result.diagnostics)
    }

    @Test("a key is replaced, a missing key and a missing section made, a mapping replaced")
    func setsKeys() throws {
        let (spec, diagnostics) = try check([
            "training.epochs=12", "model.neurons=[16, 8]", "training.loss={name: mae}",
            "data.split.validation=0.2", "training.epochs=14",
        ])
        #expect(diagnostics.filter { $0.severity == .error }.isEmpty, "\(diagnostics)")
        #expect(spec?.training.epochs == .fixed(14))
        #expect(spec?.model.neurons == .fixed(.widths([16, 8])))
        #expect(spec?.training.loss == .fixed(.mae))
        #expect(spec?.data.split.validation == 0.2)
    }

    @Test(
        "a wrong value, an unknown key, bad YAML: located on the command line, the file's own right"
    )
    func locatesProblems() throws {
        let (_, diagnostics) = try check([
            "training.epochs=abc", "trainin.batch_size=8", "model.neurons=[32,",
        ])
        let errors = diagnostics.filter { $0.severity == .error }
        #expect(errors.allSatisfy { $0.file == SpecOverride.commandLine }, "\(errors)")
        let epochs = try #require(errors.first { $0.keyPath == "training.epochs" })
        #expect(epochs.location?.line == 1 && epochs.location?.column == 23)
        let unknown = try #require(errors.first { $0.message.contains("trainin") })
        #expect(unknown.location?.line == 2)
        #expect(unknown.notes.contains { $0.message.contains("did you mean `training`") })
        let syntax = try #require(errors.first { $0.message.contains("YAML syntax") })
        #expect(syntax.location?.line == 3)
        // Rendered with the argument as its source line and a caret under the value.
        let error = SpecLoadError(
            file: "tiny.yaml", source: text, diagnostics: diagnostics,
            commandLine: SpecOverride.commandLineText(
                try ["training.epochs=abc", "trainin.batch_size=8", "model.neurons=[32,"].map {
                    try SpecOverride(parsing: $0)
                }))
        #expect(
            error.description.contains(
                """
                command line:1:23: error: training.epochs: expected an integer or `auto`, found `abc`
                1 | --set training.epochs=abc
                  |                       ^~~
                """), "\(error.description)")
    }

    @Test("a key under a value, and arguments that are not KEY=VALUE")
    func badShapes() throws {
        let (_, diagnostics) = try check(["name.first=x"])
        #expect(
            diagnostics.contains {
                $0.file == SpecOverride.commandLine && $0.message.contains("holds a value")
            })
        for bad in ["epochs", "=3", "training..epochs=3", "training.epochs!=3"] {
            #expect(throws: SpecOverrideError.self) { try SpecOverride(parsing: bad) }
        }
        #expect(try SpecOverride(parsing: "data.target=a=b").value == "a=b")
    }
}
