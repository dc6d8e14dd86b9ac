#!/usr/bin/env bash
# Proves a release tarball (scripts/build-release.sh) in a minimal root with
# no toolchain: a directory made of exactly the Debian packages
# docs/install.md names as the runtime (read from the tarball's own copy of
# it), nothing else, and the tarball extracted into its /usr/local.
#
#   scripts/check-release.sh .build-release/dist/hss-export-0.1.0-linux-x86_64.tar.gz
#
# It fails when:
# - a library the binary needs (readelf -d: NEEDED) is not in those packages,
#   or the binary carries a path to a resource bundle (which would be missing
#   beside an installed binary);
# - `hss-export --version` in the root does not name a commit;
# - `hss-export demo` in the root does not exit 0 and write its files;
# - the packaged systemd units do not pass `systemd-analyze verify` with the
#   packaged binary and man pages (when systemd-analyze is installed; in CI,
#   CI=true, it must be).
#
# Prints the binary's and the tarball's size, the cold start (median of ten
# `--version` runs in the root) and the demo's wall time.
#
# Needs root (chroot), apt-get with current package lists (apt-get update),
# dpkg-deb and readelf (binutils).
set -euo pipefail

if [ $# -ne 1 ] || [ ! -f "$1" ]; then
    echo "usage: scripts/check-release.sh TARBALL (a file; scripts/build-release.sh prints its path)" >&2
    exit 2
fi
tarball="$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"
log() { echo "check-release: $*" >&2; }
fail() { echo "check-release: FAIL: $*" >&2; exit 1; }

[ "$(id -u)" = 0 ] || fail "chroot needs root; run it as root (CI does)"
for tool in apt-get dpkg-deb readelf chroot; do
    command -v "$tool" >/dev/null || fail "$tool is not installed (readelf: binutils; dpkg-deb, apt-get: dpkg, apt)"
done

work="$(mktemp -d /tmp/hss-export-check-release.XXXXXX)"
root="$work/root"
cleanup() {
    # Never remove through a mounted /proc: unmount first, and stay on this file system.
    if mountpoint -q "$root/proc" 2>/dev/null; then umount "$root/proc" || return; fi
    rm -rf --one-file-system "$work"
}
trap cleanup EXIT
mkdir -p "$root/usr/local" "$root/tmp" "$root/proc" "$root/dev" "$work/debs" "$work/unpacked"
chmod 1777 "$root/tmp"

# MARK: - The documented runtime: the line after "# the runtime packages" in install.md

tar -xzf "$tarball" -C "$work/unpacked"
doc="$work/unpacked/share/doc/hss-export/install.md"
[ -f "$doc" ] || fail "the tarball has no share/doc/hss-export/install.md to read the runtime packages from"
packages="$(awk '/# the runtime packages/ { getline; sub(/.*--no-install-recommends[ ]+/, ""); print; exit }' "$doc")"
[ -n "$packages" ] || fail "install.md has no 'apt-get install ... --no-install-recommends PACKAGES' line after '# the runtime packages'"
log "the documented runtime packages: $packages"

# MARK: - The root: those packages unpacked, no maintainer scripts, nothing else

# -o APT::Sandbox::User=root: the download directory is root's temporary one.
# shellcheck disable=SC2086
(cd "$work/debs" && apt-get -q -o APT::Sandbox::User=root download $packages >&2)
for deb in "$work/debs"/*.deb; do dpkg-deb -x "$deb" "$root"; done
tar -xzf "$tarball" -C "$root/usr/local"
binary="$root/usr/local/bin/hss-export"
[ -x "$binary" ] || fail "the tarball has no executable bin/hss-export"
if [ -e "$root/opt/swift" ] || find "$root" -name 'libswiftCore.so*' | grep -q .; then
    fail "the root has a Swift runtime; it must not"
fi

# MARK: - What the binary links: every NEEDED library in the documented packages

needed="$(readelf -d "$binary" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p')"
log "NEEDED: $(echo "$needed" | tr '\n' ' ')"
for library in $needed; do
    found="$(find "$root/lib" "$root/usr/lib" -name "$library" 2>/dev/null | head -1)"
    [ -n "$found" ] || fail "the binary needs $library, which none of the documented packages ($packages) provides; name its package in docs/install.md (and the Containerfile)"
done
case "$needed" in *libswift* | *libFoundation* | *libdispatch* | *libBlocksRuntime*)
    fail "the binary links the Swift runtime dynamically; build it with --static-swift-stdlib" ;;
esac
# A resource bundle's accessor embeds the bundle's name; the installed binary has no bundle.
if bundles="$(grep -a -o '[A-Za-z0-9_-]*_[A-Za-z0-9_-]*\.resources' "$binary" | sort -u)" && [ -n "$bundles" ]; then
    fail "the binary refers to resource bundles that are not installed with it: $bundles"
fi

# MARK: - Running it in the root

# What every container and chroot has besides files: /proc (the Swift runtime
# reads its arguments from /proc/self/cmdline) and the character devices
# (Foundation's UUID() reads /dev/urandom). Nothing from the host's files.
mount -t proc proc "$root/proc"
mknod -m 666 "$root/dev/null" c 1 3
mknod -m 666 "$root/dev/zero" c 1 5
mknod -m 666 "$root/dev/random" c 1 8
mknod -m 666 "$root/dev/urandom" c 1 9

version="$(chroot "$root" /usr/local/bin/hss-export --version)" || fail "hss-export --version failed in the root"
log "--version: $version"
echo "$version" | grep -Eq 'commit [0-9a-f]{7,}' || fail "--version does not name the commit: '$version'"

now_ns() { date +%s%N; }
runs=()
for _ in 1 2 3 4 5 6 7 8 9 10; do
    start="$(now_ns)"
    chroot "$root" /usr/local/bin/hss-export --version >/dev/null
    runs+=($(( ($(now_ns) - start) / 1000 )))
done
median_us="$(printf '%s\n' "${runs[@]}" | sort -n | awk '{ v[NR] = $1 } END { print int((v[5] + v[6]) / 2) }')"

start="$(now_ns)"
chroot "$root" /usr/local/bin/hss-export demo --out /tmp/demo >"$work/demo.log" 2>&1 || {
    cat "$work/demo.log" >&2
    fail "hss-export demo failed in the root"
}
demo_ms=$(( ($(now_ns) - start) / 1000000 ))
written="$(find "$root/tmp/demo" -type f | wc -l)"
[ "$written" -gt 0 ] || fail "hss-export demo wrote no files under /tmp/demo"
find "$root/tmp/demo" -type f -empty | grep -q . && fail "hss-export demo wrote empty files: $(find "$root/tmp/demo" -type f -empty)"
log "demo wrote $written files: $(cd "$root/tmp/demo" && find . -type f -not -path './.state/*' | sort | tr '\n' ' ')"
# The same binary on this host writes as many files: nothing the root lacks
# (a device, a file) changed what the demo did.
"$work/unpacked/bin/hss-export" demo --out "$work/host-demo" >/dev/null 2>&1 || fail "hss-export demo failed outside the root"
on_host="$(find "$work/host-demo" -type f | wc -l)"
[ "$written" = "$on_host" ] || fail "hss-export demo wrote $written files in the root but $on_host on the host"

# MARK: - The packaged units, with the packaged binary and man pages

if command -v systemd-analyze >/dev/null; then
    units="$work/units"
    mkdir -p "$units"
    for unit in "$work/unpacked/share/hss-export/systemd"/*; do
        sed "s|/usr/local/bin/hss-export|$work/unpacked/bin/hss-export|g" "$unit" >"$units/$(basename "$unit")"
    done
    man_check=--man=no
    command -v man >/dev/null && man_check=--man=yes
    # Any output is a finding (an unknown key is only a warning, exit 0).
    findings="$(cd "$units" && MANPATH="$work/unpacked/share/man" systemd-analyze verify "$man_check" ./* 2>&1)" \
        || fail "systemd-analyze verify: $findings"
    [ -z "$findings" ] || fail "systemd-analyze verify: $findings"
    log "systemd units verified ($man_check): $(cd "$units" && echo ./* | sed 's|\./||g')"
elif [ "${CI:-}" = true ]; then
    fail "systemd-analyze is not installed (package systemd); CI must verify the units"
else
    log "systemd-analyze is not installed; the units were not verified"
fi

size_of() { stat -c %s "$1"; }
mb() { awk -v b="$1" 'BEGIN { printf "%.1f MB", b / 1048576 }'; }
echo "binary: $(size_of "$binary") bytes ($(mb "$(size_of "$binary")"))"
echo "tarball: $(size_of "$tarball") bytes ($(mb "$(size_of "$tarball")"))"
echo "runtime packages: $packages"
echo "cold start (--version, median of 10, in the root): $((median_us / 1000)).$(printf '%03d' $((median_us % 1000))) ms"
echo "demo (in the root): $demo_ms ms"
echo "check-release: OK"
