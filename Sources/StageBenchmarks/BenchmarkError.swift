/// A benchmark that could not run or whose output failed verification.
struct BenchmarkError: Error, CustomStringConvertible {
    /// What went wrong, naming the file, tool or value involved.
    var message: String

    var description: String { message }
}
