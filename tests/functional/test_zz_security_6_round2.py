"""Security, round 2 (issue 15): what a tenant with a token could still do to
everyone else. Findings 3 (cheap requests that cost a full scan), 7 (CSRF on
sign-in and sign-out), 8 (the sign-in limit), 9 (next= with control bytes),
10 (JSON strings cut at NUL) and 11 (headers). Finding 1 is
test_zz_security_5_memory.py. Each test failed on the code before its fix.
"""
import threading
import urllib.parse

import psycopg2

from conftest import SUPER_DSN, cli, get, post, query, request
from security_lib import MISSING_UUID, Client, Instance, http_once, login


def test_set_filters_take_at_most_100_values(data):
    a = data["alpha"]
    task = a["tasks"][0]
    body = {"task_id": task, "levels": [[k, k + 1] for k in range(101)]}
    r = post("/v1/task/query_done_task_phones", a["token"], body)
    assert r.status == 400 and r.json()["message"] == "levels takes at most 100 values"
    body["levels"] = body["levels"][:100]
    r = post("/v1/task/query_done_task_phones", a["token"], body)
    assert r.status == 200 and isinstance(r.json()["data"], list)
    r = get("/v1/task/number", a["token"], [("task_id", task)] + [("status[]", "1")] * 101)
    assert r.status == 400 and r.json()["message"] == "status takes at most 100 values"


def test_a_page_past_the_last_runs_no_page_statement(data):
    """regions, which only the page statement reads (the names of the page's rows' places),
    is locked: a page past the last one is answered from the count alone instead of walking
    the selection. (call_histories, locked before, the count reads now: numbers over a period.)"""
    a = data["alpha"]
    task = a["tasks"][0]
    first = get("/v1/task/number", a["token"], {"task_id": task}).json()["data"]
    lock = psycopg2.connect(SUPER_DSN)
    try:
        with lock.cursor() as c:
            c.execute("LOCK TABLE regions IN ACCESS EXCLUSIVE MODE")
            r = get("/v1/task/number", a["token"], {"task_id": task, "page": 1000000000})
    finally:
        lock.rollback()
        lock.close()
    assert r.status == 200, r.body[:200]
    assert r.json()["data"] == {"data": [], "total": first["total"], "last_page": first["last_page"]}
    # A page in range still has its rows.
    r = get("/v1/task/number", a["token"], {"task_id": task, "page": first["last_page"]})
    assert len(r.json()["data"]["data"]) == first["total"] - 15 * (first["last_page"] - 1)


def form(**kw):
    return urllib.parse.urlencode(kw)


def test_cross_site_sign_in_and_out_refused(data):
    a = data["alpha"]
    creds = form(name="alpha", password=a["password"])
    for headers in ({"Origin": "http://evil.example"}, {"Origin": "null"},
                    {"Sec-Fetch-Site": "cross-site"}, {"Sec-Fetch-Site": "same-site"}):
        r = http_once("POST", "/login", body=creds, headers=headers)
        assert r.status == 403, (headers, r)
        assert not any(k.lower() == "set-cookie" for k, _ in r.headers)
    # A page's text/plain body (a form with enctype=text/plain) is no sign-in.
    r = http_once("POST", "/login", body=creds, headers={"Content-Type": "text/plain"})
    assert r.status == 415
    # The site's own form (same origin) and a client without those headers sign in.
    r, sid = login("alpha", a["password"])
    assert r.status == 303 and sid
    c = Client()
    origin = f"http://{c.host}:{c.port}"
    r = c.request("POST", "/login", body=creds, headers={"Origin": origin, "Sec-Fetch-Site": "same-origin"})
    assert r.status == 303
    # Sign-out from another site leaves the session alone.
    r = c.request("POST", "/logout", cookie=sid, body="", headers={"Origin": "http://evil.example"})
    assert r.status == 403
    assert c.request("GET", "/tasks", cookie=sid).status == 200
    r = c.request("POST", "/logout", cookie=sid, body="", headers={"Origin": origin})
    assert r.status == 303
    c.close()


def test_next_with_control_bytes_stays_on_the_site(data):
    a = data["alpha"]
    for nxt in ("/\x0b/evil.example", "/\t/evil.example", "/\\evil.example",
                "//evil.example", "/tasks\x7f", "/任务"):
        r = http_once("POST", "/login", body=form(name="alpha", password=a["password"], next=nxt))
        assert r.status == 303, (nxt, r)
        loc = r.header("Location")
        # Refused: the start page (the base path's "/").
        assert loc.endswith("/") and "evil" not in loc and all(0x21 <= ord(ch) < 0x7f for ch in loc), (nxt, loc)
    r = http_once("POST", "/login", body=form(name="alpha", password=a["password"], next="/tasks?page=2"))
    assert r.header("Location").endswith("/tasks?page=2")


def test_json_string_with_nul_is_refused(data):
    a = data["alpha"]
    raw = '{"task_id": "%s", "keyword": "1\\u0000x"}' % a["tasks"][0]
    r = request("POST", "/v1/task/query_done_task_phones", a["token"], body=raw.encode(),
                headers={"Content-Type": "application/json"})
    assert r.status == 400 and r.json()["message"] == "keyword must not contain a NUL character"


def test_forged_validator_for_a_missing_id_is_404(data):
    a = data["alpha"]
    task = a["tasks"][0]
    r = get("/v1/task/number", a["token"], {"task_id": task})
    tag = r.header("ETag")
    assert r.status == 200 and tag
    # The validator a missing task would have: every input of it is known to
    # the caller (report_etag: FNV-1a over tenant, report, path, query, body, format).
    def fnv(h, b):
        for x in b:
            h = ((h ^ x) * 0x100000001b3) & 0xFFFFFFFFFFFFFFFF
        return h ^ 0xff
    h = 0xcbf29ce484222325
    query_s = "task_id=" + MISSING_UUID
    for part in (str(a["tenant_id"]).encode(), b"task_number", b"/v1/task/number", query_s.encode(), b"",
                 (0).to_bytes(4, "little")):
        h = fnv(h, part)
    forged = '"%s-%016x"' % (tag.strip('"').split("-")[0], h)
    for inm in (forged, tag, "*"):
        r = request("GET", "/v1/task/number", a["token"], raw_query=query_s,
                    headers={"If-None-Match": inm})
        assert r.status == 404, (inm, r.status)
    # The real one on the real task: 304, no body.
    r = request("GET", "/v1/task/number", a["token"], params={"task_id": task},
                headers={"If-None-Match": tag})
    assert r.status == 304 and r.body == b""


def test_personal_data_is_not_stored_and_varies_by_accept(data):
    a = data["alpha"]
    r = get("/v1/task/number", a["token"], {"task_id": a["tasks"][0]})
    assert r.header("Cache-Control") == "private, no-store"
    assert "Accept" in r.header("Vary")
    _, sid = login("alpha", a["password"])
    r = request("GET", f"/tasks/{a['tasks'][0]}/numbers", headers={"Cookie": "crsid=" + sid})
    assert r.status == 200 and "Accept" in r.header("Vary")


def test_sign_in_limit_counts_before_the_check_and_locks_the_attempts_only(db, data):
    names = ("zz-sec6-one", "zz-sec6-two")
    for n in names:
        if not query(db, "SELECT 1 FROM tenants WHERE name = %s", n):
            with db.cursor() as c:
                c.execute("INSERT INTO tenants (id, name) VALUES (gen_random_uuid(), %s)", (n,))
        cli("passwd", "--user", n, input=n + "-pw\n")
    started = query(db, "SELECT now()")[0][0]
    try:
        with Instance(18106, login_max_failures=10, login_window=600) as inst:
            statuses = []
            lock = threading.Lock()

            def wrong():
                r = login(names[0], "wrong", base=inst.base, source="127.0.0.31")[0]
                with lock:
                    statuses.append(r.status)

            threads = [threading.Thread(target=wrong) for _ in range(40)]
            for t in threads:
                t.start()
            for t in threads:
                t.join(120)
            assert len(statuses) == 40
            assert statuses.count(401) == 10 and statuses.count(429) == 30, statuses
            # That name from that address is locked, even with the right password ...
            assert login(names[0], names[0] + "-pw", base=inst.base, source="127.0.0.31")[0].status == 429
            # ... but not the owner elsewhere, nor another tenant from that address.
            assert login(names[0], names[0] + "-pw", base=inst.base, source="127.0.0.32")[0].status == 303
            assert login(names[1], names[1] + "-pw", base=inst.base, source="127.0.0.31")[0].status == 303
    finally:
        with db.cursor() as c:
            c.execute("DELETE FROM login_failures WHERE at >= %s", (started,))
