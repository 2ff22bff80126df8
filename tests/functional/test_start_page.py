"""The start page (GET /): the tenant's tasks over a period against the previous period of the
same length, as HTML, JSON and XLSX; the period's shortcuts and bad input (input/period.c).

Every figure is computed here from the raw rows the demo import wrote, for periods inside the
demo's dates (2026-10-01 .. 2026-11-20): nothing depends on today's date but the shortcuts' own
test, which compares them with the clock of Asia/Shanghai read here.
"""
import datetime
import urllib.parse
from decimal import ROUND_HALF_UP, Decimal

import pytest

from conftest import cli, get, query
from html_lib import Doc, alpha_sid, check_page, doc, login, messages, page  # noqa: F401 (fixtures)
from test_html_pages import rows_of, xlsx_rows

ZONE = datetime.timezone(datetime.timedelta(hours=8))  # Asia/Shanghai: no daylight saving
FMT = "%Y-%m-%d %H:%M:%S"


def r1(num, den):
    """100 * num / den to one decimal as PostgreSQL's round() (half away from zero), or None."""
    if not den:
        return None
    return (Decimal(100) * num / den).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def figures(db, tenant_id, start, end):
    """Per task with an attempt or a record in [start, end] (local times), from the raw rows."""
    s = datetime.datetime.strptime(start, FMT).replace(tzinfo=ZONE)
    e = datetime.datetime.strptime(end, FMT).replace(tzinfo=ZONE) + datetime.timedelta(seconds=1)
    out = {}
    for task, number, status in query(db, """SELECT task_id::text, number_id, status FROM call_histories
            WHERE user_id = %s AND call_time >= %s AND call_time < %s""", tenant_id, s, e):
        f = out.setdefault(task, {"dialled": set(), "answered": set(), "calls": 0, "a": 0, "b": 0, "bills": []})
        f["dialled"].add(number)
        if status == 1:
            f["answered"].add(number)
    for task, level, bill in query(db, """SELECT r.task_id::text, l.name, r.bill FROM records r
            LEFT JOIN levels l ON l.id = r.level_id
            WHERE r.user_id = %s AND r.calldate >= %s AND r.calldate < %s""", tenant_id, s, e):
        f = out.setdefault(task, {"dialled": set(), "answered": set(), "calls": 0, "a": 0, "b": 0, "bills": []})
        f["calls"] += 1
        f["a"] += bool(level and level.upper().startswith("A"))
        f["b"] += bool(level and level.upper().startswith("B"))
        if bill is not None:
            f["bills"].append(bill)
    return out


def want_row(f, p):
    """The row the page should show for figures f against the previous figures p."""
    d, a, c = len(f["dialled"]), len(f["answered"]), f["calls"]
    rate, prate = r1(a, d), r1(len(p["answered"]), len(p["dialled"])) if p else None
    bills = f["bills"]
    return {
        "dialled": d, "answered": a, "connect_rate": rate, "prev_connect_rate": prate,
        "connect_rate_change": rate - prate if rate is not None and prate is not None else None,
        "calls": c, "prev_calls": p["calls"] if p else 0, "calls_change": c - (p["calls"] if p else 0),
        "a_count": f["a"], "a_rate": r1(f["a"], c), "b_count": f["b"], "b_rate": r1(f["b"], c),
        "avg_bill": (Decimal(sum(bills)) / len(bills) / 1000).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
        if bills else None,
    }


def total(figs):
    t = {"dialled": set(), "answered": set(), "calls": 0, "a": 0, "b": 0, "bills": []}
    for f in figs.values():
        for k in ("dialled", "answered"):
            t[k] |= f[k]
        for k in ("calls", "a", "b"):
            t[k] += f[k]
        t["bills"] += f["bills"]
    return t


def as_decimal(row):
    return {k: Decimal(str(v)) if isinstance(v, float) else v for k, v in row.items()}


def busiest_day(db, tenant_id):
    return query(db, """SELECT to_char(calldate AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD') d
        FROM records WHERE user_id = %s GROUP BY d ORDER BY count(*) DESC, d LIMIT 1""", tenant_id)[0][0]


def start_json(token, **params):
    r = get("/", token=token, params=dict(params, format="json"))
    assert r.status == 200, r.text[:300]
    return r.json()


def check_period(db, data, tenant, start, end, prev_start, prev_end):
    tid = data[tenant]["tenant_id"]
    body = start_json(data[tenant]["token"], start_at=start, end_at=end)
    assert body["code"] == 200 and body["status"] == "ok"
    rows = [as_decimal(r) for r in body["data"]]
    cur, prev = figures(db, tid, start, end), figures(db, tid, prev_start, prev_end)
    assert cur, "the period has data"
    tasks = rows[:-1]
    assert {r["task_id"] for r in tasks} == set(cur), "one row per task active in the period"
    assert all(not r["is_total"] for r in tasks) and rows[-1]["is_total"] and rows[-1]["task_id"] is None
    names = dict(query(db, "SELECT uuid::text, name FROM tasks WHERE user_id = %s", tid))
    for r in tasks:
        want = want_row(cur[r["task_id"]], prev.get(r["task_id"]))
        assert {k: r[k] for k in want} == want, r["task_id"]
        assert r["name"] == names[r["task_id"]]
    want = want_row(total(cur), total(prev))
    assert {k: rows[-1][k] for k in want} == want and rows[-1]["name"] == "合计"
    for r in rows:
        assert (r["start_at"], r["end_at"], r["prev_start_at"], r["prev_end_at"]) == \
            (start, end, prev_start, prev_end)
    # The default order: most calls first, the totals last.
    calls = [r["calls"] for r in tasks]
    assert calls == sorted(calls, reverse=True)
    return rows


def test_one_day_against_the_day_before(data, db):
    day = busiest_day(db, data["alpha"]["tenant_id"])
    before = (datetime.date.fromisoformat(day) - datetime.timedelta(days=1)).isoformat()
    rows = check_period(db, data, "alpha", f"{day} 00:00:00", f"{day} 23:59:59",
                        f"{before} 00:00:00", f"{before} 23:59:59")
    assert rows[-1]["calls"] > 0 and rows[-1]["dialled"] > 0
    beta = set(data["beta"]["tasks"])
    assert not beta & {r["task_id"] for r in rows}, "another tenant's tasks never show"


def test_a_week_across_a_month_end_and_part_of_a_day(data, db):
    check_period(db, data, "alpha", "2026-10-29 00:00:00", "2026-11-04 23:59:59",
                 "2026-10-22 00:00:00", "2026-10-28 23:59:59")
    check_period(db, data, "beta", "2026-11-01 09:30:00", "2026-11-01 12:00:00",
                 "2026-11-01 06:59:59", "2026-11-01 09:29:59")


def test_a_period_without_calls_is_a_totals_row_of_zeros(data):
    rows = start_json(data["alpha"]["token"], start_at="2020-01-01 00:00:00", end_at="2020-01-31 23:59:59")["data"]
    assert len(rows) == 1 and rows[0]["is_total"] and rows[0]["dialled"] == 0 and rows[0]["calls"] == 0
    assert rows[0]["connect_rate"] is None and rows[0]["a_rate"] is None


def now_local():
    return datetime.datetime.now(ZONE).replace(tzinfo=None)


@pytest.mark.parametrize("period,days", [("today", 1), ("今天", 1), ("yesterday", 1), ("昨天", 1), ("7d", 7),
                                         ("近7天", 7), ("30d", 30), ("近30天", 30), ("month", None),
                                         ("本月", None), ("last_month", None), ("上月", None), (None, 1)])
def test_shortcuts_in_the_configured_zone(data, period, days):
    for _ in range(2):  # a request across midnight is asked again
        before = now_local().date()
        params = {"period": period} if period else {}
        row = start_json(data["alpha"]["token"], **params)["data"][-1]
        if now_local().date() == before:
            break
    today = before
    start = datetime.datetime.strptime(row["start_at"], FMT)
    end = datetime.datetime.strptime(row["end_at"], FMT)
    first = today.replace(day=1)
    if period in ("month", "本月"):
        want = (first, today)
    elif period in ("last_month", "上月"):
        last = first - datetime.timedelta(days=1)
        want = (last.replace(day=1), last)
    elif period in ("yesterday", "昨天"):
        want = (today - datetime.timedelta(days=1),) * 2
    else:
        want = (today - datetime.timedelta(days=days - 1), today)
    assert (start.date(), end.date()) == want and start.time() == datetime.time(0) and \
        end.time() == datetime.time(23, 59, 59)
    pstart = datetime.datetime.strptime(row["prev_start_at"], FMT)
    pend = datetime.datetime.strptime(row["prev_end_at"], FMT)
    assert pend == start - datetime.timedelta(seconds=1) and pend - pstart == end - start


@pytest.mark.parametrize("params,message", [
    ({"period": "tomorrow"}, "period must be one of: today, yesterday, 7d, 30d, month, last_month, "
                             "今天, 昨天, 近7天, 近30天, 本月, 上月"),
    ({"start_at": "2026-11-02 00:00:00", "end_at": "2026-11-01 23:59:59"}, "end_at must not be before start_at"),
    ({"start_at": "2023-01-01 00:00:00", "end_at": "2026-01-02 00:00:00"},
     "end_at must be at most three years (1096 days) after start_at"),
    ({"start_at": "2026-13-01 00:00:00", "end_at": "2026-11-01 23:59:59"},
     "start_at must be a time as YYYY-MM-DD HH:MM:SS"),
    ({"start_at": "2026-11-01 00:00:00", "end_at": "2026-11-01"}, "end_at must be a time as YYYY-MM-DD HH:MM:SS"),
    ({"start_at": "2026-11-01 00:00:00"}, "end_at is required with start_at"),
    ({"sort": "uuid"}, None),
])
def test_bad_input_is_400_naming_the_field(data, alpha_sid, params, message):
    r = get("/", token=data["alpha"]["token"], params=dict(params, format="json"))
    assert r.status == 400 and r.json()["code"] == 400, r.text[:300]
    if message:
        assert r.json()["message"] == message
    else:
        assert r.json()["message"].startswith("sort ")
    text = page("/", alpha_sid, params=params, status=400)
    check_page(text, "/ (400)")
    if message:
        # The page says it in Chinese where it can, the English kept in the title.
        m = messages(doc(text))
        assert len(m) == 1 and message in Doc.text_of(m[0]) + m[0]["attrs"].get("title", "")


def test_the_page_shows_the_same_rows_sorts_and_keeps_the_period(data, db, alpha_sid):
    day = busiest_day(db, data["alpha"]["tenant_id"])
    q = {"start_at": f"{day}T00:00", "end_at": f"{day}T23:59:59"}  # as the form's datetime-local sends them
    want = start_json(data["alpha"]["token"], start_at=f"{day} 00:00:00", end_at=f"{day} 23:59:59")["data"]
    text = page("/", alpha_sid, params=q)
    d = check_page(text, "/")
    # The page's title is the first: the trend's chart has a <title> a point (test_start_trend).
    assert f"概况 {day} 00:00:00 至 {day} 23:59:59" in Doc.text_of(d.all("title")[0])
    rows = rows_of(d)
    assert [r["attrs"]["data-id"] for r in rows] == [w["task_id"] or "" for w in want]
    assert rows[-1]["attrs"]["class"] == "total"
    cells = [e for e in d.elements if e["tag"] == "td"]
    rates = [Doc.text_of(c) for c in cells if "connect-rate" in c["attrs"].get("class", "")]
    assert rates == [f"{w['connect_rate']}%" if w["connect_rate"] is not None else "" for w in want]
    trends = [c for c in cells if "trend" in c["attrs"].get("class", "").split()]
    for w, (rate, calls) in zip(want, zip(trends[0::2], trends[1::2])):
        ch = w["calls_change"]
        assert Doc.text_of(calls) == ("▲" if ch > 0 else "▼" if ch < 0 else "") + str(abs(ch))
        assert calls["attrs"]["class"].split()[-1] == ("up" if ch > 0 else "down" if ch < 0 else "flat")
        if w["connect_rate_change"] is not None:
            c = Decimal(str(w["connect_rate_change"]))
            assert Doc.text_of(rate) == ("▲" if c > 0 else "▼" if c < 0 else "") + str(abs(c))
    # Every link of the page keeps the period: the sort heads, the XLSX; but the trend's points,
    # each the start page of its own hour (test_start_trend), between its table and the tasks'.
    at = [i for i, e in enumerate(d.elements) if e["tag"] == "table"]
    assert [d.elements[i]["attrs"]["id"] for i in at] == ["trend-table", "rows"]
    points = {e["attrs"]["href"] for e in d.elements[at[0]:at[1]] if "href" in e["attrs"]}
    assert len(points) == 24
    links = [urllib.parse.urlsplit(h) for h in d.hrefs() if h.startswith("/?") and h not in points]
    assert links
    for u in links:
        qs = urllib.parse.parse_qs(u.query)
        if "period" in qs:
            continue  # the shortcuts: their own times
        assert qs["start_at"] == [f"{day} 00:00:00"] and qs["end_at"] == [f"{day} 23:59:59"], u.query
    # Sorting by a column: ascending, the totals still last.
    sorted_rows = start_json(data["alpha"]["token"], start_at=f"{day} 00:00:00", end_at=f"{day} 23:59:59",
                             sort="connect_rate", dir="asc")["data"]
    rates = [Decimal(str(r["connect_rate"])) for r in sorted_rows[:-1] if r["connect_rate"] is not None]
    assert rates == sorted(rates) and sorted_rows[-1]["is_total"]
    assert sorted(r["task_id"] for r in sorted_rows[:-1]) == sorted(w["task_id"] for w in want[:-1])
    by_name = start_json(data["alpha"]["token"], start_at=f"{day} 00:00:00", end_at=f"{day} 23:59:59",
                         sort="name", dir="desc")["data"]
    assert [r["name"] for r in by_name[:-1]] == sorted((r["name"] for r in by_name[:-1]), reverse=True)
    d = doc(page("/", alpha_sid, params=dict(q, sort="a_rate", dir="desc")))
    head = [e for e in d.all("th") if e["attrs"].get("aria-sort") == "descending"]
    assert len(head) == 1 and "A类占比" in Doc.text_of(head[0])


def test_xlsx_is_the_same_selection(data, db, alpha_sid):
    day = busiest_day(db, data["alpha"]["tenant_id"])
    params = {"start_at": f"{day} 00:00:00", "end_at": f"{day} 23:59:59"}
    want = start_json(data["alpha"]["token"], **params)["data"]
    d = doc(page("/", alpha_sid, params=params))
    href = d.by_id("xlsx")["attrs"]["href"]
    r = get("/", token=data["alpha"]["token"], raw_query=urllib.parse.urlsplit(href).query)
    assert r.status == 200 and r.header("Content-Type").startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    sheet = xlsx_rows(r.body, "任务概况")
    head = sheet[0]
    assert head[:3] == ["任务名称", "呼叫号码数", "接通号码数"] and "任务ID" in head[3:]
    got = [dict(zip(head, row)) for row in sheet[1:] if any(row)]
    assert [g["任务名称"] for g in got] == [w["name"] for w in want]
    assert [int(float(g["通话数"])) for g in got] == [w["calls"] for w in want]
    # Times are Excel dates: days since 1899-12-30.
    serial = (datetime.date.fromisoformat(day) - datetime.date(1899, 12, 30)).days
    assert {float(g["开始时间"]) for g in got} == {serial}


def test_shortcut_links_carry_their_times_and_the_chosen_one_is_marked(data, alpha_sid):
    d = doc(page("/", alpha_sid, params={"period": "近7天"}))
    chooser = [e for e in d.all("a") if "data-period" in e["attrs"]]
    assert [Doc.text_of(a) for a in chooser] == ["今天", "昨天", "近7天", "近30天", "本月", "上月"]
    current = [a for a in chooser if a["attrs"].get("aria-current") == "page"]
    assert [a["attrs"]["data-period"] for a in current] == ["7d"]
    for a in chooser:
        qs = urllib.parse.parse_qs(urllib.parse.urlsplit(a["attrs"]["href"]).query)
        assert qs["period"] == [a["attrs"]["data-period"]] and qs["start_at"] and qs["end_at"]
    # A shortcut's link opened later shows its own times, no longer marked as the shortcut.
    d = doc(page("/", alpha_sid, params={"period": "today", "start_at": "2026-11-05 00:00:00",
                                         "end_at": "2026-11-05 23:59:59"}))
    assert Doc.text_of(d.by_id("period")) == "2026-11-05 00:00:00 至 2026-11-05 23:59:59"
    assert not [a for a in d.all("a") if a["attrs"].get("aria-current") == "page"]


def test_sign_in_lands_on_the_start_page(data, db):
    r, sid = login("alpha", data["alpha"]["password"])
    assert r.status == 303 and r.header("Location") == "/" and sid
    text = page("/", sid)
    assert doc(text).by_id("periods") is not None
    r = get("/tasks", token=data["alpha"]["token"], params={"format": "json"})
    n = query(db, "SELECT count(*) FROM tasks WHERE user_id = %s", data["alpha"]["tenant_id"])[0][0]
    assert r.status == 200 and r.json()["data"]["total"] == n, "/tasks is as it was"


# --- the task list over a period ----------------------------------------------------------

def test_task_list_over_a_period(data, db, alpha_sid):
    tid, tok = data["alpha"]["tenant_id"], data["alpha"]["token"]
    day = busiest_day(db, tid)
    start, end = f"{day} 00:00:00", f"{day} 23:59:59"
    r = get("/tasks", token=tok, params={"start_at": start, "end_at": end, "per_page": 100, "format": "json"})
    assert r.status == 200, r.text[:300]
    body = r.json()
    cur = figures(db, tid, start, end)
    totals = dict(query(db, "SELECT task_id::text, count(*) FROM numbers WHERE user_id = %s GROUP BY 1", tid))
    n = query(db, "SELECT count(*) FROM tasks WHERE user_id = %s", tid)[0][0]
    assert body["data"]["total"] == n, "every task, active or not"
    for r in body["data"]["data"]:
        f = cur.get(r["uuid"], {"dialled": set(), "answered": set(), "calls": 0})
        d, a = len(f["dialled"]), len(f["answered"])
        assert (r["total"], r["dialled"], r["connected"], r["records"]) == (totals.get(r["uuid"], 0), d, a, f["calls"])
        assert Decimal(str(r["connect_rate"])) == r1(a, max(d, 1))
    # Without a period: the whole life, as before.
    whole = get("/tasks", token=tok, params={"per_page": 100, "format": "json"}).json()["data"]["data"]
    assert sum(r["records"] for r in whole) > sum(r["records"] for r in body["data"]["data"])
    # The page: its title and every link keep the period (pager, XLSX, the records of a task).
    d = doc(page("/tasks", alpha_sid, params={"start_at": f"{day}T00:00", "end_at": f"{day}T23:59:59",
                                              "per_page": 2}))
    assert f"外呼任务 {start} 至 {end}" in Doc.text_of(d.one("title"))
    kept = [h for h in d.hrefs() if "period=" not in h and ("/records?" in h or "format=xlsx" in h or "&page=2" in h)]
    assert any("&page=2" in h for h in kept) and any("format=xlsx" in h for h in kept) and \
        any("/records?" in h for h in kept)
    for h in kept:
        qs = urllib.parse.parse_qs(urllib.parse.urlsplit(h).query)
        assert qs["start_at"] == [start] and qs["end_at"] == [end], h
    # The drill-down: a task's records for the same period are its calls of the day.
    task = max(cur, key=lambda t: cur[t]["calls"])
    r = get(f"/tasks/{task}/records", token=tok, params={"start_at": start, "end_at": end, "format": "json"})
    assert r.status == 200 and r.json()["total"] == cur[task]["calls"]
    r = get("/tasks", token=tok, params={"period": "明天", "format": "json"})
    assert r.status == 400 and r.json()["message"].startswith("period must be one of")
    r = get("/tasks", token=tok, params={"period": "昨天", "format": "xlsx"})
    assert r.status == 200


def want_mark(cur, prev, lo, hi):
    """The start page's mark of a figure against its previous one, thresholds in percent."""
    if cur is None or prev is None or prev <= 0:
        return None
    if lo is not None and cur * 100 < lo * prev:
        return "low"
    if hi is not None and cur * 100 > hi * prev:
        return "high"
    return None


def test_thresholds_mark_cells_by_default_and_as_the_tenant_sets_them(data, db, alpha_sid):
    """The default (connect rate below 80% of the row's previous period), then the tenant's own
    bounds set with `callreport threshold`, in JSON and on the page; --reset goes back."""
    busiest = busiest_day(db, data["alpha"]["tenant_id"])

    def day_after(d, n=1):
        return (datetime.date.fromisoformat(d) + datetime.timedelta(days=n)).isoformat()

    def marks(day=busiest, **bounds):
        """The rows of day against the day before, each mark checked against bounds."""
        before = day_after(day, -1)
        rows = start_json(data["alpha"]["token"], start_at=f"{day} 00:00:00", end_at=f"{day} 23:59:59")["data"]
        prev = {r["task_id"]: r for r in start_json(data["alpha"]["token"], start_at=f"{before} 00:00:00",
                                                     end_at=f"{before} 23:59:59")["data"]}
        for r in rows:
            p = prev.get(r["task_id"]) or {}
            for key, cur, old in (("connect_rate", r["connect_rate"], r["prev_connect_rate"]),
                                  ("calls", r["calls"], r["prev_calls"]),
                                  ("a_rate", r["a_rate"], p.get("a_rate"))):
                lo, hi = bounds.get(key, (None, None))
                cur = None if cur is None else Decimal(str(cur))
                old = None if old is None else Decimal(str(old))
                assert r[f"{key}_mark"] == want_mark(cur, old, lo, hi), (key, r)
        return rows

    try:
        rows = marks(connect_rate=(80, None))
        listed = cli("threshold", "--user", "alpha").stdout.split("\n")
        assert listed[1].split() == ["connect_rate", "80", "none", "default"]
        out = cli("threshold", "--user", "alpha", "--metric", "calls", "--below", "90", "--above", "110").stdout
        assert "calls          90       110      set" in out
        cli("threshold", "--user", "alpha", "--metric", "connect_rate", "--below", "none", "--above", "100")
        cli("threshold", "--user", "alpha", "--metric", "a_rate", "--above", "0")
        rows = marks(connect_rate=(None, 100), calls=(90, 110), a_rate=(None, 0))
        assert "high" in {r["calls_mark"] for r in rows}, "the busiest day is above the day before"
        after = marks(day_after(busiest), connect_rate=(None, 100), calls=(90, 110), a_rate=(None, 0))
        assert "low" in {r["calls_mark"] for r in after}, "the day after the busiest is below it"
        # The page: each marked cell has its class; an unmarked one none.
        d = doc(page("/", alpha_sid, params={"start_at": f"{busiest} 00:00:00", "end_at": f"{busiest} 23:59:59"}))
        cells = [c for c in d.all("td") if "calls" in c["attrs"].get("class", "").split()]
        assert [next((k[5:] for k in c["attrs"]["class"].split() if k.startswith("mark-")), None)
                for c in cells] == [r["calls_mark"] for r in rows]
        # Another tenant's marks are its own (beta keeps the default).
        assert cli("threshold", "--user", "beta").stdout.split("\n")[2].split() == \
            ["calls", "none", "none", "default"]
        # Bad input: a bound out of range or not a number, an unknown metric, no such tenant.
        assert cli("threshold", "--user", "alpha", "--metric", "calls", "--below", "x", check=False).returncode == 2
        assert cli("threshold", "--user", "alpha", "--metric", "calls", "--above", "1001",
                   check=False).returncode == 2
        p = cli("threshold", "--user", "alpha", "--metric", "nope", "--below", "5", check=False)
        assert p.returncode == 1 and "no metric nope" in p.stderr
        assert cli("threshold", "--user", "nobody-here", check=False).returncode == 1
    finally:
        for m in ("connect_rate", "calls", "a_rate"):
            cli("threshold", "--user", "alpha", "--metric", m, "--reset")
    assert query(db, "SELECT count(*) FROM thresholds WHERE user_id = %s", data["alpha"]["tenant_id"])[0][0] == 0
    marks(connect_rate=(80, None))
