import Dispatch
import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// The one thing about the command's standard input that Subprocess leaves
/// to its caller: SIGPIPE.
///
/// A command that exits, or closes its standard input, before it has read
/// everything makes the next write to the pipe fail with `EPIPE`, and the
/// kernel also sends SIGPIPE to the writing thread, whose default action would
/// kill hss-export. Subprocess does not guard against this (its own tests
/// ignore SIGPIPE process-wide), and ignoring it process-wide here would
/// change how every other part of hss-export reacts to a closed pipe, its own
/// standard output included.
///
/// So the task that writes the input prefers this executor: one thread that
/// keeps SIGPIPE blocked for itself only. `StandardInputWriter` is a default
/// actor, so its writes run on the executor its caller's task prefers, and a
/// SIGPIPE they raise stays pending on this thread, harmlessly, while the
/// write reports `EPIPE`. The command itself starts with every signal at its
/// default and none blocked: Subprocess resets them when it spawns.
final class BrokenPipeSafeExecutor: TaskExecutor {
    /// The executor every `exec` stage writes through; its thread lives as
    /// long as the process and idles when there is nothing to write.
    static let shared = BrokenPipeSafeExecutor()

    private let jobs = Mutex<[UnownedJob]>([])
    private let jobsAvailable = DispatchSemaphore(value: 0)

    private init() {
        let thread = Thread { [self] in self.serve() }
        thread.name = "hss-export exec stdin"
        thread.start()
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        jobs.withLock { $0.append(job) }
        jobsAvailable.signal()
    }

    private func serve() {
        var brokenPipe = sigset_t()
        sigemptyset(&brokenPipe)
        sigaddset(&brokenPipe, SIGPIPE)
        pthread_sigmask(SIG_BLOCK, &brokenPipe, nil)
        while true {
            jobsAvailable.wait()
            let job = jobs.withLock { $0.removeFirst() }
            job.runSynchronously(on: asUnownedTaskExecutor())
        }
    }
}
