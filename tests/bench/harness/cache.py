"""The pull-through cache rows of issue 15, edgereg only, each against its own goal measured in the same run:

- first pull through the cache: `skopeo copy` of the benchmark image from a cold edgereg whose mirror set maps
  cache/app to the upstream (Distribution on loopback), against the same copy straight from that upstream, runs
  interleaved, fresh store and fresh skopeo cache each time (goal: ≥ 0.9× the direct pull's rate);
- uplink bytes per cold three-node pull: three members on 127.0.0.1/.2/.3 pulling the image at once, cold; the bytes
  the upstream sent (its access log: every response's size) divided by the image's size (goal: 1.0×)."""
import os
import re
import sys
import shutil
import threading
import time

import image
import peers
import procstats
import report
import servers
import skopeo

RUNS = 3
LOCAL_REPO = "cache/app"


def _log(msg):
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", flush=True, file=sys.stderr)


def _upstream(root, work):
    """Distribution with its access log on (the bytes it sent are counted from it)."""
    port = servers.free_port()
    config = os.path.join(work, "upstream.yml")
    with open(config, "w") as f:
        f.write(f"""version: 0.1
log:
  level: info
  accesslog:
    disabled: false
storage:
  filesystem:
    rootdirectory: {root}
  delete:
    enabled: true
  cache:
    blobdescriptor: inmemory
http:
  addr: 127.0.0.1:{port}
""")
    return servers.Server("upstream", ["/usr/bin/docker-registry", "serve", config], port, os.path.join(work, "upstream.log"))


def _mirror_set(work, upstream_host, repo):
    path = os.path.join(work, "mirror-set.yaml")
    with open(path, "w") as f:
        f.write(f"""apiVersion: config.openshift.io/v1
kind: ImageDigestMirrorSet
metadata:
  name: bench-cache
spec:
  imageDigestMirrors:
  - source: {upstream_host}/{repo}
    mirrors:
    - localhost:5000/{LOCAL_REPO}
""")
    return path


def _cache_args(work, upstream_host, repo):
    return ["--mirror-set", _mirror_set(work, upstream_host, repo), "--upstream-plain-http", upstream_host,
            "--upstream-auth-file", os.path.join(work, "no-pull-secret.json")]


SENT = re.compile(r'"(?:GET|HEAD) [^"]* HTTP/1\.1" (\d{3}) (\d+)')


def sent_bytes(log_path):
    """Bytes of every response body the upstream's access log records."""
    with open(log_path, errors="replace") as f:
        return sum(int(m.group(2)) for m in SENT.finditer(f.read()))


def _image_bytes(img):
    return sum(b["size"] for b in img["layers"].values()) + img["config"]["size"] + len(img["manifest"])


def first_pull(binary, work, img, upstream, repo, tag, sk):
    """(direct seconds, through-the-cache seconds, the cache node's CPU s/GB) lists, interleaved, each cache run on a
    fresh store. The CPU is the node's whole life (start included) per GB of the image it fetched and served."""
    direct, cached, cpus = [], [], []
    for run in range(RUNS):
        out = os.path.join(work, f"direct-{run}")
        direct.append(sk.copy_seconds("--src-tls-verify=false", f"docker://127.0.0.1:{upstream.port}/{repo}:{tag}", f"oci:{out}:{tag}"))
        shutil.rmtree(out, ignore_errors=True)
        root = os.path.join(work, f"cache-root-{run}")
        srv = servers.edgereg(binary, root, work)
        srv.argv += _cache_args(work, f"127.0.0.1:{upstream.port}", repo)
        srv.start()
        try:
            out = os.path.join(work, f"cached-{run}")
            cached.append(sk.copy_seconds("--src-tls-verify=false", f"docker://127.0.0.1:{srv.port}/{LOCAL_REPO}:{tag}", f"oci:{out}:{tag}"))
            cpus.append(procstats.cpu_seconds(srv.pid) / (_image_bytes(img) / 1e9))
            shutil.rmtree(out, ignore_errors=True)
        finally:
            srv.stop()
            shutil.rmtree(root, ignore_errors=True)
        _log(f"  first pull run {run + 1}: direct {direct[-1]:.2f}s, through the cache {cached[-1]:.2f}s, "
             f"the cache node's CPU {cpus[-1]:.2f} s/GB")
    return direct, cached, cpus


def cold_cluster_pull(binary, work, img, upstream, repo, tag, sk):
    """Seconds for three members pulling the image at once, cold, and the bytes the upstream sent meanwhile."""
    cluster = peers.Cluster(binary, work)
    for node in cluster.nodes.values():
        node.argv += _cache_args(work, f"127.0.0.1:{upstream.port}", repo)
    for name in peers.NAMES:
        cluster.start(name)
    try:
        for name in peers.NAMES:
            for peer in peers.NAMES:
                if peer != name:
                    cluster.wait_sees_up(name, peer)
        before = sent_bytes(upstream.log_path)
        errors, seconds = [], {}

        def pull(name):
            node = cluster.nodes[name]
            out = os.path.join(work, f"cluster-pull-{name}")
            try:
                seconds[name] = sk.copy_seconds("--src-tls-verify=false", f"docker://{node.host}:{node.port}/{LOCAL_REPO}:{tag}", f"oci:{out}:{tag}")
            except Exception as e:  # reported with the row
                errors.append(f"{name}: {e}")
            finally:
                shutil.rmtree(out, ignore_errors=True)

        threads = [threading.Thread(target=pull, args=(n,)) for n in peers.NAMES]
        t0 = time.perf_counter()
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=600)
        wall = time.perf_counter() - t0
        time.sleep(1)  # the access log line is written when the response ends
        return wall, sent_bytes(upstream.log_path) - before, errors
    finally:
        for name in peers.NAMES:
            cluster.stop(name)


def run(binary, work, img, repo, tag):
    work = os.path.join(work, "cache")
    os.makedirs(work)
    upstream = _upstream(os.path.join(work, "upstream-root"), work)
    upstream.start()
    try:
        image.push(upstream.base, repo, tag, img)
        sk = skopeo.Skopeo(work)
        direct, cached, cpus = first_pull(binary, work, img, upstream, repo, tag, sk)
        wall, sent, errors = cold_cluster_pull(binary, work, img, upstream, repo, tag, sk)
        return {"direct": direct, "cached": cached, "cluster_wall": wall, "cluster_sent": sent, "errors": errors,
                "size": _image_bytes(img), "cache_cpu": cpus}
    finally:
        upstream.stop()


def add_rows(table, notes, f):
    mb = f["size"] / 1e6
    direct, cached = report.median(f["direct"]), report.median(f["cached"])
    ratio = direct / cached
    table.add(f"first pull through the cache (cold) vs direct from the upstream ({mb:.0f} MB), MB/s, median of {RUNS}; "
              f"goal ≥ 0.9×: {ratio:.2f}× ({'met' if ratio >= 0.9 else 'not met'})",
              {"edgereg": mb / cached, "distribution": mb / direct},
              detail={"edgereg": f"the cache node's CPU {report.median(f['cache_cpu']):.2f} s/GB"})
    per_pull = f["cluster_sent"] / f["size"]
    table.add(f"uplink bytes per cold three-node pull ÷ image size (upstream's access log; goal 1.0×: "
              f"{'met' if abs(per_pull - 1.0) < 0.01 else 'not met'}), pulls took {f['cluster_wall']:.1f} s",
              {"edgereg": per_pull}, digits=3, ratios=False)
    for e in f["errors"]:
        notes.append(f"cold three-node pull through the cache: {e}")
