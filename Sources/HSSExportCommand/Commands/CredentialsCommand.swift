import ArgumentParser
import ExportPipeline
import ExportStageKit
import Foundation
import HSSClient
import HSSSigning

/// `hss-export credentials [PIPELINE]`: which credential source the chain picks,
/// for debugging (and for comparing with the SDK); never a secret.
struct CredentialsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "credentials",
        abstract: "Show which credential source hss-export would use (never a secret), one JSON line per source.",
        discussion:
            "Without a pipeline file, the credential chain: HSS_AUTH_TOKEN, HUAWEICLOUD_SDK_AK/SK, the profile file "
            + "(HUAWEICLOUD_SDK_CREDENTIALS_FILE or ~/.huaweicloud/credentials, [basic]), the ECS agency. "
            + "With --fetch, ECS keys and password tokens are fetched and a missing project id is looked up in IAM. Exits 2 when no source works.\n\n"
            + "Examples:\n"
            + "  hss-export credentials\n"
            + "  hss-export credentials /etc/hss-export/nightly.pipeline.yaml\n"
            + "  hss-export credentials --fetch --region cn-north-4"
    )

    @Argument(help: ArgumentHelp("A pipeline file; each source's auth is shown. Default: the chain.", valueName: "file"))
    var pipeline: String?

    @Option(help: ArgumentHelp("The region, for --fetch's project lookup without a pipeline file.", valueName: "region"))
    var region: String?

    @Flag(help: "Fetch the credentials (metadata keys, IAM login) and resolve the project id.")
    var fetch = false

    @OptionGroup var logging: LoggingOptions

    func run() async throws {
        let session = RunSession(logging: logging)
        let sources: [SourceSpec]
        if let pipeline {
            sources = try session.loadForRun(pipeline).sources
        } else {
            sources = [SourceSpec(region: region, auth: .environment)]
        }
        for source in sources {
            var line = OrderedLine()
            if !source.name.isEmpty { line["name"] = .string(source.name) }
            do {
                if fetch {
                    let resolved = try await session.resolveCredentials(for: source, environment: session.environment)
                    line["source"] = .string(resolved.sourceDescription)
                    line["kind"] = .string(Self.kind(resolved.sourceDescription))
                    if let accessKeyID = resolved.accessKeyID { line["access_key"] = .string(accessKeyID) }
                    line["budget_key"] = .string(resolved.budgetKey)
                    if source.projectID != nil || resolved.projectID != nil || source.region != nil {
                        line["project_id"] = .string(
                            try await session.projectID(for: source, credentials: resolved, environment: session.environment))
                    }
                } else {
                    let choice = try CredentialChain.choose(source.auth, environment: session.environment) { session.logger.warning("\($0)") }
                    line["source"] = .string(choice.sourceDescription)
                    line["kind"] = .string(Self.kind(choice.sourceDescription))
                    switch choice {
                    case let .fixed(credentials, _, projectID, _):
                        if case .accessKey(let keys) = credentials { line["access_key"] = .string(keys.accessKey) }
                        if let projectID = source.projectID ?? projectID { line["project_id"] = .string(projectID) }
                    case .metadata(let endpoint):
                        line["metadata_endpoint"] = .string(endpoint)
                    case .password:
                        break
                    }
                }
            } catch {
                throw session.failure(error, exitCode: .usage)
            }
            Console.printLine(session.redactor.redact(JSONValue.object(line.entries).serialized))
        }
    }

    /// A short name of the source: token, environment, profile, metadata, password, pipeline.
    static func kind(_ description: String) -> String {
        if description.hasPrefix("environment (HSS_AUTH_TOKEN") { return "token" }
        if description.hasPrefix("environment") { return "environment" }
        if description.hasPrefix("profile") { return "profile" }
        if description.hasPrefix("ECS") { return "metadata" }
        if description.hasPrefix("IAM") { return "password" }
        return "pipeline"
    }

    /// A JSON object's entries in the order they are set.
    struct OrderedLine {
        var entries: [(key: String, value: JSONValue)] = []
        subscript(key: String) -> JSONValue? {
            get { entries.first { $0.key == key }?.value }
            set {
                entries.removeAll { $0.key == key }
                if let newValue { entries.append((key, newValue)) }
            }
        }
    }
}
