"""Helpers of the deployment tests (test_deploy_*.py): the servers that scripts/
start, a load of concurrent requests, the program's worker processes.

Ports: web servers 18090-18099 and 18110-18119 (slow clients, the web servers'
own errors), PostgreSQL 54330-54339, PgBouncer 6440-6449.
"""
import http.client
import os
import re
import subprocess
import threading
import time
import urllib.parse

from conftest import CONF, FCGI, ROOT, VERSION

VAR = os.path.join(ROOT, "var")


def sh(*args, env=None, check=True, timeout=120):
    """Runs a command from the checkout (scripts/...); returns its stdout."""
    e = dict(os.environ, **(env or {}))
    p = subprocess.run(list(args), cwd=ROOT, env=e, capture_output=True, text=True, timeout=timeout)
    if check and p.returncode != 0:
        raise AssertionError(f"{' '.join(args)} failed ({p.returncode}):\n{p.stdout}\n{p.stderr}")
    return p.stdout


def write_conf(name, base=CONF, **keys):
    """Writes var/NAME.conf: the keys of the file base (the suite's test.conf),
    then keys (values None drop a key). Returns its path."""
    lines, seen = [], set()
    if base:
        with open(base) as f:
            for line in f:
                k = line.split("=", 1)[0].strip()
                if k in keys:
                    continue
                lines.append(line.rstrip("\n"))
    for k, v in keys.items():
        if v is not None:
            lines.append(f"{k} = {v}")
    path = os.path.join(VAR, name + ".conf")
    with open(path, "w") as f:
        f.write("# written by tests/functional/deploy.py\n" + "\n".join(lines) + "\n")
    return path


def fetch(base, path, token=None, method="GET", body=None, headers=None, timeout=30):
    """One request on a fresh connection; returns (status, body) or raises."""
    u = urllib.parse.urlsplit(base)
    c = http.client.HTTPConnection(u.hostname, u.port, timeout=timeout)
    h = {"Connection": "close", **(headers or {})}
    if token:
        h["Authorization"] = "Bearer " + token
    try:
        c.request(method, u.path.rstrip("/") + path, body=body, headers=h)
        r = c.getresponse()
        return r.status, r.read()
    finally:
        c.close()


class Load:
    """Threads requesting paths (in turn) of base until stopped, each on a fresh
    connection; keeps every outcome. Bounded: stops by itself after max_seconds."""

    def __init__(self, base, paths, token=None, threads=4, max_seconds=60, pause=0.0):
        self.base, self.paths, self.token = base, list(paths), token
        self.threads, self.max_seconds, self.pause = threads, max_seconds, pause
        self.results = []	# (path, status or "Exception: text")
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._t = []

    def _run(self, n):
        deadline = time.monotonic() + self.max_seconds
        i = n
        while not self._stop.is_set() and time.monotonic() < deadline:
            path = self.paths[i % len(self.paths)]
            i += 1
            try:
                status, _ = fetch(self.base, path, self.token)
            except Exception as e:  # noqa: BLE001 - every failure is a result
                status = f"{type(e).__name__}: {e}"
            with self._lock:
                self.results.append((path, status))
            if self.pause:
                time.sleep(self.pause)

    def __enter__(self):
        for n in range(self.threads):
            t = threading.Thread(target=self._run, args=(n,), daemon=True)
            t.start()
            self._t.append(t)
        return self

    def __exit__(self, *exc):
        self._stop.set()
        for t in self._t:
            t.join(timeout=self.max_seconds + 30)

    def count(self):
        with self._lock:
            return len(self.results)

    def wait_for(self, n, timeout=30):
        """Waits until n more results have come in."""
        goal, end = self.count() + n, time.monotonic() + timeout
        while self.count() < goal and time.monotonic() < end:
            time.sleep(0.01)
        assert self.count() >= goal, f"the load stalled at {self.count()} results"

    def failures(self):
        with self._lock:
            return [r for r in self.results if r[1] != 200]


def alive(pid):
    """True when pid runs (a zombie does not)."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def fcgi_pids(match):
    """The pids of running bin/callreport.fcgi processes whose environment or
    command line contains match (e.g. the configuration file's path)."""
    out = []
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            with open(f"/proc/{d}/cmdline", "rb") as f:
                cmd = f.read()
            if not cmd.startswith(FCGI.encode()):
                continue
            with open(f"/proc/{d}/environ", "rb") as f:
                env = f.read()
        except OSError:
            continue
        if match.encode() in env or match.encode() in cmd:
            if alive(int(d)):
                out.append(int(d))
    return sorted(out)


def wait_until(pred, timeout=20, step=0.1, what="condition"):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        v = pred()
        if v:
            return v
        time.sleep(step)
    raise AssertionError(f"timed out waiting for {what}")


def rss_kb(pid):
    with open(f"/proc/{pid}/status") as f:
        m = re.search(r"^VmRSS:\s+(\d+) kB", f.read(), re.M)
    return int(m.group(1)) if m else 0


XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _q(conn, sql, *args):
    with conn.cursor() as c:
        c.execute(sql, args)
        return c.fetchall()


def smoke(base, tenant, conn, name="alpha"):
    """The deployment smoke suite through one web server: every endpoint and
    page, the static file they link, sign-in and sign-out, an XLSX download.
    Returns a record id for recording() (a range request). base: the server's
    URL with the mount prefix (http://host:port/reports); tenant: {"token",
    "tasks", "password"} as the data fixture gives; conn: psycopg2 to the
    database the program reads (for the expected numbers)."""
    import io
    import json
    import openpyxl

    prefix = urllib.parse.urlsplit(base).path.rstrip("/")
    tok = tenant["token"]
    task = tenant["tasks"][0]

    def get(path, **kw):
        return fetch(base, path, kw.pop("token", tok), **kw)

    st, body = fetch(base, "/healthz")
    assert (st, body) == (200, f"ok\ncallreport {VERSION}\n".encode())
    st, body = fetch(base, "/readyz")
    assert (st, body) == (200, b"ready\n")

    # the v1 endpoints
    total = _q(conn, "SELECT count(*) FROM numbers WHERE task_id = %s", task)[0][0]
    st, body = get(f"/v1/task/number?task_id={task}&per_page=5&page=2")
    assert st == 200, body
    j = json.loads(body)
    assert j["code"] == 200 and j["data"]["total"] == total and len(j["data"]["data"]) == 5
    st, body = get("/v1/task/query_done_task_phones", method="POST",
                   body=json.dumps({"task_id": task, "page": 1}),
                   headers={"Content-Type": "application/json"})
    assert st == 200, body
    j = json.loads(body)
    assert set(j) >= {"data", "total", "last_page"} and j["data"], j
    rid = j["data"][0]["id"]
    st, body = get(f"/v1/record/{rid}")
    assert st == 200 and json.loads(body)["code"] == 200, body
    st, body = get(f"/v1/task/record_info/{task}/{rid}")
    assert st == 200 and "records" in json.loads(body), body
    st, body = get("/v1/setting/record_level")
    assert st == 200 and json.loads(body)["data"], body
    st, body = get("/v1/tag/usable_tags")
    assert st == 200 and json.loads(body)["data"], body
    st, body = get("/v1/task/nothing")
    assert st == 404 and json.loads(body)["code"] == 404
    st, body = get("/v1/setting/record_level", token="crt_" + "0" * 48)
    assert st == 401

    # every page, the stylesheet they link (served by the web server), sign-in and out
    html = {"Accept": "text/html"}
    nid = _q(conn, "SELECT id FROM numbers WHERE task_id = %s ORDER BY id LIMIT 1", task)[0][0]
    for path in ("/tasks", f"/tasks/{task}", f"/tasks/{task}/records", f"/records/{rid}",
                 f"/numbers/{nid}/history", f"/tasks/{task}/numbers"):
        st, body = get(path, headers=html)
        assert st == 200 and b"</html>" in body, (path, st, body[:300])
    st, body = fetch(base, "/login", headers=html)
    assert st == 200 and f'action="{prefix}/login"'.encode() in body, body[:300]
    u = urllib.parse.urlsplit(base)
    c = http.client.HTTPConnection(u.hostname, u.port, timeout=30)
    c.request("GET", prefix + "/", headers={"Authorization": "Bearer " + tok, **html})
    r = c.getresponse()
    start = r.read()
    c.close()
    # The start page, its links under the prefix.
    assert r.status == 200 and f'href="{prefix}/tasks"'.encode() in start, (r.status, start[:300])
    css = f"{prefix}/static/style.css".encode()
    assert b'href="' + css + b'"' in body, "the page links the stylesheet under the prefix"
    st, body = fetch(base, "/static/style.css")
    assert st == 200 and body == open(os.path.join(ROOT, "static", "style.css"), "rb").read()
    c = http.client.HTTPConnection(u.hostname, u.port, timeout=30)
    c.request("POST", prefix + "/login", body=urllib.parse.urlencode(
        {"name": name, "password": tenant["password"]}),
        headers={"Content-Type": "application/x-www-form-urlencoded"})
    r = c.getresponse()
    r.read()
    assert r.status == 303 and r.getheader("Location") == prefix + "/", (r.status, r.getheaders())
    cookie = r.getheader("Set-Cookie")
    assert cookie.startswith("crsid=") and f"Path={prefix}/;" in cookie, cookie
    sid = cookie.split(";", 1)[0]
    c.close()
    st, body = fetch(base, "/tasks", headers={"Cookie": sid, **html})
    assert st == 200 and task.encode() in body, body[:300]
    st, _ = fetch(base, "/logout", method="POST", headers={"Cookie": sid})
    assert st == 303
    st, _ = fetch(base, "/tasks", headers={"Cookie": sid, **html})
    assert st == 401

    # an XLSX of the whole selection
    st, body = get(f"/v1/task/number?task_id={task}&format=xlsx")
    assert st == 200 and body[:2] == b"PK"
    ws = openpyxl.load_workbook(io.BytesIO(body), read_only=True)["号码列表"]
    assert sum(1 for _ in ws.iter_rows()) == total + 1
    return rid


def recording(base, tok, conn, rid, conf=CONF):
    """A call recording with a range request: the record's file is put in its tenant's
    directory of recordings (as `callreport recordings dir` with conf says) by the last two
    parts of its path, then asked for whole (200) and in part (206, Content-Range, the
    bytes asked)."""
    rf, user = _q(conn, "SELECT r.recordfile, t.name FROM records r JOIN tenants t ON t.id = r.user_id "
                        "WHERE r.id = %s", rid)[0]
    where = subprocess.run([os.path.join(ROOT, "bin", "callreport"), "recordings", "dir", "--user", user],
                           env=dict(os.environ, CALLREPORT_CONF=conf), capture_output=True, text=True, check=True)
    parts = [p for p in rf.split("/") if p]
    path = os.path.join(where.stdout.strip(), *parts[-2:])
    os.makedirs(os.path.dirname(path), exist_ok=True)
    data = bytes(range(256)) * 40
    with open(path, "wb") as f:
        f.write(data)
    os.chmod(path, 0o644)
    st, body = fetch(base, f"/records/{rid}/recording", tok)
    assert (st, body) == (200, data), st
    u = urllib.parse.urlsplit(base)
    c = http.client.HTTPConnection(u.hostname, u.port, timeout=30)
    c.request("GET", u.path.rstrip("/") + f"/records/{rid}/recording",
              headers={"Authorization": "Bearer " + tok, "Range": "bytes=1000-1999"})
    r = c.getresponse()
    body = r.read()
    c.close()
    assert r.status == 206, (r.status, body[:200])
    assert r.getheader("Content-Range") == f"bytes 1000-1999/{len(data)}"
    assert body == data[1000:2000]
