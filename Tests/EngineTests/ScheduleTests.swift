import Testing

@testable import Engine

@Suite("Learning-rate schedules")
struct ScheduleTests {
    func rate(
        _ schedule: LearningRateSchedule, step: Int = 0, epoch: Int = 0, stepsPerEpoch: Int = 10,
        epochs: Int = 10
    ) -> Double {
        Double(
            schedule.rate(
                base: 1, step: step, epoch: epoch, stepsPerEpoch: stepsPerEpoch,
                totalEpochs: epochs))
    }

    @Test func constant() {
        #expect(rate(LearningRateSchedule(), step: 57, epoch: 5) == 1)
    }

    @Test func stepDecay() {
        let schedule = LearningRateSchedule(.step(every: 2, factor: 0.5))
        #expect([0, 1, 2, 3, 4].map { rate(schedule, epoch: $0) } == [1, 1, 0.5, 0.5, 0.25])
    }

    @Test func exponential() {
        #expect(abs(rate(LearningRateSchedule(.exponential(factor: 0.9)), epoch: 2) - 0.81) < 1e-6)
    }

    @Test func cosineMatchesPyTorch() {
        // torch.optim.lr_scheduler.CosineAnnealingLR(T_max=10), base 1.
        let expected = [
            1.0, 0.9755282581475768, 0.9045084971874737, 0.7938926261462366,
            0.6545084971874737, 0.5, 0.34549150281252633, 0.2061073738537635,
            0.09549150281252633, 0.024471741852423234, 0.0,
        ]
        let schedule = LearningRateSchedule(.cosine())
        for epoch in 0...10 { #expect(abs(rate(schedule, epoch: epoch) - expected[epoch]) < 1e-6) }
        let floor = LearningRateSchedule(.cosine(minimumRate: 0.1, period: 4))
        #expect(abs(rate(floor, epoch: 2) - 0.55) < 1e-6)
    }

    @Test func oneCycleMatchesPyTorch() {
        // torch OneCycleLR(max_lr=1, total_steps=100, cycle_momentum=False).
        let schedule = LearningRateSchedule(.oneCycle())
        let expected: [(Int, Double)] = [
            (0, 0.04), (10, 0.29516394846410077), (29, 1.0),
            (50, 0.793893450575732), (99, 4e-6),
        ]
        for (step, value) in expected {
            #expect(
                abs(rate(schedule, step: step, epoch: step / 10) - value) < 1e-6, "step \(step)")
        }
    }

    @Test func linearWarmupCombines() {
        let warm = LearningRateSchedule(.constant, warmupSteps: 4)
        #expect((0..<6).map { rate(warm, step: $0) } == [0.25, 0.5, 0.75, 1, 1, 1])
        let warmStep = LearningRateSchedule(.step(every: 1, factor: 0.5), warmupSteps: 20)
        #expect(abs(rate(warmStep, step: 11, epoch: 1) - 0.5 * 12 / 20) < 1e-7)
    }

    @Test func reduceOnPlateau() {
        let schedule = LearningRateSchedule(
            .reduceOnPlateau(
                factor: 0.5, patience: 2, minDelta: 0.01, cooldown: 2, minimumRate: 0.2))
        var state = ScheduleState()
        func feed(_ loss: Double) -> Double {
            schedule.epochEnded(loss: loss, base: 1, state: &state)
            return Double(
                schedule.rate(
                    base: 1, step: 0, epoch: 0, stepsPerEpoch: 1,
                    totalEpochs: 1, state: state))
        }
        #expect(feed(1.0) == 1)  // first value is the best
        #expect(feed(0.995) == 1)  // not better by min_delta: wait 1
        #expect(feed(0.999) == 0.5)  // wait 2 = patience: halve
        // Keras semantics: cooldown 2 leaves one epoch uncounted, the next counts as wait 1.
        #expect(feed(1.2) == 0.5)  // in cooldown
        #expect(feed(1.2) == 0.5)  // cooldown over: wait 1
        #expect(feed(1.2) == 0.25)  // wait 2: halve again
        #expect(feed(0.5) == 0.25)  // improvement (after cooldown)
        #expect(feed(0.6) == 0.25)
        #expect(abs(feed(0.6) - 0.2) < 1e-7)  // clamped at the minimum
    }
}
