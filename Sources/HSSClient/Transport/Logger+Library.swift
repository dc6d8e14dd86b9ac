import Logging

extension Logger {
    /// The logger AsyncHTTPClient gets: this one at `trace`, a silent one at
    /// every other level.
    ///
    /// The library logs its connection pool and event loops at `debug`
    /// (`SelectableEventLoop {…}`, `ahc-request-id`, …): at `--log-level
    /// debug` that drowned the client's own one line per request, which is
    /// what a user debugging a run wants. Its internals are for `trace`.
    var forLibrary: Logger {
        guard logLevel > .trace else { return self }
        return Logger(label: label) { _ in SwiftLogNoOpLogHandler() }
    }
}
