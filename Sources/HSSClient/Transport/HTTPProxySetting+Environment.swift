import Foundation

extension HTTPProxySetting {
    /// Picks the proxy for `endpoint` from `environment`, or `nil` for a direct connection.
    ///
    /// - An `https` endpoint uses `HTTPS_PROXY` (or `https_proxy`), an `http` one
    ///   `HTTP_PROXY` (or `http_proxy`); the lower-case name wins when both are set, as
    ///   in curl.
    /// - `NO_PROXY` (or `no_proxy`) is a comma-separated list: `*` matches every host, any
    ///   other entry matches the host itself and every host ending in `.entry` (a leading
    ///   `.` is ignored; an entry `host:port` matches only that port).
    /// - Loopback (`localhost`, `127.0.0.0/8`, `::1`) is never proxied, as in Go's
    ///   `ProxyFromEnvironment`: a proxy elsewhere cannot reach this machine's
    ///   loopback, so proxying it (the simulator, the demo) can only fail.
    /// - Throws: ``HSSConfigurationError`` when the chosen proxy URL is malformed or not
    ///   an `http://` proxy.
    public static func select(for endpoint: ResolvedEndpoint, environment: [String: String]) throws -> HTTPProxySetting? {
        let names = endpoint.usesTLS ? ["https_proxy", "HTTPS_PROXY"] : ["http_proxy", "HTTP_PROXY"]
        guard let variable = names.first(where: { !(environment[$0] ?? "").trimmingCharacters(in: .whitespaces).isEmpty }),
            let raw = environment[variable]?.trimmingCharacters(in: .whitespaces)
        else { return nil }
        let noProxy = environment["no_proxy"] ?? environment["NO_PROXY"] ?? ""
        if isLoopback(endpoint.host) || bypasses(host: endpoint.host, port: endpoint.port, noProxy: noProxy) { return nil }
        return try parse(raw, variable: variable)
    }

    /// Whether the `NO_PROXY` list excludes `host`.
    static func bypasses(host: String, port: Int, noProxy: String) -> Bool {
        let host = host.lowercased()
        for rawEntry in noProxy.split(separator: ",") {
            var entry = rawEntry.trimmingCharacters(in: .whitespaces).lowercased()
            if entry.isEmpty { continue }
            if entry == "*" { return true }
            // `host:port` limits the entry to one port; an IPv6 address has several colons.
            if entry.filter({ $0 == ":" }).count == 1, let colon = entry.firstIndex(of: ":") {
                guard let entryPort = Int(entry[entry.index(after: colon)...]), entryPort == port else { continue }
                entry = String(entry[..<colon])
            }
            entry = entry.trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
            while entry.hasPrefix(".") || entry.hasPrefix("*.") {
                entry = String(entry.drop { $0 == "." || $0 == "*" })
            }
            if entry.isEmpty { continue }
            if host == entry || host.hasSuffix("." + entry) { return true }
        }
        return false
    }

    /// Parses `http://[user[:password]@]host[:port][/]`; a value without a scheme is
    /// read as `http://`, as curl does.
    static func parse(_ raw: String, variable: String) throws -> HTTPProxySetting {
        let candidate = raw.contains("://") ? raw : "http://" + raw
        let components = URLComponents(string: candidate)
        let shown = redacted(raw)
        guard let components, let scheme = components.scheme?.lowercased(), let host = components.host, !host.isEmpty else {
            throw HSSConfigurationError(
                setting: variable, value: shown, problem: "is not a proxy URL",
                fix: "set it to http://host:port (or unset it)"
            )
        }
        guard scheme == "http" else {
            throw HSSConfigurationError(
                setting: variable, value: shown, problem: "uses the scheme '\(scheme)', which is not supported",
                fix: "use an http:// proxy (HTTPS traffic still goes through it encrypted, via CONNECT)"
            )
        }
        guard components.percentEncodedPath.isEmpty || components.percentEncodedPath == "/" else {
            throw HSSConfigurationError(
                setting: variable, value: shown, problem: "has a path",
                fix: "set it to http://host:port"
            )
        }
        let port = components.port ?? 1080
        guard (1...65535).contains(port) else {
            throw HSSConfigurationError(setting: variable, value: shown, problem: "has the port \(port)", fix: "use a port between 1 and 65535")
        }
        return HTTPProxySetting(
            host: host.trimmingCharacters(in: CharacterSet(charactersIn: "[]")),
            port: port,
            username: components.user.flatMap { $0.isEmpty ? nil : $0 },
            password: components.password,
            variable: variable
        )
    }

    /// The proxy URL with the password of its userinfo replaced, for error messages.
    static func redacted(_ raw: String) -> String {
        let afterScheme = raw.range(of: "://").map { $0.upperBound } ?? raw.startIndex
        guard let at = raw[afterScheme...].lastIndex(of: "@") else { return raw }
        let userinfo = raw[afterScheme..<at]
        guard let colon = userinfo.firstIndex(of: ":") else { return raw }
        return String(raw[..<raw.index(after: colon)]) + "<redacted>" + String(raw[at...])
    }

    /// Whether `host` names this machine's loopback interface.
    static func isLoopback(_ host: String) -> Bool {
        let bare = host.trimmingCharacters(in: CharacterSet(charactersIn: "[]")).lowercased()
        if bare == "localhost" || bare.hasSuffix(".localhost") || bare == "::1" { return true }
        let octets = bare.split(separator: ".", omittingEmptySubsequences: false)
        return octets.count == 4 && octets[0] == "127" && octets.allSatisfy { UInt8($0) != nil }
    }
}
