"""The pages, round 2 (issue 17, item 6; issue 16's bad input on a page): a bad filter
answers 400 with the page itself, its form as filled and the message in Chinese beside
the field; a page-number jump; 上一通 / 下一通 on a call, in the order of the list it was
opened from, and the way back to that list's page; phone numbers as tel: links; level
and tag colours as swatches; the demo's recordings, made on the spot."""
import html
import os
import re
import urllib.parse
import wave

from conftest import CLI, query, request
from html_lib import Doc, check_page, conf_value, doc, page, recordings_dir
from html_lib import alpha_sid  # noqa: F401 (a fixture)


def execute(conn, sql, *args):
    with conn.cursor() as c:
        c.execute(sql, args)
    conn.commit()


def task0(data):
    return data["alpha"]["tasks"][0]


def by_id(d, ident):
    found = [e for e in d.elements if e["attrs"].get("id") == ident]
    return found[0] if found else None


def value(d, ident):
    return by_id(d, ident)["attrs"].get("value")


def split(href):
    u = urllib.parse.urlsplit(html.unescape(href))
    return u.path, u.query


# --- bad input: the page itself, the form as filled, the message beside its field --------

def test_malformed_date_is_400_with_the_message_beside_the_field_and_the_form_kept(data, alpha_sid):
    task = task0(data)
    text = page(f"/tasks/{task}/records", alpha_sid,
                raw_query="start_at=2026-13-45&keyword=1386&rounds_min=2&sort=score&dir=asc", status=400)
    d = check_page(text, "bad start_at")
    # the message, in Chinese, right after the start_at input; the English kept as its title
    err = by_id(d, "start_at-error")
    assert err is not None and err["attrs"]["role"] == "alert"
    assert "开始时间" in Doc.text_of(err) and "日期格式" in Doc.text_of(err)
    assert err["attrs"]["title"] == "start_at must be a time as YYYY-MM-DD HH:MM:SS"
    assert re.search(r'<input [^>]*id="start_at"[^>]*aria-invalid="true"[^>]*>'
                     r'<span class="field-error" id="start_at-error"', text)
    # the form as the user filled it: the bad value and the good ones
    assert value(d, "start_at") == "2026-13-45"
    assert value(d, "keyword") == "1386" and value(d, "rounds_min") == "2"
    assert 'value="score" selected' in text and 'value="asc" selected' in text
    # no other field is marked, and no rows are shown
    assert by_id(d, "end_at-error") is None and by_id(d, "form-error") is None
    assert not [e for e in d.all("tr") if "data-id" in e["attrs"]]
    assert "筛选条件有误" in d.all_text()
    # the signed-in header and the task's heading are there as on a good page
    assert '<span class="user">alpha</span>' in text and by_id(d, "filters") is not None


def test_bad_values_are_escaped_when_kept(data, alpha_sid):
    task = task0(data)
    bad = '"><script>alert(1)</script>'
    text = page(f"/tasks/{task}/records", alpha_sid,
                raw_query="keyword=" + urllib.parse.quote(bad), status=400)
    d = check_page(text, "hostile keyword")
    assert value(d, "keyword") == bad            # kept, as an attribute's text
    assert "<script>alert" not in text and not d.all("script")
    assert "被叫号码" in Doc.text_of(by_id(d, "keyword-error"))


def test_period_errors_on_a_page_name_their_field_in_chinese(data, alpha_sid):
    # an inverted period: beside end_at, both inputs kept
    text = page("/", alpha_sid, raw_query="start_at=2026-11-02T00:00&end_at=2026-11-01T00:00", status=400)
    d = check_page(text, "inverted")
    assert Doc.text_of(by_id(d, "end_at-error")) == "结束时间 不能早于开始时间"
    assert value(d, "start_at") == "2026-11-02 00:00:00" and value(d, "end_at") == "2026-11-01 00:00:00"
    assert by_id(d, "start_at-error") is None
    # longer than three years: beside end_at
    d = check_page(page("/tasks", alpha_sid, raw_query="start_at=2020-01-01+00:00:00&end_at=2026-01-01+00:00:00",
                        status=400), "long")
    assert "三年" in Doc.text_of(by_id(d, "end_at-error"))
    # an unknown shortcut has no input of its own: the message above the form, naming it
    d = check_page(page("/tasks", alpha_sid, raw_query="period=someday", status=400), "shortcut")
    assert Doc.text_of(by_id(d, "form-error")).startswith("时间段 只能取这些值")
    # a malformed date on the period form: beside start_at, the value kept
    d = check_page(page("/", alpha_sid, raw_query="start_at=2026-02-30+00:00:00&end_at=2026-03-01+00:00:00",
                        status=400), "bad date")
    assert "日期格式" in Doc.text_of(by_id(d, "start_at-error"))
    assert value(d, "start_at") == "2026-02-30 00:00:00" and value(d, "end_at") == "2026-03-01 00:00:00"
    # only one time: beside the missing one
    d = check_page(page("/", alpha_sid, raw_query="end_at=2026-03-01+00:00:00", status=400), "one time")
    assert Doc.text_of(by_id(d, "start_at-error")) == "开始时间 必须与结束时间一起填写"


def test_the_api_keeps_the_contracts_english(data):
    t = data["alpha"]["token"]
    r = request("POST", "/v1/task/query_done_task_phones", token=t,
                body={"task_id": task0(data), "start_at": "2026-13-45"})
    assert r.status == 400 and r.json()["message"] == "start_at must be a time as YYYY-MM-DD HH:MM:SS"
    r = request("GET", "/tasks", token=t,
                raw_query="start_at=2026-11-02+00:00:00&end_at=2026-11-01+00:00:00&format=json")
    assert r.status == 400 and r.json()["message"] == "end_at must not be before start_at"


def test_a_page_number_out_of_range(data, alpha_sid):
    task = task0(data)
    # page 0: 400, the message (页码 has no input of its own) above the form
    d = check_page(page(f"/tasks/{task}/records", alpha_sid, raw_query="page=0&bills_min=1", status=400), "page 0")
    assert Doc.text_of(by_id(d, "form-error")).startswith("页码 必须是")
    assert value(d, "bills_min") == "1"
    # past the last page: the engine's empty page
    d = check_page(page(f"/tasks/{task}/records", alpha_sid, raw_query="page=100000"), "far page")
    assert not [e for e in d.all("tr") if "data-id" in e["attrs"]]


# --- the page-number jump ------------------------------------------------------------------

def records_order(db, task, order="r.calldate DESC, r.id DESC", where="TRUE"):
    return [r[0] for r in query(db, f"SELECT r.id::text FROM records r WHERE r.task_id = %s AND {where} "
                                    f"ORDER BY {order}", task)]


def test_page_jump_keeps_the_filters(data, db, alpha_sid):
    task = task0(data)
    q = "bills_min=1&sort=score&dir=asc&per_page=15&page=2"
    want = records_order(db, task, "r.score, r.id", "r.bill >= 1000")
    assert len(want) > 45
    d = doc(page(f"/tasks/{task}/records", alpha_sid, raw_query=q))
    form = by_id(d, "jump")
    assert form["attrs"]["method"] == "get" and form["attrs"]["action"] == f"/tasks/{task}/records"
    i = d.elements.index(form)
    inputs = [e["attrs"] for e in d.elements[i:] if e["tag"] == "input"]
    inputs = inputs[:[a.get("id") for a in inputs].index("jump-page") + 1]
    hidden = [(a["name"], a["value"]) for a in inputs if a["type"] == "hidden"]
    assert sorted(hidden) == sorted([("per_page", "15"), ("bills[]", "1"), ("bills[]", "1000000000"),
                                     ("sort[]", "score"), ("dir[]", "asc")])
    jump = inputs[-1]
    assert jump["name"] == "page" and jump["value"] == "2" and jump["max"] == str((len(want) + 14) // 15)
    # the form as a browser sends it, for page 3
    sent = urllib.parse.urlencode(hidden + [("page", "3")])
    d3 = doc(page(f"/tasks/{task}/records", alpha_sid, raw_query=sent))
    assert [e["attrs"]["data-id"] for e in d3.all("tr") if "data-id" in e["attrs"]] == want[30:45]
    assert value(d3, "bills_min") == "1"
    # a list of one page has no jump
    d1 = doc(page(f"/tasks/{task}/records", alpha_sid, raw_query="per_page=100&bills_min=10000"))
    assert by_id(d1, "jump") is None


# --- 上一通 / 下一通 ---------------------------------------------------------------------------

def call_page(sid, href):
    path, q = split(href)
    return doc(page(path, sid, raw_query=q))


def nav(d):
    out = {}
    for rel in ("prev", "next"):
        a = [e for e in d.all("a") if e["attrs"].get("rel") == rel and e["attrs"].get("id", "").endswith("-call")]
        out[rel] = split(a[0]["attrs"]["href"])[0].split("/")[-1] if a else None
    out["back"] = by_id(d, "to-records")["attrs"]["href"]
    return out


def test_prev_and_next_follow_the_lists_order_and_back_keeps_its_page(data, db, alpha_sid):
    task = task0(data)
    want = records_order(db, task, "r.score, r.id", "r.bill >= 1000")
    d = doc(page(f"/tasks/{task}/records", alpha_sid, raw_query="bills_min=1&sort=score&dir=asc&page=2"))
    links = [e["attrs"]["href"] for e in d.all("a") if "to-record" in e["attrs"].get("class", "")]
    assert [split(h)[0].split("/")[-1] for h in links] == want[15:30]
    # the first call of page 2: its neighbours are the 15th and 17th of the list
    c = call_page(alpha_sid, links[0])
    n = nav(c)
    assert (n["prev"], n["next"]) == (want[14], want[16])
    assert "列表中第 16 通" in c.all_text()
    path, bq = split(n["back"])
    assert path == f"/tasks/{task}/records"
    assert urllib.parse.parse_qs(bq) == {"bills[]": ["1", "1000000000"], "sort[]": ["score"],
                                         "dir[]": ["asc"], "page": ["2"]}
    # the last call of page 2, then 下一通: the first of page 3, and back goes to page 3
    c = call_page(alpha_sid, links[-1])
    assert nav(c)["next"] == want[30]
    nxt = [e["attrs"]["href"] for e in c.all("a") if e["attrs"].get("id") == "next-call"][0]
    c2 = call_page(alpha_sid, nxt)
    n2 = nav(c2)
    assert (n2["prev"], n2["next"]) == (want[29], want[31])
    path, bq = split(n2["back"])
    assert urllib.parse.parse_qs(bq)["page"] == ["3"]
    back = doc(page(path, alpha_sid, raw_query=bq))
    assert [e["attrs"]["data-id"] for e in back.all("tr") if "data-id" in e["attrs"]] == want[30:45]
    # the list's first call has no 上一通
    d1 = doc(page(f"/tasks/{task}/records", alpha_sid, raw_query="bills_min=1&sort=score&dir=asc"))
    first = [e["attrs"]["href"] for e in d1.all("a") if "to-record" in e["attrs"].get("class", "")][0]
    assert nav(call_page(alpha_sid, first))["prev"] is None


def test_the_default_order_and_a_filter_by_level(data, db, alpha_sid):
    task = task0(data)
    lo, hi = query(db, "SELECT score_min, score_max FROM levels WHERE user_id = %s ORDER BY score_min DESC "
                       "LIMIT 1", data["alpha"]["tenant_id"])[0]
    want = records_order(db, task, where=f"r.score BETWEEN {int(lo)} AND {int(hi)}")
    assert len(want) > 3
    d = doc(page(f"/tasks/{task}/records", alpha_sid, raw_query=f"levels[]={lo},{hi}"))
    links = [e["attrs"]["href"] for e in d.all("a") if "to-record" in e["attrs"].get("class", "")]
    n = nav(call_page(alpha_sid, links[1]))
    assert (n["prev"], n["next"]) == (want[0], want[2])


def test_a_from_that_does_not_validate_is_never_shown(data, db, alpha_sid):
    task = task0(data)
    rec = records_order(db, task)[3]
    for bad in ("keyword=%3Cscript%3Ealert(1)%3C/script%3E", "bills[]=x", "sort[]=callee", "%zz"):
        text = page(f"/records/{rec}", alpha_sid, raw_query="from=" + urllib.parse.quote(bad, safe=""))
        d = check_page(text, bad)
        assert by_id(d, "next-call") is None and by_id(d, "prev-call") is None, bad
        assert by_id(d, "to-records")["attrs"]["href"] == f"/tasks/{task}/records", bad
        assert "<script" not in text and "alert(1)" not in html.unescape(text), bad
    # another tenant's call is 404 whatever the from
    brec = query(db, "SELECT r.id::text FROM records r JOIN tenants u ON u.id = r.user_id "
                     "WHERE u.name = 'beta' LIMIT 1")[0][0]
    page(f"/records/{brec}", alpha_sid, raw_query="from=page%3D1", status=404)


# --- tel: links ---------------------------------------------------------------------------

def test_numbers_are_tel_links(data, db, alpha_sid):
    task = task0(data)
    d = doc(page(f"/tasks/{task}/records", alpha_sid))
    cells = [e for e in d.all("td") if "callee" in e["attrs"].get("class", "")]
    tels = [e["attrs"]["href"] for e in d.all("a") if e["attrs"].get("href", "").startswith("tel:")]
    assert len(cells) == 15 and tels == ["tel:" + Doc.text_of(c) for c in cells]
    assert all(re.fullmatch(r"tel:\d{7,20}", t) for t in tels)
    rec, callee, caller = query(db, "SELECT id::text, callee, caller_number FROM records WHERE task_id = %s "
                                    "ORDER BY calldate DESC LIMIT 1", task)[0]
    d = doc(page(f"/v1/record/{rec}", alpha_sid, raw_query="format=html"))
    assert {"tel:" + callee, "tel:" + caller} <= set(d.hrefs())
    d = doc(page(f"/records/{rec}", alpha_sid))
    assert "tel:" + callee in d.hrefs()
    d = doc(page(f"/tasks/{task}/numbers", alpha_sid))
    assert len([h for h in d.hrefs() if h.startswith("tel:")]) == 15


# --- swatches -----------------------------------------------------------------------------

def test_colours_are_swatches_not_hex_text(data, db, alpha_sid):
    tenant = data["alpha"]["tenant_id"]
    for path, table in (("/v1/setting/record_level", "levels"), ("/v1/tag/usable_tags", "tags")):
        text = page(path, alpha_sid, raw_query="format=html")
        d = check_page(text, path)
        assert not re.search(r"#[0-9A-Fa-f]{3}", d.all_text()), path
        colours = [r[0] for r in query(db, f"SELECT color FROM {table} WHERE user_id = %s AND color ~ "
                                           "'^#([0-9A-Fa-f]{3}|[0-9A-Fa-f]{6})$'", tenant)]
        assert colours, path
        fills = [e["attrs"]["fill"] for e in d.all("rect") if "fill" in e["attrs"]]
        assert sorted(fills) == sorted(colours), path
    # a colour that is not #rrggbb is drawn nowhere (the filter form's swatches too)
    lid, old = query(db, "SELECT id, color FROM levels WHERE user_id = %s AND color IS NOT NULL LIMIT 1",
                     tenant)[0]
    drawn = len(doc(page("/v1/setting/record_level", alpha_sid, raw_query="format=html")).all("rect"))
    bad = "red;x:url(javascript:alert(1))"
    try:
        execute(db, "UPDATE levels SET color = %s WHERE id = %s", bad, lid)
        text = page("/v1/setting/record_level", alpha_sid, raw_query="format=html")
        d = check_page(text, "bad colour")
        assert "javascript" not in text
        assert len([e for e in d.all("svg") if "swatch" in e["attrs"].get("class", "")]) == drawn - 1
    finally:
        execute(db, "UPDATE levels SET color = %s WHERE id = %s", old, lid)


# --- the demo's recordings ----------------------------------------------------------------

def test_demo_data_writes_a_short_recording_of_each_call(data, db):
    """demo-data --recordings (what make demo runs): a WAV for each call, where the page finds it."""
    import subprocess
    # The tenant's own directory, as make demo asks it of the command (recordings per tenant).
    root = recordings_dir("beta")
    assert root == os.path.join(conf_value("recordings_root"), data["beta"]["tenant_id"])
    subprocess.run([CLI, "demo-data", "--tenant", "beta", "--recordings", root],
                   stdout=subprocess.DEVNULL, check=True)
    recs = query(db, "SELECT r.id::text, r.recordfile FROM records r JOIN tenants u ON u.id = r.user_id "
                     "WHERE u.name = 'beta' ORDER BY r.id")
    assert len(recs) > 1000
    files = []
    for _rid, rf in recs:
        day, name = rf.split("/")[-2:]
        path = os.path.join(root, day, name)
        assert os.path.isfile(path), rf
        files.append(path)
    w = wave.open(files[0])
    assert (w.getnchannels(), w.getsampwidth(), w.getframerate()) == (1, 1, 8000)
    assert 0.3 <= w.getnframes() / 8000 <= 1.0
    # each call sounds different: the samples of two calls differ
    a, b = (wave.open(f).readframes(10 ** 6) for f in files[:2])
    assert a != b and len(set(a)) > 10
    # served to its tenant with an audio type; its page has the player
    tok = data["beta"]["token"]
    r = request("GET", f"/records/{recs[0][0]}/recording", token=tok)
    assert r.status == 200 and r.header("Content-Type") == "audio/wav"
    with open(files[0], "rb") as f:
        assert r.body == f.read()
    r = request("GET", f"/records/{recs[0][0]}", token=tok, headers={"Accept": "text/html"})
    assert r.status == 200 and 'id="recording"' in r.text and "不在录音目录中" not in r.text
