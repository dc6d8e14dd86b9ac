#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A command started with `posix_spawn`, with pipes on its standard streams.
///
/// `posix_spawn` rather than Foundation's `Process`, because the command must
/// start clean whatever state hss-export is in: with exactly the environment
/// the stage built, no other open descriptor of hss-export's (an HTTP
/// connection, a token file), every signal at its default action and none
/// blocked (hss-export ignores some to handle them itself, and ignored
/// signals survive `exec`), and in a process group of its own so a timeout
/// can stop everything the command started. (A terminal's Ctrl-C therefore
/// does not reach the command; the timeout bounds it instead.)
struct ChildProcess {
    /// How the command ended.
    enum Termination: Sendable, Equatable {
        /// It exited with this status.
        case exited(Int32)
        /// A signal killed it.
        case signaled(Int32)
        /// It is gone but its status could not be read (something else in
        /// the process reaped it).
        case unknown
    }

    /// The command's process id, also its process group id.
    let pid: pid_t
    /// Our end of the command's standard input (non-blocking).
    let input: Int32
    /// Our end of the command's standard output (non-blocking).
    let output: Int32
    /// Our end of the command's standard error (non-blocking).
    let error: Int32

    /// Starts the command.
    static func spawn(_ invocation: CommandInvocation) throws(SpawnFailure) -> ChildProcess {
        var opened: [Int32] = []
        do throws(SpawnFailure) {
            let stdin = try makePipe()
            opened += [stdin.read, stdin.write]
            let stdout = try makePipe()
            opened += [stdout.read, stdout.write]
            let stderr = try makePipe()
            opened += [stderr.read, stderr.write]
            let pid = try launch(invocation, stdin: stdin.read, stdout: stdout.write, stderr: stderr.write)
            // The command holds its ends now; keeping ours would hide its EOF.
            for descriptor in [stdin.read, stdout.write, stderr.write] { systemClose(descriptor) }
            for descriptor in [stdin.write, stdout.read, stderr.read] {
                _ = fcntl(descriptor, F_SETFL, fcntl(descriptor, F_GETFL) | O_NONBLOCK)
            }
            return ChildProcess(pid: pid, input: stdin.write, output: stdout.read, error: stderr.read)
        } catch {
            for descriptor in opened { systemClose(descriptor) }
            throw error
        }
    }

    /// Sends `signal` to everything in the command's process group, and to
    /// the command itself when `includingLeader` (in case it left the group).
    /// Once the command has been reaped its pid may belong to someone else,
    /// so it is then signalled only through the group.
    func signalGroup(_ signal: Int32, includingLeader: Bool) {
        _ = kill(-pid, signal)
        if includingLeader { _ = kill(pid, signal) }
    }

    /// Reaps the command if it has ended, without waiting.
    func reap() -> Termination? {
        var status: Int32 = 0
        while true {
            let result = waitpid(pid, &status, WNOHANG)
            if result == pid { return Self.decode(status) }
            if result == 0 { return nil }
            if errno == EINTR { continue }
            return .unknown
        }
    }

    /// The `WIFEXITED`/`WTERMSIG` decoding, which Swift cannot import as the
    /// C macros they are; the layout is the same on Linux and Darwin.
    static func decode(_ status: Int32) -> Termination {
        let low = status & 0x7f
        if low == 0 { return .exited((status >> 8) & 0xff) }
        return .signaled(low)
    }

    /// A pipe whose ends are both close-on-exec and above the standard streams.
    private static func makePipe() throws(SpawnFailure) -> (read: Int32, write: Int32) {
        var descriptors: [Int32] = [-1, -1]
        guard pipe(&descriptors) == 0 else { throw SpawnFailure(call: "pipe", code: errno) }
        let read: Int32
        do throws(SpawnFailure) {
            read = try aboveStandardStreams(descriptors[0])
        } catch {
            systemClose(descriptors[1])
            throw error
        }
        do throws(SpawnFailure) {
            return (read, try aboveStandardStreams(descriptors[1]))
        } catch {
            systemClose(read)
            throw error
        }
    }

    /// Moves a new descriptor above 0–2 (when hss-export runs with a standard
    /// stream closed, `pipe` can return one, and `dup2` onto itself would
    /// not clear close-on-exec) and marks it close-on-exec, so no other
    /// command started meanwhile inherits it.
    private static func aboveStandardStreams(_ descriptor: Int32) throws(SpawnFailure) -> Int32 {
        if descriptor > 2 {
            _ = fcntl(descriptor, F_SETFD, FD_CLOEXEC)
            return descriptor
        }
        let moved = fcntl(descriptor, F_DUPFD_CLOEXEC, 3)
        let code = errno
        systemClose(descriptor)
        guard moved >= 0 else { throw SpawnFailure(call: "fcntl", code: code) }
        return moved
    }

    private static func launch(_ invocation: CommandInvocation, stdin: Int32, stdout: Int32, stderr: Int32) throws(SpawnFailure) -> pid_t {
        var actions = SpawnExtensions.FileActions()
        try check("posix_spawn_file_actions_init", posix_spawn_file_actions_init(&actions))
        defer { posix_spawn_file_actions_destroy(&actions) }
        try check("posix_spawn_file_actions_adddup2", posix_spawn_file_actions_adddup2(&actions, stdin, STDIN_FILENO))
        try check("posix_spawn_file_actions_adddup2", posix_spawn_file_actions_adddup2(&actions, stdout, STDOUT_FILENO))
        try check("posix_spawn_file_actions_adddup2", posix_spawn_file_actions_adddup2(&actions, stderr, STDERR_FILENO))
        // Without closefrom, descriptors opened without close-on-exec by other
        // code would reach the command; there is no race-free fallback.
        _ = SpawnExtensions.addCloseFrom(&actions, 3)
        if let directory = invocation.workingDirectory {
            try check("posix_spawn_file_actions_addchdir_np", SpawnExtensions.addChdir(&actions, directory))
        }

        #if canImport(Darwin)
        var attributes: posix_spawnattr_t? = nil
        #else
        var attributes = posix_spawnattr_t()
        #endif
        try check("posix_spawnattr_init", posix_spawnattr_init(&attributes))
        defer { posix_spawnattr_destroy(&attributes) }
        var flags = Int32(POSIX_SPAWN_SETPGROUP) | Int32(POSIX_SPAWN_SETSIGMASK) | Int32(POSIX_SPAWN_SETSIGDEF)
        #if canImport(Darwin)
        flags |= Int32(POSIX_SPAWN_CLOEXEC_DEFAULT)
        #endif
        try check("posix_spawnattr_setflags", posix_spawnattr_setflags(&attributes, Int16(flags)))
        try check("posix_spawnattr_setpgroup", posix_spawnattr_setpgroup(&attributes, 0))
        var noSignals = sigset_t()
        sigemptyset(&noSignals)
        try check("posix_spawnattr_setsigmask", posix_spawnattr_setsigmask(&attributes, &noSignals))
        var everySignal = sigset_t()
        sigfillset(&everySignal)
        sigdelset(&everySignal, SIGKILL)
        sigdelset(&everySignal, SIGSTOP)
        try check("posix_spawnattr_setsigdefault", posix_spawnattr_setsigdefault(&attributes, &everySignal))

        let argv = invocation.arguments.map { strdup($0) } + [nil]
        let envp = invocation.environment.entries.map { strdup($0) } + [nil]
        defer {
            for pointer in argv { free(pointer) }
            for pointer in envp { free(pointer) }
        }
        var pid = pid_t()
        try check("posix_spawn", posix_spawn(&pid, invocation.executablePath, &actions, &attributes, argv, envp))
        return pid
    }

    private static func check(_ call: String, _ result: Int32) throws(SpawnFailure) {
        guard result == 0 else { throw SpawnFailure(call: call, code: result) }
    }
}

/// A system call that failed while starting the command.
struct SpawnFailure: Error, Sendable {
    /// The call, e.g. `posix_spawn`.
    var call: String
    /// Its `errno` value.
    var code: Int32
}
