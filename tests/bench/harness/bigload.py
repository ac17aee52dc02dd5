#!/usr/bin/env python3
"""Keep-alive GET load for large bodies: each of CONC threads loops GET on one connection for SECONDS
(at most MAXREQ requests each), reading with recv_into into a 4 MiB buffer. wrk reads 8 KiB per call and
becomes the bottleneck on 64-256 MiB bodies; this client does not. Loopback only.
usage: bigload.py URL CONC SECONDS MAXREQ  ->  prints one JSON line"""
import json
import socket
import sys
import threading
import time
from urllib.parse import urlsplit

url, conc, secs, maxreq = sys.argv[1], int(sys.argv[2]), float(sys.argv[3]), int(sys.argv[4])
u = urlsplit(url)
if not u.hostname.startswith("127."):
    sys.exit("loopback only")
request = f"GET {u.path} HTTP/1.1\r\nHost: {u.netloc}\r\nAccept: */*\r\n\r\n".encode()
lock = threading.Lock()
latencies, totals = [], {"bytes": 0, "requests": 0, "errors": 0}
start = time.monotonic()
deadline = start + secs


def one_get(sock, view):
    """Sends the request and drains exactly one response; returns (status, bytes read)."""
    sock.sendall(request)
    head = b""
    read = 0
    while b"\r\n\r\n" not in head:
        n = sock.recv_into(view)
        if n == 0:
            raise ConnectionError("eof in headers")
        head += bytes(view[:n])
        read += n
    head, _, rest = head.partition(b"\r\n\r\n")
    lines = head.split(b"\r\n")
    status = int(lines[0].split()[1])
    length = next((int(v) for k, _, v in (ln.partition(b":") for ln in lines[1:])
                   if k.strip().lower() == b"content-length"), 0)
    left = length - len(rest)
    while left > 0:
        n = sock.recv_into(view, min(len(view), left))
        if n == 0:
            raise ConnectionError("eof in body")
        left -= n
        read += n
        if time.monotonic() > deadline + 60:
            raise TimeoutError("response overran the time bound")
    return status, read


def worker():
    view = memoryview(bytearray(4 << 20))
    sock, mine, nbytes, nreq, errors = None, [], 0, 0, 0
    while time.monotonic() < deadline and nreq < maxreq:
        try:
            if sock is None:
                sock = socket.create_connection((u.hostname, u.port), timeout=60)
            t0 = time.monotonic()
            status, n = one_get(sock, view)
            nbytes += n
            nreq += 1
            mine.append(time.monotonic() - t0)
            if status != 200:
                errors += 1
        except (OSError, ValueError):
            errors += 1
            if sock:
                sock.close()
            sock = None
            time.sleep(0.01)
    if sock:
        sock.close()
    with lock:
        latencies.extend(mine)
        totals["bytes"] += nbytes
        totals["requests"] += nreq
        totals["errors"] += errors


threads = [threading.Thread(target=worker) for _ in range(conc)]
for t in threads:
    t.start()
for t in threads:
    t.join()
elapsed = time.monotonic() - start
latencies.sort()
pct = lambda p: latencies[min(len(latencies) - 1, int(p / 100 * len(latencies)))] * 1000 if latencies else 0
print(json.dumps({"requests": totals["requests"], "bytes": totals["bytes"], "seconds": elapsed,
                  "p50_ms": pct(50), "p99_ms": pct(99), "errors": totals["errors"]}))
