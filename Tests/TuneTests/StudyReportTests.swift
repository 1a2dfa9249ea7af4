import Foundation
import TestSupport
import Testing
import TuneSearch
import TuneStorage

@testable import Tune

#if canImport(FoundationXML)
    import FoundationXML
#endif

/// A study of four keys, one of each kind: a log real, a linear real, an integer, a choice.
private func definition(
    name: String = "penguins", parameters: [SearchParameter]? = nil
)
    -> StudyDefinition
{
    let space = SearchSpace(
        parameters: parameters ?? [
            SearchParameter(
                name: "training.learning_rate", domain: .real(low: 1e-4, high: 1e-1, log: true),
                zeroTrial: .real(0.003),
                rule: "LR-RANGE-TEST: 10x either side of the range test's suggestion 0.003"),
            SearchParameter(
                name: "model.dropout", domain: .real(low: 0, high: 0.5, log: false),
                zeroTrial: .real(0.2), rule: "REG-DROPOUT: 0.2 for 400 rows"),
            SearchParameter(
                name: "model.depth", domain: .integer(low: 1, high: 4, log: false),
                zeroTrial: .integer(2), rule: "SIZE-DEPTH: 2 hidden layers"),
            SearchParameter(
                name: "model.activation", domain: .choice(["relu", "gelu", "tanh"]),
                zeroTrial: .choice("relu"), rule: "ACT-DEFAULT: relu"),
        ])
    return StudyDefinition(
        name: name, specDigest: "0123456789abcdef0123", specPath: "specs/penguins.yaml",
        metric: "accuracy", direction: .maximize, space: space, targetTrials: 30)
}

/// A trial (complete unless told).
private func trial(
    _ number: Int, lr: Double, dropout: Double, depth: Int, activation: String, value: Double?,
    state: TrialState = .complete
) -> TrialRecord {
    TrialRecord(
        number: number, state: state,
        assignment: [
            "training.learning_rate": .real(lr), "model.dropout": .real(dropout),
            "model.depth": .integer(depth), "model.activation": .choice(activation),
        ],
        value: value, worker: "host:\(100 + number % 3):0", epochs: 40, seconds: 12.5)
}

/// `count` trials: the activation decides the value (relu 0.9, gelu 0.7, tanh 0.5) plus a
/// little of the depth; the other keys cycle independently. From trial 6 on, every eleventh
/// failed and every seventh is pruned.
private func trials(_ count: Int) -> [TrialRecord] {
    let activations = ["relu", "gelu", "tanh"]
    let base = ["relu": 0.9, "gelu": 0.7, "tanh": 0.5]
    return (0..<count).map { number in
        let activation = activations[number % 3]
        let depth = 1 + (number / 3) % 4
        let lr = [3e-4, 1e-3, 3e-3, 1e-2, 3e-2][(number * 2) % 5]
        let dropout = [0.0, 0.1, 0.2, 0.3, 0.4][(number / 2) % 5]
        let value = base[activation]! + 0.001 * Double(depth)
        if number >= 6 && number % 11 == 0 {
            return trial(
                number, lr: lr, dropout: dropout, depth: depth, activation: activation,
                value: nil, state: .failed)
        }
        if number >= 6 && number % 7 == 0 {
            return trial(
                number, lr: lr, dropout: dropout, depth: depth, activation: activation,
                value: value - 0.2, state: .pruned)
        }
        return trial(
            number, lr: lr, dropout: dropout, depth: depth, activation: activation, value: value)
    }
}

/// The best complete trial of `records` for a maximized metric.
private func best(_ records: [TrialRecord]) -> Int? {
    records.filter { $0.state == .complete && $0.value != nil }
        .max { $0.value! < $1.value! }?.number
}

/// How often `needle` occurs in `text`.
private func occurrences(_ needle: String, in text: String) -> Int {
    text.components(separatedBy: needle).count - 1
}

/// The text of the section with id `id`.
private func section(_ id: String, of html: String) throws -> String {
    let start = try #require(html.range(of: "<section id=\"\(id)\">"))
    let end = try #require(html.range(of: "</section>", range: start.upperBound..<html.endIndex))
    return String(html[start.lowerBound..<end.upperBound])
}

/// Parses `text` as XML; the parser's error, or nil when well-formed.
private func xmlError(_ text: String) -> String? {
    let parser = XMLParser(data: Data(text.utf8))
    return parser.parse() ? nil : String(describing: parser.parserError)
}

/// Whether a `nan` or `inf` shows anywhere: a value or coordinate that is not a number.
private func hasNonNumber(_ html: String) -> Bool {
    html.contains("NaN") || html.lowercased().contains(/[^a-z]nan[^a-z]/)
        || html.lowercased().contains(/[^a-z]-?inf[^a-z]/)
}

/// The section headings every report has, whatever its trials.
private let headings = [
    "<h2>Value by trial and best so far</h2>", "<h2>Parallel coordinates</h2>",
    "<h2>Value against each parameter</h2>", "<h2>Parameter importance</h2>",
    "<h2>Rules against search</h2>", "<h2>Trials</h2>",
]

@Suite struct StudyReportTests {
    @Test func everySectionWithOnePolylinePerCompleteTrial() throws {
        let records = trials(30)
        let complete = records.filter { $0.state == .complete }.count
        let report = StudyReport(
            study: definition(), trials: records, bestTrial: best(records),
            testScore: .init("test accuracy", 0.9412),
            zeroTrialSummary: "2 x 16 relu, dropout 0.2, adam lr 0.003")
        let html = report.html()
        #expect(html.hasPrefix("<!DOCTYPE html>"))
        for heading in headings { #expect(html.contains(heading)) }
        // The header: name, spec, metric and direction, states, best, test score, zero trial.
        let history = try #require(html.range(of: "<section id=\"history\">")).lowerBound
        let header = String(html[..<history])
        #expect(header.contains("<h1>penguins</h1>"))
        #expect(header.contains("specs/penguins.yaml"))
        #expect(header.contains("<strong>accuracy</strong>, maximized"))
        #expect(header.contains(">\(complete) complete<"))
        let failed = records.filter { $0.state == .failed }.count
        let pruned = records.filter { $0.state == .pruned }.count
        #expect(failed == 2 && pruned == 4)
        #expect(header.contains(">\(failed) failed<") && header.contains(">\(pruned) pruned<"))
        #expect(header.contains("best accuracy, trial \(best(records)!)"))
        #expect(header.contains("0.9412") && header.contains("test accuracy (best trial)"))
        #expect(header.contains("2 x 16 relu, dropout 0.2, adam lr 0.003"))

        let parallel = try section("parallel", of: html)
        #expect(occurrences("<polyline class=\"trial-line", in: parallel) == complete)
        #expect(occurrences("class=\"trial-line best\"", in: parallel) == 1)
        // A log axis for the learning rate, with `1e-4` style labels.
        #expect(parallel.contains(">log</text>") && parallel.contains(">1e-4</text>"))
        // The value-by-trial chart: the failed trials counted in a note.
        let historySection = try section("history", of: html)
        #expect(historySection.contains("best so far"))
        #expect(historySection.contains("pruned (last value)"))
        #expect(historySection.contains("2 failed trials have no value"))
        // One scatter per parameter, one dot per complete trial in each.
        let slices = try section("slices", of: html)
        #expect(occurrences("<svg ", in: slices) == 4)
        #expect(occurrences("class=\"trial-dot\"", in: slices) == 4 * complete)
        // The trials table: a row per trial, the best one marked.
        let table = try section("trials", of: html)
        #expect(occurrences("<tr", in: table) == 1 + records.count)
        #expect(occurrences("<tr class=\"best\">", in: table) == 1)
        #expect(table.contains("<th>model.activation</th>") && table.contains("host:101:0"))

        // Self-contained: no scripts, no external resources; the body parses as XML.
        #expect(!html.lowercased().contains("<script"))
        #expect(!html.contains("<link") && !html.contains("@import") && !html.contains("url("))
        let withoutNamespace = html.replacingOccurrences(
            of: "http://www.w3.org/2000/svg", with: "")
        #expect(!withoutNamespace.contains("http://") && !withoutNamespace.contains("https://"))
        #expect(!hasNonNumber(html))
        let body = try #require(html.range(of: "<body>")).lowerBound
        let end = try #require(html.range(of: "</body>")).upperBound
        #expect(xmlError(String(html[body..<end])) == nil)
    }

    @Test func rulesAgainstSearchJudgeEachKind() throws {
        // The best trial: lr 0.005 (within 2x of 0.003: held), dropout 0.35 (0.15 from 0.2,
        // over 10% of 0...0.5: changed), depth 2 (held), gelu against relu (changed).
        let records = [
            trial(0, lr: 0.003, dropout: 0.2, depth: 2, activation: "relu", value: 0.8),
            trial(1, lr: 0.005, dropout: 0.35, depth: 2, activation: "gelu", value: 0.9),
            trial(2, lr: 0.05, dropout: 0.0, depth: 4, activation: "tanh", value: 0.6),
        ]
        let html = StudyReport(study: definition(), trials: records, bestTrial: 1).html()
        let rules = try section("rules", of: html)
        #expect(rules.contains("<th>best trial (1)</th>"))
        let rows = Array(rules.components(separatedBy: "<tr>").dropFirst(2))
        #expect(rows.count == 4)
        func verdict(_ key: String) -> String? {
            guard let row = rows.first(where: { $0.contains("<code>\(key)</code>") }),
                let match = row.firstMatch(of: /class="verdict (\w+)"/)
            else { return nil }
            return String(match.1)
        }
        #expect(verdict("training.learning_rate") == "held")
        #expect(verdict("model.dropout") == "changed")
        #expect(verdict("model.depth") == "held")
        #expect(verdict("model.activation") == "changed")
        // Each row has the rule value, the best value and the rule text.
        let lr = try #require(rows.first { $0.contains("training.learning_rate") })
        #expect(lr.contains(">0.003</td>") && lr.contains(">0.005</td>"))
        #expect(lr.contains("LR-RANGE-TEST: 10x either side"))
        // Without a best trial every verdict is unknown.
        let none = StudyReport(study: definition(), trials: [], bestTrial: nil).html()
        #expect(occurrences("class=\"verdict unknown\"", in: try section("rules", of: none)) == 4)
    }

    @Test func ruleVerdictBoundaries() {
        let space = definition().space.parameters
        let (lr, dropout, depth, activation) = (space[0], space[1], space[2], space[3])
        #expect(RuleVerdict(parameter: lr, best: .real(0.006)) == .held)  // exactly 2x
        #expect(RuleVerdict(parameter: lr, best: .real(0.0015)) == .held)  // exactly 1/2
        #expect(RuleVerdict(parameter: lr, best: .real(0.0065)) == .changed)
        #expect(RuleVerdict(parameter: lr, best: .real(0.0014)) == .changed)
        #expect(RuleVerdict(parameter: dropout, best: .real(0.25)) == .held)  // 10% of 0.5
        #expect(RuleVerdict(parameter: dropout, best: .real(0.14)) == .changed)
        #expect(RuleVerdict(parameter: depth, best: .integer(2)) == .held)
        #expect(RuleVerdict(parameter: depth, best: .integer(3)) == .changed)
        #expect(RuleVerdict(parameter: activation, best: .choice("relu")) == .held)
        #expect(RuleVerdict(parameter: activation, best: nil) == .unknown)
    }

    @Test func theParameterThatDecidesTheValueIsMostImportant() throws {
        let records = trials(24)
        let scored = ScoredTrial.scored(records)
        guard case .ranked(let rows) = ImportanceResult(space: definition().space, trials: scored)
        else {
            Issue.record("expected a ranking of \(scored.count) trials")
            return
        }
        #expect(rows.first?.name == "model.activation")
        #expect(rows[0].explained > 0.99)
        #expect(rows.dropFirst().allSatisfy { $0.share < rows[0].share })
        #expect(abs(rows.reduce(0) { $0 + $1.share } - 1) < 1e-9)
        // A learning rate that alone decides the value ranks first instead.
        let byRate = scored.map { trial in
            var trial = trial
            trial.value = -log10(trial.assignment["training.learning_rate"]!.number!)
            return trial
        }
        guard
            case .ranked(let rateRows) = ImportanceResult(
                space: definition().space, trials: byRate)
        else {
            Issue.record("expected a ranking")
            return
        }
        #expect(rateRows.first?.name == "training.learning_rate")
        // The report draws the bars in that order.
        let html = StudyReport(study: definition(), trials: records, bestTrial: best(records))
            .html()
        let importance = try section("importance", of: html)
        let first = try #require(importance.range(of: ">model.activation<"))
        for other in ["model.depth", "model.dropout", "training.learning_rate"] {
            let later = try #require(importance.range(of: ">\(other)<"))
            #expect(first.lowerBound < later.lowerBound)
        }
        #expect(occurrences("class=\"importance-bar\"", in: importance) == 4)
    }

    @Test func quantileBinsKeepTiesTogether() {
        let parameter = definition().space.parameters[1]
        let values = [0.0, 0.0, 0.0, 0.1, 0.2, 0.3, 0.3, 0.4, 0.45, 0.5]
        let scored = values.enumerated().map { index, value in
            ScoredTrial(number: index, assignment: ["model.dropout": .real(value)], value: 1)
        }
        let groups = ImportanceResult.groups(parameter: parameter, trials: scored)
        #expect(Set(groups).count == ImportanceResult.binCount)
        #expect(groups[0] == groups[1] && groups[1] == groups[2])
        #expect(groups[5] == groups[6])
        #expect(groups == groups.sorted())
    }

    @Test("TUNE-ONE-SE: the report says which trial scored higher when trial 0 is kept")
    func selectionNoteIsShown() throws {
        var records = trials(3)
        records[0].value = 0.80
        records[1].value = 0.83
        records[1].attributes[TuneStudy.standardErrorAttribute] = "0.05"
        records[2].value = 0.70
        let note = try #require(TuneStudy.selectionNote(records, direction: .maximize))
        let best = try #require(TuneStudy.best(of: records, direction: .maximize))
        #expect(best.number == 0)
        let html = StudyReport(
            study: definition(), trials: records, bestTrial: best.number, selectionNote: note
        ).html()
        #expect(html.contains("Reported: trial 0, because trial 1 scored 0.8300"))
        #expect(html.contains("[TUNE-ONE-SE]"))
        let plain = StudyReport(study: definition(), trials: records, bestTrial: 1).html()
        #expect(!plain.contains("TUNE-ONE-SE"))
    }

    @Test func textIsEscaped() throws {
        var parameters = definition().space.parameters
        parameters[3].domain = .choice(["relu", "<b>bold</b>"])
        parameters[3].rule = "ACT-DEFAULT: relu & \"friends\""
        let study = definition(name: "<script>alert('x')</script>", parameters: parameters)
        var records = trials(3)
        records[1].assignment["model.activation"] = .choice("<b>bold</b>")
        records[2].state = .failed
        records[2].value = nil
        records[2].attributes["error"] = "diverged: loss <big> & \"worse\""
        let html = StudyReport(study: study, trials: records, bestTrial: 0).html()
        #expect(html.contains("<h1>&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;</h1>"))
        #expect(!html.lowercased().contains("<script"))
        #expect(!html.contains("<b>bold"))
        #expect(html.contains("&lt;b&gt;bold&lt;/b&gt;"))
        #expect(html.contains("relu &amp; &quot;friends&quot;"))
        #expect(html.contains("title=\"diverged: loss &lt;big&gt; &amp; &quot;worse&quot;\""))
    }

    @Test(arguments: ["no trials", "one trial", "two trials", "only failed", "constant", "nan"])
    func rendersWithoutCrashingOrNaN(_ situation: String) throws {
        var records: [TrialRecord]
        switch situation {
        case "no trials": records = []
        case "one trial": records = trials(1)
        case "two trials": records = trials(2)
        case "only failed":
            records = trials(4).map { record in
                var record = record
                record.state = .failed
                record.value = nil
                return record
            }
        case "constant":
            records = trials(12).map { record in
                var record = record
                record.state = .complete
                record.value = 0.75
                return record
            }
        default:
            // A complete trial whose value diverged is shown without a value, not as `nan`.
            records = trials(10)
            records[3].value = .nan
            records[4].value = .infinity
        }
        let bestTrial = best(records.filter { $0.value?.isFinite ?? false })
        let html = StudyReport(study: definition(), trials: records, bestTrial: bestTrial).html()
        for heading in headings { #expect(html.contains(heading)) }
        #expect(!hasNonNumber(html))
        #expect(try section("importance", of: html).contains("not enough trials"))
        let scored = ScoredTrial.scored(records).count
        #expect(occurrences("<polyline class=\"trial-line", in: html) == scored)
        let body = try #require(html.range(of: "<body>")).lowerBound
        let end = try #require(html.range(of: "</body>")).upperBound
        #expect(xmlError(String(html[body..<end])) == nil)
    }

    @Test func aSpaceWithoutParametersRenders() {
        let study = definition(parameters: [])
        let records = [TrialRecord(number: 0, state: .complete, assignment: [:], value: 0.5)]
        let html = StudyReport(study: study, trials: records, bestTrial: 0).html()
        for heading in headings { #expect(html.contains(heading)) }
        #expect(html.contains("The space has no parameters"))
        #expect(!hasNonNumber(html))
    }

    @Test func compactNumbers() {
        #expect(compactNumber(0.0001) == "1e-4")
        #expect(compactNumber(0.00015) == "1.5e-4")
        #expect(compactNumber(0.0085) == "0.0085")
        #expect(compactNumber(12.3456) == "12.35")
        #expect(compactNumber(0.912345) == "0.9123")
        #expect(compactNumber(40) == "40")
        #expect(compactNumber(123456.7) == "123457")
        #expect(compactNumber(.nan) == "—")
        #expect(compactNumber(0.000099996) == "1e-4")
    }
}

/// The report as headless Chromium reads it: the parsed DOM keeps every section and every
/// trial's polyline, and a screenshot renders.
@Suite(.enabled(if: chromium != nil, "chromium not on PATH: apt-get install -y chromium"))
struct StudyReportChromiumTests {
    @Test func chromiumParsesAndRendersTheReport() throws {
        let records = trials(30)
        let complete = records.filter { $0.state == .complete }.count
        let html = StudyReport(
            study: definition(), trials: records, bestTrial: best(records),
            testScore: .init("test accuracy", 0.94),
            zeroTrialSummary: "2 x 16 relu, dropout 0.2, adam lr 0.003"
        ).html()
        let folder = FileManager.default.temporaryDirectory
            .appending(path: "layerwise-study-report-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let page = folder.appending(path: "study.html")
        try html.write(to: page, atomically: true, encoding: .utf8)
        let png = folder.appending(path: "study.png")
        let (parsed, rendered) = try chromiumRendering(
            page: page, png: png, width: 1200, height: 2400)
        #expect(rendered)
        for heading in headings { #expect(parsed.contains(heading)) }
        #expect(occurrences("<polyline class=\"trial-line", in: parsed) == complete)
        #expect(occurrences("<svg ", in: parsed) == occurrences("<svg ", in: html))
        #expect(occurrences("</svg>", in: parsed) == occurrences("</svg>", in: html))
        // Keep a copy to look at (`LAYERWISE_STUDY_REPORT_PNG=/tmp/study.png`).
        if let keep = ProcessInfo.processInfo.environment["LAYERWISE_STUDY_REPORT_PNG"] {
            try? FileManager.default.removeItem(atPath: keep)
            try FileManager.default.copyItem(at: png, to: URL(filePath: keep))
            try html.write(toFile: keep + ".html", atomically: true, encoding: .utf8)
        }
    }
}
