"""The web server's own errors under v1/ are the program's JSON envelope (issue
19, finding 3).

A client whose worker was killed used to get lighttpd's own HTML 500 page. In
every shipped layout (the demo's lighttpd, Apache with mod_proxy_fcgi and with
mod_fcgid, nginx; one worker each) a request to /v1/setting/record_level waits
on a lock in PostgreSQL, its worker is killed with SIGKILL, and the answer the
client gets from the web server must be the envelope of static/errors/N.json
(the same bytes in every layout) as application/json, with Retry-After and no
X-Request-Id (it is not the program's). The program's own errors pass
unchanged, with its X-Request-Id: a 404 for a task that does not exist, a 400
naming the field, a 413 for a body over max_body, and a 503 when the lock
outlasts statement_timeout (with its own Retry-After). A body over the web
server's own limit (1 MiB: Apache and nginx) gets the server's 413 envelope,
without Retry-After.

Ports 18114-18117.
"""
import http.client
import json
import os
import signal
import socket
import threading
import time
import urllib.parse

import psycopg2
import pytest

from conftest import ROOT, SUPER_DSN
from deploy import fcgi_pids, sh, wait_until, write_conf
from security_lib import MISSING_UUID, Client, Instance, Resp, worker_pids

LAYOUTS = {
    "lighttpd": 18114,
    "apache-proxy": 18115,
    "apache-fcgid": 18116,
    "nginx": 18117,
}
TIMEOUT_MS = 4000      # statement_timeout (lock_timeout twice it): the window in which the worker is killed
ERRORS = os.path.join(ROOT, "static", "errors")


def envelope(status):
    with open(os.path.join(ERRORS, f"{status}.json"), "rb") as f:
        return f.read()


def test_every_error_file_is_the_envelope():
    """static/errors/N.json is {"code":N,"status":"error","message":...}, and the
    lighttpd script knows the same messages."""
    lua = open(os.path.join(ROOT, "conf", "lighttpd-errors.lua"), encoding="utf-8").read()
    names = sorted(os.listdir(ERRORS))
    assert names
    for name in names:
        status = int(name.split(".")[0])
        doc = json.loads(envelope(status))
        assert list(doc) == ["code", "status", "message"] and doc["code"] == status
        assert doc["status"] == "error" and doc["message"]
        assert f'[{status}] = "{doc["message"]}"' in lua, name


@pytest.fixture(scope="module")
def layouts(data):
    """Every layout with one worker, each with a configuration file of its own (the
    workers are found by it)."""
    conf = {name: write_conf(f"server-errors-{name}", statement_timeout=TIMEOUT_MS,
                             lock_timeout=TIMEOUT_MS * 2)
            for name in ("apache-proxy", "apache-fcgid", "nginx")}
    env = {"CALLREPORT_WORKERS": "1"}
    inst = Instance(LAYOUTS["lighttpd"], workers=1, statement_timeout=TIMEOUT_MS,
                    lock_timeout=TIMEOUT_MS * 2)
    try:
        inst.__enter__()
        for name in ("apache-proxy", "apache-fcgid"):
            sh("scripts/apache.sh", "start", str(LAYOUTS[name]), conf[name], "/reports", name.split("-")[1],
               env=env)
        sh("scripts/nginx.sh", "start", str(LAYOUTS["nginx"]), conf["nginx"], env=env)
        yield {"lighttpd": (inst.base, inst.conf),
               **{name: (f"http://127.0.0.1:{LAYOUTS[name]}/reports", conf[name]) for name in conf}}
    finally:
        inst.__exit__(None, None, None)
        for name in ("apache-proxy", "apache-fcgid"):
            sh("scripts/apache.sh", "stop", str(LAYOUTS[name]), check=False)
        sh("scripts/nginx.sh", "stop", str(LAYOUTS["nginx"]), check=False)


def layout_workers(name, conf):
    """The program's worker processes of a layout (one: CALLREPORT_WORKERS=1)."""
    if name == "apache-fcgid":
        return [int(p) for p in sh("scripts/apache.sh", "workers", str(LAYOUTS[name])).split()]
    if name == "lighttpd":
        return worker_pids(LAYOUTS[name])
    return fcgi_pids(conf)


class Locked:
    """LOCK TABLE levels in a transaction of its own, until the block ends."""

    def __enter__(self):
        self.conn = psycopg2.connect(SUPER_DSN)
        self.cur = self.conn.cursor()
        self.cur.execute("LOCK TABLE levels IN ACCESS EXCLUSIVE MODE")
        return self

    def waiting(self):
        """How many sessions of the program's role wait for a lock."""
        self.cur.execute("SELECT count(*) FROM pg_stat_activity WHERE usename = 'callreport_web' "
                         "AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()")
        return self.cur.fetchone()[0]

    def __exit__(self, *exc):
        self.conn.rollback()
        self.conn.close()


def in_thread(fn):
    out = {}

    def run():
        try:
            out["r"] = fn()
        except Exception as e:  # noqa: BLE001 - reported by the caller
            out["e"] = e
    t = threading.Thread(target=run, daemon=True)
    t.start()
    return t, out


def check_server_envelope(r, statuses, retry=True):
    assert r.status in statuses, r
    assert r.header("X-Request-Id") is None, "the web server's answer, not the program's"
    assert r.ctype == "application/json", r
    assert r.body == envelope(r.status), r
    if retry:
        assert int(r.header("Retry-After") or 0) > 0, r.headers
    else:
        assert r.header("Retry-After") is None, r.headers


@pytest.mark.parametrize("name", list(LAYOUTS))
def test_a_killed_worker_is_answered_with_the_envelope(name, layouts, data):
    base, conf = layouts[name]
    token = data["alpha"]["token"]
    c = Client(base, timeout=60)
    assert c.get("/v1/setting/record_level", token=token).status == 200
    before = wait_until(lambda: len(layout_workers(name, conf)) == 1 and layout_workers(name, conf),
                        what="one worker")
    with Locked() as lock:
        t, out = in_thread(lambda: Client(base, timeout=60).get("/v1/setting/record_level", token=token))
        wait_until(lambda: lock.waiting() >= 1, timeout=10, step=0.05, what="the request to wait on the lock")
        os.kill(before[0], signal.SIGKILL)
        t.join(30)
    assert "r" in out, out.get("e")
    r = out["r"]
    print(name, r.status, r.headers)
    check_server_envelope(r, (500, 502, 503, 504))
    # the supervisor starts another worker (mod_fcgid: at the next request), and it answers
    wait_until(lambda: Client(base).get("/v1/setting/record_level", token=token).status == 200,
               what="an answer from a new worker")
    assert layout_workers(name, conf) and not set(layout_workers(name, conf)) & set(before)


@pytest.mark.parametrize("name", list(LAYOUTS))
def test_the_program_errors_pass_unchanged(name, layouts, data):
    base, _ = layouts[name]
    token = data["alpha"]["token"]
    c = Client(base, timeout=60)

    def ours(r, status, message):
        assert r.status == status, r
        assert r.header("X-Request-Id"), ("the program's answer", r)
        assert r.ctype == "application/json", r
        assert r.json() == {"code": status, "status": "error", "message": message}, r

    ours(c.get("/v1/task/number", token=token, params={"task_id": MISSING_UUID}), 404, "not found")
    r = c.get("/v1/task/number", token=token, params={"task_id": "nope"})
    assert r.status == 400 and "task_id" in r.json()["message"] and r.header("X-Request-Id"), r
    c.close()
    ours(c.post("/v1/task/query_done_task_phones", token=token,
                body=json.dumps({"task_id": data["alpha"]["tasks"][0], "pad": "x" * 70000}).encode(),
                headers={"Content-Type": "application/json"}), 413, "body is larger than 65536 bytes")
    c.close()
    with Locked():
        t = time.monotonic()
        r = c.get("/v1/setting/record_level", token=token)
        assert time.monotonic() - t >= TIMEOUT_MS / 1000 * 0.9
    ours(r, 503, "database timeout, try again")
    assert r.header("Retry-After") == "5"
    c.close()


@pytest.mark.parametrize("name", ["apache-proxy", "apache-fcgid", "nginx"])
def test_a_body_over_the_server_limit_is_the_envelope(name, layouts, data):
    """1 MiB is where Apache and nginx stop (the program's own limit, max_body, is
    lower; lighttpd leaves bodies to the program)."""
    base, _ = layouts[name]
    u = urllib.parse.urlsplit(base)
    # The header alone: the server answers before it reads a byte of the body.
    s = socket.create_connection((u.hostname, u.port), timeout=30)
    try:
        s.sendall((f"POST {u.path}/v1/task/query_done_task_phones HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                   f"Authorization: Bearer {data['alpha']['token']}\r\nContent-Type: application/json\r\n"
                   f"Content-Length: {2 << 20}\r\n\r\n").encode())
        raw = http.client.HTTPResponse(s)
        raw.begin()
        r = Resp(raw.status, raw.getheaders(), raw.read())
    finally:
        s.close()
    check_server_envelope(r, (413,), retry=False)
