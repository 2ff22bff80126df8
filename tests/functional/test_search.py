"""Find a number (issue 17, item 2): GET /search?q=, the whole number or its last 4 or
more digits, across every task of the tenant: every number row and every call attempt,
newest first, as HTML and JSON; the search box in the header of every page; bad input
is 400 naming the field (on the page, beside the box); another tenant's number is never
found.

Tenant "delta" holds two tasks with the same number (and another number with the same
last four digits); tenant "epsilon" holds that number too."""
import json
import os

import pytest

from conftest import OUT, cli, get
from html_lib import check_page, doc, login, page

T1 = "8b0c0000-0000-4000-8000-0000000000a1"
T2 = "8b0c0000-0000-4000-8000-0000000000a2"
T3 = "8b0c0000-0000-4000-8000-0000000000a3"
R1 = "8b0c0000-0000-4000-8000-0000000000b1"
NUM = "13812345678"
OTHER = "13900005678"          # the same last four digits, another number


def lines_delta():
    return [
        {"kind": "group", "id": 890000101, "name": "查找测试话术"},
        {"kind": "task", "uuid": T1, "name": "五月任务", "group_id": 890000101,
         "create_datetime": "2026-05-01 08:00:00"},
        {"kind": "task", "uuid": T2, "name": "六月任务", "group_id": 890000101,
         "create_datetime": "2026-06-01 08:00:00"},
        {"kind": "number", "id": 890000001, "task_id": T1, "number": NUM, "status": 1,
         "calldate": "2026-05-02 10:00:00", "bill": 31000, "duration": 40000,
         "hangupcause": "NORMAL_CLEARING", "callid": "c-1"},
        {"kind": "number", "id": 890000002, "task_id": T2, "number": NUM, "status": 8,
         "calldate": "2026-06-02 10:00:00", "bill": 0, "duration": 9000, "hangupcause": "USER_BUSY",
         "callid": "c-3"},
        {"kind": "number", "id": 890000003, "task_id": T2, "number": OTHER, "status": 0},
        {"kind": "number", "id": 890000004, "task_id": T1, "number": "13812340000", "status": 0},
        {"kind": "call_history", "id": 890001001, "task_id": T1, "number_id": 890000001, "number": NUM,
         "call_time": "2026-05-02 10:00:00", "status": 1, "call_status": "answer", "call_id": "c-1",
         "hangup_cause": "NORMAL_CLEARING", "bill": 31000, "duration": 40000},
        {"kind": "call_history", "id": 890001002, "task_id": T1, "number_id": 890000001, "number": NUM,
         "call_time": "2026-05-01 09:00:00", "status": 4, "call_status": "no answer", "call_id": "c-2",
         "hangup_cause": "NO_ANSWER", "bill": 0, "duration": 30000},
        {"kind": "call_history", "id": 890001003, "task_id": T2, "number_id": 890000002, "number": NUM,
         "call_time": "2026-06-02 10:00:00", "status": 8, "call_status": "busy now", "call_id": "c-3",
         "hangup_cause": "USER_BUSY", "bill": 0, "duration": 9000},
        {"kind": "record", "id": R1, "task_id": T1, "callee": NUM, "calldate": "2026-05-02 10:00:00",
         "callid": "c-1", "score": 50, "bill": 31000, "rounds": 2},
    ]


def lines_epsilon():
    return [
        {"kind": "group", "id": 890000201, "name": "另一租户话术"},
        {"kind": "task", "uuid": T3, "name": "别人的任务", "group_id": 890000201,
         "create_datetime": "2026-07-01 08:00:00"},
        {"kind": "number", "id": 890000011, "task_id": T3, "number": NUM, "status": 1,
         "calldate": "2026-07-02 10:00:00", "bill": 1000, "hangupcause": "NORMAL_CLEARING", "callid": "e-1"},
        {"kind": "call_history", "id": 890001011, "task_id": T3, "number_id": 890000011, "number": NUM,
         "call_time": "2026-07-02 10:00:00", "status": 1, "call_status": "answer", "call_id": "e-1",
         "hangup_cause": "NORMAL_CLEARING", "bill": 1000},
    ]


@pytest.fixture(scope="module")
def tenants(data):
    out = {}
    for name, lines in (("delta", lines_delta()), ("epsilon", lines_epsilon())):
        path = os.path.join(OUT, f"{name}.jsonl")
        with open(path, "w", encoding="utf-8") as f:
            for line in lines:
                f.write(json.dumps(line, ensure_ascii=False) + "\n")
        cli("import", "--user", name, path)
        cli("passwd", "--user", name, input=f"{name}-password\n")
        r, sid = login(name, f"{name}-password")
        assert r.status == 303 and sid
        out[name] = {"token": cli("token", "--user", name).stdout.strip(), "sid": sid}
    return out


# What delta's search for the last four digits finds, newest first: a number before its
# own calls at the same time, the number never called last.
EXPECTED = [
    ("number", 890000002, None, T2, "2026-06-02 10:00:00"),
    ("call", 890000002, 890001003, T2, "2026-06-02 10:00:00"),
    ("number", 890000001, None, T1, "2026-05-02 10:00:00"),
    ("call", 890000001, 890001001, T1, "2026-05-02 10:00:00"),
    ("call", 890000001, 890001002, T1, "2026-05-01 09:00:00"),
    ("number", 890000003, None, T2, None),
]


def found(body):
    return [(r["kind"], r["number_id"], r["call_history_id"], r["task_id"], r["call_time"])
            for r in body["data"]["data"]]


def test_last_four_digits_across_two_tasks(tenants):
    r = get("/search", tenants["delta"]["token"], params={"q": "5678", "format": "json"})
    assert r.status == 200, r.text
    body = r.json()
    assert (body["code"], body["status"], body["message"]) == (200, "ok", "查找号码成功")
    assert body["data"]["total"] == 6 and body["data"]["last_page"] == 1
    assert found(body) == EXPECTED
    rows = body["data"]["data"]
    assert {r["task_id"] for r in rows if r["number"] == NUM} == {T1, T2}
    assert rows[0] == {"kind": "number", "number": NUM, "task_id": T2, "task_name": "六月任务",
                       "call_time": "2026-06-02 10:00:00", "status": 8, "status_str": "占线、用户正忙",
                       "bill": 0, "hangup_cause": "USER_BUSY", "number_id": 890000002,
                       "call_history_id": None, "record_id": None}
    assert rows[3]["record_id"] == R1 and rows[3]["status_str"] == "呼叫成功"
    assert rows[4]["record_id"] is None and rows[4]["hangup_cause"] == "NO_ANSWER"
    assert rows[5]["number"] == OTHER and rows[5]["status_str"] == "等待呼叫"


def test_whole_number_and_longer_suffixes(tenants):
    t = tenants["delta"]["token"]
    for q in (NUM, "12345678", "45678"):
        body = get("/search", t, params={"q": q, "format": "json"}).json()
        assert found(body) == EXPECTED[:5], q
    body = get("/search", t, params={"q": "00005678", "format": "json"}).json()
    assert [r["number_id"] for r in body["data"]["data"]] == [890000003]
    body = get("/search", t, params={"q": "1234", "format": "json"}).json()
    assert body["data"]["total"] == 0 and body["data"]["data"] == []   # a middle, not an end
    # Paged like every list: 2 a page.
    body = get("/search", t, params={"q": "5678", "per_page": 2, "page": 3, "format": "json"}).json()
    assert found(body) == EXPECTED[4:] and body["data"]["last_page"] == 3


def test_another_tenants_number_is_never_found(tenants):
    body = get("/search", tenants["delta"]["token"], params={"q": NUM, "format": "json"}).json()
    assert T3 not in json.dumps(body) and 890000011 not in [r["number_id"] for r in body["data"]["data"]]
    body = get("/search", tenants["epsilon"]["token"], params={"q": "5678", "format": "json"}).json()
    assert found(body) == [("number", 890000011, None, T3, "2026-07-02 10:00:00"),
                           ("call", 890000011, 890001011, T3, "2026-07-02 10:00:00")]
    assert T1 not in json.dumps(body) and T2 not in json.dumps(body)


def test_bad_input_is_400_naming_the_field(tenants):
    t = tenants["delta"]["token"]
    for q, msg in (("567", "q must be a string of 4 to 20 digits"),
                   ("56a8", "q must be a string of 4 to 20 digits"),
                   ("1" * 21, "q must be a string of 4 to 20 digits"),
                   ("", "q is required"), (None, "q is required")):
        params = {"format": "json"} if q is None else {"q": q, "format": "json"}
        r = get("/search", t, params=params)
        assert r.status == 400 and r.json() == {"code": 400, "status": "error", "message": msg}, q
    # The page: the message in Chinese beside the box, which keeps what was typed.
    text = page("/search", tenants["delta"]["sid"], params={"q": "567"}, status=400)
    d = check_page(text, "search 400")
    box = d.by_id("q")
    assert box["attrs"]["value"] == "567" and box["attrs"].get("aria-invalid") == "true"
    assert d.text_of(d.by_id("q-error")) == "号码 必须是 4 到 20 位数字"


def test_page(tenants):
    text = page("/search", tenants["delta"]["sid"], params={"q": "5678"})
    d = check_page(text, "search")
    rows = [e for e in d.all("tr") if "data-number-id" in e["attrs"]]
    assert [int(e["attrs"]["data-number-id"]) for e in rows] == [x[1] for x in EXPECTED]
    assert d.text_of(d.by_id("total")) == "6"
    assert d.by_id("q")["attrs"]["value"] == "5678"
    body = d.all_text()
    for s in ("六月任务", "五月任务", "占线、用户正忙", "用户忙", "无人接听", OTHER):
        assert s in body, s
    assert "USER_BUSY" not in body and "NO_ANSWER" not in body
    hrefs = d.hrefs()
    assert f"/records/{R1}?format=html" in hrefs
    assert "/numbers/890000002/history" in hrefs and f"/tasks/{T2}" in hrefs


def test_search_box_in_every_header(tenants, data):
    sid = tenants["delta"]["sid"]
    for path in ("/tasks", f"/tasks/{T1}", f"/tasks/{T1}/numbers", f"/tasks/{T1}/records",
                 f"/records/{R1}", "/numbers/890000001/history", "/search?q=5678"):
        p, _, q = path.partition("?")
        d = doc(page(p, sid, raw_query=q or None))
        forms = [e for e in d.all("form") if e["attrs"].get("action", "").endswith("/search")]
        assert len(forms) == 1 and forms[0]["attrs"]["method"] == "get", path
        assert d.by_id("q")["attrs"]["name"] == "q", path
