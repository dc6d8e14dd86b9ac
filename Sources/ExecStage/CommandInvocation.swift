/// Everything needed to start the command, checked at load time.
struct CommandInvocation: Sendable {
    /// The absolute path of the program.
    var executablePath: String
    /// The argument vector as written in the pipeline file (`arguments[0]`
    /// is the program's name as the user wrote it, as a shell would pass it).
    var arguments: [String]
    /// The command's whole environment.
    var environment: ChildEnvironment
    /// Where the command runs; `nil` for hss-export's working directory.
    var workingDirectory: String?
    /// How long the command may run from start to exit.
    var timeout: Duration
    /// Between SIGTERM and SIGKILL to the command's process group when it is
    /// stopped (timeout or interruption).
    var killGrace: Duration = .seconds(2)

    /// The name errors and logs use: the program as the user wrote it.
    var displayName: String { arguments.first ?? executablePath }
}
