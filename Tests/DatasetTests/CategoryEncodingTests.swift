import Foundation
import Spec
import Testing

@testable import Dataset

@Suite("Categories by cardinality: one-hot, embedding, rare levels as 'other'")
struct CategoryEncodingTests {
    let files = TestFiles()

    /// 1600 rows: `shop` has 40 common levels (s00 ... s39, 39 or 40 rows each) and 12 rare ones
    /// (r00 ... r11, one row each); `colour` has 3 levels; `x` a number; `y` the target.
    private func shopsCSV() -> String {
        var text = "x,shop,colour,y\n"
        for row in 0..<1600 {
            let shop =
                row % 60 == 7 && row / 60 < 12
                ? "r" + String(format: "%02d", row / 60) : "s" + String(format: "%02d", row % 40)
            text += "\(Double(row) * 0.01),\(shop),\(["red", "green", "blue"][row % 3]),"
            text += "\(row % 2 == 0 ? "a" : "b")\n"
        }
        return text
    }

    @Test func manyLevelsAreEmbeddedWithRareLevelsAsOther() throws {
        let path = files.write("shops.csv", shopsCSV())
        let data = try PreparedData.load(DataOptions(path: path, target: "y"))
        let shop = try #require(data.encoding.features.first { $0.name == "shop" })
        guard case .embedding(let levels, let rare, let missingLevel, let dimension) = shop.method
        else {
            Issue.record("shop is \(shop.method)")
            return
        }
        #expect(levels == (0..<40).map { "s" + String(format: "%02d", $0) })
        #expect(rare == Set(data.split.training.filter { $0 % 60 == 7 && $0 / 60 < 12 }).count)
        #expect(!missingLevel)
        // 41 rows (40 levels and 'other'): round(1.6 * 41^0.56) = 13.
        #expect(shop.embeddingLevels == 41)
        #expect(dimension == 13)
        #expect(shop.encodedNames == ["shop"])
        #expect(shop.networkWidth == 13)
        // Colour stays one-hot: 3 levels <= 16.
        let colour = try #require(data.encoding.features.first { $0.name == "colour" })
        #expect(colour.method == .oneHot(levels: ["blue", "green", "red"], missingLevel: false))
        // One code column: x, shop, colour (3); Ni counts the embedding's 13.
        #expect(data.encoding.inputWidth == 1 + 1 + 3)
        #expect(data.encoding.networkInputWidth == 1 + 13 + 3)
        // Codes are the sorted levels' indices; rare levels take code 40.
        let training = data.training
        for (k, row) in training.sourceRows.enumerated() {
            let code = training.features[k * training.featureCount + 1]
            let rareRow = row % 60 == 7 && row / 60 < 12
            #expect(code == (rareRow ? 40 : Float(row % 40)), "row \(row)")
        }
        let profile = DataProfile(data)
        #expect(profile.inputs == 17)
        let line = try #require(profile.columns.first { $0.name == "shop" })
        #expect(line.encodedWidth == 13)
        #expect(line.embeddingShape == [41, 13])
        #expect(line.encoding?.contains("ENC-EMBED-SIZE") == true)
        #expect(line.encoding?.contains("ENC-RARE-OTHER") == true)
        #expect(profile.text.contains("embedding 41 x 13"))
        #expect(
            profile.columns.first { $0.name == "colour" }?.encoding?.contains("ENC-ONEHOT-MAX")
                == true)
    }

    @Test func theLinearProbeFitsEmbeddedColumnsByLevel() throws {
        let path = files.write("shops.csv", shopsCSV())
        let data = try PreparedData.load(DataOptions(path: path, target: "y"))
        let probe = LinearProbe.run(data)
        #expect(probe.levelColumns == ["shop"])
        // The target is the row's parity, which the shop (row % 40) tells but not the other
        // columns: the file without the column stays near chance, the levels do not.
        let text = try String(contentsOfFile: path, encoding: .utf8)
        let without =
            text.split(separator: "\n").map { line in
                let fields = line.split(separator: ",", omittingEmptySubsequences: false)
                return [fields[0], fields[2], fields[3]].joined(separator: ",")
            }.joined(separator: "\n") + "\n"
        let other = try PreparedData.load(
            DataOptions(path: files.write("no-shop.csv", without), target: "y"))
        let reference = LinearProbe.run(other)
        #expect(reference.trainingAccuracy! < 0.7)
        #expect(probe.trainingAccuracy! > 0.95)
        #expect(
            DataProfile(data).text.contains(
                "fitted by level (one weight per level, read by index): shop (41 levels)"))
    }

    @Test func unseenLevelsAtPredictTimeGoToOtherWithAWarning() throws {
        let path = files.write("shops.csv", shopsCSV())
        let data = try PreparedData.load(DataOptions(path: path, target: "y"))
        let new = files.write(
            "new.csv", "x,shop,colour\n0.5,s03,red\n0.7,zz-new,blue\n0.2,r01,green\n1.0,,red\n")
        let (rows, warnings) = try data.encoding.apply(toFile: new)
        let codes = (0..<4).map { rows.features[$0 * rows.featureCount + 1] }
        #expect(codes == [3, 40, 40, 40])
        #expect(warnings.contains { $0.contains("'zz-new'") && $0.contains("'other'") })
        #expect(warnings.contains { $0.contains("missing value") })
    }

    @Test func thresholdsComeFromTheSpecsAdvisorSection() throws {
        let path = files.write("shops.csv", shopsCSV())
        var options = DataOptions(path: path, target: "y")
        options.categoryPolicy.oneHotMaxLevels = 100
        let oneHot = try PreparedData.load(options)
        let shop = oneHot.encoding.features.first { $0.name == "shop" }
        guard case .oneHot = shop?.method else {
            Issue.record("shop is not one-hot with one_hot_max_levels 100")
            return
        }
        var settings = AdvisorSettings()
        settings.oneHotMaxLevels = 2
        settings.embeddingMaxDimension = 1
        settings.rareLevelMinimumCount = 1
        let policy = CategoryPolicy(settings: settings)
        #expect(
            policy
                == CategoryPolicy(
                    oneHotMaxLevels: 2, rareLevelMinimumCount: 1, embeddingMaxDimension: 1))
        options.categoryPolicy = policy
        let embedded = try PreparedData.load(options)
        let colour = embedded.encoding.features.first { $0.name == "colour" }
        #expect(colour?.networkWidth == 1)
        #expect(colour?.embeddingLevels == 4)
    }

    @Test func embeddingDimensionFollowsTheRule() {
        // fastai's min(600, round(1.6 * n^0.56)), at most half the rows.
        #expect(FeatureEncoding.embeddingDimension(levels: 4_000) == 166)
        #expect(FeatureEncoding.embeddingDimension(levels: 106) == 22)
        #expect(FeatureEncoding.embeddingDimension(levels: 3) == 2)
        #expect(FeatureEncoding.embeddingDimension(levels: 1) == 1)
        #expect(FeatureEncoding.embeddingDimension(levels: 10_000_000) == 600)
        #expect(FeatureEncoding.embeddingDimension(levels: 4_000, maximum: 50) == 50)
    }

    /// A model file's encoding written before embeddings existed still decodes, and the new
    /// case round-trips.
    @Test func oldEncodingsStillDecode() throws {
        let old = #"""
            {"features":[{"name":"x","method":{"number":{"median":1,"mean":1.5,
            "standardDeviation":0.5,"missingIndicator":false}}},{"name":"c","method":{"oneHot":
            {"levels":["a","b","c"],"missingLevel":true}}},{"name":"f","method":{"binary":
            {"levels":["n","y"],"missingIndicator":false}}}],"target":{"classes":{"name":"y",
            "labels":["0","1"]}},"format":{"missingMarkers":["","NA"]}}
            """#
        let decoded = try JSONDecoder().decode(DataEncoding.self, from: Data(old.utf8))
        #expect(decoded.features.map(\.name) == ["x", "c", "f"])
        #expect(decoded.features[1].method == .oneHot(levels: ["a", "b", "c"], missingLevel: true))
        #expect(decoded.inputWidth == 1 + 4 + 1)
        #expect(decoded.networkInputWidth == decoded.inputWidth)
        // The existing cases encode as they did.
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let oneHot = FeatureEncoding(
            name: "c", method: .oneHot(levels: ["a"], missingLevel: false))
        #expect(
            String(decoding: try encoder.encode(oneHot), as: UTF8.self)
                == #"{"method":{"oneHot":{"levels":["a"],"missingLevel":false}},"name":"c"}"#)
        var withEmbedding = decoded
        withEmbedding.features.append(
            FeatureEncoding(
                name: "e",
                method: .embedding(
                    levels: ["p", "q"], rareLevels: 3, missingLevel: false, dimension: 2)
            ))
        let data = try JSONEncoder().encode(withEmbedding)
        #expect(try JSONDecoder().decode(DataEncoding.self, from: data) == withEmbedding)
    }
}
