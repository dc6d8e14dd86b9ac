#!/usr/bin/env bash
# Builds the release tarball of hss-export from the committed HEAD: a
# stripped binary with the Swift runtime linked in (--static-swift-stdlib),
# its man pages, bash/zsh/fish completions, docs and systemd units, laid out
# as an installation prefix.
#
#   scripts/build-release.sh                        # tarball in .build-release/dist
#   scripts/build-release.sh --out DIR              # tarball in DIR
#   scripts/build-release.sh --install /usr/local   # and extract it into a prefix
#   scripts/build-release.sh --install              # the same, PREFIX=/usr/local
#
# What it builds is `git archive HEAD`, never the working tree: uncommitted
# changes are not in the release (a warning says so). The copy lives in
# .build-release/src and is updated file by file, and the build directory
# (.build-release/scratch) persists, so a second run compiles only what
# changed. The first build takes 10+ minutes on two cores.
#
# The copy's Sources/ExportPipeline/Running/HSSExportBuildInfo.swift records
# the short commit and the UTC build date (SOURCE_DATE_EPOCH, when set,
# fixes the date), which `hss-export --version` prints.
#
# The last lines printed are the tarball's path, size and sha256 and the
# binary's size; docs/install.md describes the layout.
set -euo pipefail

cd "$(dirname "$0")/.."
repo="$PWD"

usage() {
    echo "usage: scripts/build-release.sh [--out DIR] [--install [PREFIX]]" >&2
    exit 2
}

out_dir="$repo/.build-release/dist"
install_prefix=""
while [ $# -gt 0 ]; do
    case "$1" in
        --out)
            [ $# -ge 2 ] || usage
            out_dir="$2"
            shift 2
            ;;
        --install)
            if [ $# -ge 2 ] && [ "${2#-}" = "$2" ]; then
                install_prefix="$2"
                shift 2
            else
                install_prefix=/usr/local
                shift
            fi
            ;;
        -h | --help) sed -n '2,23p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "build-release: unknown argument '$1'" >&2; usage ;;
    esac
done
mkdir -p "$out_dir"
out_dir="$(cd "$out_dir" && pwd)"

log() { echo "build-release: $*" >&2; }

# MARK: - What is built: HEAD, its commit and date

commit="$(git rev-parse --short=7 HEAD)"
if [ -n "$(git status --porcelain)" ]; then
    log "warning: the working tree has uncommitted changes; they are NOT in the release (it is built from HEAD, $commit)"
fi
if [ -n "${SOURCE_DATE_EPOCH:-}" ]; then
    build_date="$(date -u -d "@$SOURCE_DATE_EPOCH" +%Y-%m-%d)"
else
    build_date="$(date -u +%Y-%m-%d)"
fi
version="$(sed -n 's/.*static let current = "\(.*\)".*/\1/p' Sources/ExportPipeline/Running/HSSExportVersion.swift)"
[ -n "$version" ] || { log "cannot read HSSExportVersion.current from Sources/ExportPipeline/Running/HSSExportVersion.swift"; exit 1; }
arch="$(uname -m)"
name="hss-export-$version-linux-$arch"

# MARK: - The copy of HEAD, updated in place so the build stays incremental

work="$repo/.build-release"
src="$work/src"
scratch="$work/scratch"
mkdir -p "$src" "$scratch"
fresh="$(mktemp -d "$work/archive.XXXXXX")"
trap 'rm -rf "$fresh"' EXIT
git archive --format=tar HEAD | tar -x -C "$fresh"

build_info="Sources/ExportPipeline/Running/HSSExportBuildInfo.swift"
cat >"$fresh/$build_info" <<EOF
/// What the build recorded about itself, written by scripts/build-release.sh
/// into the copy of the tree it builds from.
enum HSSExportBuildInfo {
    static let commit: String? = "$commit"
    static let date: String? = "$build_date"
}
EOF
# Package.resolved is not committed; the checkout's pins (what its tests ran
# with) are used when there are some, so the release builds the same versions.
if [ -f Package.resolved ]; then cp Package.resolved "$fresh/Package.resolved"; fi

# Copy only files whose content changed: an unchanged file keeps its inode
# and mtime, and the compiler does not rebuild its module.
(cd "$fresh" && find . -type f -print0) | while IFS= read -r -d '' file; do
    if ! cmp -s "$fresh/$file" "$src/$file"; then
        mkdir -p "$(dirname "$src/$file")"
        cp "$fresh/$file" "$src/$file"
    fi
done
# Files HEAD no longer has leave the copy too.
(cd "$src" && find . -type f -print0) | while IFS= read -r -d '' file; do
    [ -e "$fresh/$file" ] || rm -f "$src/$file"
done

# MARK: - Build: the binary and the man page generator, with the same flags

build_flags=(-c release --static-swift-stdlib --scratch-path "$scratch" --package-path "$src")
# At the lowest priority, so the long build yields to everything else on the
# machine. SCHED_IDLE (chrt --idle) reaches the compilers; a nice value does
# not: swift-build starts its swiftc jobs at nice 0 whatever its own is.
low_priority=(nice -n 10)
if chrt --idle 0 true 2>/dev/null; then low_priority=(chrt --idle 0); fi
log "building hss-export $version ($commit, $build_date) in $scratch (${low_priority[*]})"
start=$SECONDS
"${low_priority[@]}" swift build "${build_flags[@]}" --product hss-export >&2
"${low_priority[@]}" swift build "${build_flags[@]}" --product generate-manual >&2
log "built in $((SECONDS - start)) s"
bin_dir="$(swift build "${build_flags[@]}" --show-bin-path)"

# MARK: - The prefix

stage="$work/stage/$name"
rm -rf "$work/stage"
mkdir -p "$stage/bin" "$stage/share/man/man1" "$stage/share/bash-completion/completions" \
    "$stage/share/zsh/site-functions" "$stage/share/fish/vendor_completions.d" \
    "$stage/share/doc/hss-export" "$stage/share/hss-export/systemd"

# binutils' strip when installed, else the toolchain's llvm-objcopy, which
# strips the same way.
binary="$stage/bin/hss-export"
if command -v strip >/dev/null; then
    strip -o "$binary" "$bin_dir/hss-export"
elif [ -x /opt/swift/usr/bin/llvm-objcopy ] || command -v llvm-objcopy >/dev/null; then
    objcopy="$(command -v llvm-objcopy || echo /opt/swift/usr/bin/llvm-objcopy)"
    "$objcopy" --strip-all "$bin_dir/hss-export" "$binary"
else
    log "neither strip (binutils) nor llvm-objcopy found; install binutils"
    exit 1
fi
chmod 0755 "$binary"

# The version the binary reports must be the one the tarball is named for.
reported="$("$binary" --version)"
case "$reported" in
    "$version"*) ;;
    *) log "the binary reports version '$reported', the source says $version"; exit 1 ;;
esac

"$binary" --generate-completion-script bash >"$stage/share/bash-completion/completions/hss-export"
"$binary" --generate-completion-script zsh >"$stage/share/zsh/site-functions/_hss-export"
"$binary" --generate-completion-script fish >"$stage/share/fish/vendor_completions.d/hss-export.fish"

# One page per command (hss-export.1, hss-export-run.1, …), from the command
# tree the binary dumps with --experimental-dump-help.
"$bin_dir/generate-manual" "$binary" --multi-page --date "$build_date" \
    --output-directory "$stage/share/man/man1" >&2
ls "$stage/share/man/man1"/hss-export.1 >/dev/null

# Docs and units come from the copy of HEAD too, like the binary.
cp "$src/README.md" "$stage/share/doc/hss-export/"
for doc in install operations pipeline-file stages credentials sharding node-exporter; do
    cp "$src/docs/$doc.md" "$stage/share/doc/hss-export/"
done
cp -r "$src/examples" "$stage/share/doc/hss-export/examples"
rm -rf "$stage/share/doc/hss-export/examples/custom-stage"
cp "$src"/packaging/systemd/* "$stage/share/hss-export/systemd/"

# MARK: - The tarball: fixed owner, order and times, so equal inputs give equal bytes

tarball="$out_dir/$name.tar.gz"
mtime="${SOURCE_DATE_EPOCH:-$(git log -1 --format=%ct HEAD)}"
tar --sort=name --owner=0 --group=0 --numeric-owner --mtime="@$mtime" \
    -C "$stage" -cf - . | gzip -9n >"$tarball.tmp"
mv "$tarball.tmp" "$tarball"

size_of() { stat -c %s "$1"; }
mb() { awk -v b="$1" 'BEGIN { printf "%.1f MB", b / 1048576 }'; }
echo "tarball: $tarball"
echo "tarball size: $(size_of "$tarball") bytes ($(mb "$(size_of "$tarball")"))"
echo "sha256: $(sha256sum "$tarball" | cut -d' ' -f1)"
echo "binary size: $(size_of "$binary") bytes ($(mb "$(size_of "$binary")")), $reported"

if [ -n "$install_prefix" ]; then
    mkdir -p "$install_prefix"
    tar -xzf "$tarball" -C "$install_prefix" --no-same-owner
    echo "installed into $install_prefix: $install_prefix/bin/hss-export"
fi
