"""One load run against one server: the client's figures plus the server's CPU and the machine's other load."""
import os

import procstats


def _busy_seconds():
    """CPU seconds all cores spent busy (user+nice+system+irq+softirq) since boot."""
    with open("/proc/stat") as f:
        fields = [int(x) for x in f.readline().split()[1:8]]
    user, nice, system, _idle, _iowait, irq, softirq = fields
    return (user + nice + system + irq + softirq) / procstats.CLOCK_TICKS


def _client_seconds():
    t = os.times()
    return t.children_user + t.children_system


def run(server_pid, client):
    """Runs client() (a bounded load generator) and adds server_cpu_s and other_cores: CPU used by processes
    that are neither the server nor the client (other work on the machine that skews the figures)."""
    s0, b0, c0 = procstats.cpu_seconds(server_pid), _busy_seconds(), _client_seconds()
    result = client()
    s1, b1, c1 = procstats.cpu_seconds(server_pid), _busy_seconds(), _client_seconds()
    server = s1 - s0
    seconds = max(result["seconds"], 1e-6)
    result["server_cpu_s"] = server
    result["other_cores"] = max(0.0, (b1 - b0) - server - (c1 - c0)) / seconds
    return result
