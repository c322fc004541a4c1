#!/usr/bin/env python3
"""Opens N keep-alive client connections to 127.0.0.1:PORT, sends one GET on each and reads its
response, so each is a real keep-alive client, then holds them all open. Prints
"ready OK FAILED" once every connection has its answer (or the deadline passed) and HOLD seconds
went by; closes everything when its stdin reaches EOF, or 20 s after "ready" at the latest.
Used by benchmarks/load/compare.sh to measure memory per idle connection.

    python3 benchmarks/load/idle-conns.py --port 18090 --n 9000 --hold 3
"""
import argparse
import re
import select
import selectors
import socket
import sys
import time

ap = argparse.ArgumentParser()
ap.add_argument("--port", type=int, required=True)
ap.add_argument("--n", type=int, default=9000)
ap.add_argument("--hold", type=float, default=3.0)
ap.add_argument("--deadline", type=float, default=60.0, help="seconds to open and answer them all")
ap.add_argument("--in-flight", type=int, default=256, help="connections being opened at once")
args = ap.parse_args()

REQUEST = b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
CONTENT_LENGTH = re.compile(rb"\r\ncontent-length:\s*(\d+)", re.I)
sel = selectors.DefaultSelector()
held, bufs = [], {}
opened = ok = failed = in_flight = 0
deadline = time.monotonic() + args.deadline


def finish(s, good):
    global ok, failed, in_flight
    sel.unregister(s)
    in_flight -= 1
    del bufs[s.fileno()]
    if good:
        ok += 1
        held.append(s)
    else:
        failed += 1
        s.close()


def complete(buf):
    end = buf.find(b"\r\n\r\n")
    if end < 0:
        return False
    m = CONTENT_LENGTH.search(buf, 0, end + 2)
    return len(buf) - end - 4 >= (int(m.group(1)) if m else 0)


while ok + failed < args.n and time.monotonic() < deadline:
    while in_flight < args.in_flight and opened < args.n:
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.setblocking(False)
        s.connect_ex(("127.0.0.1", args.port))
        bufs[s.fileno()] = bytearray()
        sel.register(s, selectors.EVENT_WRITE)
        opened += 1
        in_flight += 1
    for key, events in sel.select(timeout=0.5):
        s = key.fileobj
        if events & selectors.EVENT_WRITE:
            if s.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR) != 0:
                finish(s, False)
                continue
            s.send(REQUEST)  # 36 bytes into an empty send buffer
            sel.modify(s, selectors.EVENT_READ)
            continue
        try:
            chunk = s.recv(65536)
        except BlockingIOError:
            continue
        except OSError:
            chunk = b""
        buf = bufs[s.fileno()]
        if not chunk:
            finish(s, False)
            continue
        buf += chunk
        if complete(buf):
            finish(s, buf.startswith(b"HTTP/1.1 200"))

time.sleep(args.hold)
print(f"ready {ok} {args.n - ok}", flush=True)
end = time.monotonic() + 20
while time.monotonic() < end:
    readable = select.select([sys.stdin], [], [], 0.5)[0]
    if readable and not sys.stdin.readline():
        break
for s in held:
    s.close()
