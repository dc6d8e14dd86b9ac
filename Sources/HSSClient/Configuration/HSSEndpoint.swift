/// Where the HSS API lives: a region id, or an explicit URL.
///
/// Resolve it with ``resolve(environment:)``; ``HSSClient`` does that when it is created.
public enum HSSEndpoint: Sendable, Equatable, CustomStringConvertible {
    /// A Huawei Cloud region id such as `cn-north-4` or `ap-southeast-1`.
    ///
    /// Resolves to `https://hss.{region}.myhuaweicloud.com` (`eu-west-101` to
    /// `https://hss.eu-west-101.myhuaweicloud.eu`), unless the environment variable
    /// `HUAWEICLOUD_SDK_REGION_HSS_{REGION_UPPER_UNDERSCORED}` names another endpoint, as
    /// in the official SDK. Region ids the SDK does not list yet are accepted, so a new
    /// region works without a new release.
    case region(String)
    /// An explicit endpoint: `https://hss.example.com`, `http://127.0.0.1:8080`, or a bare
    /// host such as `hss.cn-north-4.myhuaweicloud.com` (which gets `https://`).
    case url(String)

    /// `region cn-north-4` or `url https://…`.
    public var description: String {
        switch self {
        case .region(let region): return "region \(region)"
        case .url(let url): return "url \(url)"
        }
    }

    /// The region id when the endpoint was given as one.
    public var regionID: String? {
        if case .region(let region) = self { return region }
        return nil
    }
}
