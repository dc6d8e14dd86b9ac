/// The journal file: what a run created and downloaded, written before each
/// create and after each answer, so a run started again after a kill knows
/// what exists.
struct JournalDocument: Codable, Equatable {
    /// Bumped when the layout changes incompatibly.
    var format = 1
    /// The pipeline file it belongs to.
    var pipeline: String
    /// The run that started it (a resumed run keeps adding to it).
    var runID: String
    /// The runs that added to it, oldest first.
    var runs: [String] = []
    var startedAt: String
    var updatedAt: String
    /// By ``ExportSpec/key``: the export's name, or `SOURCE/NAME` in a
    /// pipeline with `sources:` (names hold no `/`, so the keys never clash
    /// and a `source:` pipeline's journal is as it always was).
    var exports: [String: ExportEntry] = [:]
    /// By task id.
    var downloads: [String: DownloadEntry] = [:]
    /// Set when the run that wrote it last finished its job.
    var finished = false

    struct ExportEntry: Codable, Equatable {
        enum State: String, Codable {
            /// The create was about to be sent, or sent with no answer yet.
            case creating
            /// HSS answered with `taskID`.
            case created
            /// The create may or may not have created a task.
            case unknown
        }

        var fingerprint: String
        var state: State
        var taskID: String?
        var sentAt: String?
        var createdAt: String?
        var reason: String?
    }

    struct DownloadEntry: Codable, Equatable {
        struct Entry: Codable, Equatable {
            var name: String
            var compressedBytes: Int
            var uncompressedBytes: Int
            var crc32: UInt32
            var sha256: String?
        }

        var path: String
        var bytes: Int
        var sha256: String
        var entries: [Entry]
        var extractedTo: String?
    }
}
