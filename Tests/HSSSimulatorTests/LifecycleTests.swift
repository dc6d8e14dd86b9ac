import Foundation
import HSSSimulator
import Logging
import Testing

@Suite("Simulator lifecycle")
struct LifecycleTests {
    @Test("withRunning serves on a loopback port and stops afterwards")
    func stopsAfterBody() async throws {
        let url = try await withSimulator { client, _ in
            #expect(client.baseURL.host == "127.0.0.1")
            #expect((client.baseURL.port ?? 0) > 0)
            let response = try await client.getWithToken(taskPath("export-vul-0001"))
            #expect(response.status == 200)
            return client.baseURL
        }
        await #expect(throws: (any Error).self) {
            _ = try await HTTPTestClient(baseURL: url).getWithToken(taskPath("export-vul-0001"))
        }
    }

    @Test("an error in the body is rethrown after shutdown")
    func bodyErrorPropagates() async throws {
        await #expect(throws: TestFailure.self) {
            try await withSimulator { _, _ in
                throw TestFailure("from the body")
            }
        }
    }

    @Test("a taken port fails instead of hanging")
    func portInUse() async throws {
        try await withSimulator { client, _ in
            var logger = Logger(label: "hss-simulator-tests")
            logger.logLevel = .critical
            let configuration = HSSSimulatorConfiguration(port: client.baseURL.port ?? 0, logger: logger, startupTimeout: .seconds(5))
            await #expect(throws: (any Error).self) {
                try await HSSSimulator.withRunning(configuration) { _, _ in }
            }
        }
    }

    @Test("run stops gracefully when its task is cancelled")
    func runStopsOnCancel() async throws {
        var logger = Logger(label: "hss-simulator-tests")
        logger.logLevel = .error
        let simulator = HSSSimulator(configuration: HSSSimulatorConfiguration(logger: logger))
        let (ready, continuation) = AsyncStream.makeStream(of: URL.self)
        let server = Task {
            try await simulator.run { url in continuation.yield(url) }
        }
        var iterator = ready.makeAsyncIterator()
        let url = try #require(await iterator.next())
        #expect(try await HTTPTestClient(baseURL: url).getWithToken(taskPath("export-vul-0001")).status == 200)
        server.cancel()
        try await server.value
        #expect(await simulator.statistics.totalRequests == 1)
    }
}
