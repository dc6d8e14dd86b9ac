#!/usr/bin/env bash
# The jsonl and csv stages against Python's json.dumps and csv.writer, on the
# same records, in one run: builds StageBenchmarks in release mode, runs the
# two stages (which also dump their synthetic records), then times Python on
# those records and prints records/s of both and the ratios. The Python output
# must equal the Swift stages' output byte for byte, or the script fails.
#
#   scripts/benchmark-vs-python.sh                      # 100,000 records, 5 runs each
#   scripts/benchmark-vs-python.sh --records 20000 --repeat 3
#   scripts/benchmark-vs-python.sh --json > vs-python.json
#
# What each side times is described in scripts/benchmark_vs_python.py.
# Build output and progress go to stderr, so stdout holds only the report.
set -euo pipefail

cd "$(dirname "$0")/.."

records=100000
repeats=5
json=()
while [ $# -gt 0 ]; do
    case "$1" in
        --records) records="$2"; shift 2 ;;
        --records=*) records="${1#*=}"; shift ;;
        --repeat) repeats="$2"; shift 2 ;;
        --repeat=*) repeats="${1#*=}"; shift ;;
        --json) json=(--json); shift ;;
        -h|--help) sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "benchmark-vs-python: unknown argument '$1' (try --help)" >&2; exit 2 ;;
    esac
done

command -v python3 >/dev/null || { echo "benchmark-vs-python: python3 is not on PATH" >&2; exit 1; }

export ENABLE_HSS_EXPORT_BENCHMARKS=1
echo "benchmark-vs-python: building StageBenchmarks in release mode (the first build takes several minutes)." >&2
swift build -c release --product StageBenchmarks >&2
bin_path="$(swift build -c release --show-bin-path)"

# Under the system temp directory, like StageBenchmarks' own runs, so both
# sides write to the same file system.
work="$(mktemp -d "${TMPDIR:-/tmp}/hss-export-vs-python-XXXXXX")"
trap 'rm -rf "$work"' EXIT

"$bin_path/StageBenchmarks" --records "$records" --repeat "$repeats" --gzip-mib 0 --stages jsonl,csv \
    --output-dir "$work/swift" --dump-records "$work/records.jsonl" --json > "$work/swift-report.json"

echo "benchmark-vs-python: timing Python on the same $records records" >&2
python3 scripts/benchmark_vs_python.py --records "$work/records.jsonl" --swift-report "$work/swift-report.json" \
    --swift-outputs "$work/swift" --repeat "$repeats" "${json[@]}"
