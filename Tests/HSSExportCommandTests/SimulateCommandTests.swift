import Foundation
import TestSupport
import Testing

/// `hss-export simulate`'s start-up problems, through the binary.
@Suite struct SimulateCommandTests {
    /// A TCP socket listening on 127.0.0.1 at a free port, closed by `body`'s end.
    static func withListeningSocket<T>(_ body: (Int) async throws -> T) async throws -> T {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        try #require(descriptor >= 0)
        defer { close(descriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        try #require(bound == 0, "bind: errno \(errno)")
        try #require(listen(descriptor, 1) == 0)
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let named = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) }
        }
        try #require(named == 0)
        return try await body(Int(UInt16(bigEndian: address.sin_port)))
    }

    @Test func aPortInUseSaysSoWithTheAddressAndTheFixAndExitsTwo() async throws {
        try await Self.withListeningSocket { port in
            let output = try await BinaryHarness.run(["simulate", "--port", "\(port)"])
            #expect(output.status == 2, "\(output.standardError)")
            #expect(output.standardOutput.isEmpty)
            #expect(
                output.standardError.contains(
                    "hss-export: simulate: cannot listen on 127.0.0.1:\(port): the port is in use; give --port 0 to pick a free port"),
                "\(output.standardError)")
            #expect(output.standardError.contains("or stop what listens there"))
            #expect(!output.standardError.contains("bind("), "\(output.standardError)")
        }
    }

    @Test func anAddressOfAnotherMachineSaysSoAndExitsTwo() async throws {
        // TEST-NET-1 (RFC 5737): assigned to no machine.
        let output = try await BinaryHarness.run(["simulate", "--host", "192.0.2.1", "--port", "0"])
        #expect(output.status == 2, "\(output.standardError)")
        #expect(output.standardError.contains("cannot listen on 192.0.2.1:0: 192.0.2.1 is not an address of this machine"), "\(output.standardError)")
        #expect(output.standardError.contains("give --host 127.0.0.1"))
    }

    @Test func aHostNameThatDoesNotResolveSaysSoAndExitsTwo() async throws {
        // .invalid never resolves (RFC 6761).
        let output = try await BinaryHarness.run(["simulate", "--host", "no-such-host.invalid", "--port", "0"])
        #expect(output.status == 2, "\(output.standardError)")
        #expect(
            output.standardError.contains("cannot listen on no-such-host.invalid:0: the host name no-such-host.invalid does not resolve"),
            "\(output.standardError)")
        #expect(!output.standardError.contains("SocketAddressError"))
    }

    @Test func aHostBeyondLoopbackWarnsThatThePublishedCredentialsWork() async throws {
        let process = try ProcessRunner.start(PackagePaths.binary, ["simulate", "--host", "0.0.0.0", "--port", "0"])
        let url = try await process.firstLine()
        #expect(url.hasPrefix("http://0.0.0.0:"), "\(url)")
        // It still serves: loopback reaches a wildcard listener.
        let port = try #require(URL(string: url)?.port)
        var environment = BinaryHarness.tokenEnvironment
        environment["HSS_AUTH_TOKEN"] = "demo-token"
        let query = try await BinaryHarness.run(
            ["query", "export-vul-0001", "--endpoint", "http://127.0.0.1:\(port)", "--project-id", BinaryHarness.projectID], environment: environment)
        #expect(query.status == 0, "\(query.standardError)")
        process.send(SIGTERM)
        #expect(try await process.waitForExit() == 0)
        let warning = process.standardError
        #expect(warning.contains("warning"), "\(warning)")
        #expect(warning.contains("--host 0.0.0.0 is not a loopback address"), "\(warning)")
        #expect(warning.contains("well-known, published credentials"))
        #expect(warning.contains("from anyone who can reach it"))
        #expect(warning.contains("use --host 127.0.0.1 unless that is intended"))
    }

    @Test func loopbackHostsGetNoWarning() async throws {
        for host in ["127.0.0.1", "::1", "localhost"] {
            let process = try ProcessRunner.start(PackagePaths.binary, ["simulate", "--host", host, "--port", "0"])
            let firstLine = try? await process.firstLine()
            process.send(SIGTERM)
            let status = try await process.waitForExit()
            // A machine without IPv6 on loopback cannot listen on ::1; that is no warning either.
            if firstLine != nil { #expect(status == 0, "\(host): \(process.standardError)") }
            #expect(!process.standardError.contains("not a loopback address"), "\(host): \(process.standardError)")
        }
    }
}
