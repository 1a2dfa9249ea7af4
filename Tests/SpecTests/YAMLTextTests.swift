import Foundation
import Testing

@testable import Spec

/// How YAML readers type a plain scalar: the YAML 1.2 core schema's regular expressions
/// (spec 10.3.2) and YAML 1.1's (as PyYAML and many loaders apply them).
enum YAMLResolution: Equatable {
    case null, bool, int, float, string

    static func core(_ text: String) -> YAMLResolution {
        if matches(text, #"null|Null|NULL|~|"#) { return .null }
        if matches(text, #"true|True|TRUE|false|False|FALSE"#) { return .bool }
        if matches(text, #"[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+"#) { return .int }
        if matches(text, #"[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?"#)
            || matches(text, #"[-+]?(\.inf|\.Inf|\.INF)|\.nan|\.NaN|\.NAN"#)
        {
            return .float
        }
        return .string
    }

    static func yaml11(_ text: String) -> YAMLResolution {
        if matches(text, #"~|null|Null|NULL|"#) { return .null }
        if matches(
            text,
            #"y|Y|yes|Yes|YES|n|N|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF"#)
        {
            return .bool
        }
        if matches(
            text,
            #"[-+]?(0b[0-1_]+|0[0-7_]+|(0|[1-9][0-9_]*)|0x[0-9a-fA-F_]+|[1-9][0-9_]*(:[0-5]?[0-9])+)"#
        ) {
            return .int
        }
        if matches(
            text,
            #"[-+]?([0-9][0-9_]*)?\.[0-9_]*([eE][-+][0-9]+)?|[-+]?[0-9][0-9_]*(:[0-5]?[0-9])+\.[0-9_]*|[-+]?\.(inf|Inf|INF)|\.(nan|NaN|NAN)"#
        ) {
            return .float
        }
        return .string
    }

    static func matches(_ text: String, _ pattern: String) -> Bool {
        text.range(of: "^(?:\(pattern))$", options: .regularExpression) != nil
    }
}

/// Reads a YAML double-quoted scalar (the escapes `YAMLScalar` writes).
func unquote(_ text: String) -> String? {
    guard text.count >= 2, text.hasPrefix("\""), text.hasSuffix("\"") else { return nil }
    var result = ""
    var iterator = Array(text.unicodeScalars.dropFirst().dropLast()).makeIterator()
    while let scalar = iterator.next() {
        guard scalar == "\\" else {
            if scalar == "\"" { return nil }  // an unescaped quote would end the scalar early
            result.unicodeScalars.append(scalar)
            continue
        }
        switch iterator.next() {
        case "\\": result += "\\"
        case "\"": result += "\""
        case "n": result += "\n"
        case "t": result += "\t"
        case "r": result += "\r"
        case "u":
            let hex = String(String.UnicodeScalarView((0..<4).compactMap { _ in iterator.next() }))
            guard let code = UInt32(hex, radix: 16), let decoded = Unicode.Scalar(code) else {
                return nil
            }
            result.unicodeScalars.append(decoded)
        default: return nil
        }
    }
    return result
}

@Suite struct YAMLScalarTests {
    static let doubles: [Double] = [
        0, -0.0, 0.001, 1e-4, 1e-5, 1e-8, 1e-10, 3, 0.1 + 0.2, 1.0 / 3.0, 2.5e-7, 0.15, 100,
        123456789.125, 1e16, 1e22, 1.7976931348623157e308, 5e-324, 2.2250738585072014e-308, -42.5,
        0.999, 1 - 1e-16,
    ]

    @Test(arguments: doubles)
    func doublesRoundTripAsFloats(_ value: Double) throws {
        let text = YAMLText.float(value)
        #expect(YAMLResolution.core(text) == .float, "\(text) is not a 1.2 core float")
        #expect(YAMLResolution.yaml11(text) == .float, "\(text) is not a YAML 1.1 float")
        let parsed = try #require(Double(text), "\(text)")
        #expect(parsed.bitPattern == value.bitPattern, "\(value) -> \(text) -> \(parsed)")
    }

    @Test func floatFormats() {
        #expect(YAMLText.float(3) == "3.0")
        #expect(YAMLText.float(1e-5) == "1.0e-5")
        #expect(YAMLText.float(1e-4) == "0.0001")
        #expect(YAMLText.float(1e22) == "1.0e+22")
        #expect(YAMLText.float(.infinity) == ".inf" && YAMLText.float(-.infinity) == "-.inf")
        #expect(YAMLText.float(.nan) == ".nan")
        #expect(YAMLResolution.core(YAMLText.integer(42)) == .int)
        #expect(YAMLResolution.core(YAMLText.integer(UInt64.max)) == .int)
    }

    static let strings: [String] = [
        "", " ", "null", "Null", "NULL", "~", "true", "False", "yes", "No", "on", "OFF", "y", "n",
        "?", "-", "- a", ":", "a: b", "a #b", "#a", "[x]", "{x}", "a,b", "1990", "1.5", "1e3",
        "0x1F",
        "0o17", ".inf", "-.inf", ".nan", "+1", "1_000", "12:30", "&anchor", "*alias", "!tag", "|",
        ">", "'quoted'", "\"dq\"", "back\\slash", "tab\there", "new\nline", "é", "naïve", " lead",
        "trail ", "%", "@", "`", "NA", "N/A", "NaN", "data/iris.csv", "sepal length", "species",
        "he_uniform", "petal.width", "x+y", "f(x)",
    ]

    @Test(arguments: strings)
    func stringsReadBackAsTheSameString(_ value: String) throws {
        let text = YAMLText.string(value)
        if let unquoted = unquote(text) {
            #expect(unquoted == value, "\(value.debugDescription) -> \(text)")
        } else {
            #expect(text == value)
            #expect(YAMLResolution.core(text) == .string, "\(text) resolves to non-string in 1.2")
            #expect(YAMLResolution.yaml11(text) == .string, "\(text) resolves to non-string in 1.1")
            // Nothing that starts YAML syntax or a comment, and safe in a flow sequence.
            #expect(!text.contains(": ") && !text.contains(" #") && !text.contains(","))
            #expect(!"-?:[]{}#&*!|>'\"%@`,".contains(text.first!))
        }
        #expect(!text.contains("\n"))
    }

    @Test func plainWhereTheExampleIsPlain() {
        #expect(
            YAMLText.stringList(["", "NA", "N/A", "NaN", "null", "?"])
                == #"["", NA, N/A, NaN, "null", "?"]"#)
    }
}
