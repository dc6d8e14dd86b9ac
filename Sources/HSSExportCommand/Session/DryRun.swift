import ArgumentParser
import ExportPipeline
import ExportStageKit
import Foundation
import HSSClient
import Logging

/// `run --dry-run`: the checks a run makes before its first export, and
/// what it would do, without doing it.
///
/// Credentials are resolved as for a run (the log names their source, never
/// a value); then one status request per budget group (sources that share
/// a credential share its budget) proves the endpoint answers and accepts
/// the credentials. Nothing is written: no state directory, lock, journal,
/// output or download. The host-wide budget ledger records the check
/// request like any other, so a dry run cannot push a busy host over the
/// API's limit.
struct DryRun {
    /// The session of the `run` command.
    var session: RunSession
    /// The pipeline, already reduced to the run's shard.
    var pipeline: Pipeline
    /// The run's shard.
    var shard: ShardAssignment
    /// `--state-dir`, if given.
    var stateDirectory: String?
    /// Whether the file's task list came from standard input.
    var tasksFromStandardInput: Bool

    /// The id the check asks for when a credential's sources list no task:
    /// no HSS task has it, and HSS verifies the signature before it looks
    /// the task up, so "not found" proves the credentials.
    static let probeTaskID = "hss-export-dry-run-check"

    /// One source with work: its client and where its credentials came from.
    struct Connected {
        var index: Int
        var client: HSSClient
        var credentials: ResolvedCredentials
    }

    /// Resolves, checks and prints; returns the exit to throw.
    func perform() async throws(ArgumentParser.ExitCode) -> ArgumentParser.ExitCode {
        var connected: [Connected] = []
        for index in pipeline.sources.indices where hasWork(index) {
            do {
                let made = try await session.makeClient(
                    for: pipeline.sources[index], pipeline: pipeline.locations.isEmpty ? nil : pipeline, environment: nil)
                connected.append(Connected(index: index, client: made.client, credentials: made.credentials))
            } catch {
                await session.shutDown(connected.map(\.client))
                throw error
            }
        }
        let checks = await check(connected)
        await session.shutDown(connected.map(\.client))
        Console.printLine(session.redactor.redact(planText(connected: connected, checks: checks)))
        var code = RunExitCode.success
        for check in checks {
            guard let failure = check.failure else { continue }
            Console.writeStandardError("hss-export: " + session.redactor.redact(failure) + "\n")
            code = max(code, .apiError)
        }
        return ArgumentParser.ExitCode(code)
    }

    /// Whether source `index` has tasks or exports in this shard.
    func hasWork(_ index: Int) -> Bool {
        pipeline.tasks.contains { $0.source == index } || pipeline.exports.contains { $0.source == index }
    }

    /// What one check request found, for every source of its budget group.
    struct Check {
        /// The sources (indexes) whose credential it proved.
        var sources: [Int]
        /// The request, e.g. `GET export-task/ok-1`.
        var request: String
        /// What HSS answered, in words.
        var answer: String
        /// Why the check failed (exit 3), or `nil` when it passed.
        var failure: String?
    }

    /// One status request per budget group, each within the host-wide
    /// budget: the group's first listed task, else ``probeTaskID``.
    func check(_ connected: [Connected]) async -> [Check] {
        var groups: [(key: String, members: [Connected])] = []
        for source in connected {
            if let position = groups.firstIndex(where: { $0.key == source.credentials.budgetKey }) {
                groups[position].members.append(source)
            } else {
                groups.append((source.credentials.budgetKey, [source]))
            }
        }
        let budget =
            groups.isEmpty
            ? nil : session.hostBudget(requestTimeout: pipeline.sources.map(\.requestTimeout).max() ?? .seconds(30))
        var checks: [Check] = []
        for (key, members) in groups {
            // A listed task proves more than the probe: that it exists too.
            let listed = members.lazy.compactMap { member in
                self.pipeline.tasks.first { $0.source == member.index }.map { (member, $0.id) }
            }.first
            let (member, taskID) = listed ?? (members[0], Self.probeTaskID)
            checks.append(
                await check(
                    member, taskID: taskID, isProbe: listed == nil, sources: members.map(\.index), budgetKey: key, budget: budget))
        }
        return checks
    }

    /// Sends one status request for `taskID` through `member`'s client.
    func check(
        _ member: Connected, taskID: String, isProbe: Bool, sources: [Int], budgetKey: String, budget: (any SharedRequestBudget)?
    ) async -> Check {
        let request = "GET export-task/\(taskID)"
        var check = Check(sources: sources, request: request, answer: "")
        let clock = WaitClock.continuous
        var ticket: SharedBudgetTicket?
        if let budget {
            let limit = pipeline.wait.rateLimit
            do {
                ticket = try await budget.acquire(
                    key: budgetKey, api: "query", limit: limit, clock: clock, notAfter: clock.now + limit.period)
                if ticket == nil {
                    check.answer = "not sent"
                    check.failure =
                        "the host-wide request budget had no free query slot within \(DurationText.format(limit.period)): other hss-export "
                        + "processes on this host spend these credentials' budget; try the dry run again when they are done"
                    return check
                }
            } catch {
                session.logger.warning("host-wide budget unavailable; the check counts in this run's budget only", metadata: ["error": "\(error)"])
            }
        }
        await ask(member, taskID: taskID, isProbe: isProbe, into: &check)
        // Released before the process exits, so the ledger holds no request as in flight.
        if let ticket, let budget { await budget.release(ticket, at: clock.now, clock: clock) }
        return check
    }

    /// The request itself, its answer written into `check`.
    func ask(_ member: Connected, taskID: String, isProbe: Bool, into check: inout Check) async {
        session.logger.info("dry run check", metadata: ["request": "\(check.request)", "endpoint": "\(member.client.endpoint)"])
        do {
            let status = try await member.client.queryExportTask(taskID)
            check.answer = "200, task_status \(status.taskStatus ?? "null")"
        } catch let error as HSSAPIError {
            check.answer = "\(error.status) \(error.code)"
            check.failure = Self.failure(of: error, credentials: member.credentials.sourceDescription)
            if check.failure == nil {
                check.answer +=
                    isProbe
                    ? ", as expected for an id no task has: the credentials are accepted"
                    : " (\(error.message)): the credentials are accepted, but a run records task \(taskID) with outcome error"
            }
        } catch let error as HSSTransportError {
            check.answer = "no answer"
            check.failure = "\(error)"
        } catch {
            check.answer = "unusable answer"
            check.failure = "the check request to \(member.client.endpoint) failed: \(error)"
        }
    }

    /// Why `error` fails the check, or `nil` when it proves the endpoint and
    /// the credentials: a refusal HSS makes after it verified the signature.
    static func failure(of error: HSSAPIError, credentials: String) -> String? {
        switch error.disposition {
        case .credentialsRejected:
            return "HSS refused the credentials from \(credentials): \(error)"
        case .throttled:
            return "HSS throttled the check request, so the credentials are not proven: \(error)"
        case .transient, .transientAtMost, .outcomeUnknown:
            return "the endpoint answered, but with a server error: \(error)"
        case .permanent:
            // No such route: not an HSS endpoint. No such project: every request of the run would fail.
            if error.code == "APIG.0101" || error.code == "HSS.1004" { return "\(error)" }
            return nil
        }
    }
}
