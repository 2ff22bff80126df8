"""A period everywhere (issue 16, items 1 and 3): the task overview over a period (its figures,
the trend by day or hour, the hangup causes, the connect rate by hour of day) against the raw
rows, its drill-down links carrying the period and the filter to lists that show exactly the
rows counted, the period in titles and breadcrumbs, the numbers page over a period.

Periods are custom ranges inside the demo's dates or 昨天 (compared with the clock of
Asia/Shanghai); a test that needs calls at 23:59:59 and 00:00:00 local moves two of them
there and back.
"""
import datetime
import html
import json
import os
import re
import subprocess
import urllib.parse

import pytest

from conftest import CLI, CONF, get, query, rollup
from html_lib import alpha_sid, check_page, page  # noqa: F401 (fixtures)
from test_html_pages import xlsx_rows
from test_start_page import FMT, ZONE, busiest_day, r1

HOUR = datetime.timedelta(hours=1)
DAY = datetime.timedelta(days=1)


def local(text):
    return datetime.datetime.strptime(text, FMT).replace(tzinfo=ZONE)


def busiest_task(db, tid, day):
    return query(db, """SELECT task_id::text FROM records WHERE user_id = %s
        AND calldate >= %s AND calldate < %s GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1""",
                 tid, local(day + " 00:00:00"), local(day + " 00:00:00") + DAY)[0][0]


def raw(db, tid, task, start, end):
    """The overview's figures for [start, end] from the raw rows (half-open at end + 1 s)."""
    s, e = local(start), local(end) + datetime.timedelta(seconds=1)
    hs = query(db, """SELECT number_id, status, call_time FROM call_histories
        WHERE user_id = %s AND task_id = %s AND call_time >= %s AND call_time < %s""", tid, task, s, e)
    rs = query(db, """SELECT calldate, hangupcause FROM records
        WHERE user_id = %s AND task_id = %s AND calldate >= %s AND calldate < %s""", tid, task, s, e)
    dialled = {n for n, _, _ in hs}
    status = dict(query(db, "SELECT id, status FROM numbers WHERE id = ANY(%s)", list(dialled))) if dialled else {}
    by_status = {}
    for n in dialled:
        by_status[status[n]] = by_status.get(status[n], 0) + 1
    hours = {h: [0, 0] for h in range(24)}
    for _, st, t in hs:
        h = t.astimezone(ZONE).hour
        hours[h][0] += 1
        hours[h][1] += st == 1
    causes = {}
    for _, c in rs:
        causes[c] = causes.get(c, 0) + 1
    return {"dialled": len(dialled), "connected": len({n for n, st, _ in hs if st == 1}),
            "attempts": len(hs), "records": len(rs), "status": by_status, "hours": hours,
            "causes": causes, "calls": [t for t, _ in rs], "tries": [(t, st) for _, st, t in hs]}


def text_of(fragment):
    return html.unescape(re.sub(r"<[^>]+>", "", fragment)).strip()


def figure(text, ident):
    return int(text_of(re.search(r'id="%s">(.*?)</' % ident, text).group(1)))


def table(text, ident):
    """The body rows of the table with id ident: (cells' text, the first link's href or None)."""
    body = re.search(r'<table[^>]*id="%s".*?<tbody>(.*?)</tbody>' % ident, text, re.S).group(1)
    out = []
    for tr in re.findall(r"<tr[^>]*>(.*?)</tr>", body, re.S):
        cells = [text_of(c) for c in re.findall(r"<td[^>]*>(.*?)</td>", tr, re.S)]
        href = re.search(r'href="([^"]*)"', tr)
        out.append((cells, html.unescape(href.group(1)) if href else None))
    return out


def section(text, ident):
    return re.search(r'<section[^>]*id="%s".*?</section>' % ident, text, re.S).group(0)


def total_of(link, sid):
    """Follows a link of a page; returns the list's total (共 N) and the page."""
    u = urllib.parse.urlsplit(link)
    text = page(u.path, sid, raw_query=u.query)
    m = re.search(r'id="total">(\d+)<|共 (\d+) 行', text)  # a list's, or the attempts view's
    return int(m.group(1) or m.group(2)), text


def overview(sid, task, **params):
    text = page("/tasks/" + task, sid, params=params)
    if "period" not in params:  # tidy 5.6 knows no aria-current (the chosen shortcut's)
        check_page(text, "/tasks/%s %r" % (task, params))
    return text


def check_overview(db, data, sid, task, start, end, drill=False, **params):
    tid = data["alpha"]["tenant_id"]
    want = raw(db, tid, task, start, end)
    text = overview(sid, task, **(params or {"start_at": start, "end_at": end}))
    got = {k: figure(text, "f-" + k) for k in ("dialled", "connected", "attempts", "records")}
    assert got == {k: want[k] for k in got}
    assert text_of(re.search(r'id="f-connect-rate">(.*?)<', text).group(1)) == \
        str(r1(want["connected"], want["dialled"]) or "0.0")
    # The statuses: the numbers with an attempt in the period, by status.
    st = section(text, "status")
    for code, count in re.findall(r'<tr data-code="(\d+)">.*?class="num count">(\d+)<', st, re.S):
        assert int(count) == want["status"].get(int(code), 0), code
    # Connect rate by hour of day: attempts, connected and their rate per hour, 0..23.
    if not want["attempts"]:
        assert 'id="rate-table"' not in text and "还没有呼叫" in section(text, "rates")
        return text, want
    rates = table(text, "rate-table")
    assert [c[0] for c, _ in rates] == ["%02d:00" % h for h in range(24)]
    for h, (c, link) in enumerate(rates):
        n, k = want["hours"][h]
        assert (int(c[1]), int(c[2]), c[3]) == (n, k, str(r1(k, n)) if n else ""), h
        # An hour with attempts links to them: the attempts view of that hour and period.
        assert (link is None) == (n == 0), h
        if link and drill:
            assert total_of(link, sid)[0] == n, h
    return text, want


@pytest.fixture(scope="module")
def busy(data, db):
    tid = data["alpha"]["tenant_id"]
    day = busiest_day(db, tid)
    return day, busiest_task(db, tid, day)


def test_a_custom_range_equals_the_raw_rows(data, db, alpha_sid, busy):
    day, task = busy
    d = datetime.date.fromisoformat(day)
    start, end = f"{d - DAY} 00:00:00", f"{d + DAY} 23:59:59"
    text, want = check_overview(db, data, alpha_sid, task, start, end)
    # The trend: three days, each point the day's call records, attempts and answers.
    trend = table(text, "trend-table")
    assert [c[0] for c, _ in trend] == [(d + k * DAY).strftime("%m-%d") for k in (-1, 0, 1)]
    for k, (c, link) in enumerate(trend):
        lo = local(start) + k * DAY
        calls = sum(lo <= t < lo + DAY for t in want["calls"])
        tries = [st for t, st in want["tries"] if lo <= t < lo + DAY]
        assert [int(x) for x in c[1:]] == [calls, len(tries), tries.count(1)]
        # Each point links to the records of that day, which lists exactly them.
        assert total_of(link, alpha_sid)[0] == calls
    # Title and breadcrumbs say the period; the breadcrumbs keep it.
    words = f"{d - DAY} 至 {d + DAY}"
    assert words in text_of(re.search(r"<title>(.*?)</title>", text).group(1))
    crumbs = re.search(r'<p class="crumbs">(.*?)</p>', text, re.S).group(1)
    assert words in text_of(crumbs)
    q = urllib.parse.urlencode({"start_at": start, "end_at": end}, quote_via=urllib.parse.quote)
    assert [html.unescape(h) for h in re.findall(r'href="([^"]*)"', crumbs)] == ["/?" + q, "/tasks?" + q]


def test_one_day_is_by_hour_and_every_row_drills_down(data, db, alpha_sid, busy):
    day, task = busy
    start, end = f"{day} 00:00:00", f"{day} 23:59:59"
    text, want = check_overview(db, data, alpha_sid, task, start, end, drill=True)
    trend = table(text, "trend-table")
    assert [c[0] for c, _ in trend] == ["%02d:00" % h for h in range(24)]
    for h, (c, link) in enumerate(trend):
        lo = local(start) + h * HOUR
        assert int(c[1]) == sum(lo <= t < lo + HOUR for t in want["calls"])
        assert urllib.parse.parse_qs(urllib.parse.urlsplit(link).query) == {
            "start_at": [(lo.strftime(FMT))], "end_at": [(lo + HOUR - datetime.timedelta(seconds=1)).strftime(FMT)]}
    # Hangup causes: Chinese labels, the raw code in its own column, counts of the period.
    labels = dict(query(db, "SELECT code, label FROM label_sets WHERE kind = 'hangupcause'"))
    sec = section(text, "causes")
    rows = re.findall(r"<tr>(.*?)</tr>", sec.split("<tbody>")[1], re.S)
    assert rows
    got = {}
    for tr in rows:
        cells = [text_of(c) for c in re.findall(r"<td[^>]*>(.*?)</td>", tr, re.S)]
        label, code, count = cells[0], cells[1] or None, int(cells[2])
        got[code] = count
        if code in labels:
            assert label == labels[code] and re.search(r"[\u4e00-\u9fff]", label)
        href = re.search(r'href="([^"]*)"', tr)
        if code is not None:
            n, listed = total_of(html.unescape(href.group(1)), alpha_sid)
            assert n == count, code
            assert "通话记录" in listed and f"{day} 00:00:00 至 {day} 23:59:59" in listed
    assert got == want["causes"]
    # Every link of a panel carries the period; the lists it lands on show the rows counted.
    links = [html.unescape(h) for h in re.findall(r'href="(/tasks/%s/(?:numbers|records)\?[^"]*)"' % task, text)]
    assert len(links) > 20
    for link in links:
        qs = urllib.parse.parse_qs(urllib.parse.urlsplit(link).query)
        assert qs.get("start_at") and qs.get("end_at"), link
    for code, count in re.findall(r'<tr data-code="(\d+)">.*?class="num count">(\d+)<', section(text, "status"), re.S):
        link = next(x for x in links if "status%5B%5D=" + code + "&" in x.replace("status[]=", "status%5B%5D="))
        assert total_of(link, alpha_sid)[0] == int(count), code
    for sec_id in ("operators", "provinces", "bills", "rounds", "levels"):
        for tr in re.findall(r"<tr>(.*?)</tr>", section(text, sec_id).split("<tbody>")[1], re.S):
            href = re.search(r'href="([^"]*)"', tr)
            count = re.search(r'class="num count">(\d+)<', tr)
            if href and count:
                assert total_of(html.unescape(href.group(1)), alpha_sid)[0] == int(count.group(1)), (sec_id, tr)


def test_midnight_on_either_side(data, db, alpha_sid, busy):
    """A call at 23:59:59 belongs to its day, one at 00:00:00 to the next (inclusive bounds)."""
    day, task = busy
    tid = data["alpha"]["tenant_id"]
    d = datetime.date.fromisoformat(day)
    last, first = local(f"{day} 23:59:59"), local(f"{d + DAY} 00:00:00")
    rec = query(db, "SELECT id, calldate FROM records WHERE user_id = %s AND task_id = %s ORDER BY id LIMIT 2", tid, task)
    his = query(db, "SELECT id, call_time FROM call_histories WHERE user_id = %s AND task_id = %s "
                    "ORDER BY id LIMIT 2", tid, task)
    cur = db.cursor()
    try:
        for (rid, _), t in zip(rec, (last, first)):
            cur.execute("UPDATE records SET calldate = %s WHERE id = %s", (t, rid))
        for (hid, _), t in zip(his, (last, first)):
            cur.execute("UPDATE call_histories SET call_time = %s WHERE id = %s", (t, hid))
        db.commit()
        rollup(db, tid)
        for s, e in ((f"{day} 00:00:00", f"{day} 23:59:59"), (f"{d + DAY} 00:00:00", f"{d + DAY} 23:59:59")):
            text, want = check_overview(db, data, alpha_sid, task, s, e)
            assert (last in want["calls"]) == (s.startswith(day)) and (first in want["calls"]) != s.startswith(day)
            r = get("/tasks/%s/records" % task, token=data["alpha"]["token"],
                    params={"start_at": s, "end_at": e, "format": "json"})
            assert r.json()["total"] == want["records"]
    finally:
        for rid, t in rec:
            cur.execute("UPDATE records SET calldate = %s WHERE id = %s", (t, rid))
        for hid, t in his:
            cur.execute("UPDATE call_histories SET call_time = %s WHERE id = %s", (t, hid))
        db.commit()
        rollup(db, tid)


def test_yesterday(data, db, alpha_sid, busy):
    _, task = busy
    y = datetime.datetime.now(ZONE).date() - DAY
    text, _ = check_overview(db, data, alpha_sid, task, f"{y} 00:00:00", f"{y} 23:59:59", period="昨天")
    assert "昨天（%s 至 %s）" % (y, y) in text_of(re.search(r"<title>(.*?)</title>", text).group(1))
    assert re.search(r'aria-current="page" class="current" data-period="yesterday"', text)


def test_numbers_page_over_a_period(data, db, alpha_sid, busy):
    day, task = busy
    tid = data["alpha"]["tenant_id"]
    start, end = f"{day} 00:00:00", f"{day} 23:59:59"
    want = raw(db, tid, task, start, end)
    q = urllib.parse.urlencode({"start_at": start, "end_at": end}, quote_via=urllib.parse.quote)
    n, text = total_of(f"/tasks/{task}/numbers?{q}", alpha_sid)
    assert n == want["dialled"]
    check_page(text, "numbers over a period")
    assert f"号码列表 {start} 至 {end}" in text_of(re.search(r"<title>(.*?)</title>", text).group(1))
    crumbs = re.search(r'<p class="crumbs">(.*?)</p>', text, re.S).group(1)
    assert [html.unescape(h) for h in re.findall(r'href="([^"]*)"', crumbs)] == \
        ["/?" + q, "/tasks?" + q, f"/tasks/{task}?" + q]
    # The attempts view of the same numbers: its breadcrumbs keep the period too.
    n, text = total_of(f"/tasks/{task}/numbers?attempts=1&{q}", alpha_sid)
    crumbs = re.search(r'<p class="crumbs">(.*?)</p>', text, re.S).group(1)
    hrefs = [html.unescape(h) for h in re.findall(r'href="([^"]*)"', crumbs)]
    assert hrefs[:3] == ["/?" + q, "/tasks?" + q, f"/tasks/{task}?" + q]
    assert hrefs[3].endswith("&" + q) and f"task_id={task}" in hrefs[3]
    # The v1 JSON takes start_at/end_at as they are; a shortcut is for pages only.
    r = get("/v1/task/number", token=data["alpha"]["token"],
            params={"task_id": task, "start_at": start, "end_at": end})
    assert r.json()["data"]["total"] == want["dialled"]
    whole = get("/v1/task/number", token=data["alpha"]["token"], params={"task_id": task})
    short = get("/v1/task/number", token=data["alpha"]["token"], params={"task_id": task, "period": "today"})
    assert short.json()["data"]["total"] == whole.json()["data"]["total"]


def test_xlsx_summary_states_the_period(data, db, busy):
    day, task = busy
    tok = data["alpha"]["token"]
    for params, words in (({"start_at": f"{day} 00:00:00", "end_at": f"{day} 23:59:59"}, f"{day} 至 {day}"),
                          ({"start_at": f"{day} 09:30:00", "end_at": f"{day} 18:00:00"},
                           f"{day} 09:30:00 至 {day} 18:00:00"),
                          ({"period": "7d"}, None)):
        r = get(f"/tasks/{task}/records", token=tok, params=dict(params, format="xlsx"))
        assert r.status == 200
        summary = {row[0]: row[1] for row in xlsx_rows(r.body, "汇总") if len(row) > 1}
        if words is None:
            today = datetime.datetime.now(ZONE).date()
            words = "近7天（%s 至 %s）" % (today - 6 * DAY, today)
        assert summary["时段"] == words
        # The same period on the numbers' workbook.
        r = get(f"/tasks/{task}/numbers", token=tok, params=dict(params, format="xlsx"))
        assert {row[0]: row[1] for row in xlsx_rows(r.body, "汇总") if len(row) > 1}["时段"] == words


def test_export_of_a_period(data, db, busy, tmp_path):
    day, task = busy
    tid = data["alpha"]["tenant_id"]
    start, end = f"{day} 00:00:00", f"{day} 23:59:59"
    want = raw(db, tid, task, start, end)
    out = tmp_path / "site"
    env = dict(os.environ, CALLREPORT_CONF=CONF)
    p = subprocess.run([CLI, "export", "--user", "alpha", "--task", task, "--out", str(out), "--no-history",
                        "--quiet", "--start-at", start, "--end-at", end], capture_output=True, text=True,
                       env=env, timeout=600)
    assert p.returncode == 0, p.stderr
    index = (out / "index.html").read_text()
    assert figure(index, "f-records") == want["records"] and figure(index, "f-dialled") == want["dialled"]
    assert f"{day} 至 {day}" in index
    assert re.search(r'id="total">(\d+)<', (out / "records-1.html").read_text()).group(1) == str(want["records"])
    assert re.search(r'id="total">(\d+)<', (out / "numbers-1.html").read_text()).group(1) == str(want["dialled"])
    assert json.loads((out / "json" / "records-1.json").read_text())["total"] == want["records"]
    summary = {row[0]: row[1] for row in xlsx_rows((out / "records.xlsx").read_bytes(), "汇总") if len(row) > 1}
    assert summary["时段"] == f"{day} 至 {day}"
    # A bad period is refused, naming it, and nothing is written.
    bad = subprocess.run([CLI, "export", "--user", "alpha", "--task", task, "--out", str(tmp_path / "bad"),
                          "--period", "tomorrow"], capture_output=True, text=True, env=env, timeout=60)
    assert bad.returncode != 0 and "--period: period must be one of" in bad.stderr
    assert not (tmp_path / "bad").exists()
