import ArgumentParser
import ExportPipeline
import Foundation
import HSSClient
import HSSSigning
import Logging

extension RunSession {
    /// A client for `source`, credentials resolved from `environment` (the
    /// chain, or the source's `auth:`) and the project id resolved too:
    /// the file's, else the one the credential source supplied, else IAM's
    /// project named after the region. A problem is exit 2, located in
    /// `pipeline` when there is one.
    ///
    /// Providers are shared per `auth:` within the session, so many sources
    /// with one auth share one ECS key refresh.
    func makeClient(
        for source: SourceSpec, pipeline: Pipeline? = nil, environment: [String: String]? = nil
    ) async throws(ArgumentParser.ExitCode) -> (client: HSSClient, credentials: ResolvedCredentials) {
        let environment = environment ?? self.environment
        do {
            let resolved = try await resolveCredentials(for: source, environment: environment)
            var resolvedSource = source
            resolvedSource.projectID = try await projectID(for: source, credentials: resolved, environment: environment)
            let first = try await resolved.provider.credentials(validFor: source.requestTimeout)
            var configuration = HSSClientConfiguration(source: resolvedSource, credentials: first, environment: environment)
            if !(resolved.provider is StaticCredentialProvider) { configuration.credentialProvider = resolved.provider }
            return (try HSSClient(configuration: configuration, logger: logger), resolved)
        } catch {
            if let pipeline, error is HSSConfigurationError {
                Console.writeStandardError(redactor.redact(Self.diagnostic(for: error, in: pipeline).description) + "\n")
                throw ArgumentParser.ExitCode(RunExitCode.usage)
            }
            // No pipeline: the source is query's or wait's options, so no fix may send the user to a file's source.
            if pipeline == nil, let credentialsError = error as? CredentialsError {
                throw failure(Self.commandLineWording(credentialsError), exitCode: .usage)
            }
            throw failure(error, exitCode: .usage)
        }
    }

    /// `error` for a source given by options (`query`, `wait` without
    /// `--pipeline`): fixes that name the pipeline file's `source` name the
    /// options and variables these commands read instead.
    static func commandLineWording(_ error: CredentialsError) -> CredentialsError {
        var error = error
        let replacements = [
            (
                "unset one of them, or name the credentials in the pipeline file's source.auth",
                "unset one of them: without a pipeline file, the credentials are HSS_AUTH_TOKEN, or HUAWEICLOUD_SDK_AK and "
                    + "HUAWEICLOUD_SDK_SK (+ HUAWEICLOUD_SDK_SECURITY_TOKEN), or a profile file (HUAWEICLOUD_SDK_CREDENTIALS_FILE), "
                    + "or the ECS agency"
            ),
            ("or set source.auth in the pipeline file", "or a profile file (HUAWEICLOUD_SDK_CREDENTIALS_FILE)"),
            ("set project_id in the pipeline file's source", "give --project-id (or set HSS_PROJECT_ID)"),
        ]
        for (file, options) in replacements {
            error.message = error.message.replacingOccurrences(of: file, with: options)
            error.fix = error.fix.replacingOccurrences(of: file, with: options)
        }
        return error
    }

    /// The chain's (or `auth:`'s) credentials for `source`, once per auth in this session;
    /// logs which source was used, never a value.
    func resolveCredentials(for source: SourceSpec, environment: [String: String]) async throws -> ResolvedCredentials {
        let key = CredentialCache.Key(
            session: ObjectIdentifier(redactor), auth: source.auth, environment: CredentialCache.relevant(environment),
            scope: { if case .password = source.auth { return "\(source.region ?? "")|\(source.projectID ?? "")" } else { return "" } }())
        let redactor = self.redactor
        let logger = self.logger
        return try await CredentialCache.shared.resolved(key) {
            let resolved = try await CredentialChain.resolve(
                source.auth, region: source.region, projectID: source.projectID, environment: environment, logger: logger,
                onSecrets: { redactor.add($0) })
            var metadata: Logger.Metadata = ["source": "\(resolved.sourceDescription)"]
            if let accessKeyID = resolved.accessKeyID { metadata["access_key"] = "\(accessKeyID)" }
            logger.info("credentials", metadata: metadata)
            return resolved
        }
    }

    /// The source's project: explicit, else the credential source's, else IAM's by region.
    func projectID(for source: SourceSpec, credentials: ResolvedCredentials, environment: [String: String]) async throws -> String {
        if let projectID = source.projectID { return projectID }
        if let projectID = credentials.projectID { return projectID }
        guard let region = source.region, !region.isEmpty else {
            throw CredentialsError(
                "the source has no project_id and no region to look it up by",
                fix: "add 'project_id: …' or 'region: …' to the source, or export HUAWEICLOUD_SDK_PROJECT_ID")
        }
        let endpoint = IAMService.endpoint(region: region, profileEndpoint: credentials.iamEndpoint, environment: environment)
        let logger = self.logger
        return try await CredentialCache.shared.project(
            CredentialCache.ProjectKey(credential: credentials.budgetKey, region: region, endpoint: endpoint)
        ) {
            let signing = try await credentials.provider.credentials(validFor: source.requestTimeout)
            let id = try await IAMService.projectID(region: region, endpoint: endpoint, credentials: signing, timeout: source.requestTimeout)
            logger.info("project id from IAM", metadata: ["region": "\(region)", "project_id": "\(id)"])
            return id
        }
    }
}

/// The session's credential providers and looked-up projects, so sources
/// with the same `auth:` share one provider (one ECS refresh, one login).
actor CredentialCache {
    static let shared = CredentialCache()

    struct Key: Hashable {
        var session: ObjectIdentifier
        var auth: AuthSpec
        var environment: [String: String]
        var scope: String
    }

    struct ProjectKey: Hashable {
        var credential: String
        var region: String
        var endpoint: String
    }

    private var providers: [Key: Task<ResolvedCredentials, any Error>] = [:]
    private var projects: [ProjectKey: Task<String, any Error>] = [:]

    /// The variables the chain reads: a session with other values gets other providers.
    static func relevant(_ environment: [String: String]) -> [String: String] {
        environment.filter { $0.key.hasPrefix("HUAWEICLOUD_") || $0.key.hasPrefix("HSS_") || $0.key == "HOME" }
    }

    func resolved(_ key: Key, _ make: @escaping @Sendable () async throws -> ResolvedCredentials) async throws -> ResolvedCredentials {
        if let task = providers[key] { return try await task.value }
        let task = Task { try await make() }
        providers[key] = task
        do {
            return try await task.value
        } catch {
            providers[key] = nil
            throw error
        }
    }

    func project(_ key: ProjectKey, _ lookup: @escaping @Sendable () async throws -> String) async throws -> String {
        if let task = projects[key] { return try await task.value }
        let task = Task { try await lookup() }
        projects[key] = task
        do {
            return try await task.value
        } catch {
            projects[key] = nil
            throw error
        }
    }
}
