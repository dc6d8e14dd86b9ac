#!/usr/bin/env python3
"""Python's json.dumps and csv.writer on the records StageBenchmarks wrote,
compared with the Swift stages' records per second.

Run by scripts/benchmark-vs-python.sh, which builds and runs StageBenchmarks
first; see there. Usage:

    benchmark_vs_python.py --records FILE --swift-report FILE --swift-outputs DIR [--repeat N] [--json]

FILE is the JSON Lines dump of the synthetic records (StageBenchmarks
--dump-records), the report is StageBenchmarks --json, and DIR holds the Swift
stages' results.jsonl and results.csv, which the Python output must equal byte
for byte (so both sides provably did the same work).

What is timed on the Python side is the narrowest honest baseline, so the
ratios are conservative:

- jsonl: for each record (a dict, already parsed), json.dumps with
  ensure_ascii=False and compact separators, plus "\n", written to a file
  opened in the timed region (UTF-8, default buffering); closed at the end.
- csv: csv.writer (default excel dialect: "," and CRLF) writing the header
  and one prepared row per record to a file opened in the timed region. The
  rows are prepared before timing: values in column order, the error object
  as compact JSON text and the stage's formula guard applied; the Swift
  stage does all of that inside its timed run, from typed records.

The Swift side is the stage as a pipeline runs it (an actor receiving each
record, then finish): it also formats the timestamps and numbers, hashes
the output (SHA-256 for the artifact), fsyncs it and renames it into place,
none of which the Python side does.
"""

import argparse
import csv
import json
import os
import statistics
import sys
import tempfile
import time

FIELDS = [
    "task_id", "task_name", "task_status", "file_id", "file_name",
    "project_id", "region", "enterprise_project_id", "outcome", "error",
    "polls", "first_polled_at", "finished_at", "wait_seconds", "run_id",
]
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def dumps(value):
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def write_jsonl(records, path):
    with open(path, "w", encoding="utf-8", newline="") as handle:
        write = handle.write
        for record in records:
            write(dumps(record) + "\n")


def csv_cell(value):
    """A cell as the CSV stage writes it, before quoting (csv.writer quotes)."""
    if value is None:
        return None
    if isinstance(value, str):
        return "'" + value if value.startswith(FORMULA_STARTS) else value
    if isinstance(value, (dict, list)):
        return dumps(value)
    return value  # int and float: str() gives the same text as JSON here


def write_csv(rows, path):
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(FIELDS)
        writerow = writer.writerow
        for row in rows:
            writerow(row)


def measure(function, argument, path, repeats):
    samples = []
    for _ in range(repeats):
        start = time.perf_counter()
        function(argument, path)
        samples.append(time.perf_counter() - start)
    return statistics.median(samples), samples


def same_bytes(path_a, path_b):
    with open(path_a, "rb") as a, open(path_b, "rb") as b:
        return a.read() == b.read()


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--records", required=True, help="JSON Lines dump of the records")
    parser.add_argument("--swift-report", required=True, help="StageBenchmarks --json output")
    parser.add_argument("--swift-outputs", required=True, help="directory with the Swift results.jsonl and results.csv")
    parser.add_argument("--repeat", type=int, default=5, help="runs of each measurement; the median is reported")
    parser.add_argument("--json", action="store_true", help="print one JSON object instead of the table")
    options = parser.parse_args()

    with open(options.records, encoding="utf-8") as handle:
        records = [json.loads(line) for line in handle]
    for record in records:
        if list(record) != FIELDS:
            sys.exit("benchmark_vs_python: unexpected record keys %s" % list(record))
    rows = [[csv_cell(record[name]) for name in FIELDS] for record in records]

    with open(options.swift_report, encoding="utf-8") as handle:
        report = json.load(handle)
    swift = {stage["stage"]: stage for stage in report["stages"]}

    results = []
    # Same file system as the Swift outputs, so both pay the same for writing.
    with tempfile.TemporaryDirectory(dir=options.swift_outputs, prefix="python-") as directory:
        for stage, function, argument, name in [
            ("jsonl", write_jsonl, records, "results.jsonl"),
            ("csv", write_csv, rows, "results.csv"),
        ]:
            if stage not in swift:
                sys.exit("benchmark_vs_python: the Swift report has no '%s' stage" % stage)
            path = os.path.join(directory, name)
            seconds, samples = measure(function, argument, path, options.repeat)
            swift_path = os.path.join(options.swift_outputs, name)
            identical = same_bytes(path, swift_path)
            python_rate = len(records) / seconds
            swift_rate = swift[stage]["records_per_second"]
            results.append({
                "stage": stage,
                "records": len(records),
                "swift_records_per_second": round(swift_rate),
                "swift_seconds": swift[stage]["seconds"],
                "python_records_per_second": round(python_rate),
                "python_seconds": round(seconds, 6),
                "python_seconds_samples": [round(sample, 6) for sample in samples],
                "ratio": round(swift_rate / python_rate, 2),
                "identical_output": identical,
                "output_bytes": os.path.getsize(path),
            })

    if options.json:
        print(json.dumps({
            "python": sys.version.split()[0],
            "swift_build": report["machine"]["build"],
            "cores": report["machine"]["cores"],
            "repeats": options.repeat,
            "results": results,
        }, indent=2))
    else:
        print("Swift stages vs Python %s on %d records, median of %d runs (Swift: %d runs), %s build, %d cores"
              % (sys.version.split()[0], len(records), options.repeat, report["repeats"],
                 report["machine"]["build"], report["machine"]["cores"]))
        print("%-6s %14s %14s %7s  %s" % ("stage", "Swift rec/s", "Python rec/s", "ratio", "same bytes"))
        for result in results:
            print("%-6s %14s %14s %6.2fx  %s" % (
                result["stage"], "{:,}".format(result["swift_records_per_second"]),
                "{:,}".format(result["python_records_per_second"]), result["ratio"],
                "yes" if result["identical_output"] else "NO"))
        print("Python side: jsonl = json.dumps(record, ensure_ascii=False, separators=(',', ':')) + '\\n' per record;")
        print("             csv = csv.writer(...).writerow(row) on rows prepared before timing.")
    if not all(result["identical_output"] for result in results):
        sys.exit("benchmark_vs_python: the Python output differs from the Swift stage's; the comparison is void")


if __name__ == "__main__":
    main()
