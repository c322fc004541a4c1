#!/usr/bin/env python3
"""An app that does not set TCP_NODELAY: Python's http.server with HTTP/1.1 keep-alive.

send_response/end_headers and the body go out in two send() calls, so Nagle holds the body until
the peer ACKs the head. Used by benchmarks/load/quickack.sh.

    python3 benchmarks/load/py-backend.py PORT
"""
import http.server
import sys

BODY = b"Hello, world!\n"


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_GET(self):
        self.send_response(200)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(BODY)))
        self.end_headers()  # flushes the head: first send()
        self.wfile.write(BODY)  # second send(), held by Nagle until the head is ACKed

    def log_message(self, *args):
        pass


if __name__ == "__main__":
    port = int(sys.argv[1])
    http.server.ThreadingHTTPServer(("127.0.0.1", port), Handler).serve_forever()
