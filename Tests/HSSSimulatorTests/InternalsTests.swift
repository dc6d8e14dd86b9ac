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
        #expect(player.poll(at: start) == .status("a"))
        #expect(player.poll(at: start + .seconds(100)) == .status("a"))
        // The timed step starts at its own first poll, not the task's.
        #expect(player.poll(at: start + .seconds(200)) == .status("b"))
        #expect(player.poll(at: start + .milliseconds(204_999)) == .status("b"))
        #expect(player.poll(at: start + .seconds(205)) == .httpError(status: 503, errorCode: nil, errorMessage: nil))
        #expect(player.poll(at: start + .seconds(206)) == .status("c"))
        #expect(player.poll(at: start + .seconds(207)) == .status("c"))
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
