import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

extension HostBudgetLedger {
    /// Creates ``directory`` (mode 0700, with its missing parents) and checks
    /// that it is safe to share: a real directory (not a symbolic link),
    /// owned by this user, writable by no one else. A directory anyone else
    /// could write would let them forge entries and stall every run, or
    /// erase them and get the credential throttled. The default directory's
    /// `hss-export` parent, which this creates too, is held to the same rules.
    public func prepareDirectory() throws(HostBudgetError) {
        var missing: [String] = []
        var path = directory
        while !path.isEmpty, path != "/", !Self.exists(path) {
            missing.append(path)
            path = Self.parent(of: path)
        }
        for component in missing.reversed() {
            if mkdir(component, 0o700) != 0, errno != EEXIST {
                throw HostBudgetError(path: component, kind: .system(operation: "mkdir", errno: errno))
            }
        }
        try Self.checkPrivate(directory)
        let parent = Self.parent(of: directory)
        if let name = parent.split(separator: "/").last, name.hasPrefix("hss-export") { try Self.checkPrivate(parent) }
    }

    private static func checkPrivate(_ path: String) throws(HostBudgetError) {
        // attributesOfItem does not follow a final symbolic link (lstat).
        let attributes: [FileAttributeKey: Any]
        do {
            attributes = try FileManager.default.attributesOfItem(atPath: path)
        } catch {
            throw HostBudgetError(path: path, kind: .system(operation: "stat", errno: errno == 0 ? ENOENT : errno))
        }
        guard attributes[.type] as? FileAttributeType == .typeDirectory else {
            throw HostBudgetError(path: path, kind: .unsafeDirectory(reason: "is not a directory (a symbolic link is refused too)"))
        }
        let owner = (attributes[.ownerAccountID] as? NSNumber)?.uint32Value
        guard owner == geteuid() else {
            throw HostBudgetError(
                path: path, kind: .unsafeDirectory(reason: "is owned by uid \(owner.map(String.init) ?? "?"), not by this user (uid \(geteuid()))"))
        }
        let mode = (attributes[.posixPermissions] as? NSNumber)?.intValue ?? 0o777
        guard mode & 0o022 == 0 else {
            throw HostBudgetError(
                path: path, kind: .unsafeDirectory(reason: "is writable by its group or others (mode \(String(mode & 0o777, radix: 8)))"))
        }
    }

    private static func exists(_ path: String) -> Bool {
        (try? FileManager.default.attributesOfItem(atPath: path)) != nil
    }

    private static func parent(of path: String) -> String {
        let trimmed = path.hasSuffix("/") ? String(path.dropLast()) : path
        guard let slash = trimmed.lastIndex(of: "/") else { return "" }
        return slash == trimmed.startIndex ? "/" : String(trimmed[..<slash])
    }
}
