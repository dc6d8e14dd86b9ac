#!/usr/bin/env bash
# Builds StageBenchmarks in release mode and runs it, passing every argument
# through (--records N, --repeat N, --gzip-mib N, --json; --help lists them).
#
#   scripts/benchmark-stages.sh
#   scripts/benchmark-stages.sh --records 20000 --gzip-mib 16 --json > bench.json
#
# Debug builds say little about production speed, hence release. Build output
# and progress go to stderr, so stdout holds only the report.
set -euo pipefail

cd "$(dirname "$0")/.."

echo "benchmark-stages: building StageBenchmarks in release mode." >&2
echo "benchmark-stages: the first release build compiles the whole dependency graph (swift-crypto, Yams, swift-log) and takes several minutes; later ones take seconds." >&2
swift build -c release --product StageBenchmarks >&2

bin_path="$(swift build -c release --show-bin-path)"
exec "$bin_path/StageBenchmarks" "$@"
