/// A Huawei Cloud access key pair, optionally temporary (with a security token).
///
/// `description` shows the access key only: the secret key and the security token never
/// appear in logs or error messages.
public struct AccessKeyCredentials: Sendable, Equatable, CustomStringConvertible {
    /// The access key id (AK), for example `HPUAEXAMPLEAK0000001`. Not secret.
    public var accessKey: String
    /// The secret access key (SK). Secret.
    public var secretKey: String
    /// The security token of temporary credentials, sent as `X-Security-Token`. Secret.
    public var securityToken: String?

    /// Creates credentials.
    /// - Parameters:
    ///   - accessKey: The access key id (AK).
    ///   - secretKey: The secret access key (SK).
    ///   - securityToken: The security token of temporary credentials; `nil` for permanent ones.
    public init(accessKey: String, secretKey: String, securityToken: String? = nil) {
        self.accessKey = accessKey
        self.secretKey = secretKey
        self.securityToken = securityToken
    }

    /// `AccessKeyCredentials(accessKey: AK, secretKey: <redacted>…)`; never the secrets.
    public var description: String {
        let token = securityToken == nil ? "nil" : "<redacted>"
        return "AccessKeyCredentials(accessKey: \(accessKey), secretKey: <redacted>, securityToken: \(token))"
    }
}
