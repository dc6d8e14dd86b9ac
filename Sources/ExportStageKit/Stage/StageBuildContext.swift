/// What a stage knows while it is being built from a pipeline file.
public struct StageBuildContext: Sendable {
    /// The stage's position in the file's `stages` list, from 0.
    public var index: Int
    /// The path of the pipeline file, or a label such as `<demo>`.
    public var pipelineFile: String

    /// Creates a build context.
    public init(index: Int, pipelineFile: String) {
        self.index = index
        self.pipelineFile = pipelineFile
    }
}
