#!/usr/bin/env python3
"""The fault table of scripts/fault-table.sh: one `hss-export run` per fault mode.

For each mode a fresh `hss-export simulate` serves one task (running for one poll, then
success) with the fault on its query route, and `hss-export run` waits for it with
`source.request_timeout` and `wait.timeout` as given. Two runs per mode: the fault on every
query ("always": the task must end by its deadline plus one request timeout), and on the
first two queries only ("first 2": the task must still succeed). Prints a Markdown table.
"""

import argparse
import json
import os
import signal
import subprocess
import sys
import tempfile
import time

MODES = [
    "status_500", "html_502", "reset", "stall", "slow_drip", "endless_drip", "garbage_200", "html_200",
    "truncated", "wrong_types", "huge_body", "throttled", "throttled_no_retry_after",
]
PROJECT = "0a1b2c3d4e5f60718293a4b5c6d7e8f9"
TOKEN = "fault-table-token-7c41"


def seconds(text):
    """`500ms`, `2s`, `1m` in seconds."""
    for suffix, factor in (("ms", 0.001), ("s", 1), ("m", 60)):
        if text.endswith(suffix) and text[: -len(suffix)].replace(".", "", 1).isdigit():
            return float(text[: -len(suffix)]) * factor
    raise argparse.ArgumentTypeError(f"bad duration '{text}'; write e.g. 500ms, 2s or 1m")


def scenario(mode, selector):
    rule = f"{{mode: {mode}{selector}}}"
    return (
        f"project_id: {PROJECT}\ntokens: [{TOKEN}]\nrate_limit: {{requests: 1000, per: 1s}}\n"
        "tasks:\n  - {id: t-1, script: [{status: running, polls: 1}, {status: success}]}\n"
        f"faults:\n  query: [{rule}]\n"
    )


def pipeline(url, request_timeout, timeout, directory):
    return (
        "version: 1\n"
        f"source: {{endpoint: '{url}', project_id: {PROJECT}, request_timeout: {int(request_timeout * 1000)}ms}}\n"
        "tasks: [t-1]\n"
        f"wait: {{initial_interval: 100ms, max_interval: 500ms, timeout: {int(timeout * 1000)}ms, "
        "rate_limit: {requests: 100, per: 1s}}\n"
        f"stages: [{{type: jsonl, path: '{directory}/results.jsonl'}}]\n"
    )


def run_once(binary, mode, selector, request_timeout, timeout, refused=False):
    with tempfile.TemporaryDirectory(prefix="fault-table-") as directory:
        simulator = None
        if refused:
            # A port that was free a moment ago: nothing listens there.
            import socket

            probe = socket.socket()
            probe.bind(("127.0.0.1", 0))
            url = f"http://127.0.0.1:{probe.getsockname()[1]}"
            probe.close()
        else:
            path = os.path.join(directory, "scenario.yaml")
            with open(path, "w") as file:
                file.write(scenario(mode, selector))
            simulator = subprocess.Popen(
                [binary, "simulate", "--scenario", path, "--port", "0"],
                stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
            )
            url = simulator.stdout.readline().strip()
            if not url.startswith("http"):
                simulator.kill()
                raise SystemExit(f"fault-table: the simulator did not start for {mode}")
        try:
            pipeline_path = os.path.join(directory, "faults.pipeline.yaml")
            with open(pipeline_path, "w") as file:
                file.write(pipeline(url, request_timeout, timeout, directory))
            environment = dict(os.environ, HSS_AUTH_TOKEN=TOKEN)
            for name in ("HUAWEICLOUD_SDK_AK", "HUAWEICLOUD_SDK_SK", "HUAWEICLOUD_SDK_SECURITY_TOKEN"):
                environment.pop(name, None)
            started = time.monotonic()
            result = subprocess.run(
                [binary, "run", pipeline_path], env=environment, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                timeout=timeout * 3 + 60,
            )
            wall = time.monotonic() - started
            outcome, code = "-", "-"
            try:
                with open(os.path.join(directory, "results.jsonl")) as file:
                    record = json.loads(file.readline())
                outcome = record.get("outcome") or "-"
                code = (record.get("error") or {}).get("code") or "-"
            except (OSError, ValueError):
                pass
            return outcome, code, result.returncode, wall
        finally:
            if simulator is not None:
                simulator.send_signal(signal.SIGINT)
                try:
                    simulator.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    simulator.kill()
                    simulator.wait()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--binary", required=True, help="the hss-export binary")
    parser.add_argument("--modes", default=",".join(MODES), help="comma-separated fault modes (default: all)")
    parser.add_argument("--request-timeout", type=seconds, default=1.0, help="source.request_timeout (default 1s)")
    parser.add_argument("--timeout", type=seconds, default=5.0, help="wait.timeout, the task deadline (default 5s)")
    options = parser.parse_args()
    modes = [mode for mode in options.modes.split(",") if mode]
    unknown = [mode for mode in modes if mode not in MODES + ["refused"]]
    if unknown:
        parser.error(f"unknown mode {', '.join(unknown)}; allowed: {', '.join(MODES)}, refused")
    bound = options.timeout + options.request_timeout
    print(f"request_timeout {options.request_timeout:g}s, task deadline {options.timeout:g}s: "
          f"a run with the fault on every query must end within {bound:g}s plus the commit\n")
    print("| mode | always: outcome | error code | exit | wall s | first 2: outcome | exit | wall s |")
    print("|---|---|---|---|---|---|---|---|")
    worst = 0.0
    for mode in modes + ([] if "refused" in modes else ["refused"]):
        refused = mode == "refused"
        outcome, code, status, wall = run_once(options.binary, mode, "", options.request_timeout, options.timeout, refused)
        worst = max(worst, wall)
        if refused:
            recovery = ("n/a", "", 0.0)
        else:
            r_outcome, _, r_status, r_wall = run_once(options.binary, mode, ", first: 2", options.request_timeout, options.timeout)
            recovery = (r_outcome, str(r_status), r_wall)
        print(f"| {mode} | {outcome} | {code} | {status} | {wall:.2f} | {recovery[0]} | {recovery[1]} | "
              + (f"{recovery[2]:.2f} |" if recovery[1] else " |"))
        sys.stdout.flush()
    print(f"\nlongest run with a persistent fault: {worst:.2f}s (deadline + one request timeout = {bound:g}s)")


if __name__ == "__main__":
    main()
