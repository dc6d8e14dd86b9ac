import ExportStageKit
import Foundation
import Yams

extension PipelineReader {
    static let waitKeys = [
        "initial_interval", "max_interval", "multiplier", "jitter", "timeout", "run_timeout", "concurrency", "rate_limit", "create_rate_limit",
        "download_rate_limit",
    ]
    static let rateLimitKeys = ["requests", "per"]

    mutating func readWait(_ node: Node) -> WaitPolicy {
        var policy = WaitPolicy()
        guard
            let entries = mapping(
                node, context: "'wait'", allowed: Self.waitKeys,
                example: "'wait:' and below it, indented, e.g. 'timeout: 30m' and 'rate_limit: {requests: 5, per: 1m}'")
        else { return policy }
        if let value = entries["initial_interval"].flatMap({ duration($0, key: "initial_interval", minimum: .milliseconds(1)) }) {
            policy.initialInterval = value
        }
        if let value = entries["max_interval"].flatMap({ duration($0, key: "max_interval", minimum: .milliseconds(1)) }) {
            policy.maxInterval = value
        }
        if policy.maxInterval < policy.initialInterval, let maxNode = entries["max_interval"] ?? entries["initial_interval"] {
            report(
                at: maxNode,
                "'max_interval' (\(DurationText.format(policy.maxInterval))) is shorter than 'initial_interval' (\(DurationText.format(policy.initialInterval)))",
                fix: "make max_interval at least initial_interval"
            )
        }
        if let value = entries["multiplier"].flatMap({ number($0, key: "multiplier", range: 1...10) }) { policy.multiplier = value }
        if let value = entries["jitter"].flatMap({ number($0, key: "jitter", range: 0...1) }) { policy.jitter = value }
        if let value = entries["timeout"].flatMap({ duration($0, key: "timeout", minimum: .milliseconds(1)) }) { policy.timeout = value }
        if let value = entries["run_timeout"].flatMap({ duration($0, key: "run_timeout", minimum: .milliseconds(1)) }) {
            policy.runTimeout = value
        }
        if let value = entries["concurrency"].flatMap({ integer($0, key: "concurrency", range: 1...64) }) { policy.concurrency = value }
        if let node = entries["rate_limit"] { readRateLimit(node, key: "rate_limit", into: &policy.rateLimit) }
        if let node = entries["create_rate_limit"] { readRateLimit(node, key: "create_rate_limit", into: &policy.createRateLimit) }
        if let node = entries["download_rate_limit"] { readRateLimit(node, key: "download_rate_limit", into: &policy.downloadRateLimit) }
        return policy
    }

    mutating func readRateLimit(_ node: Node, key: String, into limit: inout WaitPolicy.RateLimit) {
        guard case .mapping = node else {
            // The command line's REQUESTS/PERIOD (`5/1m`) is the likely slip:
            // the fix spells the same budget as the file's mapping.
            var requests = "5"
            var period = "1m"
            if case .scalar(let scalar) = node {
                let parts = scalar.string.split(separator: "/", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
                if parts.count == 2, Int(parts[0]) != nil, (try? DurationText.value(of: parts[1])) != nil {
                    (requests, period) = (parts[0], parts[1])
                }
            }
            report(
                at: node, "'wait.\(key)' must be a mapping with 'requests' and 'per', not \(kindName(node))",
                fix: "write '\(key): {requests: \(requests), per: \(period)}' (at most \(requests) requests in any \(period))")
            return
        }
        guard let rate = mapping(node, context: "'wait.\(key)'", allowed: Self.rateLimitKeys) else { return }
        if let value = rate["requests"].flatMap({ integer($0, key: "requests", range: 1...100_000) }) { limit.requests = value }
        if let value = rate["per"].flatMap({ duration($0, key: "per", minimum: .milliseconds(1)) }) { limit.period = value }
    }
}
