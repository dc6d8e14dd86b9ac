#!/usr/bin/env bash
# Formats the package's Swift code with the toolchain's `swift format` and the
# settings in .swift-format (4 spaces, 150 columns), then lints it strictly:
# a finding the formatter cannot fix fails the script (and CI).
#   scripts/format.sh          format in place, then lint
#   scripts/format.sh --check  lint only (CI): fails if anything is unformatted
set -euo pipefail
cd "$(dirname "$0")/.."
paths=(Package.swift Sources Tests Plugins examples/custom-stage/Package.swift examples/custom-stage/Sources examples/custom-stage/Tests)
if [ "${1:-}" != "--check" ]; then
    swift format format --in-place --recursive --parallel "${paths[@]}"
fi
swift format lint --strict --recursive --parallel "${paths[@]}"
echo "swift format: clean"
