import Random
import Spec

/// ENC-NUMERIC-PLE: whether number inputs get piecewise-linear bins beside their standardised
/// value. `auto` asks the training split: a ridge model is cross-validated on it with the
/// standardised inputs alone and with the bins beside them, and the bins stay when they score
/// higher. Bins help where a column acts through thresholds and bends (salaries by career
/// length, participation by age); a linear model that already fits does better without them,
/// as do small splits, where eight more inputs per column cost more than they give.
public enum NumericEncodingRule {
    /// Folds of the cross-validation.
    public static let folds = NumericEncodingChoice.folds
    /// Most training rows the probe fits (a seeded sample of larger splits): enough to tell
    /// the two apart. The cost is one Gram matrix, rows x inputs² / 2: about 0.01 s for 100
    /// inputs, a few tenths of a second at the widest (512).
    public static let maxRows = 4_096
    /// Fewest training rows the probe runs on: fewer leave folds too small to score.
    public static let minimumRows = 40
    /// Widest binned input the probe considers (as the linear probe's `maxInputs`); wider
    /// data keeps standardised numbers under `auto`, and the probe scores those alone (for
    /// DEPTH-NO-SIGNAL and DEPTH-LINEAR).
    public static let maxInputs = LinearProbe.maxInputs
    /// The ridge penalty per training row, `lambda = alpha * n` (standardised inputs have
    /// `x'x = n`: a 1% shrink); 1e-3 to 1e-2 give the same choices on the quality suite.
    public static let ridgeAlpha = 1e-2

    /// The encoding to train with and why.
    /// - Parameters:
    ///   - setting: the spec's `data.numeric_encoding`.
    ///   - equalities: the spec's `data.equality_indicators` (ENC-NUMERIC-EQUAL): `auto` keeps
    ///     the indicators `binned` has when the same probe's gain with them, fold by fold, is
    ///     more than one standard error above zero (`FoldGain.isClear`).
    ///   - binned: the encoding fitted with bins on every number column that has two or more
    ///     (`DataEncoding.fit(..., numericBins:)`), and the equality indicators found unless
    ///     the spec turns them off.
    ///   - table: the typed table.
    ///   - trainingRows: the training split's rows (the probe reads no other).
    ///   - seed: the data seed; the probe's folds and sample come from a stream of their own,
    ///     so the split and the shuffles are the same whichever way it decides.
    ///   - signalMinimumLift: DEPTH-NO-SIGNAL's minimum lift (`DataOptions.signalMinimumLift`):
    ///     below it, a classification probe also measures the random features.
    /// - Throws: `DataError` when encoding the training rows fails (it cannot for rows the
    ///   encoding was fitted on).
    public static func choose(
        _ setting: Setting<NumericEncoding>, equalities: Setting<Bool> = .auto,
        binned: DataEncoding, table: DataTable, trainingRows: [Int], seed: UInt64,
        signalMinimumLift: Double
    ) throws -> (encoding: DataEncoding, choice: NumericEncodingChoice) {
        let binnable = binned.features.filter { $0.binEdges != nil }.count
        let pairs = binned.features.filter(\.isEquality).map(\.name)
        // The probe runs whenever it can, also for a fixed value: DEPTH-NO-SIGNAL reads the
        // linear score of the encoding used.
        let measured = try probe(
            binned, table: table, trainingRows: trainingRows, seed: seed,
            withBins: binnable > 0 && setting.value != .standard,
            signalMinimumLift: signalMinimumLift)
        var choice = NumericEncodingChoice(
            encoding: .standard, binnableColumns: binnable,
            standardScore: measured.score(ProbeSubset()),
            binnedScore: measured.score(ProbeSubset(bins: true)), trivialScore: measured.trivial,
            note: measured.note)
        if let fixed = setting.value {
            choice.encoding = fixed
            choice.note = "set in spec"
        } else if binnable == 0 {
            choice.note = "no number column has two or more quantile bins"
        } else if let standard = choice.standardScore, let withBins = choice.binnedScore {
            choice.encoding = withBins > standard ? .piecewiseLinear : .standard
        }
        let bins = choice.encoding == .piecewiseLinear && binnable > 0
        if !pairs.isEmpty {
            // ENC-NUMERIC-EQUAL: the indicators beside the numbers as chosen above.
            let without = ProbeSubset(bins: bins)
            let with = ProbeSubset(bins: bins, equalities: true)
            let gain = measured.gain(with, over: without)
            var equality = EqualityChoice(
                pairs: pairs, kept: false, withScore: measured.score(with),
                withoutScore: measured.score(without), gainStandardError: gain?.standardError,
                note: measured.note)
            if let fixed = equalities.value {
                equality.kept = fixed
                equality.note = "set in spec"
            } else if let gain {
                equality.kept = gain.isClear
            }
            choice.equalities = equality
        }
        let kept = choice.equalities?.kept ?? false
        // The random features beside the encoding used (a classification measures them beside
        // the standardised inputs only).
        choice.nonlinearScore =
            measured.score(ProbeSubset(bins: bins, equalities: kept, features: true))
            ?? measured.score(ProbeSubset(features: true))
        var encoding = bins ? binned : binned.withoutBins
        if !kept { encoding = encoding.withoutEqualities }
        return (encoding, choice)
    }

    /// The ridge model's cross-validated scores with the standardised inputs, with the bins
    /// too (`withBins`), each with the equality indicators the encoding has, and of the
    /// trivial prediction; with at most `RandomFeatures.maxInputs` columns also with
    /// DEPTH-LINEAR's random features beside them: regression each of those (DEPTH-LINEAR,
    /// DEPTH-NO-SIGNAL), a classification whose linear lift is below `signalMinimumLift`
    /// beside the standardised inputs (DEPTH-NO-SIGNAL). Nil scores and a note when the data
    /// is too wide or too small for the probe, or the folds cannot be scored; too wide with
    /// bins only, the standardised inputs are scored alone, with the note.
    static func probe(
        _ binned: DataEncoding, table: DataTable, trainingRows: [Int], seed: UInt64,
        withBins: Bool, signalMinimumLift: Double
    ) throws -> ProbeScores {
        let encoding = withBins ? binned : binned.withoutBins
        let dense =
            encoding.inputWidth - encoding.features.filter { $0.embeddingLevels != nil }.count
        if dense > maxInputs {
            let note =
                "the \(withBins ? "bins would make" : "data has") \(dense) inputs, above the "
                + "probe's \(maxInputs)"
            guard withBins else { return ProbeScores(note: note) }
            // Too wide with bins: the standardised inputs are still scored (DEPTH-NO-SIGNAL,
            // DEPTH-LINEAR), and the bins are not tried.
            var plain = try probe(
                binned, table: table, trainingRows: trainingRows, seed: seed, withBins: false,
                signalMinimumLift: signalMinimumLift)
            plain.note = plain.note ?? note
            return plain
        }
        if trainingRows.count < minimumRows {
            return ProbeScores(
                note: "\(trainingRows.count) training rows, too few to cross-validate "
                    + "(\(minimumRows))")
        }
        var generator = SeededGenerator(seed: seed, stream: probeStream)
        var rows = trainingRows
        generator.shuffle(&rows)
        if rows.count > maxRows { rows = Array(rows.prefix(maxRows)) }
        var encoded = try encoding.encode(table, rows: rows).0
        let columns = probeColumns(encoding)
        // The models scored: standard, binned (withBins), each with the equality indicators
        // (when the encoding has them).
        var subsets = withBins ? [ProbeSubset(), ProbeSubset(bins: true)] : [ProbeSubset()]
        if !columns.equalities.isEmpty {
            subsets += subsets.map { ProbeSubset(bins: $0.bins, equalities: true) }
        }
        let trivial = trivialScore(encoded)
        // DEPTH-LINEAR (regression) and DEPTH-NO-SIGNAL: the same model with random ReLU
        // features beside the inputs. Regression always measures them, in the same pass; a
        // classification only where the linear model lifts too little to count as signal,
        // where the features can change DEPTH-NO-SIGNAL's verdict: a second pass, beside the
        // standardised inputs only (the bins add little to the features, at twice the cost).
        let featuresFit = columns.all.count <= RandomFeatures.maxInputs
        let regression = encoded.classIndices == nil
        var result = ProbeScores(trivial: trivial)
        func crossValidate(withFeatures: Bool) {
            var all = columns.all
            var measured = subsets
            var features: [Int] = []
            var penalties: [Int: Double] = [:]
            if withFeatures {
                features = RandomFeatures.append(to: &encoded, from: columns.standard, seed: seed)
                all += features
                for column in features { penalties[column] = RandomFeatures.penalty }
                let withFeatures = subsets.map {
                    ProbeSubset(bins: $0.bins, equalities: $0.equalities, features: true)
                }
                measured = regression ? subsets + withFeatures : [ProbeSubset(features: true)]
            }
            // Each model's columns: the standardised inputs or the bins too, then the
            // indicators, then the features.
            let scores = RidgeCrossValidation(
                encoded, columns: all, folds: folds, alpha: ridgeAlpha, penalties: penalties
            ).foldScores(
                subsets: measured.map {
                    ($0.bins ? columns.binned : columns.standard)
                        + ($0.equalities ? columns.equalities : []) + ($0.features ? features : [])
                })
            for (subset, folds) in zip(measured, scores) { result.folds[subset] = folds }
        }
        crossValidate(withFeatures: featuresFit && regression)
        guard result.score(ProbeSubset()) != nil else {
            return ProbeScores(note: "the probe could not score the folds")
        }
        if featuresFit && !regression
            && subsets.compactMap({ result.score($0) }).max()! - trivial < signalMinimumLift
        {
            crossValidate(withFeatures: true)
        }
        return result
    }

    /// One model the probe cross-validates: the standardised inputs, with the bins, the
    /// equality indicators and DEPTH-LINEAR's random features beside them or not.
    struct ProbeSubset: Hashable {
        var bins = false
        var equalities = false
        var features = false
    }

    /// What `probe` measured: the ridge model's held-out score on each fold of each model
    /// measured and, when it did not run, why.
    struct ProbeScores {
        /// Each measured model's scores, fold by fold.
        var folds: [ProbeSubset: [Double]] = [:]
        /// Of predicting without the inputs.
        var trivial: Double?
        /// Why the probe did not run (or ran without the bins).
        var note: String?

        /// The mean over the folds of `subset`; nil when it was not measured.
        func score(_ subset: ProbeSubset) -> Double? {
            folds[subset].map { $0.reduce(0, +) / Double($0.count) }
        }

        /// The fold-by-fold gain of `with` over `without`; nil unless both were measured.
        func gain(_ with: ProbeSubset, over without: ProbeSubset) -> FoldGain? {
            guard let with = folds[with], let without = folds[without] else { return nil }
            return FoldGain(zip(with, without).map { $0 - $1 })
        }
    }

    /// A paired gain over the folds of the cross-validation: its mean and standard error.
    struct FoldGain {
        var mean: Double
        var standardError: Double

        init(_ gains: [Double]) {
            let n = Double(max(1, gains.count))
            let mean = gains.reduce(0, +) / n
            self.mean = mean
            let squares = gains.reduce(0) { $0 + ($1 - mean) * ($1 - mean) }
            standardError = gains.count > 1 ? (squares / (n - 1) / n).squareRoot() : .infinity
        }

        /// Rule ENC-NUMERIC-EQUAL's test: the mean gain is more than one standard error above
        /// zero (the one-standard-error rule of Breiman et al. 1984, as TUNE-ONE-SE): a gain
        /// within the folds' noise does not pay for the inputs it adds.
        var isClear: Bool { mean > standardError }
    }

    /// The score of predicting without the inputs: the largest class's share of the rows
    /// (accuracy), or 0 (the R² of the mean).
    static func trivialScore(_ rows: EncodedRows) -> Double {
        guard let classes = rows.classIndices else { return 0 }
        var counts: [Int32: Int] = [:]
        for label in classes where label >= 0 { counts[label, default: 0] += 1 }
        let total = counts.values.reduce(0, +)
        return total > 0 ? Double(counts.values.max() ?? 0) / Double(total) : 0
    }

    /// The generator stream of the probe's shuffle (the split uses stream 0).
    static let probeStream: UInt64 = 0x504C_45  // "PLE"

    /// The encoded columns the ridge model reads (an embedded column's code is not a number
    /// to weigh: left out), those of them that are neither bins nor equality indicators, those
    /// that are not indicators (the standardised inputs and the bins), and the indicators.
    static func probeColumns(
        _ encoding: DataEncoding
    ) -> (
        all: [Int], standard: [Int], binned: [Int], equalities: [Int]
    ) {
        var all: [Int] = []
        var standard: [Int] = []
        var binned: [Int] = []
        var equalities: [Int] = []
        var offset = 0
        for feature in encoding.features {
            defer { offset += feature.width }
            if feature.embeddingLevels != nil { continue }
            if feature.isEquality {
                all.append(offset)
                equalities.append(offset)
                continue
            }
            let bins = max(0, (feature.binEdges?.count ?? 1) - 1)
            for k in 0..<feature.width {
                all.append(offset + k)
                binned.append(offset + k)
                // A number's bins follow its standardised value.
                if k == 0 || k > bins { standard.append(offset + k) }
            }
        }
        return (all, standard, binned, equalities)
    }
}

extension FeatureEncoding {
    /// A number's piecewise-linear bin edges (ENC-NUMERIC-PLE); nil without bins.
    public var binEdges: [Float]? {
        if case .number(_, _, _, _, let edges) = method, let edges, edges.count >= 3 {
            return edges
        }
        return nil
    }
}

extension DataEncoding {
    /// The encoding without ENC-NUMERIC-EQUAL's indicators.
    public var withoutEqualities: DataEncoding {
        var plain = self
        plain.features = features.filter { !$0.isEquality }
        return plain
    }

    /// The encoding with every number's bins dropped: standardised numbers only.
    public var withoutBins: DataEncoding {
        var plain = self
        plain.features = features.map { feature in
            guard
                case .number(let median, let mean, let deviation, let indicator, _) =
                    feature.method
            else { return feature }
            return FeatureEncoding(
                name: feature.name,
                method: .number(
                    median: median, mean: mean, standardDeviation: deviation,
                    missingIndicator: indicator))
        }
        return plain
    }
}
