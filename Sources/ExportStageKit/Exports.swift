// A stage logs through `RunContext.logger`; re-exporting swift-log lets a
// stage author write `context.logger.info(...)` with the one import of
// ExportStageKit.
@_exported public import Logging
