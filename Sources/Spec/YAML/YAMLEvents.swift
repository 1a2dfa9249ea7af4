internal import CYAML

/// A libyaml parse failure, with 1-based marks.
struct YAMLSyntaxError: Error {
    var problem: String
    var problemMark: YAMLMark
    var context: String?
    var contextMark: YAMLMark?
    var isReaderError: Bool
}

/// The document went past the node or depth limit; already reported.
struct YAMLLimitError: Error {}

/// A libyaml event, copied into Swift.
enum YAMLEvent {
    case streamStart
    case streamEnd
    case documentStart(YAMLMark)
    case documentEnd
    case alias(anchor: String, start: YAMLMark, end: YAMLMark)
    case scalar(YAMLScalar, anchor: String?, start: YAMLMark, end: YAMLMark)
    case sequenceStart(anchor: String?, start: YAMLMark)
    case sequenceEnd(end: YAMLMark)
    case mappingStart(anchor: String?, start: YAMLMark)
    case mappingEnd(end: YAMLMark)
}

/// Owns a libyaml parser and its input buffer; frees both on deinit.
final class EventReader {
    private var parser = yaml_parser_t()
    private let input: UnsafeMutableBufferPointer<UInt8>
    private let initialized: Bool

    init(_ text: String) {
        // libyaml keeps a pointer to its input between calls, so the bytes need a stable home.
        let bytes = Array(text.utf8)
        input = .allocate(capacity: max(1, bytes.count))
        _ = input.initialize(from: bytes)
        initialized = yaml_parser_initialize(&parser) == 1
        if initialized {
            yaml_parser_set_input_string(&parser, input.baseAddress, bytes.count)
            yaml_parser_set_encoding(&parser, YAML_UTF8_ENCODING)
        }
    }

    deinit {
        if initialized { yaml_parser_delete(&parser) }
        input.deallocate()
    }

    /// The next event; throws libyaml's error, located.
    func next() throws(YAMLSyntaxError) -> YAMLEvent {
        guard initialized else {
            throw YAMLSyntaxError(
                problem: "libyaml could not start (out of memory)",
                problemMark: YAMLMark(line: 1, column: 1), context: nil, contextMark: nil,
                isReaderError: false)
        }
        var event = yaml_event_t()
        guard yaml_parser_parse(&parser, &event) == 1 else { throw currentError() }
        defer { yaml_event_delete(&event) }
        let start = Self.mark(event.start_mark)
        let end = Self.mark(event.end_mark)
        switch event.type {
        case YAML_STREAM_START_EVENT: return .streamStart
        case YAML_STREAM_END_EVENT: return .streamEnd
        case YAML_DOCUMENT_START_EVENT: return .documentStart(start)
        case YAML_DOCUMENT_END_EVENT: return .documentEnd
        case YAML_ALIAS_EVENT:
            return .alias(
                anchor: Self.string(event.data.alias.anchor) ?? "", start: start, end: end)
        case YAML_SCALAR_EVENT:
            let data = event.data.scalar
            let text =
                data.value.map {
                    String(
                        decoding: UnsafeBufferPointer(start: $0, count: data.length), as: UTF8.self)
                } ?? ""
            let style: YAMLScalar.Style =
                switch data.style {
                case YAML_SINGLE_QUOTED_SCALAR_STYLE: .singleQuoted
                case YAML_DOUBLE_QUOTED_SCALAR_STYLE: .doubleQuoted
                case YAML_LITERAL_SCALAR_STYLE: .literal
                case YAML_FOLDED_SCALAR_STYLE: .folded
                default: .plain
                }
            let scalar = YAMLScalar(text: text, style: style, tag: Self.string(data.tag))
            return .scalar(scalar, anchor: Self.string(data.anchor), start: start, end: end)
        case YAML_SEQUENCE_START_EVENT:
            return .sequenceStart(
                anchor: Self.string(event.data.sequence_start.anchor), start: start)
        case YAML_SEQUENCE_END_EVENT: return .sequenceEnd(end: end)
        case YAML_MAPPING_START_EVENT:
            return .mappingStart(anchor: Self.string(event.data.mapping_start.anchor), start: start)
        case YAML_MAPPING_END_EVENT: return .mappingEnd(end: end)
        default:
            // YAML_NO_EVENT: libyaml has nothing more; treat as the end of the stream.
            return .streamEnd
        }
    }

    private func currentError() -> YAMLSyntaxError {
        let problem = parser.problem.map { String(cString: $0) } ?? "unknown YAML error"
        let isReaderError = parser.error == YAML_READER_ERROR
        // Reader errors carry a byte offset rather than a mark.
        let mark =
            isReaderError ? markOfOffset(parser.problem_offset) : Self.mark(parser.problem_mark)
        return YAMLSyntaxError(
            problem: problem, problemMark: mark,
            context: parser.context.map { String(cString: $0) },
            contextMark: parser.context == nil ? nil : Self.mark(parser.context_mark),
            isReaderError: isReaderError)
    }

    private func markOfOffset(_ offset: Int) -> YAMLMark {
        var line = 1
        var lineStart = 0
        for index in 0..<min(offset, input.count) where input[index] == UInt8(ascii: "\n") {
            line += 1
            lineStart = index + 1
        }
        return YAMLMark(line: line, column: max(0, offset - lineStart) + 1)
    }

    private static func mark(_ mark: yaml_mark_t) -> YAMLMark {
        // libyaml counts from 0.
        YAMLMark(line: Int(mark.line) + 1, column: Int(mark.column) + 1)
    }

    private static func string(_ pointer: UnsafeMutablePointer<yaml_char_t>?) -> String? {
        pointer.map { String(cString: UnsafePointer($0)) }
    }
}
