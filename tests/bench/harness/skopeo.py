"""skopeo push and pull timing, with each run's skopeo isolated from the machine's shared blob-info cache
(run as root it keeps one in /var/lib/containers/cache, which turns a push to a fresh repository into a
cross-repository mount)."""
import json
import os
import shutil
import subprocess
import time


def write_layout(img, directory, tag):
    """The benchmark image as an OCI layout (hard links to the generated blob files)."""
    blobs = os.path.join(directory, "blobs", "sha256")
    os.makedirs(blobs)
    for blob in list(img["layers"].values()) + [img["config"]]:
        os.link(blob["path"], os.path.join(blobs, blob["digest"].split(":")[1]))
    with open(os.path.join(blobs, img["manifest_digest"].split(":")[1]), "wb") as f:
        f.write(img["manifest"])
    with open(os.path.join(directory, "oci-layout"), "w") as f:
        json.dump({"imageLayoutVersion": "1.0.0"}, f)
    with open(os.path.join(directory, "index.json"), "w") as f:
        json.dump({"schemaVersion": 2, "manifests": [{
            "mediaType": "application/vnd.oci.image.manifest.v1+json", "digest": img["manifest_digest"],
            "size": len(img["manifest"]), "annotations": {"org.opencontainers.image.ref.name": tag}}]}, f)


class Skopeo:
    def __init__(self, work):
        self.work, self.runs = work, 0
        self.policy = os.path.join(work, "policy.json")
        with open(self.policy, "w") as f:
            f.write('{"default":[{"type":"insecureAcceptAnything"}]}')

    def copy_seconds(self, *args):
        """One `skopeo copy`, with its own fresh home and cache; returns seconds (raises on failure)."""
        self.runs += 1
        home = os.path.join(self.work, f"skopeo-home-{self.runs}")
        os.makedirs(home)
        env = dict(os.environ, _CONTAINERS_ROOTLESS_UID="65534", XDG_DATA_HOME=home, XDG_RUNTIME_DIR=home, HOME=home)
        t0 = time.perf_counter()
        proc = subprocess.run(["skopeo", "--policy", self.policy, "copy", "-q", *args], env=env,
                              capture_output=True, text=True, timeout=600)
        seconds = time.perf_counter() - t0
        shutil.rmtree(home, ignore_errors=True)
        if proc.returncode != 0:
            raise RuntimeError(f"skopeo copy {' '.join(args)} failed: {proc.stderr[-500:]}")
        return seconds
