import ArgumentParser
import Foundation
import Spec
import Tune
import TuneSearch
import TuneStorage

/// `layerwise tune SPEC`: a study seeded by the rules, trial 0 the zero-trial design, then
/// quasi-random points and TPE over the advisor's space, pruned by successive halving;
/// `--resume DIR` continues a study.
struct TuneCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tune",
        abstract: "Search the design around the advisor's, and verify it (trials, cv, test).",
        discussion: """
            Writes runs/<name>-tune-<time>/ (or --out DIR): study.sqlite (every trial, kept \
            after each one ends), trials.csv, best.yaml (a complete config of the best trial), \
            best-trial-N/ (that config trained as `train` would, scored once on the test \
            split) and report.html. Defaults come from the spec's `tune:` section. Ctrl-C or \
            the timeout stops the running trials; `--resume DIR` runs them again and goes on \
            to the target.

            Many machines: `--storage postgresql://USER@HOST:PORT/DB --study NAME` keeps the \
            study on a PostgreSQL server instead; start the same command on each machine \
            (same spec, same data) and the workers share the trials until the study has \
            --trials. A worker renews its running trial's lease; a trial whose worker died \
            goes back to the queue after --lease. Rerun the command to rejoin. The password \
            may come from PGPASSWORD.
            """)

    @Argument(help: ArgumentHelp("The spec (YAML).", valueName: "spec"))
    var spec: String?

    @Option(help: ArgumentHelp("Trials in all, trial 0 included (default: tune.trials, 20)."))
    var trials: Int?

    @Option(
        help: ArgumentHelp(
            "Stop starting trials after this long: 90s, 10m, 2h (default: tune.timeout).",
            valueName: "duration"))
    var timeout: String?

    @Option(
        help: ArgumentHelp(
            "The study folder (default runs/<name>-tune-<time>).", valueName: "dir"))
    var out: String?

    @Option(help: ArgumentHelp("Continue the study in this folder.", valueName: "dir"))
    var resume: String?

    @Option(
        help: ArgumentHelp(
            "Trials at once, each on one thread (default: one per core).", valueName: "k"))
    var workers: Int?

    @Option(
        help: ArgumentHelp(
            "Keep the study on a PostgreSQL server, shared by workers on any machines: "
                + "postgresql://USER[:PASSWORD]@HOST[:PORT]/DB[?sslmode=disable|prefer|require].",
            valueName: "url"))
    var storage: String?

    @Option(
        help: ArgumentHelp(
            "The study's name on the server (default: the spec's name).", valueName: "name"))
    var study: String?

    @Option(
        help: ArgumentHelp(
            "How long a running trial stays its worker's without a heartbeat before another "
                + "worker takes it over: 10s, 2m (default: the study's, 30s when new).",
            valueName: "duration"))
    var lease: String?

    @Flag(help: "Print only the result.")
    var quiet = false

    @OptionGroup var specOverrides: SpecOverridesOption

    @OptionGroup var options: GlobalOptions

    func validate() throws {
        if resume != nil, spec != nil {
            throw ValidationError("give a spec or --resume DIR, not both")
        }
        if resume != nil, out != nil {
            throw ValidationError("--resume continues the study in its folder: drop --out")
        }
        if resume != nil, !specOverrides.assignments.isEmpty {
            throw ValidationError(
                "--resume applies the study's own --set values again: drop --set")
        }
        if resume == nil, spec == nil {
            throw ValidationError(
                "give a spec, e.g. `layerwise tune Specs/iris.yaml`, or --resume DIR")
        }
        if let trials, !(1...SpecLimits.tuneTrials).contains(trials) {
            throw ValidationError(
                "--trials must be between 1 and \(SpecLimits.tuneTrials), not \(trials)")
        }
        if study != nil, storage == nil {
            throw ValidationError("--study names a study on a server: give --storage URL too")
        }
        if storage != nil, resume != nil {
            throw ValidationError(
                "a server study needs no --resume: run the same `tune SPEC --storage URL` "
                    + "again to rejoin it")
        }
        if let storage {
            do {
                _ = try PostgreSQLLocation(storage)
            } catch {
                throw ValidationError("\(error)")
            }
        }
        if let lease {
            guard let seconds = SpecDuration.seconds(lease), seconds >= 1, seconds <= 86_400
            else {
                throw ValidationError(
                    "--lease takes a duration from 1s to 24h, such as 30s or 2m, not `\(lease)`")
            }
        }
        if let workers, !(1...256).contains(workers) {
            throw ValidationError("--workers must be between 1 and 256, not \(workers)")
        }
        if let timeout {
            guard let seconds = SpecDuration.seconds(timeout), seconds > 0,
                seconds <= SpecLimits.tuneTimeoutSeconds
            else {
                throw ValidationError(
                    "--timeout takes a duration such as 90s, 10m or 2h (at most 720h), not "
                        + "`\(timeout)`")
            }
        }
    }

    func run() throws {
        try reportingErrors {
            let specPath: String
            let folder: String
            var overrides = try specOverrides.overrides()
            if let resume {
                folder = resume.hasSuffix("/") ? String(resume.dropLast()) : resume
                let existing = try TuneStudy.existing(in: folder)
                specPath = existing.definition.specPath
                overrides = try TuneStudy.overrides(of: existing.storage)
            } else if let spec {
                specPath = spec
                folder = out ?? Self.defaultFolder(spec: spec, study: self.study)
            } else {
                return
            }
            let server = try storage.map {
                (location: try PostgreSQLLocation($0), study: self.study)
            }
            let request = TuneRequest(
                trials: trials, timeout: timeout.flatMap(SpecDuration.seconds), workers: workers,
                server: server, lease: lease.flatMap(SpecDuration.seconds), overrides: overrides)
            let study = try TuneStudy(
                specPath: specPath, folder: folder, catalog: try options.templateCatalog(),
                request: request)
            let progress = StudyProgress(study: study, quiet: quiet)
            if !quiet { print(progress.header) }
            study.onTrialEnd = { trial, best in progress.trialEnded(trial, best: best) }
            study.onEpoch = { trial, epoch in progress.epoch(trial: trial, epoch: epoch) }
            let stop = StudyStop()
            let interrupt = InterruptHandler { stop.request("interrupted") }
            let trials = try study.run(stop: stop)
            withExtendedLifetime(interrupt) {}
            progress.clearLine()
            let finished = trials.filter { $0.state.isFinished }.count
            if stop.reason == "interrupted" {
                print(
                    "Stopped  (interrupted) with \(finished) of \(study.definition.targetTrials) "
                        + "trials; the running ones are queued")
                let outputs = try study.writeOutputs(trials: trials, trainBest: false)
                print(progress.summary(outputs, trials: trials))
                print("Resume   \(continuation(folder: folder, specPath: specPath))")
                throw ExitCode(130)
            }
            if stop.reason == "timeout" {
                print(
                    "Timeout  after \(finished) of \(study.definition.targetTrials) trials; "
                        + "`\(continuation(folder: folder, specPath: specPath))` goes on to "
                        + "the target")
            }
            if !quiet { print("Training the best trial as `train` would, for its test score...") }
            let outputs = try study.writeOutputs(trials: trials)
            print(progress.summary(outputs, trials: trials))
        }
    }

    /// The command that goes on with this study.
    func continuation(folder: String, specPath: String) -> String {
        guard let storage else { return "layerwise tune --resume \(folder)" }
        let location = (try? PostgreSQLLocation(storage)).map { "\($0)" } ?? storage
        return "layerwise tune \(specPath) --storage \(location)"
            + (study.map { " --study \($0)" } ?? "") + " --out \(folder)"
    }

    static func defaultFolder(spec: String, study: String? = nil) -> String {
        let name =
            study?.replacingOccurrences(of: "/", with: "-")
            ?? URL(fileURLWithPath: spec).deletingPathExtension().lastPathComponent
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyyMMdd-HHmmss"
        return "runs/\(name)-tune-\(formatter.string(from: Date()))"
    }
}
