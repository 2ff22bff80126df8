"""Security 4: a slow database is a 503, not a hang (docs/security.md, "The database").

A second lighttpd (port 18103) runs with statement_timeout = 300 ms; the test
holds an ACCESS EXCLUSIVE lock on a table from a superuser connection, so any
statement that reads it waits, deterministically, until the timeout cancels
it. Locking api_tokens and sessions shows that authentication itself (the
first statement of every request) is under the timeout too.
"""
import concurrent.futures
import contextlib
import time

import psycopg2

from conftest import SUPER_DSN, cli, query, token_line
from security_lib import Client, Instance, http_once, login

TIMEOUT_MS = 500


@contextlib.contextmanager
def locked(*tables):
    conn = psycopg2.connect(SUPER_DSN)
    try:
        with conn.cursor() as c:
            c.execute("SET lock_timeout = '5s'")
            c.execute(f"LOCK TABLE {', '.join(tables)} IN ACCESS EXCLUSIVE MODE")
        yield
    finally:
        conn.rollback()
        conn.close()


def timed(c, *a, **kw):
    t0 = time.monotonic()
    r = c.request(*a, **kw)
    return r, time.monotonic() - t0


def assert_503(r, took, what, html=False):
    assert r.status == 503, (what, r)
    assert int(r.header("Retry-After")) > 0, what
    assert took < 3, (what, took)
    if html:
        assert r.ctype == "text/html" and b"503" in r.body, (what, r)
    else:
        assert r.json() == {"code": 503, "status": "error", "message": "database timeout, try again"}, (what, r)


def test_statement_timeout_is_503(data, db):
    a = data["alpha"]
    task = a["tasks"][0]
    record = query(db, "SELECT id::text FROM records WHERE task_id = %s LIMIT 1", task)
    with Instance(18103, statement_timeout=TIMEOUT_MS) as inst:
        _, sid = login("alpha", a["password"], base=inst.base)
        c = Client(inst.base)
        try:
            asks = [
                ("json", ("GET", "/v1/task/number"), {"params": {"task_id": task}, "token": a["token"]}),
                ("xlsx", ("GET", "/v1/task/number"), {"params": {"task_id": task, "format": "xlsx",
                                                                 "status[]": "3"}, "token": a["token"]}),
                ("html", ("GET", f"/tasks/{task}/numbers"), {"cookie": sid}),
                ("html", ("GET", f"/tasks/{task}"), {"cookie": sid}),
                ("json", ("POST", "/v1/task/query_done_task_phones"),
                 {"body": {"task_id": task, "page": 1}, "token": a["token"]}),
            ]
            for fmt, (m, p), kw in asks:
                r = c.request(m, p, **kw)
                assert r.status == 200, (p, r)
            # (the overview reads the parts the import kept, task_overview)
            with locked("numbers", "records", "task_overview"):
                for fmt, (m, p), kw in asks:
                    r, took = timed(c, m, p, **kw)
                    assert_503(r, took, (fmt, p), html=fmt == "html")
                r, took = timed(c, "GET", "/readyz")
                assert r.status == 200, "the database itself answers"
            # The lock gone, the same workers and connections answer again.
            for fmt, (m, p), kw in asks:
                assert c.request(m, p, **kw).status == 200, p
            # An export whose summary sheet's statements wait (tasks locked: the task's name
            # and headline). They run before the rows now (the selection's counts are made
            # while the rows stream): a 503 before any row is written.
            with locked("tasks"):
                r, took = timed(c, "GET", "/v1/task/number", token=a["token"],
                                params={"task_id": task, "format": "xlsx"})
                assert_503(r, took, "xlsx, its summary waiting")
            # Authentication is the first statement of a request: under the timeout as well.
            with locked("api_tokens", "sessions"):
                r, took = timed(c, "GET", "/v1/setting/record_level", token=a["token"])
                assert_503(r, took, "token")
                r, took = timed(c, "GET", "/tasks", cookie=sid)
                assert_503(r, took, "session", html=True)
            assert c.get("/v1/setting/record_level", token=a["token"]).status == 200
            # A token revoked after the workers learnt its tenant, while the report's tables
            # are locked: its begin goes with the report's statements (deferred), and the
            # answer is the revoked token's 401, at once, not the statement timeout's 503.
            tok = cli("token", "--user", "alpha").stdout.strip()
            for _ in range(6):
                assert c.get("/v1/task/number", token=tok, params={"task_id": task}).status == 200
            tid = token_line(tok).split()[0]
            cli("token", "--user", "alpha", "--revoke", tid)
            with locked("numbers", "records"):
                for _ in range(4):
                    r, took = timed(c, "GET", "/v1/task/number", token=tok, params={"task_id": task})
                    assert r.status == 401 and took < 3, (r, took)
                    assert r.json()["message"] == "unauthenticated"
            if record:
                assert c.get(f"/v1/record/{record[0][0]}", token=a["token"]).status == 200
        finally:
            c.close()


def test_timeout_in_the_middle_of_an_export_is_503(data):
    """Whole-task XLSX exports under a 60 ms timeout, six at a time: cancelled wherever the
    timeout strikes (before the rows, between batches, in the cursor's CLOSE, whose error
    nobody reads), the answer is 503 or a whole workbook, never 500 (as it was before
    db.c classed "current transaction is aborted" as the failure that aborted it)."""
    a = data["alpha"]
    with Instance(18104, statement_timeout=60) as inst:
        def one(_):
            return http_once("GET", "/v1/task/number", base=inst.base, token=a["token"],
                             params={"task_id": a["tasks"][0], "format": "xlsx"})
        with concurrent.futures.ThreadPoolExecutor(6) as ex:
            got = list(ex.map(one, range(24)))
    assert {r.status for r in got} <= {200, 503}, sorted({r.status for r in got})
    for r in got:
        if r.status == 503:
            assert r.json()["message"] == "database timeout, try again" and r.header("Retry-After")
        else:
            assert r.body[:2] == b"PK"
