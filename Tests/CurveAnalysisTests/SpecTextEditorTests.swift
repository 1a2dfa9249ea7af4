import Foundation
import Testing

@testable import CurveAnalysis

@Suite("Applying spec edits to YAML text")
struct SpecTextEditorTests {
    static let iris = """
        # Iris: a first experiment
        version: 1
        name: iris
        data:
          path: data/iris.csv        # relative to the spec file
          target: species
          split: {validation: 0.15, test: 0.15, stratify: true}
        task: classification
        model:
          hidden_layers: 2
          neurons: [16, 8]
          activation: relu           # ACT-HIDDEN-DEFAULT

        training:
          optimizer: adam
          learning_rate: 0.1         # too high?
          regularization:
            l1: 1.0e-5
          epochs: 50
          # early stopping is on by default

        """

    @Test func replacesValuesInPlaceKeepingComments() throws {
        let edited = try SpecTextEditor.apply(
            [
                SpecEdit("training.learning_rate", from: "0.1", to: "0.033"),
                SpecEdit("model.activation", from: "relu", to: "leaky_relu"),
                SpecEdit("model.neurons", from: "[16, 8]", to: "[12, 8]"),
            ], to: Self.iris)
        let expected = Self.iris
            .replacingOccurrences(of: "learning_rate: 0.1 ", with: "learning_rate: 0.033")
            .replacingOccurrences(of: "activation: relu    ", with: "activation: leaky_relu")
            .replacingOccurrences(of: "neurons: [16, 8]", with: "neurons: [12, 8]")
        // Values change; comments keep their text (the column shifts by the value's length).
        #expect(edited.contains("  learning_rate: 0.033         # too high?\n"))
        #expect(edited.contains("  activation: leaky_relu           # ACT-HIDDEN-DEFAULT\n"))
        #expect(edited.split(separator: "\n").count == Self.iris.split(separator: "\n").count)
        #expect(
            edited.replacingOccurrences(of: " ", with: "")
                == expected.replacingOccurrences(of: " ", with: ""))
    }

    @Test func insertsMissingKeysUnderTheirSection() throws {
        let edited = try SpecTextEditor.apply(
            [
                SpecEdit("training.gradient_clipping", from: nil, to: "{clipnorm: 1.0}"),
                SpecEdit("model.dropout", from: nil, to: "0.2"),
            ], to: Self.iris)
        #expect(
            edited.contains(
                """
                  activation: relu           # ACT-HIDDEN-DEFAULT
                  dropout: 0.2

                training:
                """))
        #expect(
            edited.contains(
                """
                  epochs: 50
                  gradient_clipping: {clipnorm: 1.0}
                  # early stopping is on by default
                """))
    }

    @Test func replacesABlockValue() throws {
        let edited = try SpecTextEditor.apply(
            [SpecEdit("training.regularization", from: "{l1: 1.0e-5}", to: "{l2: 1.0e-4}")],
            to: Self.iris)
        #expect(edited.contains("  regularization: {l2: 1.0e-4}\n  epochs: 50\n"))
        #expect(!edited.contains("l1:"))
    }

    @Test func editsInsideAOneLineFlowMapping() throws {
        let edited = try SpecTextEditor.apply(
            [
                SpecEdit("data.split.validation", from: "0.15", to: "0.2"),
                SpecEdit("data.split.seed", from: nil, to: "7"),
            ], to: Self.iris)
        #expect(
            edited.contains("  split: {validation: 0.2, test: 0.15, stratify: true, seed: 7}\n"))
    }

    @Test func turnsAScalarParentIntoAFlowMapping() throws {
        let text = "training:\n  gradient_clipping: auto   # CLIP-DEFAULTS\n  epochs: 10\n"
        let edited = try SpecTextEditor.apply(
            [SpecEdit("training.gradient_clipping.clipnorm", from: nil, to: "1.0")], to: text)
        #expect(
            edited
                == "training:\n  gradient_clipping: {clipnorm: 1.0}   # CLIP-DEFAULTS\n  epochs: 10\n"
        )
    }

    @Test func appendsAMissingSection() throws {
        let text = "name: tiny\ndata:\n    path: a.csv\n    target: y\n"
        let edited = try SpecTextEditor.apply(
            [
                SpecEdit("training.learning_rate", from: nil, to: "0.003"),
                SpecEdit("training.epochs", from: nil, to: "40"),
            ], to: text)
        // The document's own indentation (4) is used for the new section.
        #expect(
            edited
                == "name: tiny\ndata:\n    path: a.csv\n    target: y\ntraining:\n"
                + "    learning_rate: 0.003\n    epochs: 40\n")
    }

    @Test func emptyKeyGetsItsValue() throws {
        let text = "model:\n  dropout:    # none yet\ntraining:\n  epochs: 5\n"
        let edited = try SpecTextEditor.apply(
            [SpecEdit("model.dropout", from: nil, to: "0.2")], to: text)
        #expect(edited == "model:\n  dropout: 0.2  # none yet\ntraining:\n  epochs: 5\n")
    }

    static let generated = """
        name: iris
        model:
          layers:
            - dense: {units: 64, initializer: he_normal}
            - activation: relu
            - dense:
                units: 32        # SIZE-TAPER
                initializer: he_normal
            - activation: relu
            - dense: {units: 3, initializer: glorot_uniform}
        training:
          learning_rate: 0.01
        """

    @Test func editsItemsOfAnExplicitLayerList() throws {
        let edited = try SpecTextEditor.apply(
            [
                SpecEdit("model.layers[0].dense.units", from: "64", to: "48"),
                SpecEdit("model.layers[2].dense.units", from: "32", to: "24"),
                SpecEdit("model.layers[1].activation", from: "relu", to: "leaky_relu"),
                SpecEdit("model.layers[3].activation", from: "relu", to: "leaky_relu"),
            ], to: Self.generated)
        #expect(
            edited == """
                name: iris
                model:
                  layers:
                    - dense: {units: 48, initializer: he_normal}
                    - activation: leaky_relu
                    - dense:
                        units: 24        # SIZE-TAPER
                        initializer: he_normal
                    - activation: leaky_relu
                    - dense: {units: 3, initializer: glorot_uniform}
                training:
                  learning_rate: 0.01
                """)
    }

    @Test func sequenceAtTheKeysIndentation() throws {
        let text = "model:\n  layers:\n  - dense: {units: 8}\n  - activation: tanh\nname: x\n"
        let edited = try SpecTextEditor.apply(
            [SpecEdit("model.layers[1].activation", from: "tanh", to: "relu")], to: text)
        #expect(
            edited == "model:\n  layers:\n  - dense: {units: 8}\n  - activation: relu\nname: x\n")
    }

    @Test func reportsWhatItCannotEdit() throws {
        #expect(throws: SpecTextEditError.self) {
            try SpecTextEditor.apply(
                [SpecEdit("model.layers[9].dense.units", from: nil, to: "4")], to: Self.generated)
        }
        #expect(throws: SpecTextEditError.invalidKeyPath("training..epochs")) {
            try SpecTextEditor.apply(
                [SpecEdit("training..epochs", from: nil, to: "4")], to: Self.iris)
        }
        let flowList = "model:\n  layers: [{dense: {units: 8}}]\n"
        do {
            _ = try SpecTextEditor.apply(
                [SpecEdit("model.layers[0].dense.units", from: nil, to: "4")], to: flowList)
            Issue.record("expected an error")
        } catch let error as SpecTextEditError {
            #expect(error.description.hasPrefix("line 2: error: model.layers[0].dense.units"))
        }
    }

    @Test func findingsEditsApplyToTheSpecTheyCameFrom() throws {
        var record = SyntheticRecords.healthy()
        record.validationLoss = (0..<60).map { (epoch: Int) -> Double in
            let offset = Double(epoch) - 20
            return 0.3 + 0.002 * offset * offset
        }
        var spec = SyntheticRecords.spec()
        spec.locations["training.learning_rate"] = .init(file: "iris.yaml", line: 16, column: 18)
        let edits = diagnose(record, spec: spec).mergedEdits
        let edited = try SpecTextEditor.apply(edits, to: Self.iris)
        #expect(edited.contains("  dropout: 0.2\n"))
        #expect(edited.contains("  regularization: {l2: 1.0e-4}\n"))
    }
}
