import Foundation
import PackagePlugin

/// `swift package validate-pipelines [FILE | DIRECTORY]...`: checks pipeline
/// files with `hss-export validate`, so CI and editors see broken pipelines
/// as located errors before a nightly run trips over them.
///
/// Directories are searched recursively for `*.pipeline.yaml` and
/// `*.pipeline.yml`; with no arguments the whole package is searched. Build
/// directories (`.build*`), other hidden directories and nested packages
/// (such as `examples/custom-stage`, whose pipelines use its own stages) are
/// skipped.
@main
struct ValidatePipelines: CommandPlugin {
    func performCommand(context: PluginContext, arguments: [String]) async throws {
        if arguments.contains("--help") || arguments.contains("-h") {
            print(Self.usage)
            return
        }
        let packageDirectory = context.package.directoryURL.standardizedFileURL
        let finder = PipelineFileFinder(
            packageDirectory: packageDirectory,
            workingDirectory: URL(fileURLWithPath: FileManager.default.currentDirectoryPath, isDirectory: true)
        )
        let selection = try finder.select(arguments)
        let files = selection.files
        for package in selection.skippedPackages {
            print(
                "validate-pipelines: skipping \(PipelineValidation.displayPath(of: package, in: packageDirectory)), a package of its own (its pipelines may use stages only its binary knows; validate them with that binary)"
            )
        }
        let tool = try context.tool(named: "hss-export")
        let validation = try PipelineValidation.run(tool: tool.url, files: files, packageDirectory: packageDirectory)

        for diagnostic in validation.diagnostics {
            Diagnostics.error(diagnostic.located, file: diagnostic.file, line: diagnostic.line)
        }
        print(validation.summary(fileCount: files.count))
        guard validation.succeeded else {
            if validation.diagnostics.isEmpty {
                throw ValidatePipelinesError.toolFailed(status: validation.exitStatus)
            }
            throw ValidatePipelinesError.invalidFiles(validation.invalidFileCount, of: files.count)
        }
    }

    static let usage = """
        USAGE: swift package validate-pipelines [FILE | DIRECTORY]...

        Checks pipeline files with `hss-export validate`. A directory is searched
        recursively for *.pipeline.yaml and *.pipeline.yml; without arguments the
        whole package is searched. Searches skip .build* and hidden directories,
        and nested packages (directories with their own Package.swift).
        Problems are reported as file:line:column: error: message.
        """
}
