"""The bounded soak of issue 16 (`run.sh --only-soak [--soak-seconds N]`): three edgereg members on 127.0.0.1/.2/.3
(peers.Cluster) under a mixed load for N seconds (soakload: pushes, pulls, tag moves, tag and manifest deletes on all
three), online garbage collections on a random member every GC_EVERY_S, and one member SIGKILLed and started again
every KILL_EVERY_S. When the load stops, every member is up; the soak waits (bounded) until the three stores show
the same tags and manifests, then checks that nothing is corrupt and that every acknowledged write holds everywhere.
Returns the markdown report; raises when a check fails or a real error was counted (after logging the report)."""
import json
import os
import random
import subprocess
import threading
import time

import peers
import soakload
import soakstore

WORKERS = 4
KILL_EVERY_S = (10, 25)
DOWN_S = (0.2, 3.0)
GC_EVERY_S = (8, 20)
GC_TIMEOUT_S = 120
CONVERGE_BOUND_S = 300
# Short enough that what the load untags is collected within the soak, long enough that a blob uploaded for a
# manifest still being pushed is never old enough to sweep (the lease covers that too; this is the second line).
GC_ARGS = ["--gc-grace", "20s", "--pull-retention", "0", "--gc-interval", "0"]


class Soak:
    def __init__(self, binary, work, seconds, log):
        self.seconds, self.log = seconds, log
        self.seed = int(time.time() * 1000) % 1_000_000
        self.random = random.Random(self.seed)
        self.cluster = peers.Cluster(binary, work)
        for node in self.cluster.nodes.values():
            node.argv += GC_ARGS
        self.members = soakload.Members(peers.NAMES, {n: (nd.host, nd.port) for n, nd in self.cluster.nodes.items()})
        self.tally = soakload.Tally()
        self.kills, self.gc_runs, self.gc_cut, self.gc_failures = [], [], 0, []
        self.stop = threading.Event()
        self.side_crashes = []
        self.stories = {}  # (repo, tag) of a failed check or a real error -> the requests behind it

    # --- the disturbances beside the load ------------------------------------------------------------------------
    def guarded(self, work, deadline):
        """A failure of the killer or the collector (a member that does not start again) ends the soak as a failure."""
        try:
            work(deadline)
        except Exception as e:
            self.side_crashes.append(f"{work.__name__}: {e}")
            self.stop.set()

    def killer(self, deadline):
        while not self.stop.wait(self.random.uniform(*KILL_EVERY_S)) and time.monotonic() < deadline:
            name = self.random.choice(peers.NAMES)
            self.members.set_down(name)
            self.cluster.nodes[name].kill()
            killed = time.monotonic()
            time.sleep(self.random.uniform(*DOWN_S))
            self.cluster.start(name)
            self.members.set_up(name)
            self.kills.append((name, killed, time.monotonic()))
            self.log(f"  soak: SIGKILLed {name}, up again {time.monotonic() - killed:.1f} s later")

    def collector(self, deadline):
        while not self.stop.wait(self.random.uniform(*GC_EVERY_S)) and time.monotonic() < deadline:
            name = self.random.choice(peers.NAMES)
            snap = self.members.snapshot(name)
            if not snap[0]:
                continue
            node = self.cluster.nodes[name]
            argv = [node.argv[0], "gc", "--json", "--root", self.cluster.roots[name],
                    "--status-socket", node.argv[node.argv.index("--status-socket") + 1],
                    "--config", node.argv[node.argv.index("--config") + 1]]
            began = time.monotonic()
            try:
                proc = subprocess.run(argv, capture_output=True, text=True, timeout=GC_TIMEOUT_S)
            except subprocess.TimeoutExpired:
                self.gc_failures.append(f"`edgereg gc` on {name} ran past {GC_TIMEOUT_S} s")
                continue
            if proc.returncode == 0:
                report = json.loads(proc.stdout)
                self.gc_runs.append((name, report.get("manifestsDeleted", 0), report.get("tagsDeleted", 0),
                                     report.get("blobsDeleted", 0), report.get("deferred", 0), began))
            elif self.members.cause_of_cut(name, snap) == soakload.KILLED:
                self.gc_cut += 1
            else:
                self.gc_failures.append(f"`edgereg gc` on {name} exited {proc.returncode}: {(proc.stderr or proc.stdout)[-300:]}")

    # --- the run -------------------------------------------------------------------------------------------------
    def run(self):
        for name in peers.NAMES:
            self.cluster.start(name)
        load_avg = open("/proc/loadavg").read().split()[:3]
        started = self.started = time.monotonic()
        deadline = started + self.seconds
        self.log(f"soak: seed {self.seed}, {self.seconds} s of load on {WORKERS} workers, load average {' '.join(load_avg)}")
        workers = [soakload.Worker(i, self.members, self.tally, self.seed * 31 + i, deadline) for i in range(WORKERS)]
        side = [threading.Thread(target=self.guarded, args=(f, deadline), daemon=True) for f in (self.killer, self.collector)]
        for t in workers + side:
            t.start()
        for t in workers:
            t.join(self.seconds + 60)
        self.stop.set()
        for t in side:
            t.join(GC_TIMEOUT_S + 60)
        load_end = time.monotonic()
        crashed = ([w.crash for w in workers if w.crash] + self.side_crashes
                   + [f"{t.name} still running" for t in workers + side if t.is_alive()])
        if crashed:
            raise RuntimeError(f"soak harness failed: {crashed}")
        converged_after = self.await_identical()
        problems, counts = self.check(workers)
        text = self.render(started, load_end, converged_after, problems, counts, load_avg)
        self.log(text)
        if problems or self.tally.real_errors() or self.gc_failures:
            raise RuntimeError("soak: real errors or failed checks, see the report above")
        return text

    def await_identical(self):
        """Seconds from the end of the load until the three stores show the same tags and manifest revisions."""
        since = time.monotonic()
        while time.monotonic() < since + CONVERGE_BOUND_S:
            views = [soakstore.inventory(self.cluster.roots[n]) for n in peers.NAMES]
            if all(v == views[0] for v in views[1:]):
                return time.monotonic() - since
            time.sleep(0.2)
        raise RuntimeError(f"the three inventories still differ {CONVERGE_BOUND_S} s after the load stopped; "
                           f"see {', '.join(n.log_path for n in self.cluster.nodes.values())}")

    def check(self, workers):
        problems, counts = [], {"blobs hashed": 0, "tags checked": 0, "deleted tags absent": 0, "uncertain tags": 0}
        for name in peers.NAMES:
            root = self.cluster.roots[name]
            tags, revisions = soakstore.inventory(root)
            hashed, corrupt = soakstore.corrupt_blobs(root)
            counts["blobs hashed"] += hashed
            problems += [f"{name}: {p}" for p in corrupt + soakstore.unresolved(root, tags, revisions)]
            for w in workers:
                for (repo, tag), state in w.tags.items():
                    if not state["certain"]:
                        continue
                    if state["digest"] is None:
                        if (repo, tag) in tags:
                            problems.append(f"{name}: deleted tag {repo}:{tag} is back ({tags[(repo, tag)]})")
                    elif tags.get((repo, tag)) != state["digest"]:
                        why = (" (lost to a DELETE by digest of an image it had named, sent after its move to a member "
                               "that may not have applied the move)" if w.lost_to_stale_delete(repo, tag) else "")
                        problems.append(f"{name}: {repo}:{tag} is {tags.get((repo, tag))}, acknowledged {state['digest']}{why}")
                        self.stories[(repo, tag)] = w.story(repo, tag, self.started)
        for w in workers:  # what each member was checked against, counted once
            for state in w.tags.values():
                key = ("uncertain tags" if not state["certain"] else
                       "deleted tags absent" if state["digest"] is None else "tags checked")
                counts[key] += 1
            for repo, tag in sorted(w.suspects):
                self.stories.setdefault((repo, tag), w.story(repo, tag, self.started))
        counts["revisions"] = len(soakstore.inventory(self.cluster.roots["A"])[1])
        counts["tags"] = len(soakstore.inventory(self.cluster.roots["A"])[0])
        return problems, counts

    def render(self, started, load_end, converged_after, problems, counts, load_avg):
        t = self.tally
        last = self.kills[-1] if self.kills else None
        after_kill = f"{load_end + converged_after - last[2]:.1f} s after {last[0]}'s restart" if last else "no kill"
        lines = [
            f"Soak: {self.seconds} s of load (seed {self.seed}), {WORKERS} workers on three members; load average at "
            f"start {' '.join(load_avg)}, at the end {' '.join(open('/proc/loadavg').read().split()[:3])}.", "",
            "| figure | value |", "|---|---|",
            f"| requests answered | {sum(t.requests.values()):,} ({', '.join(f'{k} {v:,}' for k, v in sorted(t.requests.items()))}) |",
            f"| operations completed | {', '.join(f'{k} {v:,}' for k, v in sorted(t.operations.items()))} |",
            f"| SIGKILLs | {len(self.kills)} ({', '.join(f'{n} down {up - k:.1f} s' for n, k, up in self.kills)}) |",
            f"| online GC runs | {len(self.gc_runs)} completed (manifests/tags/blobs deleted "
            f"{sum(r[1] for r in self.gc_runs)}/{sum(r[2] for r in self.gc_runs)}/{sum(r[3] for r in self.gc_runs)}, "
            f"deferred {sum(r[4] for r in self.gc_runs)}), {self.gc_cut} cut by a kill, {len(self.gc_failures)} failed |",
            f"| inventories identical | {converged_after:.1f} s after the load stopped, {after_kill} |",
            f"| end state | {counts['tags']} tags, {counts['revisions']} manifest revisions per member |",
            f"| end checks (on each of the three) | {counts['blobs hashed']:,} blob files hashed in all, {counts['tags checked']} "
            f"acknowledged tags at their digest, {counts['deleted tags absent']} deleted tags absent, {counts['uncertain tags']} "
            f"uncertain (write cut) only compared: {len(problems)} problems |",
        ]
        lines += ["", "Failed requests by cause (expected ones first):", ""]
        for cause in soakload.EXPECTED + tuple(sorted(t.real_errors())):
            if t.causes.get(cause):
                lines.append(f"- {cause}: {t.causes[cause]:,}" + ("" if cause in soakload.EXPECTED else
                             " — REAL ERROR, e.g. " + "; ".join(t.examples[cause])))
        if not t.real_errors():
            lines.append("- real errors: none")
        lines += [f"- GC failure: {f}" for f in self.gc_failures] + [f"- CHECK FAILED: {p}" for p in problems[:20]]
        for (repo, tag), story in list(self.stories.items())[:8]:
            lines += ["", f"Requests behind {repo}:{tag} (seconds since the load began; A B C = 127.0.0.1/.2/.3):", "```"]
            lines += story + ["```"]
        if self.kills:
            lines += ["", "Kills (seconds since the load began): " + ", ".join(
                f"{n} {k - self.started:.1f}-{up - self.started:.1f}" for n, k, up in self.kills)]
        if self.gc_runs:
            lines += ["", "Collections (seconds since the load began: member, manifests deleted): " + ", ".join(
                f"{r[5] - self.started:.1f} {r[0]} {r[1]}" for r in self.gc_runs)]
        return "\n".join(lines) + "\n"


def run(binary, work, seconds, log):
    soak = Soak(binary, os.path.join(work, "soak"), seconds, log)
    try:
        return soak.run()
    finally:
        for node in soak.cluster.nodes.values():
            node.stop()
