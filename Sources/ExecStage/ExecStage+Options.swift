public import ExportStageKit
import Foundation

extension ExecStage {
    /// The longest `kill_grace` accepted: the grace is for a command's own
    /// clean-up, and a stop that waits longer than this is no longer one.
    static let maximumKillGrace: Duration = .seconds(600)

    /// `command`, `timeout`, `kill_grace`, `working_directory`, `environment` and `pass_environment`.
    public static let options: [StageOption] = [
        StageOption(
            "command", .stringList, required: true,
            help:
                "The program and its arguments, run without a shell; a bare name is looked up on PATH, a path with a '/' is resolved against the pipeline file's directory."
        ),
        StageOption(
            "timeout", .duration, default: .duration(.seconds(60)),
            help: "How long the command may run from start to exit before it is sent SIGTERM (and SIGKILL kill_grace later) and the stage fails."
        ),
        StageOption(
            "kill_grace", .duration, default: .duration(.seconds(2)),
            help:
                "When the command runs out of time or the run is interrupted: how long after SIGTERM to its process group SIGKILL follows, 0s to 10m."
        ),
        StageOption(
            "working_directory", .string,
            help: "The directory the command runs in, resolved against the pipeline file's directory (default: hss-export's working directory)."
        ),
        StageOption(
            "environment", .stringMap,
            help: "Extra variables for the command, e.g. {NOTIFY_URL: \"${NOTIFY_URL}\"}; names of hss-export's credential variables are refused."
        ),
        StageOption(
            "pass_environment", .stringList, default: .stringList(ChildEnvironment.defaultPassedNames),
            help: "The variables copied from hss-export's environment (the rest is not passed); credential variables are refused."
        ),
    ]

    /// Checks the options and resolves what the command needs to run.
    static func invocation(
        from options: StageOptions,
        parentEnvironment: [String: String] = ProcessInfo.processInfo.environment
    ) throws(StageOptionError) -> CommandInvocation {
        let arguments = options.stringList("command") ?? []
        guard let program = arguments.first else {
            throw StageOptionError(
                option: "command", message: "is an empty list",
                fix: "list the program and then its arguments, e.g. command: [./notify.sh, --channel, ops]"
            )
        }
        if let bad = arguments.first(where: { $0.contains("\0") }) {
            throw StageOptionError(
                option: "command", message: "argument '\(bad.replacingOccurrences(of: "\0", with: "\\0"))' contains a NUL character",
                fix: "remove it; arguments cannot carry NUL")
        }

        let timeout = options.duration("timeout") ?? .seconds(60)
        guard timeout > .zero else {
            throw StageOptionError(option: "timeout", message: "must be longer than 0s", fix: "give the command time to run, e.g. timeout: 60s")
        }

        let killGrace = options.duration("kill_grace") ?? .seconds(2)
        guard killGrace >= .zero, killGrace <= maximumKillGrace else {
            // The value itself is not echoed: one too large to format is what this refuses.
            throw StageOptionError(
                option: "kill_grace", message: killGrace < .zero ? "is negative" : "is longer than \(DurationText.format(maximumKillGrace))",
                fix: "give the command a few seconds to clean up after SIGTERM, e.g. kill_grace: 5s (0s sends SIGKILL at once)")
        }

        let environment = try ChildEnvironment(
            passing: options.stringList("pass_environment") ?? ChildEnvironment.defaultPassedNames,
            adding: options.stringMap("environment") ?? [],
            from: parentEnvironment
        )

        var workingDirectory: String?
        if let text = options.string("working_directory") {
            workingDirectory = try resolveWorkingDirectory(text, baseDirectory: options.baseDirectory)
        }

        // The PATH the command itself will see is the one that decides what a
        // bare name means, as it would for a shell started with that environment.
        let searchPath = environment.value(of: "PATH") ?? parentEnvironment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        let executablePath = try ExecutableLookup.resolve(program, searchPath: searchPath, baseDirectory: options.baseDirectory)

        return CommandInvocation(
            executablePath: executablePath,
            arguments: arguments,
            environment: environment,
            workingDirectory: workingDirectory,
            timeout: timeout,
            killGrace: killGrace
        )
    }

    private static func resolveWorkingDirectory(_ text: String, baseDirectory: String) throws(StageOptionError) -> String {
        guard !text.isEmpty else {
            throw StageOptionError(
                option: "working_directory", message: "is empty", fix: "name a directory, or omit the option to run in hss-export's working directory"
            )
        }
        let directory = FilePath.resolve(text, against: baseDirectory)
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory) else {
            throw StageOptionError(
                option: "working_directory", message: "'\(directory)' does not exist",
                fix: "create it, or fix the path (a relative path is resolved against the pipeline file's directory)")
        }
        guard isDirectory.boolValue else {
            throw StageOptionError(
                option: "working_directory", message: "'\(directory)' is not a directory", fix: "name the directory the command should run in")
        }
        return directory
    }
}
