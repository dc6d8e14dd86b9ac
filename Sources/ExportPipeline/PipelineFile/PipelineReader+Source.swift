import ExportStageKit
import Foundation
import Yams

extension PipelineReader {
    static let sourceKeys = ["region", "endpoint", "project_id", "enterprise_project_id", "ca_file", "insecure", "request_timeout", "auth"]

    /// Reads the single `source:` section.
    mutating func readSource(_ node: Node) -> SourceSpec? {
        guard
            let entries = mapping(
                node, context: "'source'", allowed: Self.sourceKeys,
                example: "'source:' and below it, indented, 'region: cn-north-4' (or 'endpoint: https://…') and 'project_id: …'")
        else { return nil }
        return readSourceSettings(entries, node: node, label: "'source'", locationKey: "source")
    }

    /// The settings a `source:` and each `sources:` entry share, from the
    /// entry's already checked keys; `locationKey` names the entry in
    /// ``Pipeline/locations`` (`source`, `sources[2]`).
    mutating func readSourceSettings(_ entries: [String: Node], node: Node, label: String, locationKey: String, name: String = "") -> SourceSpec? {
        let region = entries["region"].flatMap { string($0, key: "region") }
        // Their syntax is the client's to check (once, where the endpoint is
        // resolved); the loader remembers where they are for its diagnostics.
        let endpoint = entries["endpoint"].flatMap { string($0, key: "endpoint") }
        locations[locationKey] = location(of: node)
        for key in ["region", "endpoint"] {
            if let valueNode = entries[key] { locations["\(locationKey).\(key)"] = location(of: valueNode) }
        }
        if entries["region"] == nil && entries["endpoint"] == nil {
            report(at: node, "\(label) needs 'region' or 'endpoint'", fix: "add 'region: cn-north-4' (or your region), or 'endpoint: https://…'")
        }
        // Optional: the run takes HUAWEICLOUD_SDK_PROJECT_ID or the profile's,
        // else asks IAM for the region's project.
        let projectID = entries["project_id"].flatMap { string($0, key: "project_id") }
        let enterpriseProjectID = entries["enterprise_project_id"].flatMap { string($0, key: "enterprise_project_id") }
        let caFile = entries["ca_file"].flatMap { string($0, key: "ca_file") }.map { FilePath.resolve($0, against: baseDirectory) }
        let insecure = entries["insecure"].flatMap { bool($0, key: "insecure") } ?? false
        let requestTimeout = entries["request_timeout"].flatMap { duration($0, key: "request_timeout", minimum: .milliseconds(100)) } ?? .seconds(30)
        let auth = entries["auth"].flatMap { readAuth($0) } ?? .environment
        if entries["project_id"] != nil, projectID == nil { return nil }
        return SourceSpec(
            name: name, region: region, endpoint: endpoint, projectID: projectID, enterpriseProjectID: enterpriseProjectID,
            caFile: caFile, insecure: insecure, requestTimeout: requestTimeout, auth: auth
        )
    }
}
