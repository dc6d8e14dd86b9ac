import Foundation

/// Turns the plugin's arguments into the list of pipeline files to check.
///
/// A directory search skips `.build*` and other hidden directories, and the
/// directories of nested packages (those with their own `Package.swift`, such
/// as `examples/custom-stage`): their pipelines may use stages only their own
/// binary registers, so plain `hss-export validate` would reject them.
struct PipelineFileFinder {
    /// What a search found.
    struct Selection {
        /// The pipeline files, in path order, without duplicates.
        var files: [URL]
        /// Nested package directories that were not searched.
        var skippedPackages: [URL]
    }

    /// The file name endings that mark a pipeline file.
    static let suffixes = [".pipeline.yaml", ".pipeline.yml"]

    /// The package root, searched when no argument is given.
    let packageDirectory: URL
    /// Where relative arguments are resolved first (the user's shell directory).
    let workingDirectory: URL

    /// Every pipeline file named by `arguments`, without duplicates.
    ///
    /// A file argument is taken as is, whatever its name, because naming it is
    /// a clear request to check it; a directory contributes the pipeline files
    /// below it.
    func select(_ arguments: [String]) throws -> Selection {
        let roots = arguments.isEmpty ? [packageDirectory] : try arguments.map(resolve)
        var files: [URL] = []
        var skippedPackages: [URL] = []
        for root in roots {
            if isDirectory(root) {
                let found = search(root, skippedPackages: &skippedPackages)
                if found.isEmpty && !arguments.isEmpty {
                    throw ValidatePipelinesError.noPipelineFiles(searched: [root.path])
                }
                files += found
            } else {
                files.append(root)
            }
        }
        var seen: Set<String> = []
        let unique = files.map(\.standardizedFileURL).filter { seen.insert($0.path).inserted }
        guard !unique.isEmpty else {
            throw ValidatePipelinesError.noPipelineFiles(searched: roots.map(\.path))
        }
        return Selection(files: unique, skippedPackages: skippedPackages)
    }

    /// An argument as an existing file or directory: relative to the working
    /// directory, or else to the package (SwiftPM may run plugins elsewhere).
    private func resolve(_ argument: String) throws -> URL {
        var candidates = [URL(fileURLWithPath: argument)]
        if !argument.hasPrefix("/") {
            candidates = [workingDirectory.appendingPathComponent(argument), packageDirectory.appendingPathComponent(argument)]
                .map(\.standardizedFileURL)
            if candidates[0].path == candidates[1].path { candidates.removeLast() }
        }
        for candidate in candidates where FileManager.default.fileExists(atPath: candidate.path) {
            return candidate.standardizedFileURL
        }
        throw ValidatePipelinesError.noSuchPath(argument, tried: candidates.map(\.path))
    }

    /// The pipeline files below `directory`, in path order.
    private func search(_ directory: URL, skippedPackages: inout [URL]) -> [URL] {
        guard
            let enumerator = FileManager.default.enumerator(
                at: directory,
                includingPropertiesForKeys: [.isDirectoryKey],
                options: [],
                errorHandler: { _, _ in true }
            )
        else { return [] }
        var found: [URL] = []
        for case let url as URL in enumerator {
            let name = url.lastPathComponent
            if isDirectory(url) {
                // .build* holds SwiftPM's checkouts and scratch files (their
                // pipeline files are not ours); .git and .swiftpm are hidden too.
                if name.hasPrefix(".") {
                    enumerator.skipDescendants()
                } else if FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path) {
                    enumerator.skipDescendants()
                    skippedPackages.append(url.standardizedFileURL)
                }
                continue
            }
            if Self.suffixes.contains(where: { name.hasSuffix($0) }) {
                found.append(url)
            }
        }
        return found.sorted { $0.path < $1.path }
    }

    private func isDirectory(_ url: URL) -> Bool {
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) && isDirectory.boolValue
    }
}
