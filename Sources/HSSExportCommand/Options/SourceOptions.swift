import ArgumentParser
import ExportPipeline
import ExportStageKit

/// Where to find HSS, for `query` and `wait` (which take no pipeline file).
struct SourceOptions: ParsableArguments {
    @Option(help: "Region id, e.g. cn-north-4; selects https://hss.<region>.myhuaweicloud.com.")
    var region: String?

    @Option(help: "Explicit endpoint URL (https://… or http://127.0.0.1:PORT); overrides the region's endpoint.")
    var endpoint: String?

    @Option(name: .customLong("project-id"), help: "The project id (default: $HSS_PROJECT_ID).")
    var projectID: String?

    @Option(name: .customLong("enterprise-project-id"), help: "Sent as the enterprise_project_id query parameter.")
    var enterpriseProjectID: String?

    @Option(name: .customLong("ca-file"), help: "PEM bundle of CA certificates to trust.")
    var caFile: String?

    @Flag(help: "Do not verify TLS certificates (test endpoints only).")
    var insecure = false

    @Option(name: .customLong("request-timeout"), help: "How long one request may take, e.g. 30s.")
    var requestTimeout: String = "30s"

    func validate() throws {
        if region == nil && endpoint == nil {
            throw ValidationError("give --region or --endpoint")
        }
        // The pipeline file's minimum for request_timeout.
        _ = try DurationOption.parse(requestTimeout, option: "--request-timeout", minimum: .milliseconds(100))
    }

    /// The source, with credentials from the environment.
    func sourceSpec(environment: [String: String]) throws -> SourceSpec {
        guard let projectID = projectID ?? environment["HSS_PROJECT_ID"], !projectID.isEmpty else {
            throw ValidationError("give --project-id or set HSS_PROJECT_ID")
        }
        return SourceSpec(
            region: region, endpoint: endpoint, projectID: projectID, enterpriseProjectID: enterpriseProjectID,
            caFile: caFile, insecure: insecure, requestTimeout: DurationText.parse(requestTimeout) ?? .seconds(30),
            auth: .environment
        )
    }
}
