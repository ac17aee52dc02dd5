"""Stores the size of a real mirror, written directly in CNCF Distribution's layout (as a registry:2 store
written elsewhere would be found): each repository holds one OCI manifest, one tag, a config and small layers,
all of them blobs. Nothing is fsynced: the store is built for a benchmark and read back from the page cache."""
import hashlib
import json
import os
import random

LAYERS_PER_REPO = 4  # + a config and the manifest: 6 objects (blobs on disk) per repository
OBJECTS_PER_REPO = LAYERS_PER_REPO + 2
MANIFEST_TYPE = "application/vnd.oci.image.manifest.v1+json"
TAG = "v1"


def _v2(root):
    return os.path.join(root, "docker", "registry", "v2")


def _write(path, data):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(data)


def _blob(v2, data):
    digest = hashlib.sha256(data).hexdigest()
    _write(os.path.join(v2, "blobs", "sha256", digest[:2], digest, "data"), data)
    return "sha256:" + digest


def _link(path, digest):
    _write(os.path.join(path, "link"), digest.encode())


def build(root, objects, seed=12):
    """Writes about `objects` blobs (a multiple of OBJECTS_PER_REPO) and returns {"digests": [...], "repos":
    [...], "bytes": n}. Layers are 512 B - 4 KiB of random bytes, so every digest is distinct."""
    rng = random.Random(seed)
    v2 = _v2(root)
    digests, repos, total = [], [], 0
    for r in range(max(1, objects // OBJECTS_PER_REPO)):
        repo = f"scale/team{r // 100}/app{r}"
        repo_dir = os.path.join(v2, "repositories", *repo.split("/"))
        layers = []
        for _ in range(LAYERS_PER_REPO):
            data = rng.randbytes(rng.randint(512, 4096))
            layers.append((_blob(v2, data), len(data)))
        config = json.dumps({"architecture": "amd64", "os": "linux",
                             "rootfs": {"type": "layers", "diff_ids": [d for d, _ in layers]}}).encode()
        config_digest = _blob(v2, config)
        manifest = json.dumps({"schemaVersion": 2, "mediaType": MANIFEST_TYPE,
                               "config": {"mediaType": "application/vnd.oci.image.config.v1+json",
                                          "digest": config_digest, "size": len(config)},
                               "layers": [{"mediaType": "application/vnd.oci.image.layer.v1.tar+gzip",
                                           "digest": d, "size": s} for d, s in layers]},
                              separators=(",", ":")).encode()
        manifest_digest = _blob(v2, manifest)
        for d in [config_digest] + [d for d, _ in layers]:
            _link(os.path.join(repo_dir, "_layers", "sha256", d[7:]), d)
        _link(os.path.join(repo_dir, "_manifests", "revisions", "sha256", manifest_digest[7:]), manifest_digest)
        tag_dir = os.path.join(repo_dir, "_manifests", "tags", TAG)
        _link(os.path.join(tag_dir, "current"), manifest_digest)
        _link(os.path.join(tag_dir, "index", "sha256", manifest_digest[7:]), manifest_digest)
        digests += [d for d, _ in layers] + [config_digest, manifest_digest]
        total += sum(s for _, s in layers) + len(config) + len(manifest)
        repos.append(repo)
    return {"digests": digests, "repos": repos, "bytes": total}
