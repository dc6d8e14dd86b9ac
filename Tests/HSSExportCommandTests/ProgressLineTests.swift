import ExportPipeline
import ExportStageKit
import Foundation
import Synchronization
import TestSupport
import Testing

@testable import HSSExportCommand

@Suite struct ProgressLineTests {
    let start = Date(timeIntervalSince1970: 1_764_426_631)
    let hssBudget = WaitPolicy.RateLimit(requests: 5, per: .seconds(60))

    @Test func aFreshWaitShowsTheClockTheCountAndTheBudget() {
        let progress = WaitProgress(startedAt: start, taskCount: 4, budget: hssBudget)
        #expect(ProgressLine.text(for: progress, now: start) == "hss-export: waiting 0s: 0/4 done, 0 requests, budget 5/1m")
    }

    @Test func aWaitUnderWayShowsOutcomesRequestsAndTheNextRequest() {
        let progress = WaitProgress(
            startedAt: start, taskCount: 4, outcomes: [.failed: 1, .succeeded: 1], requests: 12, budget: hssBudget,
            nextRequestAt: start + 73)
        #expect(
            ProgressLine.text(for: progress, now: start + 65.4)
                == "hss-export: waiting 1m05s: 2/4 done (1 succeeded, 1 failed), 12 requests, budget 5/1m, next in 8s")
    }

    @Test func throttlingHoursAndEveryOutcomeReadInTheSummarysWords() {
        let progress = WaitProgress(
            startedAt: start, taskCount: 5, outcomes: [.interrupted: 2, .timedOut: 1, .error: 1], requests: 1, throttled: 1,
            budget: WaitPolicy.RateLimit(requests: 100, per: .seconds(1)))
        #expect(
            ProgressLine.text(for: progress, now: start + 3723.9)
                == "hss-export: waiting 1h02m03s: 4/5 done (1 timed out, 1 error, 2 interrupted), 1 request (1 throttled), budget 100/1s")
    }

    @Test func theNextRequestCountsUpToWholeSecondsAndIsNowOnceDue() {
        var progress = WaitProgress(startedAt: start, taskCount: 1, requests: 3, budget: hssBudget, nextRequestAt: start + 10.2)
        #expect(ProgressLine.text(for: progress, now: start + 10) == "hss-export: waiting 10s: 0/1 done, 3 requests, budget 5/1m, next in 1s")
        #expect(ProgressLine.text(for: progress, now: start + 10.2) == "hss-export: waiting 10s: 0/1 done, 3 requests, budget 5/1m, next now")
        progress.nextRequestAt = start + 200
        #expect(
            ProgressLine.text(for: progress, now: start + 59.5) == "hss-export: waiting 59s: 0/1 done, 3 requests, budget 5/1m, next in 2m21s")
        // Nothing left to ask: no "next".
        progress.outcomes = [.succeeded: 1]
        #expect(ProgressLine.text(for: progress, now: start + 61) == "hss-export: waiting 1m01s: 1/1 done (1 succeeded), 3 requests, budget 5/1m")
    }

    @Test func clockTextPadsMinutesAndSeconds() {
        #expect(ProgressLine.clockText(seconds: 0) == "0s")
        #expect(ProgressLine.clockText(seconds: 59) == "59s")
        #expect(ProgressLine.clockText(seconds: 60) == "1m00s")
        #expect(ProgressLine.clockText(seconds: 3599) == "59m59s")
        #expect(ProgressLine.clockText(seconds: 36_000) == "10h00m00s")
        #expect(ProgressLine.clockText(seconds: -5) == "0s")
    }
}

/// What a console wrote, for reporters under test.
private final class ConsoleCapture: Sendable {
    private let writes = Mutex<[String]>([])
    var all: [String] { writes.withLock { $0 } }
    func console(isTerminal: Bool, columns: Int? = nil) -> Console {
        Console(isTerminal: isTerminal, write: { text in self.writes.withLock { $0.append(text) } }, columns: { columns })
    }
}

@Suite struct ProgressReporterTests {
    let budget = WaitPolicy.RateLimit(requests: 5, per: .seconds(60))

    func result(_ id: String, _ outcome: TaskOutcome) -> ExportResult {
        ExportResult(taskID: id, projectID: "p", outcome: outcome, runID: "r")
    }

    @Test func nothingIsDrawnWhenStderrIsNotATerminal() async throws {
        let capture = ConsoleCapture()
        let reporter = ProgressReporter(console: capture.console(isTerminal: false), taskCount: 2, budget: budget, tick: .milliseconds(10))
        reporter.record(.polled(index: 0, taskID: "a", status: "running"))
        reporter.record(.progress(WaitProgress(startedAt: Date(), taskCount: 2, requests: 1, budget: budget, nextRequestAt: Date() + 5)))
        reporter.record(.finished(index: 0, result: result("a", .succeeded)))
        try await Task.sleep(for: .milliseconds(150))
        reporter.finish()
        #expect(capture.all.isEmpty)
    }

    @Test func onATerminalTheLineFollowsTheEventsAndIsClearedAtTheEnd() {
        let capture = ConsoleCapture()
        let start = Date(timeIntervalSince1970: 1_764_426_631)
        let reporter = ProgressReporter(
            console: capture.console(isTerminal: true), taskCount: 3, budget: budget, startedAt: start, tick: nil, now: { start + 12.5 })
        reporter.record(.polled(index: 0, taskID: "a", status: "running"))
        #expect(capture.all.last == "\r\u{1B}[2Khss-export: waiting 12s: 0/3 done, 1 request, budget 5/1m")
        reporter.record(.finished(index: 0, result: result("a", .succeeded)))
        #expect(capture.all.last == "\r\u{1B}[2Khss-export: waiting 12s: 1/3 done (1 succeeded), 1 request, budget 5/1m")
        // The waiter's report takes over the clock, the requests and the next request.
        reporter.record(
            .progress(
                WaitProgress(
                    startedAt: start - 60, taskCount: 3, outcomes: [.succeeded: 1], requests: 4, throttled: 1, budget: budget,
                    nextRequestAt: start + 20)))
        #expect(
            capture.all.last
                == "\r\u{1B}[2Khss-export: waiting 1m12s: 1/3 done (1 succeeded), 4 requests (1 throttled), budget 5/1m, next in 8s")
        // A task that ends after the last report is counted at once.
        reporter.record(.finished(index: 1, result: result("b", .failed)))
        #expect(
            capture.all.last
                == "\r\u{1B}[2Khss-export: waiting 1m12s: 2/3 done (1 succeeded, 1 failed), 4 requests (1 throttled), budget 5/1m, next in 8s")
        let drawn = capture.all.count
        reporter.redraw()
        #expect(capture.all.count == drawn, "an unchanged line is not redrawn")
        reporter.finish()
        #expect(capture.all.last == "\r\u{1B}[2K")
        reporter.record(.finished(index: 2, result: result("c", .succeeded)))
        #expect(capture.all.count == drawn + 1, "nothing is drawn after finish")
    }

    @Test func theTimerRedrawsTheLineAsTheClockMovesWithoutEvents() async throws {
        let capture = ConsoleCapture()
        let start = Date(timeIntervalSince1970: 1_800_000_000)
        let elapsed = Mutex<TimeInterval>(0)
        let reporter = ProgressReporter(
            console: capture.console(isTerminal: true), taskCount: 1, budget: budget, startedAt: start,
            tick: .milliseconds(10), now: { start.addingTimeInterval(elapsed.withLock { $0 }) }
        )
        // No event arrives; only the timer can show the clock moving. Each step
        // waits until it is drawn, however busy the machine.
        for second in 1...2 {
            elapsed.withLock { $0 = TimeInterval(second) }
            let deadline = ContinuousClock.now + .seconds(60)
            while ContinuousClock.now < deadline, !capture.all.contains(where: { $0.contains("waiting \(second)s:") }) {
                try await Task.sleep(for: .milliseconds(10))
            }
        }
        reporter.finish()
        let lines = capture.all.filter { $0.contains("hss-export: waiting") }
        #expect(lines.contains { $0.contains("waiting 1s:") })
        #expect(lines.contains { $0.contains("waiting 2s:") })
        #expect(capture.all.last == "\r\u{1B}[2K")
    }

    @Test func aLineWiderThanTheTerminalIsCutSoItCanBeCleared() {
        let capture = ConsoleCapture()
        let console = capture.console(isTerminal: true, columns: 20)
        console.showProgress("hss-export: waiting 1m05s: 2/4 done")
        #expect(capture.all == ["\r\u{1B}[2Khss-export: waitin…"])
        console.writeLogLine("a log line")
        #expect(capture.all.last == "\r\u{1B}[2Ka log line\nhss-export: waitin…")
    }
}

@Suite struct SignalWindowTests {
    @Test func signalsWithinTwoSecondsOfTheFirstAreTheSameStopAndLaterOnesExit() {
        var window = SignalWindow(window: SignalTrap.repeatWindow)
        let first = ContinuousClock.now
        #expect(window.record(at: first) == .stop)
        #expect(window.record(at: first + .milliseconds(1)) == .repeatWithinWindow)
        #expect(window.record(at: first + .milliseconds(100)) == .repeatWithinWindow)
        #expect(window.record(at: first + .milliseconds(1999)) == .repeatWithinWindow)
        #expect(window.record(at: first + .seconds(2)) == .exitNow)
        #expect(window.record(at: first + .seconds(30)) == .exitNow)
    }

    @Test func theTrapHandlesHangUpsAndSignalNamesReadAsUsual() {
        #expect(SignalTrap.defaultSignals == [SIGINT, SIGTERM, SIGHUP])
        #expect(SignalTrap.name(of: SIGHUP) == "SIGHUP")
        #expect(SignalTrap.name(of: SIGTERM) == "SIGTERM")
        #expect(SignalTrap.name(of: 64) == "signal 64")
    }
}

@Suite struct TemporaryFileSweeperTests {
    @Test func onlyThisProcesssTempFilesInTheDeclaredDirectoriesAreRemoved() throws {
        try withTemporaryDirectoryBlocking { directory in
            for name in [
                ".results.jsonl.tmp-4242-1a2b", ".results.csv.tmp-4242-zz", ".results.jsonl.tmp-42421-x", "results.jsonl", ".hidden", "a.tmp-4242-b",
            ] {
                try directory.write("x", to: name)
            }
            let sweeper = TemporaryFileSweeper(directories: [directory.path, directory.path, directory.file("missing")], processID: 4242)
            #expect(sweeper.directories == [directory.path, directory.file("missing")])
            let removed = sweeper.sweep()
            #expect(Set(removed) == [directory.file(".results.jsonl.tmp-4242-1a2b"), directory.file(".results.csv.tmp-4242-zz")])
            #expect(try directory.entries() == [".hidden", ".results.jsonl.tmp-42421-x", "a.tmp-4242-b", "results.jsonl"])
        }
    }

    @Test func anOpenAtomicWritersTempFileIsFoundAndTheDestinationLeftAlone() throws {
        try withTemporaryDirectoryBlocking { directory in
            try directory.write("old\n", to: "out.jsonl")
            let writer = try AtomicFileWriter(destination: directory.file("out.jsonl"))
            try writer.write("new\n")
            #expect(try directory.entries().count == 2)
            let removed = TemporaryFileSweeper(directories: [directory.path]).sweep()
            #expect(removed.count == 1)
            #expect(try directory.entries() == ["out.jsonl"])
            #expect(try directory.read("out.jsonl") == "old\n")
            writer.discard()
        }
    }
}
