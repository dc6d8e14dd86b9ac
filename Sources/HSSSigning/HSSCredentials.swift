/// How requests authenticate: the one credentials type, from the pipeline
/// file (or the environment) to the signer.
///
/// `description` and reflection never show a token, secret key or security token.
public enum HSSCredentials: Sendable, Equatable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    /// An IAM user token, sent as `X-Auth-Token`; requests are not signed.
    case token(String)
    /// An access key pair, signed with `SDK-HMAC-SHA256`; temporary credentials also send
    /// `X-Security-Token`.
    case accessKey(AccessKeyCredentials)

    /// `token(<redacted>)` or `accessKey(AK …, secretKey: <redacted>)`.
    public var description: String {
        switch self {
        case .token: return "token(<redacted>)"
        case .accessKey(let credentials): return "accessKey(\(credentials))"
        }
    }

    /// Same as ``description``.
    public var debugDescription: String { description }

    /// A mirror without children, so `dump` cannot print the secrets either.
    public var customMirror: Mirror { Mirror(self, children: [], displayStyle: .enum) }

    /// Every secret value, so logs and errors can be checked against them.
    public var secrets: [String] {
        switch self {
        case .token(let token): return [token]
        case .accessKey(let credentials): return [credentials.secretKey] + (credentials.securityToken.map { [$0] } ?? [])
        }
    }
}
