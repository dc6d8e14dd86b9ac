import ExportStageKit
import Foundation
import Yams

extension PipelineReader {
    static let authKeys = [
        "token", "token_file", "access_key", "secret_key", "secret_key_file", "security_token", "profile", "ecs_metadata", "password",
    ]
    static let passwordKeys = ["user", "domain", "password", "password_file"]

    mutating func readAuth(_ node: Node) -> AuthSpec? {
        guard let entries = mapping(node, context: "'source.auth'", allowed: Self.authKeys) else { return nil }
        let hasToken = entries["token"] != nil || entries["token_file"] != nil
        let hasAccessKey = entries["access_key"] != nil || entries["secret_key"] != nil || entries["secret_key_file"] != nil
        // Each form names one credential; two would leave which one is used to guesswork.
        let forms = [
            hasToken ? "a token" : nil, hasAccessKey ? "an access key" : nil, entries["profile"] != nil ? "'profile'" : nil,
            entries["ecs_metadata"] != nil ? "'ecs_metadata'" : nil, entries["password"] != nil ? "'password'" : nil,
        ].compactMap { $0 }
        if forms.count > 1 {
            report(
                at: node, "'auth' sets both \(forms[0]) and \(forms[1])",
                fix: "keep one of token/token_file, access_key with secret_key, profile, ecs_metadata or password")
            return nil
        }
        if entries["security_token"] != nil && !hasToken && !hasAccessKey {
            report(
                at: keyNode("security_token", in: node) ?? node, "'security_token' belongs to temporary access keys",
                fix: "remove it, or add access_key and secret_key")
            return nil
        }
        if let profileNode = entries["profile"] {
            guard let name = string(profileNode, key: "profile") else { return nil }
            return .profile(name)
        }
        if let metadataNode = entries["ecs_metadata"] {
            guard let enabled = bool(metadataNode, key: "ecs_metadata") else { return nil }
            if !enabled {
                report(
                    at: metadataNode, "'ecs_metadata: false' names no credentials",
                    fix: "write 'ecs_metadata: true', or remove 'auth' to use the credential chain")
                return nil
            }
            return .ecsMetadata
        }
        if let passwordNode = entries["password"] {
            return readPasswordAuth(passwordNode)
        }
        if hasToken {
            if entries["token"] != nil && entries["token_file"] != nil {
                report(at: node, "'auth' sets both 'token' and 'token_file'", fix: "keep one of them")
                return nil
            }
            if entries["security_token"] != nil {
                report(
                    at: keyNode("security_token", in: node) ?? node, "'security_token' belongs to temporary access keys, not to a token",
                    fix: "remove it, or use access_key and secret_key")
            }
            return entries["token"].flatMap { secret($0, key: "token") }.map(AuthSpec.token)
                ?? entries["token_file"].flatMap { secretFile($0, key: "token_file") }.map(AuthSpec.token)
        }
        if hasAccessKey {
            guard let accessKeyNode = entries["access_key"] else {
                report(at: node, "'auth' has a secret key but no 'access_key'", fix: "add 'access_key: ${HUAWEICLOUD_SDK_AK}'")
                return nil
            }
            if entries["secret_key"] != nil && entries["secret_key_file"] != nil {
                report(at: node, "'auth' sets both 'secret_key' and 'secret_key_file'", fix: "keep one of them")
                return nil
            }
            let secretKey: SecretSource?
            if let node = entries["secret_key"] {
                secretKey = secret(node, key: "secret_key")
            } else if let node = entries["secret_key_file"] {
                secretKey = secretFile(node, key: "secret_key_file")
            } else {
                report(at: node, "'auth' has 'access_key' but no 'secret_key' or 'secret_key_file'", fix: "add 'secret_key: ${HUAWEICLOUD_SDK_SK}'")
                secretKey = nil
            }
            let accessKey = secret(accessKeyNode, key: "access_key")
            // An empty security token means "no temporary credentials", so one
            // file serves both: `security_token: ${HUAWEICLOUD_SDK_SECURITY_TOKEN:-}`.
            let securityToken = entries["security_token"].flatMap { node -> SecretSource? in
                if case .scalar(let scalar) = node, case .success("") = Interpolation.expand(scalar.string, environment: loader.environment) {
                    return nil
                }
                return secret(node, key: "security_token")
            }
            guard let accessKey, let secretKey else { return nil }
            return .accessKey(accessKey: accessKey, secretKey: secretKey, securityToken: securityToken)
        }
        report(
            at: node, "'auth' is empty",
            fix:
                "remove it to use the credential chain (HSS_AUTH_TOKEN, HUAWEICLOUD_SDK_AK/SK, the profile file, the ECS agency), or set token or access_key"
        )
        return nil
    }

    /// `password: {user, domain, password | password_file}`.
    mutating func readPasswordAuth(_ node: Node) -> AuthSpec? {
        guard let entries = mapping(node, context: "'auth.password'", allowed: Self.passwordKeys) else { return nil }
        let user = entries["user"].flatMap { string($0, key: "user") }
        let domain = entries["domain"].flatMap { string($0, key: "domain") }
        if entries["user"] == nil {
            report(at: node, "'auth.password' has no 'user'", fix: "add 'user: <IAM user name>'")
        }
        if entries["domain"] == nil {
            report(at: node, "'auth.password' has no 'domain'", fix: "add 'domain: <account name>'")
        }
        let password: SecretSource?
        switch (entries["password"], entries["password_file"]) {
        case (let value?, nil): password = secret(value, key: "password")
        case (nil, let file?): password = secretFile(file, key: "password_file")
        case (.some, .some):
            report(at: node, "'auth.password' sets both 'password' and 'password_file'", fix: "keep one of them")
            return nil
        case (nil, nil):
            report(
                at: node, "'auth.password' has no 'password' or 'password_file'", fix: "add 'password: ${HSS_IAM_PASSWORD}' or 'password_file: PATH'")
            return nil
        }
        guard let user, let domain, let password else { return nil }
        return .password(user: user, domain: domain, password: password)
    }

    /// A file holding a secret. Like ``secret(_:key:)``, an unset `${VAR}` in
    /// its path only matters for `run`.
    mutating func secretFile(_ node: Node, key: String) -> SecretSource? {
        switch secret(node, key: key) {
        case .value(let path?, _)?: return .file(FilePath.resolve(path, against: baseDirectory))
        case let other?: return other
        case nil: return nil
        }
    }

    /// A secret scalar. An unset `${VAR}` is only an error for `run`: `validate`
    /// must work on machines that hold no secrets.
    mutating func secret(_ node: Node, key: String) -> SecretSource? {
        guard case .scalar(let scalar) = node else {
            report(at: node, "'\(key)' must be a single value", fix: "write '\(key): ${VARIABLE}'")
            return nil
        }
        switch Interpolation.expand(scalar.string, environment: loader.environment) {
        case .success(let value) where !value.isEmpty:
            return .value(value, variable: nil)
        case .success:
            if loader.isForRun {
                report(at: node, "'\(key)' is empty", fix: "set the variable it names, or remove 'auth' to use the environment")
                return nil
            }
            return .value(nil, variable: nil)
        case .failure(.missingVariable(let name)):
            if loader.isForRun {
                report(at: node, "environment variable '\(name)' used by '\(key)' is not set", fix: "export \(name)=…")
                return nil
            }
            return .value(nil, variable: name)
        case .failure(.malformed(let text)):
            report(at: node, "malformed variable reference '\(text)' in '\(key)'", fix: "write ${NAME} or ${NAME:-default}")
            return nil
        }
    }
}
