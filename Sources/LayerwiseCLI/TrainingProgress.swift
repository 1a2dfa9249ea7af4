import Engine
import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Draws training progress: a live status line on a terminal (epoch, step, loss, validation
/// metric, rate, ETA), one plain line per epoch otherwise, nothing when quiet.
final class TrainingProgress {
    enum Mode {
        case live
        case lines
        case quiet
    }

    let mode: Mode
    let epochs: Int
    private let started = Date()
    private var lastDraw = Date.distantPast
    private var stepsDone = 0
    private var lastEpochLine = ""

    /// - Parameters:
    ///   - epochs: the run's maximum epochs (early stopping may end sooner).
    ///   - quiet: draw nothing.
    init(epochs: Int, quiet: Bool) {
        self.epochs = epochs
        mode = quiet ? .quiet : (isatty(STDOUT_FILENO) == 1 ? .live : .lines)
    }

    func handle(_ event: TrainingEvent) {
        switch (mode, event) {
        case (.quiet, _):
            return
        case (.live, .stepEnded(let report)):
            stepsDone += 1
            let now = Date()
            guard now.timeIntervalSince(lastDraw) > 0.1 else { return }
            lastDraw = now
            let elapsed = now.timeIntervalSince(started)
            let rate = Double(stepsDone) / max(elapsed, 1e-9)
            let remaining =
                Double((epochs - report.epoch) * report.stepsPerEpoch - report.stepInEpoch - 1)
                / max(rate, 1e-9)
            let done = Double(report.epoch) / Double(max(epochs, 1))
            let bar = String(repeating: "#", count: Int(done * 20))
                .padding(toLength: 20, withPad: "-", startingAt: 0)
            let line =
                "epoch \(report.epoch + 1)/\(epochs) [\(bar)] step \(report.stepInEpoch + 1)/"
                + "\(report.stepsPerEpoch)  loss \(format(Double(report.loss)))  \(lastEpochLine)"
                + "  \(Int(rate)) steps/s  ETA ≤ \(duration(remaining))"
            print("\r\u{1B}[2K" + line, terminator: "")
            fflush(nil)
        case (.live, .epochEnded(let record)):
            lastEpochLine = validationText(record)
        case (.lines, .epochEnded(let record)):
            print(
                "epoch \(record.epoch + 1)/\(epochs)  loss \(format(record.trainingLoss))"
                    + (record.validationLoss.map { "  val_loss \(format($0))" } ?? "")
                    + "  \(validationText(record))  lr \(format(Double(record.learningRate)))"
                    + "  \(String(format: "%.1f", record.seconds * 1000)) ms")
            fflush(nil)
        case (.lines, .stepEnded):
            return
        }
    }

    /// Ends the live line.
    func finish() {
        if mode == .live {
            print("\r\u{1B}[2K", terminator: "")
            fflush(nil)
        }
    }

    private func validationText(_ record: EpochRecord) -> String {
        switch record.validationMetrics {
        case .classification(let scores)?: "val_accuracy \(String(format: "%.4f", scores.accuracy))"
        case .regression(let scores)?: "val_r2 \(String(format: "%.4f", scores.rSquared))"
        case nil: ""
        }
    }

    private func format(_ value: Double) -> String {
        value.isFinite ? String(format: "%.4g", value) : "\(value)"
    }

    private func duration(_ seconds: Double) -> String {
        guard seconds.isFinite else { return "?" }
        let total = Int(seconds.rounded())
        return total >= 3600
            ? String(format: "%d:%02d:%02d", total / 3600, total / 60 % 60, total % 60)
            : String(format: "%d:%02d", total / 60, total % 60)
    }
}

/// Turns Ctrl-C into a stop request: training ends after the current step and saves. A second
/// Ctrl-C ends the process at once.
final class InterruptHandler {
    private let source: DispatchSourceSignal

    init(onInterrupt: @escaping @Sendable () -> Void) {
        signal(SIGINT, SIG_IGN)
        source = DispatchSource.makeSignalSource(signal: SIGINT, queue: .global())
        source.setEventHandler {
            printError(
                "\ninterrupted: stopping after the current step and saving (Ctrl-C again quits)")
            signal(SIGINT, SIG_DFL)
            onInterrupt()
        }
        source.resume()
    }

    deinit {
        source.cancel()
        signal(SIGINT, SIG_DFL)
    }
}
