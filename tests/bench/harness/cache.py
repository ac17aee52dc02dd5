"""The pull-through cache rows of issue 15, edgereg only, each against its own goal measured in the same run:

- first pull through the cache: `skopeo copy` of the benchmark image from a cold edgereg whose mirror set maps
  cache/app to the upstream, against the same copy straight from that upstream, runs interleaved, fresh store and
  fresh skopeo cache each time (goal: ≥ 0.9× the direct pull's rate); twice: with Distribution on loopback (the
  "uplink" as fast as the CPU, so the cache's hashing and durable writes compete with the upstream and skopeo for
  the cores), and with the same Distribution behind a shaped uplink (uplink.py: its own network namespace, a veth
  through `tc tbf`, 200 Mbit/s unless --uplink-rate says otherwise), which the direct and the cached pull both cross;
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
import uplink

RUNS = 3
LOCAL_REPO = "cache/app"


def _log(msg):
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", flush=True, file=sys.stderr)


def _upstream(root, work, name="upstream", host="127.0.0.1", launch_prefix=()):
    """Distribution with its access log on (the bytes it sent are counted from it), on loopback or, with a launch
    prefix, in the shaped uplink's namespace."""
    port = servers.free_port()
    config = os.path.join(work, f"{name}.yml")
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
  addr: {host}:{port}
""")
    return servers.Server(name, [*launch_prefix, "/usr/bin/docker-registry", "serve", config], port, os.path.join(work, f"{name}.log"),
                          host=host)


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


def first_pull(binary, work, img, upstream, repo, tag, sk, label):
    """(direct seconds, through-the-cache seconds, the cache node's CPU s/GB) lists, interleaved, each cache run on a
    fresh store. The CPU is the node's whole life (start included) per GB of the image it fetched and served."""
    direct, cached, cpu = [], [], []
    upstream_host = f"{upstream.host}:{upstream.port}"
    for run in range(RUNS):
        out = os.path.join(work, f"direct-{run}")
        direct.append(sk.copy_seconds("--src-tls-verify=false", f"docker://{upstream_host}/{repo}:{tag}", f"oci:{out}:{tag}"))
        shutil.rmtree(out, ignore_errors=True)
        root = os.path.join(work, f"cache-root-{run}")
        srv = servers.edgereg(binary, root, work)
        srv.argv += _cache_args(work, upstream_host, repo)
        srv.start()
        try:
            out = os.path.join(work, f"cached-{run}")
            cached.append(sk.copy_seconds("--src-tls-verify=false", f"docker://127.0.0.1:{srv.port}/{LOCAL_REPO}:{tag}", f"oci:{out}:{tag}"))
            cpu.append(procstats.cpu_seconds(srv.pid) / (_image_bytes(img) / 1e9))
            shutil.rmtree(out, ignore_errors=True)
        finally:
            srv.stop()
            shutil.rmtree(root, ignore_errors=True)
        _log(f"  first pull ({label}) run {run + 1}: direct {direct[-1]:.2f}s, through the cache {cached[-1]:.2f}s "
             f"(the cache node's CPU {cpu[-1]:.2f} s/GB); load {os.getloadavg()[0]:.2f}")
    return direct, cached, cpu


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


def run(binary, work, img, repo, tag, uplink_rate):
    work = os.path.join(work, "cache")
    os.makedirs(work)
    upstream_root = os.path.join(work, "upstream-root")
    upstream = _upstream(upstream_root, work)
    upstream.start()
    sk = skopeo.Skopeo(work)
    f = {"size": _image_bytes(img), "uplink_rate": uplink_rate, "load": {}}
    try:
        image.push(upstream.base, repo, tag, img)
        f["load"]["loopback"] = os.getloadavg()[0]
        f["direct"], f["cached"], f["cpu"] = first_pull(binary, work, img, upstream, repo, tag, sk, "loopback")
        f["cluster_wall"], f["cluster_sent"], f["errors"] = cold_cluster_pull(binary, work, img, upstream, repo, tag, sk)
    finally:
        upstream.stop()
    # The same upstream store, served from behind the shaped link: the direct and the cached pull both cross it.
    with uplink.ShapedUplink(uplink_rate) as link:
        shaped = _upstream(upstream_root, work, "upstream-shaped", link.upstream_address, link.launch_prefix)
        shaped.start()
        try:
            f["load"]["shaped"] = os.getloadavg()[0]
            sent_before = link.sent_bytes()
            f["shaped_direct"], f["shaped_cached"], f["shaped_cpu"] = first_pull(binary, work, img, shaped, repo, tag, sk, f"{uplink_rate} uplink")
            f["shaped_link_bytes"] = link.sent_bytes() - sent_before
        finally:
            shaped.stop()
    return f


def _first_pull_row(table, label, mb, direct_runs, cached_runs, cpu_runs):
    direct, cached = report.median(direct_runs), report.median(cached_runs)
    ratio = direct / cached
    table.add(f"first pull through the cache (cold) vs direct from the upstream {label} ({mb:.0f} MB), MB/s, median of {RUNS}; "
              f"goal ≥ 0.9×: {ratio:.2f}× ({'met' if ratio >= 0.9 else 'not met'}); the cache node's CPU {report.median(cpu_runs):.2f} s/GB",
              {"edgereg": mb / cached, "distribution": mb / direct})


def add_rows(table, notes, f):
    mb = f["size"] / 1e6
    _first_pull_row(table, f"on loopback (load {f['load']['loopback']:.1f})", mb, f["direct"], f["cached"], f["cpu"])
    _first_pull_row(table, f"behind a {f['uplink_rate']} tbf uplink (load {f['load']['shaped']:.1f})", mb,
                    f["shaped_direct"], f["shaped_cached"], f["shaped_cpu"])
    # Both pulls of each run crossed the link: about 2 × RUNS images, or the row did not measure the shaped path.
    notes.append(f"shaped uplink: {f['shaped_link_bytes'] / 1e6:.0f} MB crossed it for {2 * RUNS} pulls of {mb:.0f} MB "
                 f"(direct {', '.join(f'{s:.1f}' for s in f['shaped_direct'])} s; "
                 f"through the cache {', '.join(f'{s:.1f}' for s in f['shaped_cached'])} s)")
    per_pull = f["cluster_sent"] / f["size"]
    table.add(f"uplink bytes per cold three-node pull ÷ image size (upstream's access log; goal 1.0×: "
              f"{'met' if abs(per_pull - 1.0) < 0.01 else 'not met'}), pulls took {f['cluster_wall']:.1f} s",
              {"edgereg": per_pull}, digits=3, ratios=False)
    for e in f["errors"]:
        notes.append(f"cold three-node pull through the cache: {e}")
