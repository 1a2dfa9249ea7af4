import Dataset
import Engine
import Foundation
import Spec
import Testing

@testable import Runs

/// ENSEMBLE-SMALL-DATA: the members' rows, the averaged model file, and a run that trains,
/// saves, scores, resumes and reads back an ensemble.
@Suite struct EnsembleTests {
    static func iris(validation: Double = 0.2, test: Double = 0.2) throws -> PreparedData {
        try PreparedData.load(
            DataOptions(
                path: Repository.specs + "/data/iris.csv", target: "species",
                validationFraction: validation, testFraction: test))
    }

    /// A spec file training an iris ensemble of `members` at a fixed rate for `epochs`.
    static func irisEnsembleSpec(_ name: String, members: Int, epochs: Int) throws -> String {
        let spec = try temporaryFolder().appendingPathComponent("spec.yaml")
        try """
        name: \(name)
        data: {path: \(Repository.specs)/data/iris.csv, target: species}
        training: {ensemble: \(members), learning_rate: 0.01, epochs: \(epochs)}
        """.write(to: spec, atomically: true, encoding: .utf8)
        return spec.path
    }

    @Test func aMemberRedrawsTrainingAndValidationAndKeepsTheTestRows() throws {
        let data = try Self.iris()
        let member = try data.resampled(seed: 43)
        #expect(member.split.test == data.split.test)
        #expect(member.test.features == data.test.features)
        let pool = Set(data.split.training + data.split.validation)
        #expect(Set(member.split.training + member.split.validation) == pool)
        #expect(Set(member.split.training).isDisjoint(with: member.split.validation))
        #expect(member.split.validation != data.split.validation)
        // As many validation rows of each class as the run's own split has.
        func perClass(_ rows: EncodedRows) -> [Int32: Int] {
            Dictionary(grouping: rows.classIndices ?? [], by: { $0 }).mapValues(\.count)
        }
        #expect(perClass(member.validation) == perClass(data.validation))
        #expect(perClass(member.training) == perClass(data.training))
        // The encoding is the run's: a member's rows are encoded as the model file encodes.
        #expect(member.encoding == data.encoding)
        #expect(member.options.seed == 43)
        // Same seed, same draw; another seed, another.
        #expect(try data.resampled(seed: 43).split == member.split)
        #expect(try data.resampled(seed: 44).split != member.split)
    }

    @Test func theModelIsTheMeanOfItsMembersAndItsScoresAreTheAverages() throws {
        let (result, folder, _) = try trainSpec(
            """
            name: ensemble
            data: {path: \(Repository.specs)/data/iris.csv, target: species}
            training: {ensemble: 3, learning_rate: 0.01, epochs: 30}
            """)
        #expect(result.members.count == 2)
        #expect(result.members.map(\.seed) == [43, 44])
        let artifact = try ModelArtifact.read(from: folder.modelPath)
        #expect(artifact.members.count == 2)
        let models = try artifact.models()
        let data = try Self.iris(validation: 0.15, test: 0.15)
        let inputs = data.test.inputMatrix
        let outputs = try models.map { try $0.predict(inputs) }
        let mean = try artifact.predict(inputs)
        for i in mean.storage.indices {
            let expected = outputs.map { $0.storage[i] }.reduce(0, +) / 3
            #expect(abs(mean.storage[i] - expected) < 1e-6)
        }
        // The members differ (their own rows and initial weights).
        #expect(outputs[0].storage != outputs[1].storage)
        // The test score is the average's, the same as `evaluate` gives from the file.
        let test = try #require(result.scores["test"])
        let averaged = try Evaluation.metrics(
            outputs: Predictor.interpret(mean, target: data.encoding.target), rows: data.test,
            target: data.encoding.target)
        #expect(test.metrics == averaged)
        // metrics.json lists the other members.
        let metrics =
            try JSONSerialization.jsonObject(
                with: Data(contentsOf: URL(fileURLWithPath: folder.metricsPath))) as? [String: Any]
        let members = try #require(metrics?["ensemble"] as? [[String: Any]])
        #expect(members.count == 2)
        #expect(members.allSatisfy { $0["chosen_epoch"] is Int && $0["validation"] is Double })
    }

    @Test func membersTrainedInParallelEqualMembersTrainedOneAfterAnother() throws {
        // Members train on up to `CPUKernels.threadCount` threads at once; one thread trains
        // them in order. The model file must not depend on which.
        let spec = """
            name: parallel
            data: {path: \(Repository.specs)/data/iris.csv, target: species}
            training: {ensemble: 4, learning_rate: 0.01, epochs: 20}
            """
        let before = CPUKernels.threadCount
        defer { CPUKernels.threadCount = before }
        CPUKernels.threadCount = 1
        let (serial, serialFolder, _) = try trainSpec(spec)
        CPUKernels.threadCount = 3
        let (parallel, parallelFolder, _) = try trainSpec(spec)
        #expect(serial.members == parallel.members)
        #expect(serial.members.map(\.seed) == [43, 44, 45])
        let one = try ModelArtifact.read(from: serialFolder.modelPath)
        let other = try ModelArtifact.read(from: parallelFolder.modelPath)
        #expect(one.tensors == other.tensors)
        #expect(try one.models().count == 4)
        // The rows as the model encodes them (its own bins, when ENC-NUMERIC-PLE chose them).
        let inputs = try one.encoding.apply(toFile: Repository.specs + "/data/iris.csv").0
            .inputMatrix
        for (a, b) in zip(try one.models(), try other.models()) {
            #expect(try a.predict(inputs).storage == b.predict(inputs).storage)
        }
    }

    @Test func theOtherMembersTrainBesideTheFirst() throws {
        // With two threads the first member's epochs wait here for another member to finish:
        // only members trained beside the first can end the wait (one after another they
        // would never start, and the wait would run out).
        let spec = try Self.irisEnsembleSpec("beside", members: 3, epochs: 8)
        let (session, folder, _) = try startRun(spec)
        let reported = Locked<[(Int, Int, MemberResult?)]>([])
        let firstDone = DispatchSemaphore(value: 0)
        session.onMemberTrained = { member, count, result in
            reported.withLock { $0.append((member, count, result)) }
            firstDone.signal()
        }
        var waited: DispatchTimeoutResult?
        let result = try CPUKernels.withThreadCount(2) {
            try session.run(in: folder) { event in
                if case .epochEnded(let record) = event, record.epoch == 0 {
                    waited = firstDone.wait(timeout: .now() + 120)
                }
            }
        }
        #expect(waited == .success)
        #expect(result.members.count == 2)
        // One report per member, with the result the run kept.
        let reports = reported.value.sorted { $0.0 < $1.0 }
        #expect(reports.map(\.0) == [1, 2])
        #expect(reports.allSatisfy { $0.1 == 3 })
        #expect(reports.map(\.2) == result.members)
        // Beside or after, the same model: one thread trains them after the first.
        let (after, afterFolder, _) = try startRun(spec)
        let serial = try CPUKernels.withThreadCount(1) { try after.run(in: afterFolder) }
        #expect(serial.members == result.members)
        #expect(try savedWeightBits(afterFolder) == savedWeightBits(folder))
    }

    @Test func aStopWhileTheFirstTrainsDropsTheOthersAndResumeTrainsThemAgain() throws {
        let spec = try Self.irisEnsembleSpec("stopped", members: 3, epochs: 12)
        let (straight, straightFolder, _) = try startRun(spec)
        let full = try straight.run(in: straightFolder)
        #expect(full.members.count == 2)
        let (session, folder, _) = try startRun(spec)
        let stop = session.trainer.stopRequest
        let reports = Locked(0)
        session.onMemberTrained = { _, _, _ in reports.withLock { $0 += 1 } }
        let stopped = try CPUKernels.withThreadCount(2) {
            try session.run(in: folder) { event in
                if case .epochEnded(let record) = event, record.epoch == 2 { stop.request() }
            }
        }
        #expect(stopped.stopReason == .stopRequested)
        #expect(stopped.members.isEmpty)
        #expect(try ModelArtifact.read(from: folder.modelPath).members.isEmpty)
        // Resumed, the first continues and the others train from their start: the model of
        // the run that never stopped.
        let resumed = try TrainingSession.resume(RunFolder(existing: folder.path), loader: loader())
        let finished = try resumed.run(in: folder)
        #expect(finished.members == full.members)
        #expect(try savedWeightBits(straightFolder) == savedWeightBits(folder))
    }

    @Test func oneNetworkWritesAFileWithoutMembers() throws {
        let (result, folder, _) = try trainSpec(
            """
            name: single
            data: {path: \(Repository.specs)/data/iris.csv, target: species}
            training: {ensemble: 1, learning_rate: 0.01, epochs: 5}
            """)
        #expect(result.members.isEmpty)
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: folder.modelPath)))
        let file = try SafeTensorsFile(bytes: bytes, path: folder.modelPath)
        #expect(file.metadata["format_version"] == ModelArtifact.formatVersion)
        #expect(file.metadata["members"] == nil)
    }

    @Test func anEnsembleFileWithABadMemberCountOrNameIsCorrupt() throws {
        let (_, folder, _) = try trainSpec(
            """
            name: ensemble
            data: {path: \(Repository.specs)/data/iris.csv, target: species}
            training: {ensemble: 2, learning_rate: 0.01, epochs: 5}
            """)
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: folder.modelPath)))
        let original = try SafeTensorsFile(bytes: bytes, path: folder.modelPath)
        #expect(original.metadata["format_version"] == ModelArtifact.formatVersion)
        #expect(original.metadata["members"] == "2")
        let path = try temporaryFolder().appendingPathComponent("model.safetensors").path
        func read(_ file: SafeTensorsFile) throws -> ModelArtifact {
            try AtomicFile.write(file.serialized(), to: path)
            return try ModelArtifact.read(from: path)
        }
        // Read back as written.
        let back = try read(original)
        #expect(back.members.count == 1)
        #expect(back.tensors.map(\.name) == back.members[0].map(\.name))
        for (count, reason) in [
            ("21", "`members` metadata"), ("x", "`members` metadata"), ("1", "`members` metadata"),
            ("3", "per member (3 members)"),
        ] {
            var edited = original
            edited.metadata["members"] = count
            #expect {
                try read(edited)
            } throws: { error in
                guard let error = error as? ModelFileError, case .corrupt = error else {
                    return false
                }
                return "\(error)".contains(reason)
            }
        }
        var renamed = original
        let index = try #require(renamed.tensors.firstIndex { $0.name.hasPrefix("members.1.") })
        renamed.tensors[index].name = "members.7.layers.0.weight"
        #expect {
            try read(renamed)
        } throws: { error in
            "\(error)".contains("names no member")
        }
    }

    @Test func aPausedEnsembleResumesToTheSameMembers() throws {
        let spec = try Self.irisEnsembleSpec("ensemble", members: 3, epochs: 20)
        let (straight, straightFolder, _) = try startRun(spec)
        let full = try straight.run(in: straightFolder)
        let (first, folder, _) = try startRun(spec)
        #expect(try first.run(in: folder, untilEpoch: 4).stopReason == .paused)
        let resumed = try TrainingSession.resume(RunFolder(existing: folder.path), loader: loader())
        let finished = try resumed.run(in: folder)
        #expect(finished.members == full.members)
        #expect(try savedWeightBits(straightFolder) == savedWeightBits(folder))
        #expect(finished.scores["test"] == full.scores["test"])
    }
}
