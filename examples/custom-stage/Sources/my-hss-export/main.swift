import ExportStageKit  // for StageRegistry.registering(_:)
import HSSExportCommand
import MarkdownReportStage

// Everything hss-export does (run, validate, stages, simulate, ...), with one
// more stage type that pipeline files may name: `type: markdown-report`.
await HSSExportCommand.main(registry: .builtIn.registering(MarkdownReportStage.self))
