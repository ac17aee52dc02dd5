"""Where the --scale rows put the node stores and both probes (`--scale-fs`), and what file system that is.

`scratch` (default): the run's scratch directory as it is. `journaled`: a fresh ext4 image *with* a journal, made in
the scratch directory per size and loop-mounted there, because the machine the benchmark usually runs on has an ext4
root without a journal, whose fsync costs are not those of the xfs/ext4 /var of an RHCOS node (a directory fsync there
is a journal commit). The image's fsyncs end as fsyncs of its backing file on the scratch file system, as a VM disk's
end on its host. The image is unmounted and removed on exit, error and signal (the caller's SIGTERM/SIGINT unwind
through the finally; servers still running on it are stopped first, or the unmount would fail as busy)."""
import contextlib
import os
import subprocess
import time

FS_CHOICES = ("scratch", "journaled")


def _mount_of(path):
    """(mount point, fs type, source) of the mount holding path, from /proc/self/mountinfo."""
    path = os.path.realpath(path)
    best = ("/", "?", "?")
    with open("/proc/self/mountinfo") as f:
        for line in f:
            left, _, right = line.partition(" - ")
            point = left.split()[4].replace("\\040", " ")
            fstype, source = right.split()[:2]
            inside = path == point or path.startswith(point.rstrip("/") + "/")
            if inside and len(point) >= len(best[0]):
                best = (point, fstype, source)
    return best


def _journaled(fstype, source):
    """True/False for a file system with/without a journal; None when it cannot be told."""
    if fstype == "xfs":
        return True  # xfs always logs its metadata
    if fstype in ("tmpfs", "ramfs", "btrfs", "overlay"):
        return False
    if fstype not in ("ext3", "ext4"):
        return None
    dev = os.path.basename(os.path.realpath(source)) if source.startswith("/dev/") else None
    if dev and os.path.isdir("/proc/fs/jbd2"):
        # jbd2 lists every journal in use as <device>-<inode>: a mounted ext4 absent from it has none. (dumpe2fs
        # needs to open the device, which a sandbox may refuse.)
        return any(name.rsplit("-", 1)[0] == dev for name in os.listdir("/proc/fs/jbd2"))
    try:
        out = subprocess.run(["dumpe2fs", "-h", source], capture_output=True, text=True, timeout=30).stdout
    except (OSError, subprocess.TimeoutExpired):
        return None
    features = next((ln for ln in out.splitlines() if ln.startswith("Filesystem features:")), None)
    return None if features is None else "has_journal" in features.split()


def describe(path):
    """{"type", "journaled", "source", "text"} of the file system holding path, e.g. text "ext4, journal: no (/dev/vda)"."""
    point, fstype, source = _mount_of(path)
    journaled = _journaled(fstype, source)
    word = {True: "yes", False: "no", None: "?"}[journaled]
    return {"type": fstype, "journaled": journaled, "source": source,
            "text": f"{fstype}, journal: {word} ({source})"}


def image_bytes(objects):
    """A size that holds both stores (A's and B's: ~40 KiB per object in 4 KiB blocks: blob and link directories,
    files, version records) plus the probes' objects (bounded at 20,000 of ~20 KiB, removed after each) plus the
    journal and metadata: ~1.5 GB for 10 k objects. The image is sparse: only what is written takes space."""
    return (256 << 20) + 20000 * (20 << 10) + 2 * objects * (40 << 10)


def inodes(objects):
    """Per object per store ~10 inodes (data, link, their directories, version records); the probes' 20,000 x 4."""
    return 2 * objects * 12 + 20000 * 5 + 50000


@contextlib.contextmanager
def scratch(work, kind, objects, log, stop_servers):
    """Yields the directory the size's stores and probes go in: `work` itself, or a journaled ext4 mounted in it."""
    if kind == "scratch":
        yield work
        return
    if kind != "journaled":
        raise ValueError(f"--scale-fs {kind}: choose from {', '.join(FS_CHOICES)}")
    image = os.path.join(work, f"journaled-{objects}.img")
    mnt = os.path.join(work, f"journaled-{objects}")
    os.makedirs(mnt)
    mounted = False
    try:
        with open(image, "wb") as f:
            f.truncate(image_bytes(objects))
        # 4 KiB blocks as on a real /var (mke2fs picks 1 KiB for small images); inode tables and journal written now,
        # so ext4lazyinit does not write them in the background during the measurements.
        subprocess.run(["mkfs.ext4", "-q", "-F", "-b", "4096", "-N", str(inodes(objects)),
                        "-E", "lazy_itable_init=0,lazy_journal_init=0", image], check=True, timeout=600)
        subprocess.run(["mount", "-o", "loop", image, mnt], check=True, timeout=120)
        mounted = True
        log(f"  --scale-fs journaled: {image_bytes(objects) / 1e9:.2f} GB ext4 image loop-mounted on {mnt} "
            f"({describe(mnt)['text']})")
        yield mnt
    finally:
        if mounted:
            stop_servers()  # a node still running on the mount (an error mid-row) would keep it busy
            for attempt in range(5):
                if subprocess.run(["umount", mnt], capture_output=True, timeout=120).returncode == 0:
                    break
                time.sleep(1)
            else:
                # Still busy: detach it now, the kernel frees it (and the loop device, autoclear) once unused.
                subprocess.run(["umount", "-l", mnt], check=False, timeout=120)
        with contextlib.suppress(OSError):
            os.rmdir(mnt)
        with contextlib.suppress(OSError):
            os.unlink(image)
