public import ExportPipeline
import ExportStageKit
import Foundation
public import HSSSigning
public import Logging

/// The SDK's default credential chain, and the sources `auth:` can name.
///
/// Without `auth:` the order is: `HSS_AUTH_TOKEN` (hss-export's own), the
/// SDK's environment (`HUAWEICLOUD_SDK_AK` and `_SK`, both non-empty), the
/// profile file's `[basic]` (`ak` and `sk` both non-empty), the ECS agency.
/// As in the SDK (`huaweicloudsdkcore.auth.provider`), a source that is only
/// half there (an AK without SK, a profile without `sk`, no file, no section)
/// is skipped, and a profile file that does not parse is an error.
public enum CredentialChain {
    /// What the chain picked, before anything is fetched.
    public enum Choice: Sendable, Equatable {
        /// Fixed credentials; `projectID` and `iamEndpoint` as that source gave them.
        case fixed(HSSCredentials, source: String, projectID: String?, iamEndpoint: String?)
        /// The ECS agency's keys.
        case metadata(endpoint: String)
        /// A password login.
        case password(user: String, domain: String, password: String)

        /// Where the credentials come from, never a value.
        public var sourceDescription: String {
            switch self {
            case .fixed(_, let source, _, _): return source
            case .metadata: return "ECS metadata (agency)"
            case .password(let user, let domain, _): return "IAM password login (\(domain)/\(user))"
            }
        }
    }

    /// The profile file: `HUAWEICLOUD_SDK_CREDENTIALS_FILE` when set and not
    /// empty, else `$HOME/.huaweicloud/credentials` (`nil` without `HOME`).
    public static func profilePath(environment: [String: String]) -> String? {
        if let path = environment["HUAWEICLOUD_SDK_CREDENTIALS_FILE"], !path.isEmpty { return path }
        guard let home = environment["HOME"], !home.isEmpty else { return nil }
        return (home as NSString).appendingPathComponent(".huaweicloud/credentials")
    }

    /// The metadata service: `HSS_EXPORT_METADATA_ENDPOINT`, else `http://169.254.169.254`.
    public static func metadataEndpoint(environment: [String: String]) -> String {
        environment["HSS_EXPORT_METADATA_ENDPOINT"].flatMap { $0.isEmpty ? nil : $0 } ?? ECSMetadataCredentialProvider.defaultEndpoint
    }

    /// How long each metadata request may take: `HSS_EXPORT_METADATA_TIMEOUT`
    /// (a duration such as `5s`), else 2 s. The service is on the host's own
    /// link, so 2 s is generous; the variable is for tests whose stand-in
    /// service shares a loaded machine, and for unusual networks.
    public static func metadataTimeout(environment: [String: String]) -> Duration {
        guard let text = environment["HSS_EXPORT_METADATA_TIMEOUT"], let duration = DurationText.parse(text),
            duration >= .milliseconds(100), duration <= .seconds(300)
        else { return .seconds(2) }
        return duration
    }

    /// Picks the source for `spec` without any network request. `warn` gets
    /// the notes a user should see (a skipped half-set source, a profile file
    /// others can read).
    public static func choose(
        _ spec: AuthSpec, environment: [String: String], warn: (String) -> Void = { _ in }
    ) throws(CredentialsError) -> Choice {
        func set(_ name: String) -> String? { environment[name].flatMap { $0.isEmpty ? nil : $0 } }
        switch spec {
        case .token, .accessKey:
            let source = if case .token = spec { "pipeline file (auth.token)" } else { "pipeline file (auth.access_key)" }
            return .fixed(try HSSCredentials.resolve(spec, environment: environment), source: source, projectID: nil, iamEndpoint: nil)
        case .ecsMetadata:
            return .metadata(endpoint: metadataEndpoint(environment: environment))
        case .password(let user, let domain, let password):
            return .password(user: user, domain: domain, password: try HSSCredentials.value(of: password, name: "password"))
        case .profile(let name):
            guard let path = profilePath(environment: environment) else {
                throw CredentialsError("auth.profile needs a credentials file, but HOME is not set", fix: "set HUAWEICLOUD_SDK_CREDENTIALS_FILE")
            }
            switch try profile(name, path: path, warn: warn) {
            case .found(let choice): return choice
            case .missing(let why): throw CredentialsError("auth.profile '\(name)': \(why)", fix: "add a [\(name)] section with ak and sk to \(path)")
            }
        case .environment:
            break
        }
        let token = set("HSS_AUTH_TOKEN")
        let accessKey = set("HUAWEICLOUD_SDK_AK")
        let secretKey = set("HUAWEICLOUD_SDK_SK")
        if token != nil && (accessKey != nil || secretKey != nil) {
            throw CredentialsError(
                "both HSS_AUTH_TOKEN and HUAWEICLOUD_SDK_AK/SK are set",
                fix: "unset one of them, or name the credentials in the pipeline file's source.auth")
        }
        if let token {
            return .fixed(.token(token), source: "environment (HSS_AUTH_TOKEN)", projectID: nil, iamEndpoint: nil)
        }
        // The SDK tries OIDC first; hss-export cannot, so it must not quietly pick another source.
        if set("HUAWEICLOUD_OIDC_PROVIDER_URN") != nil, set("HUAWEICLOUD_OIDC_AGENCY_URN") != nil,
            set("HUAWEICLOUD_OIDC_ID_TOKEN") != nil || set("HUAWEICLOUD_OIDC_TOKEN_FILE") != nil
        {
            throw CredentialsError(
                "HUAWEICLOUD_OIDC_* select the SDK's OIDC credentials, which hss-export does not support",
                fix: "unset them and use HUAWEICLOUD_SDK_AK/SK, a profile file or the ECS agency")
        }
        if set("HUAWEICLOUD_SDK_IDP_ID") != nil, set("HUAWEICLOUD_SDK_ID_TOKEN_FILE") != nil {
            throw CredentialsError(
                "HUAWEICLOUD_SDK_IDP_ID and HUAWEICLOUD_SDK_ID_TOKEN_FILE select federated credentials, which hss-export does not support",
                fix: "unset them and use HUAWEICLOUD_SDK_AK/SK, a profile file or the ECS agency")
        }
        if let accessKey, let secretKey {
            return .fixed(
                .accessKey(AccessKeyCredentials(accessKey: accessKey, secretKey: secretKey, securityToken: set("HUAWEICLOUD_SDK_SECURITY_TOKEN"))),
                source: "environment (HUAWEICLOUD_SDK_AK/SK)", projectID: set("HUAWEICLOUD_SDK_PROJECT_ID"), iamEndpoint: nil)
        }
        if accessKey != nil || secretKey != nil {
            let (given, missing) = accessKey != nil ? ("HUAWEICLOUD_SDK_AK", "HUAWEICLOUD_SDK_SK") : ("HUAWEICLOUD_SDK_SK", "HUAWEICLOUD_SDK_AK")
            warn("\(given) is set but \(missing) is not: skipping the environment, as the SDK does")
        }
        if let path = profilePath(environment: environment) {
            switch try profile("basic", path: path, warn: warn) {
            case .found(let choice): return choice
            case .missing(let why): if why != "file does not exist" { warn("skipping the profile file: \(why)") }
            }
        }
        return .metadata(endpoint: metadataEndpoint(environment: environment))
    }

    enum ProfileLookup {
        case found(Choice)
        case missing(String)
    }

    static func profile(_ section: String, path: String, warn: (String) -> Void) throws(CredentialsError) -> ProfileLookup {
        let file: ProfileFile?
        do {
            file = try ProfileFile.read(path: path)
        } catch {
            throw CredentialsError(error.description, fix: "the SDK refuses this file too")
        }
        guard let file else { return .missing("file does not exist") }
        checkPermissions(path: path, warn: warn)
        let items: [String: String]?
        do {
            items = try file.items(section, path: path)
        } catch {
            throw CredentialsError(error.description, fix: "the SDK refuses this file too")
        }
        guard let items else { return .missing("\(path) has no section [\(section)]") }
        func set(_ key: String) -> String? { items[key].flatMap { $0.isEmpty ? nil : $0 } }
        if set("idp_id") != nil, set("id_token_file") != nil {
            throw CredentialsError(
                "[\(section)] in \(path) sets idp_id and id_token_file (federated credentials), which hss-export does not support",
                fix: "use ak and sk in that section")
        }
        guard let ak = set("ak"), let sk = set("sk") else {
            return .missing("[\(section)] in \(path) has no ak and sk")
        }
        let display = path.replacingOccurrences(of: NSHomeDirectory(), with: "~")
        return .found(
            .fixed(
                .accessKey(AccessKeyCredentials(accessKey: ak, secretKey: sk, securityToken: set("security_token"))),
                source: "profile [\(section)] in \(display)", projectID: set("project_id"), iamEndpoint: set("iam_endpoint")))
    }

    /// Warns, as ssh does for a private key, when group or others may read the file.
    static func checkPermissions(path: String, warn: (String) -> Void) {
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: path),
            let mode = (attributes[.posixPermissions] as? NSNumber)?.intValue
        else { return }
        if mode & 0o077 != 0 {
            warn(
                "credentials file '\(path)' is accessible by group or others (mode \(String(format: "%04o", mode))): "
                    + "it holds a secret key; run 'chmod 600 \(path)'")
        }
    }

    /// A secret-free identity: `ak-` or `token-` and 16 hex digits of SHA-256.
    static func budgetKey(_ credentials: HSSCredentials) -> String {
        switch credentials {
        case .token(let token): return "token-" + hash(token)
        case .accessKey(let keys): return "ak-" + hash(keys.accessKey)
        }
    }

    static func hash(_ text: String) -> String {
        var hasher = StreamingSHA256()
        hasher.update(Array(text.utf8))
        return String(hasher.finalize().prefix(16))
    }

    /// Picks the source for `spec` and makes its provider; for the ECS agency
    /// and a password login, the first credentials are fetched now, so an
    /// unreachable source fails before the run starts.
    /// - Parameters:
    ///   - region: The source's region (a password token is scoped to it when `projectID` is nil).
    ///   - onSecrets: Receives every secret obtained, now and at each refresh.
    public static func resolve(
        _ spec: AuthSpec, region: String?, projectID: String?, environment: [String: String], logger: Logger,
        onSecrets: @escaping @Sendable ([String]) -> Void
    ) async throws -> ResolvedCredentials {
        let choice = try choose(spec, environment: environment) { logger.warning("\($0)") }
        switch choice {
        case let .fixed(credentials, source, project, iamEndpoint):
            onSecrets(credentials.secrets)
            var accessKeyID: String?
            if case .accessKey(let keys) = credentials { accessKeyID = keys.accessKey }
            return ResolvedCredentials(
                provider: StaticCredentialProvider(credentials), sourceDescription: source, budgetKey: budgetKey(credentials),
                projectID: project, iamEndpoint: iamEndpoint, accessKeyID: accessKeyID)
        case .metadata(let endpoint):
            let provider = ECSMetadataCredentialProvider(
                endpoint: endpoint, timeout: metadataTimeout(environment: environment), logger: logger, onSecrets: onSecrets)
            let first = try await provider.credentials(validFor: .seconds(30))
            var accessKeyID: String?
            if case .accessKey(let keys) = first { accessKeyID = keys.accessKey }
            return ResolvedCredentials(
                provider: provider, sourceDescription: choice.sourceDescription, budgetKey: "ecs-agency", accessKeyID: accessKeyID)
        case let .password(user, domain, password):
            onSecrets([password])
            let endpoint = IAMService.endpoint(region: region, profileEndpoint: nil, environment: environment)
            let provider = PasswordTokenProvider(
                login: .init(user: user, domain: domain, password: password), endpoint: endpoint, projectID: projectID, region: region,
                logger: logger, onSecrets: onSecrets)
            _ = try await provider.credentials(validFor: .seconds(30))
            return ResolvedCredentials(provider: provider, sourceDescription: choice.sourceDescription, budgetKey: "user-\(domain)/\(user)")
        }
    }
}
