public import ExportStageKit

/// A validated pipeline file: where to ask, what to wait for, how, and the stages.
public struct Pipeline: Sendable {
    /// The file it was loaded from (or a label such as `<demo>`).
    public var file: String
    /// Lower-case hex SHA-256 of the file's bytes.
    public var sha256: String
    /// The format version (1).
    public var version: Int
    /// The HSS endpoint, project and credentials.
    public var source: SourceSpec
    /// The listed export tasks, in file order.
    public var tasks: [TaskSpec]
    /// The exports to create, in file order (after the listed tasks in every output).
    public var exports: [ExportSpec]
    /// Where and how finished tasks' files are downloaded; `nil` for no download.
    public var download: DownloadSettings?
    /// Where runs keep their journal and lock.
    public var state: StateSettings
    /// How to wait.
    public var wait: WaitPolicy
    /// The configured stages, in file order.
    public var stages: [ConfiguredStage]
    /// Whether runs of this pipeline keep a journal and a lock: they create
    /// exports or download files, which a killed run must not redo.
    public var usesState: Bool { !exports.isEmpty || download != nil }

    /// Where keys were in the file (`source`, `source.region`, `source.endpoint`),
    /// so a problem found after loading can still point at its line.
    public var locations: [String: PipelineDiagnostic.Location]

    /// Creates a pipeline; usually the loader does this.
    public init(
        file: String,
        sha256: String,
        version: Int = 1,
        source: SourceSpec,
        tasks: [TaskSpec],
        exports: [ExportSpec] = [],
        download: DownloadSettings? = nil,
        state: StateSettings = StateSettings(),
        wait: WaitPolicy,
        stages: [ConfiguredStage],
        locations: [String: PipelineDiagnostic.Location] = [:]
    ) {
        self.exports = exports
        self.download = download
        self.state = state
        self.locations = locations
        self.file = file
        self.sha256 = sha256
        self.version = version
        self.source = source
        self.tasks = tasks
        self.wait = wait
        self.stages = stages
    }
}

/// One export task to wait for.
public struct TaskSpec: Sendable, Equatable {
    /// The HSS task id, always a string (`0123` stays `0123`).
    public var id: String
    /// An optional label from the pipeline file, used until HSS names the task.
    public var name: String?

    /// Creates a task entry.
    public init(id: String, name: String? = nil) {
        self.id = id
        self.name = name
    }
}

/// A stage built from the file, with where it was declared.
public struct ConfiguredStage: Sendable {
    /// The stage's `type`.
    public var typeName: String
    /// Its position in `stages`, from 0.
    public var index: Int
    /// The built stage.
    public var stage: any ExportStage
    /// The output paths it declared (resolved), to catch two stages writing one file.
    public var outputPaths: [String]

    /// Creates a configured stage.
    public init(typeName: String, index: Int, stage: any ExportStage, outputPaths: [String] = []) {
        self.typeName = typeName
        self.index = index
        self.stage = stage
        self.outputPaths = outputPaths
    }
}
