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
    /// The outputs prepared by ``prepare(_:stage:commitsLast:)`` and
    /// ``prepareAppend(_:to:stage:permissions:)``, when commits are deferred.
    public let outputs = OutputTransaction()
    /// Whether prepared outputs wait for the runner's ``OutputTransaction/commit()``
    /// (a pipeline run) or are made visible at once (a stage used on its own, a test).
    public let defersCommits: Bool
    private let published = Mutex<[Artifact]>([])

    /// Creates a run context.
    ///
    /// - Parameter defersCommits: `true` when the caller commits
    ///   ``outputs`` itself once every stage has finished (the runner's
    ///   two-phase commit); by default a prepared output is visible at once.
    public init(
        runID: String, startedAt: Date, pipelineFile: String, pipelineSHA256: String, toolVersion: String, logger: Logger,
        defersCommits: Bool = false
    ) {
        self.defersCommits = defersCommits
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

    /// Takes back artifacts whose files will not be on disk: those published
    /// after the first `count` (by a stage that then failed) and those at `paths`
    /// (outputs whose commit failed). For runners.
    public func withdrawArtifacts(publishedAfter count: Int = .max, at paths: Set<String> = []) {
        published.withLock { artifacts in
            if count < artifacts.count { artifacts.removeSubrange(count...) }
            artifacts.removeAll { paths.contains($0.path) }
        }
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
