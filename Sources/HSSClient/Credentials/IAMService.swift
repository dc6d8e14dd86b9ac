import Foundation
public import HSSSigning
import NIOHTTP1

/// The two IAM calls credentials need: a password login and the project of a region.
public enum IAMService {
    /// The IAM endpoint for `region`: `HSS_EXPORT_IAM_ENDPOINT`, else the profile's
    /// `iam_endpoint`, else the SDK's `HUAWEICLOUD_SDK_IAM_ENDPOINT`, else
    /// `https://iam.{region}.myhuaweicloud.com` (`https://iam.myhuaweicloud.com` without one).
    public static func endpoint(region: String?, profileEndpoint: String?, environment: [String: String]) -> String {
        func set(_ value: String?) -> String? { value.flatMap { $0.isEmpty ? nil : $0 } }
        let regional = region.map { "https://iam.\($0).myhuaweicloud.com" } ?? "https://iam.myhuaweicloud.com"
        var endpoint: String =
            set(environment["HSS_EXPORT_IAM_ENDPOINT"]) ?? set(profileEndpoint) ?? set(environment["HUAWEICLOUD_SDK_IAM_ENDPOINT"]) ?? regional
        if !endpoint.hasPrefix("http") { endpoint = "https://" + endpoint }
        while endpoint.hasSuffix("/") { endpoint.removeLast() }
        return endpoint
    }

    /// The id of the single project named `region` (`GET /v3/projects?name=`), signed with `credentials`.
    ///
    /// - Throws: ``CredentialsError`` listing what was found when there is none or several.
    public static func projectID(region: String, endpoint: String, credentials: HSSCredentials, timeout: Duration) async throws -> String {
        let path = "/v3/projects"
        let query = [(name: "name", value: region)]
        let url = endpoint + path + "?" + CanonicalRequest.canonicalQueryString(query)
        let authority = URL(string: endpoint).map { url in url.host.map { host in url.port.map { "\(host):\($0)" } ?? host } ?? "" } ?? ""
        let base: [(name: String, value: String)] = [("Content-Type", "application/json"), ("User-Agent", HSSClientConfiguration.defaultUserAgent)]
        let headers: [(name: String, value: String)]
        switch credentials {
        case .token(let token):
            headers = base + [("X-Auth-Token", token)]
        case .accessKey(let keys):
            headers = SDKHMACSigner(credentials: keys).sign(
                SigningRequest(method: "GET", host: authority, path: path, query: query, headers: base), date: Date())
        }
        let answer: CredentialHTTP.Answer
        do {
            answer = try await CredentialHTTP.send(
                .GET, url, headers: headers.map { ($0.name, $0.value) }, timeout: timeout, connectTimeout: .seconds(10))
        } catch {
            throw CredentialsError(
                "cannot ask IAM at \(endpoint) for the project of region '\(region)' (\(error))",
                fix: "set project_id in the pipeline file's source (or HUAWEICLOUD_SDK_PROJECT_ID), or HSS_EXPORT_IAM_ENDPOINT")
        }
        guard answer.status == 200 else {
            throw CredentialsError(
                "IAM at \(endpoint) refused GET /v3/projects?name=\(region) with HTTP \(answer.status)",
                fix: "set project_id in the pipeline file's source (or HUAWEICLOUD_SDK_PROJECT_ID), or give the credentials IAM read permission")
        }
        let object = (try? JSONSerialization.jsonObject(with: Data(answer.body))) as? [String: Any]
        let projects = (object?["projects"] as? [[String: Any]]) ?? []
        let ids = projects.compactMap { $0["id"] as? String }
        switch ids.count {
        case 1:
            return ids[0]
        case 0:
            throw CredentialsError(
                "IAM at \(endpoint) knows no project named '\(region)' for these credentials",
                fix: "check the region, or set project_id in the pipeline file's source (IAM console > My Credentials > Projects)")
        default:
            let listed = projects.map { "\($0["id"] as? String ?? "?") (\($0["name"] as? String ?? "?"))" }.joined(separator: ", ")
            throw CredentialsError(
                "IAM at \(endpoint) has \(ids.count) projects named '\(region)': \(listed)",
                fix: "set project_id in the pipeline file's source to one of them")
        }
    }
}
