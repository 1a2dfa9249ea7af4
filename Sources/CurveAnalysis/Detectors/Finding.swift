import Foundation
import Spec

/// How serious a finding is.
public enum Severity: String, Codable, Sendable, Equatable, Comparable, CaseIterable {
    /// Worth knowing; the run is fine (SIZE-PRUNE, a run that could go longer).
    case info
    /// The run trained, but a knob is off.
    case warning
    /// The run did not train properly (non-finite values, a flat loss, mostly dead units).
    case error

    private var rank: Int {
        switch self {
        case .info: 0
        case .warning: 1
        case .error: 2
        }
    }

    public static func < (lhs: Severity, rhs: Severity) -> Bool { lhs.rank < rhs.rank }
}

/// One number behind a finding: a name, its value, and where it was seen.
public struct Evidence: Codable, Sendable, Equatable, CustomStringConvertible {
    /// What the number is (`validation_loss_min`).
    public var name: String
    /// The value.
    public var value: Double
    /// Where or when (`epoch 12`, `layer dense_2`), or empty.
    public var context: String

    /// Creates an evidence item.
    public init(_ name: String, _ value: Double, _ context: String = "") {
        self.name = name
        self.value = value
        self.context = context
    }

    /// `name = value (context)`.
    public var description: String {
        let number = NumberText.significant(value)
        return context.isEmpty ? "\(name) = \(number)" : "\(name) = \(number) (\(context))"
    }
}

/// A concrete change to a spec: the value at a dotted key path, from old to new.
///
/// Key paths use the spec loader's notation (`training.learning_rate`,
/// `model.layers[2].dense.units`). Values are YAML text (`0.03`, `leaky_relu`,
/// `{clipnorm: 1.0}`, `[48, 32]`). `SpecTextEditor` applies edits to a spec file's text.
public struct SpecEdit: Codable, Sendable, Equatable, CustomStringConvertible {
    /// Dotted key path with `[i]` for sequence items.
    public var keyPath: String
    /// The current value as YAML text; nil when the key is absent from the spec.
    public var oldValue: String?
    /// The proposed value as YAML text.
    public var newValue: String

    /// Creates an edit.
    public init(_ keyPath: String, from oldValue: String?, to newValue: String) {
        self.keyPath = keyPath
        self.oldValue = oldValue
        self.newValue = newValue
    }

    /// `training.learning_rate: 0.1 -> 0.033` (`(absent)` for a key that is not written).
    public var description: String { "\(keyPath): \(oldValue ?? "(absent)") -> \(newValue)" }
}

/// What a detector found: the rule, the numbers, and the change to make.
public struct Finding: Codable, Sendable, Equatable, CustomStringConvertible {
    /// The rulebook ID (`DIAG-OVERFIT`, `SIZE-PRUNE`).
    public var ruleID: String
    /// How serious it is.
    public var severity: Severity
    /// One line saying what happened.
    public var title: String
    /// The numbers that triggered it.
    public var evidence: [Evidence]
    /// What to do, in words (the rulebook's "Recommend" column, made specific).
    public var recommendation: String
    /// The concrete spec edits; may be empty when the fix is not a spec change.
    public var edits: [SpecEdit]

    /// Creates a finding.
    public init(
        ruleID: String, severity: Severity, title: String, evidence: [Evidence],
        recommendation: String, edits: [SpecEdit] = []
    ) {
        self.ruleID = ruleID
        self.severity = severity
        self.title = title
        self.evidence = evidence
        self.recommendation = recommendation
        self.edits = edits
    }

    /// The finding as terminal text, compiler style:
    /// ```
    /// warning[DIAG-OVERFIT]: validation loss rose for 6 evaluations while training loss fell
    ///   evidence: validation_loss_min = 0.212 (epoch 14), ...
    ///   fix: add dropout and an L2 penalty ...
    ///   edit: model.dropout: 0 -> 0.2
    /// ```
    public var description: String {
        var lines = ["\(severity.rawValue)[\(ruleID)]: \(title)"]
        if !evidence.isEmpty {
            lines.append("  evidence: " + evidence.map(\.description).joined(separator: ", "))
        }
        lines.append("  fix: \(recommendation)")
        for edit in edits { lines.append("  edit: \(edit)") }
        return lines.joined(separator: "\n")
    }
}

extension Array where Element == Finding {
    /// The edits of all findings, one per key path: the most severe finding's edit wins (ties go
    /// to the earlier finding), so `--write-spec` never applies two changes to one key.
    public var mergedEdits: [SpecEdit] {
        var chosen: [String: (edit: SpecEdit, severity: Severity, order: Int)] = [:]
        var order = 0
        for finding in self {
            for edit in finding.edits {
                defer { order += 1 }
                if let existing = chosen[edit.keyPath], existing.severity >= finding.severity {
                    continue
                }
                let keptOrder = chosen[edit.keyPath]?.order ?? order
                chosen[edit.keyPath] = (edit, finding.severity, keptOrder)
            }
        }
        return chosen.values.sorted { $0.order < $1.order }.map(\.edit)
    }
}
