"""The benchmark image: random blobs of fixed sizes, one OCI manifest, pushed with raw HTTP uploads.

Raw uploads (not skopeo) keep the blob-info cache and layer recompression out of the picture: every
server stores byte-identical blobs under identical digests."""
import hashlib
import json
import os

from httpraw import absolute_path, request, sha256_of_get, with_query

MANIFEST_TYPE = "application/vnd.oci.image.manifest.v1+json"
LAYER_SIZES = {"1m": 1 << 20, "64m": 64 << 20, "256m": 256 << 20}


def _write_random(path, size):
    h = hashlib.sha256()
    with open(path, "wb") as f:
        left = size
        while left:
            chunk = os.urandom(min(left, 4 << 20))
            f.write(chunk)
            h.update(chunk)
            left -= len(chunk)
    return "sha256:" + h.hexdigest()


def random_blob(directory, name, size):
    """Writes a random blob file and returns (digest, path)."""
    path = os.path.join(directory, name)
    return _write_random(path, size), path


def build(directory):
    """Creates the image under directory; returns a dict describing it."""
    os.makedirs(directory, exist_ok=True)
    layers = {}
    for name, size in LAYER_SIZES.items():
        digest, path = random_blob(directory, f"layer-{name}", size)
        layers[name] = {"digest": digest, "size": size, "path": path}
    diff_ids = [layers[n]["digest"] for n in LAYER_SIZES]
    config = json.dumps({"architecture": "amd64", "os": "linux", "created": "1970-01-01T00:00:00Z",
                         "config": {"Cmd": ["/bin/true"]},
                         "rootfs": {"type": "layers", "diff_ids": diff_ids}}, separators=(",", ":")).encode()
    config_path = os.path.join(directory, "config.json")
    with open(config_path, "wb") as f:
        f.write(config)
    config_desc = {"digest": "sha256:" + hashlib.sha256(config).hexdigest(), "size": len(config), "path": config_path}
    manifest = json.dumps({
        "schemaVersion": 2, "mediaType": MANIFEST_TYPE,
        "config": {"mediaType": "application/vnd.oci.image.config.v1+json",
                   "digest": config_desc["digest"], "size": config_desc["size"]},
        "layers": [{"mediaType": "application/vnd.oci.image.layer.v1.tar", "digest": layers[n]["digest"],
                    "size": layers[n]["size"]} for n in LAYER_SIZES],
    }, separators=(",", ":")).encode()
    return {"layers": layers, "config": config_desc, "manifest": manifest,
            "manifest_digest": "sha256:" + hashlib.sha256(manifest).hexdigest()}


def upload_blob(base, repo, digest, path, size):
    """Distribution-style two-step upload: POST opens a session, PUT ?digest= sends the whole body."""
    status, headers, body = request(base, "POST", f"/v2/{repo}/blobs/uploads/")
    if status != 202:
        raise RuntimeError(f"POST upload to {base} answered {status}: {body[:200]!r}")
    target = with_query(absolute_path(headers["location"]), "digest", digest)
    with open(path, "rb") as f:
        status, _, body = request(base, "PUT", target, body=f,
                                  headers={"Content-Type": "application/octet-stream", "Content-Length": str(size)})
    if status != 201:
        raise RuntimeError(f"PUT upload to {base} answered {status}: {body[:200]!r}")


def push(base, repo, tag, image):
    for blob in list(image["layers"].values()) + [image["config"]]:
        upload_blob(base, repo, blob["digest"], blob["path"], blob["size"])
    status, _, body = request(base, "PUT", f"/v2/{repo}/manifests/{tag}", body=image["manifest"],
                              headers={"Content-Type": MANIFEST_TYPE})
    if status != 201:
        raise RuntimeError(f"manifest PUT to {base} answered {status}: {body[:200]!r}")


def verify(base, repo, tag, image):
    """Every target must serve the same bytes before its numbers mean anything; returns problems found."""
    problems = []
    for ref in (tag, image["manifest_digest"]):
        status, _, body = request(base, "GET", f"/v2/{repo}/manifests/{ref}", headers={"Accept": MANIFEST_TYPE})
        if status != 200 or body != image["manifest"]:
            problems.append(f"manifest {ref}: status {status}, {len(body)} bytes, identical={body == image['manifest']}")
    for blob in list(image["layers"].values()) + [image["config"]]:
        status, hexdigest, n = sha256_of_get(base, f"/v2/{repo}/blobs/{blob['digest']}")
        if status != 200 or "sha256:" + hexdigest != blob["digest"] or n != blob["size"]:
            problems.append(f"blob {blob['digest']}: status {status}, {n} bytes, digest sha256:{hexdigest}")
    return problems
