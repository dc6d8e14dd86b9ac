/// What the build recorded about itself. `scripts/build-release.sh` replaces
/// this file in the copy of the tree it builds from; in a checkout both are nil.
enum HSSExportBuildInfo {
    static let commit: String? = nil
    static let date: String? = nil
}
