"""Syscalls of a running process by kind, counted in the kernel by `perf stat` on syscall tracepoints (no ptrace:
unlike `strace -c -f`, it hardly slows the process, so the rate measured beside it stays meaningful). Attach to a
pid, do the work, stop: a dict of counts, or None when perf or its tracepoints are not available here. Attached
paused (`attach(pid, paused=True)`), the counters count only between `enable()` and `disable()` (perf's --control
fifo, each command acknowledged), so a window inside a long run can be measured with perf attached beforehand.
Bounded: every acknowledgement is awaited at most 10 s, perf is stopped with SIGINT and waited for at most 30 s."""
import os
import select
import shutil
import signal
import subprocess
import tempfile

# The kinds a small object's copy is made of (file, directory, network, wake-ups); "all" is every syscall.
# newstat/newlstat are x86_64's stat(2)/lstat(2), what .NET's File.Exists, Directory.Exists and FileInfo use.
KINDS = ("fsync", "fdatasync", "openat", "close", "read", "pread64", "write", "pwrite64", "newstat", "newlstat", "newfstatat", "statx",
         "mkdir", "mkdirat", "rename", "renameat", "renameat2", "unlink", "unlinkat", "newfstat", "lseek", "ftruncate",
         "fadvise64", "recvfrom", "sendto", "recvmsg", "sendmsg", "sendfile64", "epoll_wait", "epoll_ctl", "futex",
         "sched_yield", "mprotect", "madvise", "mmap", "munmap", "getdents64", "fcntl", "ioctl", "access",
         "faccessat", "faccessat2", "readlink", "readlinkat", "getrandom", "rt_sigprocmask", "poll", "ppoll",
         "fstatfs", "statfs", "fallocate", "flock", "fchmod", "getpid", "gettid", "setsockopt", "getsockopt",
         "accept4", "connect", "socket", "shutdown", "writev", "readv", "io_uring_enter", "fsetxattr", "getxattr",
         "lgetxattr", "tgkill", "rt_sigreturn", "sched_getaffinity", "membarrier", "clock_nanosleep", "nanosleep")
TRACEPOINTS = "/sys/kernel/tracing/events/syscalls"


class Counter:
    def __init__(self, pid, paused=False):
        self._out = tempfile.NamedTemporaryFile(prefix="syscounts-", suffix=".csv", delete=False)
        self._out.close()
        self._fifos = None
        control = []
        if paused:
            d = tempfile.mkdtemp(prefix="syscounts-ctl-")
            ctl, ack = os.path.join(d, "ctl"), os.path.join(d, "ack")
            os.mkfifo(ctl, 0o600)
            os.mkfifo(ack, 0o600)
            # O_RDWR: opening a FIFO so never blocks waiting for perf to open its end.
            self._fifos = (d, ctl, ack, os.open(ctl, os.O_RDWR), os.open(ack, os.O_RDWR))
            control = ["-D", "-1", "--control", f"fifo:{ctl},{ack}"]
        # perf refuses the whole list if one tracepoint is missing (kernels differ: fstat is newfstat on x86_64).
        kinds = [k for k in KINDS if os.path.isdir(f"{TRACEPOINTS}/sys_enter_{k}")]
        events = ["raw_syscalls:sys_enter", "context-switches"] + [f"syscalls:sys_enter_{k}" for k in kinds]
        self._proc = subprocess.Popen(["perf", "stat", "-x", ",", "-o", self._out.name, "-p", str(pid)] + control +
                                      ["-e", ",".join(events)],
                                      stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL)

    def _command(self, word):
        """Sends enable/disable and waits for perf's ack: True once perf has applied it."""
        if not self._fifos or self._proc.poll() is not None:
            return False
        _, _, _, ctl, ack = self._fifos
        os.write(ctl, f"{word}\n".encode())
        ready, _, _ = select.select([ack], [], [], 10)
        return bool(ready) and os.read(ack, 64).startswith(b"ack")

    def enable(self):
        return self._command("enable")

    def disable(self):
        return self._command("disable")

    def stop(self):
        """Counts since the attach (paused: while enabled): {"all": n, "context-switches": n, "<kind>": n}; None
        when perf failed."""
        try:
            return self._stop()
        finally:
            if self._fifos:
                d, ctl, ack, cfd, afd = self._fifos
                os.close(cfd)
                os.close(afd)
                shutil.rmtree(d, ignore_errors=True)
                self._fifos = None

    def _stop(self):
        try:
            if self._proc.poll() is None:
                self._proc.send_signal(signal.SIGINT)
            self._proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self._proc.kill()
            self._proc.wait(timeout=5)
            return None
        try:
            with open(self._out.name) as f:
                lines = f.read().splitlines()
        finally:
            os.unlink(self._out.name)
        counts = {}
        for line in lines:
            fields = line.split(",")
            if len(fields) < 3 or not fields[0].strip().isdigit():
                continue  # comments, "<not supported>", "<not counted>"
            event = fields[2]
            name = ("all" if event == "raw_syscalls:sys_enter"
                    else event.split("sys_enter_", 1)[1] if "sys_enter_" in event else event)
            counts[name] = int(fields[0])
        return counts if "all" in counts else None


def attach(pid, paused=False):
    """A Counter on pid's threads (and the threads they start), or None when perf is not installed. paused: counting
    only between enable() and disable()."""
    return Counter(pid, paused) if shutil.which("perf") else None


def per_object(counts, objects, top=8):
    """'all 41.2 · fsync 3.9 · ...': the total and the most frequent kinds per object, for a log line or a table cell."""
    if not counts or not objects:
        return "—"
    kinds = sorted(((n, k) for k, n in counts.items() if k not in ("all", "context-switches") and n), reverse=True)
    parts = [f"all {counts['all'] / objects:.1f}"]
    if "context-switches" in counts:
        parts.append(f"cs {counts['context-switches'] / objects:.1f}")
    parts += [f"{k} {n / objects:.1f}" for n, k in kinds[:top]]
    return " · ".join(parts)
