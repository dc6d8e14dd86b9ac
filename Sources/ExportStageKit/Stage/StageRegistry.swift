/// The stage types a pipeline file may name, by `type`.
///
/// The core knows no stage; the command line builds a registry with the
/// built-in stages and custom binaries add their own.
public struct StageRegistry: Sendable {
    private var types: [String: any ExportStage.Type] = [:]
    private var order: [String] = []

    /// An empty registry.
    public init() {}

    /// A registry holding `stages`.
    public init(_ stages: [any ExportStage.Type]) {
        for stage in stages { register(stage) }
    }

    /// Adds a stage type; a later registration under the same name replaces
    /// the earlier one, so a custom binary can override a built-in.
    public mutating func register(_ stage: any ExportStage.Type) {
        if types[stage.typeName] == nil { order.append(stage.typeName) }
        types[stage.typeName] = stage
    }

    /// Returns a copy with `stage` registered.
    public func registering(_ stage: any ExportStage.Type) -> StageRegistry {
        var copy = self
        copy.register(stage)
        return copy
    }

    /// The stage type registered under `typeName`.
    public func stage(named typeName: String) -> (any ExportStage.Type)? { types[typeName] }

    /// Every registered type name, in registration order.
    public var typeNames: [String] { order }

    /// Every registered stage type, in registration order.
    public var stageTypes: [any ExportStage.Type] { order.compactMap { types[$0] } }
}
