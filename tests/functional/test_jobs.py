"""Export jobs (issue 20): a file of a big selection is a job, built by `callreport jobs`.

This module runs its own lighttpd (port CALLREPORT_TEST_PORT + 1000) with
export_async_rows = 1000, and owns the only runner of the test database while it runs
(the suite's server's runner is stopped meanwhile and started again after): each test
starts, kills and stops runners itself. Both servers share jobs_dir (tests/out/jobs).

A tenant "jobs" gets the demo data with one task grown to BIG numbers in SQL (copies of
its rows, recounted), for the long jobs: the browser download, the runner killed, the
cancel. CALLREPORT_JOBS_TEST_DELAY_MS (a test hook of the runner, cli/jobs.c) slows each
10,000 rows so that a test can act in the middle of a job.
"""
import glob
import http.client
import io
import json
import os
import resource
import signal
import subprocess
import threading
import time
import urllib.parse

import openpyxl
import psycopg2
import pytest

from conftest import BASE_URL, BIN, CLI, CONF, OUT, ROOT, cli, get, query, request

PORT = int(os.environ.get("CALLREPORT_TEST_PORT", "18080")) + 1000
BASE = f"http://127.0.0.1:{PORT}"
MAIN_PORT = urllib.parse.urlsplit(BASE_URL).port
VAR = os.path.join(ROOT, "var")
ASYNC_ROWS = 500
BIG = 200000
SCRIPTS = os.path.join(ROOT, "scripts")


def conf_value(key, path=CONF):
    with open(path) as f:
        for line in f:
            k, sep, v = line.partition("=")
            if sep and k.strip() == key:
                return v.strip()
    return None


JOBS_DIR = conf_value("jobs_dir")


def write_conf(name, **keys):
    lines = []
    with open(CONF) as f:
        for line in f:
            if line.partition("=")[0].strip() not in keys:
                lines.append(line.rstrip("\n"))
    lines += [f"{k} = {v}" for k, v in keys.items()]
    path = os.path.join(VAR, name + ".conf")
    with open(path, "w") as f:
        f.write("\n".join(lines) + "\n")
    return path


def env_bin():
    return dict(os.environ, CALLREPORT_BIN=BIN)


@pytest.fixture(scope="module")
def server():
    """Our lighttpd with a low export_async_rows and no runner; the suite's runner stopped."""
    conf = write_conf("jobs-test", export_async_rows=ASYNC_ROWS)
    subprocess.run([os.path.join(SCRIPTS, "jobs.sh"), "stop", os.path.join(VAR, f"jobs-{MAIN_PORT}")],
                   check=True, env=env_bin())
    subprocess.run([os.path.join(SCRIPTS, "web.sh"), "start", str(PORT), conf], check=True,
                   capture_output=True, env=dict(env_bin(), CALLREPORT_JOBS="0"))
    yield {"conf": conf, "base": BASE}
    subprocess.run([os.path.join(SCRIPTS, "web.sh"), "stop", str(PORT)], capture_output=True)
    subprocess.run([os.path.join(SCRIPTS, "jobs.sh"), "start", os.path.join(VAR, f"jobs-{MAIN_PORT}"), CONF],
                   check=True, env=env_bin())


class Runner:
    """bin/callreport jobs with the server's configuration; its stderr in var/jobs-test-runner.log."""

    def __init__(self, conf, delay_ms=0, fsize=None, **env):
        self.conf, self.delay_ms, self.fsize, self.env = conf, delay_ms, fsize, env
        self.p = None

    def start(self):
        env = dict(os.environ, CALLREPORT_CONF=self.conf, **self.env)
        if self.delay_ms:
            env["CALLREPORT_JOBS_TEST_DELAY_MS"] = str(self.delay_ms)
        fsize = self.fsize

        def limits():
            if fsize is not None:
                resource.setrlimit(resource.RLIMIT_FSIZE, (fsize, fsize))
        log = open(os.path.join(VAR, "jobs-test-runner.log"), "a")
        self.p = subprocess.Popen([CLI, "jobs"], env=env, stdin=subprocess.DEVNULL, stdout=log,
                                  stderr=log, preexec_fn=limits)
        log.close()
        return self

    def kill9(self):
        os.kill(self.p.pid, signal.SIGKILL)
        self.p.wait(10)

    def stop(self):
        if self.p and self.p.poll() is None:
            self.p.terminate()
            self.p.wait(20)

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()


def wait_for(pred, timeout=60, step=0.1, what="condition"):
    end = time.time() + timeout
    while time.time() < end:
        v = pred()
        if v:
            return v
        time.sleep(step)
    raise AssertionError(f"timed out waiting for {what}")


def job_state(db, jid):
    r = query(db, "SELECT state, rows_done, total, attempts, error, size FROM export_jobs WHERE id = %s", jid)
    return dict(zip(("state", "rows", "total", "attempts", "error", "size"), r[0])) if r else None


@pytest.fixture(scope="module")
def jobs_tenant(db, data):
    """Tenant "jobs": demo data, one task grown to BIG numbers; its token, id, tasks."""
    if not query(db, "SELECT FROM tenants WHERE name = 'jobs'"):
        path = os.path.join(OUT, "jobs.jsonl")
        with open(path, "w") as f:
            subprocess.run([CLI, "demo-data", "--tenant", "jobs"], stdout=f, check=True)
        cli("import", "--user", "jobs", path)
        os.unlink(path)
        tid = query(db, "SELECT id FROM tenants WHERE name = 'jobs'")[0][0]
        task, n = query(db, "SELECT task_id, count(*) FROM numbers WHERE user_id = %s "
                            "GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 1", tid)[0]
        copies = (BIG + n - 1) // n
        with db.cursor() as c:
            c.execute("""
                INSERT INTO numbers (id, user_id, task_id, number, status, province_id, city_id,
                                     operator, is_blacklist, callid, calldate, bill, duration,
                                     hangupcause, hangupdate, answerdate)
                SELECT m.top + row_number() OVER (ORDER BY g, n.id), n.user_id, n.task_id,
                       lpad((13900000000 + row_number() OVER (ORDER BY g, n.id))::text, 11, '0'),
                       n.status, n.province_id, n.city_id, n.operator, n.is_blacklist, NULL,
                       n.calldate, n.bill, n.duration, n.hangupcause, n.hangupdate, n.answerdate
                  FROM numbers n, generate_series(1, %s) g, (SELECT max(id) AS top FROM numbers) m
                 WHERE n.task_id = %s""", (copies - 1, task))
            c.execute("DELETE FROM numbers WHERE id IN (SELECT id FROM numbers WHERE task_id = %s "
                      "ORDER BY id DESC LIMIT (SELECT count(*) - %s FROM numbers WHERE task_id = %s))",
                      (task, BIG, task))
            c.execute("SELECT callreport_recount(%s, ARRAY[%s]::uuid[])", (tid, task))
            c.execute("VACUUM ANALYZE numbers")
    tid = query(db, "SELECT id::text FROM tenants WHERE name = 'jobs'")[0][0]
    task = query(db, "SELECT task_id::text FROM numbers WHERE user_id = %s GROUP BY 1 "
                     "ORDER BY count(*) DESC LIMIT 1", tid)[0][0]
    assert query(db, "SELECT count(*) FROM numbers WHERE task_id = %s", task)[0][0] == BIG
    token = cli("token", "--user", "jobs").stdout.strip()
    cli("passwd", "--user", "jobs", input="jobs-password\n")
    return {"token": token, "tenant_id": tid, "big_task": task}


@pytest.fixture(autouse=True)
def empty_queue(db):
    """Each test starts with no job waiting or running (an earlier test's left over)."""
    query(db, "UPDATE export_jobs SET state = 'cancelled', finished_at = now() "
              "WHERE state IN ('queued', 'running') RETURNING id")
    yield


def make_job(token, task, fmt="xlsx", params=None):
    """Asks for a file of task's numbers as an API client; returns (response, job id)."""
    r = get("/v1/task/number", token, dict({"task_id": task, "format": fmt}, **(params or {})), base=BASE)
    assert r.status == 202, (r.status, r.body[:300])
    body = r.json()
    loc = r.header("Location")
    assert loc == f"/exports/{body['data']['id']}" and body["data"]["url"] == loc
    return r, body["data"]["id"]


def files_of(tenant):
    return sorted(os.listdir(os.path.join(JOBS_DIR, tenant))) if os.path.isdir(os.path.join(JOBS_DIR, tenant)) else []


def read_rows(body):
    wb = openpyxl.load_workbook(io.BytesIO(body), read_only=True)
    sheets = [ws for ws in wb.worksheets if ws.title != "汇总"]
    rows = [list(r) for ws in sheets for r in ws.iter_rows(values_only=True)]
    wb.close()
    return rows


def test_small_selection_is_built_in_the_request(server, data):
    """At most export_async_rows rows: the file itself, as before (no job)."""
    tok = data["alpha"]["token"]
    r = get("/v1/task/number", tok, {"task_id": data["alpha"]["tasks"][0], "format": "xlsx",
                                     "status[]": "1"}, base=BASE)
    # (a selection of one status of a 3000-number task: under the threshold, or a job)
    n = get("/v1/task/number", tok, {"task_id": data["alpha"]["tasks"][0], "status[]": "1"}, base=BASE).json()
    if n["data"]["total"] <= ASYNC_ROWS:
        assert r.status == 200 and r.header("Content-Type").startswith("application/vnd.openxml")
    else:
        assert r.status == 202


def test_api_job_202_progress_303_file(server, data, db):
    """(a) 202 + Location, JSON progress while it runs, 303 to the file, the same rows as
    the same selection built in the request (by the suite's server: no threshold there)."""
    tok, task = data["alpha"]["token"], data["alpha"]["tasks"][0]
    r, jid = make_job(tok, task)
    d = r.json()
    assert d["code"] == 202 and d["status"] == "ok"
    assert d["data"]["state"] == "queued" and d["data"]["rows"] == 0
    total = d["data"]["total"]
    assert total == query(db, "SELECT count(*) FROM numbers WHERE task_id = %s", task)[0][0] > ASYNC_ROWS
    # Queued while no runner runs: the job's URL answers its state as JSON.
    s = get(f"/exports/{jid}", tok, base=BASE)
    assert s.status == 200 and s.json()["data"]["state"] == "queued" and s.json()["data"]["total"] == total
    assert s.json()["data"]["file_url"] is None
    seen = set()
    with Runner(server["conf"], delay_ms=300):
        def done():
            s = get(f"/exports/{jid}", tok, base=BASE)
            if s.status == 200:
                j = s.json()["data"]
                assert j["total"] == total and 0 <= j["rows"] <= total
                seen.add(j["state"])
                return None
            return s
        s = wait_for(done, 60, 0.05, "the job to finish")
    assert s.status == 303
    assert s.header("Location") == f"/exports/{jid}/file"
    j = s.json()["data"]
    assert j["state"] == "done" and j["rows"] == total and j["percent"] == 100 and j["size"] > 0
    assert "running" in seen, seen
    f = get(s.header("Location"), tok, base=BASE)
    assert f.status == 200 and f.header("Content-Type").startswith("application/vnd.openxml")
    assert int(f.header("Content-Length")) == j["size"] == len(f.body)
    assert "filename*=UTF-8''" in f.header("Content-Disposition")
    sync = get("/v1/task/number", tok, {"task_id": task, "format": "xlsx"})   # the suite's server
    assert sync.status == 200
    a, b = read_rows(f.body), read_rows(sync.body)
    assert len(a) == total + 1 and a == b
    # Range: the existing file answer's (206, Content-Range), the bytes of the file.
    p = get(f"/exports/{jid}/file", tok, base=BASE, headers={"Range": "bytes=10-109"})
    assert p.status == 206 and p.body == f.body[10:110]
    assert p.header("Content-Range") == f"bytes 10-109/{len(f.body)}"
    # The file lives under jobs_dir/<tenant>/, and nothing else is there.
    assert f"{jid}.xlsx" in files_of(data["alpha"]["tenant_id"])
    assert not [x for x in files_of(data["alpha"]["tenant_id"]) if x.startswith("callreport-")]
    assert job_state(db, jid)["attempts"] == 1


def test_csv_job_and_post_report(server, data, db):
    """A CSV job, and a job of a POST report (its body kept and replayed)."""
    tok, task = data["alpha"]["token"], data["alpha"]["tasks"][0]
    r, jid = make_job(tok, task, "csv")
    body = {"task_id": task, "levels": [[0, 1000]]}
    p = request("POST", "/v1/task/query_done_task_phones", tok, body=body, base=BASE,
                params={"format": "xlsx"})
    total = request("POST", "/v1/task/query_done_task_phones", tok,
                    body={"task_id": task, "levels": [[0, 1000]]}, base=BASE).json()["total"]
    assert total > ASYNC_ROWS and p.status == 202, (total, p.status, p.body[:200])
    pid = p.json()["data"]["id"]
    assert p.json()["data"]["total"] == total
    with Runner(server["conf"]):
        wait_for(lambda: job_state(db, jid)["state"] == "done", 60, 0.1, "the csv job")
        wait_for(lambda: job_state(db, pid)["state"] == "done", 60, 0.1, "the post job")
    f = get(f"/exports/{jid}/file", tok, base=BASE)
    assert f.status == 200 and f.header("Content-Type").startswith("text/csv")
    sync = get("/v1/task/number", tok, {"task_id": task, "format": "csv"})
    assert f.body == sync.body
    f = get(f"/exports/{pid}/file", tok, base=BASE)
    sync = request("POST", "/v1/task/query_done_task_phones", tok, body=body, params={"format": "xlsx"})
    assert sync.status == 200
    assert read_rows(f.body) == read_rows(sync.body) and len(read_rows(f.body)) == total + 1


def test_tenant_isolation(server, data, db):
    """(d) Another tenant's job answers exactly as a missing one; /exports lists only the
    tenant's jobs; the web role sees and changes only its tenant's rows (RLS, in SQL)."""
    a, b = data["alpha"], data["beta"]
    _, jid = make_job(a["token"], a["tasks"][0])
    _, bid = make_job(b["token"], b["tasks"][0])
    missing = "00000000-0000-4000-8000-000000000000"
    for path in ("/exports/{}", "/exports/{}/file"):
        other = get(path.format(jid), b["token"], base=BASE)
        gone = get(path.format(missing), b["token"], base=BASE)
        assert other.status == gone.status == 404
        assert other.body == gone.body
        assert other.json() == {"code": 404, "status": "error", "message": "not found"}
    for method in ("POST", "DELETE"):
        other = request(method, f"/exports/{jid}", b["token"], base=BASE)
        gone = request(method, f"/exports/{missing}", b["token"], base=BASE)
        assert other.status == gone.status == 404 and other.body == gone.body
    assert job_state(db, jid)["state"] == "queued"       # beta's cancel did nothing
    lst = get("/exports", a["token"], base=BASE)
    assert lst.status == 200
    ids = {j["id"] for j in lst.json()["data"]}
    assert jid in ids and bid not in ids
    mine = {r[0] for r in query(db, "SELECT id::text FROM export_jobs WHERE user_id = %s", a["tenant_id"])}
    assert ids == mine or (len(ids) == 100 and ids <= mine)
    html = get("/exports", a["token"], base=BASE, headers={"Accept": "text/html"})
    assert html.status == 200 and jid in html.text and bid not in html.text
    # Row-level security under the program: the web role as alpha sees alpha's jobs only,
    # cannot insert one for beta, cannot touch beta's, cannot write a state or a size.
    web = psycopg2.connect(conf_value("db"))
    try:
        with web.cursor() as c:
            c.execute("SELECT set_config('callreport.tenant', %s, false)", (a["tenant_id"],))
            c.execute("SELECT DISTINCT user_id::text FROM export_jobs")
            assert c.fetchall() == [(a["tenant_id"],)]
            c.execute("SELECT count(*) FROM export_jobs WHERE id = %s", (bid,))
            assert c.fetchone()[0] == 0
            c.execute("UPDATE export_jobs SET cancel = true WHERE id = %s", (bid,))
            assert c.rowcount == 0
            with pytest.raises(psycopg2.Error):
                c.execute("INSERT INTO export_jobs (report, title, format, method, path, clock, total, user_id)"
                          " VALUES ('x', 'x', 'xlsx', 'GET', '/', 0, 1, %s)", (b["tenant_id"],))
            web.rollback()
            c.execute("SELECT set_config('callreport.tenant', %s, false)", (a["tenant_id"],))
            with pytest.raises(psycopg2.Error):
                c.execute("UPDATE export_jobs SET state = 'done' WHERE id = %s", (jid,))
            web.rollback()
            c.execute("SELECT set_config('callreport.tenant', %s, false)", (a["tenant_id"],))
            with pytest.raises(psycopg2.Error):
                c.execute("INSERT INTO export_jobs (report, title, format, method, path, clock, total, user_id)"
                          " VALUES ('x', 'x', 'xlsx', 'GET', '/', 0, 1, %s)", (b["tenant_id"],))
            web.rollback()
    finally:
        web.close()
    # cleanup: leave no queued job to the next tests
    for t, i in ((a["token"], jid), (b["token"], bid)):
        assert request("DELETE", f"/exports/{i}", t, base=BASE).json()["data"]["state"] == "cancelling"
    with Runner(server["conf"]):
        wait_for(lambda: job_state(db, jid)["state"] == job_state(db, bid)["state"] == "cancelled",
                 30, 0.1, "the cancelled jobs")


def test_bad_job_ids(server, data):
    """(h) Not a UUID: 400 naming job_id, in JSON and on the page."""
    tok = data["alpha"]["token"]
    for bad in ("x", "1", "00000000-0000-4000-8000-00000000000", "'; DROP TABLE export_jobs; --"):
        for path in ("/exports/" + urllib.parse.quote(bad, safe=""), "/exports/" + urllib.parse.quote(bad, safe="") + "/file"):
            r = get(path, tok, base=BASE)
            assert r.status == 400, (bad, r.status)
            assert r.json() == {"code": 400, "status": "error", "message": "job_id must be a UUID"}
        r = request("DELETE", "/exports/" + urllib.parse.quote(bad, safe=""), tok, base=BASE)
        assert r.status == 400 and "job_id" in r.json()["message"]
    r = get("/exports/nope", tok, base=BASE, headers={"Accept": "text/html"})
    assert r.status == 400 and "导出任务ID" in r.text
    assert get("/exports/00000000-0000-4000-8000-000000000000", tok, base=BASE).status == 404
    assert get("/exports", None, base=BASE).status == 401


def secs_text(s):
    """The page's "m:ss" (or "h:mm:ss") of a number of seconds (jobs_page.c)."""
    return f"{s // 3600}:{s // 60 % 60:02d}:{s % 60:02d}" if s >= 3600 else f"{s // 60}:{s % 60:02d}"


def eta(elapsed, rows, total):
    """The seconds a running job still needs at its pace, rounded as job_eta does."""
    return int(elapsed * (total - rows) / rows + 0.5)


def test_progress_page_shows_what_the_json_says(server, data, db):
    """The progress page (HTML) and the job's JSON from the same row, at each state:
    queued (0 rows, reloads itself, a cancel button), running (rows of the total, the
    percent, the time so far and the estimate), done (no reload, the download link)."""
    tok, task = data["alpha"]["token"], data["alpha"]["tasks"][0]
    _, jid = make_job(tok, task)
    html = {"Accept": "text/html"}

    def both():
        p = get(f"/exports/{jid}", tok, base=BASE, headers=html)
        j = get(f"/exports/{jid}", tok, base=BASE)
        assert p.status == 200 and p.header("Content-Type").startswith("text/html")
        assert p.header("Cache-Control") == j.header("Cache-Control") == "private, no-store"
        return p.text, j
    try:
        page, j = both()
        d = j.json()["data"]
        assert j.status == 200 and d["state"] == "queued" and d["rows"] == 0
        assert 'data-state="queued"' in page and '<meta http-equiv="refresh" content="2">' in page
        assert f'<dd id="job-rows">0 / {d["total"]}</dd>' in page
        assert 'id="job-cancel"' in page and 'id="job-file"' not in page and "预计剩余" not in page
        # Running: a quarter written in 30 s (the row set as the runner would).
        total = d["total"]
        rows = total // 4
        query(db, "UPDATE export_jobs SET state = 'running', rows_done = %s, "
                  "started_at = now() - interval '30 seconds' WHERE id = %s RETURNING id", rows, jid)
        page, j = both()
        d = j.json()["data"]
        assert d["state"] == "running" and d["rows"] == rows and d["percent"] == rows * 100 // total
        assert 30 <= d["elapsed"] <= 32 and d["eta"] == eta(d["elapsed"], rows, total)
        assert 'data-state="running"' in page and '<meta http-equiv="refresh" content="2">' in page
        assert f'<dd id="job-rows">{rows} / {total}</dd>' in page
        assert f'<progress id="job-progress" max="{total}" value="{rows}">{d["percent"]}%</progress>' in page
        # (the page was made just before the JSON: a second sooner at most)
        assert any(f"<dt>已用时间</dt><dd>{secs_text(e)}</dd>" in page
                   and f"<dt>预计剩余</dt><dd>{secs_text(eta(e, rows, total))}</dd>" in page
                   for e in (d["elapsed"] - 1, d["elapsed"])), page
        assert 'id="job-cancel"' in page and 'id="job-file"' not in page
        # Done: the link to the file, no reload, no button.
        query(db, "UPDATE export_jobs SET state = 'done', rows_done = total, finished_at = now(), "
                  "size = 12345 WHERE id = %s RETURNING id", jid)
        page, j = both()
        assert j.status == 303 and j.header("Location") == f"/exports/{jid}/file"
        d = j.json()["data"]
        assert d["state"] == "done" and d["percent"] == 100 and d["size"] == 12345 and d["eta"] is None
        assert 'data-state="done"' in page and "http-equiv" not in page
        assert f'<a id="job-file" href="/exports/{jid}/file">' in page and "12.1 KB" in page
        assert 'id="job-cancel"' not in page and f'<dd id="job-rows">{total} / {total}</dd>' in page
    finally:
        query(db, "UPDATE export_jobs SET state = 'cancelled' WHERE id = %s RETURNING id", jid)


def test_revoked_token_refused_on_the_job_pages(server, data):
    """The pages of jobs send their begin with their one statement (a worker's guess of
    the tenant a token stands for, checked in the same round trip): a token revoked after
    every worker has seen it is refused at once, on the JSON, the page, the file and the list."""
    tok = cli("token", "--user", "alpha").stdout.strip()
    _, jid = make_job(tok, data["alpha"]["tasks"][0])
    paths = [f"/exports/{jid}", f"/exports/{jid}?format=html", f"/exports/{jid}/file", "/exports"]
    for _ in range(4):
        for path in paths:
            assert get(path, tok, base=BASE).status in (200, 409), path
    line = next(x for x in cli("token", "--user", "alpha", "--list").stdout.splitlines()
                if tok[:10] in x)
    cli("token", "--user", "alpha", "--revoke", line.split()[0])
    for _ in range(4):
        for path in paths:
            r = get(path, tok, base=BASE)
            assert r.status == 401, (path, r.status)
    r = get(f"/exports/{jid}", data["alpha"]["token"], base=BASE)
    assert r.status == 200 and r.json()["data"]["id"] == jid
    assert request("DELETE", f"/exports/{jid}", data["alpha"]["token"], base=BASE).status == 200


def test_cancel_stops_a_running_job(server, jobs_tenant, db):
    """(e) A cancel (POST on the job's URL, as the page's button does) stops a running job
    between batches: cancelled, no file, no temporary file."""
    tok, task = jobs_tenant["token"], jobs_tenant["big_task"]
    _, jid = make_job(tok, task)
    with Runner(server["conf"], delay_ms=400):
        wait_for(lambda: job_state(db, jid)["rows"] > 0, 60, 0.05, "the job to write rows")
        r = request("POST", f"/exports/{jid}", tok, base=BASE)
        assert r.status == 200 and r.json()["data"]["state"] == "cancelling"
        wait_for(lambda: job_state(db, jid)["state"] == "cancelled", 30, 0.1, "the job to stop")
    st = job_state(db, jid)
    assert 0 < st["rows"] < BIG and st["size"] is None
    time.sleep(0.2)
    assert not [x for x in files_of(jobs_tenant["tenant_id"]) if x.startswith("callreport-") or jid in x]
    r = get(f"/exports/{jid}", tok, base=BASE)
    assert r.status == 200 and r.json()["data"]["state"] == "cancelled"
    assert get(f"/exports/{jid}/file", tok, base=BASE).status == 409


def test_job_waits_while_the_pages_are_served(server, jobs_tenant, db):
    """A running job gives way to the web workers (cli/jobs.c, give_way; base/beacon.c):
    while requests are served back to back it writes no batch (unhindered it writes one
    every few tenths of a second), and once they stop it goes on and completes."""
    tok, task = jobs_tenant["token"], jobs_tenant["big_task"]
    _, jid = make_job(tok, task)
    stop, statuses = threading.Event(), set()

    def hammer():
        u = urllib.parse.urlsplit(BASE)
        c = http.client.HTTPConnection(u.hostname, u.port, timeout=30)
        while not stop.is_set():
            c.request("GET", "/v1/setting/record_level", headers={"Authorization": "Bearer " + tok})
            r = c.getresponse()
            r.read()
            statuses.add(r.status)
        c.close()

    with Runner(server["conf"], delay_ms=300):
        wait_for(lambda: job_state(db, jid)["rows"] > 0, 60, 0.05, "the job to write rows")
        start = job_state(db, jid)["rows"]
        time.sleep(2.0)
        alone = job_state(db, jid)["rows"] - start
        threads = [threading.Thread(target=hammer) for _ in range(3)]
        for t in threads:
            t.start()
        try:
            time.sleep(1.0)
            before = job_state(db, jid)["rows"]
            time.sleep(3.0)
            now = job_state(db, jid)
            during = now["rows"] - before
            # (still running: a job that had ended would prove nothing)
            assert now["state"] == "running" and now["rows"] < BIG, now
        finally:
            stop.set()
            for t in threads:
                t.join()
        wait_for(lambda: job_state(db, jid)["state"] == "done", 120, 0.2, "the job to end")
    st = job_state(db, jid)
    # Alone, two seconds wrote at least a batch (10,000 rows): the pages' three seconds did not.
    assert alone >= 10000 and during < 10000, (alone, during)
    assert statuses <= {200, 429} and 200 in statuses, statuses
    assert st["rows"] == BIG and st["size"] > 0


def test_runner_killed_job_runs_again(server, jobs_tenant, db):
    """(c) kill -9 of the runner in the middle of a job: the runner started again runs the
    job again, it completes, the file is whole and no partial file is left; a job whose
    runner is killed twice is failed with the reason."""
    tok, task, tenant = jobs_tenant["token"], jobs_tenant["big_task"], jobs_tenant["tenant_id"]
    _, jid = make_job(tok, task)
    r = Runner(server["conf"], delay_ms=300).start()
    wait_for(lambda: job_state(db, jid)["rows"] > 0, 60, 0.05, "the job to write rows")
    assert [x for x in files_of(tenant) if x.startswith("callreport-")]   # being written
    r.kill9()
    assert job_state(db, jid)["state"] == "running"
    with Runner(server["conf"]):
        wait_for(lambda: job_state(db, jid)["state"] == "done", 120, 0.2, "the job run again")
        wait_for(lambda: not [x for x in files_of(tenant) if x.startswith("callreport-")], 15, 0.2,
                 "the partial file removed")
    st = job_state(db, jid)
    assert st["attempts"] == 2 and st["rows"] == BIG
    f = get(f"/exports/{jid}/file", tok, base=BASE)
    assert f.status == 200 and len(f.body) == st["size"]
    rows = read_rows(f.body)
    assert len(rows) == BIG + 1
    assert not [x for x in files_of(tenant) if x.startswith("callreport-")]
    # Killed twice: failed, with the reason.
    _, jid2 = make_job(tok, task)
    for k in range(2):
        r = Runner(server["conf"], delay_ms=300).start()

        def writing():
            st = job_state(db, jid2)
            return st["state"] == "running" and st["rows"] > 0 and st["attempts"] == k + 1
        wait_for(writing, 60, 0.05, "the job to write rows")
        r.kill9()
    with Runner(server["conf"]):
        wait_for(lambda: job_state(db, jid2)["state"] == "failed", 30, 0.1, "the job failed")
        # the killed runs' temporary files go at the runner's next cleanup (every 5 s)
        wait_for(lambda: not [x for x in files_of(tenant) if x.startswith("callreport-")], 15, 0.2,
                 "the partial files removed")
    st = job_state(db, jid2)
    assert st["attempts"] == 2 and "runner died" in st["error"] and "2 times" in st["error"]
    j = get(f"/exports/{jid2}", tok, base=BASE).json()["data"]
    assert j["state"] == "failed" and j["error"] == st["error"] and j["file_url"] is None
    assert get(f"/exports/{jid2}/file", tok, base=BASE).status == 409
    assert not [x for x in files_of(tenant) if x.startswith("callreport-") or jid2 in x]


def test_full_disk_fails_the_job(server, data, db):
    """(g) No room for the file (a file size limit on the runner: RLIMIT_FSIZE, the
    runner ignores SIGXFSZ so a write fails with EFBIG): failed with the reason, no file."""
    tok, task, tenant = data["alpha"]["token"], data["alpha"]["tasks"][0], data["alpha"]["tenant_id"]
    _, jid = make_job(tok, task, "csv")
    _, xid = make_job(tok, task, "xlsx")
    with Runner(server["conf"], fsize=64 * 1024):
        wait_for(lambda: job_state(db, jid)["state"] == "failed" and job_state(db, xid)["state"] == "failed",
                 60, 0.1, "the jobs to fail")
    for i, what in ((jid, "could not write the file"), (xid, "could not write the workbook")):
        st = job_state(db, i)
        assert what in st["error"] and st["size"] is None, st
        j = get(f"/exports/{i}", tok, base=BASE).json()["data"]
        assert j["state"] == "failed" and j["error"] == st["error"] and j["file_url"] is None
        assert get(f"/exports/{i}/file", tok, base=BASE).status == 409
    assert "File too large" in job_state(db, jid)["error"]
    assert not [x for x in files_of(tenant) if x.startswith("callreport-") or jid in x or xid in x]


def test_full_tmpfs_fails_the_job(server, data, db, tmp_path):
    """(g) jobs_dir on a tiny tmpfs (when this runs as root): failed with the reason, no file."""
    if os.geteuid() != 0:
        pytest.skip("mounting a tmpfs needs root")
    mnt = tmp_path / "tiny"
    mnt.mkdir()
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=256k", "tmpfs", str(mnt)]).returncode != 0:
        pytest.skip("cannot mount a tmpfs here")
    try:
        conf = write_conf("jobs-tiny", export_async_rows=ASYNC_ROWS, jobs_dir=str(mnt))
        tok, task, tenant = data["alpha"]["token"], data["alpha"]["tasks"][0], data["alpha"]["tenant_id"]
        _, jid = make_job(tok, task, "xlsx")
        with Runner(conf):
            wait_for(lambda: job_state(db, jid)["state"] == "failed", 60, 0.1, "the job to fail")
        st = job_state(db, jid)
        assert st["size"] is None and ("space" in st["error"] or "could not write" in st["error"]), st
        assert os.listdir(mnt / tenant) == []
    finally:
        subprocess.run(["umount", str(mnt)])


def test_retention_expires_files(server, data, db):
    """(f) A file past jobs_retention is deleted and its job marked expired."""
    tok, task, tenant = data["alpha"]["token"], data["alpha"]["tasks"][0], data["alpha"]["tenant_id"]
    _, jid = make_job(tok, task, "csv")
    with Runner(server["conf"]):
        wait_for(lambda: job_state(db, jid)["state"] == "done", 60, 0.1, "the job")
        assert f"{jid}.csv" in files_of(tenant)
        # finished a day and a minute ago (the retention is 24 h)
        query(db, "UPDATE export_jobs SET finished_at = now() - interval '1 day 1 minute' "
                  "WHERE id = %s RETURNING id", jid)
        wait_for(lambda: job_state(db, jid)["state"] == "expired", 30, 0.2, "the job to expire")
    assert f"{jid}.csv" not in files_of(tenant)
    r = get(f"/exports/{jid}", tok, base=BASE)
    assert r.status == 200 and r.json()["data"]["state"] == "expired" and r.json()["data"]["file_url"] is None
    assert get(f"/exports/{jid}/file", tok, base=BASE).status == 409


def test_fairness_between_tenants(server, data, db):
    """Round-robin by tenant: three jobs of alpha queued first, then one of beta; beta's
    is the second built, not the fourth."""
    a, b = data["alpha"], data["beta"]
    ids = [make_job(a["token"], a["tasks"][0], "csv")[1] for _ in range(3)]
    time.sleep(0.01)
    bid = make_job(b["token"], b["tasks"][0], "csv")[1]
    with Runner(server["conf"]):
        wait_for(lambda: all(job_state(db, i)["state"] == "done" for i in ids + [bid]), 90, 0.2, "the jobs")
    order = [r[0] for r in query(db, "SELECT id::text FROM export_jobs WHERE id = ANY(%s::uuid[]) "
                                     "ORDER BY started_at", ids + [bid])]
    assert order.index(bid) <= 1, order


CHROMIUM = "/usr/bin/chromium"
DRIVER = "/usr/bin/chromedriver"


def test_browser_downloads_through_the_progress_page(server, jobs_tenant, db, tmp_path):
    """(b) Chromium: the numbers page's XLSX link of a 200,000-number task leads to the
    progress page, which reloads itself (no script) until it shows the link; the workbook
    downloaded has every row."""
    webdriver = pytest.importorskip("selenium.webdriver")
    from selenium.webdriver.chrome.options import Options
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait
    if not (os.access(CHROMIUM, os.X_OK) and os.access(DRIVER, os.X_OK)):
        pytest.skip("chromium and chromium-driver are not installed (scripts/deps.sh check)")
    down = tmp_path / "downloads"
    down.mkdir()
    o = Options()
    for f in ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
              "--disable-background-networking", "--disable-component-update", "--disable-sync",
              "--window-size=1280,900", "--lang=zh-CN", "--user-data-dir=" + str(tmp_path / "profile")]:
        o.add_argument(f)
    o.binary_location = CHROMIUM
    o.add_experimental_option("prefs", {"download.default_directory": str(down),
                                        "download.prompt_for_download": False})
    b = webdriver.Chrome(service=Service(DRIVER), options=o)
    b.set_page_load_timeout(60)
    b.implicitly_wait(2)
    task = jobs_tenant["big_task"]
    try:
        b.execute_cdp_cmd("Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(down)})
        b.get(BASE + "/login")
        b.find_element(By.CSS_SELECTOR, "#name").send_keys("jobs")
        b.find_element(By.CSS_SELECTOR, "#password").send_keys("jobs-password")
        b.find_element(By.CSS_SELECTOR, "section.login button[type=submit]").click()
        WebDriverWait(b, 30).until(lambda d: "/login" not in d.current_url)
        b.get(f"{BASE}/tasks/{task}/numbers")
        assert b.find_element(By.CSS_SELECTOR, "#total").text.replace(",", "") == str(BIG)
        b.find_element(By.CSS_SELECTOR, "#xlsx").click()
        WebDriverWait(b, 30).until(lambda d: "/exports/" in d.current_url)
        jid = b.current_url.rsplit("/", 1)[1]
        assert job_state(db, jid)["total"] == BIG
        # The page reloads itself: a mark set on this document is gone once it has.
        assert b.find_element(By.CSS_SELECTOR, "#job-state").get_attribute("data-state") == "queued"
        assert b.find_element(By.CSS_SELECTOR, "meta[http-equiv=refresh]")
        b.execute_script("window.__mark = 1")
        states = set()
        with Runner(server["conf"], delay_ms=150):
            def link(d):
                try:
                    states.add(d.find_element(By.CSS_SELECTOR, "#job-state").get_attribute("data-state"))
                    return d.find_elements(By.CSS_SELECTOR, "#job-file")
                except Exception:
                    return None
            WebDriverWait(b, 180, 0.2).until(link)
        states.add(b.find_element(By.CSS_SELECTOR, "#job-state").get_attribute("data-state"))
        assert b.execute_script("return window.__mark") is None
        assert "running" in states and "done" in states, states
        assert not b.find_elements(By.CSS_SELECTOR, "meta[http-equiv=refresh]")
        b.find_element(By.CSS_SELECTOR, "#job-file").click()
        got = wait_for(lambda: [f for f in os.listdir(down) if f.endswith(".xlsx")], 60, 0.2, "the download")
        path = os.path.join(down, got[0])
        wait_for(lambda: os.path.getsize(path) == job_state(db, jid)["size"], 30, 0.2, "the whole file")
        with open(path, "rb") as f:
            rows = read_rows(f.read())
        assert len(rows) == BIG + 1
        # /exports lists it with its link
        b.get(BASE + "/exports")
        row = b.find_element(By.CSS_SELECTOR, f"tr[data-id='{jid}']")
        assert row.get_attribute("data-state") == "done"
        assert row.find_element(By.LINK_TEXT, "下载").get_attribute("href").endswith(f"/exports/{jid}/file")
    finally:
        b.quit()
