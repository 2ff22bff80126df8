"""Foundation: GET v1/task/number end to end (JSON, HTML, XLSX), credentials, import, CGI."""
import io
import json
import math
import os
import subprocess
import datetime

import openpyxl
import pytest

from conftest import CLI, CONF, FCGI, OUT, VERSION, cli, get, post, query, request

NUMBER_KEYS = ["number", "city", "pro", "mobile_type", "area_code", "post_code", "id",
               "status_str", "callid", "calldate", "bill", "duration", "hangupcause",
               "hangupdate", "answerdate", "is_blacklist", "status"]
STATUS_STR = {0: "等待呼叫", 1: "呼叫成功", 2: "线路故障", 3: "拒接", 4: "无应答、无人接听",
              5: "空号", 6: "关机", 7: "停机", 8: "占线、用户正忙", 9: "呼入限制", 10: "欠费",
              11: "黑名单", 12: "呼损"}


def numbers(data, tenant="alpha", **params):
    t = data[tenant]
    params.setdefault("task_id", t["tasks"][0])
    return get("/v1/task/number", t["token"], params)


def db_ids(db, sql, *args):
    return [r[0] for r in query(db, sql, *args)]


def test_status_filter_page_of_15(data, db):
    task = data["alpha"]["tasks"][0]
    r = numbers(data, page=1, **{"status[]": 1})
    assert r.status == 200
    assert r.header("Content-Type").startswith("application/json")
    body = r.json()
    assert list(body) == ["code", "status", "message", "data"]
    assert (body["code"], body["status"], body["message"]) == (200, "ok", "获取号码列表成功")
    rows = body["data"]["data"]
    assert len(rows) == 15
    assert all(x["status"] == 1 and x["status_str"] == "呼叫成功" for x in rows)
    assert all(list(x) == NUMBER_KEYS for x in rows)
    total = query(db, "SELECT count(*) FROM numbers WHERE task_id = %s AND status = 1", task)[0][0]
    assert body["data"]["total"] == total
    assert body["data"]["last_page"] == math.ceil(total / 15)
    expected = db_ids(db, "SELECT id FROM numbers WHERE task_id = %s AND status = 1 ORDER BY id LIMIT 15", task)
    assert [x["id"] for x in rows] == expected
    assert all(isinstance(x["id"], int) and isinstance(x["bill"], int) and isinstance(x["is_blacklist"], bool)
               for x in rows)


def test_every_status_string(data, db):
    for code, label in STATUS_STR.items():
        rows = numbers(data, status=code).json()["data"]["data"]
        assert rows, f"status {code} has numbers in the demo data"
        assert {x["status_str"] for x in rows} == {label}


def test_paging_and_past_the_end(data, db):
    task = data["alpha"]["tasks"][0]
    all_ids = db_ids(db, "SELECT id FROM numbers WHERE task_id = %s ORDER BY id", task)
    p2 = numbers(data, page=2).json()["data"]
    assert [x["id"] for x in p2["data"]] == all_ids[15:30]
    last = math.ceil(len(all_ids) / 15)
    assert p2["last_page"] == last
    end = numbers(data, page=last + 1).json()["data"]
    assert end["data"] == [] and end["total"] == len(all_ids)
    pp = numbers(data, page=3, per_page=7).json()["data"]
    assert [x["id"] for x in pp["data"]] == all_ids[14:21]


def test_keyword_type_and_repeated_arrays(data, db):
    task = data["alpha"]["tasks"][0]
    some = query(db, "SELECT number FROM numbers WHERE task_id = %s ORDER BY id LIMIT 1", task)[0][0]
    kw = some[3:8]
    got = numbers(data, keyword=kw, per_page=100).json()["data"]
    want = db_ids(db, "SELECT id FROM numbers WHERE task_id = %s AND number LIKE %s ORDER BY id", task, f"%{kw}%")
    assert got["total"] == len(want) and [x["id"] for x in got["data"]] == want[:100]
    got = get("/v1/task/number", data["alpha"]["token"], raw_query=f"task_id={task}&type[]=lt&type[]=dx&status=3&status=5&per_page=100").json()["data"]
    want = db_ids(db, "SELECT id FROM numbers WHERE task_id = %s AND operator IN (2,3) AND status IN (3,5) ORDER BY id", task)
    assert got["total"] == len(want) and [x["id"] for x in got["data"]] == want[:100]
    assert {x["mobile_type"] for x in got["data"]} <= {"联通", "电信"}


def test_call_history_embedded_newest_first(data, db):
    rows = numbers(data, call_history=1, **{"status[]": 1}).json()["data"]["data"]
    assert all("call_history" in x for x in rows)
    for x in rows:
        want = db_ids(db, "SELECT id FROM call_histories WHERE number_id = %s ORDER BY call_time DESC, id DESC", x["id"])
        assert [h["id"] for h in x["call_history"]] == want
        assert x["call_history"][0]["status_str"] == "呼叫成功"
        assert set(x["call_history"][0]) >= {"user_id", "task_id", "call_id", "number_id", "call_time", "record_file"}
    rows = numbers(data, call_history=0).json()["data"]["data"]
    assert all("call_history" not in x for x in rows)


def test_credentials(data):
    task = data["alpha"]["tasks"][0]
    r = get("/v1/task/number", None, {"task_id": task})
    assert r.status == 401 and r.json() == {"code": 401, "status": "error", "message": "unauthenticated"}
    r = get("/v1/task/number", "crt_" + "0" * 48, {"task_id": task})
    assert r.status == 401 and r.json()["code"] == 401


def test_foreign_task_is_missing_task(data):
    foreign = numbers(data, "alpha", task_id=data["beta"]["tasks"][0])
    missing = numbers(data, "alpha", task_id="00000000-0000-4000-8000-000000000000")
    assert foreign.status == missing.status == 404
    assert foreign.body == missing.body
    assert foreign.json() == {"code": 404, "status": "error", "message": "not found"}
    own = numbers(data, "beta", task_id=data["beta"]["tasks"][0])
    assert own.status == 200 and own.json()["data"]["total"] > 0


@pytest.mark.parametrize("params,field", [
    ({"page": "0"}, "page"), ({"page": "x"}, "page"), ({"task_id": "nope"}, "task_id"),
    ({"status[]": "13"}, "status"), ({"type[]": "zz"}, "type"), ({"keyword": "abc"}, "keyword"),
    ({"call_history": "5"}, "call_history"), ({"format": "pdf"}, "format"),
])
def test_bad_input_is_400_naming_the_field(data, params, field):
    r = numbers(data, **params)
    assert r.status == 400
    body = r.json()
    assert body["code"] == 400 and body["status"] == "error"
    assert body["message"].startswith(field + " ")


def test_method_and_path(data):
    t = data["alpha"]
    r = post("/v1/task/number", t["token"], {"task_id": t["tasks"][0]})
    assert r.status == 405 and r.json()["code"] == 405
    r = get("/v1/task/nothing", t["token"])
    assert r.status == 404 and r.json()["message"] == "not found"


def test_html_view(data, db):
    task = data["alpha"]["tasks"][0]
    for kw in ({"format": "html"}, {}):
        headers = {} if kw else {"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"}
        r = get("/v1/task/number", data["alpha"]["token"], {"task_id": task, "status[]": "1", **kw}, headers=headers)
        assert r.status == 200 and r.header("Content-Type").startswith("text/html")
        first = query(db, "SELECT number FROM numbers WHERE task_id = %s AND status = 1 ORDER BY id LIMIT 1", task)[0][0]
        assert first in r.text
        assert "号码列表" in r.text and "呼叫成功" in r.text


def test_xlsx_whole_selection(data, db):
    task = data["alpha"]["tasks"][0]
    r = numbers(data, format="xlsx", **{"status[]": ["1", "4"]})
    assert r.status == 200
    assert r.header("Content-Type") == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    cd = r.header("Content-Disposition")
    assert cd.startswith("attachment;") and "filename*=UTF-8''" in cd
    wb = openpyxl.load_workbook(io.BytesIO(r.body))
    assert wb.sheetnames == ["汇总", "号码列表"]
    ws = wb["号码列表"]
    head = [c.value for c in ws[1]]
    assert head[0] == "被叫号码" and "呼叫时间" in head and "通话时长" in head
    want = query(db, "SELECT id, number, bill, is_blacklist, calldate FROM numbers WHERE task_id = %s "
                     "AND status IN (1, 4) ORDER BY id", task)
    assert ws.max_row - 1 == len(want)
    col = {h: i for i, h in enumerate(head)}
    for row, (nid, number, bill, black, calldate) in zip(ws.iter_rows(min_row=2, values_only=True), want):
        assert row[col["被叫号码"]] == number and isinstance(row[col["被叫号码"]], str)
        assert row[col["号码ID"]] == str(nid)
        assert (row[col["通话时长"]] is None) if bill is None else (
            row[col["通话时长"]].total_seconds() == pytest.approx(bill / 1000, abs=0.001))
        assert row[col["黑名单"]] == ("是" if black else "否")
        shanghai = calldate.astimezone(datetime.timezone(datetime.timedelta(hours=8))).replace(tzinfo=None)
        assert row[col["呼叫时间"]] == shanghai
    summary = wb["汇总"]
    cells = [c for r in summary.iter_rows(values_only=True) for c in r if c is not None]
    assert "状态" in cells and "呼叫成功" in cells and len(want) in cells
    assert ws.freeze_panes == "A2" and ws.auto_filter.ref


def test_cgi_mode(data):
    t = data["alpha"]
    env = dict(os.environ, CALLREPORT_CONF=CONF, GATEWAY_INTERFACE="CGI/1.1", REQUEST_METHOD="GET",
               REQUEST_URI=f"/v1/task/number?task_id={t['tasks'][0]}&status[]=1",
               QUERY_STRING=f"task_id={t['tasks'][0]}&status[]=1",
               HTTP_AUTHORIZATION="Bearer " + t["token"])
    p = subprocess.run([FCGI], env=env, capture_output=True, stdin=subprocess.DEVNULL)
    assert p.returncode == 0
    head, _, body = p.stdout.partition(b"\r\n\r\n")
    assert head.startswith(b"Status: 200 OK")
    doc = json.loads(body)
    assert len(doc["data"]["data"]) == 15 and doc["data"]["data"][0]["status_str"] == "呼叫成功"


def test_version_cli():
    """callreport --version: the constant of cgi/base/version.h, with no configuration at all
    (a file that cannot be read would stop any other command)."""
    p = subprocess.run([CLI, "--version"], capture_output=True, text=True,
                       env={"PATH": "/usr/bin:/bin", "CALLREPORT_CONF": "/nonexistent/callreport.conf"})
    assert (p.returncode, p.stdout, p.stderr) == (0, f"callreport {VERSION}\n", "")


def test_version_healthz():
    """/healthz: "ok" stays its first line (monitors and deploy scripts read it), the version follows."""
    r = get("/healthz")
    assert r.status == 200 and r.header("Content-Type") == "text/plain; charset=utf-8"
    assert r.body == f"ok\ncallreport {VERSION}\n".encode()
    assert r.text.splitlines()[0] == "ok"
    assert get("/healthz", params={"format": "json"}).body == r.body


def test_token_stored_only_as_hash(data, db):
    token = data["alpha"]["token"]
    rows = query(db, "SELECT encode(token_hash, 'hex'), prefix FROM api_tokens")
    assert all(token not in h and token != p for h, p in rows)
    import hashlib
    assert hashlib.sha256(token.encode()).hexdigest() in {h for h, _ in rows}


TABLES = ["(SELECT id, name FROM tenants)", "regions", "levels", "tag_scenes", "tag_groups", "tags", "tag_group_tags", "groups",
          "utterances", "tasks", "numbers", "call_histories", "records", "record_tags", "record_details",
          "record_detail_tags"]


def snapshot(db):
    return {t: query(db, f"SELECT md5(coalesce(string_agg(x::text, ',' ORDER BY x::text), '')) FROM {t} x")[0][0]
            for t in TABLES}


def write(name, lines):
    path = os.path.join(OUT, name)
    with open(path, "w") as f:
        f.write("\n".join(json.dumps(x, ensure_ascii=False) if isinstance(x, dict) else x for x in lines) + "\n")
    return path


def test_import_is_whole_file_or_nothing(data, db):
    before = snapshot(db)
    group = query(db, "SELECT id FROM groups WHERE user_id = %s LIMIT 1", data["alpha"]["tenant_id"])[0][0]
    task = {"kind": "task", "uuid": "7a1f0c52-0b7e-4c55-9d6f-3f2a0e6c9d01", "name": "导入测试", "group_id": group}
    number = {"kind": "number", "id": 990000001, "task_id": task["uuid"], "number": "18651683344", "status": 1}
    cases = [
        ("bad_line.jsonl", [task, number, "{not json"], ":3:"),
        ("bad_ref.jsonl", [task, dict(number, task_id="7a1f0c52-0b7e-4c55-9d6f-3f2a0e6c9d99")], ":2: field task_id"),
        ("bad_type.jsonl", [task, dict(number, status="one")], ":2: field status"),
        ("missing.jsonl", [task, {k: v for k, v in number.items() if k != "number"}], ":2: field number"),
        ("foreign.jsonl", [dict(task, uuid=data["beta"]["tasks"][0])], ":1: field uuid"),
    ]
    for name, lines, where in cases:
        path = write(name, lines)
        p = cli("import", "--user", "alpha", path, check=False)
        assert p.returncode != 0, name
        assert path + where in p.stderr, (name, p.stderr)
        assert snapshot(db) == before, name
    path = write("good.jsonl", [number, task])
    cli("import", "--user", "alpha", path)
    once = snapshot(db)
    cli("import", "--user", "alpha", path)
    assert snapshot(db) == once
    r = numbers(data, task_id=task["uuid"])
    assert r.json()["data"]["data"][0]["number"] == "18651683344"


def test_an_unknown_reference_is_named_at_the_first_line_naming_it(data, db):
    """A reference's values are checked once each, with the first line that names them: those
    of few values as gathered while the file is read, those of more (REFSET_MAX, import.c) from
    the stage. Either way the error names the first line of the first unknown value and its
    field, and nothing is written. (A tenant of its own: the import that succeeds stays.)"""
    before = snapshot(db)
    beta_tag = query(db, "SELECT id::text FROM tags WHERE user_id = %s LIMIT 1", data["beta"]["tenant_id"])[0][0]
    tag = "7a1f0c52-0b7e-4c55-9d6f-3f2a0e6c9e21"
    head = [{"kind": "region", "id": 11, "city": "北京"},
            {"kind": "group", "id": 990001, "name": "引用测试话术"},
            {"kind": "tag_scene", "id": "7a1f0c52-0b7e-4c55-9d6f-3f2a0e6c9e31", "name": "场景"},
            {"kind": "tag_group", "id": "7a1f0c52-0b7e-4c55-9d6f-3f2a0e6c9e41", "name": "组",
             "tag_scene_id": "7a1f0c52-0b7e-4c55-9d6f-3f2a0e6c9e31"},
            {"kind": "tag", "id": tag, "name": "标签", "tag_group_ids": ["7a1f0c52-0b7e-4c55-9d6f-3f2a0e6c9e41"]},
            {"kind": "task", "uuid": "7a1f0c52-0b7e-4c55-9d6f-3f2a0e6c9e01", "name": "引用测试", "group_id": 990001}]
    num = {"kind": "number", "task_id": head[-1]["uuid"], "status": 1}
    h = len(head)

    def numbers_(n, **kw):
        return [dict(num, id=991000000 + i, number=f"1865{i:07d}", **kw) for i in range(n)]
    # Few values: a region unknown on lines h+3 and h+5 (0 is no region, not a reference).
    lines = head + numbers_(2, province_id=11) + [
        dict(num, id=991100001, number="18650000001", province_id=777777),
        dict(num, id=991100002, number="18650000002", province_id=0),
        dict(num, id=991100003, number="18650000003", province_id=777777)]
    cases = [("few.jsonl", lines, f":{h + 3}: field province_id: unknown region 777777")]
    # Many values (600 numbers, each named by an attempt): an attempt of a number not in the file.
    many = numbers_(600)
    attempts = [{"kind": "call_history", "id": 991200000 + i, "task_id": head[-1]["uuid"],
                 "number_id": n["id"], "number": n["number"], "call_time": "2026-11-20 10:00:00",
                 "status": 1} for i, n in enumerate(many)]
    attempts[450]["number_id"] = 991999999
    cases.append(("many.jsonl", head + many + attempts,
                  f":{h + 600 + 451}: field number_id: unknown number 991999999"))
    # An array: another tenant's tag (upper-cased) after the file's own.
    rec = {"kind": "record", "id": "7a1f0c52-0b7e-4c55-9d6f-3f2a0e6c9e11", "task_id": head[-1]["uuid"],
           "callee": "18650000009", "calldate": "2026-11-20 10:00:00", "score": 5}
    cases.append(("tags.jsonl", head + [dict(rec, tag_ids=[tag]),
                                        dict(rec, id="7a1f0c52-0b7e-4c55-9d6f-3f2a0e6c9e12",
                                             tag_ids=[tag.upper(), beta_tag.upper()])],
                  f":{h + 2}: field tag_ids: unknown tag {beta_tag}"))
    for name, lines, where in cases:
        path = write(name, lines)
        p = cli("import", "--user", "refcheck", path, check=False)
        assert p.returncode == 1, (name, p.stderr)
        assert path + where in p.stderr, (name, p.stderr)
        assert snapshot(db) == before, name
    # Without their unknown values, the files are imported whole.
    attempts[450]["number_id"] = many[450]["id"]
    cli("import", "--user", "refcheck", write("many_ok.jsonl", head + many + attempts),
        write("tags_ok.jsonl", head + [dict(rec, tag_ids=[tag.upper(), tag])]))
    assert query(db, """SELECT (SELECT count(*) FROM call_histories WHERE task_id = %s),
                               (SELECT array_agg(tag_id::text) FROM record_tags WHERE record_id = %s)""",
                 head[-1]["uuid"], rec["id"])[0] == (600, [tag])


def test_etag_and_304(data):
    t = data["alpha"]
    params = {"task_id": t["tasks"][1], "status[]": "3"}
    r = get("/v1/task/number", t["token"], params)
    tag = r.header("ETag")
    assert r.status == 200 and tag and tag.startswith('"v')
    again = get("/v1/task/number", t["token"], params, headers={"If-None-Match": tag})
    assert again.status == 304 and again.body == b""
    other = get("/v1/task/number", t["token"], dict(params, page=2), headers={"If-None-Match": tag})
    assert other.status == 200 and other.header("ETag") != tag
    # Another tenant never matches alpha's validator.
    beta = get("/v1/task/number", data["beta"]["token"], dict(params, task_id=data["beta"]["tasks"][1]),
               headers={"If-None-Match": tag})
    assert beta.status == 200
    # An import makes every earlier validator of the tenant stale.
    cli("import", "--user", "alpha", os.path.join(OUT, "alpha.jsonl"))
    after = get("/v1/task/number", t["token"], params, headers={"If-None-Match": tag})
    assert after.status == 200 and after.header("ETag") != tag
    assert after.json() == r.json()
