"""Load generators, each bounded in time (and the big-blob client also in request count), returning
{requests, bytes, seconds, p50_ms, p99_ms, errors}. wrk for GETs of small bodies, hey for HEAD (wrk waits
for a body after HEAD), bigload.py for large blobs (wrk's 8 KiB reads cannot saturate them)."""
import json
import os
import re
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
WRK_REPORT = """
done = function(s, lat, req)
  local e = s.errors
  io.write(string.format("RESULT %d %d %d %d %d %d\\n", s.requests, s.bytes, s.duration,
    lat:percentile(50), lat:percentile(99), e.connect + e.read + e.write + e.status + e.timeout))
end
"""


def _run(argv, seconds, raw_path):
    """Runs a client with a hard time bound well past its own; keeps its raw output for inspection."""
    proc = subprocess.run(argv, capture_output=True, text=True, timeout=seconds + 120)
    with open(raw_path, "w") as f:
        f.write(" ".join(argv) + "\n" + proc.stdout + proc.stderr)
    return proc.stdout


def wrk(url, concurrency, seconds, accept, work, label):
    script = os.path.join(work, "wrk-report.lua")
    if not os.path.exists(script):
        with open(script, "w") as f:
            f.write(WRK_REPORT)
    argv = ["wrk", f"-t{min(concurrency, 2)}", f"-c{concurrency}", f"-d{seconds}s", "--timeout", "30s",
            "-s", script, "-H", f"Accept: {accept}", url]
    out = _run(argv, seconds, os.path.join(work, f"raw-{label}.txt"))
    m = re.search(r"^RESULT (\d+) (\d+) (\d+) (\d+) (\d+) (\d+)$", out, re.M)
    if not m:
        raise RuntimeError(f"wrk gave no result for {label}: {out[-300:]}")
    reqs, nbytes, dur_us, p50, p99, errs = map(int, m.groups())
    return {"requests": reqs, "bytes": nbytes, "seconds": dur_us / 1e6, "p50_ms": p50 / 1000,
            "p99_ms": p99 / 1000, "errors": errs}


def hey_head(url, concurrency, seconds, accept, work, label):
    argv = ["hey", "-z", f"{seconds}s", "-c", str(concurrency), "-m", "HEAD", "-H", f"Accept: {accept}", url]
    out = _run(argv, seconds, os.path.join(work, f"raw-{label}.txt"))
    total = float(re.search(r"Total:\s+([\d.]+) secs", out).group(1))
    p50 = re.search(r"50% in ([\d.]+) secs", out)
    p99 = re.search(r"99% in ([\d.]+) secs", out)
    codes = {int(c): int(n) for c, n in re.findall(r"\[(\d+)\]\s+(\d+) responses", out)}
    error_lines = re.findall(r"^\s+\[(\d+)\]\t", out.split("Error distribution:")[1], re.M) if "Error distribution:" in out else []
    requests = sum(codes.values())
    errors = requests - codes.get(200, 0) + sum(int(n) for n in error_lines)
    return {"requests": requests, "bytes": 0, "seconds": total, "p50_ms": float(p50.group(1)) * 1000 if p50 else 0,
            "p99_ms": float(p99.group(1)) * 1000 if p99 else 0, "errors": errors}


def big_get(url, concurrency, seconds, work, label, max_requests=100000):
    argv = [sys.executable, os.path.join(HERE, "bigload.py"), url, str(concurrency), str(seconds), str(max_requests)]
    out = _run(argv, seconds, os.path.join(work, f"raw-{label}.txt"))
    return json.loads(out.strip().splitlines()[-1])
