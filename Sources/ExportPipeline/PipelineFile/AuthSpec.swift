import ExportStageKit

/// Where credentials come from. Values are only read when a run needs them,
/// so `validate` works without secrets.
public enum AuthSpec: Sendable, Hashable {
    /// No `auth:`: the credential chain. `HSS_AUTH_TOKEN`, then the SDK's
    /// environment (`HUAWEICLOUD_SDK_AK` / `_SK` / `_SECURITY_TOKEN`), then the
    /// profile file's `[basic]`, then the ECS agency (metadata service).
    case environment
    /// An IAM token, from the file (after interpolation) or a token file.
    case token(SecretSource)
    /// An access key pair, with an optional security token for temporary credentials.
    case accessKey(accessKey: SecretSource, secretKey: SecretSource, securityToken: SecretSource?)
    /// `profile: NAME`: section NAME of the SDK's credentials file.
    case profile(String)
    /// `ecs_metadata: true`: the temporary keys of the ECS server's agency.
    case ecsMetadata
    /// `password: {user, domain, password | password_file}`: an IAM password login.
    case password(user: String, domain: String, password: SecretSource)
}

/// A secret value: given in the file (usually via `${VAR}`), or read from a file.
public enum SecretSource: Sendable, Hashable {
    /// The value itself, or `nil` when it names an unset variable (an error only for `run`).
    case value(String?, variable: String?)
    /// A file whose content (trimmed) is the secret.
    case file(String)
}
