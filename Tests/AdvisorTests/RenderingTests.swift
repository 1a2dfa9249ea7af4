import Foundation
import Spec
import Testing

@testable import Advisor

@Suite struct TextReportTests {
    /// The tables of a report: each starts at a dashes line; returns (header, dashes, rows).
    static func tables(_ report: String) -> [(dashes: String, rows: [String])] {
        let lines = report.components(separatedBy: "\n")
        var result: [(String, [String])] = []
        for (index, line) in lines.enumerated() where line.hasPrefix("  --") {
            var rows: [String] = []
            var next = index + 1
            while next < lines.count, !lines[next].isEmpty {
                rows.append(lines[next])
                next += 1
            }
            result.append((line, [lines[index - 1]] + rows))
        }
        return result
    }

    /// Column starts from a dashes line.
    static func columnStarts(_ dashes: String) -> [Int] {
        let characters = Array(dashes)
        return characters.indices.filter { characters[$0] == "-" && (characters[$0 - 1] == " ") }
    }

    @Test func columnsAreAligned() throws {
        var spec = makeSpec()
        spec.model.neurons = .fixed(.width(9))
        let recommendation = try SizingAdvisor.recommend(spec: spec, data: Datasets.iris)
        let report = TextReport.render(recommendation)
        let tables = Self.tables(report)
        #expect(tables.count == 2)  // sizing rules and choices
        for table in tables {
            let starts = Self.columnStarts(table.dashes)
            #expect(starts.count >= 2)
            for row in table.rows {
                let characters = Array(row)
                // Lines under a row (a wrapped last cell, the formula or the reason) start
                // further in; every line stays within 100 columns.
                #expect(characters.count <= 100, "too wide: \(row)")
                if characters.count > starts[0], characters[starts[0]] == " " { continue }
                for start in starts {
                    #expect(start < characters.count, "row too short: \(row)")
                    guard start < characters.count else { continue }
                    #expect(
                        characters[start - 1] == " " && characters[start - 2] == " ",
                        "not aligned: \(row)")
                    #expect(characters[start] != " ", "empty cell at \(start): \(row)")
                }
            }
        }
    }

    @Test func compactSummaryWrapsTheTrainingChoicesAt100Columns() throws {
        let recommendation = try SizingAdvisor.recommend(spec: makeSpec(), data: Datasets.iris)
        let summary = TextReport.compact(recommendation)
        let lines = summary.split(separator: "\n").map(String.init)
        #expect(lines.allSatisfy { $0.count <= 100 }, "\(summary)")
        let train = lines.drop { !$0.hasPrefix("Train   ") }.prefix { !$0.isEmpty }
        #expect(train.count >= 2)  // iris's choices need two lines
        #expect(train.dropFirst().allSatisfy { $0.hasPrefix("        ") })
        for id in ["OPT-DEFAULT", "LR-RANGE-TEST", "EPOCHS-BY-SIZE"] {
            #expect(summary.contains("[\(id)]"), "\(id)")
        }
    }

    @Test func reportHasSummaryDiagramChoicesAndWarnings() throws {
        var spec = makeSpec()
        spec.model.hiddenLayers = .fixed(3)
        spec.locations["model.hidden_layers"] = SourceLocation(
            file: "iris.yaml", line: 8, column: 18)
        let recommendation = try SizingAdvisor.recommend(spec: spec, data: Datasets.iris)
        let report = TextReport.render(recommendation)
        #expect(
            report.contains("classification: Ns = 105 training rows, Ni = 4 inputs, No = 3 outputs")
        )
        #expect(
            report.contains(
                "4 -> 4 -> 3 -> 3 -> 3 (softmax)   \(recommendation.parameterCount) parameters"))
        #expect(report.contains("SIZE-GEOMETRIC"))
        #expect(report.contains("Nh = sqrt(Ni * No)"))
        #expect(report.contains("training.batch_size"))
        #expect(report.contains("BATCH-SMALL-DATA"))
        #expect(report.contains("iris.yaml:8:18: warning: model.hidden_layers:"))
        #expect(!report.contains("\u{1B}["))
        #expect(!report.contains("advisor.capacity_alpha"))  // defaults are not listed
    }

    @Test func colourIsOptionalAndOnlyDecorates() throws {
        let recommendation = try SizingAdvisor.recommend(spec: makeSpec(), data: Datasets.penguins)
        let plain = TextReport.render(recommendation, colour: false)
        let coloured = TextReport.render(recommendation, colour: true)
        #expect(coloured.contains("\u{1B}["))
        let stripped = coloured.replacingOccurrences(
            of: "\u{1B}\\[[0-9;]*m", with: "", options: .regularExpression)
        #expect(stripped == plain)
    }

    @Test func policyTextNamesTheRules() {
        let policy = Recommendation.policy
        for id in [
            "DEPTH-LINEAR", "SIZE-CAPACITY", "SIZE-BOUNDS", "SIZE-TAPER", "BN-PLACEMENT",
            "EARLY-STOP",
        ] {
            #expect(policy.contains(id), "\(id)")
        }
    }
}

@Suite struct JSONReportTests {
    @Test func jsonDecodesBackToTheSameData() throws {
        for data in [Datasets.iris, Datasets.diabetes, Datasets.wide] {
            var spec = makeSpec()
            spec.training.batchSize = .fixed(100_000)
            let recommendation = try SizingAdvisor.recommend(spec: spec, data: data)
            let json = try JSONReport.render(recommendation)
            let decoded = try JSONReport.decode(json)
            #expect(decoded == RecommendationDTO(recommendation))
            #expect(decoded.choices.count == recommendation.choices.count)
            #expect(decoded.layers.count == recommendation.config.model.layers?.count)
            #expect(decoded.warnings == recommendation.warnings)
        }
    }

    @Test func jsonCarriesLayersAndRuleValues() throws {
        let recommendation = try SizingAdvisor.recommend(spec: makeSpec(), data: Datasets.iris)
        let decoded = try JSONReport.decode(try JSONReport.render(recommendation))
        #expect(
            decoded.layers[0] == LayerDTO(.dense(DenseConfig(units: 4, initializer: .heNormal))))
        #expect(decoded.layers[0].units == 4)
        #expect(decoded.layers[3].activation == "softmax")
        let geometric = try #require(decoded.sizing.first { $0.id == "SIZE-GEOMETRIC" })
        #expect(approximately(geometric.result.number ?? 0, 12.0.squareRoot()))
        #expect(decoded.diagram == "4 -> 4 -> 3 (softmax)")
        #expect(throws: (any Error).self) { try JSONReport.decode("{\"diagram\": 3}") }
    }
}

@Suite struct ExplainTests {
    @Test func explainGivesTextFormulaAndSource() throws {
        let rule = try RuleCatalog.explain(ruleID: "SIZE-GEOMETRIC")
        #expect(rule.formula == "Nh = sqrt(Ni * No)")
        #expect(rule.section == "Sizing: neurons per hidden layer")
        #expect(rule.notesHeading == "How to configure layers and neurons")
        let text = try explain(ruleID: "size-capacity")
        #expect(text.contains("alpha = 10 the conservative value"))
        #expect(text.contains("Formula: Nh = Ns / (alpha * (Ni + No))"))
        #expect(text.contains("docs/rulebook.md, section \"Sizing: neurons per hidden layer\""))
        #expect(text.contains("tuning-notes.md, \"How to configure layers and neurons\""))
        #expect(try explain(ruleID: "DIAG-DEAD-RELU").contains("Leaky ReLU"))
        #expect(try RuleCatalog.explain(ruleID: "EARLY-STOP").proposed)
    }

    /// Issue 14: the data layer's rules are explained too, without being advisor rules.
    @Test func dataRulesAreExplained() throws {
        let rule = try RuleCatalog.explain(ruleID: "enc-date-parts")
        #expect(rule.id == "ENC-DATE-PARTS")
        #expect(rule.formula.contains("sin, cos"))
        #expect(!RuleCatalog.rules.contains { $0.id == "ENC-DATE-PARTS" })
        #expect(RuleCatalog.suggestion(for: "ENC-DATE-PART") == "ENC-DATE-PARTS")
    }

    @Test func unknownIDsGetADidYouMean() {
        #expect(throws: AdvisorError.unknownRule("SIZE-GEOMETRC", suggestion: "SIZE-GEOMETRIC")) {
            try RuleCatalog.explain(ruleID: "SIZE-GEOMETRC")
        }
        #expect(RuleCatalog.suggestion(for: "BN-DEP") == "BN-DEEP")
        #expect(RuleCatalog.suggestion(for: "EARLY-STO") == "EARLY-STOP")
        #expect(RuleCatalog.suggestion(for: "COMPLETELY-UNRELATED-THING") == nil)
        let error = AdvisorError.unknownRule("SIZE-GEOMETRC", suggestion: "SIZE-GEOMETRIC")
        #expect(error.description.contains("did you mean 'SIZE-GEOMETRIC'?"))
    }

    @Test func everyCatalogFormulaMatchesItsRuleUnit() {
        let units: [any Rule.Type] = [
            GeometricWidthRule.self, CapacityRule.self, TwoThirdsWidthRule.self, MeanWidthRule.self,
            WidthBoundsRule.self, WidthFloorRule.self, TaperRule.self, PruneRule.self,
            LinearDepthRule.self, SignalDepthRule.self,
            LowDepthRule.self,
            HighDepthRule.self, WideVersusDeepRule.self, MulticlassOutputRule.self,
            BinaryOutputRule.self,
            RegressionOutputRule.self, DefaultHiddenActivationRule.self,
            BetterHiddenActivationRule.self,
            LastResortHiddenActivationRule.self, DeepHiddenActivationRule.self,
            RecurrentActivationRule.self,
            InitializerRule.self, SmallDataBatchRule.self, LargeDataBatchRule.self,
            MemoryBatchRule.self,
            MinimumBatchRule.self, BatchWithinDataRule.self, EpochsRule.self, ShuffleRule.self,
            RangeTestRule.self, BatchNormLearningRateRule.self, BatchCouplingRule.self,
            DefaultOptimizerRule.self, MomentumRule.self, L1RangeRule.self, L2RangeRule.self,
            L1XorL2Rule.self, WeightDecayRule.self, DropoutRule.self,
            BatchNormReplacesDropoutRule.self,
            BatchNormPlacementRule.self, DeepBatchNormRule.self, ClippingRule.self,
            EarlyStoppingRule.self, PatienceByStepsRule.self, EnsembleRule.self,
            OverfitRecipeRule.self, LinearRidgeStartRule.self, LinearLogisticStartRule.self,
            HiddenLinearStartRule.self,
        ]
        for unit in units {
            let text = RuleCatalog.rules.first { $0.id == unit.id }
            #expect(text?.formula == unit.formula, "\(unit.id)")
        }
        // DIAG- rules read curves, ENC- rules fit the encoding (data layer) and TUNE- rules
        // are the search's: no advisor unit.
        #expect(
            RuleCatalog.rules.filter {
                !$0.id.hasPrefix("DIAG-") && !$0.id.hasPrefix("ENC-") && !$0.id.hasPrefix("TUNE-")
            }
            .count == units.count)
    }
}
