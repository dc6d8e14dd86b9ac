import ExportStageKit

/// The version of hss-export, for `--version`, the User-Agent and manifests.
public enum HSSExportVersion {
    /// Semantic version of this build.
    public static let current = "0.1.0"
}
