import ExportStageKit

/// The body of `POST /v3/auth/tokens` with a password identity (spec.md section 4):
///
/// ```json
/// {"auth": {"identity": {"methods": ["password"],
///   "password": {"user": {"name": "U", "password": "P", "domain": {"name": "ACCOUNT"}}}},
///  "scope": {"project": {"id": "…"}}}}
/// ```
///
/// The scope may also be `{"project": {"name": "cn-north-4"}}`, `{"domain": {"name": …}}`
/// (or `id`), or absent (an unscoped token).
struct IAMTokenRequest {
    /// What the token should be scoped to.
    enum Scope: Equatable {
        case projectID(String)
        case projectName(String)
        case domain
    }

    var userName: String
    var domainName: String?
    var domainID: String?
    var password: String
    var scope: Scope

    /// Why a body is not a password token request; the message names the member.
    struct Invalid: Error, CustomStringConvertible {
        var description: String
    }

    init(body: [UInt8]) throws(Invalid) {
        guard let root = JSONValue.parse(body), case .object = root else {
            throw Invalid(description: "the body is not a JSON object; send {\"auth\": {\"identity\": …, \"scope\": …}}")
        }
        guard let identity = root["auth"]?["identity"] else {
            throw Invalid(description: "auth.identity is missing")
        }
        guard case .array(let methods)? = identity["methods"], methods.contains(.string("password")) else {
            throw Invalid(description: "auth.identity.methods must be [\"password\"]; the simulator's IAM supports password logins only")
        }
        let user = identity["password"]?["user"]
        guard let name = Self.string(user?["name"]) else {
            throw Invalid(description: "auth.identity.password.user.name is missing")
        }
        guard let password = Self.string(user?["password"]) else {
            throw Invalid(description: "auth.identity.password.user.password is missing")
        }
        let domainName = Self.string(user?["domain"]?["name"])
        let domainID = Self.string(user?["domain"]?["id"])
        guard domainName != nil || domainID != nil else {
            throw Invalid(description: "auth.identity.password.user.domain.name (the account name) is missing")
        }
        userName = name
        self.password = password
        self.domainName = domainName
        self.domainID = domainID
        let scope = root["auth"]?["scope"]
        if let project = scope?["project"] {
            if let id = Self.string(project["id"]) {
                self.scope = .projectID(id)
            } else if let projectName = Self.string(project["name"]) {
                self.scope = .projectName(projectName)
            } else {
                throw Invalid(description: "auth.scope.project needs an id or a name")
            }
        } else {
            // A domain scope or none: a token for IAM, not for HSS.
            self.scope = .domain
        }
    }

    private static func string(_ value: JSONValue?) -> String? {
        guard case .string(let text)? = value, !text.isEmpty else { return nil }
        return text
    }
}
