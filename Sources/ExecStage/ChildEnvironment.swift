import ExportStageKit

/// The command's environment, built explicitly from named variables.
///
/// The command never inherits hss-export's whole environment: that is where
/// the HSS credentials usually live (`HSS_AUTH_TOKEN`, `HUAWEICLOUD_SDK_AK`,
/// `HUAWEICLOUD_SDK_SK`, `HUAWEICLOUD_SDK_SECURITY_TOKEN`), and a notification
/// hook, often a third-party script, has no business holding an identity that
/// can read every host's security findings. It would also pass them on to
/// whatever it runs and could leak them into its own logs. So only the
/// variables in `pass_environment` (by default `PATH`, `HOME`, `LANG`,
/// `LC_ALL`, `TZ` and `TMPDIR`) are copied, then `environment` is added.
///
/// Naming a credential variable in either option is refused at load time
/// rather than silently dropped, so a user who tries to hand the token over
/// learns at once that it will not happen. The refused names are an explicit
/// list, those four plus anything starting with `HUAWEICLOUD_SDK_` or
/// `HSS_AUTH_` (the prefixes hss-export and the Huawei Cloud SDKs read
/// credentials from), compared case-insensitively; guessing at names such as
/// `*TOKEN*` would refuse the command's own, legitimate secrets. An
/// `environment` value equal to one of those four credentials (as written by
/// `"${HSS_AUTH_TOKEN}"`) is refused as well.
struct ChildEnvironment: Sendable, Equatable {
    /// What `pass_environment` copies when the pipeline file does not set it.
    static let defaultPassedNames = ["PATH", "HOME", "LANG", "LC_ALL", "TZ", "TMPDIR"]

    /// hss-export's credential variables, never given to the command.
    static let credentialNames = ["HSS_AUTH_TOKEN", "HUAWEICLOUD_SDK_AK", "HUAWEICLOUD_SDK_SK", "HUAWEICLOUD_SDK_SECURITY_TOKEN"]

    /// Prefixes of variables that may hold credentials, never given to the command.
    static let credentialPrefixes = ["HUAWEICLOUD_SDK_", "HSS_AUTH_"]

    /// Whether `name` is one of hss-export's credential variables.
    static func isCredential(_ name: String) -> Bool {
        let upper = name.uppercased()
        return credentialNames.contains(upper) || credentialPrefixes.contains { upper.hasPrefix($0) }
    }

    /// The variables, in order: the passed ones first, then `environment`
    /// (which wins on a repeated name).
    private(set) var variables: [StageOptionValue.KeyValue] = []

    /// Builds the environment, refusing credential variables and names a
    /// process environment cannot hold.
    ///
    /// - Parameters:
    ///   - names: `pass_environment`; names unset in `parent` are skipped.
    ///   - extra: `environment`.
    ///   - parent: hss-export's environment.
    init(passing names: [String], adding extra: [StageOptionValue.KeyValue], from parent: [String: String]) throws(StageOptionError) {
        for name in names {
            try Self.check(name, option: "pass_environment")
            if let value = parent[name] { set(name, value) }
        }
        let secrets = Self.credentialNames.compactMap { name in parent[name].flatMap { $0.isEmpty ? nil : (name, $0) } }
        for entry in extra {
            try Self.check(entry.key, option: "environment")
            if entry.value.contains("\0") {
                throw StageOptionError(
                    option: "environment", message: "the value of '\(entry.key)' contains a NUL character",
                    fix: "remove it; environment values cannot carry NUL")
            }
            // The value itself stays out of the message: it is a secret.
            if let (secret, _) = secrets.first(where: { $0.1 == entry.value }) {
                throw StageOptionError(
                    option: "environment",
                    message: "the value of '\(entry.key)' is hss-export's credential from \(secret), which the command must not receive",
                    fix: "give the command its own credentials (in its own configuration) instead of hss-export's"
                )
            }
            set(entry.key, entry.value)
        }
    }

    /// The value of `name`, if the command gets it.
    func value(of name: String) -> String? {
        variables.last(where: { $0.key == name })?.value
    }

    /// `NAME=value` strings, in order, as the command receives them.
    var entries: [String] { variables.map { $0.key + "=" + $0.value } }

    private mutating func set(_ name: String, _ value: String) {
        variables.removeAll { $0.key == name }
        variables.append(.init(name, value))
    }

    private static func check(_ name: String, option: String) throws(StageOptionError) {
        guard !name.isEmpty, !name.contains("="), !name.contains("\0") else {
            throw StageOptionError(
                option: option, message: "'\(name)' is not a variable name", fix: "use a name such as NOTIFY_URL, without '=' or NUL")
        }
        // POSIX names do not start with a digit, and Subprocess refuses to
        // start a command whose environment holds one: better said now.
        if let first = name.utf8.first, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(first) {
            throw StageOptionError(
                option: option, message: "'\(name)' is not a variable name: it starts with a digit",
                fix: "use a name such as NOTIFY_URL, starting with a letter or '_'")
        }
        guard !isCredential(name) else {
            throw StageOptionError(
                option: option,
                message: "'\(name)' is one of hss-export's credential variables, which are never passed to the command",
                fix: "remove '\(name)'; if the command needs to call Huawei Cloud, give it its own credentials in its own configuration"
            )
        }
    }
}
