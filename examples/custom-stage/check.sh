#!/usr/bin/env bash
# Builds the custom-stage example, runs its binary against the HSS simulator
# and checks every output. Run from anywhere; CI runs it from the repository
# root on a clean clone:  bash examples/custom-stage/check.sh
#
# The run uses the simulator's four built-in tasks, one of which
# (export-baseline-0003) fails on purpose, so `run` is expected to exit 1.
set -euo pipefail

cd "$(dirname "$0")/../.."
example=examples/custom-stage
started=$SECONDS

fail() { echo "check.sh: FAILED: $*" >&2; exit 1; }
ok() { echo "ok: $*"; }

echo "--- swift build --package-path $example"
swift build --package-path "$example"
bin="$(swift build --package-path "$example" --show-bin-path)/my-hss-export"
[ -x "$bin" ] || fail "no executable at $bin"

work="$(mktemp -d)"
out="$work/out"
mkdir "$out"
simulator_pid=""
cleanup() {
    if [ -n "$simulator_pid" ]; then
        kill "$simulator_pid" 2>/dev/null || true
        wait "$simulator_pid" 2>/dev/null || true
    fi
    rm -rf "$work"
}
trap cleanup EXIT

echo "--- my-hss-export stages / validate"
"$bin" stages | grep -q '^markdown-report: ' || fail "'my-hss-export stages' does not list markdown-report"
ok "'my-hss-export stages' lists markdown-report"
"$bin" validate "$example/report.pipeline.yaml"
ok "'my-hss-export validate' accepts report.pipeline.yaml"

echo "--- my-hss-export simulate --port 0"
"$bin" simulate --port 0 >"$work/simulator.out" 2>"$work/simulator.err" &
simulator_pid=$!
url=""
for _ in $(seq 1 300); do
    # The URL is the first complete line of stdout.
    if [ "$(wc -l <"$work/simulator.out")" -ge 1 ]; then
        url="$(head -n 1 "$work/simulator.out")"
        break
    fi
    kill -0 "$simulator_pid" 2>/dev/null || { cat "$work/simulator.err" >&2; fail "the simulator exited early"; }
    sleep 0.1
done
[[ "$url" =~ ^http://127\.0\.0\.1:[0-9]+$ ]] || fail "the simulator printed no base URL within 30s (got '$url')"
ok "simulator listening at $url"

echo "--- my-hss-export run $example/report.pipeline.yaml"
set +e
HSS_ENDPOINT="$url" HSS_AUTH_TOKEN=demo-token HSS_REPORT_OUT="$out" \
    "$bin" run "$example/report.pipeline.yaml" >"$work/run.out" 2>"$work/run.err"
status=$?
set -e
cat "$work/run.out"
[ "$status" -eq 1 ] || { cat "$work/run.err" >&2; fail "run exited $status, expected 1 (export-baseline-0003 fails on purpose)"; }
ok "run exited 1: one task failed as scripted, every stage committed"

echo "--- outputs in $out"
report="$out/report.md"
[ -s "$report" ] || fail "no report at $report"
grep -qx '# HSS export run (simulator)' "$report" || fail "report has not the title from the pipeline file"
for row in \
    '| export-vul-0001 | Vulnerability export | succeeded |' \
    '| export-event-0002 | Security event export | succeeded |' \
    '| export-baseline-0003 | Baseline check export | failed |' \
    '| export-report-0004 | Monthly security report | succeeded |'; do
    grep -qF "$row" "$report" || { cat "$report" >&2; fail "report lacks the row '$row'"; }
done
[ "$(grep -c '^| export-' "$report")" -eq 4 ] || fail "report does not have exactly 4 task rows"
grep -qxF '| succeeded | 3 |' "$report" && grep -qxF '| failed | 1 |' "$report" && grep -qxF '| total | 4 |' "$report" \
    || fail "report summary does not count 3 succeeded, 1 failed, 4 in total"
ok "report.md has one row per task with the right outcomes and a 3/1 summary"

jsonl="$out/results.jsonl"
[ "$(wc -l <"$jsonl")" -eq 4 ] || fail "results.jsonl does not have 4 lines"
expected_ids=$'export-vul-0001\nexport-event-0002\nexport-baseline-0003\nexport-report-0004'
[ "$(grep -o '^{"task_id":"[^"]*"' "$jsonl" | cut -d'"' -f4)" = "$expected_ids" ] || fail "results.jsonl does not list the tasks in file order"
grep -F '"task_id":"export-baseline-0003"' "$jsonl" | grep -qF '"outcome":"failed"' || fail "results.jsonl: export-baseline-0003 is not failed"
[ "$(grep -cF '"outcome":"succeeded"' "$jsonl")" -eq 3 ] || fail "results.jsonl does not have 3 succeeded records"
ok "results.jsonl has the 4 records in file order with their outcomes"

manifest="$out/manifest.json.gz"
gzip -t "$manifest" || fail "gzip -t rejects $manifest"
ok "gzip -t passes on manifest.json.gz"
read -r report_sha _ < <(sha256sum "$report")
report_bytes=$(wc -c <"$report")
artifact="{\"stage\":\"markdown-report\",\"path\":\"$report\",\"bytes\":$report_bytes,\"sha256\":\"$report_sha\"}"
zcat "$manifest" | grep -qF "$artifact" || { zcat "$manifest" >&2; echo >&2; fail "the manifest does not list $artifact"; }
ok "zcat manifest.json.gz lists the report as an artifact with its size and SHA-256"

echo "--- swift test --package-path $example"
swift test --package-path "$example"
ok "swift test passes"

echo "check.sh: all checks passed in $((SECONDS - started))s"
