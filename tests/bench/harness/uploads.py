"""Raw single-blob upload timing: the server's ingest path (receive, hash, write, fsync) and nothing else."""
import os
import subprocess
import time

from httpraw import absolute_path, request, with_query


def _put_body(base, method, path, blob_path, size):
    with open(blob_path, "rb") as f:
        status, _, body = request(base, method, path, body=f,
                                  headers={"Content-Type": "application/octet-stream", "Content-Length": str(size)})
    if status != 201:
        raise RuntimeError(f"{method} {base}{path} answered {status}: {body[:200]!r}")


def monolithic_post(base, repo, digest, blob_path, size):
    """OCI single-request upload: POST /blobs/uploads/?digest= with the whole body. Returns seconds."""
    t0 = time.perf_counter()
    _put_body(base, "POST", f"/v2/{repo}/blobs/uploads/?digest={digest}", blob_path, size)
    return time.perf_counter() - t0


def post_then_put(base, repo, digest, blob_path, size):
    """Distribution 2.8 has no single-request POST: POST opens the session, PUT ?digest= carries the body.
    The POST is counted too (it is part of the client's wait). Returns seconds."""
    t0 = time.perf_counter()
    status, headers, body = request(base, "POST", f"/v2/{repo}/blobs/uploads/")
    if status != 202:
        raise RuntimeError(f"POST {base} answered {status}: {body[:200]!r}")
    _put_body(base, "PUT", with_query(absolute_path(headers["location"]), "digest", digest), blob_path, size)
    return time.perf_counter() - t0


def durable_write_seconds(source, target_dir):
    """dd of the same bytes with conv=fsync onto the file system the stores live on: the disk's durable rate."""
    target = os.path.join(target_dir, "dd-probe")
    t0 = time.perf_counter()
    subprocess.run(["dd", f"if={source}", f"of={target}", "bs=1M", "conv=fsync"], check=True,
                   capture_output=True, timeout=300)
    seconds = time.perf_counter() - t0
    os.remove(target)
    return seconds
