import ExportStageKit
import Foundation
import HSSSigning
import HTTPTypes
import Hummingbird

/// The IAM routes the credential chain needs:
///
/// - `POST /v3/auth/tokens` (password identity) → 201 with the token in `X-Subject-Token`
///   and `{"token": {"expires_at", "issued_at", "methods", "user", "project" | "domain", …}}`;
///   wrong credentials are 401 and a bad body or unknown project 400, in Keystone's error
///   format `{"error": {"code", "title", "message"}}`;
/// - `GET /v3/projects[?name=…]`, authenticated like the HSS routes → 200 `{"projects":
///   [{"id", "name", "domain_id", "enabled", …}], "links": …}`, filtered by exact name.
struct IAMRoutes {
    let scenario: SimulatorScenario
    let state: SimulatorState

    static let subjectTokenHeader = HTTPField.Name("X-Subject-Token")!

    /// The account every project belongs to: the first IAM user's domain.
    var accountDomain: String { scenario.iam.users.first?.domain ?? "hss-simulator" }

    func register(on router: Router<SimulatorRequestContext>, authentication: AuthenticationMiddleware) {
        router.post("v3/auth/tokens") { request, _ in
            try await token(request)
        }
        router.group("v3").add(middleware: authentication).get("projects") { request, _ in
            try await projects(request)
        }
    }

    private func token(_ request: Request) async throws -> Response {
        var request = request
        let body = Array(try await request.collectBody(upTo: AuthenticationMiddleware.maximumBodySize).readableBytesView)
        let login: IAMTokenRequest
        do {
            login = try IAMTokenRequest(body: body)
        } catch {
            await state.recordIAMTokenRefusal()
            return Self.error(400, "Bad Request", "The request body is invalid: \(error.description)")
        }
        let user = scenario.iam.users.first { user in
            user.name == login.userName
                && (login.domainName.map { $0 == user.domain } ?? true)
                && (login.domainID.map { $0 == Self.id("domain", user.domain) } ?? true)
        }
        guard let user, Hex.constantTimeEquals(user.password, login.password) else {
            await state.recordIAMTokenRefusal()
            return Self.error(401, "Unauthorized", "The username or password is wrong.")
        }
        let project: SimulatorScenario.Project?
        switch login.scope {
        case .projectID(let id):
            project = scenario.allProjects.first { $0.id == id }
            guard project != nil else {
                await state.recordIAMTokenRefusal()
                return Self.error(400, "Bad Request", "The project '\(id)' does not exist in this account; scope the token to one of its projects")
            }
        case .projectName(let name):
            let matches = scenario.allProjects.filter { $0.name == name }
            guard matches.count == 1 else {
                await state.recordIAMTokenRefusal()
                return Self.error(
                    400, "Bad Request",
                    matches.isEmpty
                        ? "No project is named '\(name)'; scope the token to an existing project"
                        : "\(matches.count) projects are named '\(name)'; scope the token by project id")
            }
            project = matches[0]
        case .domain:
            project = nil
        }
        let issued = await state.issueIAMToken(
            user: "iam:\(user.domain)/\(user.name)", scope: project.map { .project(id: $0.id) } ?? .domain, ttl: scenario.iam.tokenTTL)
        let domain = JSONValue.object([("id", .string(Self.id("domain", user.domain))), ("name", .string(user.domain))])
        var token: [(key: String, value: JSONValue)] = [
            ("expires_at", .string(MicrosecondTimestamp.format(issued.expiresAt))),
            ("issued_at", .string(MicrosecondTimestamp.format(issued.issuedAt))),
            ("methods", .array([.string("password")])),
            (
                "user",
                .object([
                    ("id", .string(Self.id("user", "\(user.domain)/\(user.name)"))), ("name", .string(user.name)), ("domain", domain),
                    ("password_expires_at", .string("")),
                ])
            ),
        ]
        if let project {
            token.append(
                ("project", .object([("id", .string(project.id)), ("name", .string(project.name)), ("domain", accountDomainValue)])))
        } else {
            token.append(("domain", domain))
        }
        token.append(("roles", .array([.object([("id", .string(Self.id("role", "te_admin"))), ("name", .string("te_admin"))])])))
        token.append(("catalog", .array([])))
        let answer = JSONValue.object([("token", .object(token))]).serialized(escapingLineSeparators: false)
        return Response(
            status: .created,
            headers: [.contentType: "application/json;charset=UTF-8", Self.subjectTokenHeader: issued.token],
            body: .init(byteBuffer: ByteBuffer(string: answer))
        )
    }

    private func projects(_ request: Request) async throws -> Response {
        await state.recordProjectRequest()
        let name = SignatureVerifier.decodeQuery(request.uri.query).last { $0.name == "name" }?.value
        let domainID = Self.id("domain", accountDomain)
        let projects = scenario.allProjects.filter { name == nil || $0.name == name }.map { project in
            JSONValue.object([
                ("id", .string(project.id)), ("name", .string(project.name)), ("domain_id", .string(domainID)),
                ("parent_id", .string(domainID)), ("enabled", .bool(true)), ("is_domain", .bool(false)), ("description", .string("")),
                ("links", .object([("self", .string("/v3/projects/\(project.id)"))])),
            ])
        }
        let answer = JSONValue.object([
            ("projects", .array(projects)),
            ("links", .object([("self", .string("/v3/projects")), ("previous", .null), ("next", .null)])),
        ])
        return SimulatorRoutes.json(answer.serialized(escapingLineSeparators: false))
    }

    private var accountDomainValue: JSONValue {
        .object([("id", .string(Self.id("domain", accountDomain))), ("name", .string(accountDomain))])
    }

    /// A stable 32-hex-digit id for a named IAM object, like IAM's ids.
    static func id(_ kind: String, _ name: String) -> String {
        var hash = StreamingSHA256()
        hash.update(Array("\(kind):\(name)".utf8))
        return String(hash.finalize().prefix(32))
    }

    /// Keystone's error format, which IAM's token API answers in.
    static func error(_ status: Int, _ title: String, _ message: String) -> Response {
        let body = JSONValue.object([
            ("error", .object([("code", .integer(status)), ("title", .string(title)), ("message", .string(message))]))
        ])
        return Response(
            status: .init(code: status),
            headers: [.contentType: "application/json;charset=UTF-8"],
            body: .init(byteBuffer: ByteBuffer(string: body.serialized(escapingLineSeparators: false)))
        )
    }
}
