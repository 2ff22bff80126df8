"""Security 2: bad input hurts nothing (docs/security.md, "Input" and "Recordings").

- An SQL-injection and XSS corpus through every parameter of every route (query
  string, form body, JSON body, path segments, headers): never a 500, never
  output a browser could run, the database unchanged.
- A tenant whose every free-text field holds markup: every page, in every
  format, shows it as text.
- Recordings: only files under recordings_root, only the caller's own; "..",
  absolute paths and symlinks out of the root are refused.
- Request limits, through lighttpd and with bin/callreport.fcgi as a plain CGI
  program: 413 for a body over max_body without reading it, 400 for a
  malformed or short CONTENT_LENGTH, not one byte read past it, 431 for
  oversized headers, 414 for an oversized URI.
"""
import concurrent.futures
import glob
import json
import os
import re
import socket
import subprocess
import threading
import time
import urllib.parse

import pytest

from conftest import CONF, FCGI, OUT, ROOT, cli, query
from security_lib import (MISSING_UUID, Client, check_not_executable, conf_value, http_once, login, parse_html,
                          path_params, routes)

ROUTES = routes()
PRESENT = {(m, p) for m, p, _ in ROUTES}
SOURCE = "127.0.0.77"  # the corpus's sign-in failures count against this address only
MALLORY = 'm<b>"\'&{{X}}'  # a tenant name with markup: the page header shows it


def P(field):
    """The payload of one field: markup, an event handler, quotes, a template tag."""
    return f'<script>alert("{field}")</script><img src=x onerror=alert(1)>\'"&amp;{{{{X}}}}'


CORPUS = [
    "' OR '1'='1", "1' OR 1=1 --", "1; DROP TABLE numbers; --", "' UNION SELECT password_hash FROM tenants --",
    "1)) OR pg_sleep(5) IS NULL --", "$1", "\\x27", "%27", "' || (SELECT version()) || '",
    "<script>alert(1)</script>", "\"><img src=x onerror=alert(1)>", "javascript:alert(1)", "{{#X}}{{/X}}",
    "'\"><svg onload=alert(1)>", "../../../../etc/passwd", "\r\nSet-Cookie: evil=1", "\t/evil.example",
    "-1", "0", "99999999999999999999999", "1e309", "NaN", "0x10", "1.5", " 1", "",
    "\u202e\u0000", "\udcff\udcfe", "\udcc0\udcaf", "\U0001f600" * 3, "x" * 5000,
]
# The fields each route validates (the rest of param_names() it ignores or refuses).
OWN_FIELDS = {
    "/v1/task/number": {"task_id", "page", "per_page", "status", "keyword", "type", "call_history", "format"},
    "/v1/task/query_done_task_phones": {"task_id", "page", "per_page", "id", "levels", "keyword", "bills",
                                        "rounds", "tags", "start_at", "end_at", "format", "sort", "dir"},
    "/tasks/:task_id/records": {"page", "levels", "keyword", "bills", "rounds", "tags", "start_at", "end_at",
                                "sort", "dir", "format"},
    "/tasks/:task_id/numbers": {"page", "status", "keyword", "type", "format", "attempts"},
    "/login": {"name", "password", "next"},
    "/tasks": {"page", "per_page", "format", "start"},
}


def param_names():
    """Every parameter the program validates (the field tables of cgi/*/*.c), plus format."""
    names = {"format", "page", "per_page"}
    for f in glob.glob(os.path.join(ROOT, "cgi", "*", "*.c")):
        with open(f, encoding="utf-8") as fh:
            names |= set(re.findall(r'\{\s*"([a-z_]+)",\s*FT_[A-Z]+', fh.read()))
    return sorted(names)


# -- the hostile tenant ------------------------------------------------------

def U(n):
    return f"6d000000-0000-4000-8000-{n:012d}"


def mallory_lines(rec_root_files):
    group, task = 6600000000000001, U(1)
    lines = [
        {"kind": "level", "id": U(10), "name": P("level.name"), "alias": P("level.alias"),
         "color": P("level.color"), "score_min": 0, "score_max": 1000},
        {"kind": "tag_scene", "id": U(20), "name": P("tag_scene.name")},
        {"kind": "tag_group", "id": U(21), "name": P("tag_group.name"), "tag_scene_id": U(20)},
        {"kind": "tag", "id": U(22), "name": P("tag.name"), "description": P("tag.description"),
         "color": P("tag.color"), "tag_group_ids": [U(21)]},
        {"kind": "group", "id": group, "name": P("group.name"), "tag_scene_id": U(20),
         "link_word_group_id": P("group.link_word_group_id")},
        {"kind": "utterance", "id": U(30), "group_id": group, "name": P("utterance.name"),
         "description": P("utterance.description"), "word_class": 16, "action": P("utterance.action")},
        {"kind": "task", "uuid": task, "name": P("task.name"), "group_id": group, "remark": P("task.remark"),
         "create_datetime": "2026-11-01 08:00:00", "start": 1, "dial_format": P("task.dial_format"),
         "domain": P("task.domain"), "destination_dialplan": P("task.destination_dialplan"),
         "destination_context": P("task.destination_context"),
         "originate_variables": P("task.originate_variables"), "caller_line_id": P("task.caller_line_id"),
         "customer_service_id": P("task.customer_service_id"), "call_notify_url": "javascript:alert(1)",
         "_origination_caller_id_number": P("task._origination_caller_id_number"),
         "scheduling_policy_ratio": P("task.scheduling_policy_ratio"),
         "scheduling_queue": P("task.scheduling_queue"),
         "disable_dial_timegroup": P("task.disable_dial_timegroup")},
        {"kind": "number", "id": 6600000000001001, "task_id": task, "number": "13800000001", "status": 1,
         "callid": P("number.callid"), "calldate": "2026-11-01 09:00:00", "bill": 12000, "duration": 15000,
         "hangupcause": P("number.hangupcause"), "operator": 1},
        {"kind": "call_history", "id": 6600000000002001, "task_id": task, "number_id": 6600000000001001,
         "number": "13800000001", "call_time": "2026-11-01 09:00:00", "status": 1,
         "call_id": P("call_history.call_id"), "hangup_cause": P("call_history.hangup_cause"),
         "hangup_code": P("call_history.hangup_code"), "call_status": P("call_history.call_status"),
         "record_file": P("call_history.record_file"), "calling_number": P("call_history.calling_number")},
    ]
    for i, (key, recfile) in enumerate(rec_root_files.items()):
        lines.append({
            "kind": "record", "id": U(100 + i), "task_id": task, "group_id": group, "callee": "13800000001",
            "calldate": f"2026-11-01 09:{i:02d}:00", "score": 50, "level_id": U(10), "rounds": 3,
            "bill": 12000, "duration": 15000, "hangup_disposition": 2, "gender": 1,
            "callid": P("record.callid"), "caller_number": P("record.caller_number"),
            "hangupcause": P("record.hangupcause"), "recordfile": recfile,
            "bridge_callid": P("record.bridge_callid"), "bridge_number": P("record.bridge_number"),
            "bredge_number": P("record.bredge_number"), "tag_ids": [U(22)]})
        lines.append({
            "kind": "record_detail", "id": U(200 + i), "record_id": U(100 + i), "task_id": task,
            "sequence": 1, "notify": "asrmessage_notify", "callid": P("record_detail.callid"),
            "asrtype": P("record_detail.asrtype"), "question": P("record_detail.question"),
            "keyword": P("record_detail.keyword"), "answer_text": P("record_detail.answer_text"),
            "answer_content": P("record_detail.answer_content"), "answer_id": U(30), "word_class": "16",
            "contents": [{"id": U(300 + i), "sort": 0, "status": True,
                          "translate_text": P("record_detail.translate_text")}], "tag_ids": [U(22)]})
        lines.append({
            "kind": "record_detail", "id": U(400 + i), "record_id": U(100 + i), "task_id": task,
            "sequence": 2, "notify": "enter", "question": "", "keyword": "", "answer_id": U(30),
            "answer_text": P("record_detail.answer_text2"), "answer_content": P("record_detail.answer_content2"),
            "word_class": "16", "contents": [], "tag_ids": []})
    # A second task, for the comparison of two (GET /compare).
    lines.append({"kind": "task", "uuid": U(2), "name": P("task2.name"), "group_id": group,
                  "create_datetime": "2026-11-02 08:00:00", "start": 1})
    return lines


def payload_fields(lines):
    out = set()
    for x in lines:
        for k, v in x.items():
            if isinstance(v, str) and v.startswith("<script>alert(\""):
                out.add((x["kind"], k))
    return out


def import_tolerant(lines, user):
    """Imports lines; a field the importer refuses (":N: field F") loses its payload and
    the import is tried again. Returns the (kind, field) pairs that kept one."""
    path = os.path.join(OUT, "security-mallory.jsonl")
    for _ in range(60):
        with open(path, "w") as f:
            f.write("\n".join(json.dumps(x, ensure_ascii=False) for x in lines) + "\n")
        p = cli("import", "--user", user, path, check=False)
        if p.returncode == 0:
            return payload_fields(lines)
        m = re.search(r":(\d+): field ([A-Za-z_0-9.\[\]]+)", p.stderr)
        assert m, p.stderr
        line, field = int(m.group(1)), m.group(2).split(".")[0].split("[")[0]
        x = lines[line - 1]
        assert isinstance(x.get(field), str) and "alert" in x[field], (p.stderr, x.get(field))
        x[field] = "plain"
    raise AssertionError("import kept failing")


RECORDINGS = {  # record -> its recordfile, as the platform would store it
    "ok": "/mnt/smartivr/recordings/2026-11-01/mallory-ok.wav",
    "dotdot": "../../../../../../../../etc/passwd",
    "dotdot_secret": "../security-secret.wav",
    "inner_dotdot": "/mnt/smartivr/recordings/2026-11-01/../../../../security-secret.wav",
    "absolute": "/etc/passwd",
    "link_file": "/mnt/smartivr/recordings/security-link.wav",
    "link_dir": "/mnt/smartivr/recordings/security-dir/passwd",
    "link_secret": "/mnt/smartivr/recordings/security-link2.wav",
    # a file in the root outside the tenant's directory, where the old layout found it
    "root_secret": "/mnt/smartivr/recordings/security-secret.wav",
    "encoded": "%2e%2e/%2e%2e/etc/passwd",
    "markup": P("record.recordfile"),
}
SECRET = b"SECRET-OUTSIDE-THE-ROOT"


@pytest.fixture(scope="module")
def mallory(db, data):
    """A tenant with markup in every free-text field and hostile recording paths. Its
    directory of recordings (recordings_root/<its id>) holds its own file and symlinks out
    of it; the secret is next to that directory (in the root, where every tenant's files
    were before they were kept apart)."""
    if not query(db, "SELECT 1 FROM tenants WHERE name = %s", MALLORY):
        with db.cursor() as c:
            c.execute("INSERT INTO tenants (id, name) VALUES ('6d000000-0000-4000-8000-000000000000', %s)",
                      (MALLORY,))
    root = cli("recordings", "dir", "--user", MALLORY).stdout.strip()
    assert root == os.path.join(conf_value("recordings_root"), "6d000000-0000-4000-8000-000000000000")
    os.makedirs(os.path.join(root, "2026-11-01"), exist_ok=True)
    with open(os.path.join(root, "2026-11-01", "mallory-ok.wav"), "wb") as f:
        f.write(b"RIFF\x24\x00\x00\x00WAVEfmt mallory")
    secret = os.path.join(os.path.dirname(root.rstrip("/")), "security-secret.wav")
    with open(secret, "wb") as f:
        f.write(SECRET)
    for name, target in (("security-link.wav", "/etc/passwd"), ("security-dir", "/etc"),
                         ("security-link2.wav", secret)):
        link = os.path.join(root, name)
        if os.path.lexists(link):
            os.remove(link)
        os.symlink(target, link)
    lines = mallory_lines(RECORDINGS)
    fields = import_tolerant(lines, MALLORY)
    token = cli("token", "--user", MALLORY).stdout.strip()
    cli("passwd", "--user", MALLORY, input="mallory-password\n")
    r, sid = login(MALLORY, "mallory-password")
    assert sid, r
    recs = {k: U(100 + i) for i, k in enumerate(RECORDINGS)}
    yield {"token": token, "sid": sid, "task": U(1), "records": recs, "number": "6600000000001001",
           "fields": fields}
    for name in ("security-link.wav", "security-dir", "security-link2.wav"):
        if os.path.lexists(os.path.join(root, name)):
            os.remove(os.path.join(root, name))
    os.remove(secret)


def fill(pattern, ids):
    kinds = {"task_id": ids["task"], "record_id": ids["records"]["ok"], "number_id": ids["number"]}
    return "/".join(kinds.get(s[1:], MISSING_UUID) if s.startswith(":") else s for s in pattern.split("/"))


def base_request(method, pattern, ids):
    """(path, query params, JSON body) of a valid request of a route for a tenant's ids."""
    params, body = {}, None
    if pattern == "/v1/task/number":
        params["task_id"] = ids["task"]
    if pattern == "/v1/task/query_done_task_phones":
        body = {"task_id": ids["task"], "page": 1}
    if pattern == "/search":
        params["q"] = "00000001"        # the last digits of the tenant's number 13800000001
    if pattern == "/compare":
        params["tasks[]"] = [ids["task"], U(2)]
    return fill(pattern, ids), params, body


def test_markup_in_every_field_is_text_everywhere(mallory):
    """Every route, every format, for the tenant with markup in its data: nothing executable,
    and the markup shown as text (so the check is not vacuous)."""
    shown = set()
    c = Client()
    try:
        for method, pattern, flags in ROUTES:
            if method != "GET" and pattern != "/v1/task/query_done_task_phones":
                continue
            if pattern.startswith("/exports/"):
                # A job's page and file (test_jobs.py) show none of the tenant's data
                # but rows counted; its list, /exports, is asked for here.
                continue
            path, params, body = base_request(method, pattern, mallory)
            fmts = ("json", "html", "xlsx") if "REPORT" in flags else (None,)
            for fmt in fmts:
                q = dict(params, **({"format": fmt} if fmt else {}))
                for auth in ({"token": mallory["token"]}, {"cookie": mallory["sid"]}):
                    r = c.request(method, path, params=q, body=body, **auth)
                    what = (method, pattern, fmt, list(auth))
                    assert r.status in (200, 206, 303), (what, r)
                    check_not_executable(r, what)
                    if r.ctype == "text/html":
                        assert b"<script>alert(" not in r.body, what
                        text = parse_html(r.body)[1]
                        shown |= set(re.findall(r'<script>alert\("([a-z_.0-9]+)"\)</script>', text))
                        if "R_PUBLIC" not in flags:
                            assert MALLORY in text, (what, "the tenant's name is in the page header")
    finally:
        c.close()
    # The pages show these fields: each of them must have come out as text somewhere.
    must = {"task.name", "level.name", "level.alias", "tag.name", "tag_group.name", "tag_scene.name",
            "record_detail.answer_text", "record_detail.question"}
    kept = {f"{k}.{f}" for k, f in mallory["fields"]}
    assert must & kept <= shown, sorted((must & kept) - shown)


@pytest.mark.parametrize("which", sorted(set(RECORDINGS) - {"ok"}))
def test_recording_outside_root_refused(mallory, which):
    if ("GET", "/records/:record_id/recording") not in PRESENT:
        pytest.skip("GET /records/:record_id/recording is not in routes[] yet")
    r = http_once("GET", f"/records/{mallory['records'][which]}/recording", token=mallory["token"])
    assert r.status in (403, 404), (which, r)
    assert SECRET not in r.body and b"root:" not in r.body
    check_not_executable(r, which)


def test_recording_own_file_served_and_foreign_refused(mallory, data):
    if ("GET", "/records/:record_id/recording") not in PRESENT:
        pytest.skip("GET /records/:record_id/recording is not in routes[] yet")
    path = f"/records/{mallory['records']['ok']}/recording"
    r = http_once("GET", path, token=mallory["token"])
    assert r.status == 200 and r.body.startswith(b"RIFF") and r.ctype.startswith("audio/"), r
    r = http_once("GET", path, headers={"Range": "bytes=4-"}, token=mallory["token"])
    assert r.status == 206 and r.body == b"\x24\x00\x00\x00WAVEfmt mallory", r
    # Another tenant, the file there and readable: the same 404 as for no record at all.
    foreign = http_once("GET", path, token=data["alpha"]["token"])
    missing = http_once("GET", f"/records/{MISSING_UUID}/recording", token=data["alpha"]["token"])
    assert foreign.status == missing.status == 404 and foreign.body == missing.body
    assert b"RIFF" not in foreign.body


# -- the corpus ----------------------------------------------------------------

def corpus_requests(data, db):
    """(method, path, kwargs) of the whole corpus: every route x parameter x payload."""
    a = data["alpha"]
    task, record = query(db, "SELECT task_id::text, id::text FROM records WHERE user_id = %s "
                             "ORDER BY calldate DESC, id LIMIT 1", a["tenant_id"])[0]
    number = query(db, "SELECT id::text FROM numbers WHERE task_id = %s ORDER BY id LIMIT 1", task)[0][0]
    ids = {"task": task, "records": {"ok": record}, "number": number}
    names = param_names()
    out = []
    for method, pattern, flags in ROUTES:
        path, params, body = base_request(method, pattern, ids)
        auth = {"token": a["token"]}
        own = OWN_FIELDS.get(pattern, set())
        for k, name in enumerate(names):
            # A route's own fields get the whole corpus; any other name a rotating
            # eighth of it (so every route and every name still meet every payload).
            sel = CORPUS if name in own else [CORPUS[(k * 8 + j) % len(CORPUS)] for j in range(8)]
            for i, v in enumerate(sel):
                if method == "GET":
                    out.append((method, path, dict(auth, params=dict(params, **{name: v}))))
                    if i % 4 == 0:
                        out.append((method, path, dict(auth, params=dict(params, **{name + "[]": v}))))
                else:
                    out.append((method, path, dict(auth, body=dict(body or {}, **{name: v}))))
                    out.append((method, path, dict(auth, body=dict(body or {}, **{name: [v, v]}))))
                    out.append((method, path, dict(auth, body=urllib.parse.urlencode(
                        dict(body or {}, **{name: v}), encoding="utf-8", errors="surrogateescape"))))
        for seg in path_params(pattern):
            for v in CORPUS:
                if not v:
                    continue
                p = "/".join(urllib.parse.quote(v, safe="", errors="surrogateescape") if s == ":" + seg
                             else s for s in pattern.split("/"))
                p = "/".join(ids["task"] if s == ":task_id" else s for s in p.split("/"))
                out.append((method, p.replace(":record_id", MISSING_UUID).replace(":number_id", "1"),
                            dict(auth, params=params)))
    # Structures where scalars belong, and the other way round.
    deep = 1
    for _ in range(40):
        deep = [deep]
    for v in ([], {}, deep, {"a": {"b": {}}},
              [[1, "x"]], [[2, 1]], True, None, 1e308, -0.0):
        for k in ("task_id", "page", "levels", "bills", "rounds", "tags", "id", "start_at", "keyword"):
            out.append(("POST", "/v1/task/query_done_task_phones",
                        {"token": a["token"], "body": {"task_id": ids["task"], "page": 1, k: v}}))
    for raw in ("{", "[1,2]", '"x"', "{\"task_id\": \"" + ids["task"] + "\", \"page\": 1, }", "\x00",
                "{\"a\":" * 5000 + "1" + "}" * 5000, "task_id=%zz", "a[[[[=1", "&&&==&"):
        out.append(("POST", "/v1/task/query_done_task_phones",
                    {"token": a["token"], "body": raw.encode(), "headers": {"Content-Type": "application/json"}}))
        out.append(("POST", "/login", {"body": raw.encode(),
                                       "headers": {"Content-Type": "application/x-www-form-urlencoded"}}))
    # Headers the program reads.
    for v in CORPUS:
        if any(ord(ch) < 0x20 or ord(ch) > 0x7e for ch in v):
            continue  # http.client sends latin-1 header values only
        for h in ("Authorization", "Cookie", "Accept", "If-None-Match", "Range", "If-Range"):
            val = {"Authorization": "Bearer " + v, "Cookie": "crsid=" + v}.get(h, v)
            out.append(("GET", "/v1/task/number", {"params": {"task_id": ids["task"]},
                                                   "headers": {h: val}, **({} if h in ("Authorization", "Cookie")
                                                                           else {"token": a["token"]})}))
            out.append(("GET", f"/records/{MISSING_UUID}/recording", {"headers": {h: val}, "token": a["token"]}))
    return out


def table_counts(db):
    return query(db, "SELECT (SELECT count(*) FROM tenants), (SELECT count(*) FROM tasks), "
                     "(SELECT count(*) FROM numbers), (SELECT count(*) FROM records), "
                     "(SELECT count(*) FROM api_tokens), (SELECT md5(string_agg(password_hash, ',' ORDER BY id)) "
                     "FROM tenants)")[0]


def test_injection_corpus_never_500_never_executable(data, db):
    before = table_counts(db)
    started = query(db, "SELECT now()")[0][0]
    plan = corpus_requests(data, db)
    failures, slow = [], []
    lock = threading.Lock()

    def run(part):
        c = Client(source=SOURCE)
        try:
            for method, path, kw in part:
                t0 = time.monotonic()
                try:
                    r = c.request(method, path, **kw)
                except Exception as e:  # noqa: BLE001 - a broken connection is a failure too
                    with lock:
                        failures.append((method, path, kw, repr(e)))
                    c.close()
                    continue
                took = time.monotonic() - t0
                problem = None
                if r.status >= 500:
                    problem = f"status {r.status}"
                else:
                    try:
                        check_not_executable(r, path)
                    except AssertionError as e:
                        problem = f"output: {e}"
                    if r.ctype == "text/html" and b"<script>alert(" in r.body:
                        problem = "reflected markup"
                    if r.header("Set-Cookie") and "evil" in r.header("Set-Cookie"):
                        problem = "header injection"
                with lock:
                    if problem:
                        failures.append((method, path, str(kw)[:300], problem))
                    if took > 3:
                        slow.append((method, path, str(kw)[:200], took))
        finally:
            c.close()

    try:
        parts = [plan[i::8] for i in range(8)]
        with concurrent.futures.ThreadPoolExecutor(8) as ex:
            for f in [ex.submit(run, p) for p in parts]:
                f.result()
    finally:
        with db.cursor() as cur:  # the failed sign-ins of the corpus must not lock anyone out later
            cur.execute("DELETE FROM login_failures WHERE at >= %s", (started,))
    assert not failures, (len(failures), failures[:8])
    assert not slow, slow[:5]  # an injected pg_sleep would show here
    assert table_counts(db) == before
    assert len(plan) > 5000


def test_sign_in_redirect_stays_on_site(data):
    for nxt in ("//evil.example/", "/\\evil.example", "https://evil.example/", "/\t/evil.example",
                "/\r\nSet-Cookie: evil=1", "javascript:alert(1)", "/%0d%0aSet-Cookie:evil=1"):
        r = http_once("POST", "/login", source="127.0.0.78", body=urllib.parse.urlencode(
            {"name": "alpha", "password": data["alpha"]["password"], "next": nxt}))
        assert r.status == 303, (nxt, r)
        loc = r.header("Location")
        # A path of this site (a literal "%0d%0a" in it is just text of a path).
        assert loc.startswith("/") and loc[1:2] not in ("/", "\\") and not re.search(r"[\x00-\x20\\]", loc) \
            and "evil.example" not in loc, (nxt, loc)
        assert all("evil" not in v for k, v in r.headers if k.lower() == "set-cookie"), nxt


# -- request limits --------------------------------------------------------------

def cgi(env, stdin=b"", timeout=10, keep_open=False):
    """Runs bin/callreport.fcgi as a CGI program; returns (status, headers, body)."""
    e = {"PATH": os.environ.get("PATH", ""), "CALLREPORT_CONF": CONF, "GATEWAY_INTERFACE": "CGI/1.1",
         "REQUEST_METHOD": "GET", "SERVER_PROTOCOL": "HTTP/1.1", "REMOTE_ADDR": "127.0.0.79",
         "CALLREPORT_PGPORT": os.environ.get("CALLREPORT_PGPORT", "")}
    e.update(env)
    if "REQUEST_URI" in e and "QUERY_STRING" not in e:
        e["QUERY_STRING"] = e["REQUEST_URI"].partition("?")[2]
    if keep_open:
        # stdin stays open and empty: a program that tried to read would hang here.
        p = subprocess.Popen([FCGI], env=e, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                             stderr=subprocess.DEVNULL)
        try:
            p.wait(timeout=timeout)
            out = p.stdout.read()
        finally:
            if p.poll() is None:
                p.kill()
            p.stdin.close()
    elif isinstance(stdin, bytes):
        p = subprocess.run([FCGI], env=e, input=stdin, capture_output=True, timeout=timeout)
        out = p.stdout
    else:
        p = subprocess.run([FCGI], env=e, stdin=stdin, capture_output=True, timeout=timeout)
        out = p.stdout
    head, _, body = out.partition(b"\r\n\r\n")
    status = int(head.split(b"\r\n", 1)[0].split()[1])
    return status, head.decode(), body


def post_env(data, length, ctype="application/x-www-form-urlencoded"):
    return {"REQUEST_METHOD": "POST", "REQUEST_URI": "/v1/task/query_done_task_phones",
            "CONTENT_LENGTH": str(length), "CONTENT_TYPE": ctype,
            "HTTP_AUTHORIZATION": "Bearer " + data["alpha"]["token"]}


def test_body_over_limit_413_without_reading(data):
    limit = int(conf_value("max_body") or 65536)
    big = json.dumps({"task_id": data["alpha"]["tasks"][0], "page": 1}).encode()
    r = http_once("POST", "/v1/task/query_done_task_phones", token=data["alpha"]["token"],
                  body=big + b" " * (limit + 1 - len(big)), headers={"Content-Type": "application/json"})
    assert r.status == 413 and r.json()["code"] == 413 and r.json()["status"] == "error", r
    ok = http_once("POST", "/v1/task/query_done_task_phones", token=data["alpha"]["token"],
                   body=big + b" " * (limit - len(big)), headers={"Content-Type": "application/json"})
    assert ok.status == 200, ok
    # As CGI with the body never sent and stdin left open: an answer at once, nothing read.
    t0 = time.monotonic()
    status, head, body = cgi(post_env(data, 10 * limit), keep_open=True, timeout=10)
    assert status == 413 and json.loads(body)["code"] == 413
    assert time.monotonic() - t0 < 5


@pytest.mark.parametrize("length", ["abc", "-1", "1e3", " 12", "12abc", "+12", "0x10",
                                    "99999999999999999999999", "12 "])
def test_malformed_content_length_400(data, length):
    status, head, body = cgi(post_env(data, length), stdin=b"page=1")
    assert status == 400 and json.loads(body)["code"] == 400, (length, body)


def test_short_body_400(data):
    status, head, body = cgi(post_env(data, 100), stdin=b"page=1")
    assert status == 400 and "shorter" in json.loads(body)["message"]


def test_never_reads_past_content_length(data, tmp_path):
    good = f"task_id={data['alpha']['tasks'][0]}&page=1".encode()
    path = tmp_path / "stdin"
    path.write_bytes(good + b"&page=not-a-number" * 500)
    with open(path, "rb") as f:
        status, head, body = cgi(post_env(data, len(good)), stdin=f)
        # The child shared this open file: its offset is how far the program read.
        assert os.lseek(f.fileno(), 0, os.SEEK_CUR) == len(good)
    assert status == 200, body[:300]


def test_header_limits_cgi(data):
    base = {"REQUEST_URI": "/healthz"}
    assert cgi(base)[0] == 200
    assert cgi(dict(base, HTTP_X_BIG="x" * 8000))[0] == 200
    status, head, body = cgi(dict(base, HTTP_X_BIG="x" * 9000))
    assert status == 431 and json.loads(body)["code"] == 431
    many = {f"HTTP_X_H{i}": "y" * 2000 for i in range(9)}
    assert cgi(dict(base, **many))[0] == 431
    assert cgi(dict(base, HTTP_COOKIE="crsid=" + "z" * 9000))[0] == 431


def test_uri_limits_cgi(data):
    tok = {"HTTP_AUTHORIZATION": "Bearer " + data["alpha"]["token"]}
    status, _, body = cgi(dict(tok, REQUEST_URI="/v1/task/number?keyword=1&x=" + "a" * 9000))
    assert status == 414 and json.loads(body)["code"] == 414
    status, _, body = cgi(dict(tok, REQUEST_URI="/v1/" + "a" * 3000))
    assert status == 414


def raw_http(data_bytes, timeout=10, shutdown=False):
    """Sends raw bytes to lighttpd; returns the status line's code (0: closed without one)."""
    host, port = "127.0.0.1", int(urllib.parse.urlsplit(os.environ.get("CR_BASE_URL", "http://127.0.0.1:18080")).port)
    s = socket.create_connection((host, port), timeout=timeout)
    try:
        s.sendall(data_bytes)
        if shutdown:
            s.shutdown(socket.SHUT_WR)
        buf = b""
        while b"\r\n" not in buf:
            chunk = s.recv(4096)
            if not chunk:
                break
            buf += chunk
    except socket.timeout:
        return -1
    finally:
        s.close()
    m = re.match(rb"HTTP/1\.[01] (\d{3})", buf)
    return int(m.group(1)) if m else 0


def test_limits_through_lighttpd(data):
    tok = data["alpha"]["token"]
    task = data["alpha"]["tasks"][0]
    # Oversized header, oversized URI: refused (by lighttpd or the program), never served.
    r = http_once("GET", "/v1/task/number", token=tok, params={"task_id": task},
                  headers={"X-Big": "x" * 20000})
    assert r.status in (400, 431), r
    r = http_once("GET", "/v1/task/number", token=tok, raw_query=f"task_id={task}&x=" + "a" * 9000)
    assert r.status in (400, 414, 431), r
    r = http_once("GET", "/v1/" + "a" * 3000, token=tok)
    assert r.status in (400, 414, 431), r
    # A malformed or short Content-Length: 400 or the connection dropped, never a 2xx or 5xx.
    req = (f"POST /v1/task/query_done_task_phones HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {tok}\r\n"
           "Content-Type: application/json\r\n")
    for cl in ("abc", "-1", "1e3"):
        code = raw_http((req + f"Content-Length: {cl}\r\nConnection: close\r\n\r\n{{}}").encode())
        assert code == 400, (cl, code)
    code = raw_http((req + "Content-Length: 100\r\nConnection: close\r\n\r\n{\"page\":1}").encode(),
                    shutdown=True, timeout=30)
    assert code in (0, 400, 408), code
