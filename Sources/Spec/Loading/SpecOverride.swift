import Foundation

/// One `--set KEY.PATH=VALUE` from the command line: a spec key set or replaced before the spec
/// is checked, exactly as if the file said it (the value is YAML: `20`, `[64, 32]`,
/// `{name: huber, delta: 2}`, `auto`). Problems with it are located on the command line:
/// `command line:1:23: error: training.epochs: ...`, with the argument shown and a caret.
public struct SpecOverride: Sendable, Equatable {
    /// What diagnostics about a `--set` value name as their file.
    public static let commandLine = "command line"

    /// The keys from the top, `["training", "epochs"]`.
    public var keyPath: [String]
    /// The value's YAML text.
    public var value: String

    /// `training.epochs=20` as given, split at its first `=`.
    /// - Throws: `SpecOverrideError` for a missing `=`, an empty key or a key path that is not
    ///   keys joined by dots.
    public init(parsing argument: String) throws(SpecOverrideError) {
        guard let equals = argument.firstIndex(of: "=") else {
            throw SpecOverrideError(
                argument: argument, reason: "it has no `=`",
                fix: "write KEY=VALUE, e.g. --set training.epochs=20")
        }
        let key = argument[..<equals].trimmingCharacters(in: .whitespaces)
        let segments = key.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-")
        guard !key.isEmpty, segments.allSatisfy({ !$0.isEmpty && $0.allSatisfy(allowed.contains) })
        else {
            throw SpecOverrideError(
                argument: argument, reason: "`\(key)` is not a spec key path",
                fix: "name the key with its section, joined by dots: training.epochs, "
                    + "model.neurons, data.split.validation")
        }
        keyPath = segments
        value = String(argument[argument.index(after: equals)...])
    }

    /// The key path as written: `training.epochs`.
    public var key: String { keyPath.joined(separator: ".") }

    /// The argument as given to `--set`: `training.epochs=20`.
    public var argument: String { key + "=" + value }

    /// The argument as the command line shows it: `--set training.epochs=20`.
    public var commandLineText: String { "--set " + argument }

    /// The command line as diagnostics show it: one `--set` per line, in order.
    public static func commandLineText(_ overrides: [SpecOverride]) -> String {
        overrides.map(\.commandLineText).joined(separator: "\n")
    }

    /// Columns before the value on its command-line line.
    var valueColumnOffset: Int { commandLineText.count - value.count }
}

/// A `--set` argument that is not `KEY.PATH=VALUE`.
public struct SpecOverrideError: Error, Sendable, Equatable, CustomStringConvertible {
    public var argument: String
    public var reason: String
    public var fix: String

    public var description: String { "--set \(argument): \(reason); fix: \(fix)" }
}

extension YAMLNode {
    /// The node with every mark moved by `lines` and, on its first line, by `columns`: a
    /// `--set` value parsed on its own, placed on its command-line line.
    func shifted(lines: Int, columns: Int) -> YAMLNode {
        func move(_ mark: YAMLMark) -> YAMLMark {
            YAMLMark(
                line: mark.line + lines, column: mark.column + (mark.line == 1 ? columns : 0))
        }
        let content: Content
        switch self.content {
        case .scalar: content = self.content
        case .sequence(let items):
            content = .sequence(items.map { $0.shifted(lines: lines, columns: columns) })
        case .mapping(let entries):
            content = .mapping(
                entries.map {
                    YAMLEntry(
                        key: $0.key.shifted(lines: lines, columns: columns),
                        value: $0.value.shifted(lines: lines, columns: columns))
                })
        }
        return YAMLNode(content, start: move(start), end: move(end))
    }

    /// The mapping with `value` at `keys` (set or replaced; missing mappings on the way are
    /// made, at `key`'s marks); nil when a key on the way holds something other than a mapping.
    func setting(_ keys: ArraySlice<String>, to value: YAMLNode, key: YAMLNode) -> YAMLNode? {
        guard let first = keys.first, var entries = self.entries ?? (isNull ? [] : nil) else {
            return nil
        }
        let keyNode = YAMLNode(
            .scalar(YAMLScalar(text: first, style: .plain, tag: nil)), start: key.start,
            end: key.end)
        let index = entries.firstIndex { $0.key.scalar?.text == first }
        let child: YAMLNode?
        if keys.count == 1 {
            child = value
        } else {
            let existing =
                index.map { entries[$0].value }
                ?? YAMLNode(.mapping([]), start: key.start, end: key.end)
            child = existing.setting(keys.dropFirst(), to: value, key: key)
        }
        guard let child else { return nil }
        if let index {
            entries[index].value = child
        } else {
            entries.append(YAMLEntry(key: keyNode, value: child))
        }
        return YAMLNode(.mapping(entries), start: start, end: end)
    }
}

extension SourceLocation {
    /// Where a node of the spec stands: in `file`, or on the command line for a `--set` value,
    /// whose marks start at `commandLineStart` (one line per `--set`).
    init(_ mark: YAMLMark, file: String, commandLineStart: Int) {
        if mark.line >= commandLineStart {
            self.init(
                file: SpecOverride.commandLine, line: mark.line - commandLineStart + 1,
                column: mark.column)
        } else {
            self.init(file: file, line: mark.line, column: mark.column)
        }
    }
}
