import ExportPipeline
import ExportStageKit
import Foundation
import TestSupport
import Testing

/// The journal: what a killed run leaves tells the next one what exists.
@Suite struct RunJournalTests {
    static func export(_ name: String, fingerprint: String = "f1") -> ExportSpec {
        ExportSpec(
            name: name, kind: "vulnerabilities",
            creation: ExportCreation(operation: "ExportVuls", pathSegments: ["vul", "export"], body: .object([])), fingerprint: fingerprint)
    }

    static func directory(_ temporary: TemporaryDirectory) -> StateDirectory {
        StateDirectory.resolve(settings: StateSettings(directory: temporary.path), pipelineFile: "/etc/nightly.pipeline.yaml", environment: [:])
    }

    @Test func aCreatedExportIsResumedAndASentOneIsUnknown() async throws {
        let temporary = try TemporaryDirectory()
        defer { temporary.remove() }
        let state = Self.directory(temporary)
        do {
            let journal = try RunJournal(directory: state, pipelineFile: "nightly", runID: "run-1", keep: .seconds(60))
            try await journal.willCreate(Self.export("a"))
            try await journal.created(Self.export("a"), taskID: "task-a")
            try await journal.willCreate(Self.export("b"))
            // Killed here: b was sent, its answer never journaled.
        }
        let journal = try RunJournal(directory: state, pipelineFile: "nightly", runID: "run-2", keep: .seconds(60))
        #expect(journal.resumedRunID == "run-1")
        let (plan, abandoned) = await journal.resumptions(for: [Self.export("a"), Self.export("b"), Self.export("c")])
        #expect(plan == [.resume(taskID: "task-a"), .unknown(sentAt: plan[1].sentAt, reason: nil), .create])
        #expect(abandoned.isEmpty)
    }

    @Test func aChangedExportIsANewOneAndTheOldTaskIsAbandoned() async throws {
        let temporary = try TemporaryDirectory()
        defer { temporary.remove() }
        let state = Self.directory(temporary)
        do {
            let journal = try RunJournal(directory: state, pipelineFile: "nightly", runID: "run-1", keep: .seconds(60))
            try await journal.created(Self.export("a"), taskID: "task-a")
        }
        let journal = try RunJournal(directory: state, pipelineFile: "nightly", runID: "run-2", keep: .seconds(60))
        let (plan, abandoned) = await journal.resumptions(for: [Self.export("a", fingerprint: "f2")])
        #expect(plan == [.create])
        #expect(abandoned.map(\.taskID) == ["task-a"])
    }

    @Test func aFinishedJobMovesTheJournalToRunsAndTheNextStartsAfresh() async throws {
        let temporary = try TemporaryDirectory()
        defer { temporary.remove() }
        let state = Self.directory(temporary)
        do {
            let journal = try RunJournal(directory: state, pipelineFile: "nightly", runID: "run-1", keep: .seconds(3600))
            try await journal.created(Self.export("a"), taskID: "task-a")
            await journal.close(jobFinished: true)
        }
        #expect(!FileManager.default.fileExists(atPath: state.journalPath))
        #expect(FileManager.default.fileExists(atPath: state.runsPath + "/run-1.json"))
        let journal = try RunJournal(directory: state, pipelineFile: "nightly", runID: "run-2", keep: .seconds(3600))
        #expect(journal.resumedRunID == nil)
        #expect(await journal.resumptions(for: [Self.export("a")]).plan == [.create])
    }

    @Test func aSecondHolderOfTheLockIsRefused() throws {
        let temporary = try TemporaryDirectory()
        defer { temporary.remove() }
        let state = Self.directory(temporary)
        let first = try StateLock(directory: state, runID: "run-1")
        #expect {
            _ = try StateLock(directory: state, runID: "run-2")
        } throws: { error in
            guard let error = error as? StateLockError, case .held(let holder) = error.kind else { return false }
            return holder.contains("run run-1")
        }
        _ = first
    }

    @Test func theStateDirectoryFollowsTheDocumentedOrder() {
        let file = "/etc/hss/nightly.pipeline.yaml"
        func root(_ environment: [String: String], root isRoot: Bool = false, settings: StateSettings = StateSettings()) -> String {
            StateDirectory.resolve(settings: settings, pipelineFile: file, environment: environment, isRoot: isRoot).root
        }
        #expect(root(["HSS_EXPORT_STATE_DIR": "/x"], settings: StateSettings(directory: "/srv/state")) == "/srv/state")
        #expect(root(["HSS_EXPORT_STATE_DIR": "/x", "STATE_DIRECTORY": "/y"]) == "/x")
        #expect(root(["STATE_DIRECTORY": "/var/lib/hss-export:/var/lib/other"]) == "/var/lib/hss-export")
        #expect(root([:], root: true) == "/var/lib/hss-export")
        #expect(root(["XDG_STATE_HOME": "/home/u/.state", "HOME": "/home/u"]) == "/home/u/.state/hss-export")
        #expect(root(["HOME": "/home/u"]) == "/home/u/.local/state/hss-export")
        let path = StateDirectory.resolve(settings: StateSettings(), pipelineFile: file, environment: ["HOME": "/h"], isRoot: false).path
        #expect(path.hasPrefix("/h/.local/state/hss-export/nightly.pipeline-"))
    }
}

extension RunJournal.Resumption {
    var sentAt: String? {
        if case .unknown(let sentAt, _) = self { return sentAt }
        return nil
    }
}
