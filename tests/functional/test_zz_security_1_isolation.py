"""Security 1: no tenant sees another's calls (docs/security.md, "Two walls").

- Every route of cgi/web/app.c that takes an id answers tenant A asking for
  tenant B's id exactly as for an id that does not exist (404, same body), in
  every format; routes without ids show none of B's identifiers.
- Thousands of interleaved A and B requests (and unauthenticated ones) on the
  same workers and connections: never a row of the other tenant.
- Under the application, row-level security: the program's own database role,
  with one tenant set, sees no row of another even in a deliberately unscoped
  SELECT, and nothing at all in the next transaction on the same connection.
"""
import concurrent.futures
import os
import random
import subprocess
import threading

import psycopg2
import psycopg2.errors
import pytest

from conftest import CLI, CONF, cli, query
from security_lib import (MISSING_UUID, Client, conf_value, foreign_marks, login, path_params, routes,
                          tenant_marks)

FORMATS = ("json", "html", "xlsx")
# Where a route takes its ids besides ":name" path segments.
QUERY_IDS = {"/v1/task/number": ["task_id"]}
BODY_IDS = {"/v1/task/query_done_task_phones": ["task_id"]}
# Routes of the tenant's data that take no id at all.
NO_IDS = {"/v1/setting/record_level", "/v1/tag/usable_tags", "/tasks", "/", "/search", "/callbacks"}
# Routes whose ids this suite's one-id-a-slot machinery cannot fill, each covered by its own
# suite the same way (a foreign id answers exactly as a missing one): the comparison takes two
# to six task ids at once (test_compare.py::test_a_task_of_another_tenant_answers_as_a_missing_one).
# The export jobs' routes (a job is made by a big file's request, run by the runner):
# test_jobs.py::test_tenant_isolation asks each of them, in JSON and HTML, for another
# tenant's job and for a missing one (404, the same body), and reads the list of each.
ELSEWHERE = {"/compare", "/exports", "/exports/:job_id", "/exports/:job_id/file"}
# Query values a route needs besides ids (filled in by the fixture search_q): the number
# search asks for digits that end numbers of both tenants; the call-back list, the demo's
# dates (its default, the last 7 days, holds no call).
QUERY_VALUES = {"/search": {}, "/callbacks": {"start_at": "2026-10-01 00:00:00",
                                              "end_at": "2026-11-20 23:59:59"}}
# Routes the issue names; those not (yet) in routes[] are reported as skipped.
EXPECTED = [
    ("GET", "/v1/task/number"), ("POST", "/v1/task/query_done_task_phones"),
    ("GET", "/v1/record/:record_id"), ("GET", "/v1/task/record_info/:task_id/:record_id"),
    ("GET", "/v1/setting/record_level"), ("GET", "/v1/tag/usable_tags"),
    ("GET", "/tasks"), ("GET", "/tasks/:task_id"), ("GET", "/tasks/:task_id/numbers"),
    ("GET", "/tasks/:task_id/records"), ("GET", "/records/:record_id"),
    ("GET", "/numbers/:number_id/history"), ("GET", "/records/:record_id/recording"),
    ("GET", "/search"), ("GET", "/callbacks"),
]
ROUTES = routes()
PRESENT = {(m, p) for m, p, _ in ROUTES}
# A route's id slot -> the kind of thing it names.
KINDS = {"task_id": "task", "record_id": "record", "number_id": "number"}
SEGMENT_KINDS = {"tasks": "task", "records": "record", "numbers": "number"}


def slot_kind(pattern, name):
    if name in KINDS:
        return KINDS[name]
    segs = pattern.split("/")
    i = segs.index(":" + name) if ":" + name in segs else -1
    return SEGMENT_KINDS.get(segs[i - 1]) if i > 0 else None


def slots(pattern):
    return path_params(pattern) + QUERY_IDS.get(pattern, []) + BODY_IDS.get(pattern, [])


def tenant_routes():
    """The routes that need credentials (the public ones hold no tenant data)."""
    return [(m, p, f) for m, p, f in ROUTES if "R_PUBLIC" not in f and p not in ELSEWHERE]


@pytest.fixture(scope="module")
def ids(data, db):
    """Per tenant: a task with call records, one of its records, numbers and tags."""
    out = {}
    for t in ("alpha", "beta"):
        tid = data[t]["tenant_id"]
        task, record = query(db, "SELECT task_id::text, id::text FROM records WHERE user_id = %s "
                                 "ORDER BY calldate DESC, id LIMIT 1", tid)[0]
        number = query(db, "SELECT id FROM numbers WHERE task_id = %s ORDER BY id LIMIT 1", task)[0][0]
        tag = query(db, "SELECT t.tag_id::text FROM record_tags t JOIN records r ON r.id = t.record_id "
                        "WHERE r.task_id = %s LIMIT 1", task)[0][0]
        out[t] = {"task": task, "record": record, "number": str(number), "tag": tag}
        # Its recording on disk (in the tenant's directory, by the trailing parts of the
        # stored path), so that the owner gets it and the other tenant gets a 404 for a
        # file that is there.
        recfile = query(db, "SELECT recordfile FROM records WHERE id = %s", record)[0][0]
        if recfile and conf_value("recordings_root"):
            day, name = recfile.rstrip("/").split("/")[-2:]
            where = os.path.join(cli("recordings", "dir", "--user", t).stdout.strip(), day)
            os.makedirs(where, exist_ok=True)
            with open(os.path.join(where, name), "wb") as f:
                f.write(b"RIFF\x24\x00\x00\x00WAVEfmt " + t.encode())
    top = query(db, "SELECT coalesce(max(id), 0) FROM numbers")[0][0]
    out["missing"] = {"task": MISSING_UUID, "record": MISSING_UUID, "number": str(top + 1000003),
                      "tag": MISSING_UUID}
    return out


@pytest.fixture(scope="module")
def sessions(data):
    out = {}
    for t in ("alpha", "beta"):
        r, sid = login(t, data[t]["password"])
        assert r.status == 303 and sid, r
        out[t] = sid
    return out


def call(client, method, pattern, flags, values, fmt, token, sid):
    """Requests a route with slot values {slot: id} in format fmt (None: the route's own)."""
    path = "/".join(values[s[1:]] if s.startswith(":") else s for s in pattern.split("/"))
    params = {s: values[s] for s in QUERY_IDS.get(pattern, [])}
    params.update(QUERY_VALUES.get(pattern, {}))
    body = None
    if pattern in BODY_IDS:
        body = {s: values[s] for s in BODY_IDS[pattern]}
        body["page"] = 1
    if fmt:
        params["format"] = fmt
    # A browser page is asked for as a browser does (session cookie), the rest with the token.
    browser = "R_HTML" in flags and fmt in (None, "html")
    return client.request(method, path, token=None if browser else token, cookie=sid if browser else None,
                          params=params or None, body=body)


def normalize(body, *ids):
    for i in ids:
        body = body.replace(i.encode(), b"<ID>")
    return body


@pytest.mark.parametrize("method,pattern", EXPECTED, ids=[f"{m} {p}" for m, p in EXPECTED])
def test_expected_route_present(method, pattern):
    """Reports which routes of the issue exist yet (a skip names a missing one)."""
    if (method, pattern) not in PRESENT:
        pytest.skip(f"{method} {pattern} is not in cgi/web/app.c routes[] yet")


def test_every_tenant_route_is_scoped_by_this_suite():
    """A route added to cgi/web/app.c must be covered here: by its ids, or known to take none."""
    unknown = []
    for m, p, f in tenant_routes():
        s = slots(p)
        if not s and p not in NO_IDS:
            unknown.append(f"{m} {p}: takes no id this suite knows of (add it to QUERY_IDS, BODY_IDS or NO_IDS)")
        for name in s:
            if slot_kind(p, name) is None:
                unknown.append(f"{m} {p}: slot {name} names an unknown kind of thing (add it to KINDS)")
    assert not unknown, unknown


ID_ROUTES = [(m, p, f) for m, p, f in tenant_routes() if slots(p)]


@pytest.mark.parametrize("method,pattern,flags", ID_ROUTES, ids=[f"{m} {p}" for m, p, _ in ID_ROUTES])
def test_foreign_id_is_a_missing_id(method, pattern, flags, data, ids, sessions):
    a, b, miss = ids["alpha"], ids["beta"], ids["missing"]
    names = slots(pattern)
    kind = {n: slot_kind(pattern, n) for n in names}
    own = {n: a[kind[n]] for n in names}
    # Each slot on its own, then all of them: B's id against a missing one.
    variants = [(dict(own, **{n: b[kind[n]]}), dict(own, **{n: miss[kind[n]]})) for n in names]
    if len(names) > 1:
        variants.append(({n: b[kind[n]] for n in names}, {n: miss[kind[n]] for n in names}))
    fmts = FORMATS if "REPORT" in flags else (None,)
    c = Client()
    try:
        for fmt in fmts:
            mine = call(c, method, pattern, flags, own, fmt, data["alpha"]["token"], sessions["alpha"])
            assert mine.status == 200, (fmt, "own ids must work, else the test proves nothing", mine)
            for foreign, missing in variants:
                rf = call(c, method, pattern, flags, foreign, fmt, data["alpha"]["token"], sessions["alpha"])
                rm = call(c, method, pattern, flags, missing, fmt, data["alpha"]["token"], sessions["alpha"])
                what = (fmt, foreign)
                assert rf.status == rm.status == 404, (what, rf, rm)
                assert rf.ctype == rm.ctype, what
                fv = [v for v in foreign.values() if v not in own.values()]
                mv = [v for v in missing.values() if v not in own.values()]
                assert normalize(rf.body, *fv) == normalize(rm.body, *mv), what
            # B's ids are real ones: B gets them.
            theirs = call(c, method, pattern, flags, {n: b[kind[n]] for n in names}, fmt,
                          data["beta"]["token"], sessions["beta"])
            assert theirs.status == 200, (fmt, theirs)
    finally:
        c.close()


def test_foreign_ids_in_filters_match_nothing(data, ids):
    """query_done_task_phones: B's record id or tag id in A's filters selects what a missing one does."""
    if ("POST", "/v1/task/query_done_task_phones") not in PRESENT:
        pytest.skip("POST /v1/task/query_done_task_phones is not in routes[] yet")
    a, b, miss = ids["alpha"], ids["beta"], ids["missing"]
    tok = data["alpha"]["token"]
    c = Client()
    try:
        for key, fv, mv in (("id", b["record"], miss["record"]), ("tags", [b["tag"]], [miss["tag"]])):
            for fmt in FORMATS:
                q = {"format": fmt}
                rf = c.post("/v1/task/query_done_task_phones", token=tok, params=q,
                            body={"task_id": a["task"], "page": 1, key: fv})
                rm = c.post("/v1/task/query_done_task_phones", token=tok, params=q,
                            body={"task_id": a["task"], "page": 1, key: mv})
                assert rf.status == rm.status == 200, (key, fmt, rf, rm)
                if fmt == "json":
                    assert rf.json() == rm.json() and rf.json()["total"] == 0, key
                elif fmt == "html":
                    assert normalize(rf.body, *([fv] if isinstance(fv, str) else fv)) == \
                        normalize(rm.body, *([mv] if isinstance(mv, str) else mv)), key
        own = c.post("/v1/task/query_done_task_phones", token=tok,
                     body={"task_id": a["task"], "page": 1, "id": a["record"]})
        assert own.status == 200 and own.json()["total"] == 1
    finally:
        c.close()


NOID_ROUTES = [(m, p, f) for m, p, f in tenant_routes() if not slots(p)]


@pytest.fixture(scope="module")
def marks(data, db):
    return {t: tenant_marks(db, data[t]["tenant_id"]) for t in ("alpha", "beta")}


@pytest.fixture(scope="module")
def search_q(data, db):
    """Last four digits that end numbers of both alpha and beta, for GET /search."""
    q = query(db, "SELECT right(number, 4) FROM numbers WHERE user_id IN (%s, %s) GROUP BY 1 "
                  "HAVING count(DISTINCT user_id) = 2 ORDER BY 1 LIMIT 1",
              data["alpha"]["tenant_id"], data["beta"]["tenant_id"])[0][0]
    QUERY_VALUES["/search"]["q"] = q
    return q


@pytest.mark.parametrize("method,pattern,flags", NOID_ROUTES, ids=[f"{m} {p}" for m, p, _ in NOID_ROUTES])
def test_lists_show_only_own_rows(method, pattern, flags, data, sessions, marks, search_q):
    c = Client()
    try:
        for me, other in (("alpha", "beta"), ("beta", "alpha")):
            own_uuids = marks[me][0]
            for fmt in FORMATS if pattern != "/" else (None,):
                r = call(c, method, pattern, flags, {}, fmt, data[me]["token"], sessions[me])
                assert r.status in (200, 303), (fmt, r)
                found = foreign_marks(r.body, *marks[other])
                assert not found, (me, fmt, sorted(found)[:5])
                if r.status == 200 and fmt == "json":
                    assert any(u in r.body for u in own_uuids), (me, "the list shows the tenant's own rows")
    finally:
        c.close()


# -- thousands of interleaved requests ---------------------------------------

LOAD = 2400
THREADS = 8


def load_requests(data, ids):
    """(tenant or None, method, path, kwargs, expected status) for the mix."""
    out = []
    for t in ("alpha", "beta"):
        i = ids[t]
        for page in (1, 2, 3, 7):
            out.append((t, "GET", "/v1/task/number", {"params": {"task_id": i["task"], "page": page}}, 200))
        out.append((t, "GET", "/v1/task/number", {"params": {"task_id": i["task"], "call_history": 1}}, 200))
        out.append((t, "GET", "/v1/task/number", {"params": {"task_id": i["task"], "format": "html"}}, 200))
        out.append((t, "GET", "/tasks", {"params": {"format": "json"}}, 200))
        if ("POST", "/v1/task/query_done_task_phones") in PRESENT:
            out.append((t, "POST", "/v1/task/query_done_task_phones", {"body": {"task_id": i["task"], "page": 1}},
                        200))
        for m, p in (("GET", "/v1/setting/record_level"), ("GET", "/v1/tag/usable_tags")):
            if (m, p) in PRESENT:
                out.append((t, m, p, {}, 200))
        if ("GET", "/v1/record/:record_id") in PRESENT:
            out.append((t, "GET", f"/v1/record/{i['record']}", {}, 200))
        if ("GET", "/v1/task/record_info/:task_id/:record_id") in PRESENT:
            out.append((t, "GET", f"/v1/task/record_info/{i['task']}/{i['record']}", {}, 200))
        for m, p, path in (("GET", "/tasks/:task_id", f"/tasks/{i['task']}"),
                           ("GET", "/tasks/:task_id/records", f"/tasks/{i['task']}/records"),
                           ("GET", "/records/:record_id", f"/records/{i['record']}"),
                           ("GET", "/numbers/:number_id/history", f"/numbers/{i['number']}/history")):
            if (m, p) in PRESENT:
                out.append((t, m, path, {}, 200))
        out.append((t, "GET", "/v1/setting/record_level", {"params": {"format": "xlsx"}}, 200))
        other = ids["beta" if t == "alpha" else "alpha"]
        out.append((t, "GET", "/v1/task/number", {"params": {"task_id": other["task"]}}, 404))
        if ("GET", "/records/:record_id") in PRESENT:
            out.append((t, "GET", f"/records/{other['record']}", {}, 404))
    out.append((None, "GET", "/v1/task/number", {"params": {"task_id": ids["alpha"]["task"]}}, 401))
    out.append((None, "GET", "/tasks", {"params": {"format": "json"}, "token": "crt_" + "0" * 48}, 401))
    out.append((None, "GET", "/healthz", {}, 200))
    return out


def test_interleaved_tenants_never_mix(data, ids, marks):
    mix = load_requests(data, ids)
    rng = random.Random(20261124)
    plan = [rng.choice(mix) for _ in range(LOAD)]
    lock = threading.Lock()
    failures = []
    counts = {}

    def worker(part):
        c = Client()
        try:
            for tenant, method, path, kw, want in part:
                kw = dict(kw)
                if tenant:
                    kw["token"] = data[tenant]["token"]
                r = c.request(method, path, **kw)
                problem = None
                if r.status != want:
                    problem = f"status {r.status}"
                elif tenant:
                    other = "beta" if tenant == "alpha" else "alpha"
                    found = foreign_marks(r.body, *marks[other])
                    if found:
                        problem = f"{other}'s {sorted(found)[:3]}"
                elif want == 200 and path != "/healthz":
                    problem = "unexpected"
                with lock:
                    counts[tenant] = counts.get(tenant, 0) + 1
                    if problem:
                        failures.append((tenant, method, path, problem))
        finally:
            c.close()

    parts = [plan[i::THREADS] for i in range(THREADS)]
    with concurrent.futures.ThreadPoolExecutor(THREADS) as ex:
        for f in [ex.submit(worker, p) for p in parts]:
            f.result()
    assert not failures, failures[:10]
    assert sum(counts.values()) == LOAD and counts.get("alpha", 0) > 500 and counts.get("beta", 0) > 500


# -- the second wall: row-level security under the program's own role ----------

TENANT_TABLES = ["regions", "levels", "tag_scenes", "tag_groups", "tags", "tag_group_tags", "groups", "utterances", "tasks",
                 "numbers", "call_histories", "records", "record_tags", "record_details", "record_detail_tags"]


@pytest.fixture()
def web():
    """A connection as the program's database role (the db line of the test configuration)."""
    conn = psycopg2.connect(conf_value("db"))
    yield conn
    conn.close()


def test_role_cannot_bypass_rls(web):
    with web.cursor() as c:
        c.execute("SELECT rolsuper, rolbypassrls FROM pg_roles WHERE rolname = current_user")
        assert c.fetchone() == (False, False)
        # An owner bypasses its tables' policies (without FORCE): the program's role owns nothing.
        c.execute("SELECT count(*) FROM pg_class WHERE relowner = (SELECT oid FROM pg_roles "
                  "WHERE rolname = current_user)")
        assert c.fetchone()[0] == 0
    web.rollback()


def test_unscoped_select_sees_one_tenant(web, data):
    alpha, beta = data["alpha"]["tenant_id"], data["beta"]["tenant_id"]
    with web.cursor() as c:
        for me in (alpha, beta):
            c.execute("SELECT set_config('callreport.tenant', %s, true)", (me,))
            for t in TENANT_TABLES:
                # Deliberately no WHERE user_id: only row-level security scopes this.
                c.execute(f"SELECT user_id::text, count(*) FROM {t} GROUP BY 1")
                seen = dict(c.fetchall())
                assert set(seen) <= {me}, (t, seen)
                if t in ("tasks", "numbers", "records", "levels", "tags"):
                    assert seen.get(me, 0) > 0, (t, "the tenant's own rows are visible")
            c.execute("SELECT count(*) FROM numbers WHERE user_id <> %s", (me,))
            assert c.fetchone()[0] == 0
            web.commit()
            # The next transaction on the same connection: the setting is gone, and so is every row.
            c.execute("SELECT coalesce(current_setting('callreport.tenant', true), '')")
            assert c.fetchone()[0] == ""
            for t in TENANT_TABLES:
                c.execute(f"SELECT count(*) FROM {t}")
                assert c.fetchone()[0] == 0, t
            web.commit()


def test_credentials_unreadable_by_the_program(web):
    for t in ("api_tokens", "sessions", "tenants", "login_failures"):
        with web.cursor() as c:
            with pytest.raises(psycopg2.errors.InsufficientPrivilege):
                c.execute(f"SELECT * FROM {t}")
        web.rollback()


def test_every_readable_tenant_table_has_rls(db):
    """A table added later with a user_id and a grant to the program must have its policy too;
    a view over tenant tables must run as the caller (security_invoker), or it would bypass RLS."""
    rows = query(db, """
        SELECT c.relname, c.relkind, c.relrowsecurity,
               EXISTS (SELECT FROM pg_policy p WHERE p.polrelid = c.oid),
               coalesce(array_to_string(c.reloptions, ','), '')
        FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = 'public' AND c.relkind IN ('r', 'v', 'm', 'p')
          AND has_table_privilege('callreport_web', c.oid, 'SELECT')""")
    bad = []
    for name, kind, rls, policy, opts in rows:
        if kind in ("r", "p") and name in ("status_labels", "label_sets"):
            continue  # reference data shared by every tenant
        if kind in ("r", "p") and not (rls and policy):
            bad.append((name, "no row-level security"))
        if kind == "v" and "security_invoker=true" not in opts:
            bad.append((name, "view without security_invoker"))
        if kind == "m":
            bad.append((name, "materialized view readable by the program"))
    assert not bad, bad


def test_static_export_of_a_foreign_task_refused(data, marks, tmp_path):
    """callreport export --user A --task <B's task>: refused, and nothing of B written."""
    out = tmp_path / "export"
    p = subprocess.run([CLI, "export", "--user", "alpha", "--task", data["beta"]["tasks"][0], "--out", str(out)],
                       env=dict(os.environ, CALLREPORT_CONF=CONF), capture_output=True, timeout=300)
    assert p.returncode != 0
    for dirpath, _, files in os.walk(out):
        for f in files:
            with open(os.path.join(dirpath, f), "rb") as fh:
                assert not foreign_marks(fh.read(), *marks["beta"]), f
