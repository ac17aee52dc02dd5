"""The soak's mixed load: one worker thread per slice of repositories pushes, pulls, moves tags, deletes tags and
deletes untagged manifests, each request to a member chosen at random (a killed one included). A worker owns its
repositories, so its own record of what it did is the truth the end checks compare against: a tag's last
acknowledged write (a digest, or deleted), unless the request of that write was cut — then the tag is "uncertain" and
only has to be the same on every member.

Every failed request is put in one cause: a member that was down or killed during the request (expected: counted
apart), a member other than the one the last write went to that has not applied it yet (expected, replication lag),
or a real error (anything else: a wrong answer, a 5xx, bytes that do not match their digest)."""
import collections
import hashlib
import http.client
import json
import os
import random
import threading
import time

MANIFEST_TYPE = "application/vnd.oci.image.manifest.v1+json"
REQUEST_TIMEOUT_S = 15
# Blob sizes: small enough that a minute of load stays a few hundred MiB on three stores, varied so uploads and
# pulls are not all one size. Each repository also has a base layer its images share (dedup and GC's reference
# counting: deleting one image must not take the others' base).
LAYER_BYTES = (2 << 10, 48 << 10)
OPERATIONS = (("push", 30), ("pull", 35), ("move", 15), ("untag", 12), ("delete", 8))

KILLED = "refused or cut: member down or killed during the request"
PEER_KILLED = "cut by a live member while a peer was killed (a read-through losing its source)"
LAG = "not there yet on a member a write it needs did not go to (replication lag, or its source down)"
EXPECTED = (KILLED, PEER_KILLED, LAG)


class Members:
    """Which members are up, and a kill epoch per member, so a failed request can tell a kill from a fault."""

    def __init__(self, names, bases):
        self.names, self.bases = list(names), dict(bases)
        self.lock = threading.Lock()
        self.up = {n: True for n in names}
        self.epoch = {n: 0 for n in names}

    def snapshot(self, name):
        """(up, this member's kill epoch, every member's kills) when a request starts."""
        with self.lock:
            return self.up[name], self.epoch[name], sum(self.epoch.values())

    def cause_of_cut(self, name, snap):
        up, epoch, kills = self.snapshot(name)
        if not snap[0] or not up or epoch != snap[1]:
            return KILLED
        return PEER_KILLED if kills != snap[2] else "request cut by a live member"

    def set_down(self, name):
        with self.lock:
            self.up[name] = False
            self.epoch[name] += 1

    def set_up(self, name):
        with self.lock:
            self.up[name] = True


class Tally:
    """Requests served and failures by cause, shared by the workers."""

    def __init__(self):
        self.lock = threading.Lock()
        self.requests = collections.Counter()   # answered requests by operation
        self.operations = collections.Counter()  # completed operations by kind
        self.causes = collections.Counter()
        self.examples = collections.defaultdict(list)

    def served(self, op):
        with self.lock:
            self.requests[op] += 1

    def done(self, op):
        with self.lock:
            self.operations[op] += 1

    def failed(self, cause, example):
        with self.lock:
            self.causes[cause] += 1
            if len(self.examples[cause]) < 3:
                self.examples[cause].append(example)

    def real_errors(self):
        return {c: n for c, n in self.causes.items() if c not in EXPECTED}


class Cut(Exception):
    """The request did not get an answer (refused, reset, timed out)."""


class Worker(threading.Thread):
    def __init__(self, index, members, tally, seed, deadline):
        super().__init__(name=f"soak-worker-{index}", daemon=True)
        self.index, self.members, self.tally, self.deadline = index, members, tally, deadline
        self.random = random.Random(seed)
        self.repos = [f"soak/w{index}-r{r}" for r in range(2)]
        self.bases = {repo: os.urandom(4 << 10) for repo in self.repos}
        self.images = {}       # digest -> {"repo", "manifest", "blobs": {digest: bytes}}
        self.tags = {}         # (repo, tag) -> {"digest", "member", "certain"}; digest None = deleted
        self.deleted_images = set()
        self.fresh = 0
        self.crash = None
        self.snap = None  # the member's state when the current operation began
        self.history = []  # (seconds, member, method, path, status or "cut"): what a failed check is explained by
        self.named = collections.defaultdict(set)  # (repo, tag) -> every digest it was pointed at
        self.suspects = set()  # (repo, tag) of the real errors

    # --- one request -------------------------------------------------------------------------------------------
    def request(self, member, op, method, path, body=None, headers=None):
        host, port = self.members.bases[member]
        conn = http.client.HTTPConnection(host, port, timeout=REQUEST_TIMEOUT_S)
        try:
            conn.request(method, path, body=body, headers=headers or {})
            resp = conn.getresponse()
            data = resp.read()
        except (OSError, http.client.HTTPException) as e:
            self.history.append((time.monotonic(), member, method, path, "cut"))
            raise Cut(f"{method} {path} on {member}: {type(e).__name__}: {e}") from e
        finally:
            conn.close()
        self.history.append((time.monotonic(), member, method, path, resp.status))
        self.tally.served(op)
        return resp.status, {k.lower(): v for k, v in resp.getheaders()}, data

    # --- the operations ----------------------------------------------------------------------------------------
    def push(self, member):
        repo = self.random.choice(self.repos)
        layers = [self.bases[repo]] + [os.urandom(self.random.randint(*LAYER_BYTES)) for _ in range(self.random.randint(1, 2))]
        config = json.dumps({"architecture": "amd64", "os": "linux", "soak": [self.index, self.fresh],
                             "rootfs": {"type": "layers", "diff_ids": []}}).encode()
        blobs = {_digest(b): b for b in layers + [config]}
        for digest, data in blobs.items():
            status, _, body = self.request(member, "push", "POST", f"/v2/{repo}/blobs/uploads/?digest={digest}", data,
                                           {"Content-Type": "application/octet-stream"})
            if status != 201:
                return self.fail_answer(member, (), status, f"blob POST {repo} answered {status}: {body[:160]!r}")
        manifest = json.dumps({
            "schemaVersion": 2, "mediaType": MANIFEST_TYPE,
            "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "digest": _digest(config), "size": len(config)},
            "layers": [{"mediaType": "application/vnd.oci.image.layer.v1.tar", "digest": _digest(b), "size": len(b)} for b in layers],
        }, separators=(",", ":")).encode()
        tag = f"t{self.fresh}"
        self.fresh += 1
        digest = _digest(manifest)
        self.images[digest] = {"repo": repo, "manifest": manifest, "blobs": blobs, "member": member}
        before = self.pending(repo, tag, digest, member)
        status, headers, body = self.request(member, "push", "PUT", f"/v2/{repo}/manifests/{tag}", manifest,
                                             {"Content-Type": MANIFEST_TYPE})
        if not self.settle(repo, tag, status == 201 and headers.get("docker-content-digest") == digest, before):
            return self.fail_answer(member, (), status, f"manifest PUT {repo}:{tag} answered {status}: {body[:160]!r}", (repo, tag))
        return True

    def pull(self, member):
        repo, tag, state = self.pick_live_tag()
        if repo is None:
            return self.push(member)
        status, headers, body = self.request(member, "pull", "GET", f"/v2/{repo}/manifests/{tag}", None,
                                             {"Accept": MANIFEST_TYPE})
        if status != 200 or _digest(body) != state["digest"]:
            got = _digest(body) if status == 200 else status
            return self.fail_answer(member, self.origins(state), status if status != 200 else "200 with another digest",
                                    f"GET {repo}:{tag} answered {got}, expected {state['digest']}", (repo, tag))
        if headers.get("docker-content-digest") != state["digest"]:
            self.tally.failed("wrong Docker-Content-Digest", f"{repo}:{tag} on {member}")
            return False
        for digest in self.images[state["digest"]]["blobs"]:
            status, _, data = self.request(member, "pull", "GET", f"/v2/{repo}/blobs/{digest}")
            if status != 200:
                return self.fail_answer(member, self.origins(state), status, f"GET blob {digest} of {repo}:{tag} answered {status}",
                                        (repo, tag))
            if _digest(data) != digest:
                self.tally.failed("blob bytes do not match their digest", f"{repo}:{tag} {digest} on {member}")
                return False
        return True

    def move(self, member):
        """Points a live tag at another image of its repository that is tagged too (never at garbage GC may take)."""
        repo, tag, state = self.pick_live_tag()
        targets = sorted(self.live_digests(repo) - {state["digest"]}) if repo else []
        if not targets:
            return self.push(member)
        digest = self.random.choice(targets)
        before = self.pending(repo, tag, digest, member)
        status, _, body = self.request(member, "move", "PUT", f"/v2/{repo}/manifests/{tag}", self.images[digest]["manifest"],
                                       {"Content-Type": MANIFEST_TYPE})
        if not self.settle(repo, tag, status == 201, before):
            return self.fail_answer(member, (self.images[digest]["member"],), status,
                                    f"moving {repo}:{tag} to {digest} answered {status}: {body[:160]!r}", (repo, tag))
        return True

    def untag(self, member):
        repo, tag, state = self.pick_live_tag()
        if repo is None:
            return self.push(member)
        before = self.pending(repo, tag, None, member)
        status, _, body = self.request(member, "untag", "DELETE", f"/v2/{repo}/manifests/{tag}")
        if not self.settle(repo, tag, status == 202, before):
            return self.fail_answer(member, (before["member"],), status, f"DELETE tag {repo}:{tag} answered {status}: {body[:160]!r}",
                                    (repo, tag))
        return True

    def delete(self, member):
        """Deletes an image by digest that no tag (certain or not) names any more: garbage the collector may also take,
        so a 404 is no error."""
        named = {s["digest"] for s in self.tags.values()}
        garbage = sorted(d for d in self.images if d not in named and d not in self.deleted_images)
        if not garbage:
            return self.untag(member)
        digest = self.random.choice(garbage)
        repo = self.images[digest]["repo"]
        status, _, body = self.request(member, "delete", "DELETE", f"/v2/{repo}/manifests/{digest}")
        if status in (202, 404):
            self.deleted_images.add(digest)
            return True
        return self.fail_answer(member, (), status, f"DELETE {repo}@{digest} answered {status}: {body[:160]!r}")

    # --- bookkeeping -------------------------------------------------------------------------------------------
    def pending(self, repo, tag, digest, member):
        """Records a tag write about to be sent (digest None: a delete), uncertain until answered — a request cut by a
        kill leaves it so. Returns what the tag was before (None for a fresh one)."""
        before = self.tags.get((repo, tag))
        self.tags[(repo, tag)] = {"digest": digest, "member": member, "certain": False}
        if digest:
            self.named[(repo, tag)].add(digest)
        return before

    def settle(self, repo, tag, acknowledged, before):
        """The write was answered: acknowledged makes it certain, a refusal puts back what was (nothing, for a fresh tag)."""
        if acknowledged:
            self.tags[(repo, tag)]["certain"] = True
        elif before is None:
            del self.tags[(repo, tag)]
        else:
            self.tags[(repo, tag)] = before
        return acknowledged

    def story(self, repo, tag, since):
        """The manifest requests of this tag and the deletes by digest of the images it named, as text lines."""
        paths = {f"/v2/{repo}/manifests/{tag}"} | {f"/v2/{repo}/manifests/{d}" for d in self.named[(repo, tag)]}
        return [f"{t - since:8.3f} s {m} {method} {path} -> {status}" for t, m, method, path, status in self.history
                if path in paths]

    def lost_to_stale_delete(self, repo, tag):
        """True when, after the tag's last write on one member, a delete by digest of an image it had named went to
        another member (which may not have applied the write yet: the delete takes the tags that member knew)."""
        state = self.tags[(repo, tag)]
        writes = [t for t, m, method, path, status in self.history
                  if method == "PUT" and path == f"/v2/{repo}/manifests/{tag}" and status == 201]
        earlier = {f"/v2/{repo}/manifests/{d}" for d in self.named[(repo, tag)] - {state["digest"]}}
        return any(method == "DELETE" and path in earlier and status == 202 and m != state["member"] and t > writes[-1]
                   for t, m, method, path, status in self.history) if writes else False

    def pick_live_tag(self):
        live = sorted(k for k, s in self.tags.items() if s["certain"] and s["digest"])
        if not live:
            return None, None, None
        repo, tag = self.random.choice(live)
        return repo, tag, self.tags[(repo, tag)]

    def live_digests(self, repo):
        return {s["digest"] for (r, _), s in self.tags.items() if r == repo and s["certain"] and s["digest"]}

    def origins(self, state):
        """Where the writes a pull of this tag needs went: the tag's last write and its image's push."""
        return state["member"], self.images[state["digest"]]["member"]

    def fail_answer(self, member, origins, status, example, tag=None):
        """An answer that is not the expected one: replication lag when a write it needs went to another member (whose
        copy may still be on its way, or only there while it is down); a real error when every one went to this one."""
        if self.members.cause_of_cut(member, self.snap) == KILLED:
            cause = KILLED  # answered while starting up again, or by a process killed right after
        else:
            cause = LAG if any(o != member for o in origins) else f"unexpected answer {status}"
        self.tally.failed(cause, example)
        if tag and cause not in EXPECTED:
            self.suspects.add(tag)  # its requests go into the report
        return False

    def run(self):
        names = [n for n, _ in OPERATIONS]
        weights = [w for _, w in OPERATIONS]
        try:
            while time.monotonic() < self.deadline:
                op = self.random.choices(names, weights)[0]
                member = self.random.choice(self.members.names)
                snap = self.snap = self.members.snapshot(member)
                try:
                    if getattr(self, op)(member):
                        self.tally.done(op)
                except Cut as cut:
                    self.tally.failed(self.members.cause_of_cut(member, snap), str(cut))
                    if not snap[0]:
                        time.sleep(0.05)  # a member known down: do not spin on refusals
        except Exception as e:  # a harness bug must fail the soak, not vanish with its thread
            self.crash = e
            raise


def _digest(data):
    return "sha256:" + hashlib.sha256(data).hexdigest()
