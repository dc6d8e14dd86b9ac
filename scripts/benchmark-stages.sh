#!/usr/bin/env bash
# Builds StageBenchmarks in release mode and runs it, passing every argument
# through (--records N, --repeat N, --gzip-mib N, --stages LIST, --json,
# --output-dir DIR, --dump-records FILE; --help lists them).
#
#   scripts/benchmark-stages.sh
#   scripts/benchmark-stages.sh --records 20000 --gzip-mib 16 --json > bench.json
#   scripts/benchmark-stages.sh --stages jsonl,csv --gzip-mib 0
#
# scripts/benchmark-vs-python.sh compares the jsonl and csv stages with Python.
#
# Debug builds say little about production speed, hence release. Build output
# and progress go to stderr, so stdout holds only the report.
set -euo pipefail

cd "$(dirname "$0")/.."

echo "benchmark-stages: building StageBenchmarks in release mode." >&2
echo "benchmark-stages: the first release build compiles the whole dependency graph (swift-crypto, Yams, swift-log) and takes several minutes; later ones take seconds." >&2
# The target exists only when this is set (see Package.swift).
export ENABLE_HSS_EXPORT_BENCHMARKS=1
swift build -c release --product StageBenchmarks >&2

bin_path="$(swift build -c release --show-bin-path)"
exec "$bin_path/StageBenchmarks" "$@"
