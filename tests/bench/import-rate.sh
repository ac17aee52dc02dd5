#!/usr/bin/env bash
# The import row (issue 14): `edgereg import` of an oc-mirror v2 archive against what an operator does without it,
# `tar -x` of the same archive plus `sha256sum` of its blobs, on the same disk, in one run. Import reads the medium
# once and writes each blob once; the pair reads the archive, writes every blob, then reads every blob again.
#
#   tests/bench/import-rate.sh --edgereg BINARY [--gib N] [--dir DIR]
#
#   --gib N    archive size in GiB, in 256 MiB blobs (default 1; the goal is measured on multi-GB archives)
#   --dir DIR  scratch directory on the disk to measure (default /var/tmp); removed afterwards
# Prints one markdown row: MiB/s of each and the ratio (import / tar+sha256sum; > 1 means import is faster).
set -euo pipefail

edgereg="" gib=1 base=/var/tmp
while [ $# -gt 0 ]; do
  case "$1" in
    --edgereg) edgereg="$2"; shift 2 ;;
    --gib) gib="$2"; shift 2 ;;
    --dir) base="$2"; shift 2 ;;
    *) echo "import-rate.sh: unknown argument '$1'" >&2; exit 2 ;;
  esac
done
[ -x "$edgereg" ] || { echo "import-rate.sh: --edgereg BINARY is required" >&2; exit 2; }
case "$gib" in ''|*[!0-9.]*) echo "import-rate.sh: --gib '$gib' is not a number" >&2; exit 2 ;; esac

scratch="$(mktemp -d "$base/edgereg-import-bench.XXXXXX")"
trap 'rm -rf "$scratch"' EXIT

# An oc-mirror v2 archive: Distribution's layout (random, incompressible 256 MiB layers, a config, a manifest, a tag).
python3 - "$scratch/src" "$gib" <<'PY'
import hashlib, json, os, sys
root, gib = sys.argv[1], float(sys.argv[2])
v2 = os.path.join(root, "docker/registry/v2")
def blob(data):
    digest = hashlib.sha256(data).hexdigest()
    path = os.path.join(v2, "blobs/sha256", digest[:2], digest, "data")
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f: f.write(data)
    return {"digest": "sha256:" + digest, "size": len(data)}
count = max(1, int(gib * 4))
layers = [dict(blob(os.urandom(256 << 20)), mediaType="application/vnd.oci.image.layer.v1.tar+gzip") for _ in range(count)]
config = dict(blob(json.dumps({"architecture": "amd64", "os": "linux"}).encode()), mediaType="application/vnd.oci.image.config.v1+json")
manifest = json.dumps({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json", "config": config, "layers": layers}).encode()
m = blob(manifest)["digest"]
repo = os.path.join(v2, "repositories/bench/release")
for rel in ("_manifests/revisions/sha256/%s/link" % m[7:], "_manifests/tags/1.0/current/link"):
    os.makedirs(os.path.dirname(os.path.join(repo, rel)), exist_ok=True)
    with open(os.path.join(repo, rel), "w") as f: f.write(m)
PY
tar -C "$scratch/src" -cf "$scratch/mirror_000001.tar" docker
rm -rf "$scratch/src"
bytes=$(stat -c %s "$scratch/mirror_000001.tar")
sync

now() { date +%s.%N; }
# The pair first, then import, each followed by sync so both pay for their writes reaching the disk.
t0=$(now)
mkdir "$scratch/x" && tar -C "$scratch/x" -xf "$scratch/mirror_000001.tar"
find "$scratch/x" -name data -type f -print0 | xargs -0 sha256sum >/dev/null
sync
t1=$(now)
rm -rf "$scratch/x"; sync
mkdir "$scratch/store"
t2=$(now)
"$edgereg" import --root "$scratch/store" --status-socket "$scratch/none.sock" --json "$scratch/mirror_000001.tar" >"$scratch/report.json"
sync
t3=$(now)
python3 - "$bytes" "$t0" "$t1" "$t2" "$t3" "$gib" <<'PY'
import sys
b, t0, t1, t2, t3, gib = int(sys.argv[1]), *map(float, sys.argv[2:6]), sys.argv[6]
pair, imp = b / (t1 - t0) / 2**20, b / (t3 - t2) / 2**20
print(f"| import of a {gib} GiB oc-mirror v2 archive | edgereg import {imp:.0f} MiB/s | tar -x + sha256sum {pair:.0f} MiB/s | {imp / pair:.2f}x |")
PY
