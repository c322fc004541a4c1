#!/usr/bin/env python3
"""An app that serves one request at a time, with heavy-tailed work: most requests take FAST ms,
one in TAIL takes SLOW ms (a seeded sequence, the same in every run). HTTP/1.0: one request per
connection, so requests waiting for it sit in its accept queue, as behind a one-threaded Python or
Ruby server. Used by benchmarks/load/queue-compare.sh.

    python3 benchmarks/load/tail-backend.py PORT [FAST_MS=5] [SLOW_MS=100] [TAIL=10]
"""
import http.server
import random
import sys
import time

BODY = b"done\n"


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.0"

    def do_GET(self):
        time.sleep(self.server.next_ms() / 1000.0)
        self.send_response(200)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(BODY)))
        self.end_headers()
        self.wfile.write(BODY)

    def log_message(self, *args):
        pass


class Server(http.server.HTTPServer):
    request_queue_size = 128

    def __init__(self, port, fast, slow, tail):
        super().__init__(("127.0.0.1", port), Handler)
        self.random = random.Random(port)
        self.fast, self.slow, self.tail = fast, slow, tail

    def handle_error(self, request, client_address):
        pass  # a client that left (wrk stopping) is not worth a traceback

    def next_ms(self):
        return self.slow if self.random.randrange(self.tail) == 0 else self.fast


if __name__ == "__main__":
    args = [int(a) for a in sys.argv[1:]] + [5, 100, 10][len(sys.argv) - 2:]
    Server(args[0], args[1], args[2], args[3]).serve_forever()
