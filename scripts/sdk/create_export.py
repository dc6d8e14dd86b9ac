#!/usr/bin/env python3
"""Create one HSS export task with the official Huawei Cloud Python SDK.

Used by HSSSimulatorTests to check that the simulator's create routes accept
what the SDK (huaweicloudsdkhss==3.1.219) puts on the wire: its JSON
encoding of the body and its repeated-key list parameters.

    create_export.py --kind vulnerabilities|events --endpoint URL --project-id P
                     [--headers JSON] [--token-env NAME] [--enterprise-project-id E]

--kind vulnerabilities sends ExportVuls (category=vul, export_size=100, body
{"export_headers": HEADERS}); --kind events sends ExportEventRequest
(category=host, event_id=e1, event_types=[1001, 4002], last_days=7, body
HEADERS as a bare list). HEADERS defaults to [["vul_name", "Vulnerability"],
["cve_ids", "CVE"]] for vulnerabilities and [["event_name", "Alarm"],
["severity", "Severity"]] for events; --headers gives another list as JSON.

Credentials: with --token-env NAME, the IAM token is read from the environment
variable NAME and sent as X-Auth-Token (no signing); otherwise the access key
pair comes from HUAWEICLOUD_SDK_AK / HUAWEICLOUD_SDK_SK (and
HUAWEICLOUD_SDK_SECURITY_TOKEN, when set) and requests are signed with
SDK-HMAC-SHA256. Secrets are never taken from the command line, so they do
not show up in process listings.

Output: one JSON object on stdout, {"task_id": ..., "record_total_num": ...}
(record_total_num is null when the SDK's response model has no such field),
exit 0; or on an API error {"status", "error_code", "error_msg",
"request_id"}, exit 1; on a connection error {"error": "..."}, exit 2; on a
usage error, exit 64.
"""

import argparse
import json
import os
import sys

from huaweicloudsdkcore.exceptions import exceptions
from huaweicloudsdkhss.v5 import ExportEventRequestRequest, ExportVulRequestBody, ExportVulsRequest

# The token credentials and the client builder are query_task.py's: one way to
# build an SDK client for the tests.
sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from query_task import UsageError, build_client  # noqa: E402

DEFAULT_HEADERS = {
    "vulnerabilities": [["vul_name", "Vulnerability"], ["cve_ids", "CVE"]],
    "events": [["event_name", "Alarm"], ["severity", "Severity"]],
}


def build_request(kind, headers, enterprise_project_id):
    if kind == "vulnerabilities":
        request = ExportVulsRequest(category="vul", export_size=100, body=ExportVulRequestBody(export_headers=headers))
        send = "export_vuls"
    else:
        request = ExportEventRequestRequest(category="host", event_id="e1", event_types=[1001, 4002], last_days=7, body=headers)
        send = "export_event_request"
    if enterprise_project_id is not None:
        request.enterprise_project_id = enterprise_project_id
    return request, send


def main(argv):
    parser = argparse.ArgumentParser(description="Create an HSS export task with the official SDK.")
    parser.add_argument("--kind", required=True, choices=sorted(DEFAULT_HEADERS))
    parser.add_argument("--endpoint", required=True, help="e.g. http://127.0.0.1:8080")
    parser.add_argument("--project-id", required=True)
    parser.add_argument("--headers", help='the [[field, title], ...] list as JSON')
    parser.add_argument("--enterprise-project-id")
    parser.add_argument("--token-env", help="name of the environment variable holding an IAM token")
    args = parser.parse_args(argv)

    try:
        headers = json.loads(args.headers) if args.headers else DEFAULT_HEADERS[args.kind]
        client = build_client(args)
    except (UsageError, ValueError) as error:
        print(json.dumps({"error": str(error)}), file=sys.stderr)
        return 64

    request, send = build_request(args.kind, headers, args.enterprise_project_id)
    try:
        response = getattr(client, send)(request)
    except exceptions.ServiceResponseException as error:
        print(json.dumps({
            "status": error.status_code,
            "error_code": error.error_code,
            "error_msg": error.error_msg,
            "request_id": error.request_id,
        }, ensure_ascii=False))
        return 1
    except exceptions.SdkException as error:
        print(json.dumps({"error": "%s: %s" % (type(error).__name__, error)}, ensure_ascii=False))
        return 2
    print(json.dumps({
        "task_id": response.task_id,
        "record_total_num": getattr(response, "record_total_num", None),
    }, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
