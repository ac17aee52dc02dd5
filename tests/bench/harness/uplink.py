"""A shaped site uplink for the cache rows: the upstream in its own network namespace behind a veth whose
upstream end sends through `tc tbf` at a fixed rate, so what the upstream serves (to skopeo directly, or to the
edgereg cache) crosses a link slower than the CPU, as at an edge site. Requests towards the upstream are not
shaped (they are small; the image's push into it is not part of any row).

The namespace and its veth are this run's own (named after the pid, a /30 of their own), removed on exit, error or
signal; creating them needs root, like the rest of the benchmark."""
import atexit
import os
import subprocess

SUBNET = "10.153.15"  # .1 the host end, .2 the upstream's; no other rig of the repository uses 10.153.


def _ip(*args):
    subprocess.run(["ip", *args], check=True, timeout=30, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


class ShapedUplink:
    def __init__(self, rate):
        tag = os.getpid() % 100000
        self.rate = rate
        self.namespace = f"edgereg-bench-uplink-{tag}"
        self.host_side, self.upstream_side = f"ebuh{tag}", f"ebun{tag}"
        self.host_address, self.upstream_address = f"{SUBNET}.1", f"{SUBNET}.2"
        self._created = False

    @property
    def launch_prefix(self):
        """What runs a program inside the upstream's namespace (ip execs it: the same pid, stoppable as usual)."""
        return ["ip", "netns", "exec", self.namespace]

    def __enter__(self):
        _ip("netns", "add", self.namespace)
        self._created = True
        atexit.register(self.remove)
        _ip("link", "add", self.host_side, "type", "veth", "peer", "name", self.upstream_side, "netns", self.namespace)
        _ip("addr", "add", f"{self.host_address}/30", "dev", self.host_side)
        _ip("link", "set", self.host_side, "up")
        _ip("-n", self.namespace, "addr", "add", f"{self.upstream_address}/30", "dev", self.upstream_side)
        _ip("-n", self.namespace, "link", "set", self.upstream_side, "up")
        _ip("-n", self.namespace, "link", "set", "lo", "up")
        # The bucket must hold at least one kernel tick of traffic (rate / HZ) and one GSO packet (64 KiB), or the
        # link runs below its rate: 1 Mbit = 125 kB covers both up to a few hundred Mbit/s at HZ 250.
        subprocess.run([*self.launch_prefix, "tc", "qdisc", "add", "dev", self.upstream_side, "root", "tbf", "rate", self.rate,
                        "burst", "1mbit", "latency", "50ms"], check=True, timeout=30, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        return self

    def sent_bytes(self):
        """Bytes the upstream's end has sent: what crossed the shaped link towards the site."""
        out = subprocess.run([*self.launch_prefix, "cat", f"/sys/class/net/{self.upstream_side}/statistics/tx_bytes"],
                             check=True, timeout=30, capture_output=True, text=True).stdout
        return int(out.strip())

    def remove(self):
        # Deleting the namespace deletes its end of the veth, and with it the host end.
        if self._created:
            subprocess.run(["ip", "netns", "del", self.namespace], timeout=30, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            self._created = False

    def __exit__(self, *exc):
        self.remove()
        return False
