public import Foundation
import Logging
import Synchronization

/// Shared, read-mostly facts about the run, plus the artifacts stages publish.
public final class RunContext: Sendable {
    /// The run's id, also written into every record.
    public let runID: String
    /// When the run started.
    public let startedAt: Date
    /// The pipeline file's path (or a label such as `<demo>`).
    public let pipelineFile: String
    /// Lower-case hex SHA-256 of the pipeline file's bytes.
    public let pipelineSHA256: String
    /// The hss-export version that runs.
    public let toolVersion: String
    /// The run's logger; stages log through it.
    public let logger: Logger
    private let published = Mutex<[Artifact]>([])

    /// Creates a run context.
    public init(runID: String, startedAt: Date, pipelineFile: String, pipelineSHA256: String, toolVersion: String, logger: Logger) {
        self.runID = runID
        self.startedAt = startedAt
        self.pipelineFile = pipelineFile
        self.pipelineSHA256 = pipelineSHA256
        self.toolVersion = toolVersion
        self.logger = logger
    }

    /// Records a file a stage has committed.
    public func publish(_ artifact: Artifact) {
        published.withLock { $0.append(artifact) }
    }

    /// Every artifact published so far, in publication order (stages finish in
    /// file order, so these are the outputs of the stages before the caller).
    public var artifacts: [Artifact] {
        published.withLock { $0 }
    }

    /// A fresh run id: UTC time plus random hex, sortable and unique enough to
    /// tell runs apart in a shared directory.
    public static func makeRunID(at date: Date = Date()) -> String {
        let stamp = RFC3339.format(date).filter { $0.isNumber }.prefix(14)
        let random = (0..<4).map { _ in String(format: "%02x", UInt8.random(in: 0...255)) }.joined()
        return "\(stamp)-\(random)"
    }
}
