import ExportStageKit

/// Where credentials come from. Values are only read when a run needs them,
/// so `validate` works without secrets.
public enum AuthSpec: Sendable, Equatable {
    /// `HSS_AUTH_TOKEN`, or `HUAWEICLOUD_SDK_AK` / `HUAWEICLOUD_SDK_SK`
    /// (+ `HUAWEICLOUD_SDK_SECURITY_TOKEN`).
    case environment
    /// An IAM token, from the file (after interpolation) or a token file.
    case token(SecretSource)
    /// An access key pair, with an optional security token for temporary credentials.
    case accessKey(accessKey: SecretSource, secretKey: SecretSource, securityToken: SecretSource?)
}

/// A secret value: given in the file (usually via `${VAR}`), or read from a file.
public enum SecretSource: Sendable, Equatable {
    /// The value itself, or `nil` when it names an unset variable (an error only for `run`).
    case value(String?, variable: String?)
    /// A file whose content (trimmed) is the secret.
    case file(String)
}
