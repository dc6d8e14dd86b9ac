#!/usr/bin/env bash
# Fuzzes the pipeline loader and the scenario loader with libFuzzer for a
# bounded time, starting from the committed seed corpus.
#
#   scripts/fuzz.sh            # 60 seconds
#   scripts/fuzz.sh 600        # ten minutes
#   scripts/fuzz.sh 60 -jobs=2 # extra arguments go to libFuzzer
#
# The target (Fuzz/HSSExportFuzz) exists only when ENABLE_HSS_EXPORT_FUZZ is
# set, and is built with --sanitize=fuzzer in its own build directory
# (.build/fuzz), so it never disturbs the normal build. The first build
# compiles the dependency graph with coverage instrumentation and takes
# several minutes; later ones take seconds.
#
# New inputs libFuzzer finds go to .build/fuzz/corpus (not committed); a crash
# leaves crash-<sha1> in .build/fuzz/findings and the script exits non-zero.
# Reproduce one with: .build/fuzz/debug/HSSExportFuzz .build/fuzz/findings/crash-…
set -euo pipefail

cd "$(dirname "$0")/.."

seconds="${1:-60}"
shift || true
case "$seconds" in
    '' | *[!0-9]*) echo "fuzz: the first argument is a number of seconds, not '$seconds'" >&2; exit 2 ;;
esac

export ENABLE_HSS_EXPORT_FUZZ=1
echo "fuzz: building HSSExportFuzz with --sanitize=fuzzer in .build/fuzz" >&2
swift build --build-path .build/fuzz --sanitize=fuzzer --product HSSExportFuzz >&2
binary="$(swift build --build-path .build/fuzz --sanitize=fuzzer --show-bin-path)/HSSExportFuzz"

mkdir -p .build/fuzz/corpus .build/fuzz/findings
echo "fuzz: running for ${seconds}s over Fuzz/corpus/pipeline and Fuzz/corpus/scenario" >&2
# The first corpus directory receives new inputs; the committed seeds are read only.
# stdin from /dev/null: a pipeline file may name /dev/stdin as its task file.
# SWIFT_BACKTRACE=enable=no: Swift's own backtracer would take the trap of a
# runtime failure (SIGILL) before libFuzzer, which then writes no crash file.
SWIFT_BACKTRACE=enable=no "$binary" \
    -max_total_time="$seconds" \
    -max_len=65536 \
    -rss_limit_mb=2048 \
    -timeout=10 \
    -print_final_stats=1 \
    -artifact_prefix=.build/fuzz/findings/ \
    -dict=Fuzz/yaml.dict \
    "$@" \
    .build/fuzz/corpus Fuzz/corpus/pipeline Fuzz/corpus/scenario </dev/null
