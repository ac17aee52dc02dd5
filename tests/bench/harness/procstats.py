"""Per-process CPU time and memory figures read from /proc (Linux only)."""
import os

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def _children(pid):
    """Direct children of pid (nginx master -> workers); empty when the process is gone."""
    kids = []
    try:
        for tid in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{tid}/children") as f:
                kids.extend(int(x) for x in f.read().split())
    except OSError:
        pass
    return kids


def family(pid):
    """pid and its direct children: a server's whole footprint (nginx forks workers, the others do not)."""
    return [pid] + _children(pid)


def cpu_seconds(pid, system_only=False):
    """utime+stime (or stime alone) of pid and its children, in seconds."""
    total = 0
    for p in family(pid):
        try:
            with open(f"/proc/{p}/stat") as f:
                # fields after the parenthesised command: state is [0], utime [11], stime [12]
                fields = f.read().rsplit(")", 1)[1].split()
            total += (0 if system_only else int(fields[11])) + int(fields[12])
        except (OSError, IndexError):
            pass
    return total / CLOCK_TICKS


def _status_kib(pid, key):
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith(key + ":"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def rss_mib(pid):
    """Current resident set of pid and its children (MiB)."""
    return sum(_status_kib(p, "VmRSS") for p in family(pid)) / 1024


def peak_rss_mib(pid):
    """VmHWM (peak resident set since start or since the last reset_peak) summed over the family (MiB)."""
    return sum(_status_kib(p, "VmHWM") for p in family(pid)) / 1024


def reset_peak(pid):
    """Writing 5 to clear_refs resets VmHWM to the current RSS, so each phase gets its own peak."""
    for p in family(pid):
        try:
            with open(f"/proc/{p}/clear_refs", "w") as f:
                f.write("5")
        except OSError:
            pass
