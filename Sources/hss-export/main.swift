import HSSExportCommand

await HSSExportCommand.main(registry: .builtIn)
