public import ExportPipeline
import Foundation
public import HSSSigning

extension HSSCredentials {
    /// Resolves `spec`, reading files and the environment.
    ///
    /// - Throws: ``CredentialsError`` naming what is missing and how to provide it.
    public static func resolve(_ spec: AuthSpec, environment: [String: String]) throws(CredentialsError) -> HSSCredentials {
        switch spec {
        case .environment:
            let token = environment["HSS_AUTH_TOKEN"].flatMap { $0.isEmpty ? nil : $0 }
            let accessKey = environment["HUAWEICLOUD_SDK_AK"].flatMap { $0.isEmpty ? nil : $0 }
            let secretKey = environment["HUAWEICLOUD_SDK_SK"].flatMap { $0.isEmpty ? nil : $0 }
            switch (token, accessKey, secretKey) {
            case (.some, .some, _), (.some, _, .some):
                throw CredentialsError(
                    "both HSS_AUTH_TOKEN and HUAWEICLOUD_SDK_AK/SK are set",
                    fix: "unset one of them, or name the credentials in the pipeline file's source.auth")
            case (let token?, nil, nil):
                return .token(token)
            case (nil, let accessKey?, let secretKey?):
                let securityToken = environment["HUAWEICLOUD_SDK_SECURITY_TOKEN"].flatMap { $0.isEmpty ? nil : $0 }
                return .accessKey(AccessKeyCredentials(accessKey: accessKey, secretKey: secretKey, securityToken: securityToken))
            case (nil, .some, nil):
                throw CredentialsError("HUAWEICLOUD_SDK_AK is set but HUAWEICLOUD_SDK_SK is not", fix: "export HUAWEICLOUD_SDK_SK")
            case (nil, nil, .some):
                throw CredentialsError("HUAWEICLOUD_SDK_SK is set but HUAWEICLOUD_SDK_AK is not", fix: "export HUAWEICLOUD_SDK_AK")
            case (nil, nil, nil):
                throw CredentialsError(
                    "no credentials",
                    fix: "export HSS_AUTH_TOKEN, or HUAWEICLOUD_SDK_AK and HUAWEICLOUD_SDK_SK, or set source.auth in the pipeline file")
            }
        case .token(let source):
            return .token(try value(of: source, name: "token"))
        case let .accessKey(accessKey, secretKey, securityToken):
            let token: String? = try securityToken.map { (source) throws(CredentialsError) in try value(of: source, name: "security_token") }
            return .accessKey(
                AccessKeyCredentials(
                    accessKey: try value(of: accessKey, name: "access_key"),
                    secretKey: try value(of: secretKey, name: "secret_key"),
                    securityToken: token
                )
            )
        case .profile, .ecsMetadata, .password:
            throw CredentialsError(
                "this 'auth' form needs the credential chain (profile, ECS metadata, IAM login)", fix: "resolve it with CredentialChain.resolve")
        }
    }

    static func value(of source: SecretSource, name: String) throws(CredentialsError) -> String {
        switch source {
        case .value(let value?, _):
            return value
        case .value(nil, let variable?):
            throw CredentialsError("'\(name)' names the environment variable \(variable), which is not set", fix: "export \(variable)")
        case .value(nil, nil):
            throw CredentialsError("'\(name)' is empty", fix: "give it a value")
        case .file(let path):
            guard let data = FileManager.default.contents(atPath: path) else {
                throw CredentialsError("cannot read the \(name) file '\(path)'", fix: "check that it exists and is readable by this user")
            }
            let value = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            guard !value.isEmpty else { throw CredentialsError("the \(name) file '\(path)' is empty", fix: "write the secret into it") }
            return value
        }
    }
}

/// Credentials are missing or unreadable; never contains a secret.
public struct CredentialsError: Error, CustomStringConvertible, Sendable {
    /// What is wrong.
    public var message: String
    /// How to fix it.
    public var fix: String
    /// Whether the credential's source refused it (a wrong password, a server
    /// without an agency) rather than failing to answer: retrying cannot help.
    public var isRefusal: Bool

    /// Creates an error; neither text may hold a secret.
    public init(_ message: String, fix: String, isRefusal: Bool = false) {
        self.message = message
        self.fix = fix
        self.isRefusal = isRefusal
    }

    /// `credentials: message; fix`.
    public var description: String { "credentials: \(message); \(fix)" }
}
