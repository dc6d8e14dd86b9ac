import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// The hidden directory an extraction is built in, beside its target, then renamed into place.
final class StagingDirectory {
    let path: String
    private let parent: String
    private let base: String
    private let archive: String
    private var createdDirectories: [String] = []

    /// Creates `.<base>.tmp-<pid>-<random>` in `parent`, mode 0700 while it is being filled,
    /// so no other user can plant a link in it.
    init(parent: String, base: String, archive: String) throws(ArchiveError) {
        self.parent = parent
        self.base = base
        self.archive = archive
        path = parent + "/" + Self.hiddenName(base, "tmp")
        guard mkdir(path, 0o700) == 0 else { throw Self.failure(archive, "create the temporary directory", path, errno) }
        guard chmod(path, 0o700) == 0 else {
            let code = errno
            rmdir(path)
            throw Self.failure(archive, "set permissions of", path, code)
        }
    }

    /// Writes every planned entry, each file fsynced, then every directory.
    func fill(from reader: ArchiveReader, plan: [(ArchiveReader.Item, EntryPath)]) throws {
        var made = Set<String>()
        for (item, entryPath) in plan {
            let directoryComponents = item.kind == .directory ? entryPath.components : Array(entryPath.components.dropLast())
            for length in stride(from: 1, through: directoryComponents.count, by: 1) {
                let relative = directoryComponents.prefix(length).joined(separator: "/")
                guard made.insert(relative).inserted else { continue }
                try makeDirectory(path + "/" + relative)
            }
            if item.kind == .file { try writeFile(item, to: path + "/" + entryPath.relative, reader: reader) }
        }
        // Deepest first, so each directory's entries are durable before the directory above them.
        for directory in createdDirectories.reversed() { try sync(directory) }
        guard chmod(path, 0o755) == 0 else { throw Self.failure(archive, "set permissions of", path, errno) }
        try sync(path)
    }

    /// Renames the filled directory to `target`; an existing target is moved aside first and removed after.
    func publish(as target: String) throws(ArchiveError) {
        var status = stat()
        if lstat(target, &status) == 0 {
            guard (status.st_mode & S_IFMT) == S_IFDIR else {
                throw ArchiveError(
                    path: archive,
                    kind: .fileSystem(
                        operation: "extract into", path: target,
                        message: "it exists and is not a directory (a file or a symbolic link); remove it or choose another directory"
                    )
                )
            }
            let aside = parent + "/" + Self.hiddenName(base, "old")
            guard rename(target, aside) == 0 else { throw Self.failure(archive, "move the previous extraction aside:", target, errno) }
            guard rename(path, target) == 0 else {
                let code = errno
                rename(aside, target)
                throw Self.failure(archive, "rename the new extraction to", target, code)
            }
            try sync(parent)
            // The new extraction is in place; a previous one that cannot be removed is only litter.
            try? FileManager.default.removeItem(atPath: aside)
        } else {
            guard errno == ENOENT else { throw Self.failure(archive, "examine", target, errno) }
            guard rename(path, target) == 0 else { throw Self.failure(archive, "rename the new extraction to", target, errno) }
            try sync(parent)
        }
    }

    /// Removes the directory and whatever was written into it.
    func remove() {
        try? FileManager.default.removeItem(atPath: path)
    }

    private func makeDirectory(_ directory: String) throws(ArchiveError) {
        guard mkdir(directory, 0o700) == 0 else { throw Self.failure(archive, "create the directory", directory, errno) }
        guard chmod(directory, 0o755) == 0 else { throw Self.failure(archive, "set permissions of", directory, errno) }
        createdDirectories.append(directory)
    }

    private func writeFile(_ item: ArchiveReader.Item, to file: String, reader: ArchiveReader) throws {
        let descriptor = open(file, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw Self.failure(archive, "create", file, errno) }
        defer { close(descriptor) }
        guard fchmod(descriptor, 0o644) == 0 else { throw Self.failure(archive, "set permissions of", file, errno) }
        try reader.read(item) { data in
            try data.withUnsafeBytes { (bytes: UnsafeRawBufferPointer) in
                var offset = 0
                while offset < bytes.count {
                    let written = systemWrite(descriptor, bytes.baseAddress! + offset, bytes.count - offset)
                    if written < 0 {
                        if errno == EINTR { continue }
                        throw Self.failure(archive, "write", file, errno)
                    }
                    offset += written
                }
            }
        }
        guard fsync(descriptor) == 0 else { throw Self.failure(archive, "fsync", file, errno) }
    }

    private func sync(_ directory: String) throws(ArchiveError) {
        let descriptor = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard descriptor >= 0 else { throw Self.failure(archive, "open the directory", directory, errno) }
        defer { close(descriptor) }
        guard fsync(descriptor) == 0 else { throw Self.failure(archive, "fsync the directory", directory, errno) }
    }

    /// A hidden sibling name, with the base cut so the whole stays within 255 bytes.
    private static func hiddenName(_ base: String, _ role: String) -> String {
        var short = ""
        for character in base {
            if short.utf8.count + character.utf8.count > 180 { break }
            short.append(character)
        }
        return "." + short + "." + role + "-" + String(getpid()) + "-" + String(UInt64.random(in: 0...UInt64.max), radix: 36)
    }

    private static func failure(_ archive: String, _ operation: String, _ path: String, _ code: Int32) -> ArchiveError {
        var message = String(cString: strerror(code))
        if code == ENOSPC { message += "; free disk space on the file system holding it" }
        if code == EACCES || code == EPERM { message += "; give the user running hss-export write permission there" }
        return ArchiveError(path: archive, kind: .fileSystem(operation: operation, path: path, message: message))
    }
}

/// `write(2)`, named apart from the many `write` methods in scope.
private func systemWrite(_ descriptor: Int32, _ bytes: UnsafeRawPointer, _ count: Int) -> Int {
    #if canImport(Glibc)
        return Glibc.write(descriptor, bytes, count)
    #elseif canImport(Musl)
        return Musl.write(descriptor, bytes, count)
    #else
        return Darwin.write(descriptor, bytes, count)
    #endif
}
