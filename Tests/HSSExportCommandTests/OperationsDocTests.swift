import Foundation
import HSSSimulator
import TestSupport
import Testing

/// docs/operations.md is true: every command in it is run, as written (its
/// paths mapped to a temporary directory, its endpoint to the loopback
/// simulator), by a test here, or is listed in ``coverage`` with the test or
/// CI step that covers it. A command added to the document without an entry
/// fails ``everyCommandIsCovered()``.
///
/// Commands are the lines of `sh`, `bash`, `shell` and `console` blocks, the
/// command part of `crontab` blocks, and inline code in the prose that starts
/// with `hss-export SUBCOMMAND` (or `timeout … hss-export`). Pipeline files
/// (`yaml` blocks that start with `version: 1`, and those a ConfigMap embeds)
/// must pass `hss-export validate`.
@Suite(.serialized) struct OperationsDocTests {
    static let documentPath = PackagePaths.root + "/docs/operations.md"

    /// How a documented command is covered.
    enum Coverage {
        /// Run by the test of this name, in this file.
        case here(String)
        /// Not run here (the reason); the test or CI step that covers it.
        case elsewhere(String)
    }

    /// Every command of the document, with what runs it. Keys are the exact
    /// text the extraction yields (continuations joined, trailing comments cut).
    static let coverage: [String: Coverage] = [
        // cron
        "set -a && . /etc/hss-export/credentials.env && set +a && hss-export run /etc/hss-export/nightly.pipeline.yaml >>/var/log/hss-export/run.log 2>&1":
            .here("theCronJobRunsAsWritten"),
        "HSS_AUTH_TOKEN=MIIZ...": .here("theCronJobRunsAsWritten (the block is the credentials.env the job sources)"),
        // The first steps.
        "hss-export validate nightly.pipeline.yaml": .here("theFirstStepsHoldForANewPipeline"),
        // systemd: setting up the user, the directory and the units.
        "useradd --system --user-group --home-dir /var/lib/hss-export --shell /usr/sbin/nologin hss-export":
            .here("theSystemdSetupRunsInAScratchRoot (useradd --prefix, so the machine's accounts stay as they are)"),
        "install -d -m 0750 -g hss-export /etc/hss-export": .here("theSystemdSetupRunsInAScratchRoot"),
        "cp /usr/local/share/hss-export/systemd/hss-export.service /usr/local/share/hss-export/systemd/hss-export.timer /etc/systemd/system/":
            .here("theSystemdSetupRunsInAScratchRoot"),
        // systemctl and journalctl need systemd as PID 1, which neither CI's
        // container nor a developer's test run has; the units they name are
        // checked to exist by theSystemctlLinesNameThePackagedUnits, and the
        // units themselves by SystemdUnitTests (systemd-analyze verify).
        "systemctl daemon-reload": .elsewhere("needs systemd as PID 1; SystemdUnitTests.verifyPackaged"),
        "systemctl enable --now hss-export.timer": .elsewhere("needs systemd as PID 1; SystemdUnitTests.verifyPackaged"),
        "systemctl start hss-export.service": .elsewhere("needs systemd as PID 1; SystemdUnitTests.verifyPackaged"),
        "journalctl -u hss-export.service": .elsewhere("needs systemd's journal; SystemdUnitTests.verifyPackaged"),
        "systemctl enable --now hss-export@cn4-prod.timer hss-export@ap1-prod.timer":
            .elsewhere("needs systemd as PID 1; SystemdUnitTests.verifyPackaged"),
        "systemctl start hss-export@cn4-prod.service": .elsewhere("needs systemd as PID 1; SystemdUnitTests.verifyPackaged"),
        // State and signals.
        "hss-export state FILE --adopt NAME=TASK_ID": .here("anUnknownCreateIsSettledWithState"),
        "timeout 5m hss-export run …": .here("underTimeoutEveryOutputIsWrittenAndTheExitIs124"),
        // Proxies.
        "hss-export demo": .here("theDemoWorksWithAProxySet"),
        // Trial runs.
        "hss-export run --dry-run FILE": .here("aTrialRunChecksOnceAndWritesNothing"),
        "hss-export run --dry-run nightly.pipeline.yaml": .here("aTrialRunChecksOnceAndWritesNothing"),
        "hss-export wait --pipeline FILE": .here("waitWithAPipelineFileCreatesAndWritesNothing"),
        // The run summary as JSON.
        "hss-export run --summary json FILE": .here("theRunSummaryIsOneJSONDocumentInTheDocumentedOrder"),
        "hss-export run --summary json nightly.pipeline.yaml | jq -c '{exit_code, outcomes}'":
            .here("theRunSummaryIsOneJSONDocumentInTheDocumentedOrder (its output compared with the document's)"),
    ]

    // MARK: - The document

    /// A command found in the document.
    struct DocumentedCommand: Hashable, CustomStringConvertible {
        var text: String
        var line: Int
        var description: String { "docs/operations.md:\(line): \(text)" }
    }

    /// A fenced block: its info string, first line number and lines.
    struct Block {
        var info: String
        var line: Int
        var lines: [String]
    }

    /// What ``parse(_:)`` finds.
    struct Document {
        var blocks: [Block] = []
        var commands: [DocumentedCommand] = []
        /// Lines that look like commands in blocks that are not shell (`$ …`, `hss-export …`).
        var hiddenCommands: [DocumentedCommand] = []
        /// The environment a crontab block sets (`SHELL=`, `PATH=`).
        var crontabEnvironment: [String: String] = [:]
    }

    static let shellInfos: Set<String> = ["sh", "bash", "shell", "console"]

    static func document() throws -> Document {
        parse(try String(contentsOfFile: documentPath, encoding: .utf8))
    }

    static func parse(_ text: String) -> Document {
        var document = Document()
        var prose: [(line: Int, text: String)] = []
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        var index = 0
        while index < lines.count {
            let trimmed = lines[index].trimmingCharacters(in: .whitespaces)
            guard trimmed.hasPrefix("```") else {
                prose.append((index + 1, lines[index]))
                index += 1
                continue
            }
            let indent = lines[index].prefix { $0 == " " }.count
            let info = String(trimmed.dropFirst(3)).trimmingCharacters(in: .whitespaces)
            var block = Block(info: info, line: index + 2, lines: [])
            index += 1
            while index < lines.count, !lines[index].trimmingCharacters(in: .whitespaces).hasPrefix("```") {
                block.lines.append(String(lines[index].dropFirst(min(indent, lines[index].prefix { $0 == " " }.count))))
                index += 1
            }
            index += 1
            document.blocks.append(block)
            read(block, into: &document)
        }
        document.commands += inlineCommands(in: prose)
        return document
    }

    static func read(_ block: Block, into document: inout Document) {
        var pending = ""
        var pendingLine = 0
        for (offset, raw) in block.lines.enumerated() {
            let line = raw.trimmingCharacters(in: .whitespaces)
            let number = block.line + offset
            if shellInfos.contains(block.info) {
                var command = line
                if block.info == "console" {
                    guard command.hasPrefix("$ ") else { continue }
                    command = String(command.dropFirst(2))
                }
                if pending.isEmpty && (command.isEmpty || command.hasPrefix("#")) { continue }
                command = withoutTrailingComment(command)
                if pending.isEmpty { pendingLine = number }
                if command.hasSuffix("\\") {
                    pending += command.dropLast().trimmingCharacters(in: .whitespaces) + " "
                    continue
                }
                document.commands.append(DocumentedCommand(text: pending + command, line: pendingLine))
                pending = ""
            } else if block.info == "crontab" {
                if line.isEmpty || line.hasPrefix("#") { continue }
                if let equals = line.firstIndex(of: "="), !line[..<equals].contains(" ") {
                    document.crontabEnvironment[String(line[..<equals])] = String(line[line.index(after: equals)...])
                    continue
                }
                // cron.d: five time fields, the user, then the command.
                var rest = Substring(line)
                for _ in 0..<6 {
                    rest = rest.drop { $0 != " " }.drop { $0 == " " }
                }
                document.commands.append(DocumentedCommand(text: String(rest), line: number))
            } else if line.hasPrefix("$ ") || line.hasPrefix("hss-export ") {
                document.hiddenCommands.append(DocumentedCommand(text: line, line: number))
            }
        }
    }

    /// `command` without a ` # comment` at its end.
    static func withoutTrailingComment(_ command: String) -> String {
        guard let range = command.range(of: #"\s+#\s.*$"#, options: .regularExpression) else { return command }
        return String(command[..<range.lowerBound])
    }

    /// Inline code in the prose that is an hss-export command line; a span
    /// may wrap onto the next line.
    static func inlineCommands(in prose: [(line: Int, text: String)]) -> [DocumentedCommand] {
        let joined = prose.map(\.text).joined(separator: "\n")
        var lineStarts: [String.Index] = []
        var position = joined.startIndex
        for line in prose {
            lineStarts.append(position)
            position = joined.index(position, offsetBy: line.text.count, limitedBy: joined.endIndex) ?? joined.endIndex
            if position < joined.endIndex { position = joined.index(after: position) }
        }
        var found: [DocumentedCommand] = []
        var searchStart = joined.startIndex
        while let open = joined[searchStart...].firstIndex(of: "`") {
            let afterOpen = joined.index(after: open)
            guard let close = joined[afterOpen...].firstIndex(of: "`") else { break }
            let span = joined[afterOpen..<close].replacingOccurrences(of: "\n", with: " ")
            if span.range(of: #"^(timeout \S+ )?hss-export [a-z]"#, options: .regularExpression) != nil {
                let lineIndex = (lineStarts.lastIndex { $0 <= open }) ?? 0
                found.append(DocumentedCommand(text: span, line: prose[lineIndex].line))
            }
            searchStart = joined.index(after: close)
        }
        return found
    }

    /// The documented command `text`; fails the test when the document no longer has it.
    static func command(_ text: String) throws -> String {
        let document = try document()
        try #require(document.commands.contains { $0.text == text }, "docs/operations.md no longer has `\(text)`; update OperationsDocTests")
        return text
    }

    // MARK: - The world the commands run in

    /// The document's paths, mapped into a temporary directory, and a
    /// `PATH` whose `hss-export` is the built binary.
    struct World {
        let root: TemporaryDirectory
        let url: URL

        var bin: String { root.file("bin") }
        var etc: String { root.file("etc/hss-export") }
        var lib: String { root.file("var/lib/hss-export") }
        var log: String { root.file("var/log/hss-export") }

        init(url: URL) throws {
            root = try TemporaryDirectory(prefix: "hss-export-operations")
            self.url = url
            for directory in [bin, etc, lib, log, root.file("etc/systemd/system")] {
                try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            }
            try FileManager.default.createSymbolicLink(atPath: bin + "/hss-export", withDestinationPath: PackagePaths.binary)
        }

        /// The document's absolute paths as this world's.
        func map(_ text: String) -> String {
            var text = text
            for (from, to) in [
                ("/usr/local/bin/hss-export", PackagePaths.binary),
                ("/usr/local/share/hss-export/systemd/", PackagePaths.root + "/packaging/systemd/"),
                ("/etc/systemd/system/", root.file("etc/systemd/system/")),
                ("/etc/hss-export", etc), ("/var/lib/hss-export", lib), ("/var/log/hss-export", log),
            ] {
                text = text.replacingOccurrences(of: from, with: to)
            }
            return text
        }

        /// A minimal environment, as cron gives a job: nothing of the test's
        /// (no HSS_AUTH_TOKEN), `PATH` starting with the binary's directory.
        func environment(_ extra: [String: String] = [:], path: String = "/usr/local/bin:/usr/bin:/bin") -> [String: String] {
            var environment = ["HOME": root.path, "LOGNAME": "hss-export", "PATH": bin + ":" + path, "LANG": "C.UTF-8"]
            environment.merge(extra) { $1 }
            return environment
        }

        /// Runs `command` (the document's text) mapped, with `/bin/sh -c`.
        func shell(_ command: String, environment: [String: String], in directory: String? = nil, timeout: Duration = .seconds(120))
            async throws -> ProcessOutput
        {
            try await ProcessRunner.run(
                "/bin/sh", ["-c", map(command)], environment: environment, currentDirectory: directory ?? root.path, timeout: timeout)
        }

        /// `/etc/hss-export/nightly.pipeline.yaml` against the simulator, writing
        /// `/var/lib/hss-export/results.jsonl`.
        func writeNightlyPipeline(tasks: [String] = ["ok-1", "ok-2"], extra: String = "", name: String = "nightly.pipeline.yaml") throws {
            try BinaryHarness.pipeline(url: url, tasks: tasks, output: lib + "/results.jsonl", extra: extra)
                .write(toFile: etc + "/" + name, atomically: false, encoding: .utf8)
        }
    }

    static func withWorld<T: Sendable>(
        scenario: String = BinaryHarness.scenarioYAML, _ body: @escaping @Sendable (World, HSSSimulator) async throws -> T
    )
        async throws -> T
    {
        try await TestSupport.withSimulator(try SimulatorScenario(yaml: scenario)) { url, simulator in
            let world = try World(url: url)
            defer { world.root.remove() }
            return try await body(world, simulator)
        }
    }

    // MARK: - Coverage

    @Test func everyCommandIsCovered() throws {
        let document = try Self.document()
        #expect(!document.commands.isEmpty)
        for command in document.commands where Self.coverage[command.text] == nil {
            Issue.record("\(command) is run by no test: run it in OperationsDocTests and list it in OperationsDocTests.coverage")
        }
        let documented = Set(document.commands.map(\.text))
        for text in Self.coverage.keys where !documented.contains(text) {
            Issue.record("OperationsDocTests.coverage lists `\(text)`, which docs/operations.md no longer has: remove the entry")
        }
        for command in document.hiddenCommands {
            Issue.record("\(command) is a command in a block that is not marked sh, bash, shell or console: mark it so it is checked")
        }
    }

    @Test func theExtractionFindsBlocksCrontabsAndInlineCommands() {
        let document = Self.parse(
            """
            Run `hss-export validate a.yaml` first, or `timeout 1m hss-export run
            b.yaml`; `hss-export: 2/4 done` is a message.

            ```crontab
            PATH=/bin
            30 2 * * * user  hss-export run c.yaml >>log 2>&1
            ```

            ```sh
            # a comment
            hss-export run \\
              d.yaml          # trailing words
            ```

            ```
            hss-export hidden
            ```
            """)
        #expect(
            document.commands.map(\.text) == [
                "hss-export run c.yaml >>log 2>&1", "hss-export run d.yaml", "hss-export validate a.yaml", "timeout 1m hss-export run b.yaml",
            ])
        #expect(document.commands.map(\.line) == [6, 11, 1, 1])
        #expect(document.crontabEnvironment == ["PATH": "/bin"])
        #expect(document.hiddenCommands.map(\.text) == ["hss-export hidden"])
    }

    // MARK: - cron

    /// The crontab line, as cron runs it: its SHELL and PATH, no other
    /// environment, the credentials file of the next block sourced.
    @Test func theCronJobRunsAsWritten() async throws {
        let job = try Self.command(
            "set -a && . /etc/hss-export/credentials.env && set +a && hss-export run /etc/hss-export/nightly.pipeline.yaml >>/var/log/hss-export/run.log 2>&1"
        )
        let document = try Self.document()
        let credentials = try #require(
            document.blocks.first { block in block.info == "sh" && block.lines.contains { $0.hasPrefix("HSS_AUTH_TOKEN=") } },
            "the credentials.env block")
        try await Self.withWorld { world, _ in
            try world.writeNightlyPipeline()
            let file = credentials.lines.joined(separator: "\n").replacingOccurrences(of: "MIIZ...", with: BinaryHarness.token) + "\n"
            try file.write(toFile: world.etc + "/credentials.env", atomically: false, encoding: .utf8)
            let shell = try #require(document.crontabEnvironment["SHELL"])
            let path = try #require(document.crontabEnvironment["PATH"])
            let output = try await ProcessRunner.run(
                shell, ["-c", world.map(job)], environment: world.environment(path: path), currentDirectory: world.root.path)
            #expect(output.status == 0, "\(output.standardOutput)\(output.standardError)")
            // Everything went to the log, as the document says (cron would mail anything else).
            #expect(output.standardOutput.isEmpty && output.standardError.isEmpty)
            let log = try String(contentsOfFile: world.log + "/run.log", encoding: .utf8)
            #expect(log.contains("exit 0: all tasks succeeded"), "\(log)")
            #expect(log.contains("source=\"environment (HSS_AUTH_TOKEN)\"") || log.contains("HSS_AUTH_TOKEN"), "\(log)")
            #expect(!log.contains(BinaryHarness.token), "the token reached the log")
            let records = try BinaryHarness.jsonLines(try String(contentsOfFile: world.lib + "/results.jsonl", encoding: .utf8))
            #expect(records.map { $0["outcome"] as? String } == ["succeeded", "succeeded"])
        }
    }

    // MARK: - The first scheduled run

    /// "check it: `hss-export validate …`"; "hss-export does not create
    /// [output directories]; `run` exits 2 when one is missing".
    @Test func theFirstStepsHoldForANewPipeline() async throws {
        let validate = try Self.command("hss-export validate nightly.pipeline.yaml")
        try await Self.withWorld { world, simulator in
            try world.writeNightlyPipeline()
            let valid = try await world.shell(validate, environment: world.environment(), in: world.etc)
            #expect(valid.status == 0, "\(valid.standardError)")
            #expect(valid.standardOutput.hasPrefix("nightly.pipeline.yaml: valid (2 tasks, 1 stage)"), "\(valid.standardOutput)")

            try FileManager.default.removeItem(atPath: world.lib)
            let run = try await world.shell(
                "hss-export run nightly.pipeline.yaml", environment: world.environment(["HSS_AUTH_TOKEN": BinaryHarness.token]), in: world.etc)
            #expect(run.status == 2, "\(run.standardError)")
            #expect(run.standardError.contains("does not exist"), "\(run.standardError)")
            #expect(!FileManager.default.fileExists(atPath: world.lib))
            #expect(await simulator.statistics.totalRequests == 0, "a request was made before the output directory was checked")
        }
    }

    // MARK: - systemd

    /// The setup commands, in a scratch root: `useradd --prefix` changes the
    /// scratch root's account files, not the machine's (root only: in CI,
    /// which runs as root, always).
    @Test func theSystemdSetupRunsInAScratchRoot() async throws {
        let useradd = try Self.command("useradd --system --user-group --home-dir /var/lib/hss-export --shell /usr/sbin/nologin hss-export")
        let install = try Self.command("install -d -m 0750 -g hss-export /etc/hss-export")
        let copy = try Self.command(
            "cp /usr/local/share/hss-export/systemd/hss-export.service /usr/local/share/hss-export/systemd/hss-export.timer /etc/systemd/system/")
        let world = try World(url: URL(string: "http://127.0.0.1:9")!)
        defer { world.root.remove() }
        // As root runs them: useradd is in sbin.
        let environment = world.environment(path: "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin")

        if getuid() == 0 || ExternalTool.isCI {
            let scratch = world.root.file("scratch")
            try FileManager.default.createDirectory(atPath: scratch + "/etc", withIntermediateDirectories: true)
            for name in ["passwd", "group", "shadow", "gshadow"] {
                try "".write(toFile: scratch + "/etc/" + name, atomically: false, encoding: .utf8)
            }
            // Not mapped: the home directory is a name in the account, not a path written to.
            let added = try await ProcessRunner.run(
                "/bin/sh", ["-c", useradd.replacingOccurrences(of: "useradd ", with: "useradd --prefix \(scratch) ")], environment: environment)
            #expect(added.status == 0, "\(added.standardError)")
            let passwd = try String(contentsOfFile: scratch + "/etc/passwd", encoding: .utf8)
            #expect(passwd.hasPrefix("hss-export:x:"), "\(passwd)")
            #expect(passwd.contains(":/var/lib/hss-export:/usr/sbin/nologin"), "\(passwd)")
            #expect(try String(contentsOfFile: scratch + "/etc/group", encoding: .utf8).hasPrefix("hss-export:x:"))
        }

        // The group exists only in the scratch root: the machine's own group stands in.
        try FileManager.default.removeItem(atPath: world.etc)
        let installed = try await world.shell(install.replacingOccurrences(of: "-g hss-export", with: "-g \(getgid())"), environment: environment)
        #expect(installed.status == 0, "\(installed.standardError)")
        let attributes = try FileManager.default.attributesOfItem(atPath: world.etc)
        #expect((attributes[.posixPermissions] as? Int) == 0o750)

        let copied = try await world.shell(copy, environment: environment)
        #expect(copied.status == 0, "\(copied.standardError)")
        for name in ["hss-export.service", "hss-export.timer"] {
            #expect(
                FileManager.default.contentsEqual(
                    atPath: world.root.file("etc/systemd/system/" + name), andPath: PackagePaths.root + "/packaging/systemd/" + name), "\(name)")
        }
    }

    /// What can be checked of the systemctl and journalctl lines without
    /// systemd: every unit they name is a packaged unit (an instance of a
    /// template counts as the template).
    @Test func theSystemctlLinesNameThePackagedUnits() throws {
        let packaged = Set(try FileManager.default.contentsOfDirectory(atPath: PackagePaths.root + "/packaging/systemd"))
        let lines = try Self.document().commands.filter { $0.text.hasPrefix("systemctl ") || $0.text.hasPrefix("journalctl ") }
        #expect(!lines.isEmpty)
        for line in lines {
            for word in line.text.split(separator: " ") where word.hasPrefix("hss-export") {
                let unit = word.replacingOccurrences(of: #"@[^.]+\."#, with: "@.", options: .regularExpression)
                #expect(packaged.contains(unit), "\(line) names \(word), which packaging/systemd does not have")
            }
        }
    }

    // MARK: - State and signals

    /// "the record says `create_unknown`, the run exits 3, and `hss-export
    /// state FILE --adopt NAME=TASK_ID` … settles it": the next run waits for
    /// the adopted task and exits 0.
    @Test func anUnknownCreateIsSettledWithState() async throws {
        let adopt = try Self.command("hss-export state FILE --adopt NAME=TASK_ID")
        let scenario = BinaryHarness.scenarioYAML + "\nfaults:\n  create: [{mode: reset, first: 1}]\n"
        try await Self.withWorld(scenario: scenario) { world, _ in
            let exports = """
                exports:
                  - kind: vulnerabilities
                    category: vul
                    export_size: 1000
                    export_headers: [[vul_name, Vulnerability], [cve_ids, CVE]]
                state:
                  dir: \(world.lib)/state
                """
            try world.writeNightlyPipeline(tasks: ["ok-2"], extra: exports)
            let environment = world.environment(["HSS_AUTH_TOKEN": BinaryHarness.token])
            let run = "hss-export run /etc/hss-export/nightly.pipeline.yaml"
            let first = try await world.shell(run, environment: environment)
            #expect(first.status == 3, "\(first.standardError)")
            let records = try BinaryHarness.jsonLines(try String(contentsOfFile: world.lib + "/results.jsonl", encoding: .utf8))
            #expect(records.compactMap { ($0["error"] as? [String: Any])?["code"] as? String } == ["create_unknown"])

            let settle = adopt.replacingOccurrences(of: "FILE", with: "/etc/hss-export/nightly.pipeline.yaml")
                .replacingOccurrences(of: "NAME", with: "vulnerabilities").replacingOccurrences(of: "TASK_ID", with: "ok-1")
            let settled = try await world.shell(settle, environment: environment)
            #expect(settled.status == 0, "\(settled.standardError)")
            #expect(settled.standardOutput.contains("export vulnerabilities: the next run waits for task ok-1"), "\(settled.standardOutput)")

            let second = try await world.shell(run, environment: environment)
            #expect(second.status == 0, "\(second.standardError)")
            let resumed = try BinaryHarness.jsonLines(try String(contentsOfFile: world.lib + "/results.jsonl", encoding: .utf8))
            #expect(resumed.compactMap { $0["task_id"] as? String }.sorted() == ["ok-1", "ok-2"])
        }
    }

    /// "`timeout 5m hss-export run …` therefore ends with every output
    /// written and exit 124", with seconds for minutes and a task that never ends.
    @Test func underTimeoutEveryOutputIsWrittenAndTheExitIs124() async throws {
        let documented = try Self.command("timeout 5m hss-export run …")
        try await Self.withWorld { world, _ in
            try world.writeNightlyPipeline(tasks: ["ok-2", "forever"])
            // Long enough for a loaded CI machine to start the run and install its signal handlers.
            let command = documented.replacingOccurrences(of: "5m", with: "6s")
                .replacingOccurrences(of: "…", with: "/etc/hss-export/nightly.pipeline.yaml")
            let output = try await world.shell(command, environment: world.environment(["HSS_AUTH_TOKEN": BinaryHarness.token]))
            #expect(output.status == 124, "\(output.standardError)")
            #expect(output.standardError.contains("interrupted: stopping the wait and committing what is known"), "\(output.standardError)")
            let records = try BinaryHarness.jsonLines(try String(contentsOfFile: world.lib + "/results.jsonl", encoding: .utf8))
            #expect(records.map { $0["outcome"] as? String } == ["succeeded", "interrupted"])
        }
    }

    // MARK: - Trial runs

    /// "checks … and stops before the first export": one request, nothing
    /// written; refused credentials exit 3.
    @Test func aTrialRunChecksOnceAndWritesNothing() async throws {
        let inline = try Self.command("hss-export run --dry-run FILE")
        let console = try Self.command("hss-export run --dry-run nightly.pipeline.yaml")
        try await Self.withWorld { world, simulator in
            try world.writeNightlyPipeline(extra: "state:\n  dir: \(world.lib)/state\n")
            let environment = world.environment(["HSS_AUTH_TOKEN": BinaryHarness.token])
            let output = try await world.shell(console, environment: environment, in: world.etc)
            #expect(output.status == 0, "\(output.standardError)")
            #expect(
                output.standardOutput.hasPrefix("dry run of \(world.etc)/nightly.pipeline.yaml: nothing was written\n"), "\(output.standardOutput)")
            #expect(output.standardOutput.contains("check passed: the endpoint answers and accepts the credentials (1 request)"))
            #expect(output.standardOutput.contains("  stage 1 (jsonl): \(world.lib)/results.jsonl"), "\(output.standardOutput)")
            #expect(await simulator.statistics.totalRequests == 1)
            #expect(try FileManager.default.contentsOfDirectory(atPath: world.lib).isEmpty, "the dry run wrote into \(world.lib)")

            let file = inline.replacingOccurrences(of: "FILE", with: "/etc/hss-export/nightly.pipeline.yaml")
            let refused = try await world.shell(file, environment: world.environment(["HSS_AUTH_TOKEN": "not-the-token"]))
            #expect(refused.status == 3, "\(refused.standardError)")
            #expect(try FileManager.default.contentsOfDirectory(atPath: world.lib).isEmpty)
        }
    }

    /// "waits for the file's listed tasks … prints their records as JSON
    /// Lines … ignores the file's exports …, its download:, state: and stages".
    @Test func waitWithAPipelineFileCreatesAndWritesNothing() async throws {
        let wait = try Self.command("hss-export wait --pipeline FILE")
        try await Self.withWorld { world, simulator in
            let exports = """
                exports:
                  - kind: vulnerabilities
                    category: vul
                    export_size: 1000
                    export_headers: [[vul_name, Vulnerability], [cve_ids, CVE]]
                state:
                  dir: \(world.lib)/state
                """
            try world.writeNightlyPipeline(extra: exports)
            let output = try await world.shell(
                wait.replacingOccurrences(of: "FILE", with: "/etc/hss-export/nightly.pipeline.yaml"),
                environment: world.environment(["HSS_AUTH_TOKEN": BinaryHarness.token]))
            #expect(output.status == 0, "\(output.standardError)")
            let records = try BinaryHarness.jsonLines(output.standardOutput)
            #expect(records.map { $0["task_id"] as? String } == ["ok-1", "ok-2"])
            #expect(await simulator.statistics.creations == 0)
            #expect(try FileManager.default.contentsOfDirectory(atPath: world.lib).isEmpty)
        }
    }

    // MARK: - The run summary as JSON

    static let summaryKeys = [
        "run_id", "pipeline", "started_at", "finished_at", "duration_seconds", "exit_code", "exit_meaning", "interrupted", "tasks", "outcomes",
        "results", "outputs", "stage_failures",
    ]

    /// The keys in the table's order; the document's jq example prints what
    /// the document shows; exit 2 prints no summary.
    @Test func theRunSummaryIsOneJSONDocumentInTheDocumentedOrder() async throws {
        let summary = try Self.command("hss-export run --summary json FILE")
        let piped = try Self.command("hss-export run --summary json nightly.pipeline.yaml | jq -c '{exit_code, outcomes}'")
        let document = try Self.document()
        let block = try #require(document.blocks.first { $0.lines.contains("$ " + piped) })
        let shown = try #require(block.lines.firstIndex(of: "$ " + piped).map { block.lines[$0 + 1] })
        let scenario = BinaryHarness.scenarioYAML + "\n  - id: ok-3\n    script: [{status: success}]\n"
        try await Self.withWorld(scenario: scenario) { world, _ in
            try world.writeNightlyPipeline(tasks: ["ok-1", "ok-2", "ok-3"])
            let environment = world.environment(["HSS_AUTH_TOKEN": BinaryHarness.token])
            let output = try await world.shell(
                summary.replacingOccurrences(of: "FILE", with: "/etc/hss-export/nightly.pipeline.yaml"), environment: environment)
            #expect(output.status == 0, "\(output.standardError)")
            let text = output.standardOutput.trimmingCharacters(in: .whitespacesAndNewlines)
            #expect(!text.contains("\n"), "not one line: \(text)")
            let object = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
            #expect(Set(object.keys) == Set(Self.summaryKeys), "\(object.keys.sorted())")
            let positions = Self.summaryKeys.compactMap { text.range(of: "\"\($0)\":")?.lowerBound }
            #expect(positions.count == Self.summaryKeys.count && positions == positions.sorted(), "keys out of the documented order: \(text)")

            // The document's pipe through jq, when jq is there (in CI it must be).
            if ExternalTool.isCI { _ = try ExternalTool.require("jq", package: "jq") }
            if ExternalTool.path(of: "jq") != nil {
                let filtered = try await world.shell(piped, environment: environment, in: world.etc)
                #expect(filtered.status == 0, "\(filtered.standardError)")
                #expect(filtered.standardOutput == shown + "\n", "docs/operations.md shows \(shown)")
            }

            try FileManager.default.removeItem(atPath: world.lib)
            let refused = try await world.shell(
                summary.replacingOccurrences(of: "FILE", with: "/etc/hss-export/nightly.pipeline.yaml"), environment: environment)
            #expect(refused.status == 2)
            #expect(refused.standardOutput.isEmpty, "exit 2 printed a summary: \(refused.standardOutput)")
        }
    }

    // MARK: - Proxies

    /// "Loopback … is never proxied …, so `hss-export demo` and a local
    /// simulator work with `HTTP_PROXY` set" (to a port where nothing listens).
    @Test func theDemoWorksWithAProxySet() async throws {
        let demo = try Self.command("hss-export demo")
        let world = try World(url: URL(string: "http://127.0.0.1:9")!)
        defer { world.root.remove() }
        let proxy = "http://127.0.0.1:9"
        let output = try await world.shell(
            demo, environment: world.environment(["HTTP_PROXY": proxy, "http_proxy": proxy, "HTTPS_PROXY": proxy, "https_proxy": proxy]))
        #expect(output.status == 0, "\(output.standardOutput)\(output.standardError)")
    }

    // MARK: - Pipeline files

    /// The pipeline files the document shows, on their own and inside a
    /// ConfigMap: each passes `hss-export validate`, with the variables the
    /// document sets beside it.
    @Test func everyPipelineFileInTheDocumentValidates() async throws {
        let document = try Self.document()
        var pipelines: [(line: Int, text: String)] = []
        for block in document.blocks where block.info == "yaml" {
            if block.lines.first == "version: 1" {
                pipelines.append((block.line, block.lines.joined(separator: "\n")))
            }
            // A ConfigMap's `NAME.pipeline.yaml: |` block scalar.
            var index = 0
            while index < block.lines.count {
                let line = block.lines[index]
                index += 1
                guard line.trimmingCharacters(in: .whitespaces).hasSuffix(".pipeline.yaml: |") else { continue }
                let indent = line.prefix { $0 == " " }.count
                var embedded: [String] = []
                while index < block.lines.count, block.lines[index].prefix(while: { $0 == " " }).count > indent || block.lines[index].isEmpty {
                    embedded.append(block.lines[index])
                    index += 1
                }
                let inner = embedded.first.map { $0.prefix { $0 == " " }.count } ?? 0
                pipelines.append(
                    (block.line + index - embedded.count - 1, embedded.map { String($0.dropFirst(min(inner, $0.count))) }.joined(separator: "\n")))
            }
        }
        #expect(pipelines.count >= 3, "found \(pipelines.count) pipeline files")
        let world = try World(url: URL(string: "http://127.0.0.1:9")!)
        defer { world.root.remove() }
        for (number, (line, text)) in pipelines.enumerated() {
            let directory = world.root.file("pipeline-\(number)")
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            try text.write(toFile: directory + "/p.pipeline.yaml", atomically: false, encoding: .utf8)
            try "export-vul-0001\n".write(toFile: directory + "/tasks.txt", atomically: false, encoding: .utf8)
            let output = try await ProcessRunner.run(
                PackagePaths.binary, ["validate", directory + "/p.pipeline.yaml"],
                environment: world.environment(["HSS_PROJECT_ID": BinaryHarness.projectID]))
            #expect(output.status == 0, "the pipeline file at docs/operations.md:\(line) does not validate: \(output.standardError)")
        }
    }
}
