import ArgumentParser
import ExportPipeline
import ExportStageKit

/// Where to find HSS, for `query` and `wait` (which take no pipeline file).
struct SourceOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Region id, e.g. cn-north-4; selects https://hss.<region>.myhuaweicloud.com.", valueName: "region"))
    var region: String?

    @Option(
        help: ArgumentHelp("Explicit endpoint URL (https://… or http://127.0.0.1:PORT); overrides the region's endpoint.", valueName: "url"))
    var endpoint: String?

    @Option(name: .customLong("project-id"), help: ArgumentHelp("The project id (default: $HSS_PROJECT_ID).", valueName: "project-id"))
    var projectID: String?

    @Option(
        name: .customLong("enterprise-project-id"),
        help: ArgumentHelp("Sent as the enterprise_project_id query parameter.", valueName: "enterprise-project-id"))
    var enterpriseProjectID: String?

    @Option(name: .customLong("ca-file"), help: ArgumentHelp("PEM bundle of CA certificates to trust.", valueName: "file"))
    var caFile: String?

    @Flag(help: "Do not verify TLS certificates (test endpoints only).")
    var insecure = false

    @Option(
        name: .customLong("request-timeout"),
        help: ArgumentHelp("How long one request may take, e.g. 30s (default: 30s).", valueName: "duration"))
    var requestTimeout: String?

    func validate() throws {
        // The pipeline file's minimum for request_timeout.
        if let requestTimeout {
            _ = try DurationOption.parse(requestTimeout, option: "--request-timeout", minimum: .milliseconds(100))
        }
    }

    /// Refuses options without a place to ask: `--region` or `--endpoint` is needed.
    func requireLocation() throws {
        if region == nil && endpoint == nil {
            throw ValidationError("give --region or --endpoint")
        }
    }

    /// The options given, by name, for a command that takes its source elsewhere (`wait --pipeline`).
    var givenOptions: [String] {
        [
            region.map { _ in "--region" }, endpoint.map { _ in "--endpoint" }, projectID.map { _ in "--project-id" },
            enterpriseProjectID.map { _ in "--enterprise-project-id" }, caFile.map { _ in "--ca-file" },
            insecure ? "--insecure" : nil, requestTimeout.map { _ in "--request-timeout" },
        ].compactMap { $0 }
    }

    /// The source, with credentials from the environment.
    func sourceSpec(environment: [String: String]) throws -> SourceSpec {
        guard let projectID = projectID ?? environment["HSS_PROJECT_ID"], !projectID.isEmpty else {
            throw ValidationError("give --project-id or set HSS_PROJECT_ID")
        }
        return SourceSpec(
            region: region, endpoint: endpoint, projectID: projectID, enterpriseProjectID: enterpriseProjectID,
            caFile: caFile, insecure: insecure, requestTimeout: requestTimeout.flatMap(DurationText.parse) ?? .seconds(30),
            auth: .environment
        )
    }
}
