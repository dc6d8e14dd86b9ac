#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The non-POSIX `posix_spawn` file actions the stage uses, looked up at run
/// time on Linux.
///
/// glibc declares them only under `_GNU_SOURCE`, which Swift's Glibc module
/// does not define, and the stage target may not add a C shim; `dlsym` finds
/// them in the C library that is loaded anyway.
enum SpawnExtensions {
    #if canImport(Darwin)
    typealias FileActions = posix_spawn_file_actions_t?
    #else
    typealias FileActions = posix_spawn_file_actions_t
    #endif

    private typealias ChdirFunction = @convention(c) (UnsafeMutablePointer<FileActions>, UnsafePointer<CChar>) -> Int32
    private typealias ClosefromFunction = @convention(c) (UnsafeMutablePointer<FileActions>, Int32) -> Int32

    /// Adds "change to `directory`" to `actions` (glibc 2.29+, musl 1.1.24+,
    /// macOS 10.15+); returns an `errno` value, `ENOSYS` when the C library
    /// lacks the call.
    static func addChdir(_ actions: UnsafeMutablePointer<FileActions>, _ directory: String) -> Int32 {
        #if canImport(Darwin)
        return posix_spawn_file_actions_addchdir_np(actions, directory)
        #else
        guard let symbol = lookUp("posix_spawn_file_actions_addchdir_np") else { return ENOSYS }
        return unsafeBitCast(symbol, to: ChdirFunction.self)(actions, directory)
        #endif
    }

    /// Adds "close every descriptor from `lowest` up" to `actions` (glibc
    /// 2.34+); returns `false` when the C library lacks the call, in which case
    /// only close-on-exec keeps other descriptors from the command.
    static func addCloseFrom(_ actions: UnsafeMutablePointer<FileActions>, _ lowest: Int32) -> Bool {
        #if canImport(Darwin)
        // Darwin has POSIX_SPAWN_CLOEXEC_DEFAULT instead, set with the attributes.
        return true
        #else
        guard let symbol = lookUp("posix_spawn_file_actions_addclosefrom_np") else { return false }
        return unsafeBitCast(symbol, to: ClosefromFunction.self)(actions, lowest) == 0
        #endif
    }

    private static func lookUp(_ name: String) -> UnsafeMutableRawPointer? {
        // A handle to the program itself searches it and every library it
        // loaded, the C library among them.
        guard let handle = dlopen(nil, RTLD_NOW) else { return nil }
        defer { dlclose(handle) }
        return dlsym(handle, name)
    }
}
