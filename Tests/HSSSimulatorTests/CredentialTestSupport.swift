import Foundation
import HSSSigning
import HSSSimulator
import Testing

/// A second project of the credential scenarios.
let secondProjectID = "1b2c3d4e5f60718293a4b5c6d7e8f90a"

/// A scenario with a metadata service, an IAM user and a second project, besides the usual
/// token and access key; `extra` adds top-level keys.
func credentialScenario(
    metadataTTL: String = "1h", tokenTTL: String = "24h", projects: String = "[{id: \(secondProjectID), name: cn-north-4_dev}]", extra: String = ""
) throws -> SimulatorScenario {
    try SimulatorScenario(
        yaml: """
            project_id: \(HTTPTestClient.projectID)
            projects: \(projects)
            tokens: [demo-token]
            access_keys:
              - {access_key: HPUAEXAMPLEAK0000001, secret_key: ExampleSecretKey0000000000000000000000000}
            metadata: {ttl: \(metadataTTL)}
            iam:
              users: [{name: exporter, domain: my-account, password: s3cret-pass}]
              token_ttl: \(tokenTTL)
            \(extra)
            tasks:
              - {id: t, script: [{status: running}]}
            """)
}

/// Temporary keys as the metadata service answers them.
struct TemporaryKeys: Sendable {
    var credentials: AccessKeyCredentials
    var expiresAt: Date
}

extension HTTPTestClient {
    /// `PUT /meta-data/latest/api/token`, then `GET /openstack/latest/securitykey`.
    func fetchTemporaryKeys() async throws -> TemporaryKeys {
        let session = try await send(
            method: "PUT", "/meta-data/latest/api/token", headers: [(name: "X-Metadata-Token-Ttl-Seconds", value: "21600")], body: nil)
        guard session.status == 200 else { throw TestFailure("metadata token: \(session.status) \(session.text)") }
        let answer = try await get("/openstack/latest/securitykey", headers: [(name: "X-Metadata-Token", value: session.text)])
        guard answer.status == 200 else { throw TestFailure("securitykey: \(answer.status) \(answer.text)") }
        let object = try #require(try JSONSerialization.jsonObject(with: answer.body) as? [String: Any])
        let credential = try #require(object["credential"] as? [String: String], "\(answer.text)")
        guard let expiresAt = credential["expires_at"].flatMap(parseMicrosecondTimestamp) else {
            throw TestFailure("no credential.expires_at in \(answer.text)")
        }
        return TemporaryKeys(
            credentials: AccessKeyCredentials(
                accessKey: try #require(credential["access"]), secretKey: try #require(credential["secret"]),
                securityToken: credential["securitytoken"]),
            expiresAt: expiresAt)
    }

    /// `POST /v3/auth/tokens` with a password identity; `scope` is the JSON of `auth.scope`.
    func login(user: String = "exporter", domain: String = "my-account", password: String = "s3cret-pass", scope: String?) async throws
        -> HTTPTestResponse
    {
        let scopeMember = scope.map { #", "scope": \#($0)"# } ?? ""
        let body = #"""
            {"auth": {"identity": {"methods": ["password"], "password": {"user": {"name": "\#(user)", "password": "\#(password)", "domain": {"name": "\#(domain)"}}}}\#(scopeMember)}}
            """#
        return try await send(
            method: "POST", "/v3/auth/tokens?nocatalog=true", headers: [(name: "Content-Type", value: "application/json;charset=utf8")],
            body: Array(body.utf8))
    }

    /// A project-scoped IAM token and its expiry, failing the test on anything but 201.
    func iamToken(project: String = HTTPTestClient.projectID) async throws -> (token: String, expiresAt: Date) {
        let response = try await login(scope: #"{"project": {"id": "\#(project)"}}"#)
        guard response.status == 201, let token = response.headers["x-subject-token"] else {
            throw TestFailure("login answered \(response.status): \(response.text)")
        }
        let object = try #require(try JSONSerialization.jsonObject(with: response.body) as? [String: Any])
        let expiresText = (object["token"] as? [String: Any])?["expires_at"] as? String
        guard let expiresAt = expiresText.flatMap(parseMicrosecondTimestamp) else {
            throw TestFailure("no token.expires_at in \(response.text)")
        }
        return (token, expiresAt)
    }

    /// An AK/SK-signed request to any project (the `X-Project-Id` is the path's), as the SDK
    /// builds it; temporary credentials add their `X-Security-Token`.
    func signed(
        _ method: String = "GET", path: String, query: [(name: String, value: String)] = [], body: String? = nil,
        project: String? = HTTPTestClient.projectID, credentials: AccessKeyCredentials
    ) async throws -> HTTPTestResponse {
        let host = "\(baseURL.host ?? "127.0.0.1"):\(baseURL.port ?? 80)"
        var headers = [
            (name: "Content-Type", value: "application/json"), (name: "User-Agent", value: "huaweicloud-usdk-python/3.0; hss-export-tests"),
        ]
        if let project {
            headers.append((name: "X-Project-Id", value: project))
        }
        let request = SigningRequest(method: method, host: host, path: path, query: query, headers: headers, body: Array((body ?? "").utf8))
        let signedHeaders = SDKHMACSigner(credentials: credentials).sign(request, date: Date())
        let wireQuery = CanonicalRequest.canonicalQueryString(query)
        return try await send(
            method: method, path + (wireQuery.isEmpty ? "" : "?" + wireQuery), headers: signedHeaders, body: body.map { Array($0.utf8) })
    }

    /// A token-authenticated request to any project.
    func withToken(_ method: String = "GET", path: String, body: String? = nil, project: String = HTTPTestClient.projectID, token: String)
        async throws -> HTTPTestResponse
    {
        try await send(
            method: method, path,
            headers: [
                (name: "X-Auth-Token", value: token), (name: "Content-Type", value: "application/json"), (name: "X-Project-Id", value: project),
            ],
            body: body.map { Array($0.utf8) })
    }

    /// `/_simulator/statistics`, one member.
    func statistic(_ key: String) async throws -> Any? {
        try await control("/_simulator/statistics")[key]
    }
}

/// `2024-01-15T08:30:00.000000Z`, the format of IAM's and the metadata service's `expires_at`.
func parseMicrosecondTimestamp(_ text: String) -> Date? {
    guard text.count == 27, text.hasSuffix("Z"), let dot = text.firstIndex(of: ".") else { return nil }
    let formatter = ISO8601DateFormatter()
    formatter.formatOptions = [.withInternetDateTime]
    guard let whole = formatter.date(from: String(text[..<dot]) + "Z"),
        let micros = Int(text[text.index(after: dot)..<text.index(before: text.endIndex)])
    else {
        return nil
    }
    return whole.addingTimeInterval(Double(micros) / 1e6)
}

/// Sleeps until `date` has passed on the wall clock, plus `margin`.
func sleep(until date: Date, margin: Duration = .milliseconds(200)) async throws {
    let remaining = date.timeIntervalSinceNow
    if remaining > 0 {
        try await Task.sleep(for: .milliseconds(Int(remaining * 1000)))
    }
    try await Task.sleep(for: margin)
}

/// A created export's path in `project`.
func projectCreatePath(_ path: String, project: String) -> String {
    "/v5/\(project)/\(path)"
}

func projectTaskPath(_ taskID: String, project: String) -> String {
    HSSPercentEncoding.encodePathSegments(["v5", project, "export-task", taskID])
}

func projectDownloadPath(_ fileID: String, project: String) -> String {
    HSSPercentEncoding.encodePathSegments(["v5", project, "download", fileID])
}

extension SimulatorScenario {
    /// This scenario changed by `change`.
    func with(_ change: (inout SimulatorScenario) -> Void) -> SimulatorScenario {
        var copy = self
        change(&copy)
        return copy
    }
}
