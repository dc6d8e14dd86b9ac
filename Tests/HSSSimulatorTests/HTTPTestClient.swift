import Foundation
import HSSSigning

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// A response as the tests see it: status, headers by lower-cased name, body bytes.
struct HTTPTestResponse: Sendable {
    var status: Int
    var headers: [String: String]
    var body: Data

    var text: String { String(decoding: body, as: UTF8.self) }

    /// The body as a JSON object of strings (all HSS answers tested here are).
    func json() throws -> [String: String] {
        guard let object = try JSONSerialization.jsonObject(with: body) as? [String: String] else {
            throw TestFailure("body is not a JSON object of strings: \(text)")
        }
        return object
    }

    /// `X-Request-Id`, checked to be 32 lower-case hex digits.
    var requestID: String? {
        guard let id = headers["x-request-id"], id.count == 32, id.allSatisfy({ $0.isHexDigit && !$0.isUppercase }) else { return nil }
        return id
    }
}

struct TestFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// Real HTTP over loopback with URLSession (no caching, so every poll reaches the server).
struct HTTPTestClient: Sendable {
    let baseURL: URL

    static let projectID = "0a1b2c3d4e5f60718293a4b5c6d7e8f9"

    /// `GET {base}{path}` with the given headers; `path` is sent exactly as written.
    func get(_ pathAndQuery: String, headers: [(name: String, value: String)] = [], method: String = "GET") async throws -> HTTPTestResponse {
        try await send(method: method, pathAndQuery, headers: headers, body: nil)
    }

    /// A request with any method and body; `path` is sent exactly as written.
    func send(method: String, _ pathAndQuery: String, headers: [(name: String, value: String)], body: [UInt8]?) async throws -> HTTPTestResponse {
        var request = try urlRequest(pathAndQuery, headers: headers)
        request.httpMethod = method
        if let body {
            request.httpBody = Data(body)
        }
        let configuration = URLSessionConfiguration.ephemeral
        configuration.urlCache = nil
        configuration.requestCachePolicy = .reloadIgnoringLocalAndRemoteCacheData
        let session = URLSession(configuration: configuration)
        defer { session.finishTasksAndInvalidate() }
        let (data, response) = try await session.data(for: request)
        return try Self.response(data, response)
    }

    private func urlRequest(_ pathAndQuery: String, headers: [(name: String, value: String)]) throws -> URLRequest {
        guard let url = URL(string: baseURL.absoluteString + pathAndQuery) else {
            throw TestFailure("bad URL path \(pathAndQuery)")
        }
        var request = URLRequest(url: url)
        request.cachePolicy = .reloadIgnoringLocalAndRemoteCacheData
        for header in headers where header.name.lowercased() != "host" {
            request.setValue(header.value, forHTTPHeaderField: header.name)
        }
        return request
    }

    private static func response(_ data: Data, _ response: URLResponse) throws -> HTTPTestResponse {
        guard let http = response as? HTTPURLResponse else {
            throw TestFailure("not an HTTP response")
        }
        var headers: [String: String] = [:]
        for (name, value) in http.allHeaderFields {
            headers["\(name)".lowercased()] = "\(value)"
        }
        return HTTPTestResponse(status: http.statusCode, headers: headers, body: data)
    }

    /// A token-authenticated GET, as the pipeline sends it.
    func getWithToken(_ pathAndQuery: String, token: String = "demo-token", projectHeader: String? = projectID) async throws -> HTTPTestResponse {
        var headers = [(name: "X-Auth-Token", value: token), (name: "Content-Type", value: "application/json")]
        if let projectHeader {
            headers.append((name: "X-Project-Id", value: projectHeader))
        }
        return try await get(pathAndQuery, headers: headers)
    }

    /// `GET` a download into `file`: the body streams to disk (nothing held in memory) and
    /// is moved to `file`; the answer's body is empty. Throws when the body is cut off.
    func download(_ pathAndQuery: String, to file: String, token: String = "demo-token") async throws -> HTTPTestResponse {
        var request = try urlRequest(
            pathAndQuery,
            headers: [
                (name: "X-Auth-Token", value: token), (name: "Content-Type", value: "application/json"),
                (name: "X-Project-Id", value: Self.projectID),
            ]
        )
        request.httpMethod = "GET"
        let configuration = URLSessionConfiguration.ephemeral
        configuration.urlCache = nil
        let session = URLSession(configuration: configuration)
        defer { session.finishTasksAndInvalidate() }
        let response: URLResponse = try await withCheckedThrowingContinuation { continuation in
            let task = session.downloadTask(with: request) { location, response, error in
                if let error {
                    continuation.resume(throwing: error)
                    return
                }
                guard let location, let response else {
                    continuation.resume(throwing: TestFailure("download without a file or response"))
                    return
                }
                do {
                    // The temporary file is removed when this handler returns.
                    try? FileManager.default.removeItem(atPath: file)
                    try FileManager.default.moveItem(atPath: location.path, toPath: file)
                    continuation.resume(returning: response)
                } catch {
                    continuation.resume(throwing: error)
                }
            }
            task.resume()
        }
        return try Self.response(Data(), response)
    }

    /// A token-authenticated POST with a JSON body, as the pipeline sends it.
    func postWithToken(_ pathAndQuery: String, body: String?, contentType: String? = "application/json", token: String = "demo-token") async throws
        -> HTTPTestResponse
    {
        var headers = [(name: "X-Auth-Token", value: token), (name: "X-Project-Id", value: Self.projectID)]
        if let contentType {
            headers.append((name: "Content-Type", value: contentType))
        }
        return try await send(method: "POST", pathAndQuery, headers: headers, body: body.map { Array($0.utf8) })
    }

    /// An AK/SK-signed POST, built like the Python SDK builds it; `sentBody` replaces the
    /// signed body on the wire (to test that the signature covers it), and `extraHeaders` are
    /// added before signing.
    func postSigned(
        path: String,
        query: [(name: String, value: String)] = [],
        body: String,
        sentBody: String? = nil,
        credentials: AccessKeyCredentials,
        extraHeaders: [(name: String, value: String)] = [],
        date: Date = Date()
    ) async throws -> HTTPTestResponse {
        let host = "\(baseURL.host ?? "127.0.0.1"):\(baseURL.port ?? 80)"
        let request = SigningRequest(
            method: "POST",
            host: host,
            path: path,
            query: query,
            headers: [
                (name: "Content-Type", value: "application/json"),
                (name: "User-Agent", value: "huaweicloud-usdk-python/3.0; hss-export-tests"),
                (name: "X-Project-Id", value: Self.projectID),
            ] + extraHeaders,
            body: Array(body.utf8)
        )
        let headers = SDKHMACSigner(credentials: credentials).sign(request, date: date)
        let wireQuery = CanonicalRequest.canonicalQueryString(query)
        return try await send(
            method: "POST", path + (wireQuery.isEmpty ? "" : "?" + wireQuery), headers: headers, body: Array((sentBody ?? body).utf8))
    }

    /// An AK/SK-signed GET, built like the Python SDK builds it.
    func getSigned(
        path: String,
        query: [(name: String, value: String)] = [],
        credentials: AccessKeyCredentials,
        date: Date = Date()
    ) async throws -> HTTPTestResponse {
        let host = "\(baseURL.host ?? "127.0.0.1"):\(baseURL.port ?? 80)"
        let request = SigningRequest(
            method: "GET",
            host: host,
            path: path,
            query: query,
            headers: [
                (name: "Content-Type", value: "application/json"),
                (name: "User-Agent", value: "huaweicloud-usdk-python/3.0; hss-export-tests"),
                (name: "X-Project-Id", value: Self.projectID),
            ]
        )
        let headers = SDKHMACSigner(credentials: credentials).sign(request, date: date)
        let wireQuery = CanonicalRequest.canonicalQueryString(query)
        return try await get(path + (wireQuery.isEmpty ? "" : "?" + wireQuery), headers: headers)
    }
}
