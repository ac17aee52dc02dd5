"""Small HTTP/1.1 helpers over http.client for loopback registries (no proxies, no redirects)."""
import hashlib
import http.client
from urllib.parse import urlsplit

BLOCK = 1 << 20  # 1 MiB socket writes/reads: large enough that the client is never the bottleneck


def connect(base):
    u = urlsplit(base)
    if not (u.hostname.startswith("127.") or u.hostname == "localhost"):
        raise ValueError(f"loopback only: {base}")
    return http.client.HTTPConnection(u.hostname, u.port, timeout=300, blocksize=BLOCK)


def request(base, method, path, body=None, headers=None):
    """One request on a fresh connection; returns (status, headers dict lower-cased, body bytes)."""
    conn = connect(base)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        resp = conn.getresponse()
        data = resp.read()
        return resp.status, {k.lower(): v for k, v in resp.getheaders()}, data
    finally:
        conn.close()


def absolute_path(location):
    """Registries answer Location absolute or relative; requests here need the path+query."""
    u = urlsplit(location)
    return u.path + ("?" + u.query if u.query else "")


def with_query(path, key, value):
    return path + ("&" if "?" in path else "?") + f"{key}={value}"


def sha256_of_get(base, path, accept=None):
    """GETs path and hashes the streamed body; returns (status, hex digest, byte count)."""
    conn = connect(base)
    try:
        conn.request("GET", path, headers={"Accept": accept} if accept else {})
        resp = conn.getresponse()
        h = hashlib.sha256()
        n = 0
        while True:
            chunk = resp.read(BLOCK)
            if not chunk:
                break
            h.update(chunk)
            n += len(chunk)
        return resp.status, h.hexdigest(), n
    finally:
        conn.close()
