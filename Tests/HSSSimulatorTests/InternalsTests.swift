import ExportStageKit
import Foundation
import Testing

@testable import HSSSimulator

@Suite("Simulator internals")
struct InternalsTests {
    @Test("the sliding window admits the limit, then says when the oldest request expires")
    func slidingWindow() {
        var limiter = SlidingWindowRateLimiter(limit: 2, window: .seconds(10))
        let start = ContinuousClock.now
        #expect(limiter.admit(user: "a", at: start) == .allowed)
        #expect(limiter.admit(user: "a", at: start + .seconds(4)) == .allowed)
        #expect(limiter.admit(user: "a", at: start + .milliseconds(4_500)) == .throttled(retryAfterSeconds: 6))
        #expect(limiter.admit(user: "b", at: start + .seconds(5)) == .allowed)
        #expect(limiter.admit(user: "a", at: start + .milliseconds(9_999)) == .throttled(retryAfterSeconds: 1))
        #expect(limiter.admit(user: "a", at: start + .seconds(10)) == .allowed)
        #expect(limiter.admit(user: "a", at: start + .seconds(11)) == .throttled(retryAfterSeconds: 3))
    }

    @Test("script steps advance by polls and by time, and the last step sticks")
    func scriptPlayer() {
        var player = TaskScriptPlayer(script: [
            .init(.status("a"), length: .polls(2)),
            .init(.status("b"), length: .duration(.seconds(5))),
            .init(.httpError(status: 503, errorCode: nil, errorMessage: nil), length: .polls(1)),
            .init(.status("c"), length: .polls(1)),
        ])
        let start = ContinuousClock.now
        #expect(player.poll(at: start, clockStart: start) == .status("a"))
        #expect(player.poll(at: start + .seconds(100), clockStart: start) == .status("a"))
        // The timed step starts at its own first poll, not the task's.
        #expect(player.poll(at: start + .seconds(200), clockStart: start) == .status("b"))
        #expect(player.poll(at: start + .milliseconds(204_999), clockStart: start) == .status("b"))
        #expect(player.poll(at: start + .seconds(205), clockStart: start) == .httpError(status: 503, errorCode: nil, errorMessage: nil))
        #expect(player.poll(at: start + .seconds(206), clockStart: start) == .status("c"))
        #expect(player.poll(at: start + .seconds(207), clockStart: start) == .status("c"))
    }

    @Test("until steps end at a time on the scenario clock, and one already past is skipped")
    func scriptPlayerUntil() {
        let clockStart = ContinuousClock.now
        var player = TaskScriptPlayer(script: [
            .init(.status("queued"), length: .polls(1)),
            .init(.status("running"), length: .until(.seconds(3))),
            .init(.status("success")),
        ])
        // This task's first poll comes 1 s after the clock started; until counts from the clock.
        #expect(player.poll(at: clockStart + .seconds(1), clockStart: clockStart) == .status("queued"))
        #expect(player.poll(at: clockStart + .seconds(2), clockStart: clockStart) == .status("running"))
        #expect(player.stepIndex == 1 && player.pollsInStep == 1)
        #expect(player.poll(at: clockStart + .milliseconds(2_999), clockStart: clockStart) == .status("running"))
        #expect(player.poll(at: clockStart + .seconds(3), clockStart: clockStart) == .status("success"))
        #expect(player.stepIndex == 2 && player.pollsInStep == 1)

        var late = TaskScriptPlayer(script: [
            .init(.status("queued"), length: .polls(1)),
            .init(.status("running"), length: .until(.seconds(3))),
            .init(.status("success")),
        ])
        #expect(late.poll(at: clockStart + .seconds(1), clockStart: clockStart) == .status("queued"))
        // Reached after its end: the until step answers nothing.
        #expect(late.poll(at: clockStart + .seconds(4), clockStart: clockStart) == .status("success"))

        // The last step lasts for ever whatever its until says.
        var last = TaskScriptPlayer(script: [.init(.status("running"), length: .until(.seconds(1)))])
        #expect(last.poll(at: clockStart + .seconds(10), clockStart: clockStart) == .status("running"))
    }

    @Test("zip CRC-32 matches the standard check value")
    func crc() {
        #expect(StoredZip.crc32(Array("123456789".utf8)) == 0xCBF4_3926)
        #expect(StoredZip.crc32([]) == 0)
    }

    @Test("JSON strings escape quotes, backslashes and control characters")
    func json() {
        #expect(JSONValue.object([("a", .string("x\"y\\z\n\u{1}é"))]).serialized(escapingLineSeparators: false) == #"{"a":"x\"y\\z\n\u0001é"}"#)
    }
}
