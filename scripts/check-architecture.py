#!/usr/bin/env python3
"""Checks the import graph read from the sources against Package.swift.

1. Every module a target imports is declared in its dependencies (nothing
   reached through another target).
2. Our own modules only point the allowed ways (docs/architecture.md):
   stages -> ExportStageKit; ExportArchive -> ExportStageKit;
   ExportPipeline -> ExportStageKit, ExportArchive;
   HSSClient -> ExportPipeline, ExportStageKit, HSSSigning;
   HSSSimulator -> HSSSigning, ExportStageKit; ShardMerge -> ExportPipeline,
   ExportStageKit and the jsonl, csv and gzip-manifest stages; the command -> all.

Exits 1 and lists every violation. Run by .ci/run.
"""
import json
import os
import re
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PLATFORM = {"Foundation", "FoundationEssentials", "FoundationNetworking", "Glibc", "Musl", "Darwin",
            "Dispatch", "Synchronization", "Testing", "XCTest", "System", "os"}
STAGES = {"JSONLinesStage", "CSVStage", "PrometheusTextfileStage", "GzipManifestStage", "ExecStage"}
ALLOWED = {
    "ExportStageKit": set(),
    "ExportArchive": {"ExportStageKit"},
    "ExportPipeline": {"ExportStageKit", "ExportArchive"},
    "HSSSigning": set(),
    "HSSClient": {"ExportPipeline", "ExportStageKit", "HSSSigning"},
    "HSSSimulator": {"HSSSigning", "ExportStageKit"},
    "ExportStageTesting": {"ExportStageKit", "ExportPipeline"},
    # Merging reads and writes the built-in stages' formats, so it names those stages.
    "ShardMerge": {"ExportStageKit", "ExportPipeline", "JSONLinesStage", "CSVStage", "GzipManifestStage"},
    **{stage: {"ExportStageKit", "SystemZlib"} for stage in STAGES},
}
IMPORT = re.compile(r"^\s*(?:@\w+\s+)*(?:public |package |internal |private |fileprivate )?import (?:struct |enum |class |func )?(\w+)\s*$")


def imports(text):
    """The modules a Swift file imports, skipping multi-line string literals
    (test fixtures embed Python and YAML)."""
    in_literal = False
    for line in text.split("\n"):
        if line.count('"""') % 2 == 1:
            in_literal = not in_literal
            continue
        if not in_literal:
            match = IMPORT.match(line)
            if match:
                yield match.group(1)


def main():
    manifest = json.loads(subprocess.run(
        ["swift", "package", "dump-package"], cwd=ROOT, check=True, capture_output=True, text=True,
    ).stdout)
    ours = {target["name"] for target in manifest["targets"]}
    problems = []
    for target in manifest["targets"]:
        name = target["name"]
        if target["type"] in ("system", "plugin"):
            continue
        declared = set()
        for dependency in target["dependencies"]:
            kind, value = next(iter(dependency.items()))
            declared.add(value[0])
        path = target.get("path") or os.path.join("Tests" if target["type"] == "test" else "Sources", name)
        imported = {}
        for directory, _, files in os.walk(os.path.join(ROOT, path)):
            for file in files:
                if file.endswith(".swift"):
                    relative = os.path.relpath(os.path.join(directory, file), ROOT)
                    with open(os.path.join(directory, file), encoding="utf-8") as handle:
                        for module in imports(handle.read()):
                            imported.setdefault(module, relative)
        for module, file in sorted(imported.items()):
            if module in PLATFORM or module == name:
                continue
            if module not in declared:
                problems.append(f"{file}: imports {module}, which target {name} does not declare")
            if name in ALLOWED and module in ours and module not in ALLOWED[name]:
                problems.append(f"{file}: {name} may not import {module} (see docs/architecture.md)")
    for problem in problems:
        print(problem)
    if problems:
        print(f"{len(problems)} problem(s) in the import graph")
        return 1
    print(f"import graph ok: {len(manifest['targets'])} targets, only the allowed arrows")
    return 0


if __name__ == "__main__":
    sys.exit(main())
