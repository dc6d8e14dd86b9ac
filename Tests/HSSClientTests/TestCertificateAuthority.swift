import Foundation
import TestSupport

/// A throwaway CA and a server certificate for 127.0.0.1 (or other names) signed by it,
/// made with the `openssl` command, for TLS tests against a real server.
struct TestCertificateAuthority {
    /// The CA certificate (PEM): what a user would give as `ca_file`.
    let caCertificate: String
    /// The server's certificate chain (PEM).
    let serverCertificate: String
    /// The server's private key (PEM).
    let serverKey: String

    /// Creates the files in `directory`; the server certificate is issued for
    /// `subjectAltName` (OpenSSL syntax).
    static func make(in directory: TemporaryDirectory, subjectAltName: String = "IP:127.0.0.1") async throws -> TestCertificateAuthority {
        let openssl = try ExternalTool.require("openssl", package: "openssl")
        func run(_ arguments: [String]) async throws {
            let output = try await ProcessRunner.run(openssl, arguments, currentDirectory: directory.path, timeout: .seconds(60))
            guard output.status == 0 else {
                throw OpenSSLError(arguments: arguments, output: output.standardError)
            }
        }
        let key = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
        try await run(["req", "-x509"] + key + ["-keyout", "ca.key", "-out", "ca.pem", "-days", "2", "-subj", "/CN=hss-export test CA"])
        try await run(["req"] + key + ["-keyout", "server.key", "-out", "server.csr", "-subj", "/CN=127.0.0.1"])
        try directory.write("subjectAltName=\(subjectAltName)\nextendedKeyUsage=serverAuth\n", to: "server.ext")
        try await run([
            "x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial",
            "-out", "server.pem", "-days", "2", "-extfile", "server.ext",
        ])
        return TestCertificateAuthority(
            caCertificate: directory.file("ca.pem"), serverCertificate: directory.file("server.pem"), serverKey: directory.file("server.key")
        )
    }

    struct OpenSSLError: Error, CustomStringConvertible {
        var arguments: [String]
        var output: String
        var description: String { "openssl \(arguments.joined(separator: " ")) failed: \(output)" }
    }
}
