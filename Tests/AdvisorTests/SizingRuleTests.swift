import Spec
import Testing

@testable import Advisor

@Suite struct SizingRuleTests {
    @Test func geometricIsSquareRootOfInputsTimesOutputs() {
        #expect(approximately(GeometricWidthRule(inputs: 4, outputs: 3).width, 12.0.squareRoot()))
        #expect(approximately(GeometricWidthRule(inputs: 4, outputs: 3).width, 3.4641, 1e-4))
        #expect(approximately(GeometricWidthRule(inputs: 30, outputs: 1).width, 5.4772, 1e-4))
        let evaluation = GeometricWidthRule(inputs: 4, outputs: 3).evaluate()
        #expect(evaluation.id == "SIZE-GEOMETRIC")
        #expect(evaluation.formula == "Nh = sqrt(Ni * No)")
        #expect(evaluation.inputsText == "Ni=4, No=3")
        #expect(evaluation.result.description == "3.46")
    }

    @Test func capacityIsRowsOverAlphaTimesInputsPlusOutputs() {
        let upper = CapacityRule(rows: 105, inputs: 4, outputs: 3, alpha: 2)
        #expect(approximately(upper.totalHidden, 7.5))
        #expect(upper.totalHiddenUnits == 7)
        let conservative = CapacityRule(rows: 105, inputs: 4, outputs: 3, alpha: 10)
        #expect(approximately(conservative.totalHidden, 1.5))
        #expect(conservative.totalHiddenUnits == 1)
        #expect(
            approximately(
                CapacityRule(rows: 398, inputs: 30, outputs: 1, alpha: 2).totalHidden, 398.0 / 62))
        #expect(upper.evaluate().inputsText == "Ns=105, alpha=2, Ni=4, No=3")
        #expect(upper.evaluate().result == .number(7.5))
    }

    @Test func twoThirdsAndMean() {
        #expect(approximately(TwoThirdsWidthRule(inputs: 4, outputs: 3).width, 17.0 / 3))
        #expect(TwoThirdsWidthRule(inputs: 4, outputs: 3).evaluate().result.description == "5.67")
        #expect(approximately(TwoThirdsWidthRule(inputs: 30, outputs: 1).width, 21))
        #expect(approximately(MeanWidthRule(inputs: 4, outputs: 3).width, 3.5))
        #expect(approximately(MeanWidthRule(inputs: 30, outputs: 1).width, 15.5))
    }

    @Test func boundsAdmitOutputWidthUpToUnderTwiceTheInputs() {
        let bounds = WidthBoundsRule(inputs: 4, outputs: 3)
        #expect(bounds.admits(3))
        #expect(!bounds.admits(2))
        #expect(bounds.admits(7))
        #expect(!bounds.admits(8))
        #expect(bounds.clamp(9) == 7)
        #expect(bounds.clamp(1) == 3)
        #expect(bounds.clamp(5) == 5)
        #expect(bounds.evaluate().result == .text("[3, 8)"))
    }

    @Test func emptyBoundsFallBackToTheOutputWidth() {
        let bounds = WidthBoundsRule(inputs: 1, outputs: 3)
        #expect(!bounds.isSatisfiable)
        #expect(bounds.clamp(5) == 3)
        #expect(bounds.clamp(1) == 3)
        #expect(!bounds.admits(3))
        // Ni = 1, No = 1: only width 1 is admitted.
        #expect(WidthBoundsRule(inputs: 1, outputs: 1).highest == 1)
    }

    @Test func taperHalvesPerLayerNeverBelowTheFloor() {
        #expect(TaperRule(firstWidth: 16, layers: 3, floor: 1).widths == [16, 8, 4])
        #expect(TaperRule(firstWidth: 4, layers: 3, floor: 3).widths == [4, 3, 3])
        #expect(TaperRule(firstWidth: 5, layers: 2, floor: 1).widths == [5, 3])  // 2.5 rounds up
        #expect(TaperRule(firstWidth: 105, layers: 4, floor: 10).widths == [105, 53, 26, 13])
        #expect(TaperRule(firstWidth: 7, layers: 0, floor: 1).widths == [])
        #expect(TaperRule.isTapered([8, 8, 4]))
        #expect(!TaperRule.isTapered([4, 6]))
    }

    @Test func pruneIsRecordedForAfterTraining() {
        let evaluation = PruneRule(fraction: 0.01).evaluate()
        #expect(evaluation.id == "SIZE-PRUNE")
        #expect(!evaluation.applies)
        #expect(evaluation.inputs == [RuleInput("fraction", .number(0.01))])
    }

    @Test func roundingHalvesAwayFromZeroAtLeastOne() {
        #expect(roundedWidth(3.5) == 4)
        #expect(roundedWidth(3.46) == 3)
        #expect(roundedWidth(0.2) == 1)
        #expect(roundedWidth(.nan) == 1)
    }
}

@Suite struct DepthRuleTests {
    @Test func linearClassificationNeedsFullTrainingAccuracy() {
        func linear(_ accuracy: Double?) -> Bool? {
            LinearDepthRule(
                task: .classification, probe: LinearProbeSummary(trainingAccuracy: accuracy),
                margin: 0.01
            ).isLinear
        }
        #expect(linear(1.0) == true)
        #expect(linear(0.999) == false)
        #expect(linear(nil) == nil)
        let flagged = LinearDepthRule(
            task: .classification, probe: LinearProbeSummary(separable: true), margin: 0.01)
        #expect(flagged.isLinear == true)
        #expect(flagged.evaluate().applies)
    }

    @Test func linearRegressionWhenRandomFeaturesAddNothing() {
        func linear(_ lin: Double?, _ features: Double?, margin: Double = 0) -> Bool? {
            LinearDepthRule(
                task: .regression,
                probe: LinearProbeSummary(linearR2: lin, nonlinearR2: features),
                margin: margin
            ).isLinear
        }
        #expect(linear(0.40, 0.40) == true)  // no lift
        #expect(linear(0.40, 0.4001) == false)
        #expect(linear(0.45, 0.05) == true)  // the features overfit: linear is better
        #expect(linear(0.30, 0.50) == false)
        #expect(linear(0.42, nil) == nil)
        #expect(linear(0.40, 0.41, margin: 0.01) == true)  // exactly the margin apart
        #expect(linear(0.30, 0.50, margin: 0.25) == true)
        #expect(AdvisorSettings().linearR2Margin == 0)
    }

    @Test func lowDepthUpToThresholdAndTwoLayersOnlyAtConservativeCapacity() {
        let atThreshold = LowDepthRule(
            inputs: 32, threshold: 32, conservativeCapacity: 2.0, twoLayerWidth: 2)
        #expect(atThreshold.applies)
        #expect(atThreshold.layers == 2)
        #expect(
            !LowDepthRule(inputs: 33, threshold: 32, conservativeCapacity: 0, twoLayerWidth: 2)
                .applies)
        #expect(
            LowDepthRule(inputs: 4, threshold: 32, conservativeCapacity: 1.99, twoLayerWidth: 2)
                .layers == 1)
    }

    @Test func highDepthByInputCount() {
        func layers(_ inputs: Int) -> Int {
            HighDepthRule(inputs: inputs, threshold: 32, threeUpTo: 128, fourUpTo: 512).layers
        }
        #expect(!HighDepthRule(inputs: 32, threshold: 32, threeUpTo: 128, fourUpTo: 512).applies)
        #expect(HighDepthRule(inputs: 33, threshold: 32, threeUpTo: 128, fourUpTo: 512).applies)
        #expect(layers(33) == 3)
        #expect(layers(128) == 3)
        #expect(layers(129) == 4)
        #expect(layers(512) == 4)
        #expect(layers(513) == 5)
    }

    @Test func wideVersusDeepAddsALayerWhenTheWidthIsCut() {
        let cut = WideVersusDeepRule(
            desiredWidth: 8, inputs: 4, outputs: 3, capacity: 12, twoLayerWidth: 12)
        #expect(cut.widthCut)
        #expect(cut.addsLayer)
        #expect(
            !WideVersusDeepRule(
                desiredWidth: 8, inputs: 4, outputs: 3, capacity: 11, twoLayerWidth: 12
            ).addsLayer)
        #expect(
            !WideVersusDeepRule(
                desiredWidth: 7, inputs: 4, outputs: 3, capacity: 99, twoLayerWidth: 12
            ).widthCut)
        // The output itself past 2 * Ni: another layer would not help.
        #expect(
            !WideVersusDeepRule(
                desiredWidth: 6, inputs: 3, outputs: 8, capacity: 99, twoLayerWidth: 16
            ).widthCut)
    }
}
