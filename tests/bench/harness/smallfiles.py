"""The disk's durable small-file rate: what a rehydration of small objects is set against. `writers` threads
each write small files (the stores' sizes) as a store commits an object: write a temp file, fsync it, rename it
into a directory and fsync that directory. Bounded in count and time."""
import os
import threading
import time


def rate(directory, writers, size=2048, seconds=4.0, max_files=20000):
    """Durable small files per second with `writers` in parallel, measured now in `directory`."""
    base = os.path.join(directory, f"smallfile-probe-{writers}")
    os.makedirs(base)
    data = os.urandom(size)
    done = [0]
    lock = threading.Lock()
    deadline = time.perf_counter() + seconds

    def writer(w):
        target = os.path.join(base, f"w{w}")
        os.makedirs(target)
        tmp = os.path.join(base, f"tmp{w}")
        n = 0
        while time.perf_counter() < deadline and done[0] < max_files:
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
            with lock:
                done[0] += 1

    t0 = time.perf_counter()
    threads = [threading.Thread(target=writer, args=(w,)) for w in range(writers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=seconds + 30)
    elapsed = time.perf_counter() - t0
    for root, dirs, files in os.walk(base, topdown=False):
        for f in files:
            os.remove(os.path.join(root, f))
        for d in dirs:
            os.rmdir(os.path.join(root, d))
    os.rmdir(base)
    return done[0] / elapsed
