import Dataset
import Engine
import Foundation
import Spec
import Testing

@testable import Runs

#if canImport(FoundationXML)
    import FoundationXML
#endif

/// A shop's sales: 30 shops on 25 rows each (embedded: more than ENC-ONEHOT-MAX's 16 levels,
/// each on at least ENC-RARE-OTHER's 10 training rows), 3 shops on 4 rows (rare: merged into
/// "other"), a date over two years (year, month, day of month and day of week vary), a
/// category of 3 levels (one-hot) and a number. The shop column's name and the category's
/// levels are HTML's special characters. `y` depends on the shop's group, the month and `x`.
enum ShopData {
    /// The shop column's name: every character HTML escapes.
    static let shopColumn = "<b>&\"x'"
    /// The one-hot column's levels, as the CSV writes them.
    static let kinds = ["<i>", "&amp;", "plain"]

    static func csv() -> String {
        var text = "x,\"<b>&\"\"x'\",kind,day,y\n"
        let shops =
            (0..<30).flatMap { Array(repeating: $0, count: 25) }
            + (30..<33).flatMap {
                Array(repeating: $0, count: 4)
            }
        for (row, shop) in shops.enumerated() {
            let x = Double((row * 37) % 100) / 100
            let day = (row * 53) % 730
            let date = Date(timeIntervalSince1970: 1_325_376_000 + Double(day) * 86_400)
            let month = Calendar(identifier: .gregorian).dateComponents(
                in: TimeZone(identifier: "UTC")!, from: date
            ).month!
            let formatter = ISO8601DateFormatter()
            formatter.formatOptions = [.withFullDate]
            let hit = ((shop % 3 == 0) != (x > 0.7)) != (month > 6)
            text += "\(x),shop\(shop),\(kinds[row % 3]),\(formatter.string(from: date)),"
            text += (hit ? "hit" : "miss") + "\n"
        }
        return text
    }

    /// A spec of the shop data (written beside it in a new folder), with `training` as given.
    static func spec(training: String) throws -> String {
        let folder = try temporaryFolder()
        try csv().write(
            to: folder.appendingPathComponent("shops.csv"), atomically: true, encoding: .utf8)
        let spec = folder.appendingPathComponent("shops.yaml")
        try """
        name: shops
        data:
          path: shops.csv
          target: y
        training: \(training)
        """.write(to: spec, atomically: true, encoding: .utf8)
        return spec.path
    }
}

/// Issue 14 in the run report: every input column with its encoding and the rules behind it,
/// in `record.json` and report.html.
@Suite struct RunInputsTests {
    static let run = Result { () throws -> RunFolder in
        let (session, folder, _) = try startRun(try ShopData.spec(training: "{epochs: 3}"))
        _ = try session.run(in: folder)
        return folder
    }

    @Test func recordKeepsEachColumnsEncodingAndItsRules() throws {
        let folder = try Self.run.get()
        let inputs = try #require(try RunRecordFile.read(from: folder)?.inputs)
        #expect(inputs.map(\.column) == ["x", ShopData.shopColumn, "kind", "day"])
        #expect(inputs.map(\.method) == [.number, .embedding, .oneHot, .dateParts])
        let number = inputs[0]
        #expect(number.inputs == 1 && number.rules.isEmpty && !number.missing)
        #expect((number.mean ?? 0) > 0.3 && (number.mean ?? 0) < 0.7)
        #expect((number.standardDeviation ?? 0) > 0.2)
        // 30 shops with a row each, "other" for the 3 rare ones: 31 rows of 11 (ENC-EMBED-SIZE:
        // round(1.6 * 31^0.56) = 11, under ceil(31 / 2) = 16).
        let shop = inputs[1]
        #expect(shop.levels == 30 && shop.rareLevels == 3 && shop.tableRows == 31)
        #expect(shop.dimension == 11 && shop.inputs == 11 && shop.tableParameters == 341)
        #expect(shop.rules == ["ENC-ONEHOT-MAX", "ENC-RARE-OTHER", "ENC-EMBED-SIZE"])
        #expect(shop.reason.contains("ENC-ONEHOT-MAX: 33 > 16 levels"), "\(shop.reason)")
        #expect(shop.reason.contains("3 levels under 10 training rows -> 'other'"))
        // The table is the model's.
        let artifact = try ModelArtifact.read(from: folder.modelPath)
        let table = try #require(artifact.tensors.first { $0.name == "embeddings.0.weight" })
        #expect(table.shape == [31, 11])
        let kind = inputs[2]
        #expect(kind.levelNames == ["&amp;", "<i>", "plain"] && kind.inputs == 3)
        #expect(kind.rules == ["ENC-ONEHOT-MAX"] && kind.reason == "ENC-ONEHOT-MAX: 3 <= 16 levels")
        // A date without times: the hour does not vary, so it is not an input.
        let day = inputs[3]
        #expect(day.parts == ["year", "month", "day", "weekday"])
        #expect(day.cyclicalParts == ["month", "day", "weekday"])
        #expect(day.inputs == 1 + 2 * 3 && day.rules == ["ENC-DATE-PARTS"])
        #expect((day.yearMean ?? 0) > 2012 && (day.yearMean ?? 0) < 2014)
        #expect(inputs.reduce(0) { $0 + $1.inputs } == artifact.description.featureWidth)
    }

    @Test func reportShowsTheInputsWithTheDataEscaped() throws {
        let folder = try Self.run.get()
        let html = try String(contentsOfFile: folder.reportPath, encoding: .utf8)
        let start = try #require(html.range(of: "<h2>Inputs</h2>")).lowerBound
        let end = try #require(html.range(of: "<h2>Training</h2>")).lowerBound
        let section = String(html[start..<end])
        #expect(
            section.contains(
                "4 input columns: Ni = 22 network inputs; 1 embedding table with 341 trained "
                    + "parameters"))
        #expect(section.components(separatedBy: "<tr>").count - 1 == 1 + 4)
        #expect(section.contains("<code>&lt;b&gt;&amp;&quot;x&#39;</code>"))
        #expect(!html.contains(ShopData.shopColumn) && !html.contains("<i>"))
        #expect(section.contains("30 levels + &#39;other&#39; (3 rare levels merged)"))
        #expect(section.contains("table 31 x 11"))
        #expect(section.contains("<td class=\"number\">341</td>"))
        #expect(
            section.contains(
                "ENC-EMBED-SIZE: d = min(round(1.6 * 31^0.56), ceil(31 / 2), 600) = "
                    + "min(11, 16, 600) = 11"))
        #expect(section.contains("3 levels: &#39;&amp;amp;&#39;, &#39;&lt;i&gt;&#39;, &#39;plain"))
        #expect(section.contains("ENC-ONEHOT-MAX: 3 &lt;= 16 levels"))
        let day = try #require(try RunRecordFile.read(from: folder)?.inputs?.last)
        let year = try #require(day.yearMean.map(NumberText.evidence))
        let deviation = try #require(day.yearStandardDeviation.map(NumberText.evidence))
        #expect(section.contains("year standardised (mean \(year), sd \(deviation))"))
        #expect(section.contains("cyclical (sin, cos): month, day of month, day of week"))
        #expect(section.contains("ENC-DATE-PARTS: the parts that vary in the training split"))
        #expect(section.contains("<td>standardised</td>") && section.contains("mean 0."))
        #expect(XMLParser(data: Data(("<div>" + section + "</div>").utf8)).parse())
    }

    @Test func aRecordWrittenWithoutInputsGetsThemFromTheModelFile() throws {
        let folder = try Self.run.get()
        let saved = try #require(try RunRecordFile.read(from: folder))
        var old = saved
        old.inputs = nil
        let copy = try temporaryFolder().appendingPathComponent("old")
        try FileManager.default.copyItem(atPath: folder.path, toPath: copy.path)
        let oldFolder = try RunFolder(existing: copy.path)
        try old.write(to: oldFolder)
        let diagnosis = try RunDiagnosis.load(oldFolder, loader: loader())
        #expect(diagnosis.file.inputs == saved.inputs)
        // Without a model file (a stopped run), from the checkpoint.
        try FileManager.default.removeItem(atPath: oldFolder.modelPath)
        #expect(try RunDiagnosis.load(oldFolder, loader: loader()).file.inputs == saved.inputs)
        #expect(diagnosis.report().inputRows.count == 4)
    }
}
