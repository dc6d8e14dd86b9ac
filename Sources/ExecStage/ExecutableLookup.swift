import ExportStageKit
import Foundation

/// Finds the program `command` names, at load time, so a typo fails
/// `hss-export validate` instead of the end of a long nightly run.
enum ExecutableLookup {
    /// The absolute path of `program`.
    ///
    /// A name with a `/` is a path, resolved against `baseDirectory` (the
    /// pipeline file's directory, like every relative path in the file); a bare
    /// name is looked up in `searchPath`, as `execvp` would.
    static func resolve(_ program: String, searchPath: String, baseDirectory: String) throws(StageOptionError) -> String {
        guard !program.isEmpty else {
            throw StageOptionError(
                option: "command", message: "the program name (its first item) is empty",
                fix: "start the list with the program to run, e.g. command: [./notify.sh]")
        }
        if program.contains("/") {
            let path = FilePath.resolve(program, against: baseDirectory)
            try checkRunnable(path, as: program)
            return path
        }

        let directories = searchPath.split(separator: ":", omittingEmptySubsequences: true).map {
            FilePath.resolve(String($0), against: FileManager.default.currentDirectoryPath)
        }
        var notExecutable: String?
        for directory in directories {
            let candidate = directory + "/" + program
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: candidate, isDirectory: &isDirectory), !isDirectory.boolValue else { continue }
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
            notExecutable = notExecutable ?? candidate
        }
        if let notExecutable {
            throw StageOptionError(
                option: "command", message: "'\(program)' was found at \(notExecutable), which is not executable",
                fix: "make it executable (chmod +x \(notExecutable))")
        }
        let beside = FilePath.resolve(program, against: baseDirectory)
        let fix =
            FileManager.default.fileExists(atPath: beside)
            ? "to run the one beside the pipeline file, write './\(program)'"
            : "install it, or give its absolute path or a path relative to the pipeline file such as './\(program)'"
        throw StageOptionError(option: "command", message: "'\(program)' was not found on PATH (\(searchPath))", fix: fix)
    }

    private static func checkRunnable(_ path: String, as program: String) throws(StageOptionError) {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw StageOptionError(
                option: "command", message: "'\(program)' does not exist (looked for \(path))",
                fix: "fix the path; a relative path is resolved against the pipeline file's directory")
        }
        guard !isDirectory.boolValue else {
            throw StageOptionError(option: "command", message: "'\(program)' is a directory (\(path))", fix: "name the program inside it")
        }
        guard FileManager.default.isExecutableFile(atPath: path) else {
            throw StageOptionError(
                option: "command", message: "'\(program)' is not executable (\(path))", fix: "make it executable (chmod +x \(path))")
        }
    }
}
