"""The browser pages over HTTP: sign-in and sessions, every page valid HTML5 (tidy), the
numbers shown against the database, filters, pagination and sorting, the links between
the views, and the recording with its byte ranges."""
import hashlib
import html
import io
import os
import re
import subprocess
import urllib.parse
import zipfile

import pytest

from conftest import CONF, FCGI, ROOT, get, query, request
from html_lib import (SOURCE, XSS_RECORDS, Doc, check_page, doc, header_all, login, page,
                      place_recording)
from html_lib import alpha_sid, xss  # noqa: F401 (fixtures)

STATUS = ["等待呼叫", "呼叫成功", "线路故障", "拒接", "无应答、无人接听", "空号", "关机", "停机",
          "占线、用户正忙", "呼入限制", "欠费", "黑名单", "呼损"]


def task_of(data, n=0, tenant="alpha"):
    return data[tenant]["tasks"][n]


def one(db, sql, *args):
    return query(db, sql, *args)[0][0]


def sha(s):
    return hashlib.sha256(s.encode()).hexdigest()


def rows_of(d, table_id="rows"):
    """The body rows of a table: each a list of its cells' text, with the row's attributes."""
    html_rows = []
    inside = False
    for e in d.elements:
        if e["tag"] == "table":
            inside = e["attrs"].get("id") == table_id
        elif inside and e["tag"] == "tr" and "data-id" in e["attrs"]:
            html_rows.append(e)
    return html_rows


def ids_of(d, table_id="rows"):
    return [r["attrs"]["data-id"] for r in rows_of(d, table_id)]


def link(d, rel):
    found = [e["attrs"]["href"] for e in d.all("a") if e["attrs"].get("rel") == rel]
    return found[0] if found else None


def split(href):
    u = urllib.parse.urlsplit(href)
    return u.path, u.query


def xlsx_rows(body, sheet):
    """The rows of a sheet of an XLSX body as lists of cell text (stdlib only)."""
    z = zipfile.ZipFile(io.BytesIO(body))
    wb = z.read("xl/workbook.xml").decode()
    rels = z.read("xl/_rels/workbook.xml.rels").decode()
    sheets = re.findall(r'<sheet [^>]*name="([^"]*)"[^>]*r:id="([^"]*)"', wb)
    rid = dict(sheets)[sheet]
    target = re.search(r'<Relationship [^>]*Id="%s"[^>]*Target="([^"]*)"' % rid, rels) or \
        re.search(r'<Relationship [^>]*Target="([^"]*)"[^>]*Id="%s"' % rid, rels)
    xml = z.read("xl/" + target.group(1).lstrip("/").replace("xl/", "")).decode()
    shared = []
    if "xl/sharedStrings.xml" in z.namelist():
        sst = z.read("xl/sharedStrings.xml").decode()
        shared = [Doc.text_of({"text": re.findall(r"<t[^>]*>([^<]*)</t>", si)})
                  for si in re.findall(r"<si>(.*?)</si>", sst, re.S)]
    out = []
    for row in re.findall(r"<row[^>]*>(.*?)</row>", xml, re.S):
        cells = {}
        for attrs, inner in re.findall(r"<c([^>]*)>(.*?)</c>", row, re.S):
            letters = re.search(r'r="([A-Z]+)[0-9]+"', attrs).group(1)
            col = 0
            for ch in letters:  # an empty cell has no <c>: place each by its reference
                col = col * 26 + ord(ch) - 64
            v = re.search(r"<v>([^<]*)</v>", inner)
            t = re.search(r"<t[^>]*>([^<]*)</t>", inner)
            if 't="s"' in attrs and v:
                value = shared[int(v.group(1))]
            else:
                value = t.group(1) if t else v.group(1) if v else None
            cells[col - 1] = value if value is None else html.unescape(value)
        out.append([cells.get(i) for i in range(max(cells) + 1 if cells else 0)])
    return out


# --- sign-in, sessions, credentials -------------------------------------------------------

def test_sign_in_sets_a_session_cookie(data, db):
    task = task_of(data)
    r, sid = login("alpha", data["alpha"]["password"], next_=f"/tasks/{task}")
    assert r.status == 303 and r.header("Location") == f"/tasks/{task}"
    cookie = [v for v in header_all(r, "Set-Cookie") if v.startswith("crsid=")][0]
    attrs = [a.strip() for a in cookie.split(";")]
    assert {"HttpOnly", "SameSite=Lax", "Path=/", "Max-Age=28800"} <= set(attrs), attrs
    assert "Secure" not in attrs  # plain HTTP; see test_https_cookie_is_secure
    assert r.header("Cache-Control") == "no-store"
    # The session is kept as a hash only, with an expiry.
    got = query(db, "SELECT encode(id_hash, 'hex'), expires_at > now() + interval '7 hours' FROM sessions")
    assert (sha(sid), True) in got and all(sid not in h for h, _ in got)
    d = doc(page("/tasks", sid))
    assert "alpha" in d.all_text() and d.all("button", type="submit")  # name and 退出


@pytest.mark.parametrize("bad", ["//evil.example/x", "https://evil.example/", "javascript:alert(1)",
                                 "/\\evil.example", "tasks"])
def test_next_is_a_path_of_this_site_only(data, bad):
    r, sid = login("alpha", data["alpha"]["password"], next_=bad)
    assert r.status == 303 and r.header("Location") == "/" and sid


def test_wrong_password_and_unknown_user_look_the_same(xss):
    r, sid = login("xss", "not-the-password", source=SOURCE)
    assert r.status == 401 and sid is None and not header_all(r, "Set-Cookie")
    d = check_page(r.text, "failed sign-in")
    assert "用户名或密码错误" in d.all_text()
    assert d.one("input", id="name")["attrs"]["value"] == "xss"
    r2, _ = login("nobody-at-all", "x", source=SOURCE)
    assert r2.status == 401 and "用户名或密码错误" in r2.text


def test_pages_ask_for_credentials(data, db):
    task = task_of(data)
    rec = one(db, "SELECT id::text FROM records WHERE task_id = %s LIMIT 1", task)
    num = one(db, "SELECT id FROM numbers WHERE task_id = %s LIMIT 1", task)
    for path in ("/tasks", f"/tasks/{task}", f"/tasks/{task}/numbers", f"/tasks/{task}/records",
                 f"/records/{rec}", f"/numbers/{num}/history"):
        r = get(path)
        assert r.status == 401 and r.header("Content-Type") == "text/html; charset=utf-8", path
        d = check_page(r.text, path)
        assert d.one("input", name="next")["attrs"]["value"] == path
    # the recording and the API answer JSON, as every API error does
    for path in (f"/records/{rec}/recording", f"/v1/task/number?task_id={task}"):
        r = get(path)
        assert r.status == 401 and r.json()["code"] == 401, path
    r = get(f"/tasks/{task}", raw_query="format=json")
    assert r.status == 401 and r.json()["message"] == "unauthenticated"


def test_sign_out_ends_the_session_on_the_server(data, db):
    r, sid = login("alpha", data["alpha"]["password"])
    page("/tasks", sid)
    r = request("POST", "/logout", headers={"Cookie": "crsid=" + sid})
    assert r.status == 303 and r.header("Location") == "/login"
    cleared = [v for v in header_all(r, "Set-Cookie") if v.startswith("crsid=")][0]
    assert cleared.startswith("crsid=;") and "Max-Age=0" in cleared
    assert not query(db, "SELECT 1 FROM sessions WHERE id_hash = decode(%s, 'hex')", sha(sid))
    page("/tasks", sid, status=401)


def test_expired_session_is_refused(data, db):
    r, sid = login("alpha", data["alpha"]["password"])
    page("/tasks", sid)
    query(db, "UPDATE sessions SET expires_at = now() - interval '1 second' "
              "WHERE id_hash = decode(%s, 'hex') RETURNING 1", sha(sid))
    page("/tasks", sid, status=401)


def test_api_tokens_keep_working(data, alpha_sid):
    t = data["alpha"]
    r = get("/v1/task/number", t["token"], {"task_id": task_of(data)})
    assert r.status == 200 and r.json()["code"] == 200
    r = request("GET", f"/tasks/{task_of(data)}/numbers", token=t["token"],
                headers={"Accept": "text/html"})
    assert r.status == 200 and "号码列表" in r.text


def cgi(env, body=b""):
    """Runs bin/callreport.fcgi as a CGI program; returns (status, headers, body)."""
    e = dict(os.environ, CALLREPORT_CONF=CONF, GATEWAY_INTERFACE="CGI/1.1", **env)
    if body:
        e["CONTENT_LENGTH"] = str(len(body))
    p = subprocess.run([FCGI], env=e, input=body,
                       capture_output=True)
    head, _, rest = p.stdout.partition(b"\r\n\r\n")
    lines = head.decode().split("\r\n")
    return int(lines[0].split()[1]), lines[1:], rest


def test_https_cookie_is_secure(data):
    body = urllib.parse.urlencode({"name": "alpha", "password": data["alpha"]["password"]}).encode()
    st, headers, _ = cgi({"REQUEST_METHOD": "POST", "REQUEST_URI": "/login", "HTTPS": "on",
                          "CONTENT_TYPE": "application/x-www-form-urlencoded", "REMOTE_ADDR": "127.0.0.72"},
                         body)
    assert st == 303
    cookie = [h for h in headers if h.startswith("Set-Cookie: crsid=")][0]
    assert "; Secure" in cookie and "HttpOnly" in cookie


def test_remote_user_is_trusted_only_when_configured(data):
    env = {"REQUEST_METHOD": "GET", "REQUEST_URI": "/tasks", "REMOTE_USER": "alpha",
           "HTTP_ACCEPT": "text/html"}
    st, _, _ = cgi(env)
    assert st == 401
    st, _, body = cgi(dict(env, CALLREPORT_TRUST_REMOTE_USER="1"))
    assert st == 200
    d = check_page(body.decode(), "REMOTE_USER")
    assert "alpha" in d.all_text() and not d.all("form", action="/logout")  # the web server signs out


# --- every page ----------------------------------------------------------------------------

def all_pages(data, db):
    task = task_of(data)
    rec = one(db, "SELECT id::text FROM records WHERE task_id = %s ORDER BY calldate DESC LIMIT 1", task)
    num = one(db, "SELECT number_id FROM call_histories WHERE task_id = %s ORDER BY id LIMIT 1", task)
    level = query(db, "SELECT score_min, score_max FROM levels WHERE user_id = %s ORDER BY score_min DESC LIMIT 1",
                  data["alpha"]["tenant_id"])[0]
    return [
        ("/tasks", 200), (f"/tasks/{task}", 200), (f"/tasks/{task}/numbers", 200),
        (f"/tasks/{task}/numbers?status[]=1&type[]=yd&keyword=&sort=status&dir=desc&page=2", 200),
        (f"/tasks/{task}/numbers?attempts=1", 200),
        (f"/tasks/{task}/records", 200),
        (f"/tasks/{task}/records?levels[]={level[0]},{level[1]}&bills_min=10&bills_max=&rounds_min=&rounds_max="
         f"&start_at=2020-01-01T00:00&end_at=&id=&keyword=&sort=bill&dir=asc&per_page=30&page=2", 200),
        (f"/records/{rec}", 200), (f"/v1/task/record_info/{task}/{rec}?format=html", 200),
        (f"/numbers/{num}/history", 200), (f"/v1/record/{rec}?format=html", 200),
        ("/v1/setting/record_level?format=html", 200), ("/v1/tag/usable_tags?format=html", 200),
        (f"/v1/task/number?task_id={task}&format=html", 200), ("/login", 200),
        (f"/tasks/{task_of(data, 0, 'beta')}", 404), (f"/tasks/{task}/records?bills_min=abc", 400),
        ("/no/such/page?format=html", 404),
    ]


def test_every_page_is_valid_html5(data, db, alpha_sid):
    for path, status in all_pages(data, db):
        path, _, q = path.partition("?")
        check_page(page(path, alpha_sid, raw_query=q, status=status), path)


def test_every_template_starts_with_the_autoescape_pragma():
    tdir = os.path.join(ROOT, "templates")
    for name in os.listdir(tdir):
        with open(os.path.join(tdir, name), encoding="utf-8") as f:
            assert f.read().startswith('{{%AUTOESCAPE context="HTML"}}'), name


def test_print_and_phone_styles():
    with open(os.path.join(ROOT, "static", "style.css"), encoding="utf-8") as f:
        css = f.read()
    assert "@media print" in css and "@media (max-width: 700px)" in css
    print_part = css[css.index("@media print"):]
    assert "header.top" in print_part and ".filters" in print_part


# --- the numbers shown ---------------------------------------------------------------------

def test_tasks_page_matches_the_database(data, db, alpha_sid):
    d = doc(page("/tasks", alpha_sid))
    rows = {r["attrs"]["data-id"]: Doc.text_of(r) for r in rows_of(d, "tasks")}
    assert set(data["alpha"]["tasks"]) <= set(rows)
    for task in data["alpha"]["tasks"]:
        total, dialled, connected, records = query(db, """SELECT count(*), count(*) FILTER (WHERE status <> 0),
            count(*) FILTER (WHERE status = 1), (SELECT count(*) FROM records WHERE task_id = %s)
            FROM numbers WHERE task_id = %s""", task, task)[0]
        rate = round(100 * connected / max(dialled, 1), 1)
        assert f"{dialled} / {total}" in rows[task] and f" {rate}% " in f" {rows[task]} "
        assert f" {records} " in f" {rows[task]} "
        for view in ("", "/numbers", "/records"):
            assert f"/tasks/{task}{view}" in d.hrefs()


def test_overview_matches_the_database(data, db, alpha_sid):
    task = task_of(data)
    d = doc(page(f"/tasks/{task}", alpha_sid))
    total, dialled, connected = query(db, """SELECT count(*), count(*) FILTER (WHERE status <> 0),
        count(*) FILTER (WHERE status = 1) FROM numbers WHERE task_id = %s""", task)[0]
    attempts = one(db, "SELECT count(*) FROM call_histories WHERE task_id = %s", task)
    records = one(db, "SELECT count(*) FROM records WHERE task_id = %s", task)
    fig = {k: Doc.text_of(d.by_id("f-" + k)) for k in ("total", "dialled", "connected", "connect-rate",
                                                       "attempts", "records")}
    assert fig == {"total": str(total), "dialled": str(dialled), "connected": str(connected),
                   "connect-rate": f"{round(100 * connected / max(dialled, 1), 1)}",
                   "attempts": str(attempts), "records": str(records)}
    # the 13 statuses, each with its count, in a table and a chart
    by = dict(query(db, "SELECT status, count(*) FROM numbers WHERE task_id = %s GROUP BY status", task))
    shown = {int(e["attrs"]["data-code"]): e for e in d.all("tr") if "data-code" in e["attrs"]}
    assert sorted(shown) == list(range(13))
    for code, e in shown.items():
        assert STATUS[code] in Doc.text_of(e) and f" {by.get(code, 0)} " in f" {Doc.text_of(e)} "
    assert d.all("svg", role="img") and len([e for e in d.all("rect") if e["attrs"].get("class", "")
                                              .startswith("st") and "x" in e["attrs"]]) == len(by)

    def section_counts(sid):
        inside, out = False, []
        for e in d.elements:
            if e["tag"] == "section":
                inside = e["attrs"].get("id") == sid
            elif inside and e["tag"] == "td" and "count" in e["attrs"].get("class", ""):
                out.append(int(Doc.text_of(e)))
        return out

    levels = query(db, """SELECT l.score_min, count(r.id) FROM levels l LEFT JOIN records r ON r.level_id = l.id
        AND r.task_id = %s WHERE l.user_id = %s GROUP BY l.id, l.score_min ORDER BY l.score_min DESC""",
                   task, data["alpha"]["tenant_id"])
    assert section_counts("levels") == [n for _, n in levels]
    hours = section_counts("hours")
    assert len(hours) == 24 and sum(hours) == attempts
    assert hours == [one(db, "SELECT count(*) FROM call_histories WHERE task_id = %s "
                             "AND extract(hour FROM call_time AT TIME ZONE 'Asia/Shanghai') = %s", task, h)
                     for h in range(24)]
    assert sum(section_counts("bills")) == one(db, "SELECT count(*) FROM records WHERE task_id = %s "
                                                   "AND bill IS NOT NULL", task)
    assert sum(section_counts("rounds")) == one(db, "SELECT count(*) FROM records WHERE task_id = %s "
                                                    "AND rounds IS NOT NULL", task)
    tags = query(db, """SELECT t.name, count(*) FROM record_tags rt JOIN records r ON r.id = rt.record_id
        JOIN tags t ON t.id = rt.tag_id WHERE r.task_id = %s GROUP BY t.id, t.name
        ORDER BY count(*) DESC, t.name, t.id LIMIT 10""", task)
    assert section_counts("tags")[:len(tags)] == [n for _, n in tags]
    # where customers hung up: the last robot utterance of each record they ended
    last = query(db, """SELECT (SELECT d.answer_text FROM record_details d WHERE d.record_id = r.id
            AND d.notify <> 'asrprogress_notify' AND coalesce(d.answer_content, '') <> ''
            ORDER BY d.sequence DESC LIMIT 1) FROM records r WHERE r.task_id = %s AND r.hangup_disposition = 2""",
                 task)
    counts = {}
    for (name,) in last:
        counts[name] = counts.get(name, 0) + 1
    want = sorted(counts.values(), reverse=True)[:12]
    assert section_counts("hangup") == want
    assert sum(section_counts("operators")) == dialled == sum(section_counts("provinces"))


def test_overview_kept_by_the_import(data, db, alpha_sid):
    """The import computed every part of the overview ahead (task_overview, with the
    tenant's data version); the page shows those, byte for byte what it computes
    itself, and ignores parts of an older version."""
    task = task_of(data)
    tid = data["alpha"]["tenant_id"]
    version = one(db, "SELECT data_version FROM tenants WHERE id = %s", tid)
    kept = dict(query(db, "SELECT part, version FROM task_overview WHERE task_id = %s", task))
    assert set(kept) == {"TASK", "STATUS", "LEVEL", "TAG", "TAG_GROUP", "BILL", "ROUND", "OPERATOR",
                         "PROVINCE", "HOUR", "HANGUP", "TREND", "CAUSE"} and set(kept.values()) == {version}
    with_kept = page(f"/tasks/{task}", alpha_sid)
    label = one(db, "SELECT result->'rows'->0->>(SELECT i - 1 FROM jsonb_array_elements_text("
                    "result->'names') WITH ORDINALITY AS n(name, i) WHERE name = 'label')::int "
                    "FROM task_overview WHERE task_id = %s AND part = 'HOUR'", task)
    assert label == "00:00" and "00:00" in with_kept
    saved = query(db, "SELECT part, version, result::text FROM task_overview WHERE task_id = %s", task)
    try:
        # a kept part is what the page shows ...
        query(db, "UPDATE task_overview SET result = replace(result::text, '\"00:00\"', "
                  "'\"kept-00\"')::jsonb WHERE task_id = %s AND part = 'HOUR' RETURNING 1", task)
        assert "kept-00" in page(f"/tasks/{task}", alpha_sid)
        # ... while it is of the current data version
        query(db, "UPDATE task_overview SET version = version - 1 WHERE task_id = %s RETURNING 1", task)
        live = page(f"/tasks/{task}", alpha_sid)
        assert "kept-00" not in live
        assert live == with_kept, "the page computes what the import kept"
        # a kept part not of the form the import writes is computed too
        query(db, "UPDATE task_overview SET version = %s, result = '{\"names\": [1], \"rows\": [[{}]]}' "
                  "WHERE task_id = %s AND part = 'HOUR' RETURNING 1", version, task)
        assert page(f"/tasks/{task}", alpha_sid) == with_kept
    finally:
        for part, v, result in saved:
            query(db, "UPDATE task_overview SET version = %s, result = %s::jsonb "
                      "WHERE task_id = %s AND part = %s RETURNING 1", v, result, task, part)


def test_overview_drills_down(data, db, alpha_sid):
    task = task_of(data)
    d = doc(page(f"/tasks/{task}", alpha_sid))
    hrefs = d.hrefs()
    # A level's calls, by the level they were given (test_overview_links: one whose score is another's).
    level_link = [h for h in hrefs if "/records?level%5B%5D=" in h][0]
    level = re.search(r"level%5B%5D=([0-9a-f-]{36})", level_link).group(1)
    path, q = split(level_link)
    r = doc(page(path, alpha_sid, raw_query=q))
    assert Doc.text_of(r.by_id("total")) == str(one(
        db, "SELECT count(*) FROM records WHERE task_id = %s AND level_id = %s", task, level))
    status_link = [h for h in hrefs if "/numbers?status" in h][1]
    path, q = split(status_link)
    r = doc(page(path, alpha_sid, raw_query=q))
    assert Doc.text_of(r.by_id("total")) == str(one(
        db, "SELECT count(*) FROM numbers WHERE task_id = %s AND status = 1", task))
    for h in [x for x in hrefs if x.startswith(f"/tasks/{task}/")]:
        path, q = split(h)
        assert request("GET", path, raw_query=q, headers={"Cookie": "crsid=" + alpha_sid}).status == 200, h


def test_other_tenants_pages_are_404_like_the_api(data, db, alpha_sid):
    btask = task_of(data, 0, "beta")
    brec = one(db, "SELECT id::text FROM records WHERE task_id = %s LIMIT 1", btask)
    bnum = one(db, "SELECT id FROM numbers WHERE task_id = %s LIMIT 1", btask)
    missing = "00000000-0000-4000-8000-000000000000"
    for mine, gone in ((f"/tasks/{btask}", f"/tasks/{missing}"),
                       (f"/tasks/{btask}/records", f"/tasks/{missing}/records"),
                       (f"/tasks/{btask}/numbers", f"/tasks/{missing}/numbers"),
                       (f"/records/{brec}", f"/records/{missing}"),
                       (f"/numbers/{bnum}/history", "/numbers/1/history")):
        a, b = page(mine, alpha_sid, status=404), page(gone, alpha_sid, status=404)
        assert "404" in a and a == b, mine
    # and the API says the same
    assert get(f"/v1/record/{brec}", data["alpha"]["token"]).status == 404
    r = request("GET", f"/records/{brec}/recording", headers={"Cookie": "crsid=" + alpha_sid})
    assert r.status == 404 and r.json()["code"] == 404
    page("/tasks/not-a-uuid", alpha_sid, status=400)
    page("/numbers/x/history", alpha_sid, status=400)


# --- filters, pagination, sorting, downloads ------------------------------------------------

def test_numbers_filters_pagination_and_sort(data, db, alpha_sid):
    task = task_of(data)
    q = "status[]=1&status[]=4&type[]=yd&type[]=dx&keyword=&per_page=30"
    want = [str(r[0]) for r in query(db, "SELECT id FROM numbers WHERE task_id = %s AND status IN (1, 4) "
                                         "AND operator IN (1, 3) ORDER BY id", task)]
    d = doc(page(f"/tasks/{task}/numbers", alpha_sid, raw_query=q))
    assert Doc.text_of(d.by_id("total")) == str(len(want)) and ids_of(d) == want[:30]
    checked = {(e["attrs"]["name"], e["attrs"]["value"]) for e in d.all("input") if "checked" in e["attrs"]}
    assert checked == {("status[]", "1"), ("status[]", "4"), ("type[]", "yd"), ("type[]", "dx")}
    # the pager keeps the filters
    path, nq = split(link(d, "next"))
    assert path == f"/tasks/{task}/numbers" and "status" in nq and "type" in nq and "per_page=30" in nq
    d2 = doc(page(path, alpha_sid, raw_query=nq))
    assert ids_of(d2) == want[30:60] and Doc.text_of(d2.by_id("total")) == str(len(want))
    # sort by status, descending, through the column head
    head = [h for h in d.hrefs() if "sort=status" in h][0]
    path, sq = split(head)
    assert "status" in sq and "type" in sq and "dir=desc" in sq
    d3 = doc(page(path, alpha_sid, raw_query=sq))
    by_status = [str(r[0]) for r in query(db, "SELECT id FROM numbers WHERE task_id = %s AND status IN (1, 4) "
                                              "AND operator IN (1, 3) ORDER BY status DESC, id DESC", task)]
    assert ids_of(d3) == by_status[:30]
    assert d3.one("th", **{"aria-sort": "descending"})
    # the download holds the same selection, every page of it
    x = [h for h in d.hrefs() if "format=xlsx" in h][0]
    path, xq = split(x)
    r = request("GET", path, raw_query=xq, headers={"Cookie": "crsid=" + alpha_sid})
    assert r.status == 200
    rows = xlsx_rows(r.body, "号码列表")
    col = rows[0].index("号码ID")
    assert [row[col] for row in rows[1:]] == want


def records_want(db, task, order="r.calldate DESC, r.id DESC", where="true", *args):
    return [r[0] for r in query(db, f"SELECT r.id::text FROM records r WHERE r.task_id = %s AND {where} "
                                    f"ORDER BY {order}", task, *args)]


def test_records_form_filters_pagination_sort_and_xlsx(data, db, alpha_sid):
    task = task_of(data)
    tid = data["alpha"]["tenant_id"]
    lo, hi = query(db, "SELECT score_min, score_max FROM levels WHERE user_id = %s ORDER BY score_min DESC "
                       "LIMIT 1", tid)[0]
    tag = one(db, "SELECT rt.tag_id::text FROM record_tags rt JOIN records r ON r.id = rt.record_id "
                  "WHERE r.task_id = %s AND (r.score BETWEEN %s AND %s OR r.score BETWEEN 0 AND 49) "
                  "AND r.bill >= 30000 AND r.rounds <= 6 GROUP BY 1 ORDER BY count(*) DESC LIMIT 1", task, lo, hi)
    # what the form sends: checkboxes, open ends left empty, a datetime-local value
    q = (f"levels[]={lo},{hi}&levels_min=0&levels_max=49&tags[]={tag}&keyword=&bills_min=30&bills_max="
         "&rounds_min=&rounds_max=6&start_at=2020-01-01T00:00&end_at=&id=&sort=score&dir=desc&per_page=15")
    where = ("(r.score BETWEEN %s AND %s OR r.score BETWEEN 0 AND 49) AND r.bill >= 30000 AND r.rounds <= 6 "
             "AND EXISTS (SELECT 1 FROM record_tags t WHERE t.record_id = r.id AND t.tag_id = %s)")
    want = records_want(db, task, "r.score DESC, r.id DESC", where, lo, hi, tag)
    assert len(want) > 15
    d = doc(page(f"/tasks/{task}/records", alpha_sid, raw_query=q))
    assert Doc.text_of(d.by_id("total")) == str(len(want)) and ids_of(d) == want[:15]
    checked = {(e["attrs"]["name"], e["attrs"]["value"]) for e in d.all("input") if "checked" in e["attrs"]}
    assert checked == {("levels[]", f"{lo},{hi}"), ("levels[]", "0,49"), ("tags[]", tag)}
    assert d.one("input", id="bills_min")["attrs"]["value"] == "30"
    assert d.one("input", id="bills_max")["attrs"]["value"] == ""
    assert d.one("input", id="rounds_max")["attrs"]["value"] == "6"
    assert d.one("input", id="start_at")["attrs"]["value"] == "2020-01-01 00:00:00"
    assert "selected" in d.one("option", value="score")["attrs"]
    assert d.one("th", **{"aria-sort": "descending"}) and "得分" in Doc.text_of(
        d.one("th", **{"aria-sort": "descending"}))
    # page 2 by the pager: the same selection and order
    path, nq = split(link(d, "next"))
    d2 = doc(page(path, alpha_sid, raw_query=nq))
    assert ids_of(d2) == want[15:30] and Doc.text_of(d2.by_id("total")) == str(len(want))
    # the resubmitted form state survives page 2 as well
    checked2 = {(e["attrs"]["name"], e["attrs"]["value"]) for e in d2.all("input") if "checked" in e["attrs"]}
    assert checked2 == checked
    # sort by talk time, ascending, through the column head (other filters kept)
    head = [h for h in d.hrefs() if "sort=bill" in h][0]
    path, sq = split(head)
    d3 = doc(page(path, alpha_sid, raw_query=sq.replace("dir=desc", "dir=asc")))
    assert ids_of(d3) == records_want(db, task, "r.bill, r.id", where, lo, hi, tag)[:15]
    # every record's row links to its transcript, with the list it is in (上一通 / 下一通)
    assert all(any(h.startswith(f"/records/{rid}?format=html&from=") for h in d.hrefs())
               for rid in want[:15])
    # the download: the same selection in the same order, every page
    x = [h for h in d.hrefs() if "format=xlsx" in h][0]
    path, xq = split(x)
    r = request("GET", path, raw_query=xq, headers={"Cookie": "crsid=" + alpha_sid})
    rows = xlsx_rows(r.body, "通话记录")
    col = rows[0].index("通话记录ID")
    assert [row[col] for row in rows[1:]] == want


def test_records_empty_form_is_no_filter_and_bad_input_is_400(data, db, alpha_sid):
    task = task_of(data)
    q = ("keyword=&bills_min=&bills_max=&rounds_min=&rounds_max=&levels_min=&levels_max=&start_at=&end_at="
         "&id=&sort=calldate&dir=desc&per_page=15")
    d = doc(page(f"/tasks/{task}/records", alpha_sid, raw_query=q))
    want = records_want(db, task)
    assert Doc.text_of(d.by_id("total")) == str(len(want)) and ids_of(d) == want[:15]
    for bad, field in (("bills_min=x", "bills"), ("rounds_min=5&rounds_max=1", "rounds"),
                       ("levels[]=9,1", "levels"), ("start_at=yesterday", "start_at"), ("id=nope", "id"),
                       ("sort=callee", "sort")):
        text = page(f"/tasks/{task}/records", alpha_sid, raw_query=bad, status=400)
        assert f"{field} must" in html.unescape(text), bad
        # the error page still says who is signed in (its begin went unanswered till then)
        assert '<span class="user">alpha</span>' in text, bad
    # the v1 JSON order is the contract's without sort=, and sort= is an extension
    t = data["alpha"]["token"]
    r = request("POST", "/v1/task/query_done_task_phones", token=t, body={"task_id": task, "page": 1})
    assert [x["id"] for x in r.json()["data"]] == want[:15]
    r = request("POST", "/v1/task/query_done_task_phones", token=t,
                body={"task_id": task, "sort": "score", "dir": "asc"})
    assert [x["id"] for x in r.json()["data"]] == records_want(db, task, "r.score, r.id")[:15]


# --- one call ------------------------------------------------------------------------------

def shown_turns(db, rec):
    out = []
    for seq, q, a in query(db, "SELECT sequence, question, answer_content FROM record_details "
                               "WHERE record_id = %s AND notify <> 'asrprogress_notify' ORDER BY sequence, id",
                           rec):
        if q:
            out.append((seq, "customer", q))
        if a:
            out.append((seq, "robot", a))
    return out


def test_transcript_is_a_chat_with_the_calls_facts(data, db, alpha_sid):
    task = task_of(data)
    rec, kw = query(db, """SELECT d.record_id::text, d.keyword FROM record_details d JOIN records r ON r.id = d.record_id
        JOIN record_detail_tags t ON t.record_detail_id = d.id
        WHERE r.task_id = %s AND r.hangup_disposition = 2 AND d.keyword <> '' AND position(d.keyword in d.question) > 0
        ORDER BY r.calldate, r.id LIMIT 1""", task)[0]
    r = query(db, """SELECT r.score, r.rounds, r.bill, l.name || '(' || l.alias || ')', r.callee, r.recordfile
        FROM records r LEFT JOIN levels l ON l.id = r.level_id WHERE r.id = %s""", rec)[0]
    for path in (f"/records/{rec}", f"/v1/task/record_info/{task}/{rec}"):
        text = page(path, alpha_sid, raw_query="format=html" if path.startswith("/v1") else None)
        d = doc(text)
        turns = [e for e in d.all("li") if "turn" in e["attrs"].get("class", "")]
        want = shown_turns(db, rec)
        assert [(int(e["attrs"]["data-sequence"]), e["attrs"]["class"].split()[1]) for e in turns] == \
            [(s, side) for s, side, _ in want]
        bubbles = [Doc.text_of(e) for e in d.all("p") if e["attrs"].get("class") == "bubble"]
        assert bubbles == [re.sub(r"\s+", " ", t).strip() for _, _, t in want]
        assert kw in [Doc.text_of(e) for e in d.all("mark")]
        assert d.all("span", class_="tag")
        facts = {k: Doc.text_of(d.by_id("fact-" + k)) for k in ("score", "rounds", "bill", "hangup", "level")}
        assert facts == {"score": str(r[0]), "rounds": str(r[1]), "bill": f"{r[2] / 1000:.1f} 秒",
                         "hangup": "客户", "level": r[3]}
        assert Doc.text_of(d.by_id("callee")) == r[4]
        assert r[5] not in text and os.path.basename(r[5]) not in text  # no file path in the page
        # links: back to the records, on to the number's history
        num = one(db, "SELECT id FROM numbers WHERE task_id = %s AND number = %s ORDER BY id LIMIT 1", task, r[4])
        assert f"/numbers/{num}/history" in d.hrefs() and f"/tasks/{task}/records" in d.hrefs()


def test_number_history_newest_first_and_linked(data, db, alpha_sid):
    task = task_of(data)
    num = one(db, """SELECT n.id FROM numbers n JOIN call_histories h ON h.number_id = n.id
        WHERE n.task_id = %s AND n.status = 1 GROUP BY n.id HAVING count(*) > 1 ORDER BY n.id LIMIT 1""", task)
    d = doc(page(f"/numbers/{num}/history", alpha_sid))
    want = query(db, "SELECT id::text, call_id FROM call_histories WHERE number_id = %s "
                     "ORDER BY call_time DESC, id DESC", num)
    assert ids_of(d) == [w[0] for w in want]
    number, status = query(db, "SELECT number, status FROM numbers WHERE id = %s", num)[0]
    assert Doc.text_of(d.by_id("number")) == number and Doc.text_of(d.by_id("fact-status")) == STATUS[status]
    rec = one(db, "SELECT id::text FROM records WHERE task_id = %s AND callid = %s", task, want[0][1])
    assert f"/records/{rec}?format=html" in d.hrefs()
    assert len([h for h in d.hrefs() if h.startswith("/records/")]) == 1
    assert f"/tasks/{task}/numbers" in d.hrefs()


def test_recording_with_ranges(data, db, alpha_sid):
    task = task_of(data)
    rec, recordfile = query(db, "SELECT id::text, recordfile FROM records WHERE task_id = %s "
                                "ORDER BY calldate, id LIMIT 1 OFFSET 3", task)[0]
    _, wav = place_recording(recordfile, "alpha")
    d = doc(page(f"/records/{rec}", alpha_sid))
    src = f"/records/{rec}/recording"
    assert d.one("source")["attrs"] == {"src": src, "type": "audio/wav"} and d.one("audio", id="recording")
    cookie = {"Cookie": "crsid=" + alpha_sid}
    r = request("GET", src, headers=cookie)
    assert r.status == 200 and r.body == wav and r.header("Content-Type") == "audio/wav"
    assert r.header("Accept-Ranges") == "bytes" and r.header("Content-Length") == str(len(wav))
    r = request("GET", src, headers=dict(cookie, Range="bytes=100-199"))
    assert r.status == 206 and r.body == wav[100:200]
    assert r.header("Content-Range") == f"bytes 100-199/{len(wav)}"
    r = request("GET", src, headers=dict(cookie, Range="bytes=-10"))
    assert r.status == 206 and r.body == wav[-10:]
    r = request("GET", src, headers=dict(cookie, Range=f"bytes={len(wav) - 5}-"))
    assert r.status == 206 and r.body == wav[-5:]
    r = request("GET", src, headers=dict(cookie, Range=f"bytes=0-{len(wav) * 2}"))
    assert r.status == 206 and r.body == wav
    r = request("GET", src, headers=dict(cookie, Range=f"bytes={len(wav)}-"))
    assert r.status == 416 and r.header("Content-Range") == f"bytes */{len(wav)}"
    # several ranges: callreport sends the whole file; a web server in front may coalesce
    # them into one range first (lighttpd does), which is as good
    r = request("GET", src, headers=dict(cookie, Range="bytes=0-1,5-6"))
    if r.status == 206:
        a, b = [int(x) for x in re.match(r"bytes (\d+)-(\d+)/", r.header("Content-Range")).groups()]
        assert a <= 0 and b >= 6 and r.body == wav[a:b + 1]
    else:
        assert r.status == 200 and r.body == wav
    etag = request("GET", src, headers=cookie).header("ETag")
    r = request("GET", src, headers=dict(cookie, Range="bytes=0-9", **{"If-Range": '"other"'}))
    assert r.status == 200 and r.body == wav
    assert request("GET", src, headers=dict(cookie, **{"If-None-Match": etag})).status == 304
    r = request("HEAD", src, headers=cookie)
    assert r.status == 200 and r.body == b"" and r.header("Content-Length") == str(len(wav))
    # only the tenant of the record may have it
    beta = login("beta", data["beta"]["password"])[1]
    assert request("GET", src, headers={"Cookie": "crsid=" + beta}).status == 404
    assert request("GET", src, token=data["alpha"]["token"]).status == 200
    # a record whose file is not there
    other = one(db, "SELECT id::text FROM records WHERE task_id = %s ORDER BY calldate, id LIMIT 1 OFFSET 4", task)
    assert request("GET", f"/records/{other}/recording", headers=cookie).status == 404
    assert "不在录音目录中" in page(f"/records/{other}", alpha_sid)


def test_recording_paths_never_leave_the_root(xss):
    cookie = {"Cookie": "crsid=" + xss["sid"]}
    # ../ in the stored path, a symlink out of the root, a javascript: part
    for rec in XSS_RECORDS:
        r = request("GET", f"/records/{rec}/recording", headers=cookie)
        assert r.status == 404 and b"root:" not in r.body, rec
        assert "<audio" not in page(f"/records/{rec}", xss["sid"])
