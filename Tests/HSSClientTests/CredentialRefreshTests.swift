import ExportPipeline
import ExportStageKit
import Foundation
import HSSSigning
import HSSSimulator
import Logging
import Testing

@testable import HSSClient

/// A 401 with a refreshable credential: the client asks the provider to
/// refresh once and sends once more; a second 401 is the run's credential
/// refusal. A static credential is never refreshed.
@Suite struct CredentialRefreshTests {
    /// A provider that hands out `tokens` in turn, one more after each refresh,
    /// and counts what the client asked of it.
    actor CountingProvider: CredentialProvider {
        let tokens: [String]
        let refreshes: Bool
        private(set) var refreshCalls = 0
        private(set) var credentialCalls = 0
        private var index = 0

        init(tokens: [String], refreshes: Bool = true) {
            self.tokens = tokens
            self.refreshes = refreshes
        }

        func credentials(validFor validity: Duration) async throws -> HSSCredentials {
            credentialCalls += 1
            return .token(tokens[min(index, tokens.count - 1)])
        }

        func refresh(after rejected: HSSCredentials) async throws -> Bool {
            refreshCalls += 1
            guard refreshes else { return false }
            index += 1
            return true
        }
    }

    /// A provider whose source is down for the first `outages` fetches (as an ECS
    /// metadata service restarting during a refresh), then gives the accepted token.
    actor FlakyProvider: CredentialProvider {
        private var outages: Int
        private(set) var calls = 0

        init(outages: Int) { self.outages = outages }

        func credentials(validFor validity: Duration) async throws -> HSSCredentials {
            calls += 1
            if outages > 0 {
                outages -= 1
                throw CredentialsError("the ECS metadata service at http://127.0.0.1:1 does not answer", fix: "attach an agency")
            }
            return .token(SimulatorFixture.token)
        }

        func refresh(after rejected: HSSCredentials) async throws -> Bool { true }
    }

    static let refused = "refused-token-0000"

    static func disposition(of error: any Error) -> FailureDisposition? {
        (error as? any TaskStatusFailure)?.disposition
    }

    @Test func aSecond401AfterOneRefreshIsACredentialRefusal() async throws {
        let provider = CountingProvider(tokens: [Self.refused, Self.refused + "-again"])
        try await SimulatorFixture.withClient(configure: { $0.credentialProvider = provider }) { client, simulator, _ in
            let error = await #expect(throws: (any Error).self) { _ = try await client.status(of: "done-1") }
            #expect(error.map(Self.disposition) == .credentialsRejected, "\(String(describing: error))")
            #expect(await provider.refreshCalls == 1)
            #expect(await provider.credentialCalls == 2)
            #expect(await simulator.statistics.unauthorizedRequests == 2)
            #expect(!(error.map { "\($0)" } ?? "").contains(Self.refused))
        }
    }

    @Test func aRefreshThatGivesAcceptedCredentialsRetriesOnceAndSucceeds() async throws {
        let provider = CountingProvider(tokens: [Self.refused, SimulatorFixture.token])
        try await SimulatorFixture.withClient(configure: { $0.credentialProvider = provider }) { client, simulator, _ in
            let status = try await client.status(of: "done-1")
            #expect(status.taskStatus == "success")
            #expect(await provider.refreshCalls == 1)
            #expect(await simulator.statistics.unauthorizedRequests == 1)
            // The next request uses the refreshed credentials at once.
            _ = try await client.status(of: "done-1")
            #expect(await provider.refreshCalls == 1)
            #expect(await simulator.statistics.unauthorizedRequests == 1)
        }
    }

    @Test func aProviderWithNothingNewIsNotRetried() async throws {
        let provider = CountingProvider(tokens: [Self.refused], refreshes: false)
        try await SimulatorFixture.withClient(configure: { $0.credentialProvider = provider }) { client, simulator, _ in
            let error = await #expect(throws: (any Error).self) { _ = try await client.status(of: "done-1") }
            #expect(error.map(Self.disposition) == .credentialsRejected)
            #expect(await provider.refreshCalls == 1)
            #expect(await provider.credentialCalls == 1)
            #expect(await simulator.statistics.unauthorizedRequests == 1)
        }
    }

    @Test func aStaticCredentialIsSentOnceAndNotRefreshed() async throws {
        let provider = StaticCredentialProvider(.token(Self.refused))
        try await SimulatorFixture.withClient(configure: { $0.credentialProvider = provider }) { client, simulator, _ in
            let error = await #expect(throws: (any Error).self) { _ = try await client.status(of: "done-1") }
            #expect(error.map(Self.disposition) == .credentialsRejected)
            #expect(await simulator.statistics.unauthorizedRequests == 1)
        }
        // Without any provider (fixed credentials), the same: one request, no retry.
        try await SimulatorFixture.withClient(credentials: .token(Self.refused)) { client, simulator, _ in
            let error = await #expect(throws: (any Error).self) { _ = try await client.status(of: "done-1") }
            #expect(error.map(Self.disposition) == .credentialsRejected)
            #expect(await simulator.statistics.unauthorizedRequests == 1)
        }
    }

    @Test func aCredentialOutageIsATransientFailureOfAnUnsentRequest() async throws {
        let provider = FlakyProvider(outages: 1)
        try await SimulatorFixture.withClient(configure: { $0.credentialProvider = provider }) { client, simulator, _ in
            let error = await #expect(throws: CredentialFetchError.self) { _ = try await client.status(of: "done-1") }
            #expect(error?.disposition == .transient)
            #expect(error?.recordFailure.code == "credentials")
            #expect(error.map { "\($0)" }?.contains("does not answer") == true)
            #expect(await simulator.statistics.totalRequests == 0)
            let status = try await client.status(of: "done-1")
            #expect(status.taskStatus == "success")
        }
    }

    @Test func theWaiterRetriesThroughACredentialOutage() async throws {
        let provider = FlakyProvider(outages: 3)
        try await SimulatorFixture.withClient(configure: { $0.credentialProvider = provider }) { client, simulator, _ in
            let policy = WaitPolicy(
                initialInterval: .milliseconds(20), maxInterval: .milliseconds(80), multiplier: 2, jitter: 0.2, timeout: .seconds(30),
                concurrency: 1, rateLimit: .init(requests: 1000, per: .seconds(1)))
            let waiter = TaskWaiter(
                policy: policy, source: client, scope: ResultScope(projectID: SimulatorFixture.projectID, region: nil, runID: "r"))
            let result = await waiter.waitForTask(TaskSpec(id: "slow-1"))
            #expect(result.outcome == .succeeded, "\(String(describing: result.error))")
            #expect(await provider.calls >= 4)
            #expect(await simulator.statistics.unauthorizedRequests == 0)
        }
    }

    /// A source that refuses the credential (a password changed mid-run, an
    /// agency detached) fails fast like a 401; one that does not answer is
    /// retried.
    @Test func aRefusalBySourceFailsFastAndAnOutageIsRetried() {
        let refused = CredentialFetchError(
            request: "GET /v5/p/export-task/t",
            underlying: CredentialsError("IAM refused the password login", fix: "check the password", isRefusal: true))
        #expect(refused.disposition == .credentialsRejected)
        #expect(!refused.description.contains("retried"))
        let outage = CredentialFetchError(
            request: "GET /v5/p/export-task/t", underlying: CredentialsError("cannot reach IAM", fix: "check the network"))
        #expect(outage.disposition == .transient)
    }

    /// Credentials a provider hands out mid-run (a refreshed token here) are
    /// redacted from the client's errors like the fixed ones, should a server
    /// echo one.
    @Test func issuedCredentialsAreRedactedFromErrors() async throws {
        let issued = "issued-token-never-to-show-1234"
        let provider = CountingProvider(tokens: [issued])
        try await SimulatorFixture.withClient(configure: { $0.credentialProvider = provider }) { client, _, _ in
            #expect(client.redact("echo: \(issued)") == "echo: \(issued)")
            _ = try? await client.status(of: "done-1")
            #expect(client.redact("echo: \(issued)") == "echo: <redacted>")
        }
    }
}
