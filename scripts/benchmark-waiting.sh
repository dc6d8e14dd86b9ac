#!/usr/bin/env bash
# Waiting benchmark: how soon `hss-export run` sees export tasks finish under a request
# budget, against `hss-export simulate` with seeded finish times, compared with an ideal
# round-robin scheduler. Not a timed test: it prints a table (see docs/simulator.md).
#
#   scripts/benchmark-waiting.sh                         # 1, 10, 50 tasks x 5/s, 10/s x 3 seeds
#   scripts/benchmark-waiting.sh --tasks 1,10,50,200     # with 200 tasks: about 4 minutes more
#   scripts/benchmark-waiting.sh --tasks 1,10 --seeds 1  # a quick look
#   scripts/benchmark-waiting.sh --budget-factor 2       # configure twice the server's rate
#   scripts/benchmark-waiting.sh --help                  # every option
#
# With a scheduler close to the ideal the default shapes take about 100 s (printed at
# the start); a waiter that starves tasks until their timeout takes much longer.
#
# Builds the release binary first (`swift build -c release --product hss-export`) unless
# --binary PATH is given or --no-build is set; every other option goes to
# scripts/benchmark_waiting.py.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"

build=1
has_binary=0
args=()
for arg in "$@"; do
    case "$arg" in
    --no-build) build=0 ;;
    --binary | --binary=* | -h | --help) has_binary=1; args+=("$arg") ;;
    *) args+=("$arg") ;;
    esac
done

if [ "$has_binary" -eq 0 ]; then
    cd "$root"
    if [ "$build" -eq 1 ]; then
        echo "building: swift build -c release --product hss-export" >&2
        swift build -c release --product hss-export >&2
    fi
    binary="$(swift build -c release --show-bin-path)/hss-export"
    [ -x "$binary" ] || { echo "no release binary at $binary; run without --no-build" >&2; exit 1; }
    args=(--binary "$binary" "${args[@]+"${args[@]}"}")
fi

exec python3 "$root/scripts/benchmark_waiting.py" "${args[@]+"${args[@]}"}"
