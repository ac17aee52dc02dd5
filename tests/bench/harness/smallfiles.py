"""The disk's durable small-file rate: one file per object, the plain yardstick beside layoutprobe.py's layout-equivalent
one. `writers` *processes* (not threads: with threads the GIL, not the disk, was the limit) each write small files
(the stores' sizes) as a store commits an object: write a temp file, fsync it, rename it into a directory and fsync
that directory. Bounded in count and time."""
import multiprocessing
import os
import subprocess
import time


def _writer(base, w, data, go, deadline_box, quota, results):
    target = os.path.join(base, f"w{w}")
    os.makedirs(target)
    tmp = os.path.join(base, f"tmp{w}")
    go.wait(timeout=60)
    deadline = deadline_box.value
    n = 0
    while n < quota and time.perf_counter() < deadline:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
        try:
            os.write(fd, data)
            os.fsync(fd)
        finally:
            os.close(fd)
        os.rename(tmp, os.path.join(target, str(n)))
        dfd = os.open(target, os.O_RDONLY | os.O_DIRECTORY)
        try:
            os.fsync(dfd)
        finally:
            os.close(dfd)
        n += 1
    results.put(n)


def rate(directory, writers, size=2048, seconds=4.0, max_files=20000):
    """Durable small files per second with `writers` processes in parallel, measured now in `directory`."""
    ctx = multiprocessing.get_context("fork")
    base = os.path.join(directory, f"smallfile-probe-{writers}")
    os.makedirs(base)
    data = os.urandom(size)
    go = ctx.Event()
    deadline_box = ctx.Value("d", 0.0, lock=False)
    results = ctx.Queue()
    quota = max(1, max_files // writers)
    procs = [ctx.Process(target=_writer, args=(base, w, data, go, deadline_box, quota, results), daemon=True)
             for w in range(writers)]
    done = 0
    try:
        for p in procs:
            p.start()
        time.sleep(0.2)  # every process forked and waiting, so the clock does not time their start
        t0 = time.perf_counter()
        deadline_box.value = t0 + seconds
        go.set()
        for _ in procs:
            done += results.get(timeout=seconds + 60)
        elapsed = time.perf_counter() - t0
        for p in procs:
            p.join(timeout=10)
    finally:
        for p in procs:
            if p.is_alive():
                p.kill()
                p.join(timeout=5)
        subprocess.run(["rm", "-rf", "--one-file-system", base], check=False, timeout=600)
    return done / elapsed
