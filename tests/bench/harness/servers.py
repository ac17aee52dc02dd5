"""The three servers under test, each started from a generated config on 127.0.0.1, and their start-up timing."""
import os
import signal
import socket
import subprocess
import time

ALL_STARTED = []  # every Popen this run created, so the cleanup can stop exactly those


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def v2_answers_200(port, host="127.0.0.1"):
    """One GET /v2/ on a fresh connection; True only for status 200."""
    try:
        with socket.create_connection((host, port), timeout=2) as s:
            s.sendall(f"GET /v2/ HTTP/1.1\r\nHost: {host}:{port}\r\nConnection: close\r\n\r\n".encode())
            line = s.recv(64)
            return line.startswith(b"HTTP/1.1 200") or line.startswith(b"HTTP/1.0 200")
    except OSError:
        return False


class Server:
    def __init__(self, name, argv, port, log_path, env=None, host="127.0.0.1"):
        self.name, self.argv, self.port, self.log_path, self.env = name, argv, port, log_path, env
        self.host = host
        self.proc = None

    @property
    def base(self):
        return f"http://{self.host}:{self.port}"

    @property
    def pid(self):
        return self.proc.pid

    def start(self, timeout=30):
        """Starts the server and returns seconds from exec to the first 200 on /v2/ (polled every ~1 ms)."""
        if v2_answers_200(self.port, self.host):
            raise RuntimeError(f"port {self.port} already answers; refusing to measure someone else's server")
        log = open(self.log_path, "ab")
        t0 = time.perf_counter()
        self.proc = subprocess.Popen(self.argv, stdout=log, stderr=subprocess.STDOUT, env=self.env,
                                     stdin=subprocess.DEVNULL)
        ALL_STARTED.append(self.proc)
        log.close()
        deadline = t0 + timeout
        while time.perf_counter() < deadline:
            if v2_answers_200(self.port, self.host):
                return time.perf_counter() - t0
            if self.proc.poll() is not None:
                raise RuntimeError(f"{self.name} exited with {self.proc.returncode}; see {self.log_path}")
            time.sleep(0.001)
        raise RuntimeError(f"{self.name} did not answer /v2/ within {timeout}s; see {self.log_path}")

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=5)

    def kill(self):
        """SIGKILL, as a power cut ends the process: no shutdown work at all."""
        if self.proc and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(timeout=15)


def stop_all():
    for proc in ALL_STARTED:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
    for proc in ALL_STARTED:
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()


def edgereg(binary, root, work):
    port = free_port()
    config = os.path.join(work, "edgereg.json")
    with open(config, "w") as f:
        f.write("{}\n")
    # The benchmark measures serving, not logging: warnings only, like Distribution's config below.
    env = {k: v for k, v in os.environ.items() if not k.startswith("EDGEREG_")}
    argv = [binary, "serve", "--listen", f"127.0.0.1:{port}", "--root", root, "--anonymous-writes",
            "--config", config, "--credentials-file", os.path.join(work, "no-credentials"), "--log-level", "warning"]
    return Server("edgereg", argv, port, os.path.join(work, "edgereg.log"), env)


def distribution(root, work):
    port = free_port()
    config = os.path.join(work, "distribution.yml")
    with open(config, "w") as f:
        f.write(f"""version: 0.1
log:
  level: warn
  accesslog:
    disabled: true
storage:
  filesystem:
    rootdirectory: {root}
  delete:
    enabled: true
  cache:
    blobdescriptor: inmemory
  maintenance:
    uploadpurging:
      enabled: false
http:
  addr: 127.0.0.1:{port}
""")
    return Server("distribution", ["/usr/bin/docker-registry", "serve", config], port,
                  os.path.join(work, "distribution.log"))


def nginx(blob_root, manifest_dir, work, manifest_type):
    """nginx with sendfile serving Distribution's blob data files and the manifest at the registry URL paths."""
    port = free_port()
    tmp = os.path.join(work, "nginx-tmp")
    os.makedirs(tmp, exist_ok=True)
    config = os.path.join(work, "nginx.conf")
    with open(config, "w") as f:
        f.write(f"""worker_processes auto;
user root;
pid {work}/nginx.pid;
error_log {work}/nginx-error.log warn;
events {{ worker_connections 4096; }}
http {{
  access_log off;
  sendfile on; tcp_nopush on; tcp_nodelay on;
  keepalive_timeout 65; keepalive_requests 10000000;
  client_body_temp_path {tmp}/body; proxy_temp_path {tmp}/proxy;
  fastcgi_temp_path {tmp}/fcgi; uwsgi_temp_path {tmp}/uwsgi; scgi_temp_path {tmp}/scgi;
  types {{ }} default_type application/octet-stream;
  server {{
    listen 127.0.0.1:{port};
    location = /v2/ {{ default_type application/json; return 200 '{{}}'; }}
    location ~ "^/v2/.+/blobs/sha256:(([0-9a-f]{{2}})[0-9a-f]{{62}})$" {{
      alias {blob_root}/docker/registry/v2/blobs/sha256/$2/$1/data;
    }}
    location ~ "^/v2/.+/manifests/([^/]+)$" {{
      default_type {manifest_type};
      alias {manifest_dir}/$1;
    }}
  }}
}}
""")
    argv = ["nginx", "-e", os.path.join(work, "nginx-error.log"), "-c", config, "-g", "daemon off;"]
    return Server("nginx", argv, port, os.path.join(work, "nginx.log"))


def free_port_on(hosts):
    """A port free on every given loopback address, so three members can share it like real nodes do."""
    for _ in range(50):
        port = free_port()
        try:
            for host in hosts:
                with socket.socket() as s:
                    s.bind((host, port))
            return port
        except OSError:
            continue
    raise RuntimeError(f"no port free on all of {hosts}")


def cluster_member(binary, host, port, root, work, members, secret_file, name):
    """One edgereg replication member on host:port listing every member (itself included), with its own
    status socket, anonymous writes and warnings-only logging."""
    config = os.path.join(work, "edgereg.json")
    with open(config, "w") as f:
        f.write("{}\n")
    env = {k: v for k, v in os.environ.items() if not k.startswith("EDGEREG_")}
    argv = [binary, "serve", "--listen", f"{host}:{port}", "--root", root, "--anonymous-writes",
            "--config", config, "--credentials-file", os.path.join(work, "no-credentials"), "--log-level", "warning",
            "--cluster-secret-file", secret_file, "--status-socket", os.path.join(work, f"{name}-status.sock")]
    for m in members:
        argv += ["--member", m]
    return Server(f"edgereg-{name}", argv, port, os.path.join(work, f"edgereg-{name}.log"), env, host)
