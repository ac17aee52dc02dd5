"""The disk's durable small-object rate in Distribution's layout: the yardstick of a rehydration (issue 12).

One small blob in the layout costs more than one file, so the plain probe (smallfiles.py) flatters the disk. Per
object this probe does what a correct durable store must do, in the order edgereg does it
(src/EdgeRegistry.Storage/Durability/DurableFiles.cs, Layout/StorePaths.cs):

1. the blob: write `.edgereg/tmp/<file>` and fsync it; make each missing level of
   `docker/registry/v2/blobs/sha256/<ab>/<hex>/` empty in the temp directory and rename it into place (top down);
   rename the file to `.../<hex>/data`; fsync the temp directory;
2. the repository's layer link: the same for `docker/registry/v2/repositories/<repo>/_layers/sha256/<hex>/link`
   (content `sha256:<hex>`; six objects per repository as in scalestore.py, so the first object of a repository
   also creates `<repo>/_layers/sha256/`).

Which directory fsyncs, and why this set is the minimal correct one: every namespace change of a publish (the mkdirs,
the renames) involves the temp directory, and on a journaled file system (ext4 data=ordered, xfs) a rename or mkdir is
one journal transaction, durable once the transaction commits; an fsync of either directory it touched commits it, and
commits every earlier transaction with it. So one fsync of the temp directory after the file's rename makes the whole
publish durable, the new directories included; fsyncing every touched parent instead (3-6 per object) would force the
same commit several times. The temp directory's fsync is shared, as edgereg's GroupSync shares it: a writer returns
once an fsync that *started after its rename* has succeeded, and writers that arrive while one runs share the next
(group commit across the probe's processes, through a shared counter). The file's own fsync cannot be shared: its
data must be on disk before the rename can be. Per object: 2 file fsyncs and a share of 2 temp-directory fsyncs.
On a file system without a journal (ext4 ^has_journal, like this machine's root) this set does not make the new
directory entries durable — there each touched parent would need its own fsync; `--scale-fs journaled` measures
the journaled case the store is written for.

Run with `workers` *processes* (not threads: the GIL must not be the limit), bounded in objects and seconds, in a
directory of the file system under test; everything it wrote is removed afterwards.
"""
import multiprocessing
import os
import random
import subprocess
import time

OBJECTS_PER_REPO = 6  # scalestore: 4 layers, a config and a manifest per repository


class _GroupSync:
    """Group commit of one directory's fsync across processes (edgereg's GroupSync, shared through a condition)."""

    def __init__(self, ctx, directory):
        self._directory = directory
        self._cond = ctx.Condition(ctx.Lock())
        self._started = ctx.Value("q", 0, lock=False)  # rounds whose fsync started
        self._done = ctx.Value("q", 0, lock=False)  # rounds whose fsync ended
        self._running = ctx.Value("b", 0, lock=False)

    @property
    def rounds(self):
        return self._started.value

    def flush(self):
        with self._cond:
            need = self._started.value + 1  # the first round that starts after this call
            while self._done.value < need:
                if not self._running.value:
                    self._running.value = 1
                    self._started.value = need
                    break
                self._cond.wait(timeout=30)
            else:
                return
        try:
            fd = os.open(self._directory, os.O_RDONLY | os.O_DIRECTORY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)
        finally:
            with self._cond:
                self._done.value = need
                self._running.value = 0
                self._cond.notify_all()


def _write_fsynced(path, data):
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
    try:
        os.write(fd, data)
        os.fsync(fd)
    finally:
        os.close(fd)


class _Writer:
    def __init__(self, root, w, sync):
        self.tmp = os.path.join(root, ".edgereg", "tmp")
        self.v2 = os.path.join(root, "docker", "registry", "v2")
        self.w, self.sync, self.n, self.retries = w, sync, 0, 0

    def _temp_name(self):
        self.n += 1
        return os.path.join(self.tmp, f"w{self.w}-{self.n}")

    def _directories_from_temp(self, directory):
        """Each missing level made empty in the temp directory and renamed into place, top down (as edgereg)."""
        missing = []
        d = directory
        while not os.path.isdir(d):
            missing.append(d)
            d = os.path.dirname(d)
        for level in reversed(missing):
            staged = self._temp_name()
            os.mkdir(staged)
            try:
                # rename(2) silently replaces an *empty* directory, so a level another writer just made would be
                # swapped under it: look first. The window left is small, and a writer that still loses it (its
                # rename into the replaced directory fails with ENOENT) redoes the publish (publish()).
                if os.path.isdir(level):
                    raise FileExistsError(level)
                os.rename(staged, level)
            except OSError:
                os.rmdir(staged)  # another writer made the same level (its rename is durable with the next flush)
                if not os.path.isdir(level):
                    raise

    def publish(self, path, data):
        temp = self._temp_name()
        _write_fsynced(temp, data)
        # A directory replaced or removed between its creation and the rename into it (ENOENT): make it again, a
        # bounded number of times, as DurableFiles.PublishFile does.
        for attempt in range(1, 4):
            try:
                self._directories_from_temp(os.path.dirname(path))
                os.rename(temp, path)
                break
            except FileNotFoundError:
                if attempt == 3:
                    raise
                self.retries += 1
        self.sync.flush()

    def store(self, index, rng):
        hexdigest = rng.randbytes(32).hex()
        repo = f"probe/team{index // OBJECTS_PER_REPO // 100}/app{index // OBJECTS_PER_REPO}"
        self.publish(os.path.join(self.v2, "blobs", "sha256", hexdigest[:2], hexdigest, "data"),
                     rng.randbytes(rng.randint(512, 4096)))
        self.publish(os.path.join(self.v2, "repositories", *repo.split("/"), "_layers", "sha256", hexdigest, "link"),
                     f"sha256:{hexdigest}".encode())


def _work(root, w, workers, sync, go, deadline_box, quota, results):
    rng = random.Random(os.getpid() ^ time.time_ns())
    writer = _Writer(root, w, sync)
    go.wait(timeout=60)
    deadline = deadline_box.value
    done, error = 0, None
    try:
        # Object indices interleave across processes (w, w + workers, ...), so a repository's six objects are
        # written by different processes at about the same time, as a rehydration's fetch lane does.
        while done < quota and time.perf_counter() < deadline:
            writer.store(w + done * workers, rng)
            done += 1
    except OSError as e:
        error = repr(e)
    finally:
        results.put((w, done, writer.retries, error))


def rate(directory, workers=16, seconds=4.0, max_objects=20000):
    """Durable small objects per second in the layout, `workers` processes, measured now in `directory`.

    Returns {"rate": objects/s, "objects": n, "seconds": s, "dir_fsyncs_per_object": temp-directory fsyncs ÷ objects, "retries": publishes redone after ENOENT}.
    """
    ctx = multiprocessing.get_context("fork")
    root = os.path.join(directory, f"layout-probe-{workers}")
    os.makedirs(os.path.join(root, ".edgereg", "tmp"))
    os.makedirs(os.path.join(root, "docker", "registry", "v2", "blobs", "sha256"))
    os.makedirs(os.path.join(root, "docker", "registry", "v2", "repositories"))
    sync = _GroupSync(ctx, os.path.join(root, ".edgereg", "tmp"))
    go = ctx.Event()
    deadline_box = ctx.Value("d", 0.0, lock=False)
    results = ctx.Queue()
    quota = max(1, max_objects // workers)
    procs = [ctx.Process(target=_work, args=(root, w, workers, sync, go, deadline_box, quota, results), daemon=True)
             for w in range(workers)]
    try:
        for p in procs:
            p.start()
        time.sleep(0.2)  # every process forked and waiting, so the clock does not time their start
        t0 = time.perf_counter()
        deadline_box.value = t0 + seconds
        go.set()
        counts, retries, errors = {}, 0, []
        for _ in procs:
            w, n, r, error = results.get(timeout=seconds + 60)
            counts[w] = n
            retries += r
            if error:
                errors.append(error)
        elapsed = time.perf_counter() - t0
        for p in procs:
            p.join(timeout=10)
    finally:
        for p in procs:
            if p.is_alive():
                p.kill()
                p.join(timeout=5)
        # rm -rf: tens of thousands of entries, faster than Python's walk on a loaded machine.
        subprocess.run(["rm", "-rf", "--one-file-system", root], check=False, timeout=600)
    if errors:
        raise RuntimeError(f"layout probe: {len(errors)} of {workers} processes failed, e.g. {errors[0]}")
    total = sum(counts.values())
    return {"rate": total / elapsed, "objects": total, "seconds": elapsed, "retries": retries,
            "dir_fsyncs_per_object": sync.rounds / total if total else float("nan")}


if __name__ == "__main__":
    import sys
    r = rate(sys.argv[1] if len(sys.argv) > 1 else ".", int(sys.argv[2]) if len(sys.argv) > 2 else 16)
    print(r)
