import Foundation
import Random
import Spec
import Testing

@testable import Dataset

/// ENC-NUMERIC-EQUAL: indicators of number columns equal on a row, found on the training split
/// and kept when the ridge probe gains clearly with them.
@Suite struct ColumnEqualityTests {
    /// A choice among three options `a`, `b`, `c` with prices `pa`, `pb`, `pc`; `price` is the
    /// chosen option's price (every 5th row missing when `missingEvery`), `k1`, `k2` small
    /// integers (equal by chance a third of the time), `flag` 0/1. The target is the option
    /// chosen (`signal`), or a random label with the choice made independently of it.
    static func options(
        _ count: Int, signal: Bool, missingEvery: Int? = nil, seed: UInt64
    ) -> String {
        var generator = SeededGenerator(seed: seed)
        var lines = ["price,pa,pb,pc,k1,k2,flag,y"]
        for row in 0..<count {
            let prices = (0..<3).map { _ in
                (10 + 90 * generator.nextUnitDouble() * 100).rounded() / 100
            }
            let chosen = Int(generator.nextUnitDouble() * 3) % 3
            let label = ["a", "b", "c"][signal ? chosen : Int(generator.nextUnitDouble() * 3) % 3]
            let missing = missingEvery.map { row % $0 == 0 } == true
            let fields =
                [missing ? "" : String(prices[chosen])] + prices.map { String($0) }
                + (0..<2).map { _ in String(1 + Int(generator.nextUnitDouble() * 3) % 3) }
                + [String(row % 2), label]
            lines.append(fields.joined(separator: ","))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    @Test("pairs equal far more often than chance are found; chance, constants and 0/1 are not")
    func findsPairsEqualMoreOftenThanChance() throws {
        let files = TestFiles()
        var text = "price,pa,pb,pc,k1,k2,flag,same,y\n"
        var generator = SeededGenerator(seed: 4)
        for row in 0..<600 {
            let prices = (0..<3).map { _ in Float(10 + Int(generator.nextUnitDouble() * 9_000)) }
            // a on half the rows, b on a third, c on a sixth.
            let chosen = [0, 0, 0, 1, 1, 2][row % 6]
            // k1 and k2 in 1...3 independently: equal on a third of the rows, as chance says.
            let k1 = 1 + Int(generator.nextUnitDouble() * 3) % 3
            let k2 = 1 + Int(generator.nextUnitDouble() * 3) % 3
            text +=
                "\(prices[chosen]),\(prices[0]),\(prices[1]),\(prices[2]),\(k1),\(k2),\(row % 2),"
                + "\(prices[0]),\(row % 2)\n"
        }
        let path = files.write("options.csv", text)
        let table = try CSVReader.read(path: path)
        let numbers = (0..<8).filter { table.columns[$0].isNumeric }
        let pairs = ColumnEqualities.find(
            table: table, columns: numbers, trainingRows: Array(0..<600))
        let names = pairs.map { "\(table.columns[$0.first].name)=\(table.columns[$0.second].name)" }
        // price equals pa on half the rows, pb on a third, pc on a sixth; `same` is pa on
        // every row (share 1: nothing to learn), so price = same is found beside price = pa,
        // and pa = same is not; k1 = k2 is chance; flag has two values. Most frequent first,
        // ties in the table's order.
        #expect(names == ["price=pa", "price=same", "price=pb", "price=pc"], "\(names)")
        // Shares within a row or two of the design (two prices may coincide by chance).
        for (pair, share) in zip(pairs, [0.5, 0.5, 1.0 / 3, 1.0 / 6]) {
            #expect(abs(pair.share - share) < 0.005, "\(pair)")
        }
    }

    @Test("the eight-lane count of equal positions equals a loop, NaN and tails included")
    func equalCountMatchesALoop() {
        var generator = SeededGenerator(seed: 11)
        for count in [0, 1, 7, 8, 9, 63, 64, 1_001] {
            // Values from a few levels, some NaN: equal, unequal and missing in every lane.
            let x = (0..<count).map { _ -> Float in
                let u = generator.nextUnitDouble()
                return u < 0.1 ? .nan : Float(Int(u * 4))
            }
            let y = (0..<count).map { _ -> Float in
                let u = generator.nextUnitDouble()
                return u < 0.1 ? .nan : Float(Int(u * 4))
            }
            let naive = zip(x, y).filter { $0 == $1 }.count
            let counted = x.withUnsafeBufferPointer { a in
                y.withUnsafeBufferPointer { b in
                    ColumnEqualities.equalCount(
                        a.baseAddress ?? UnsafePointer(bitPattern: 8)!,
                        b.baseAddress ?? UnsafePointer(bitPattern: 8)!, count)
                }
            }
            #expect(counted == naive, "count \(count)")
        }
    }

    @Test("the indicator is 1 where the two are equal, 0 elsewhere and when either is missing")
    func encodesEqualityAndMissingAsZero() throws {
        let files = TestFiles()
        let path = files.write(
            "options.csv", Self.options(300, signal: true, missingEvery: 5, seed: 5))
        var options = DataOptions(path: path, target: "y")
        options.equalityIndicators = .fixed(true)
        let data = try PreparedData.load(options)
        let indicators = data.encoding.features.filter(\.isEquality)
        #expect(
            indicators.map(\.name).sorted() == ["price == pa", "price == pb", "price == pc"])
        for indicator in indicators {
            #expect(indicator.name == indicator.sourceColumns.joined(separator: " == "))
        }
        // Indicators come last, one input each.
        #expect(data.encoding.features.suffix(3).allSatisfy { $0.isEquality })
        #expect(Array(data.encoding.inputNames.suffix(3)) == indicators.map(\.name))
        let table = try CSVReader.read(path: path)
        let rows = Array(0..<table.rowCount)
        let (encoded, _) = try data.encoding.encode(table, rows: rows)
        let width = encoded.featureCount
        guard case .numbers(let price) = table.columns[0].data else { Issue.record(); return }
        for row in rows {
            for (k, indicator) in indicators.enumerated() {
                let j = try #require(table.columnIndex(named: indicator.sourceColumns[1]))
                guard case .numbers(let option) = table.columns[j].data else { continue }
                let expected: Float = !price[row].isNaN && price[row] == option[row] ? 1 : 0
                #expect(encoded.features[row * width + width - 3 + k] == expected)
            }
        }
        // Missing rows (every 5th) read 0 on all three, although the median fills `price`.
        #expect((0..<3).allSatisfy { encoded.features[0 * width + width - 3 + $0] == 0 })
    }

    @Test("auto keeps indicators that predict the target and drops those that do not")
    func autoKeepsIndicatorsThatPredict() throws {
        let files = TestFiles()
        let signal = try PreparedData.load(
            DataOptions(
                path: files.write("signal.csv", Self.options(400, signal: true, seed: 6)),
                target: "y"))
        let kept = try #require(signal.numericEncoding?.equalities)
        #expect(kept.kept, "\(kept)")
        #expect(kept.pairs.sorted() == ["price == pa", "price == pb", "price == pc"])
        // The ridge model reads the choice off the indicators: near certain, against a guess.
        #expect(try #require(kept.withScore) > 0.95)
        #expect(try #require(kept.withoutScore) < 0.6)
        #expect(signal.encoding.features.filter(\.isEquality).count == 3)
        #expect(signal.numericEncoding?.linearScore == kept.withScore)

        // The same columns with a label drawn apart from the choice: nothing to gain.
        for seed: UInt64 in [7, 8, 9] {
            let noise = try PreparedData.load(
                DataOptions(
                    path: files.write(
                        "noise\(seed).csv", Self.options(400, signal: false, seed: seed)),
                    target: "y"))
            let dropped = try #require(noise.numericEncoding?.equalities)
            #expect(!dropped.kept, "seed \(seed): \(dropped)")
            #expect(noise.encoding.features.allSatisfy { !$0.isEquality })
            #expect(dropped.why.contains("no indicators (3 pairs tried"))
        }
    }

    @Test("a gain counts when its fold mean is more than one standard error above zero")
    func theGainMustClearItsStandardError() {
        // Consistent gains: mean 0.104, squares 0.00052, standard error 0.0051.
        let steady = NumericEncodingRule.FoldGain([0.1, 0.12, 0.09, 0.11, 0.1])
        #expect(abs(steady.mean - 0.104) < 1e-12)
        #expect(abs(steady.standardError - (0.00052 / 4 / 5).squareRoot()) < 1e-12)
        #expect(steady.isClear)
        // A positive mean within the folds' noise: mean 0.004, standard error 0.0065.
        let noisy = NumericEncodingRule.FoldGain([0.02, -0.01, 0.015, -0.012, 0.007])
        #expect(noisy.mean > 0 && !noisy.isClear)
        // One fold has no spread to measure: never clear.
        #expect(!NumericEncodingRule.FoldGain([0.5]).isClear)
    }

    @Test("the spec fixes the indicators: false searches none, true keeps them")
    func theSpecFixesTheIndicators() throws {
        let files = TestFiles()
        let path = files.write("noise.csv", Self.options(300, signal: false, seed: 7))
        var options = DataOptions(path: path, target: "y")
        options.equalityIndicators = .fixed(false)
        let off = try PreparedData.load(options)
        #expect(off.numericEncoding?.equalities == nil)
        #expect(off.encoding.features.allSatisfy { !$0.isEquality })
        options.equalityIndicators = .fixed(true)
        let on = try PreparedData.load(options)
        let choice = try #require(on.numericEncoding?.equalities)
        #expect(choice.kept && choice.note == "set in spec")
        #expect(on.encoding.features.filter(\.isEquality).count == 3)
        // The split is the data's, whatever the indicators.
        #expect(on.split == off.split)
    }

    @Test("a new file without one of an indicator's columns: the error names it once")
    func aMissingSourceColumnIsNamed() throws {
        let files = TestFiles()
        var options = DataOptions(
            path: files.write("train.csv", Self.options(200, signal: true, seed: 10)),
            target: "y")
        options.equalityIndicators = .fixed(true)
        let data = try PreparedData.load(options)
        let path = files.write("new.csv", "price,pa,pc,k1,k2,flag\n12.5,12.5,40,1,2,0\n")
        do {
            _ = try data.encoding.apply(toFile: path)
            Issue.record("a file without pb encoded")
        } catch let error as DataError {
            #expect(error.message == "the model needs column 'pb', which the file does not have")
        }
        // With every column, a new row encodes its indicators.
        let complete = files.write(
            "complete.csv", "price,pa,pb,pc,k1,k2,flag\n12.5,12.5,30,40,1,2,0\n")
        let (encoded, _) = try data.encoding.apply(toFile: complete)
        let names = data.encoding.features.filter(\.isEquality).map(\.name)
        #expect(
            Array(encoded.features.suffix(3)) == names.map { $0 == "price == pa" ? 1 : 0 })
    }
}
