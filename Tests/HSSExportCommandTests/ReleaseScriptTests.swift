import Foundation
import TestSupport
import Testing

/// What can be checked of the release without building it (that takes ten
/// minutes; `.ci/run` builds it and runs scripts/check-release.sh on it):
/// the Containerfile against docs/install.md's runtime packages, the
/// scripts' argument handling, and that the README and CI use them.
@Suite
struct ReleaseScriptTests {
    static let root = PackagePaths.root

    static func read(_ path: String) throws -> String {
        try String(contentsOfFile: root + "/" + path, encoding: .utf8)
    }

    /// The runtime packages docs/install.md names: the `apt-get install`
    /// line after `# the runtime packages`, parsed as scripts/check-release.sh does.
    static func documentedRuntimePackages() throws -> [String] {
        let lines = try read("docs/install.md").split(separator: "\n").map(String.init)
        let marker = try #require(lines.firstIndex { $0.contains("# the runtime packages") }, "docs/install.md has no '# the runtime packages' line")
        let command = lines[marker + 1]
        let words = command.split(separator: " ").map(String.init)
        let flag = try #require(words.firstIndex(of: "--no-install-recommends"), "\(command)")
        #expect(words.starts(with: ["apt-get", "install"]), "\(command)")
        return Array(words[(flag + 1)...])
    }

    /// The Containerfile's stages: each `FROM` line with the instructions after it,
    /// continuation lines joined.
    static func stages() throws -> [[String]] {
        var instructions: [String] = []
        var current = ""
        for line in try read("Containerfile").split(separator: "\n", omittingEmptySubsequences: false) {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if current.isEmpty && (trimmed.isEmpty || trimmed.hasPrefix("#")) { continue }
            if trimmed.hasSuffix("\\") {
                current += trimmed.dropLast() + " "
            } else {
                instructions.append(current + trimmed)
                current = ""
            }
        }
        var stages: [[String]] = []
        for instruction in instructions {
            if instruction.hasPrefix("FROM ") {
                stages.append([instruction])
            } else if !stages.isEmpty {
                stages[stages.count - 1].append(instruction)
            }
        }
        return stages
    }

    @Test("the Containerfile builds with the release script and runs on the documented packages as a non-root user")
    func containerfile() throws {
        let stages = try Self.stages()
        #expect(stages.count == 2)
        let builder = try #require(stages.first)
        #expect(builder[0].hasSuffix(" AS builder"), "\(builder[0])")
        #expect(builder[0].contains("swift:6.3"), "\(builder[0])")
        #expect(builder.contains { $0.hasPrefix("RUN ") && $0.contains("scripts/build-release.sh") })

        let runtime = try #require(stages.last)
        #expect(runtime[0] == "FROM docker.io/library/debian:bookworm-slim", "\(runtime[0])")
        let installs = runtime.filter { $0.hasPrefix("RUN ") && $0.contains("apt-get install") }
        #expect(installs.count == 1, "\(installs)")
        let words = installs.first?.split(separator: " ").map(String.init) ?? []
        let packages = words.drop { $0 != "--no-install-recommends" }.dropFirst().prefix { $0 != "&&" }
        #expect(Array(packages).sorted() == (try Self.documentedRuntimePackages()).sorted())

        #expect(runtime.contains { $0.hasPrefix("COPY --from=builder ") })
        let user = try #require(runtime.last { $0.hasPrefix("USER ") }, "the runtime stage sets no USER")
        let name = user.dropFirst("USER ".count).split(separator: ":").first.map(String.init) ?? ""
        #expect(!["root", "0", ""].contains(name), "\(user)")
        let userIndex = try #require(runtime.firstIndex(of: user))
        let entrypoint = try #require(runtime.firstIndex { $0.hasPrefix("ENTRYPOINT ") })
        #expect(userIndex < entrypoint)
        #expect(runtime[entrypoint] == #"ENTRYPOINT ["/usr/local/bin/hss-export"]"#)
    }

    @Test("the documented runtime is Debian's libraries and CA certificates, no Swift runtime")
    func runtimePackages() throws {
        let packages = try Self.documentedRuntimePackages()
        #expect(packages.contains("libc6"))
        #expect(packages.contains("ca-certificates"))
        #expect(!packages.contains { $0.contains("swift") })
        #expect(Set(packages).count == packages.count, "\(packages)")
    }

    @Test("build-release.sh and check-release.sh refuse bad arguments with exit 2 and their usage")
    func scriptArguments() async throws {
        for (script, arguments) in [
            ("scripts/build-release.sh", ["--bogus"]),
            ("scripts/build-release.sh", ["--out"]),
            ("scripts/check-release.sh", []),
            ("scripts/check-release.sh", ["/nonexistent/hss-export.tar.gz"]),
        ] {
            let output = try await ProcessRunner.run("/bin/bash", [Self.root + "/" + script] + arguments, timeout: .seconds(60))
            #expect(output.status == 2, "\(script) \(arguments): \(output.standardError)")
            #expect(output.standardError.contains("usage: \(script)"), "\(script) \(arguments): \(output.standardError)")
            #expect(output.standardOutput.isEmpty)
        }
    }

    @Test("the README installs with the script, and CI builds and checks the tarball")
    func usedWhereDocumented() throws {
        let readme = try Self.read("README.md")
        let install = try #require(readme.range(of: "\n## Install\n"), "README.md has no Install section")
        let quickStart = try #require(readme.range(of: "\n## Quick start\n"))
        #expect(quickStart.upperBound < install.lowerBound)
        #expect(readme[install.upperBound...].contains("scripts/build-release.sh --install /usr/local"))
        let ci = try Self.read(".ci/run")
        let build = try #require(ci.range(of: "scripts/build-release.sh"))
        let check = try #require(ci.range(of: "scripts/check-release.sh"))
        #expect(build.upperBound < check.lowerBound)
        #expect(try Self.read("docs/README.md").contains("(install.md)"))
    }
}
