import Foundation
import TestSupport
import Testing

/// `layerwise compare` and the run report's binary charts, as a user sees them (issue 19).
@Suite("compare runs; the binary report in Chromium")
struct CompareCommandTests {
    /// breast cancer (two classes) trained twice, the second with other widths.
    static let runs = Result { () throws -> URL in
        let folder = try scratch()
        try copyData("breast_cancer.csv", to: folder)
        try
            "name: bc\ndata: {path: breast_cancer.csv, target: diagnosis}\ntraining: {epochs: 8, ensemble: 1}\n"
            .write(to: folder.appendingPathComponent("bc.yaml"), atomically: true, encoding: .utf8)
        for (run, extra) in [("wide", [String]()), ("narrow", ["--set", "model.neurons=[16, 8]"])] {
            let trained = try Run(
                ["train", "bc.yaml", "--out", run, "--quiet"] + extra, in: folder
            ).wait()
            guard trained.status == 0 else { throw CocoaError(.featureUnsupported) }
        }
        return folder
    }

    @Test("one page: both runs' scores, overlaid curves, the designs' differences first")
    func comparesTwoRuns() throws {
        let folder = try Self.runs.get()
        let result = try layerwise(
            "compare", "wide", "narrow", "-o", "out/compare.html", in: folder)
        #expect(result.status == 0, "\(result.errors)")
        let html = try String(
            contentsOf: folder.appendingPathComponent("out/compare.html"), encoding: .utf8)
        #expect(html.contains("Comparing 2 runs"))
        #expect(html.contains("<th>wide</th><th>narrow</th>"))
        #expect(html.contains("test accuracy"))
        for title in ["Validation loss", "Training loss", "Validation accuracy", "Learning rate"] {
            #expect(html.contains(title), "\(title)")
        }
        #expect(html.contains("settings differ"))
        // model.neurons differs, and is listed among the differing settings (marked rows).
        let neurons = try #require(html.range(of: "<code>model.neurons</code>"))
        let rowStart = try #require(
            html[..<neurons.lowerBound].range(of: "<tr", options: .backwards))
        #expect(html[rowStart.lowerBound..<neurons.lowerBound].contains("differs"))
        #expect(html.contains("[16, 8]"))

        let again = try layerwise("compare", "wide", "narrow", "-o", "out/compare.html", in: folder)
        #expect(again.status != 0 && again.errors.contains("pass --force"))
        let one = try layerwise("compare", "wide", in: folder)
        #expect(one.status != 0 && one.errors.contains("two or more"))
        let missing = try layerwise("compare", "wide", "nowhere", "-o", "x.html", in: folder)
        #expect(missing.status != 0 && missing.errors.contains("nowhere"), "\(missing.errors)")
        #expect(
            !FileManager.default.fileExists(atPath: folder.appendingPathComponent("x.html").path))
    }

    @Test(
        "Chromium renders the binary run report (ROC, PR, calibration) and the comparison",
        .enabled(if: chromium != nil, "chromium not on PATH: apt-get install -y chromium"))
    func chromiumRendersThem() throws {
        let folder = try Self.runs.get()
        let report = try chromiumRendering(page: folder.appendingPathComponent("wide/report.html"))
        #expect(report.rendered)
        for title in ["ROC (", "Precision-recall (", "Calibration (", "best epoch"] {
            #expect(report.dom.contains(title), "\(title)")
        }
        _ = try layerwise("compare", "wide", "narrow", "-o", "page.html", "--force", in: folder)
        let page = try chromiumRendering(page: folder.appendingPathComponent("page.html"))
        #expect(page.rendered)
        #expect(page.dom.contains("Comparing 2 runs"))
    }
}
