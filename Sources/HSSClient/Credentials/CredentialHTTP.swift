import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// The few requests credentials need (metadata, IAM), each on a short-lived
/// connection pool: they are rare, and must not share the HSS pool's proxy
/// and TLS settings (the metadata service is link-local, never proxied).
enum CredentialHTTP {
    struct Answer: Sendable {
        var status: Int
        var headers: HTTPHeaders
        var body: [UInt8]
        var text: String { String(decoding: body, as: UTF8.self) }
    }

    static func send(
        _ method: HTTPMethod, _ url: String, headers: [(String, String)] = [], body: [UInt8] = [],
        timeout: Duration, connectTimeout: Duration
    ) async throws -> Answer {
        var configuration = HTTPClient.Configuration(
            redirectConfiguration: .disallow, timeout: .init(connect: TimeAmount(connectTimeout)), decompression: .disabled)
        configuration.connectionPool.retryConnectionEstablishment = false
        configuration.httpVersion = .http1Only
        let client = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
        do {
            var request = HTTPClientRequest(url: url)
            request.method = method
            for (name, value) in headers { request.headers.add(name: name, value: value) }
            if !body.isEmpty { request.body = .bytes(body) }
            let response = try await client.execute(request, timeout: TimeAmount(timeout))
            let bytes = Array(buffer: try await response.body.collect(upTo: 1 << 20))
            try? await client.shutdown()
            return Answer(status: Int(response.status.code), headers: response.headers, body: bytes)
        } catch {
            try? await client.shutdown()
            throw error
        }
    }
}
