import Foundation
public import HSSSigning
public import Logging
import NIOHTTP1

/// An IAM user token from a password login (`POST /v3/auth/tokens`), scoped to
/// the project (by id when known, else by the region's name), logged in again
/// before it expires (``ExpiryRule``) and after a 401.
public actor PasswordTokenProvider: CredentialProvider {
    /// Who logs in.
    public struct Login: Sendable {
        /// The IAM user name.
        public var user: String
        /// The account (domain) name.
        public var domain: String
        /// The password. Secret.
        public var password: String

        /// Creates a login.
        public init(user: String, domain: String, password: String) {
            self.user = user
            self.domain = domain
            self.password = password
        }
    }

    let login: Login
    let endpoint: String
    let projectID: String?
    let region: String?
    let timeout: Duration
    let logger: Logger
    let onSecrets: @Sendable ([String]) -> Void
    private var current: (token: String, expiresAt: Date, fetchedAt: Date)?
    private var inFlight: Task<String, any Error>?
    /// How many logins were made.
    public private(set) var logins = 0

    /// Creates a provider; nothing is sent yet.
    public init(
        login: Login, endpoint: String, projectID: String?, region: String?, timeout: Duration = .seconds(30), logger: Logger,
        onSecrets: @escaping @Sendable ([String]) -> Void = { _ in }
    ) {
        self.login = login
        self.endpoint = endpoint
        self.projectID = projectID
        self.region = region
        self.timeout = timeout
        self.logger = logger
        self.onSecrets = onSecrets
    }

    /// A token valid for at least `validity` (within ``ExpiryRule``).
    public func credentials(validFor validity: Duration) async throws -> HSSCredentials {
        if let current, !ExpiryRule.needsRefresh(expiresAt: current.expiresAt, fetchedAt: current.fetchedAt, validity: validity) {
            return .token(current.token)
        }
        return .token(try await loginOnce())
    }

    /// Logs in again unless someone already replaced `rejected`.
    public func refresh(after rejected: HSSCredentials) async throws -> Bool {
        if let current, HSSCredentials.token(current.token) != rejected { return true }
        _ = try await loginOnce()
        return true
    }

    private func loginOnce() async throws -> String {
        if let inFlight { return try await inFlight.value }
        let task = Task { try await self.fetch() }
        inFlight = task
        defer { inFlight = nil }
        return try await task.value
    }

    private func fetch() async throws -> String {
        let scope: [String: Any]
        if let projectID {
            scope = ["project": ["id": projectID]]
        } else if let region {
            scope = ["project": ["name": region]]
        } else {
            scope = ["domain": ["name": login.domain]]
        }
        let body: [String: Any] = [
            "auth": [
                "identity": [
                    "methods": ["password"],
                    "password": ["user": ["name": login.user, "password": login.password, "domain": ["name": login.domain]]],
                ],
                "scope": scope,
            ]
        ]
        let bytes = Array(try JSONSerialization.data(withJSONObject: body))
        let answer: CredentialHTTP.Answer
        do {
            answer = try await CredentialHTTP.send(
                .POST, endpoint + "/v3/auth/tokens?nocatalog=true", headers: [("Content-Type", "application/json;charset=utf8")], body: bytes,
                timeout: timeout, connectTimeout: .seconds(10))
        } catch {
            throw CredentialsError(
                "cannot reach IAM at \(endpoint) to log in as \(login.domain)/\(login.user) (\(error))",
                fix: "check the network, or set HSS_EXPORT_IAM_ENDPOINT")
        }
        guard answer.status == 201 || answer.status == 200, let token = answer.headers.first(name: "X-Subject-Token"), !token.isEmpty else {
            let reason = answer.status == 401 ? "the user name, account or password is wrong" : "HTTP \(answer.status)"
            throw CredentialsError(
                "IAM at \(endpoint) refused the password login of \(login.domain)/\(login.user): \(reason)",
                fix: "check auth.password's user, domain (the account name) and password", isRefusal: answer.status == 401)
        }
        onSecrets([token])
        let object = (try? JSONSerialization.jsonObject(with: Data(answer.body))) as? [String: Any]
        let expiry = ((object?["token"] as? [String: Any])?["expires_at"] as? String).flatMap(ExpiryRule.parseTimestamp)
        let now = Date()
        // IAM tokens last 24 hours; assume so when the answer does not say.
        let expiresAt = expiry ?? now.addingTimeInterval(24 * 3600)
        current = (token, expiresAt, now)
        logins += 1
        logger.info("logged in to IAM", metadata: ["user": "\(login.domain)/\(login.user)", "expires_at": "\(expiresAt)", "login": "\(logins)"])
        return token
    }
}
