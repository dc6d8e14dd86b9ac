import Foundation
import TestSupport
import Testing

/// The systemd units of `packaging/systemd/` (the release tarball's
/// `share/hss-export/systemd/`): they pass `systemd-analyze verify`, the
/// template and the plain service harden alike, and docs/operations.md shows
/// exactly these files.
///
/// Outside CI the verify tests skip when systemd-analyze is missing; in CI
/// they fail (`.ci/run` installs `systemd`).
@Suite
struct SystemdUnitTests {
    static let directory = PackagePaths.root + "/packaging/systemd"
    /// Where the units expect the binary: the tarball's default install prefix.
    static let installedBinary = "/usr/local/bin/hss-export"

    static func unitNames() throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: directory)
            .filter { $0.hasSuffix(".service") || $0.hasSuffix(".timer") }
            .sorted()
    }

    static func unit(_ name: String) throws -> String {
        try String(contentsOfFile: directory + "/" + name, encoding: .utf8)
    }

    /// What `systemd-analyze verify` says about `units` (name to text), written
    /// to a temporary directory: nil when it exits 0 and prints nothing. Any
    /// output counts, because an unknown key is only a warning with exit 0.
    /// `--man=no`: the debug build has no man pages (scripts/check-release.sh
    /// verifies the packaged units with the packaged pages).
    static func verify(_ units: [String: String]) async throws -> String? {
        let analyze = try ExternalTool.require("systemd-analyze", package: "systemd")
        let temporary = try TemporaryDirectory(prefix: "hss-export-systemd")
        defer { temporary.remove() }
        for (name, text) in units { try temporary.write(text, to: name) }
        let output = try await ProcessRunner.run(
            analyze,
            ["verify", "--man=no"] + units.keys.sorted().map { "./" + $0 },
            currentDirectory: temporary.path,
            timeout: .seconds(60)
        )
        let said = (output.standardOutput + output.standardError).trimmingCharacters(in: .whitespacesAndNewlines)
        if output.status == 0 && said.isEmpty { return nil }
        return "exit \(output.status): \(said)"
    }

    @Test("the packaging has a service, a timer, and their templates")
    func theUnits() throws {
        #expect(try Self.unitNames() == ["hss-export.service", "hss-export.timer", "hss-export@.service", "hss-export@.timer"])
        for name in try Self.unitNames() where name.hasSuffix(".service") {
            let text = try Self.unit(name)
            #expect(text.contains("\nType=oneshot\n"), "\(name)")
            #expect(text.contains("\nExecStart=\(Self.installedBinary) run /etc/hss-export/"), "\(name)")
        }
        #expect(try Self.unit("hss-export@.service").contains("ExecStart=\(Self.installedBinary) run /etc/hss-export/%i.pipeline.yaml\n"))
    }

    @Test(
        "every packaged unit passes systemd-analyze verify with the built binary as ExecStart",
        .enabled(if: ExternalTool.shouldRun("systemd-analyze")),
        .timeLimit(.minutes(2))
    )
    func verifyPackaged() async throws {
        #expect(FileManager.default.isExecutableFile(atPath: PackagePaths.binary))
        var units: [String: String] = [:]
        for name in try Self.unitNames() {
            let text = try Self.unit(name)
            units[name] = text.replacingOccurrences(of: Self.installedBinary, with: PackagePaths.binary)
        }
        let findings = try await Self.verify(units)
        #expect(findings == nil)
    }

    @Test(
        "the check fails on a missing ExecStart binary and on a misspelled key",
        .enabled(if: ExternalTool.shouldRun("systemd-analyze")),
        .timeLimit(.minutes(2))
    )
    func verifyCatches() async throws {
        let service = try Self.unit("hss-export.service")
        let missing = service.replacingOccurrences(of: Self.installedBinary, with: "/nonexistent/bin/hss-export")
        let missingFindings = try await Self.verify(["hss-export.service": missing])
        #expect(missingFindings?.contains("/nonexistent/bin/hss-export") == true, "\(missingFindings ?? "nil")")

        let misspelled =
            service
            .replacingOccurrences(of: Self.installedBinary, with: PackagePaths.binary)
            .replacingOccurrences(of: "ProtectSystem=strict", with: "ProtectSystm=strict")
        let misspelledFindings = try await Self.verify(["hss-export.service": misspelled])
        #expect(misspelledFindings?.contains("ProtectSystm") == true, "\(misspelledFindings ?? "nil")")
    }

    /// The template is the service with `%i` in three lines; everything
    /// else (hardening, timeouts, state) must not drift apart.
    @Test("the template differs from the service only in Description, EnvironmentFile and ExecStart")
    func templateMatchesService() throws {
        let own = ["Description=", "EnvironmentFile=", "ExecStart="]
        func shared(_ text: String) -> [String] {
            text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
                .filter { line in !own.contains { line.hasPrefix($0) } }
        }
        #expect(shared(try Self.unit("hss-export@.service")) == shared(try Self.unit("hss-export.service")))
        let templateOwn = try Self.unit("hss-export@.service").split(separator: "\n").filter { line in own.contains { line.hasPrefix($0) } }
        #expect(templateOwn.count == 3)
        #expect(templateOwn.allSatisfy { $0.contains("%i") }, "\(templateOwn)")
        let timer = try Self.unit("hss-export.timer").split(separator: "\n").filter { !$0.hasPrefix("Description=") }
        #expect(try Self.unit("hss-export@.timer").split(separator: "\n").filter { !$0.hasPrefix("Description=") } == timer)
    }

    /// docs/operations.md introduces each unit's block with a line naming its
    /// file: "`/etc/systemd/system/hss-export.service`:", then an ini block.
    @Test("docs/operations.md shows exactly the packaged units")
    func operationsDocument() throws {
        let text = try String(contentsOfFile: PackagePaths.root + "/docs/operations.md", encoding: .utf8)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        var documented: [String: String] = [:]
        var index = 0
        while index < lines.count {
            let line = lines[index]
            index += 1
            guard line.hasPrefix("`/etc/systemd/system/"), line.hasSuffix("`:") else { continue }
            let name = String(line.dropFirst("`/etc/systemd/system/".count).dropLast(2))
            while index < lines.count, lines[index].isEmpty { index += 1 }
            #expect(index < lines.count && lines[index] == "```ini", "\(name): no ini block after its name")
            index += 1
            var block: [String] = []
            while index < lines.count, lines[index] != "```" {
                block.append(lines[index])
                index += 1
            }
            #expect(documented[name] == nil, "\(name) is shown twice")
            documented[name] = block.joined(separator: "\n") + "\n"
        }
        #expect(documented.keys.sorted() == (try Self.unitNames()))
        for name in try Self.unitNames() {
            #expect(documented[name] == (try Self.unit(name)), "docs/operations.md's \(name) differs from packaging/systemd/\(name)")
        }
    }
}
