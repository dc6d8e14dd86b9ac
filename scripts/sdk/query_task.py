#!/usr/bin/env python3
"""Query one HSS export task with the official Huawei Cloud Python SDK.

Used by HSSClientTests to cross-check the Swift client and the simulator against
the SDK (huaweicloudsdkhss==3.1.219): both must see the same task fields.

    query_task.py --endpoint URL --project-id P --task-id T [--token-env NAME]
                  [--enterprise-project-id E]

Credentials: with --token-env NAME, the IAM token is read from the environment
variable NAME and sent as X-Auth-Token (no signing); otherwise the access key
pair comes from HUAWEICLOUD_SDK_AK / HUAWEICLOUD_SDK_SK (and
HUAWEICLOUD_SDK_SECURITY_TOKEN, when set) and requests are signed with
SDK-HMAC-SHA256. Secrets are never taken from the command line, so they do
not show up in process listings.

Output: one JSON object on stdout, the task's fields
(task_id, task_name, task_status, file_id, file_name), exit 0; or on an API
error {"status", "error_code", "error_msg", "request_id"}, exit 1; on a
connection error {"error": "..."}, exit 2; on a usage error, exit 64.
"""

import argparse
import json
import os
import sys

from huaweicloudsdkcore.auth.credentials import BasicCredentials
from huaweicloudsdkcore.client import ClientBuilder
from huaweicloudsdkcore.exceptions import exceptions
from huaweicloudsdkcore.signer.signer import Signer
from huaweicloudsdkhss.v5 import HssClient, ListQueryExportTaskRequest

TASK_FIELDS = ("task_id", "task_name", "task_status", "file_id", "file_name")


class TokenCredentials(BasicCredentials):
    """Sends an IAM token instead of signing (spec section 4).

    The SDK has no token credential type. Every request passes through
    process_auth_request, which runs sign_request; this sign_request adds
    X-Auth-Token and X-Project-Id and only builds the request URI with the
    canonical query, which Signer.sign would otherwise do.
    """

    def __init__(self, token, project_id):
        super().__init__(project_id=project_id)
        self._token = token

    def process_auth_params(self, http_client, region_id):
        # Only reached with a region; the project id is given, nothing to look up.
        return self

    def process_auth_request(self, request, http_client):
        # The inherited method first looks for temporary credentials (and, with no
        # AK/SK, would ask the ECS metadata service); a token needs neither.
        return http_client.executor.submit(self.sign_request, request)

    def sign_request(self, request):
        request.header_params["X-Auth-Token"] = self._token
        if self.project_id:
            request.header_params["X-Project-Id"] = self.project_id
        Signer.process_request_uri(request)
        return request


def build_client(args):
    if args.token_env:
        token = os.environ.get(args.token_env)
        if not token:
            raise UsageError("environment variable %s (the token) is not set" % args.token_env)
        credentials = TokenCredentials(token, args.project_id)
        # ClientBuilder accepts credentials by class name only; name ours too.
        builder = ClientBuilder(HssClient, "BasicCredentials,TokenCredentials")
    else:
        ak = os.environ.get("HUAWEICLOUD_SDK_AK")
        sk = os.environ.get("HUAWEICLOUD_SDK_SK")
        if not ak or not sk:
            raise UsageError("set HUAWEICLOUD_SDK_AK and HUAWEICLOUD_SDK_SK, or use --token-env")
        credentials = BasicCredentials(ak, sk, args.project_id)
        security_token = os.environ.get("HUAWEICLOUD_SDK_SECURITY_TOKEN")
        if security_token:
            credentials = credentials.with_security_token(security_token)
        builder = HssClient.new_builder()
    return builder.with_credentials(credentials).with_endpoint(args.endpoint).build()


class UsageError(Exception):
    pass


def main(argv):
    parser = argparse.ArgumentParser(description="Query an HSS export task with the official SDK.")
    parser.add_argument("--endpoint", required=True, help="e.g. http://127.0.0.1:8080")
    parser.add_argument("--project-id", required=True)
    parser.add_argument("--task-id", required=True)
    parser.add_argument("--enterprise-project-id")
    parser.add_argument("--token-env", help="name of the environment variable holding an IAM token")
    args = parser.parse_args(argv)

    try:
        client = build_client(args)
    except UsageError as error:
        print(json.dumps({"error": str(error)}), file=sys.stderr)
        return 64

    request = ListQueryExportTaskRequest(task_id=args.task_id)
    if args.enterprise_project_id is not None:
        request.enterprise_project_id = args.enterprise_project_id
    try:
        response = client.list_query_export_task(request)
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
    print(json.dumps({field: getattr(response, field) for field in TASK_FIELDS}, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
