"""Every row of every panel of the task overview links to its list (issue 16, item 3): the
statuses, levels (and 未分级), tags, tag groups, talk-time bands, rounds, where customers
hung up (the drop-off: the robot's last utterance), calls by hour of day (both tables),
the trend, the hangup causes (and those without one), operators and provinces (and 未知,
the numbers dialled and the call records of each). The list a row links to keeps the
period and lists exactly the rows the row counts: its total is the row's figure.

Tenant "ovlinks" holds one task whose data are written below, so that every figure is
known: over the period 2026-03-10 to 2026-03-12 (calls on either side of it, and one at
23:59:59 of its last day) and over the task's whole life. It has what the demo data never
have: a call record whose level is not its score's (imported with its level), one below
every level, numbers and calls without a province or an operator (0 or none), calls
without a hangup cause (none or empty), customers who hung up after an utterance without
a name, or before the robot spoke. The lists' filters the rows link with that are no
filter of the contract (level[], province[], operator[], none[], dropoff) are the pages'
(HTML, XLSX): the v1 JSON ignores them as it ignores any unknown parameter, and a bad
value of each is 400 naming it.
"""
import html
import json
import os
import re
import urllib.parse

import pytest

from conftest import OUT, cli, get, post, query
from html_lib import check_page, login, page
from test_html_pages import xlsx_rows
from test_periods import section, text_of, total_of

TASK = "0e71c000-0000-4000-8000-000000000001"
GROUP = 890300001
START, END = "2026-03-10 00:00:00", "2026-03-12 23:59:59"
LA, LB, LC, LD = ("0e71c000-0000-4000-8000-0000000000a%d" % i for i in range(4))
TG1, TG2, TG3 = ("0e71c000-0000-4000-8000-0000000000b%d" % i for i in range(3))
GA, GB = "0e71c000-0000-4000-8000-0000000000c0", "0e71c000-0000-4000-8000-0000000000c1"
SCENE = "0e71c000-0000-4000-8000-0000000000c9"
P1, P2 = 890301, 890302                     # two provinces of the tenant
PRODUCT = "介绍产品&价格 #1"                  # an utterance whose name needs encoding in a link


def rec_id(i):
    return "0e71c000-0000-4000-8000-0000000001%02d" % i


def lines():
    out = [
        {"kind": "region", "id": P1, "pid": None, "city": "粤测"},
        {"kind": "region", "id": P2, "pid": None, "city": "浙测"},
        {"kind": "level", "id": LA, "name": "A级", "alias": "有意向", "color": "#19be6b",
         "score_min": 300, "score_max": 1000},
        {"kind": "level", "id": LB, "name": "B级", "alias": "一般", "score_min": 200, "score_max": 299},
        {"kind": "level", "id": LC, "name": "C级", "alias": "再跟进", "score_min": 100, "score_max": 199},
        {"kind": "level", "id": LD, "name": "D级", "alias": "无意向", "score_min": 0, "score_max": 99},
        {"kind": "tag_scene", "id": SCENE, "name": "链接测试"},
        {"kind": "tag_group", "id": GA, "name": "有意向组", "tag_scene_id": SCENE},
        {"kind": "tag_group", "id": GB, "name": "拒绝组", "tag_scene_id": SCENE},
        {"kind": "tag", "id": TG1, "name": "意向强", "tag_group_ids": [GA]},
        {"kind": "tag", "id": TG2, "name": "要资料", "tag_group_ids": [GA]},
        {"kind": "tag", "id": TG3, "name": "拒绝", "tag_group_ids": [GB]},
        {"kind": "group", "id": GROUP, "name": "链接测试话术"},
        {"kind": "task", "uuid": TASK, "name": "概览链接任务", "group_id": GROUP,
         "create_datetime": "2026-03-01 08:00:00"},
    ]
    # Numbers: id, status now, province, operator (0 and none: unknown).
    numbers = {1: (1, P1, 1), 2: (1, P1, 2), 3: (4, P2, 3), 4: (1, 0, 0), 5: (8, None, None),
               6: (0, P1, 1), 7: (1, P2, 2), 8: (3, P1, 1)}
    for n, (status, prov, op) in numbers.items():
        line = {"kind": "number", "id": 890310000 + n, "task_id": TASK, "number": "1380000%04d" % n,
                "status": status}
        if prov is not None:
            line["province_id"] = prov
        if op is not None:
            line["operator"] = op
        out.append(line)
    # Call attempts: number, time, status (two outside the period, one at its last second).
    attempts = [(1, "2026-03-10 09:15:00", 4), (1, "2026-03-10 14:20:00", 1), (2, "2026-03-11 09:40:00", 1),
                (3, "2026-03-11 10:05:00", 4), (4, "2026-03-12 09:05:00", 1), (5, "2026-03-12 23:59:59", 8),
                (7, "2026-03-09 15:00:00", 1), (8, "2026-03-10 00:00:00", 3), (3, "2026-03-13 09:00:00", 4)]
    for k, (n, t, status) in enumerate(attempts):
        out.append({"kind": "call_history", "id": 890320000 + k, "task_id": TASK, "number_id": 890310000 + n,
                    "number": "1380000%04d" % n, "call_time": t, "status": status})
    # Call records: number, calldate, score, extra fields, the transcript's rows
    # (notify, answer_text, answer_content).
    robot = lambda name, said="您好": ("enter", name, said)  # noqa: E731
    records = [
        (1, "2026-03-10 14:20:00", 350, dict(bill=45000, rounds=6, hangupcause="NORMAL_CLEARING",
                                             hangup_disposition=2, province_id=P1, operator=1, tag_ids=[TG1, TG2]),
         [robot("开场白"), ("asrmessage_notify", None, None), robot(PRODUCT, "我们的产品")]),
        # Imported with level A, its score B's: the level's row counts it, as its list.
        (2, "2026-03-11 09:40:00", 250, dict(level_id=LA, bill=9999, rounds=0, hangupcause="NORMAL_CLEARING",
                                             hangup_disposition=2, province_id=P1, operator=2, tag_ids=[TG3]),
         [robot("开场白"), ("asrprogress_notify", "进行中", "不算")]),
        # Below every level; no hangup cause; the robot hung up.
        (4, "2026-03-12 09:05:00", -5, dict(bill=10000, rounds=12, hangup_disposition=1, province_id=0,
                                            operator=0), []),
        # An empty hangup cause, no talk time, no rounds, no province, no operator; the
        # customer hung up before the robot spoke.
        (4, "2026-03-12 09:30:00", 150, dict(hangupcause="", hangup_disposition=2),
         [("asrmessage_notify", None, None)]),
        # The customer hung up after an utterance without a name.
        (1, "2026-03-10 16:00:00", 50, dict(bill=300000, rounds=3, hangupcause="USER_BUSY", hangup_disposition=2,
                                            province_id=P1, operator=1, tag_ids=[TG1]),
         [robot("")]),
        # Outside the period (the day before).
        (7, "2026-03-09 15:00:00", 350, dict(bill=45000, rounds=6, hangupcause="NORMAL_CLEARING",
                                             hangup_disposition=2, province_id=P2, operator=2),
         [robot(PRODUCT)]),
        # The period's last second.
        (2, "2026-03-12 23:59:59", 220, dict(bill=125000, rounds=4, hangupcause="NO_ANSWER", hangup_disposition=2,
                                             province_id=P1, operator=2, tag_ids=[TG2]),
         [robot(PRODUCT)]),
    ]
    for i, (n, t, score, extra, turns) in enumerate(records):
        out.append(dict({"kind": "record", "id": rec_id(i), "task_id": TASK, "callee": "1380000%04d" % n,
                         "calldate": t, "score": score}, **extra))
        for s, (notify, name, said) in enumerate(turns):
            d = {"kind": "record_detail", "id": "0e71c000-0000-4000-8000-0000000002%d%d" % (i, s),
                 "record_id": rec_id(i), "sequence": s + 1, "notify": notify}
            if notify == "asrmessage_notify":
                d["question"] = "喂"
            else:
                d.update(answer_text=name, answer_content=said)
            out.append(d)
    return out


@pytest.fixture(scope="module")
def ov(data):
    path = os.path.join(OUT, "ovlinks.jsonl")
    with open(path, "w", encoding="utf-8") as f:
        for line in lines():
            f.write(json.dumps(line, ensure_ascii=False) + "\n")
    cli("import", "--user", "ovlinks", path)
    cli("passwd", "--user", "ovlinks", input="ovlinks-password\n")
    r, sid = login("ovlinks", "ovlinks-password")
    assert r.status == 303 and sid
    return {"sid": sid, "token": cli("token", "--user", "ovlinks").stdout.strip()}


# What each panel counts over the period, by row label (the fixture above, by hand).
PERIOD_WANT = {
    "status": {"呼叫成功": 3, "拒接": 1, "无应答、无人接听": 1, "占线、用户正忙": 1},
    "levels": {"A级(有意向)": 2, "B级(一般)": 1, "C级(再跟进)": 1, "D级(无意向)": 1, "未分级": 1},
    "tags": {"意向强": 2, "要资料": 2, "拒绝": 1},
    "tag-groups": {"有意向组": 3, "拒绝组": 1},
    "bills": {"0–9 秒": 1, "10–29 秒": 1, "30–59 秒": 1, "1–2 分钟": 0, "2–5 分钟": 1, "5 分钟以上": 1},
    "rounds": {"0 轮": 1, "3 轮": 1, "4 轮": 1, "6 轮": 1, "10 轮以上": 1},
    "hangup": {PRODUCT: 2, "开场白": 1, "（机器人未开口）": 1, "（未命名话术）": 1},
    "hours": {"00:00": 1, "09:00": 3, "10:00": 1, "14:00": 1, "23:00": 1},
    "rates": {"00:00": 1, "09:00": 3, "10:00": 1, "14:00": 1, "23:00": 1},
    "trend": {"03-10": 2, "03-11": 1, "03-12": 3},
    "causes": {"正常挂断": 2, "用户忙": 1, "无人接听": 1, "（未记录）": 2},
    "operators": {"移动": 2, "联通": 1, "电信": 1, "未知": 2},
    "provinces": {"粤测": 3, "浙测": 1, "未知": 2},
}
# The call records of the operators' and provinces' rows over the period.
PERIOD_RECORDS = {"operators": {"移动": 2, "联通": 2, "电信": 0, "未知": 2},
                  "provinces": {"粤测": 4, "浙测": 0, "未知": 2}}
# Over the whole life: the rows that differ (the record of 03-09, the attempts of 03-09
# and 03-13, the numbers never called or called only then).
LIFE_WANT = {
    "levels": {"A级(有意向)": 3},
    "hangup": {PRODUCT: 3},
    "operators": {"移动": 2, "联通": 2, "电信": 1, "未知": 2},
    "provinces": {"粤测": 3, "浙测": 2, "未知": 2},
}
LIFE_RECORDS = {"operators": {"移动": 2, "联通": 3, "电信": 0, "未知": 2},
                "provinces": {"粤测": 4, "浙测": 1, "未知": 2}}
PANELS = list(PERIOD_WANT)


def tables(text):
    """The overview's panels: {panel: [row]}, a row a dict of its label, its count (the
    cell of class count), its link, and for operators and provinces its call records and
    their link."""
    out = {}
    for sec in ("status", "levels", "tags", "bills", "rounds", "hangup", "hours", "rates", "trend", "causes",
                "operators", "provinces"):
        s = section(text, sec)
        for attrs, body in re.findall(r"<table([^>]*)>(.*?)</table>", s, re.S):
            name = "tag-groups" if 'id="tag-groups"' in attrs else sec
            rows = []
            for tr in re.findall(r"<tr[^>]*>(.*?)</tr>", body.split("<tbody>")[1], re.S):
                cells = re.findall(r"<td([^>]*)>(.*?)</td>", tr, re.S)
                if len(cells) < 2:
                    continue            # 还没有呼叫
                row = {"label": text_of(cells[0][1]), "link": None}
                m = re.search(r'href="([^"]*)"', cells[0][1])
                if m:
                    row["link"] = html.unescape(m.group(1))
                for cattrs, cell in cells:
                    if "count" in cattrs:
                        row["count"] = int(text_of(cell))
                    if "records" in cattrs:
                        row["records"] = int(text_of(cell))
                        row["records_link"] = html.unescape(re.search(r'href="([^"]*)"', cell).group(1))
                rows.append(row)
            out[name] = rows
    return out


def query_of(link):
    return urllib.parse.parse_qs(urllib.parse.urlsplit(link).query)


def check_link(sid, link, count, start, end, what):
    """Follows link; its list has count rows and the period (within [start, end] for a point
    of the trend) is in the link."""
    q = query_of(link)
    if what[0] == "trend":      # a point of the period: its first and last second
        assert (start or "") <= q["start_at"][0] <= q["end_at"][0] <= (end or "9"), (what, link)
    elif start is None:
        assert "start_at" not in q and "end_at" not in q, (what, link)
    else:
        assert (q["start_at"], q["end_at"]) == ([start], [end]), (what, link)
    n, listed = total_of(link, sid)
    assert n == count, (what, link, n, count)
    return listed


def follow_every_row(sid, text, start, end, want, want_records):
    panels = tables(text)
    assert set(panels) == set(PANELS)
    followed = 0
    for name, rows in panels.items():
        got = {r["label"]: r["count"] for r in rows if r["count"] or name not in ("hours", "rates")}
        for label, count in want.get(name, {}).items():
            assert got.get(label) == count, (name, label, got)
        for r in rows:
            if name in ("hours", "rates") and r["count"] == 0:
                assert r["link"] is None, (name, r)   # an hour without attempts lists none
                continue
            assert r["link"], (name, r)
            check_link(sid, r["link"], r["count"], start, end, (name, r["label"]))
            followed += 1
            if "records" in r:
                assert want_records[name][r["label"]] == r["records"], (name, r)
                check_link(sid, r["records_link"], r["records"], start, end, (name, r["label"], "records"))
                followed += 1
    return panels, followed


def test_every_row_of_every_panel_over_a_period(ov):
    text = page("/tasks/" + TASK, ov["sid"], params={"start_at": START, "end_at": END})
    check_page(text, "the overview of a period")
    assert re.search(r'id="f-records">6<', text) and re.search(r'id="f-dialled">6<', text)
    panels, followed = follow_every_row(ov["sid"], text, START, END, PERIOD_WANT, PERIOD_RECORDS)
    assert followed >= 70, followed
    # Every row's figures are those written above, no more rows than those.
    for name in ("levels", "tags", "tag-groups", "hangup", "causes", "operators", "provinces", "trend"):
        assert {r["label"]: r["count"] for r in panels[name]} == PERIOD_WANT[name], name
    # The rows the contract's filters cannot list exactly are linked with the pages' own.
    link = {(name, r["label"]): r["link"] for name, rows in panels.items() for r in rows}
    assert query_of(link["levels", "A级(有意向)"])["level[]"] == [LA]
    assert query_of(link["levels", "未分级"])["none[]"] == ["level"]
    assert query_of(link["hangup", PRODUCT])["dropoff"] == [PRODUCT]
    assert query_of(link["hangup", "（机器人未开口）"])["dropoff"] == ["（机器人未开口）"]
    assert query_of(link["causes", "（未记录）"])["none[]"] == ["hangupcause"]
    assert query_of(link["operators", "未知"])["none[]"] == ["operator"]
    assert query_of(link["provinces", "未知"])["none[]"] == ["province"]
    assert query_of(link["provinces", "粤测"])["province"] == [str(P1)]
    rec = {(name, r["label"]): r["records_link"] for name in ("operators", "provinces") for r in panels[name]}
    assert query_of(rec["provinces", "粤测"])["province[]"] == [str(P1)]
    assert query_of(rec["provinces", "未知"])["none[]"] == ["province"]
    assert query_of(rec["operators", "联通"])["operator[]"] == ["lt"]


def test_the_drop_off_and_the_provinces_list_their_calls(ov):
    """The drop-off rows and the provinces' call records, row by row: the very calls."""
    text = page("/tasks/" + TASK, ov["sid"], params={"start_at": START, "end_at": END})
    panels = tables(text)
    want = {PRODUCT: {rec_id(0), rec_id(6)}, "开场白": {rec_id(1)}, "（机器人未开口）": {rec_id(3)},
            "（未命名话术）": {rec_id(4)}}
    for r in panels["hangup"]:
        _, listed = total_of(r["link"], ov["sid"])
        assert set(re.findall(r'/records/(%s)' % "[0-9a-f-]{36}", listed)) == want[r["label"]], r
    want = {"粤测": {rec_id(i) for i in (0, 1, 4, 6)}, "浙测": set(), "未知": {rec_id(2), rec_id(3)}}
    for r in panels["provinces"]:
        _, listed = total_of(r["records_link"], ov["sid"])
        assert set(re.findall(r'/records/(%s)' % "[0-9a-f-]{36}", listed)) == want[r["label"]], r
    # The numbers dialled in a province: 未知 is those of province 0 or none.
    want = {"粤测": ["13800000001", "13800000002", "13800000008"], "浙测": ["13800000003"],
            "未知": ["13800000004", "13800000005"]}
    for r in panels["provinces"]:
        _, listed = total_of(r["link"], ov["sid"])
        assert sorted(set(re.findall(r">(1380000\d{4})<", listed))) == want[r["label"]], r
    check_page(listed, "numbers of a province")


def test_every_row_of_every_panel_over_the_whole_life(ov):
    text = page("/tasks/" + TASK, ov["sid"])
    want = {name: dict(PERIOD_WANT[name], **LIFE_WANT.get(name, {}))
            for name in ("levels", "hangup", "operators", "provinces")}
    panels, followed = follow_every_row(ov["sid"], text, None, None, want, LIFE_RECORDS)
    assert followed >= 70, followed
    # The numbers dialled of an operator: of a status but 等待呼叫 (number 6 is not).
    link = next(r["link"] for r in panels["operators"] if r["label"] == "移动")
    assert query_of(link)["status[]"] == [str(s) for s in range(1, 13)]
    # The trend: a day a point, from the first call to the last.
    assert [r["label"] for r in panels["trend"]] == ["03-09", "03-10", "03-11", "03-12", "03-13"]


def test_the_kept_overview_links_the_same(ov, db):
    """The import kept the whole life's parts (with their statements' digests): the page
    shows them, links and all, as it computes them; a part kept by another version of the
    program (another digest) is computed again."""
    kept = page("/tasks/" + TASK, ov["sid"])
    parts = dict(query(db, "SELECT part, result->>'sql' FROM task_overview WHERE task_id = %s", TASK))
    assert len(parts) == 13 and all(re.fullmatch(r"[0-9a-f]{8}", d) for d in parts.values())
    saved = query(db, "SELECT part, result::text FROM task_overview WHERE task_id = %s", TASK)
    try:
        query(db, "UPDATE task_overview SET result = jsonb_set(result, '{sql}', '\"00000000\"') "
                  "WHERE task_id = %s RETURNING 1", TASK)
        assert page("/tasks/" + TASK, ov["sid"]) == kept
        query(db, "UPDATE task_overview SET result = result - 'sql' WHERE task_id = %s RETURNING 1", TASK)
        assert page("/tasks/" + TASK, ov["sid"]) == kept
    finally:
        for part, result in saved:
            query(db, "UPDATE task_overview SET result = %s::jsonb WHERE task_id = %s AND part = %s "
                      "RETURNING 1", result, TASK, part)


def test_the_json_ignores_the_pages_filters(ov):
    """level[], province[], operator[], none[] and dropoff are no parameters of the v1 JSON:
    ignored there, bad values too, as any unknown parameter always was."""
    tok = ov["token"]
    every = post("/v1/task/query_done_task_phones", tok, {"task_id": TASK}).json()["total"]
    assert every == 7
    for extra in ({"province": [P1]}, {"level": [LA]}, {"operator": ["yd"]}, {"none": ["level"]},
                  {"dropoff": "开场白"}, {"province": ["x"], "none": ["bogus"], "dropoff": 5, "level": [1]}):
        r = post("/v1/task/query_done_task_phones", tok, dict(extra, task_id=TASK))
        assert r.status == 200 and r.json()["total"] == every, extra
        r = get(f"/tasks/{TASK}/records", tok, params=dict(extra, format="json"))
        assert r.status == 200 and r.json()["total"] == every, extra
    r = get("/v1/task/number", tok, params={"task_id": TASK, "none[]": "bogus"})
    assert r.status == 200 and r.json()["data"]["total"] == 8
    r = get("/v1/task/number", tok, params={"task_id": TASK, "none[]": "province"})
    assert r.json()["data"]["total"] == 8
    # The same filters select on the page and in the workbook, whose summary names them.
    r = get(f"/tasks/{TASK}/records", tok, params={"province[]": P1, "level[]": LA, "operator[]": "lt",
                                                   "format": "xlsx"})
    assert r.status == 200
    summary = {row[0]: row[1] for row in xlsx_rows(r.body, "汇总") if len(row) > 1}
    assert (summary["筛选: 省份"], summary["筛选: 意向等级"], summary["筛选: 运营商"]) == ("粤测", "A级(有意向)", "联通")
    assert [row[0] for row in xlsx_rows(r.body, "通话记录")[1:]] == ["13800000002"]
    r = get(f"/tasks/{TASK}/numbers", tok, params={"none[]": ["province", "operator"], "format": "xlsx"})
    summary = {row[0]: row[1] for row in xlsx_rows(r.body, "汇总") if len(row) > 1}
    assert summary["筛选: 未记录"] == "省份, 运营商"
    assert sorted(row[0] for row in xlsx_rows(r.body, "号码列表")[1:]) == ["13800000004", "13800000005"]


BAD = [
    ("records", {"level[]": "x"}, "level must be an array of UUIDs"),
    ("records", {"province[]": "0"}, "province must be an array of integers from 1 to 2147483647"),
    ("records", {"province[]": "广东"}, "province must be an array of integers from 1 to 2147483647"),
    ("records", {"province[]": [str(i) for i in range(1, 102)]}, "province takes at most 100 values"),
    ("records", {"operator[]": "unknown"}, "operator must be an array of: yd, lt, dx"),
    ("records", {"none[]": "tags"}, "none must be an array of: level, province, operator, hangupcause"),
    ("records", {"none[]": ["level"] * 101}, "none takes at most 100 values"),
    ("records", {"dropoff": "话" * 341}, "dropoff must be a string of at most 1020 bytes"),
    ("numbers", {"none[]": "level"}, "none must be an array of: province, operator"),
]


@pytest.mark.parametrize("path, params, message", BAD, ids=[m.split(" ")[0] + "-" + str(i) for i, (_, _, m)
                                                             in enumerate(BAD)])
def test_a_bad_value_of_a_pages_filter_is_400(ov, path, params, message):
    # A workbook of the v1 endpoint (the JSON envelope for its error).
    if path == "records":
        r = post("/v1/task/query_done_task_phones?format=xlsx", ov["token"],
                 urllib.parse.urlencode(dict(params, task_id=TASK), doseq=True),
                 headers={"Content-Type": "application/x-www-form-urlencoded"})
    else:
        r = get("/v1/task/number", ov["token"], params=dict(params, task_id=TASK, format="xlsx"))
    assert r.status == 400 and r.json()["message"] == message
    # The page answers with itself, the message above its form (the filter has no input).
    r = get(f"/tasks/{TASK}/{path}", ov["token"], params=params, headers={"Accept": "text/html"})
    assert r.status == 400
    assert f'title="{html.escape(message)}"' in r.text and 'id="form-error"' in r.text
