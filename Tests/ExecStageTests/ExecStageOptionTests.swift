import ExecStage
import ExportPipeline
import ExportStageKit
import ExportStageTesting
import Foundation
import TestSupport
import Testing

@Suite("exec stage: options")
struct ExecStageOptionTests {
    /// The description of the StageOptionError the stage throws when built
    /// from `options` with its pipeline file in `directory`.
    func refusal(_ options: String, in directory: TemporaryDirectory) -> String? {
        do {
            _ = try StageHarness(ExecStage.self, directory: directory.path).build(options)
            return nil
        } catch {
            return ((error as? StageHarnessError)?.stageError as? StageOptionError)?.description ?? "unexpected \(error)"
        }
    }

    func makeScript(_ directory: TemporaryDirectory, _ name: String, _ text: String, mode: Int = 0o755) throws {
        try directory.write(text, to: name)
        try FileManager.default.setAttributes([.posixPermissions: mode], ofItemAtPath: directory.file(name))
    }

    @Test func declaresItsOptionsWithDefaults() {
        #expect(ExecStage.typeName == "exec")
        #expect(ExecStage.options.map(\.name) == ["command", "timeout", "kill_grace", "working_directory", "environment", "pass_environment"])
        #expect(ExecStage.options.filter(\.isRequired).map(\.name) == ["command"])
        #expect(ExecStage.options.first { $0.name == "timeout" }?.defaultValue == .duration(.seconds(60)))
        #expect(ExecStage.options.first { $0.name == "kill_grace" }?.defaultValue == .duration(.seconds(2)))
        #expect(
            ExecStage.options.first { $0.name == "pass_environment" }?.defaultValue
                == .stringList(["PATH", "HOME", "LANG", "LC_ALL", "TZ", "TMPDIR"]))
    }

    @Test func unknownCommandIsRefusedWithTheFix() async throws {
        try await withTemporaryDirectory { directory in
            let description = refusal(
                "command: [hss-export-no-such-tool, --flag]\nenvironment: {PATH: \"/nonexistent-bin:/also-missing\"}", in: directory)
            #expect(
                description
                    == "option 'command': 'hss-export-no-such-tool' was not found on PATH (/nonexistent-bin:/also-missing); install it, or give its absolute path or a path relative to the pipeline file such as './hss-export-no-such-tool'"
            )
        }
    }

    @Test func bareNameOfAScriptBesideThePipelineFileSuggestsDotSlash() async throws {
        try await withTemporaryDirectory { directory in
            try makeScript(directory, "notify.sh", "#!/bin/sh\n")
            let description = refusal("command: [notify.sh]\nenvironment: {PATH: /nonexistent-bin}", in: directory)
            #expect(
                description
                    == "option 'command': 'notify.sh' was not found on PATH (/nonexistent-bin); to run the one beside the pipeline file, write './notify.sh'"
            )
        }
    }

    @Test func missingOrNonExecutablePathsAreRefused() async throws {
        try await withTemporaryDirectory { directory in
            try makeScript(directory, "plain.sh", "#!/bin/sh\n", mode: 0o644)
            #expect(
                refusal("command: [./plain.sh]", in: directory)
                    == "option 'command': './plain.sh' is not executable (\(directory.file("plain.sh"))); make it executable (chmod +x \(directory.file("plain.sh")))"
            )
            #expect(
                refusal("command: [./missing.sh]", in: directory)
                    == "option 'command': './missing.sh' does not exist (looked for \(directory.file("missing.sh"))); fix the path; a relative path is resolved against the pipeline file's directory"
            )
            #expect(refusal("command: [/]", in: directory) == "option 'command': '/' is a directory (/); name the program inside it")
        }
    }

    @Test func emptyCommandIsRefused() async throws {
        try await withTemporaryDirectory { directory in
            #expect(
                refusal("command: []", in: directory)
                    == "option 'command': is an empty list; list the program and then its arguments, e.g. command: [./notify.sh, --channel, ops]")
        }
    }

    @Test func zeroTimeoutIsRefused() async throws {
        try await withTemporaryDirectory { directory in
            #expect(
                refusal("command: [cat]\ntimeout: 0s", in: directory)
                    == "option 'timeout': must be longer than 0s; give the command time to run, e.g. timeout: 60s")
        }
    }

    @Test func killGraceIsBetweenZeroAndTenMinutes() async throws {
        try await withTemporaryDirectory { directory in
            #expect(
                refusal("command: [cat]\nkill_grace: 11m", in: directory)
                    == "option 'kill_grace': is longer than 10m; give the command a few seconds to clean up after SIGTERM, e.g. kill_grace: 5s (0s sends SIGKILL at once)"
            )
            let harness = try StageHarness(ExecStage.self, directory: directory.path)
            #expect(try harness.build("command: [cat]").killGrace == .seconds(2))
            #expect(try harness.build("command: [cat]\nkill_grace: 0s").killGrace == .zero)
            #expect(try harness.build("command: [cat]\nkill_grace: 10m").killGrace == .seconds(600))
        }
    }

    @Test func missingWorkingDirectoryIsRefused() async throws {
        try await withTemporaryDirectory { directory in
            #expect(
                refusal("command: [cat]\nworking_directory: nowhere", in: directory)
                    == "option 'working_directory': '\(directory.file("nowhere"))' does not exist; create it, or fix the path (a relative path is resolved against the pipeline file's directory)"
            )
        }
    }

    @Test func relativeProgramAndWorkingDirectoryResolveAgainstThePipelineFile() async throws {
        try await withTemporaryDirectory { directory in
            try FileManager.default.createDirectory(atPath: directory.file("work"), withIntermediateDirectories: false)
            try makeScript(directory, "notify.sh", "#!/bin/sh\npwd > where.txt\necho \"$@\" > arguments.txt\n")
            let harness = try StageHarness(ExecStage.self, directory: directory.path)
            let stage = try harness.build("command: [./notify.sh, --channel, ops]\nworking_directory: work")
            #expect(stage.executablePath == directory.file("notify.sh"))
            #expect(stage.workingDirectory == directory.file("work"))
            #expect(stage.command == ["./notify.sh", "--channel", "ops"])
            #expect(stage.timeout == .seconds(60))
            try await harness.run(stage, results: [SampleResults.succeeded()])
            let reported = try directory.read("work/where.txt").trimmingCharacters(in: .newlines)
            #expect(
                URL(fileURLWithPath: reported).resolvingSymlinksInPath().path
                    == URL(fileURLWithPath: directory.file("work")).resolvingSymlinksInPath().path)
            #expect(try directory.read("work/arguments.txt") == "--channel ops\n")
        }
    }

    @Test func loaderReportsARefusedVariableAtItsLocation() throws {
        let yaml = """
            version: 1
            source: {region: cn-north-4, project_id: p}
            tasks: [t-1]
            stages:
              - type: exec
                command: [cat]
                pass_environment: [PATH, HSS_AUTH_TOKEN]
            """
        let loader = PipelineLoader(registry: StageRegistry([ExecStage.self]), environment: [:])
        #expect {
            _ = try loader.load(yaml: yaml, file: "p.yaml", baseDirectory: "/tmp")
        } throws: { error in
            (error as? PipelineLoadError)?.diagnostics.map(\.description) == [
                "p.yaml:7:23: error: option 'pass_environment' of stage 'exec': 'HSS_AUTH_TOKEN' is one of hss-export's credential variables, which are never passed to the command; remove 'HSS_AUTH_TOKEN'; if the command needs to call Huawei Cloud, give it its own credentials in its own configuration"
            ]
        }
    }
}
