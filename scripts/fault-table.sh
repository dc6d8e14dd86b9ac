#!/usr/bin/env bash
# Fault table: runs `hss-export run` once per fault mode of the simulator (docs/faults.md)
# against `hss-export simulate`, with the fault on every status query (and once with it on
# the first two queries only), and prints a table: mode, outcome, exit code, wall time.
# Not a timed test: it shows what a nightly job sees when a proxy or the network misbehaves,
# and that every run ends by the task deadline plus one request timeout.
#
#   scripts/fault-table.sh                          # every mode, request_timeout 1s, timeout 5s
#   scripts/fault-table.sh --modes reset,stall      # some modes
#   scripts/fault-table.sh --request-timeout 2s --timeout 10s
#   scripts/fault-table.sh --help                   # every option
#
# Builds nothing: it uses .build/debug/hss-export (run `swift build` first) unless
# --binary PATH is given. Every option goes to scripts/fault_table.py.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"

has_binary=0
for arg in "$@"; do
    case "$arg" in
    --binary | --binary=* | -h | --help) has_binary=1 ;;
    esac
done
args=("$@")
if [[ $has_binary -eq 0 ]]; then
    binary="$root/.build/debug/hss-export"
    if [[ ! -x "$binary" ]]; then
        echo "fault-table: $binary not found; run 'swift build' first or pass --binary PATH" >&2
        exit 2
    fi
    args+=(--binary "$binary")
fi
exec python3 "$root/scripts/fault_table.py" "${args[@]}"
