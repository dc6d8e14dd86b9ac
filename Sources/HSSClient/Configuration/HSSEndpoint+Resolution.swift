import Foundation

extension HSSEndpoint {
    /// The prefix of the SDK's per-region endpoint override variables.
    public static let regionOverridePrefix = "HUAWEICLOUD_SDK_REGION_HSS_"

    /// The name of the variable that overrides the endpoint of `region`, e.g.
    /// `HUAWEICLOUD_SDK_REGION_HSS_CN_NORTH_4`.
    public static func overrideVariable(for region: String) -> String {
        regionOverridePrefix + region.replacingOccurrences(of: "-", with: "_").uppercased()
    }

    /// Turns the endpoint into a base URL.
    ///
    /// - Parameter environment: Where the region override variable is looked up.
    /// - Throws: ``HSSConfigurationError`` for a malformed region id or URL.
    public func resolve(environment: [String: String]) throws -> ResolvedEndpoint {
        switch self {
        case .region(let region):
            guard Self.isWellFormedRegion(region) else {
                throw HSSConfigurationError(
                    setting: "region",
                    value: region,
                    problem: "is not a region id",
                    fix: "use a Huawei Cloud region id such as cn-north-4 or ap-southeast-1, or give an endpoint URL instead"
                )
            }
            let variable = Self.overrideVariable(for: region)
            // Like the SDK, the variable may list several endpoints separated by commas;
            // the SDK would fail over between them, we use the first.
            if let override = environment[variable]?
                .split(separator: ",")
                .map({ $0.trimmingCharacters(in: .whitespaces) })
                .first(where: { !$0.isEmpty })
            {
                return try Self.parseURL(override, setting: variable)
            }
            let domain = region == "eu-west-101" ? "myhuaweicloud.eu" : "myhuaweicloud.com"
            return try Self.parseURL("https://hss.\(region).\(domain)", setting: "region")
        case .url(let url):
            return try Self.parseURL(url, setting: "endpoint")
        }
    }

    /// Lower-case letters, digits and single hyphens, starting with a letter:
    /// `cn-north-4`, `my-kualalumpur-1`, `eu-west-101`.
    static func isWellFormedRegion(_ region: String) -> Bool {
        let parts = region.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count >= 2, let first = region.unicodeScalars.first, ("a"..."z").contains(first) else { return false }
        return parts.allSatisfy { part in
            !part.isEmpty && part.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) }
        }
    }

    /// Parses an endpoint as the SDK does (a value starting with `http` is kept, a bare host
    /// gets `https://`) and rejects what cannot be a base URL.
    static func parseURL(_ raw: String, setting: String) throws -> ResolvedEndpoint {
        let trimmed = raw.trimmingCharacters(in: .whitespaces)
        // The value is echoed in every error, so anything that could be user information
        // (`user:TOKEN@`) is masked first.
        func invalid(_ problem: String, _ fix: String) -> HSSConfigurationError {
            HSSConfigurationError(setting: setting, value: maskingUserInformation(raw), problem: problem, fix: fix)
        }
        let example = "for example https://hss.cn-north-4.myhuaweicloud.com or http://127.0.0.1:8080"
        guard !trimmed.isEmpty else { throw invalid("is empty", "give the HSS endpoint URL, \(example)") }
        // Checked before parsing: `http://user:TOKEN@host` is refused whatever else is wrong
        // with it, and the token never reaches a message.
        if userInformationRange(trimmed) != nil {
            throw invalid(Self.userInformationProblem, Self.userInformationFix)
        }
        // The SDK keeps any value starting with "http"; a value naming another scheme is kept
        // too, so it is rejected for its scheme instead of becoming https://ftp://….
        let candidate = trimmed.lowercased().hasPrefix("http") || trimmed.contains("://") ? trimmed : "https://" + trimmed
        guard let components = URLComponents(string: candidate), let scheme = components.scheme?.lowercased() else {
            throw invalid("is not a URL", "give the HSS endpoint URL, \(example)")
        }
        guard scheme == "https" || scheme == "http" else {
            throw invalid("uses the scheme '\(scheme)'", "use https:// (or http:// for a local simulator)")
        }
        guard let host = components.host, !host.isEmpty else {
            throw invalid("has no host", "give the HSS endpoint URL, \(example)")
        }
        guard host.unicodeScalars.allSatisfy(Self.isHostCharacter) else {
            throw invalid("has an invalid host name '\(host)'", "give the HSS endpoint URL, \(example)")
        }
        guard components.user == nil, components.password == nil else {
            throw invalid(Self.userInformationProblem, Self.userInformationFix)
        }
        guard components.percentEncodedPath.isEmpty || components.percentEncodedPath == "/" else {
            throw invalid(
                "has the path '\(components.percentEncodedPath)'",
                "give only scheme, host and port; the client adds /v5/{project_id}/… itself"
            )
        }
        guard components.percentEncodedQuery == nil, components.percentEncodedFragment == nil else {
            throw invalid("has a query or fragment", "give only scheme, host and port")
        }
        if let port = components.port, !(1...65535).contains(port) {
            throw invalid("has the port \(port)", "use a port between 1 and 65535")
        }
        let hostForURL = host.contains(":") && !host.hasPrefix("[") ? "[\(host)]" : host
        let authority = components.port.map { "\(hostForURL):\($0)" } ?? hostForURL
        return ResolvedEndpoint(
            scheme: scheme,
            host: host.trimmingCharacters(in: CharacterSet(charactersIn: "[]")),
            port: components.port ?? (scheme == "https" ? 443 : 80),
            authority: authority
        )
    }

    /// What is wrong with an endpoint that has user information; it names no part of it.
    static let userInformationProblem = "has user information (user:***@), which HSS does not use"
    /// The fix for an endpoint with user information.
    static let userInformationFix = "remove it and use auth: instead (a token or an access key, e.g. from HSS_AUTH_TOKEN)"

    private static func isHostCharacter(_ scalar: Unicode.Scalar) -> Bool {
        ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar) || ("0"..."9").contains(scalar)
            || scalar == "-" || scalar == "." || scalar == ":" || scalar == "[" || scalar == "]" || scalar == "_"
    }
}

/// The range of the user information in `text`, an endpoint as written (`http://u:p@host`
/// or `u:p@host`): from after `://` (or the start) to the last `@` before the first `/`,
/// `?` or `#` of the authority, that `@` included; `nil` without one.
func userInformationRange(_ text: String) -> Range<String.Index>? {
    let authorityStart = text.range(of: "://")?.upperBound ?? text.startIndex
    let rest = text[authorityStart...]
    let authorityEnd = rest.firstIndex { $0 == "/" || $0 == "?" || $0 == "#" || $0 == "\\" } ?? text.endIndex
    guard let at = text[authorityStart..<authorityEnd].lastIndex(of: "@") else { return nil }
    return authorityStart..<text.index(after: at)
}

/// `text` with its user information replaced by `***@`: `http://***@host:8080`.
func maskingUserInformation(_ text: String) -> String {
    guard let range = userInformationRange(text) else { return text }
    var masked = text
    masked.replaceSubrange(range, with: "***@")
    return masked
}
