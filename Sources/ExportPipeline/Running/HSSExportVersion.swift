import ExportStageKit

/// The version of hss-export, for `--version`, the User-Agent and manifests.
public enum HSSExportVersion {
    /// Semantic version of this build.
    public static let current = "0.1.0"

    /// The git commit this binary was built from, when the build recorded it
    /// (`scripts/build-release.sh` does; `swift build` in a checkout does not).
    public static var commit: String? { HSSExportBuildInfo.commit }

    /// The UTC date this binary was built, `YYYY-MM-DD`, when the build recorded it.
    public static var buildDate: String? { HSSExportBuildInfo.date }

    /// What `--version` prints: `0.1.0 (commit 1b42683, built 2026-12-02)`, or
    /// `0.1.0 (development build)` for a build that did not record them.
    public static var description: String {
        switch (commit, buildDate) {
        case (let commit?, let date?): "\(current) (commit \(commit), built \(date))"
        case (let commit?, nil): "\(current) (commit \(commit))"
        default: "\(current) (development build)"
        }
    }
}
