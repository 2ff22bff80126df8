"""The call-back list (意向客户, issue 17 item 1): GET /callbacks, one row per number over a
period and tasks: its best level (A best; of the calls of that level the latest is its best
call), the names of the tags of all its calls, its last call, the talk time of its best call,
how many calls it had, its task and the call; filters levels, tags, tasks, operator,
province and the period; HTML, JSON (format=json), XLSX and CSV; bad input is 400 naming the
field; another tenant's task selects nothing.

Tenant "kappa" holds a small set made for the rules (a number called in two tasks, a tie of
levels, a call without a level, calls outside the period); every figure is also recomputed
from the raw rows of the demo tenant alpha with psycopg2 and compared with the JSON.
"""
import csv
import datetime
import io
import json
import os
import re
import subprocess
import urllib.parse

import openpyxl
import psycopg2
import pytest

from conftest import OUT, ROOT, SUPER_DSN, as_web, cli, get, query
from html_lib import alpha_sid, check_page, doc, login, page  # noqa: F401 (fixtures)
from test_html_pages import rows_of
from test_xlsx_cleanup import soffice

ZONE = datetime.timezone(datetime.timedelta(hours=8))  # Asia/Shanghai: no daylight saving
FMT = "%Y-%m-%d %H:%M:%S"

LA, LB, LC, LD = (f"9c0a0000-0000-4000-8000-00000000000{i}" for i in range(1, 5))
TG1, TG2, TG3 = (f"9c0a0000-0000-4000-8000-0000000000f{i}" for i in range(1, 4))
T1 = "9c0a0000-0000-4000-8000-0000000000a1"
T2 = "9c0a0000-0000-4000-8000-0000000000a2"
N1, N2, N3, N4, N5, N6 = (f"1380000000{i}" for i in range(1, 7))
MARCH = {"start_at": "2026-03-01 00:00:00", "end_at": "2026-03-31 23:59:59"}


def rid(i):
    return f"9c0a0000-0000-4000-8000-0000000001{i:02d}"


# (record, task, number, calldate, level, bill ms, tags, operator, province)
CALLS = [
    (1, T1, N1, "2026-03-02 10:00:00", LB, 20000, [TG1], 1, 1),
    (2, T2, N1, "2026-03-05 10:00:00", LA, 31000, [TG2], 1, 1),
    (3, T1, N1, "2026-03-20 10:00:00", LC, 5000, [TG1], 1, 1),
    (4, T1, N1, "2026-02-10 10:00:00", LA, 99000, [TG3], 1, 1),   # before the period
    (5, T1, N2, "2026-03-10 10:00:00", LA, 10000, [], 1, 1),
    (6, T1, N2, "2026-03-12 10:00:00", LA, 12000, [], 1, 1),       # the same level, later
    (7, T2, N3, "2026-03-25 10:00:00", LB, 8000, [TG3], 2, 2),
    (8, T1, N4, "2026-03-28 10:00:00", None, 3000, [], 1, 3),      # no level
    (9, T2, N5, "2026-03-15 10:00:00", LD, 1000, [], 3, 3),
    (10, T1, N6, "2026-04-02 10:00:00", LA, 7000, [], 1, 1),       # after the period
]


def lines_kappa():
    out = [
        {"kind": "level", "id": LA, "name": "A级", "alias": "有意向", "score_min": 300, "score_max": 1000},
        {"kind": "level", "id": LB, "name": "B级", "alias": "一般", "score_min": 200, "score_max": 299},
        {"kind": "level", "id": LC, "name": "C级", "alias": "可再次跟进", "score_min": 50, "score_max": 199},
        {"kind": "level", "id": LD, "name": "D级", "alias": "无意向", "score_min": 0, "score_max": 49},
        {"kind": "tag_scene", "id": "9c0a0000-0000-4000-8000-0000000000e1", "name": "回访"},
        {"kind": "tag_group", "id": "9c0a0000-0000-4000-8000-0000000000e2", "name": "意向",
         "tag_scene_id": "9c0a0000-0000-4000-8000-0000000000e1"},
        {"kind": "group", "id": 891000101, "name": "回访话术"},
        # The provinces its calls name: each tenant's regions are its own (issue 15.6).
        {"kind": "region", "id": 1, "pid": None, "city": "广东"},
        {"kind": "region", "id": 2, "pid": None, "city": "浙江"},
        {"kind": "region", "id": 3, "pid": None, "city": "江苏"},
        {"kind": "task", "uuid": T1, "name": "一月任务", "group_id": 891000101,
         "create_datetime": "2026-01-01 08:00:00"},
        {"kind": "task", "uuid": T2, "name": "二月任务", "group_id": 891000101,
         "create_datetime": "2026-02-01 08:00:00"},
    ]
    for i, (tg, name) in enumerate(((TG1, "有意向"), (TG2, "要资料"), (TG3, "投诉"))):
        out.append({"kind": "tag", "id": tg, "name": name, "created_at": f"2026-01-0{i + 1} 08:00:00",
                    "tag_group_ids": ["9c0a0000-0000-4000-8000-0000000000e2"]})
    score = {LA: 350, LB: 250, LC: 100, LD: 10, None: -10}   # -10: no level (the import finds none)
    for i, task, number, at, level, bill, tags, op, prov in CALLS:
        rec = {"kind": "record", "id": rid(i), "task_id": task, "callee": number, "calldate": at,
               "score": score[level], "bill": bill, "tag_ids": tags, "operator": op, "province_id": prov,
               "callid": f"k-{i}", "group_id": 891000101}
        if level:
            rec["level_id"] = level
        out.append(rec)
    return out


@pytest.fixture(scope="module")
def kappa(data):
    path = os.path.join(OUT, "kappa.jsonl")
    with open(path, "w", encoding="utf-8") as f:
        for line in lines_kappa():
            f.write(json.dumps(line, ensure_ascii=False) + "\n")
    cli("import", "--user", "kappa", path)
    cli("passwd", "--user", "kappa", input="kappa-password\n")
    r, sid = login("kappa", "kappa-password")
    assert r.status == 303 and sid
    return {"token": cli("token", "--user", "kappa").stdout.strip(), "sid": sid}


def ask(token, params, fmt="json"):
    p = dict(params)
    p["format"] = fmt
    return get("/callbacks", token, params=p)


def listed(token, params):
    r = ask(token, params)
    assert r.status == 200, r.text
    body = r.json()
    assert (body["code"], body["status"], body["message"]) == (200, "ok", "获取意向客户成功")
    return body["data"]


def short(rows):
    """(number, level name, tags, bill, last call, calls, task, record) of each row."""
    return [(r["number"], r["level_name"], r["tags"], r["bill"], r["last_call"], r["calls"],
             r["task_id"], r["record_id"]) for r in rows]


A, B, D = "A级(有意向)", "B级(一般)", "D级(无意向)"


def test_one_row_per_number_best_level_first(kappa):
    d = listed(kappa["token"], MARCH)
    assert d["total"] == 5 and d["last_page"] == 1
    assert short(d["data"]) == [
        # best: the A call (record 2) though its last call (record 3) is a C; tags of all three
        (N1, A, ["有意向", "要资料"], 31000, "2026-03-20 10:00:00", 3, T2, rid(2)),
        # two A calls: the later one is the best
        (N2, A, [], 12000, "2026-03-12 10:00:00", 2, T1, rid(6)),
        (N3, B, ["投诉"], 8000, "2026-03-25 10:00:00", 1, T2, rid(7)),
        (N5, D, [], 1000, "2026-03-15 10:00:00", 1, T2, rid(9)),
        # no level: after every level
        (N4, None, [], 3000, "2026-03-28 10:00:00", 1, T1, rid(8)),
    ]
    first = d["data"][0]
    assert list(first) == ["number", "level_name", "tags", "bill", "last_call", "calls", "province_name",
                           "operator_name", "task_name", "task_id", "record_id"]
    assert (first["province_name"], first["operator_name"], first["task_name"]) == ("广东", "移动", "二月任务")


def test_paging(kappa):
    d = listed(kappa["token"], dict(MARCH, per_page=2, page=2))
    assert d["total"] == 5 and d["last_page"] == 3
    assert [r["number"] for r in d["data"]] == [N3, N5]


def test_period(kappa):
    d = listed(kappa["token"], {"start_at": "2026-03-01 00:00:00", "end_at": "2026-03-10 10:00:00"})
    # N2's call at 10:00:00 is in (end_at takes its whole second); N1: records 1 and 2 only
    assert short(d["data"]) == [
        (N2, A, [], 10000, "2026-03-10 10:00:00", 1, T1, rid(5)),
        (N1, A, ["有意向", "要资料"], 31000, "2026-03-05 10:00:00", 2, T2, rid(2)),
    ]
    d = listed(kappa["token"], {"start_at": "2026-02-01 00:00:00", "end_at": "2026-02-28 23:59:59"})
    assert short(d["data"]) == [(N1, A, ["投诉"], 99000, "2026-02-10 10:00:00", 1, T1, rid(4))]


@pytest.mark.parametrize("levels, want", [
    ([[300, 1000], [200, 299]], [N1, N2, N3]),
    # N1 had a B call, but its best level is A
    ([[200, 299]], [N3]),
    # every level; a number without one is never chosen by levels
    ([[0, 1000]], [N1, N2, N3, N5]),
    # no level's whole range lies within
    ([[250, 1000]], [N1, N2]),
])
def test_levels(kappa, levels, want):
    d = listed(kappa["token"], dict(MARCH, **{f"levels[{i}][]": v for i, v in enumerate(levels)}))
    assert [r["number"] for r in d["data"]] == want and d["total"] == len(want)


@pytest.mark.parametrize("tags, want", [
    ([TG3], [N3]),          # N1's 投诉 call is before the period
    ([TG1], [N1]),
    ([TG2, TG3], [N1, N3]),
    (["00000000-0000-4000-8000-000000000000"], []),
])
def test_tags(kappa, tags, want):
    d = listed(kappa["token"], dict(MARCH, **{"tags[]": tags}))
    assert [r["number"] for r in d["data"]] == want and d["total"] == len(want)


def test_tasks(kappa, data):
    d = listed(kappa["token"], dict(MARCH, **{"tasks[]": [T1]}))
    # N1 in T1 only: records 1 (B) and 3 (C)
    assert short(d["data"]) == [
        (N2, A, [], 12000, "2026-03-12 10:00:00", 2, T1, rid(6)),
        (N1, B, ["有意向"], 20000, "2026-03-20 10:00:00", 2, T1, rid(1)),
        (N4, None, [], 3000, "2026-03-28 10:00:00", 1, T1, rid(8)),
    ]
    d = listed(kappa["token"], dict(MARCH, **{"tasks[]": [T2]}))
    assert short(d["data"]) == [
        (N1, A, ["要资料"], 31000, "2026-03-05 10:00:00", 1, T2, rid(2)),
        (N3, B, ["投诉"], 8000, "2026-03-25 10:00:00", 1, T2, rid(7)),
        (N5, D, [], 1000, "2026-03-15 10:00:00", 1, T2, rid(9)),
    ]
    # Another tenant's task selects nothing, as an unknown one: no rows, never its numbers.
    foreign = data["alpha"]["tasks"][0]
    d = listed(kappa["token"], dict(MARCH, **{"tasks[]": [foreign]}))
    assert d["total"] == 0 and d["data"] == []
    d = listed(kappa["token"], dict(MARCH, **{"tasks[]": [T2, foreign]}))
    assert [r["number"] for r in d["data"]] == [N1, N3, N5]
    # ... and alpha's own list over the task holds its numbers
    d = listed(data["alpha"]["token"], {"start_at": "2026-10-01 00:00:00", "end_at": "2026-11-20 23:59:59",
                                        "tasks[]": [foreign]})
    assert d["total"] > 0 and {r["task_id"] for r in d["data"]} == {foreign}


@pytest.mark.parametrize("params, want", [
    ({"operator[]": ["lt"]}, [N3]),
    ({"operator[]": ["yd", "dx"]}, [N1, N2, N5, N4]),
    ({"province[]": [3]}, [N5, N4]),
    ({"province[]": [1, 2], "operator[]": ["yd"]}, [N1, N2]),
])
def test_operator_and_province(kappa, params, want):
    d = listed(kappa["token"], dict(MARCH, **params))
    assert [r["number"] for r in d["data"]] == want and d["total"] == len(want)


@pytest.mark.parametrize("params, field", [
    ({"levels": "A"}, "levels"),
    ({"levels[0][]": [300]}, "levels"),
    ({"tags[]": ["nope"]}, "tags"),
    ({"tasks[]": ["nope"]}, "tasks"),
    ({"operator[]": ["xx"]}, "operator"),
    ({"province[]": ["gd"]}, "province"),
    ({"start_at": "2026-03-01", "end_at": "2026-03-31 23:59:59"}, "start_at"),
    ({"period": "yesteryear"}, "period"),
    ({"per_page": "0"}, "per_page"),
])
def test_bad_input(kappa, params, field):
    p = dict(MARCH)
    p.update(params)
    r = ask(kappa["token"], p)
    assert r.status == 400, r.text
    assert r.json()["message"].startswith(field), r.text
    r = get("/callbacks", kappa["token"], params=p)     # the page: 400 too, never 500
    assert r.status == 400 and "text/html" in r.header("Content-Type")


def test_html_page(kappa):
    text = page("/callbacks", kappa["sid"], params=dict(MARCH, **{"levels[]": ["300,1000", "200,299"]}))
    check_page(text)
    d = doc(text)
    rows = rows_of(d)
    assert [x["attrs"]["data-id"] for x in rows] == [rid(2), rid(6), rid(7)]
    assert f'href="/records/{rid(2)}?format=html"' in text
    assert '<th scope="col">号码</th>\n<th scope="col">意向等级</th>\n<th scope="col">标签</th>' in text
    assert "有意向、要资料" in text and 'id="total">3<' in text
    # the form keeps the choices: A and B checked, C not
    assert 'value="300,1000" checked' in text and 'value="50,199" >' in text
    # the nav of every page links here
    assert 'href="/callbacks">意向客户</a>' in text


def test_xlsx_and_csv(kappa):
    r = ask(kappa["token"], MARCH, "xlsx")
    assert r.status == 200, r.text
    wb = openpyxl.load_workbook(io.BytesIO(r.body), read_only=True)
    rows = [list(x) for x in wb["意向客户"].iter_rows(values_only=True)]
    # The reading order (a duration once, as a time value); the ids last, in the internal group.
    assert rows[0] == ["号码", "意向等级", "标签", "通话时长", "最后呼叫时间", "呼叫次数", "省份",
                       "运营商", "任务", "任务ID", "通话记录ID"]
    assert [x[0] for x in rows[1:]] == [N1, N2, N3, N5, N4]
    first = rows[1]
    assert first[1:3] == [A, "有意向、要资料"]
    assert first[3] == datetime.time(0, 0, 31)  # 31 s of talk, a time value read in read-only mode
    assert first[4] == datetime.datetime(2026, 3, 20, 10, 0) and first[5] == 3
    assert first[6:] == ["广东", "移动", "二月任务", T2, rid(2)]

    r = ask(kappa["token"], MARCH, "csv")
    assert r.status == 200 and r.header("Content-Type") == "text/csv; charset=utf-8"
    rows = list(csv.reader(io.StringIO(r.body[3:].decode("utf-8"), newline="")))
    assert rows[0][:3] == ["号码", "意向等级", "标签"]
    # a phone number stays text in a spreadsheet: ="..."
    assert [x[0] for x in rows[1:]] == [f'="{n}"' for n in (N1, N2, N3, N5, N4)]
    assert rows[1][rows[0].index("标签")] == "有意向、要资料"


def test_sales_lead_way(kappa, tmp_path):
    """Start page -> the call-back list for 近7天, levels A and B -> XLSX: the workbook's first
    three columns are 号码, 意向等级, 标签; LibreOffice reads its numbers as written and prints
    it on landscape pages, the header row on each (issue 17's "Done when")."""
    d = doc(page("/", kappa["sid"], params={"period": "7d"}))
    link = next(e for e in d.elements if e["tag"] == "a" and e["attrs"].get("id") == "callbacks")
    href = link["attrs"]["href"]
    assert href.startswith("/callbacks?") and "period=7d" in href and "start_at=" in href
    text = page(href.split("?")[0], kappa["sid"], raw_query=href.split("?", 1)[1] +
                "&levels[]=300,1000&levels[]=200,299")
    assert "近7天 ·" in text
    d = doc(text)
    xlsx = next(e for e in d.elements if e["tag"] == "a" and e["attrs"].get("id") == "xlsx")
    q = xlsx["attrs"]["href"].split("?", 1)[1]
    assert "format=xlsx" in q and "levels" in q
    r = get("/callbacks", kappa["token"], raw_query=q)
    assert r.status == 200, r.text
    wb = openpyxl.load_workbook(io.BytesIO(r.body))
    assert list(next(wb["意向客户"].iter_rows(values_only=True))[:3]) == ["号码", "意向等级", "标签"]
    # The same workbook for kappa's March (its calls are not of the last 7 days): the rows
    # read back by LibreOffice.
    params = [(k, v) for k, v in urllib.parse.parse_qsl(q) if k not in ("period", "start_at", "end_at")]
    params += [("start_at", "2026-03-01 00:00:00"), ("end_at", "2026-03-31 23:59:59")]
    r = get("/callbacks", kappa["token"], raw_query=urllib.parse.urlencode(params))
    assert r.status == 200, r.text
    wb = openpyxl.load_workbook(io.BytesIO(r.body))
    ws = wb["意向客户"]
    rows = list(ws.iter_rows(values_only=True))
    assert list(rows[0][:3]) == ["号码", "意向等级", "标签"]
    numbers = [str(x[0]) for x in rows[1:]]
    assert numbers and all(re.fullmatch(r"\+?\d{7,}", n) for n in numbers), numbers
    # The print setup the workbook carries: landscape, the header row repeated.
    assert ws.page_setup.orientation == "landscape" and ws.print_title_rows.replace("$", "") == "1:1"
    # LibreOffice (soffice --headless): the rows' sheet as CSV, the numbers as written (never
    # 1.39E+10), and the workbook as PDF, every page landscape with the header on it.
    src = tmp_path / "callbacks.xlsx"
    src.write_bytes(r.body)
    sheet = wb.sheetnames.index("意向客户") + 1
    soffice(src, "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,%d" % sheet,
            tmp_path)
    out = [f for f in os.listdir(tmp_path) if f.endswith(".csv")]
    assert len(out) == 1, out
    lines = list(csv.reader(open(tmp_path / out[0], encoding="utf-8")))
    assert lines[0][:3] == ["号码", "意向等级", "标签"]
    assert [x[0] for x in lines[1:]] == numbers
    soffice(src, "pdf", tmp_path)
    info = subprocess.run(["pdfinfo", "-f", "1", "-l", "999", str(tmp_path / "callbacks.pdf")],
                          capture_output=True, text=True, check=True).stdout
    sizes = re.findall(r"^Page\s+\d+ size:\s+([\d.]+) x ([\d.]+) pts", info, re.M)
    assert sizes and all(float(w) > float(h) for w, h in sizes)
    text = subprocess.run(["pdftotext", "-layout", str(tmp_path / "callbacks.pdf"), "-"],
                          capture_output=True, text=True, check=True).stdout.split("\f")
    data_pages = [p for p in text if any(n in p for n in numbers)]
    assert data_pages and all(re.search(r"号码\s+意向等级\s+标签", p) for p in data_pages)


def expected(db, tenant, start_at, end_at):
    """The list recomputed from the raw rows: per number its calls of [start, end]."""
    s = datetime.datetime.strptime(start_at, FMT).replace(tzinfo=ZONE)
    e = datetime.datetime.strptime(end_at, FMT).replace(tzinfo=ZONE) + datetime.timedelta(seconds=1)
    levels = query(db, "SELECT id, name || '(' || alias || ')' FROM levels WHERE user_id = %s "
                       "ORDER BY score_min DESC, score_max DESC, name, id", tenant)
    rank = {lid: i for i, (lid, _) in enumerate(levels)}
    name = dict(levels)
    tags = {}
    for rec, tag, created, tid in query(db, """SELECT rt.record_id::text, t.name, t.created_at, t.id::text
            FROM record_tags rt JOIN tags t ON t.id = rt.tag_id WHERE rt.user_id = %s""", tenant):
        tags.setdefault(rec, set()).add((created, tid, tag))
    by = {}
    for rec, callee, at, level, bill, task in query(db, """SELECT id::text, callee, calldate, level_id,
            bill, task_id::text FROM records WHERE user_id = %s AND calldate >= %s AND calldate < %s""",
                                                    tenant, s, e):
        by.setdefault(callee, []).append((rank.get(level, len(rank)), at, rec, level, bill, task))
    out = []
    for callee, calls in by.items():
        best = min(calls, key=lambda c: (c[0], -c[1].timestamp(), [-ord(ch) for ch in c[2]]))
        last = max(c[1] for c in calls)
        names = set().union(*(tags.get(c[2], set()) for c in calls))
        out.append(((best[0], -last.timestamp(), callee),
                    (callee, name.get(best[3]), [n for _, _, n in sorted(names)], best[4],
                     last.astimezone(ZONE).strftime(FMT), len(calls), best[5], best[2])))
    return [row for _, row in sorted(out)]


def test_recomputed_from_raw_rows(data, db):
    """Alpha's demo data over the whole demo: the total, the first pages and a later one."""
    period = {"start_at": "2026-10-01 00:00:00", "end_at": "2026-11-20 23:59:59"}
    want = expected(db, data["alpha"]["tenant_id"], **period)
    assert len(want) > 1000
    d = listed(data["alpha"]["token"], dict(period, per_page=100))
    # A page's total stops 1000 numbers past its offset (docs/reports.md): a bound, said so.
    assert (d["total"], d["total_capped"], d["last_page"]) == (1000, True, 10)
    assert short(d["data"]) == want[:100]
    d = listed(data["alpha"]["token"], dict(period, per_page=100, page=7))
    assert short(d["data"]) == want[600:700]
    # ... and the exact count past it, from a page within 1000 numbers of the end.
    last = (len(want) - 1) // 100 + 1
    d = listed(data["alpha"]["token"], dict(period, per_page=100, page=last))
    assert (d["total"], d["last_page"]) == (len(want), last) and "total_capped" not in d
    assert short(d["data"]) == want[(last - 1) * 100:]


# --- The walk and the grouping (issue 17: the first pages without grouping every call) ---
#
# callbacks.sql picks a page's numbers one of two ways (callbacks.walk.sql, the newest calls
# of the period; callbacks.numbers.sql, every call grouped by number) and must give the
# same rows either way. Tenant "mu": random calls (ties of time within a number and across
# numbers, calls without a level, per-call operators and provinces, tags), and random
# filters and pages; each statement run as the program runs it, as the web role under
# row-level security, and with each way forced.

MU_LEVELS = [(f"9c0b0000-0000-4000-8000-00000000000{i}", n, lo, hi) for i, (n, lo, hi) in
             enumerate((("A级", 300, 1000), ("B级", 200, 299), ("C级", 50, 199), ("D级", 0, 49)), 1)]
MU_TAGS = [f"9c0b0000-0000-4000-8000-0000000000f{i}" for i in range(1, 4)]
MU_TASKS = [f"9c0b0000-0000-4000-8000-0000000000a{i}" for i in range(1, 4)]
MU_NUMBERS = [f"1390000{i:04d}" for i in range(90)]
UNKNOWN = "00000000-0000-4000-8000-000000000000"


def lines_mu(rng):
    out = [{"kind": "level", "id": lid, "name": n, "alias": n, "score_min": lo, "score_max": hi}
           for lid, n, lo, hi in MU_LEVELS]
    out += [{"kind": "group", "id": 892000101, "name": "话术"}]
    out += [{"kind": "region", "id": i, "pid": None, "city": f"省{i}"} for i in (1, 2, 3)]
    out += [{"kind": "task", "uuid": t, "name": f"任务{i}", "group_id": 892000101,
             "create_datetime": f"2026-01-0{i + 1} 08:00:00"} for i, t in enumerate(MU_TASKS)]
    out += [{"kind": "tag_scene", "id": "9c0b0000-0000-4000-8000-0000000000e1", "name": "场景"},
            {"kind": "tag_group", "id": "9c0b0000-0000-4000-8000-0000000000e2", "name": "组",
             "tag_scene_id": "9c0b0000-0000-4000-8000-0000000000e1"}]
    out += [{"kind": "tag", "id": t, "name": f"标签{i}", "created_at": f"2026-01-0{i + 1} 08:00:00",
             "tag_group_ids": ["9c0b0000-0000-4000-8000-0000000000e2"]} for i, t in enumerate(MU_TAGS)]
    # A few instants (ties across numbers and within one), most calls in March.
    instants = [f"2026-03-{d:02d} {h:02d}:00:00" for d in range(1, 32) for h in (9, 15)]
    instants += ["2026-02-27 09:00:00", "2026-04-01 09:00:00"]
    for i in range(700):
        level = rng.choice(MU_LEVELS + [None] * 2)
        rec = {"kind": "record", "id": f"9c0b0000-0000-4000-8000-{i:012d}", "task_id": rng.choice(MU_TASKS),
               "callee": rng.choice(MU_NUMBERS[:rng.choice((10, 40, 90))]), "calldate": rng.choice(instants),
               "score": (level[2] if level else -10), "bill": rng.randrange(0, 60000),
               "tag_ids": rng.sample(MU_TAGS, rng.choice((0, 0, 0, 1, 2))), "operator": rng.randint(1, 3),
               "province_id": rng.randint(1, 3), "callid": f"m-{i}", "group_id": 892000101}
        if level:
            rec["level_id"] = level[0]
        out.append(rec)
    return out


@pytest.fixture(scope="module")
def mu(db):
    import random
    if not query(db, "SELECT FROM tenants WHERE name = 'mu'"):
        path = os.path.join(OUT, "mu.jsonl")
        with open(path, "w", encoding="utf-8") as f:
            for line in lines_mu(random.Random(17)):
                f.write(json.dumps(line, ensure_ascii=False) + "\n")
        cli("import", "--user", "mu", path)
    tenant = query(db, "SELECT id::text FROM tenants WHERE name = 'mu'")[0][0]
    conn = psycopg2.connect(SUPER_DSN)
    conn.autocommit = True
    yield {"tenant": tenant, "conn": conn, "token": cli("token", "--user", "mu").stdout.strip()}
    conn.close()


def statement(name):
    return subprocess.run([os.path.join(ROOT, "scripts", "embed-sql.sh"), "--text",
                           os.path.join(ROOT, "sql", "reports", name + ".sql")],
                          check=True, capture_output=True, text=True).stdout


BUDGET = "3000 /* WALK_BUDGET */"
WALKS = "  SELECT CASE WHEN $11::bigint IS NULL"
GROUPED_ONLY = "  SELECT CASE WHEN true OR $11::bigint IS NULL"
WALK_ONLY = "WHERE NOT (SELECT ok.walked FROM ok)"


def variants():
    """The page statement as the program runs it, and with each way forced: 'grouped' (the
    walk never taken), 'walk' (no horizon, the grouping's branch cut off: rows only if the
    walk holds the page), and small budgets (the horizon inside the period: the walk holds
    the page or gives up to the grouping)."""
    sql = statement("callbacks")
    assert sql.count(BUDGET) == 1 and sql.count(WALKS) == 1 and sql.count(WALK_ONLY) == 1
    out = {"program": sql, "grouped": sql.replace(WALKS, GROUPED_ONLY),
           "walk": sql.replace(BUDGET, "1000000000").replace(WALK_ONLY, "WHERE false AND " + WALK_ONLY[6:])}
    for b in (0, 3, 40, 300):
        out[f"budget {b}"] = sql.replace(BUDGET, str(b))
    return out


def run_as_web(mu, sql, params):
    """Rows of sql for params ($k is params[k-1]) as the web role of tenant mu, in the zone."""
    with as_web(mu["conn"], mu["tenant"]) as c:
        c.execute(re.sub(r"\$(\d+)", lambda m: c.mogrify("%s", (params[int(m.group(1)) - 1],)).decode(), sql))
        return c.fetchall()


def mu_cases(rng):
    """Random filters and pages over tenant mu: (params $2..$10, per_page, page)."""
    ranges = [[lo, hi] for _, _, lo, hi in MU_LEVELS] + [[0, 1000], [250, 1000], [0, 199]]
    for _ in range(70):
        d1, d2 = sorted(rng.sample(range(1, 32), 2))
        start, end = rng.choice([("2026-03-01 00:00:00", "2026-03-31 23:59:59"),
                                 ("2026-02-01 00:00:00", "2026-04-30 23:59:59"),
                                 (f"2026-03-{d1:02d} 09:00:00", f"2026-03-{d2:02d} 15:00:00")])
        pick = lambda xs: "{%s}" % ",".join(map(str, rng.sample(xs, rng.randint(1, len(xs)))))
        levels = tags = tasks = operator = province = None
        if rng.random() < 0.35:
            levels = "{%s}" % ",".join("{%d,%d}" % tuple(x) for x in rng.sample(ranges, rng.randint(1, 2)))
        if rng.random() < 0.25:
            tags = pick(MU_TAGS + [UNKNOWN])
        if rng.random() < 0.35:
            tasks = pick(MU_TASKS + [UNKNOWN])
        if rng.random() < 0.25:
            operator = pick([1, 2, 3])
        if rng.random() < 0.25:
            province = pick([1, 2, 3])
        per_page = rng.choice((1, 2, 5, 15, 100))
        page = rng.choice((1, 1, 2, 3, 7))
        yield [start, end, None, None, levels, tags, tasks, operator, province], per_page, page


def test_walk_and_grouping_agree(mu):
    """Every way of the page statement gives the same rows, over random data, filters and pages;
    the walk alone holds every first page here (its period is the whole selection), and the
    count (the same numbers) agrees with the pages."""
    import random
    sqls = variants()
    count = statement("callbacks.count")
    rng = random.Random(1717)
    walked = 0
    for p, per_page, pg in mu_cases(rng):
        params = [mu["tenant"]] + p
        limit, offset = str(per_page), str((pg - 1) * per_page)
        want = run_as_web(mu, sqls["grouped"], params + [limit, offset])
        everything = run_as_web(mu, sqls["grouped"], params + [None, "0"])
        assert want == everything[(pg - 1) * per_page:pg * per_page], p
        for name, sql in sqls.items():
            got = run_as_web(mu, sql, params + [limit, offset])
            if name == "walk" and not got and want:
                raise AssertionError(f"the walk gave up: {p} {per_page} {pg}")
            assert got == want, (name, p, per_page, pg)
        walked += bool(want)
        (capped, total), = run_as_web(mu, count, params + [limit, offset])
        assert (capped, total) == (False, len(everything)), p
        (capped, total), = run_as_web(mu, count, params + [None, "0"])
        assert (capped, total) == (False, len(everything)), p
    assert walked > 30


def test_count_capped(mu):
    """A page's total stops at its offset and 1000 more (here 3: the cap's text replaced);
    a file's counts every number."""
    count = statement("callbacks.count")
    assert count.count("1000 /* CAP */") == 3
    small = count.replace("1000 /* CAP */", "3")
    params = [mu["tenant"], "2026-03-01 00:00:00", "2026-03-31 23:59:59"] + [None] * 7
    everything = len(run_as_web(mu, variants()["grouped"], params + [None, "0"]))
    assert everything > 20
    assert run_as_web(mu, small, params + ["15", "0"]) == [(True, 3)]
    assert run_as_web(mu, small, params + ["15", "15"]) == [(True, 18)]
    assert run_as_web(mu, small, params + ["15", str(everything - 3)]) == [(False, everything)]
    assert run_as_web(mu, small, params + [None, "0"]) == [(False, everything)]


def test_mu_over_http(mu):
    """The program's answers (prepared statements, its own parameters) are the grouping's rows."""
    import random
    grouped = variants()["grouped"]
    rng = random.Random(4242)
    names = ["start_at", "end_at", None, None, "levels", "tags", "tasks", "operator", "province"]
    for p, per_page, pg in list(mu_cases(rng))[:25]:
        q = {"per_page": per_page, "page": pg}
        for k, v in zip(names, p):
            if k is None or v is None:
                continue
            if k == "levels":
                for i, (lo, hi) in enumerate(json.loads(v.replace("{", "[").replace("}", "]"))):
                    q[f"levels[{i}][]"] = [lo, hi]
            elif k in ("tags", "tasks", "province", "operator"):
                vals = v.strip("{}").split(",")
                if k == "operator":
                    vals = [{"1": "yd", "2": "lt", "3": "dx"}[x] for x in vals]
                q[f"{k}[]"] = vals
            else:
                q[k] = v
        params = [mu["tenant"]] + p
        want = run_as_web(mu, grouped, params + [str(per_page), str((pg - 1) * per_page)])
        everything = run_as_web(mu, grouped, params + [None, "0"])
        d = listed(mu["token"], q)
        assert d["total"] == len(everything) and "total_capped" not in d, (q, d["total"])
        assert [(r["number"], r["record_id"], r["calls"], r["last_call"]) for r in d["data"]] == \
            [(w[0], w[11], w[6], w[5]) for w in want], q


@pytest.fixture(scope="module")
def nu(db):
    """Tenant "nu": 1050 numbers called once each in March 2026, in one task."""
    if not query(db, "SELECT FROM tenants WHERE name = 'nu'"):
        path = os.path.join(OUT, "nu.jsonl")
        task = "9c0c0000-0000-4000-8000-0000000000a1"
        with open(path, "w", encoding="utf-8") as f:
            for line in ({"kind": "group", "id": 893000101, "name": "话术"},
                         {"kind": "task", "uuid": task, "name": "大任务", "group_id": 893000101,
                          "create_datetime": "2026-01-01 08:00:00"}):
                f.write(json.dumps(line, ensure_ascii=False) + "\n")
            for i in range(NU):
                f.write(json.dumps({"kind": "record", "id": f"9c0c0000-0000-4000-8000-{i:012d}", "task_id": task,
                                    "callee": f"1370{i:07d}", "score": -10, "bill": 1000,
                                    "calldate": nu_calldate(i), "callid": f"n-{i}",
                                    "group_id": 893000101}) + "\n")
        cli("import", "--user", "nu", path)
        cli("passwd", "--user", "nu", input="nu-password\n")
    r, sid = login("nu", "nu-password")
    assert r.status == 303 and sid
    return {"token": cli("token", "--user", "nu").stdout.strip(), "sid": sid}


NU = 1050


def nu_calldate(i):
    return f"2026-03-{1 + i % 28:02d} {8 + i % 12:02d}:{i % 60:02d}:00"


def test_total_capped(nu):
    """Past 1000 numbers beyond the page's offset, a page's total is that bound: JSON says
    total_capped, HTML 1000+; a page far enough counts them all; a file has every number."""
    d = listed(nu["token"], MARCH)
    assert (d["total"], d["total_capped"], d["last_page"]) == (1000, True, 67)
    assert len(d["data"]) == 15 and d["data"][0]["last_call"] == max(map(nu_calldate, range(NU)))
    d = listed(nu["token"], dict(MARCH, page=2))
    assert (d["total"], d["total_capped"], d["last_page"]) == (1015, True, 68)
    d = listed(nu["token"], dict(MARCH, per_page=100, page=10))
    assert (d["total"], d["last_page"]) == (NU, 11) and "total_capped" not in d
    assert len(d["data"]) == 100
    d = listed(nu["token"], dict(MARCH, per_page=100, page=11))
    assert len(d["data"]) == 50 and "total_capped" not in d
    text = page("/callbacks", nu["sid"], params=MARCH)
    check_page(text)
    assert 'id="total">1000+<' in text and "共 1000+ 条" in text
    r = ask(nu["token"], MARCH, "csv")
    assert r.status == 200
    assert len(list(csv.reader(io.StringIO(r.body[3:].decode("utf-8"), newline="")))) == NU + 1
