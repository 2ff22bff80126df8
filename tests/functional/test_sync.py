"""callreport sync (issue 18): a tenant pulled from a platform's v1 API into a second database.

The suite's own lighttpd plays the platform (it answers exactly that API). The
copies live in databases of their own on the suite's PostgreSQL; the first is
served by a second lighttpd (CR_BASE_URL's port + 1), which must answer every v1
endpoint byte for byte as the source does. A proxy in this file stands between
sync and the platform to inject faults (500, 429 with Retry-After, a truncated
body, a slow body, 401 halfway) and bad data. No timing is asserted.
"""
import http.server
import json
import os
import signal
import socketserver
import subprocess
import threading
import time
import urllib.parse

import psycopg2
import pytest

from conftest import BASE_URL, CLI, ROOT, get, post, query

PORT = urllib.parse.urlsplit(BASE_URL).port
COPY_PORT = PORT + 1
TABLES = ["levels", "tag_scenes", "tag_groups", "tags", "tag_group_tags", "groups", "utterances",
          "tasks", "regions", "numbers", "call_histories", "records", "record_tags",
          "record_details", "record_detail_tags"]


def pg(*args):
    return subprocess.run([os.path.join(ROOT, "scripts", "pg.sh"), *args], capture_output=True,
                          text=True, check=True).stdout.strip()


class Copy:
    """A database of its own on the suite's PostgreSQL, migrated by the CLI."""

    def __init__(self, name):
        self.name = name
        pg("dropdb", name)
        pg("createdb", name)
        self.conf = os.path.join(ROOT, "var", f"{name}.conf")
        with open(os.path.join(ROOT, "var", "test.conf")) as f:
            text = f.read().replace("dbname=callreport_test", f"dbname={name}")
        with open(self.conf, "w") as f:
            f.write(text)
        self.cli("migrate")
        self.dsn = pg("conninfo", name, pg("superuser"))
        self.db = psycopg2.connect(self.dsn)
        self.db.autocommit = True

    def cli(self, *args, check=True, env=None):
        e = dict(os.environ, CALLREPORT_CONF=self.conf)
        e.update(env or {})
        p = subprocess.run([CLI, *args], capture_output=True, text=True, env=e)
        if check and p.returncode != 0:
            raise AssertionError(f"callreport {' '.join(args)}: {p.returncode}\n{p.stdout}\n{p.stderr}")
        return p

    def sync(self, source, token, *args, check=True):
        return self.cli("sync", "--user", "alpha", "--from", source, "--token", token,
                        "--rate", "200", *args, check=check)

    def tenant(self, tenant_id):
        """The tenant with the source's id, so that user_id in answers is the same."""
        with self.db.cursor() as c:
            c.execute("INSERT INTO tenants (id, name) VALUES (%s, 'alpha') ON CONFLICT DO NOTHING",
                      (tenant_id,))

    def rows(self, with_xmin=False):
        """Every row of every data table, as text, sorted (xmin too when asked)."""
        out = {}
        for t in TABLES:
            x = ", xmin::text" if with_xmin else ""
            out[t] = sorted(r[0] + (("|" + r[1]) if with_xmin else "")
                            for r in query(self.db, f"SELECT t::text{x} FROM {t} t"))
        return out


@pytest.fixture(scope="module")
def source(db, data):
    """The platform: alpha of the suite's data; its smallest task (by call records)."""
    alpha = data["alpha"]
    task = query(db, "SELECT task_id::text FROM records WHERE user_id = %s GROUP BY task_id"
                 " ORDER BY count(*) LIMIT 1", alpha["tenant_id"])[0][0]
    return {"token": alpha["token"], "tenant_id": alpha["tenant_id"], "task": task}


@pytest.fixture(scope="module")
def copy(source):
    """The first copy: alpha's smallest task synced, served on COPY_PORT."""
    c = Copy("callreport_sync_copy")
    c.tenant(source["tenant_id"])
    c.first = c.sync(BASE_URL, source["token"], "--task", source["task"])
    c.token = c.cli("token", "--user", "alpha").stdout.strip()
    subprocess.run([os.path.join(ROOT, "scripts", "web.sh"), "start", str(COPY_PORT), c.conf],
                   check=True, capture_output=True, env=dict(os.environ, CALLREPORT_JOBS="0"))
    c.base = f"http://127.0.0.1:{COPY_PORT}"
    yield c
    subprocess.run([os.path.join(ROOT, "scripts", "web.sh"), "stop", str(COPY_PORT)],
                   capture_output=True)
    c.db.close()


def both(method, path, source, copy, body=None):
    """The same request to the platform and to the copy: the two bodies."""
    if method == "GET":
        a = get(path, token=source["token"])
        b = get(path, token=copy.token, base=copy.base)
    else:
        a = post(path, token=source["token"], body=body)
        b = post(path, token=copy.token, body=body, base=copy.base)
    assert a.status == 200, (path, a.status, a.text[:300])
    assert b.status == a.status, (path, b.status, b.text[:300])
    return a.body, b.body


def test_round_trip_byte_for_byte(source, copy):
    task = source["task"]
    assert copy.first.returncode == 0
    assert "0 skipped" in copy.first.stdout
    for path in ("/v1/setting/record_level", "/v1/tag/usable_tags"):
        a, b = both("GET", path, source, copy)
        assert a == b, path
    # Every page of the call records, and every record's record_info and brief.
    page, ids = 1, []
    while True:
        a, b = both("POST", "/v1/task/query_done_task_phones", source, copy,
                    body={"task_id": task, "page": page})
        assert a == b, f"query_done_task_phones page {page}"
        d = json.loads(a)
        ids += [r["id"] for r in d["data"]]
        if page >= d["last_page"]:
            break
        page += 1
    assert len(ids) == d["total"] > 15
    for rid in ids:
        a, b = both("GET", f"/v1/task/record_info/{task}/{rid}", source, copy)
        assert a == b, f"record_info {rid}"
        a, b = both("GET", f"/v1/record/{rid}", source, copy)
        assert a == b, f"record {rid}"
    # Every page of the numbers, with and without their call histories.
    for hist in ("", "&call_history=1"):
        page = 1
        while True:
            a, b = both("GET", f"/v1/task/number?task_id={task}&page={page}{hist}", source, copy)
            assert a == b, f"task/number page {page}{hist}"
            d = json.loads(a)["data"]
            if page >= d["last_page"]:
                break
            page += 1
        assert d["total"] > 15


def test_second_sync_changes_nothing(source, copy):
    before = copy.rows(with_xmin=True)
    version = query(copy.db, "SELECT data_version FROM tenants WHERE name = 'alpha'")
    p = copy.sync(BASE_URL, source["token"], "--task", source["task"])
    assert " 0 new records" in p.stdout and "0 skipped" in p.stdout, p.stdout
    assert copy.rows(with_xmin=True) == before
    assert query(copy.db, "SELECT data_version FROM tenants WHERE name = 'alpha'") == version


def test_killed_sync_resumes_identical(source, copy):
    c = Copy("callreport_sync_kill")
    c.tenant(source["tenant_id"])
    env = dict(os.environ, CALLREPORT_CONF=c.conf)
    proc = subprocess.Popen([CLI, "sync", "--user", "alpha", "--from", BASE_URL, "--token",
                             source["token"], "--task", source["task"], "--rate", "50"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    # Killed once a window is written and the next is under way.
    deadline = time.time() + 120
    while time.time() < deadline and proc.poll() is None:
        if query(c.db, "SELECT count(*) FROM sync_state WHERE next_page >= 2")[0][0] > 0:
            time.sleep(0.5)
            break
        time.sleep(0.05)
    assert proc.poll() is None, "the sync ended before it could be killed"
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    part = query(c.db, "SELECT count(*) FROM records")[0][0]
    total = query(copy.db, "SELECT count(*) FROM records")[0][0]
    assert 0 < part < total
    # Every record written has its whole transcript: a window is whole or absent.
    assert query(c.db, "SELECT count(*) FROM records r WHERE NOT EXISTS"
                 " (SELECT FROM record_details d WHERE d.record_id = r.id)")[0][0] == \
        query(copy.db, "SELECT count(*) FROM records r WHERE NOT EXISTS"
              " (SELECT FROM record_details d WHERE d.record_id = r.id)")[0][0]
    p = c.sync(BASE_URL, source["token"], "--task", source["task"])
    assert "0 skipped" in p.stdout
    assert c.rows() == copy.rows()
    c.db.close()


class Proxy:
    """An HTTP proxy to the platform that injects a fault into chosen requests.
    faults: list of (predicate(method, path, n), action); n counts the requests so far."""

    def __init__(self, faults):
        self.faults = faults
        self.n = 0
        self.log = []
        proxy = self

        class H(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *a):
                pass

            def handle_one(self, method):
                proxy.n += 1
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                proxy.log.append((method, self.path))
                # Each predicate is asked once a request (some count what they see).
                matched = [a for p, a in proxy.faults if p(method, self.path, proxy.n)]
                for action in matched:
                    if action(self, method, body):
                        return
                h = {"Authorization": self.headers["Authorization"]}
                if body:
                    h["Content-Type"] = self.headers.get("Content-Type", "application/json")
                r = post(self.path, body=body, headers=h) if method == "POST" \
                    else get(self.path, headers=h)
                out = r.body
                for action in matched:
                    if getattr(action, "rewrite", None):
                        out = action.rewrite(out)
                self.send_response(r.status)
                self.send_header("Content-Type", r.header("Content-Type") or "application/json")
                self.send_header("Content-Length", str(len(out)))
                self.end_headers()
                self.wfile.write(out)

            def do_GET(self):
                self.handle_one("GET")

            def do_POST(self):
                self.handle_one("POST")

        class S(socketserver.ThreadingMixIn, http.server.HTTPServer):
            daemon_threads = True
            allow_reuse_address = True

        self.server = S(("127.0.0.1", 0), H)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


def answer(status, body=b'{"code":500,"status":"error","message":"boom"}', headers=()):
    def act(h, method, req_body):
        h.send_response(status)
        for k, v in headers:
            h.send_header(k, v)
        h.send_header("Content-Type", "application/json")
        h.send_header("Content-Length", str(len(body)))
        h.end_headers()
        h.wfile.write(body)
        return True
    return act


def times(path_part, count, method=None):
    """A predicate true for the first count requests whose path has path_part."""
    seen = [0]

    def pred(m, path, n):
        if path_part in path and (method is None or m == method):
            seen[0] += 1
            return seen[0] <= count
        return False
    return pred


def truncated(h, method, body):
    """A whole answer cut in half, its Content-Length saying the half (a body that is not JSON)."""
    r = get(h.path, headers={"Authorization": h.headers["Authorization"]})
    out = r.body[: len(r.body) // 2]
    h.send_response(200)
    h.send_header("Content-Type", "application/json")
    h.send_header("Content-Length", str(len(out)))
    h.end_headers()
    h.wfile.write(out)
    return True


def slow(h, method, body):
    """An answer whose body does not come within the client's timeout."""
    h.send_response(200)
    h.send_header("Content-Type", "application/json")
    h.send_header("Content-Length", "100")
    h.end_headers()
    h.wfile.write(b'{"code":200,')
    h.wfile.flush()
    time.sleep(4)
    return True


def test_faults_retried_same_result(source, copy):
    proxy = Proxy([
        (times("/v1/tag/usable_tags", 2), answer(500)),
        (times("/v1/task/query_done_task_phones", 1), answer(429, b'{"code":429,"status":"error",'
                                                           b'"message":"slow down"}', [("Retry-After", "1")])),
        (times("/v1/task/record_info/", 1), truncated),
        (times("/v1/task/number", 1), slow),
    ])
    c = Copy("callreport_sync_faults")
    c.tenant(source["tenant_id"])
    try:
        p = c.sync(proxy.url, source["token"], "--task", source["task"], "--timeout", "2")
    finally:
        proxy.close()
    assert p.returncode == 0 and "0 skipped" in p.stdout
    assert "HTTP 500: boom; again in" in p.stderr
    assert "HTTP 429: slow down; again in 1.0 s" in p.stderr
    assert "not whole JSON" in p.stderr
    assert "Timeout was reached" in p.stderr or "timed out" in p.stderr.lower()
    assert "(5 retried)" in p.stdout, p.stdout  # 500 twice, 429, truncated, slow
    assert c.rows() == copy.rows()
    c.db.close()


def test_401_halfway_stops_whole_windows(source, copy):
    # The 250th request on is refused: the sync is then in the third page of call records
    # (a page: its request and 100 transcripts).
    proxy = Proxy([(lambda m, path, n: n >= 250,
                    answer(401, b'{"code":401,"status":"error","message":"token expired"}'))])
    c = Copy("callreport_sync_denied")
    c.tenant(source["tenant_id"])
    try:
        p = c.sync(proxy.url, source["token"], "--task", source["task"], check=False)
    finally:
        proxy.close()
    assert p.returncode == 1
    assert "HTTP 401: token expired: the platform refuses the token" in p.stderr
    assert len(proxy.log) == 250, "nothing is asked after a 401"
    assert source["token"] not in p.stdout + p.stderr
    n = query(c.db, "SELECT count(*) FROM records")[0][0]
    assert 0 < n < query(copy.db, "SELECT count(*) FROM records")[0][0]
    # Only whole windows (pages of 100 records, each with every transcript row of the source).
    assert n == 200
    with psycopg2.connect(copy.dsn) as full:
        want = dict(query(full, "SELECT record_id::text, count(*) FROM record_details GROUP BY 1"))
    have = dict(query(c.db, "SELECT record_id::text, count(*) FROM record_details GROUP BY 1"))
    assert len(have) == n and all(want[k] == v for k, v in have.items())
    # Run again with the platform answering: it ends as the uninterrupted copy.
    c.sync(BASE_URL, source["token"], "--task", source["task"])
    assert c.rows() == copy.rows()
    c.db.close()


class Rewrite:
    """Rewrites an answer's JSON (fn(dict) -> dict) before it reaches sync."""

    def __init__(self, fn):
        self.fn = fn

    def __call__(self, h, method, body):
        return False

    def rewrite(self, out):
        return json.dumps(self.fn(json.loads(out)), ensure_ascii=False).encode()


def bad_status(d):
    d["data"]["data"][3]["status"] = 13
    return d


def other_task(d):
    d["data"][2]["task_id"] = "00000000-0000-4000-8000-000000000000"
    return d


@pytest.mark.parametrize("where, fn, field", [
    ("/v1/task/number", bad_status, "field status"),
    ("/v1/task/query_done_task_phones", other_task, "field task_id"),
])
def test_bad_input_stops_the_window(source, copy, db, data, where, fn, field):
    other = query(db, "SELECT task_id::text FROM records WHERE user_id = %s GROUP BY task_id"
                  " ORDER BY count(*) OFFSET 1 LIMIT 1", source["tenant_id"])[0][0]
    rewrite = Rewrite(fn)
    seen = [0]

    def second_page_of_first_task(m, path, n):
        # The second page of the first task's list (an id in a GET, a body in a POST).
        if where in path:
            seen[0] += 1
            return seen[0] == 2
        return False
    proxy = Proxy([(second_page_of_first_task, rewrite)])
    c = Copy("callreport_sync_bad")
    c.tenant(source["tenant_id"])
    try:
        p = c.sync(proxy.url, source["token"], "--task", source["task"], "--task", other, check=False)
    finally:
        proxy.close()
    assert p.returncode == 1
    line = next(x for x in p.stderr.splitlines() if field in x)
    assert f"{proxy.url}{where}" in line and "(page 2)" in line, line
    assert "nothing of the window was written" in line
    assert "1 skipped" in p.stdout
    # The other task is whole; the first has nothing of the bad window.
    assert query(c.db, "SELECT count(*) FROM records WHERE task_id = %s", other)[0][0] == \
        query(db, "SELECT count(*) FROM records WHERE task_id = %s", other)[0][0]
    if where == "/v1/task/number":
        assert query(c.db, "SELECT count(*) FROM numbers WHERE task_id = %s", source["task"])[0][0] == 0
    else:
        assert query(c.db, "SELECT count(*) FROM records WHERE task_id = %s", source["task"])[0][0] == 100
    c.db.close()


def test_configuration_keys_task_list_dry_run(source, copy, db):
    """No argument but --user: the URL, token and rate from sync.alpha.* lines; every task of
    the platform's list; --dry-run reads and writes nothing; --since bounds a first sync."""
    since = "2026-10-25 00:00:00"
    conf = copy.conf + ".sync"
    with open(copy.conf) as f, open(conf, "w") as g:
        g.write(f.read() + f"sync.alpha.from = {BASE_URL}\nsync.alpha.token = {source['token']}\n"
                f"sync.alpha.rate = 200\nsync.alpha.since = {since}\n")
    before = copy.rows(with_xmin=True)
    p = copy.cli("sync", "--user", "alpha", "--dry-run", env={"CALLREPORT_CONF": conf})
    tasks = query(db, "SELECT count(*) FROM tasks WHERE user_id = %s", source["tenant_id"])[0][0]
    # The task synced already has no new record; the others, theirs since --since.
    new = query(db, "SELECT count(*) FROM records WHERE user_id = %s AND task_id <> %s"
                " AND callreport_ts(calldate) >= %s", source["tenant_id"], source["task"], since)[0][0]
    numbers = query(db, "SELECT count(*) FROM numbers WHERE user_id = %s", source["tenant_id"])[0][0]
    assert 0 < new < query(db, "SELECT count(*) FROM records WHERE user_id = %s AND task_id <> %s",
                           source["tenant_id"], source["task"])[0][0]
    assert f"(dry run: nothing written): {tasks} tasks, 0 skipped" in p.stdout, p.stdout
    assert f" {new} new records, 0 transcripts, {numbers} numbers" in p.stdout, p.stdout
    assert copy.rows(with_xmin=True) == before
    # Without a token anywhere: exit 2, naming the key.
    p = copy.cli("sync", "--user", "nobody", check=False)
    assert p.returncode == 2 and "sync.nobody.from" in p.stderr


def test_held_elsewhere_and_other_tenant(source, copy, db):
    """A record held already with another callee, and an id another tenant holds: the window
    stops naming the URL, the page and the field; nothing of it is written."""
    c = Copy("callreport_sync_held")
    c.tenant(source["tenant_id"])
    # Tenant "other" holds the id of the first record of page 2 (the 101st newest).
    rid = query(db, "SELECT id::text FROM records WHERE task_id = %s ORDER BY calldate DESC, id DESC"
                " OFFSET 100 LIMIT 1", source["task"])[0][0]
    path = os.path.join(ROOT, "tests", "out", "sync-other.jsonl")
    with open(path, "w") as f:
        for line in [
            {"kind": "group", "id": 990001, "name": "g"},
            {"kind": "task", "uuid": "99000000-0000-4000-8000-000000000001", "name": "t", "group_id": 990001},
            {"kind": "level", "id": "99000000-0000-4000-8000-000000000002", "name": "A级", "alias": "a",
             "score_min": 0, "score_max": 1000},
            {"kind": "record", "id": rid, "task_id": "99000000-0000-4000-8000-000000000001",
             "callee": "13800000000", "calldate": "2026-10-01 10:00:00", "score": 1},
        ]:
            f.write(json.dumps(line) + "\n")
    c.cli("import", "--user", "other", path)
    p = c.sync(BASE_URL, source["token"], "--task", source["task"], check=False)
    assert p.returncode == 1
    line = next(x for x in p.stderr.splitlines() if "another tenant" in x)
    assert f"{BASE_URL}/v1/task/query_done_task_phones (page 2): field id: record {rid} belongs" \
        " to another tenant; nothing of the window was written" in line, line
    assert query(c.db, "SELECT count(*) FROM records WHERE task_id = %s", source["task"])[0][0] == 100
    c.db.close()
    # A record held already comes with another callee (the copy holds the whole task).
    first = query(copy.db, "SELECT id::text, callee FROM records WHERE task_id = %s"
                  " ORDER BY calldate DESC, id DESC LIMIT 1", source["task"])[0]
    proxy = Proxy([(times("query_done_task_phones", 1), Rewrite(
        lambda d: (d["data"][0].update(callee="19900000000"), d)[1]))])
    before = copy.rows(with_xmin=True)
    try:
        p = copy.sync(proxy.url, source["token"], "--task", source["task"], check=False)
    finally:
        proxy.close()
    assert p.returncode == 1
    assert f"{proxy.url}/v1/task/query_done_task_phones (page 1): record {first[0]}: field callee:" \
        f" the record is here already with callee {first[1]}; nothing of the window was written" \
        in p.stderr, p.stderr
    assert copy.rows(with_xmin=True) == before
