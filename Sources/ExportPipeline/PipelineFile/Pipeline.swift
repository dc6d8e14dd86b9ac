public import ExportStageKit

/// A validated pipeline file: where to ask, what to wait for, how, and the stages.
public struct Pipeline: Sendable {
    /// The file it was loaded from (or a label such as `<demo>`).
    public var file: String
    /// Lower-case hex SHA-256 of the file's bytes.
    public var sha256: String
    /// The format version (1).
    public var version: Int
    /// Where to ask HSS, as whom: one entry for a file's `source:`, one per
    /// entry of `sources:` in file order (``isMultiSource``).
    public var sources: [SourceSpec]
    /// Whether the file has `sources:` (a list, each source named, records
    /// carrying `source`) rather than a single `source:`.
    public var isMultiSource: Bool
    /// The first source: the only one of a `source:` pipeline.
    public var source: SourceSpec {
        get { sources[0] }
        set { sources[0] = newValue }
    }
    /// The listed export tasks, source by source, each source's in file order
    /// (``TaskSpec/source`` says whose).
    public var tasks: [TaskSpec]
    /// The exports to create, source by source: each source's own, then the
    /// top-level ones (``ExportSpec/source`` says whose).
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

    /// Where keys were in the file (`source`, `source.region`, `source.endpoint`;
    /// `sources[N]`, `sources[N].region`, `sources[N].endpoint` for a list),
    /// so a problem found after loading can still point at its line.
    public var locations: [String: PipelineDiagnostic.Location]
    /// What the loader warns about in the file (a `$VAR` without braces, a
    /// literal secret): `run` prints them before it starts.
    public var warnings: [PipelineDiagnostic] = []

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
        self.sources = [source]
        isMultiSource = false
        self.tasks = tasks
        self.wait = wait
        self.stages = stages
    }

    /// Creates a pipeline of several named sources (a file's `sources:`);
    /// `tasks` and `exports` name their source by index.
    public init(
        file: String,
        sha256: String,
        version: Int = 1,
        sources: [SourceSpec],
        tasks: [TaskSpec],
        exports: [ExportSpec] = [],
        download: DownloadSettings? = nil,
        state: StateSettings = StateSettings(),
        wait: WaitPolicy,
        stages: [ConfiguredStage],
        locations: [String: PipelineDiagnostic.Location] = [:]
    ) {
        precondition(!sources.isEmpty, "a pipeline needs a source")
        self.init(
            file: file, sha256: sha256, version: version, source: sources[0], tasks: tasks, exports: exports, download: download,
            state: state, wait: wait, stages: stages, locations: locations)
        self.sources = sources
        isMultiSource = true
    }

    /// The name records of source `index` carry: `nil` for a `source:` pipeline.
    public func sourceName(at index: Int) -> String? {
        isMultiSource ? sources[index].name : nil
    }
}

/// One export task to wait for.
public struct TaskSpec: Sendable, Equatable {
    /// The HSS task id, always a string (`0123` stays `0123`).
    public var id: String
    /// An optional label from the pipeline file, used until HSS names the task.
    public var name: String?
    /// The index in ``Pipeline/sources`` of the source it belongs to.
    public var source: Int

    /// Creates a task entry.
    public init(id: String, name: String? = nil, source: Int = 0) {
        self.id = id
        self.name = name
        self.source = source
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
