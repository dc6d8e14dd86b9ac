#!/usr/bin/env python3
"""Serves one large file at GET /v5/{project}/download/{file_id} for scripts/benchmark-download.sh.

Accepts any request (no authentication check). The body is a pseudo-random 1 MiB block
repeated until SIZE bytes, with Content-Length, so the client's digest can be compared
with the one printed at start. Prints "PORT SIZE SHA256" on one line, then serves until
stdin closes.

Usage: benchmark_download.py [SIZE_BYTES]   (default 200 MiB)
"""
import hashlib
import http.server
import os
import random
import sys
import threading

SIZE = int(sys.argv[1]) if len(sys.argv) > 1 else 200 * 1024 * 1024
BLOCK = random.Random(20240115).randbytes(1024 * 1024)


def expected_sha256():
    digest = hashlib.sha256()
    remaining = SIZE
    while remaining > 0:
        piece = BLOCK[: min(len(BLOCK), remaining)]
        digest.update(piece)
        remaining -= len(piece)
    return digest.hexdigest()


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_GET(self):
        if "/download/" not in self.path:
            self.send_error(404)
            return
        self.send_response(200)
        self.send_header("Content-Type", "application/octet-stream")
        self.send_header("Content-Length", str(SIZE))
        self.send_header("X-Request-Id", "benchmark")
        self.end_headers()
        remaining = SIZE
        try:
            while remaining > 0:
                piece = BLOCK[: min(len(BLOCK), remaining)]
                self.wfile.write(piece)
                remaining -= len(piece)
        except (BrokenPipeError, ConnectionResetError):
            pass

    def log_message(self, *arguments):
        pass


server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
threading.Thread(target=server.serve_forever, daemon=True).start()
print(server.server_address[1], SIZE, expected_sha256(), flush=True)
sys.stdin.read()
os._exit(0)
