import Engine
import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Draws training progress as Keras does: on a terminal, a live status line for the epoch
/// under way (step, the epoch's running mean loss, the last validation metric, rate, ETA),
/// cut to the terminal's width as tqdm does, and one line per finished epoch that stays;
/// one line per epoch otherwise; nothing when quiet. Lines from other threads (the ensemble's
/// members) go through `standingLine`; a lock keeps them whole.
final class TrainingProgress: @unchecked Sendable {
    enum Mode {
        case live
        case lines
        case quiet
    }

    let mode: Mode
    let epochs: Int
    /// Held while drawing: members report from their own threads.
    private let drawing = NSLock()
    private let started = Date()
    private var lastDraw = Date.distantPast
    private var stepsDone = 0
    private var lastEpochLine = ""
    /// The current epoch's losses so far, for the running mean.
    private var epochLossSum = 0.0
    private var epochSteps = 0
    private var liveShown = false
    /// Columns of the terminal (re-read at each draw: the window may be resized).
    private let width: () -> Int

    /// - Parameters:
    ///   - epochs: the run's maximum epochs (early stopping may end sooner).
    ///   - quiet: draw nothing.
    init(epochs: Int, quiet: Bool) {
        self.epochs = epochs
        mode = quiet ? .quiet : (isatty(STDOUT_FILENO) == 1 ? .live : .lines)
        width = { Self.terminalWidth() }
    }

    func handle(_ event: TrainingEvent) {
        drawing.lock()
        defer { drawing.unlock() }
        switch (mode, event) {
        case (.quiet, _):
            return
        case (.live, .stepEnded(let report)):
            stepsDone += 1
            if report.stepInEpoch == 0 {
                epochLossSum = 0
                epochSteps = 0
            }
            if report.loss.isFinite {
                epochLossSum += Double(report.loss)
                epochSteps += 1
            }
            let now = Date()
            guard now.timeIntervalSince(lastDraw) > 0.1 else { return }
            lastDraw = now
            let elapsed = now.timeIntervalSince(started)
            let rate = Double(stepsDone) / max(elapsed, 1e-9)
            let remaining =
                Double((epochs - report.epoch) * report.stepsPerEpoch - report.stepInEpoch - 1)
                / max(rate, 1e-9)
            let done = Double(report.stepInEpoch + 1) / Double(max(report.stepsPerEpoch, 1))
            let bar = String(repeating: "#", count: Int(done * 20))
                .padding(toLength: 20, withPad: "-", startingAt: 0)
            let mean = epochSteps > 0 ? epochLossSum / Double(epochSteps) : Double.nan
            let line =
                "epoch \(report.epoch + 1)/\(epochs) [\(bar)] \(report.stepInEpoch + 1)/"
                + "\(report.stepsPerEpoch)  loss \(format(mean))"
                + (lastEpochLine.isEmpty ? "" : "  \(lastEpochLine)")
                + "  \(Int(rate)) steps/s  ETA \(duration(remaining))"
            print("\r\u{1B}[2K" + Self.fitted(line, columns: width()), terminator: "")
            liveShown = true
            fflush(nil)
        case (.live, .epochEnded(let record)):
            lastEpochLine = validationText(record)
            // The finished epoch's line replaces the live one and stays, as in Keras.
            print("\r\u{1B}[2K" + epochLine(record, columns: width()))
            liveShown = false
            fflush(nil)
        case (.lines, .epochEnded(let record)):
            print(epochLine(record))
            fflush(nil)
        case (.lines, .stepEnded):
            return
        }
    }

    /// Prints `line` to stay, above the live line (which the next step draws again).
    func standingLine(_ line: String) {
        drawing.lock()
        defer { drawing.unlock() }
        guard mode != .quiet else { return }
        print((mode == .live && liveShown ? "\r\u{1B}[2K" : "") + line)
        liveShown = false
        fflush(nil)
    }

    /// Ends the live line (the epoch lines stay).
    func finish() {
        drawing.lock()
        defer { drawing.unlock() }
        if mode == .live, liveShown {
            print("\r\u{1B}[2K", terminator: "")
            liveShown = false
            fflush(nil)
        }
    }

    /// `epoch 3/30  loss 0.412  val_loss 0.398  val_accuracy 0.9167  lr 0.001  12.3 ms`: the
    /// epoch's mean training loss, as Keras reports it. Within `columns`, the time and then
    /// the learning rate are left out before anything is cut.
    private func epochLine(_ record: EpochRecord, columns: Int = .max) -> String {
        var fields = ["epoch \(record.epoch + 1)/\(epochs)", "loss \(format(record.trainingLoss))"]
        if let loss = record.validationLoss { fields.append("val_loss \(format(loss))") }
        let validation = validationText(record)
        if !validation.isEmpty { fields.append(validation) }
        let essential = fields.count
        fields.append("lr \(format(Double(record.learningRate)))")
        fields.append(String(format: "%.1f ms", record.seconds * 1000))
        var line = fields.joined(separator: "  ")
        while line.count > columns - 1, fields.count > essential {
            fields.removeLast()
            line = fields.joined(separator: "  ")
        }
        return columns == .max ? line : Self.fitted(line, columns: columns)
    }

    /// `line` cut to `columns - 1` characters (the last column would wrap on some terminals),
    /// with an ellipsis where it was cut.
    static func fitted(_ line: String, columns: Int) -> String {
        let room = max(10, columns - 1)
        guard line.count > room else { return line }
        return String(line.prefix(room - 1)) + "…"
    }

    /// The terminal's columns (standard output's window, else COLUMNS, else 80).
    static func terminalWidth() -> Int {
        var size = winsize()
        if ioctl(STDOUT_FILENO, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 {
            return Int(size.ws_col)
        }
        return ProcessInfo.processInfo.environment["COLUMNS"].flatMap(Int.init) ?? 80
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
