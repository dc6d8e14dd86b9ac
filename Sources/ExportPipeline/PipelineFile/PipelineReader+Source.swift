import ExportStageKit
import Foundation
import Yams

extension PipelineReader {
    static let sourceKeys = ["region", "endpoint", "project_id", "enterprise_project_id", "ca_file", "insecure", "request_timeout", "auth"]

    mutating func readSource(_ node: Node) -> SourceSpec? {
        guard let entries = mapping(node, context: "'source'", allowed: Self.sourceKeys) else { return nil }
        let region = entries["region"].flatMap { string($0, key: "region") }
        // Their syntax is the client's to check (once, where the endpoint is
        // resolved); the loader remembers where they are for its diagnostics.
        let endpoint = entries["endpoint"].flatMap { string($0, key: "endpoint") }
        locations["source"] = location(of: node)
        for key in ["region", "endpoint"] {
            if let valueNode = entries[key] { locations["source.\(key)"] = location(of: valueNode) }
        }
        if entries["region"] == nil && entries["endpoint"] == nil {
            report(at: node, "'source' needs 'region' or 'endpoint'", fix: "add 'region: cn-north-4' (or your region), or 'endpoint: https://…'")
        }
        let projectID = entries["project_id"].flatMap { string($0, key: "project_id") }
        if entries["project_id"] == nil {
            report(
                at: node, "missing key 'project_id' in 'source'", fix: "add 'project_id: <your project id>' (IAM console, My Credentials, Projects)")
        }
        let enterpriseProjectID = entries["enterprise_project_id"].flatMap { string($0, key: "enterprise_project_id") }
        let caFile = entries["ca_file"].flatMap { string($0, key: "ca_file") }.map { FilePath.resolve($0, against: baseDirectory) }
        let insecure = entries["insecure"].flatMap { bool($0, key: "insecure") } ?? false
        let requestTimeout = entries["request_timeout"].flatMap { duration($0, key: "request_timeout", minimum: .milliseconds(100)) } ?? .seconds(30)
        let auth = entries["auth"].flatMap { readAuth($0) } ?? .environment
        guard let projectID else { return nil }
        let spec = SourceSpec(
            region: region, endpoint: endpoint, projectID: projectID, enterpriseProjectID: enterpriseProjectID,
            caFile: caFile, insecure: insecure, requestTimeout: requestTimeout, auth: auth
        )
        return spec
    }
}
