"""The start page's trend (issue 16, item 2): the tenant's figures by day over the period, by hour
when the period is shorter than a day, every point of the period shown (0 where nothing happened),
cut at the midnights and hours of Asia/Shanghai (the deployment's zone); as an SVG line chart with
its axes and values and a table of the same points on the page (GET /), as the member "trend" of
its JSON, and as the sheet 趋势 of its workbook with a native line chart
(sql/reports/start_trend.sql, the report start's part "trend").

Tenant "tau" holds a small set made for the rules: a number tried twice in one hour (one number
dialled), a number tried on two days (dialled on each), a number that failed then answered, an
attempt at 00:30 local (the day before in UTC), attempts at 23:59:59 and 00:00:00, call records
of levels A级, B级, C级 and none. Every figure the tests expect is recomputed here from those rows
(ATTEMPTS, CALLS), and each day's point is also the start page's totals row for that day.
"""
import datetime
import io
import json
import os
import re
import urllib.parse
import zipfile
from decimal import ROUND_HALF_UP, Decimal

import openpyxl
import pytest

from conftest import OUT, cli, get, query
from html_lib import Doc, check_page, doc, login, page
from test_html_pages import xlsx_rows

ZONE = datetime.timezone(datetime.timedelta(hours=8))  # Asia/Shanghai: no daylight saving
FMT = "%Y-%m-%d %H:%M:%S"
HOUR = datetime.timedelta(hours=1)
DAY = datetime.timedelta(days=1)
SEC = datetime.timedelta(seconds=1)

LA, LB, LC = (f"7a1d0000-0000-4000-8000-00000000000{i}" for i in range(1, 4))
T1 = "7a1d0000-0000-4000-8000-0000000000a1"
T2 = "7a1d0000-0000-4000-8000-0000000000a2"
GROUP = 894400101


def nid(i):
    return 894400000 + i


def rid(i):
    return f"7a1d0000-0000-4000-8000-0000000001{i:02d}"


# Call attempts: (id, task, number (its index), local call time, status; 1 answered).
ATTEMPTS = [
    (1, T1, 1, "2026-04-07 09:10:00", 4),
    (2, T1, 1, "2026-04-07 09:50:00", 1),       # the same number again in the hour: answered
    (3, T1, 2, "2026-04-07 09:20:00", 4),
    (4, T2, 3, "2026-04-07 14:00:00", 1),
    (5, T1, 2, "2026-04-07 23:59:59", 1),       # the day's last second
    (6, T1, 2, "2026-04-08 00:00:00", 4),       # the next day's first: dialled on both days
    (7, T2, 4, "2026-04-08 00:30:00", 1),       # 2026-04-07 16:30 UTC: the 8th here
    (8, T2, 5, "2026-04-08 10:05:00", 8),
    (9, T2, 5, "2026-04-08 10:45:00", 4),
    (10, T1, 6, "2026-04-08 10:15:00", 1),
    (11, T1, 1, "2026-04-08 15:00:00", 1),
    (12, T2, 7, "2026-04-10 08:00:00", 1),      # after the periods below
]

# Call records: (index, task, number (its index), local calldate, level).
CALLS = [
    (1, T1, 1, "2026-04-07 09:50:30", LA),
    (2, T2, 3, "2026-04-07 14:00:30", LB),
    (3, T1, 2, "2026-04-07 23:59:59", None),
    (4, T2, 4, "2026-04-08 00:30:30", LA),
    (5, T1, 6, "2026-04-08 10:15:30", LB),
    (6, T1, 1, "2026-04-08 15:00:30", LC),
    (7, T1, 1, "2026-04-08 15:20:00", LA),      # a second call of the number in the hour
    (8, T2, 8, "2026-04-09 11:00:00", LB),      # a record without an attempt (the vendor's data)
    (9, T2, 7, "2026-04-10 08:00:30", LA),
]

LEVEL_NAMES = {LA: "A级", LB: "B级", LC: "C级", None: None}


def local(text):
    return datetime.datetime.strptime(text, FMT).replace(tzinfo=ZONE)


def lines_tau():
    out = [
        {"kind": "level", "id": LA, "name": "A级", "alias": "有意向", "score_min": 300, "score_max": 1000},
        {"kind": "level", "id": LB, "name": "B级", "alias": "一般", "score_min": 200, "score_max": 299},
        {"kind": "level", "id": LC, "name": "C级", "alias": "可再次跟进", "score_min": 0, "score_max": 199},
        {"kind": "group", "id": GROUP, "name": "趋势话术"},
        {"kind": "task", "uuid": T1, "name": "四月回访", "group_id": GROUP, "create_datetime": "2026-04-01 08:00:00"},
        {"kind": "task", "uuid": T2, "name": "四月拉新", "group_id": GROUP, "create_datetime": "2026-04-01 09:00:00"},
    ]
    tasks = {}
    for _, task, n, _, _ in ATTEMPTS:
        tasks[n] = task
    for _, task, n, _, _ in CALLS:
        tasks.setdefault(n, task)
    for n, task in sorted(tasks.items()):
        out.append({"kind": "number", "id": nid(n), "task_id": task, "number": f"1391234{n:04d}", "status": 1})
    for i, task, n, at, status in ATTEMPTS:
        out.append({"kind": "call_history", "id": 894401000 + i, "task_id": task, "number_id": nid(n),
                    "number": f"1391234{n:04d}", "call_time": at, "status": status, "call_id": f"tau-{i}"})
    score = {LA: 350, LB: 250, LC: 100, None: -10}
    for i, task, n, at, level in CALLS:
        rec = {"kind": "record", "id": rid(i), "task_id": task, "callee": f"1391234{n:04d}", "calldate": at,
               "score": score[level], "bill": 10000 + i, "callid": f"tau-r{i}", "group_id": GROUP}
        if level:
            rec["level_id"] = level
        out.append(rec)
    return out


@pytest.fixture(scope="module")
def tau(data, db):
    path = os.path.join(OUT, "tau.jsonl")
    with open(path, "w", encoding="utf-8") as f:
        for line in lines_tau():
            f.write(json.dumps(line, ensure_ascii=False) + "\n")
    cli("import", "--user", "tau", path)
    cli("passwd", "--user", "tau", input="tau-password\n")
    r, sid = login("tau", "tau-password")
    assert r.status == 303 and sid
    tid = query(db, "SELECT id FROM tenants WHERE name = 'tau'")[0][0]
    # The rows are where the tests count them: read in the zone of Asia/Shanghai.
    got = sorted((i - 894401000, t.astimezone(ZONE).strftime(FMT)) for i, t in query(
        db, "SELECT id, call_time FROM call_histories WHERE user_id = %s", tid))
    assert got == sorted((i, at) for i, _, _, at, _ in ATTEMPTS)
    return {"token": cli("token", "--user", "tau").stdout.strip(), "sid": sid, "tenant_id": tid}


def r1(num, den):
    """100 * num / den to one decimal as PostgreSQL's round(), or None."""
    if not den:
        return None
    return (Decimal(100) * num / den).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def points(start, end):
    """The trend of [start, end] (local times) from ATTEMPTS and CALLS: every day, or every hour
    when the period is shorter than a day, each with its first and last second in the period."""
    s, e = local(start), local(end)
    hourly = e - s < DAY
    step = HOUR if hourly else DAY
    at = s.replace(minute=0, second=0) if hourly else s.replace(hour=0, minute=0, second=0)
    out = []
    while at <= e:
        lo, hi = max(at, s), min(at + step - SEC, e)
        tries = [(n, st) for _, _, n, t, st in ATTEMPTS if lo <= local(t) <= hi]
        calls = [lv for _, _, _, t, lv in CALLS if lo <= local(t) <= hi]
        dialled, answered = len({n for n, _ in tries}), len({n for n, st in tries if st == 1})
        out.append({
            "label": at.strftime("%H:00" if hourly else "%m-%d"),
            "lo": lo.strftime(FMT), "hi": hi.strftime(FMT), "unit": "hour" if hourly else "day",
            "dialled": dialled, "answered": answered, "connect_rate": r1(answered, dialled),
            "calls": len(calls),
            "a_count": sum(1 for lv in calls if lv and LEVEL_NAMES[lv].startswith("A")),
            "b_count": sum(1 for lv in calls if lv and LEVEL_NAMES[lv].startswith("B")),
        })
        at += step
    return out


def as_decimal(rows):
    return [{k: Decimal(str(v)) if isinstance(v, float) else v for k, v in r.items()} for r in rows]


def start_json(token, **params):
    r = get("/", token=token, params=dict(params, format="json"))
    assert r.status == 200, r.text[:300]
    body = r.json()
    assert body["code"] == 200 and body["status"] == "ok"
    return body


# The periods: four days (the first empty), one day by hour, part of two days (under a day: by
# hour), part of one morning (the points cut at its ends), and months without a call.
FOUR_DAYS = ("2026-04-06 00:00:00", "2026-04-09 23:59:59")
ONE_DAY = ("2026-04-08 00:00:00", "2026-04-08 23:59:59")
ACROSS_MIDNIGHT = ("2026-04-07 12:00:00", "2026-04-08 11:59:59")
A_MORNING = ("2026-04-07 09:15:00", "2026-04-07 11:30:00")
EMPTY_DAYS = ("2020-01-01 00:00:00", "2020-01-03 23:59:59")
EMPTY_DAY = ("2020-01-01 00:00:00", "2020-01-01 23:59:59")


@pytest.mark.parametrize("period", [FOUR_DAYS, ONE_DAY, ACROSS_MIDNIGHT, A_MORNING, EMPTY_DAYS, EMPTY_DAY])
def test_json_trend_is_every_point_of_the_period(tau, period):
    start, end = period
    body = start_json(tau["token"], start_at=start, end_at=end)
    want = points(start, end)
    assert as_decimal(body["trend"]) == want
    # The data are as before: the trend is a member of its own beside them.
    assert list(body) == ["code", "status", "message", "data", "trend"]
    assert body["data"][-1]["is_total"]


def test_the_rules_of_the_points(tau):
    """What the set was made for, written out (points() computes the same)."""
    days = {p["label"]: p for p in start_json(tau["token"], start_at=FOUR_DAYS[0], end_at=FOUR_DAYS[1])["trend"]}
    assert list(days) == ["04-06", "04-07", "04-08", "04-09"]
    assert [days["04-06"][k] for k in ("dialled", "answered", "calls", "connect_rate")] == [0, 0, 0, None]
    # 04-07: numbers 1 (twice, then answered), 2 (failed, then answered at 23:59:59), 3 (answered).
    assert [days["04-07"][k] for k in ("dialled", "answered", "calls", "a_count", "b_count")] == [3, 3, 3, 1, 1]
    # 04-08: numbers 2 (at 00:00:00), 4 (00:30 local), 5 (twice, never answered), 6, 1.
    assert [days["04-08"][k] for k in ("dialled", "answered", "calls", "a_count", "b_count")] == [5, 3, 4, 2, 1]
    assert days["04-08"]["connect_rate"] == 60.0
    assert [days["04-09"][k] for k in ("dialled", "calls", "b_count")] == [0, 1, 1]
    hours = start_json(tau["token"], start_at=ONE_DAY[0], end_at=ONE_DAY[1])["trend"]
    assert [h["label"] for h in hours] == ["%02d:00" % h for h in range(24)]
    assert [(h["dialled"], h["answered"]) for h in hours if h["dialled"]] == [(2, 1), (2, 1), (1, 1)]
    assert [h["label"] for h in hours if h["dialled"]] == ["00:00", "10:00", "15:00"]
    assert hours[15]["calls"] == 2 and hours[15]["a_count"] == 1
    morning = start_json(tau["token"], start_at=A_MORNING[0], end_at=A_MORNING[1])["trend"]
    assert [(m["label"], m["lo"], m["hi"]) for m in morning] == [
        ("09:00", "2026-04-07 09:15:00", "2026-04-07 09:59:59"),
        ("10:00", "2026-04-07 10:00:00", "2026-04-07 10:59:59"),
        ("11:00", "2026-04-07 11:00:00", "2026-04-07 11:30:00")]
    # 09:10 is before the period: number 1 answered at 09:50, number 2 failed at 09:20.
    assert (morning[0]["dialled"], morning[0]["answered"]) == (2, 1)


def test_each_day_is_the_start_page_of_that_day(tau):
    """A day's point counts as the start page counts the day (start.rows.sql): its totals row."""
    for p in start_json(tau["token"], start_at=FOUR_DAYS[0], end_at=FOUR_DAYS[1])["trend"]:
        total = start_json(tau["token"], start_at=p["lo"], end_at=p["hi"])["data"][-1]
        assert {k: total[k] for k in ("dialled", "answered", "connect_rate", "calls", "a_count", "b_count")} == \
            {k: p[k] for k in ("dialled", "answered", "connect_rate", "calls", "a_count", "b_count")}, p["label"]


def svg_texts(d, cls):
    return [Doc.text_of(e) for e in d.all("text") if cls in e["attrs"].get("class", "").split()]


def check_chart(text, want):
    """The page's chart: a time label a point, a value axis from 0 over the largest value, a
    line a figure with a dot a point (its value in its title, written beside it but for 0),
    higher values higher; and the table of the same points, each linking to its own period.
    Over more than 31 points (dense): every k-th label (at most 31), the lines without dots
    or values (each point's band and row still say its figures)."""
    d = check_page(text, "/ (trend)")
    svg = d.by_id("trend-chart")
    assert svg["tag"] == "svg" and svg["attrs"]["role"] == "img"
    dense = len(want) > 31
    every = -(-len(want) // 31)
    assert svg_texts(d, "xtick") == [p["label"] for i, p in enumerate(want) if i % every == 0]
    ticks = [int(t) for t in svg_texts(d, "ytick")]
    top = max(max(p[k] for k in ("dialled", "answered", "calls")) for p in want)
    assert ticks[0] == 0 and ticks == sorted(ticks) and len(ticks) == 5 and ticks[-1] >= max(top, 1)
    axis = [e for e in d.all("line") if e["attrs"].get("class") == "axis"]
    base = float(axis[0]["attrs"]["y1"])
    # The lines: the elements of each <g> in document order.
    groups, cur = {}, None
    for e in d.elements:
        if e["tag"] == "g":
            cur = groups.setdefault(e["attrs"]["class"], {"dots": [], "values": [], "line": None})
        elif cur is not None and e["tag"] == "polyline":
            cur["line"] = e["attrs"]["points"].split()
        elif cur is not None and e["tag"] == "circle":
            cur["dots"].append(e)
        elif cur is not None and e["tag"] == "text" and e["attrs"].get("class") == "value":
            cur["values"].append(Doc.text_of(e))
    names = {"t1": ("dialled", "拨打号码"), "t2": ("answered", "接通号码"), "t3": ("calls", "通话记录")}
    assert set(groups) == set(names)
    legend = Doc.text_of(next(e for e in d.all("p") if e["attrs"].get("class") == "legend"))
    assert legend == "拨打号码接通号码通话记录"
    for cls, (key, name) in names.items():
        g = groups[cls]
        assert len(g["line"]) == len(want) and len(g["dots"]) == (0 if dense else len(want))
        values = [p[key] for p in want]
        ys = [float(xy.split(",")[1]) for xy in g["line"]]
        if dense:
            assert g["values"] == []
        else:
            assert [Doc.text_of(c) for c in g["dots"]] == [f"{p['label']} {name} {p[key]}" for p in want]
            assert g["values"] == [str(v) for v in values if v > 0]
            assert [float(c["attrs"]["cy"]) for c in g["dots"]] == ys
        for v, y in zip(values, ys):
            assert (y == base) == (v == 0), (cls, v, y, base)
        for (v1, y1), (v2, y2) in zip(zip(values, ys), zip(values[1:], ys[1:])):
            assert (v1 < v2) == (y1 > y2) and (v1 == v2) == (y1 == y2), (cls, v1, v2)
    # The table: one row a point, the figures of the point, its time linking to its own period.
    rows = [e for e in d.all("tr") if "data-lo" in e["attrs"]]
    assert len(rows) == len(want)
    got = []
    for tr in rows:
        i = d.elements.index(tr)
        cells = []
        for e in d.elements[i + 1:]:
            if e["tag"] == "tr":
                break
            if e["tag"] == "td":
                cells.append(e)
        link = next(e for e in d.elements[i + 1:] if e["tag"] == "a")
        qs = urllib.parse.parse_qs(urllib.parse.urlsplit(link["attrs"]["href"]).query)
        got.append(([Doc.text_of(c) for c in cells], qs, (tr["attrs"]["data-lo"], tr["attrs"]["data-hi"])))
    for (cells, qs, (lo, hi)), p in zip(got, want):
        rate = f"{p['connect_rate']}%" if p["connect_rate"] is not None else ""
        assert cells == [p["label"], str(p["dialled"]), str(p["answered"]), rate, str(p["calls"]),
                         str(p["a_count"]), str(p["b_count"])]
        assert (lo, hi) == (p["lo"], p["hi"])
        assert qs == {"start_at": [p["lo"]], "end_at": [p["hi"]]}
    # Each point's band says every figure of it.
    bands = [Doc.text_of(e) for e in d.all("rect") if e["attrs"].get("class") == "band"]
    assert bands == [f"{p['label']}: 拨打号码 {p['dialled']}, 接通号码 {p['answered']}, 接通率 "
                     f"{str(p['connect_rate']) + '%' if p['connect_rate'] is not None else '-'}, "
                     f"通话记录 {p['calls']}, A类意向 {p['a_count']}, B类意向 {p['b_count']}" for p in want]
    return d


def test_the_page_draws_the_days_and_their_table(tau):
    start, end = FOUR_DAYS
    text = page("/", tau["sid"], params={"start_at": start, "end_at": end})
    d = check_chart(text, points(start, end))
    assert "按天" in Doc.text_of(d.by_id("h-trend"))
    # Above the tasks' table.
    ids = [e["attrs"].get("id") for e in d.elements if e["attrs"].get("id") in ("trend", "rows")]
    assert ids == ["trend", "rows"]
    # A day's link is the start page of that day: its trend by hour, its rows the day's.
    link = next(a["attrs"]["href"] for a in d.all("a") if Doc.text_of(a) == "04-08")
    u = urllib.parse.urlsplit(link)
    assert u.path == "/"
    day = page(u.path, tau["sid"], raw_query=u.query)
    check_chart(day, points(*ONE_DAY))


def test_a_long_period_draws_lines_without_dots(tau):
    """40 days: 40 points in each line, their bands and their table, every other label, no dot
    and no value written (check_chart, dense)."""
    start, end = "2026-03-01 00:00:00", "2026-04-09 23:59:59"
    want = points(start, end)
    assert len(want) == 40 and any(p["calls"] for p in want)
    text = page("/", tau["sid"], params={"start_at": start, "end_at": end})
    d = check_chart(text, want)
    assert len(svg_texts(d, "xtick")) == 20 and not d.all("circle")


def test_one_day_is_24_hours(tau):
    start, end = ONE_DAY
    text = page("/", tau["sid"], params={"start_at": start, "end_at": end})
    d = check_chart(text, points(start, end))
    assert "按小时" in Doc.text_of(d.by_id("h-trend"))
    assert svg_texts(d, "xtick") == ["%02d:00" % h for h in range(24)]
    # An hour's link: the start page of that hour, one point.
    link = next(a["attrs"]["href"] for a in d.all("a") if Doc.text_of(a) == "10:00")
    qs = urllib.parse.parse_qs(urllib.parse.urlsplit(link).query)
    assert qs == {"start_at": ["2026-04-08 10:00:00"], "end_at": ["2026-04-08 10:59:59"]}
    hour = start_json(tau["token"], start_at=qs["start_at"][0], end_at=qs["end_at"][0])["trend"]
    assert [(h["label"], h["dialled"], h["answered"], h["calls"]) for h in hour] == [("10:00", 2, 1, 1)]


def test_across_midnight_and_part_of_a_morning(tau):
    for start, end in (ACROSS_MIDNIGHT, A_MORNING):
        text = page("/", tau["sid"], params={"start_at": start, "end_at": end})
        check_chart(text, points(start, end))
    assert [p["label"] for p in points(*ACROSS_MIDNIGHT)][:2] == ["12:00", "13:00"]
    assert len(points(*ACROSS_MIDNIGHT)) == 24


@pytest.mark.parametrize("period", [EMPTY_DAYS, EMPTY_DAY])
def test_a_period_without_calls_is_points_of_zeros(tau, period):
    start, end = period
    want = points(start, end)
    assert all(p["dialled"] == p["calls"] == 0 and p["connect_rate"] is None for p in want)
    text = page("/", tau["sid"], params={"start_at": start, "end_at": end})
    d = check_chart(text, want)
    assert svg_texts(d, "value") == [] and svg_texts(d, "ytick") == ["0", "1", "2", "3", "4"]


def test_the_default_period_is_today_by_hour(tau):
    """No period: 今天, by hour in the deployment's zone (the set has nothing today)."""
    for _ in range(2):  # a request across midnight is asked again
        today = datetime.datetime.now(ZONE).date()
        body = start_json(tau["token"])
        if datetime.datetime.now(ZONE).date() == today:
            break
    assert [p["label"] for p in body["trend"]] == ["%02d:00" % h for h in range(24)]
    assert body["trend"][0]["lo"] == f"{today} 00:00:00" and body["trend"][-1]["hi"] == f"{today} 23:59:59"
    assert all(p["dialled"] == p["calls"] == 0 for p in body["trend"])
    text = page("/", tau["sid"])
    assert len(svg_texts(doc(text), "xtick")) == 24


def test_workbook_has_the_trend_sheet_and_its_line_chart(tau):
    start, end = FOUR_DAYS
    want = points(start, end)
    d = doc(page("/", tau["sid"], params={"start_at": start, "end_at": end}))
    href = d.by_id("xlsx")["attrs"]["href"]
    r = get("/", token=tau["token"], raw_query=urllib.parse.urlsplit(href).query)
    assert r.status == 200 and r.header("Content-Type").startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    wb = openpyxl.load_workbook(io.BytesIO(r.body))
    assert wb.sheetnames == ["汇总", "任务概况", "趋势"]
    ws = wb["趋势"]
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0] == ("时间", "拨打号码", "接通号码", "接通率", "通话记录", "A类意向", "B类意向", "开始时间", "结束时间")
    assert len(rows) == 1 + len(want)
    for row, p in zip(rows[1:], want):
        assert row[0] == p["label"] and list(row[1:3]) == [p["dialled"], p["answered"]]
        # The rate as a fraction shown as a percentage; empty when nothing was dialled.
        assert (row[3] is None) if p["connect_rate"] is None else abs(row[3] - float(p["connect_rate"]) / 100) < 1e-9
        assert list(row[4:7]) == [p["calls"], p["a_count"], p["b_count"]]
        assert (row[7].strftime(FMT), row[8].strftime(FMT)) == (p["lo"], p["hi"])
    assert ws["D3"].number_format == "0.0%"  # (D2: nothing dialled on 04-06, no value)
    # A native line chart of the three figures over the times.
    charts = ws._charts
    assert len(charts) == 1 and charts[0].tagname == "lineChart" and len(charts[0].series) == 3
    z = zipfile.ZipFile(io.BytesIO(r.body))
    chart = next(z.read(n).decode() for n in z.namelist() if n.startswith("xl/charts/chart")
                 and "c:lineChart" in z.read(n).decode())
    n = len(want) + 1
    refs = re.findall(r"<c:f>([^<]*)</c:f>", chart)
    assert refs == [f"'趋势'!${c}$1" if i % 3 == 0 else f"'趋势'!$A$2:$A${n}" if i % 3 == 1 else
                    f"'趋势'!${c}$2:${c}${n}" for c in "BCE" for i in range(3)]
    # The summary names the sheets; the tasks' sheet is as it was.
    summary = dict((row[0], row[1]) for row in xlsx_rows(r.body, "汇总") if len(row) > 1)
    assert summary["工作表"] == "任务概况, 趋势"
    assert xlsx_rows(r.body, "任务概况")[0][0] == "任务名称"
    # An empty period: its points, all 0, and the chart over them.
    r = get("/", token=tau["token"], params={"start_at": EMPTY_DAY[0], "end_at": EMPTY_DAY[1], "format": "xlsx"})
    assert r.status == 200
    ws = openpyxl.load_workbook(io.BytesIO(r.body))["趋势"]
    rows = list(ws.iter_rows(values_only=True))[1:]
    assert [row[0] for row in rows] == ["%02d:00" % h for h in range(24)]
    assert all(row[1] == row[2] == row[4] == 0 and row[3] is None for row in rows)
    assert len(ws._charts) == 1


def test_csv_is_the_tasks_table_alone(tau):
    """A CSV file is one table: the rows, without the trend."""
    r = get("/", token=tau["token"], params={"start_at": FOUR_DAYS[0], "end_at": FOUR_DAYS[1], "format": "csv"})
    assert r.status == 200
    lines = r.body.decode("utf-8-sig").splitlines()
    assert lines[0].startswith("任务名称") and "04-08" not in r.body.decode("utf-8-sig")


def test_another_tenant_sees_its_own_trend(tau, data):
    """The trend is the caller's: alpha's, for the same days, counts none of tau's rows."""
    mine = start_json(tau["token"], start_at=FOUR_DAYS[0], end_at=FOUR_DAYS[1])["trend"]
    theirs = start_json(data["alpha"]["token"], start_at=FOUR_DAYS[0], end_at=FOUR_DAYS[1])["trend"]
    assert [p["label"] for p in theirs] == [p["label"] for p in mine]
    assert all(p["dialled"] == p["calls"] == 0 for p in theirs)
