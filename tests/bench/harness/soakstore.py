"""What the soak reads from each member's store on disk (Distribution's layout, see StorePaths.cs): its inventory
(tags and manifest revisions) and the corruption checks run at the end — every blob file hashes to its digest, every
manifest revision's config and layers are on the node, every tag names a revision of its repository."""
import hashlib
import json
import os

V2 = ("docker", "registry", "v2")


def _read(path):
    with open(path, "rb") as f:
        return f.read()


def _link(path):
    try:
        return _read(path).decode().strip()
    except (OSError, UnicodeDecodeError):
        return None


def blob_path(root, digest):
    algorithm, hexd = digest.split(":", 1)
    return os.path.join(root, *V2, "blobs", algorithm, hexd[:2], hexd, "data")


def _repositories(root):
    """(name, directory) of every repository: a directory holding _manifests."""
    base = os.path.join(root, *V2, "repositories")
    for directory, subdirs, _ in os.walk(base):
        if "_manifests" in subdirs:
            yield os.path.relpath(directory, base), directory
            subdirs[:] = [d for d in subdirs if not d.startswith("_")]


def inventory(root):
    """(tags, revisions): {(repo, tag): digest} and {(repo, digest)} as the store shows them. Files that vanish while
    being read (a node still applying changes) are skipped; the caller compares again."""
    tags, revisions = {}, set()
    for repo, directory in _repositories(root):
        tag_dir = os.path.join(directory, "_manifests", "tags")
        for tag in os.listdir(tag_dir) if os.path.isdir(tag_dir) else []:
            digest = _link(os.path.join(tag_dir, tag, "current", "link"))
            if digest:
                tags[(repo, tag)] = digest
        rev_dir = os.path.join(directory, "_manifests", "revisions", "sha256")
        for hexd in os.listdir(rev_dir) if os.path.isdir(rev_dir) else []:
            if os.path.exists(os.path.join(rev_dir, hexd, "link")):
                revisions.add((repo, f"sha256:{hexd}"))
    return tags, revisions


def corrupt_blobs(root):
    """(blobs hashed, problems): every blob data file must hash to the digest its directory names."""
    base = os.path.join(root, *V2, "blobs", "sha256")
    checked, problems = 0, []
    for prefix in os.listdir(base) if os.path.isdir(base) else []:
        for hexd in os.listdir(os.path.join(base, prefix)):
            data = os.path.join(base, prefix, hexd, "data")
            if not os.path.exists(data):
                continue
            h = hashlib.sha256()
            with open(data, "rb") as f:
                for chunk in iter(lambda: f.read(1 << 20), b""):
                    h.update(chunk)
            checked += 1
            if h.hexdigest() != hexd:
                problems.append(f"{data} hashes to sha256:{h.hexdigest()}")
    return checked, problems


def unresolved(root, tags, revisions):
    """Problems with references: a tag naming no revision of its repository, a revision whose manifest or whose
    config or layer blob is not on this node."""
    problems = []
    for (repo, tag), digest in tags.items():
        if (repo, digest) not in revisions:
            problems.append(f"tag {repo}:{tag} names {digest}, which is no revision of {repo}")
    for repo, digest in revisions:
        path = blob_path(root, digest)
        if not os.path.exists(path):
            problems.append(f"revision {repo}@{digest} has no manifest blob")
            continue
        try:
            manifest = json.loads(_read(path))
        except ValueError as e:
            problems.append(f"revision {repo}@{digest} is not JSON: {e}")
            continue
        descriptors = [manifest.get("config")] + list(manifest.get("layers") or []) + list(manifest.get("manifests") or [])
        for d in filter(None, descriptors):
            if not os.path.exists(blob_path(root, d["digest"])):
                problems.append(f"{repo}@{digest} references {d['digest']}, missing on this node")
    return problems
