#!/usr/bin/env bash
# Downloads a large file (default 200 MiB) through HSSClient.downloadFile from a local
# server (scripts/benchmark_download.py) and prints bytes, seconds, MB/s and the peak
# resident memory of the download, to show that the body is streamed to disk.
#
#   scripts/benchmark-download.sh [SIZE_BYTES]
#
# The driver is DownloadBenchmarkTests (Tests/HSSClientTests), which runs only with
# HSS_EXPORT_DOWNLOAD_BENCHMARK=1. CONFIGURATION=release measures an optimised build
# (slower to build; the tests are built with -enable-testing for @testable imports).
set -euo pipefail
cd "$(dirname "$0")/.."
size="${1:-$((200 * 1024 * 1024))}"
configuration="${CONFIGURATION:-debug}"

coproc SERVER { exec python3 -u scripts/benchmark_download.py "$size"; }
trap 'exec {SERVER[1]}>&-; wait "$SERVER_PID" 2>/dev/null || true' EXIT
read -r port served sha <&"${SERVER[0]}"
echo "serving $served bytes on 127.0.0.1:$port (sha256 $sha)"

extra=()
if [ "$configuration" = release ]; then extra=(-c release -Xswiftc -enable-testing); fi
HSS_EXPORT_DOWNLOAD_BENCHMARK=1 \
    HSS_EXPORT_BENCHMARK_ENDPOINT="http://127.0.0.1:$port" \
    HSS_EXPORT_BENCHMARK_SHA256="$sha" \
    swift test "${extra[@]}" --filter DownloadBenchmarkTests 2>&1 | grep -E "^(download|✘|✔|error)|Test run" || true
