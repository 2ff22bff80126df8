"""Task comparison (GET /compare, issue 16.4): two to six tasks side by side over one period,
the start page's figures of each plus their call records by level and call attempts by result,
as JSON, HTML and XLSX. Every count is recomputed here from the raw rows; a task of another
tenant answers exactly as a task that does not exist."""
import datetime
import io

import openpyxl

from conftest import get, query
from html_lib import Doc, alpha_sid, check_page, doc, page  # noqa: F401 (fixtures)
from test_start_page import ZONE, busiest_day, start_json

MISSING = "00000000-0000-4000-8000-00000000dead"


def period_of(db, data):
    day = busiest_day(db, data["alpha"]["tenant_id"])
    return {"start_at": f"{day} 00:00:00", "end_at": f"{day} 23:59:59"}, day


def bounds(day):
    s = datetime.datetime.fromisoformat(day).replace(tzinfo=ZONE)
    return s, s + datetime.timedelta(days=1)


def compare(token, tasks, status=200, **params):
    r = get("/compare", token=token, params=dict(params, format="json", **{"tasks[]": tasks}))
    assert r.status == status, r.text[:300]
    return r


def two_tasks(db, data, day):
    """Two of alpha's tasks with calls that day, the busier second (the order given is kept)."""
    s, e = bounds(day)
    rows = query(db, """SELECT task_id::text FROM records WHERE user_id = %s AND calldate >= %s
        AND calldate < %s GROUP BY 1 ORDER BY count(*), 1""", data["alpha"]["tenant_id"], s, e)
    assert len(rows) >= 2, "the demo's busiest day has calls in two tasks"
    return [rows[0][0], rows[-1][0]]


def test_figures_levels_and_statuses_from_the_raw_rows(data, db):
    params, day = period_of(db, data)
    tasks = two_tasks(db, data, day)
    body = compare(data["alpha"]["token"], tasks, **params).json()
    assert body["code"] == 200 and body["message"] == "获取任务对比成功"
    rows = body["data"]
    assert [r["task_id"] for r in rows] == tasks, "one row a task, in the order given, no totals"
    # The start page's figures for the same tasks and period (its own tasks filter).
    start = {r["task_id"]: r for r in start_json(data["alpha"]["token"], **params, **{"tasks[]": tasks})["data"]}
    assert set(start) == set(tasks) | {None}
    keys = ["name", "dialled", "answered", "connect_rate", "prev_connect_rate", "calls", "prev_calls",
            "a_count", "a_rate", "b_count", "b_rate", "avg_bill", "connect_rate_mark", "calls_mark"]
    for r in rows:
        assert {k: r[k] for k in keys} == {k: start[r["task_id"]][k] for k in keys}
    s, e = bounds(day)
    tid = data["alpha"]["tenant_id"]
    levels = [n for (n,) in query(db, "SELECT name FROM levels WHERE user_id = %s ORDER BY name, id", tid)]
    for r in rows:
        counts = dict(query(db, """SELECT l.name, count(*) FROM records r JOIN levels l ON l.id = r.level_id
            WHERE r.user_id = %s AND r.task_id = %s AND r.calldate >= %s AND r.calldate < %s GROUP BY 1""",
                            tid, r["task_id"], s, e))
        assert [x["level"] for x in r["levels"]] == levels
        assert {x["level"]: x["count"] for x in r["levels"]} == {n: counts.get(n, 0) for n in levels}
        assert sum(x["count"] for x in r["levels"]) <= r["calls"]
        st = dict(query(db, """SELECT status, count(*) FROM call_histories WHERE user_id = %s AND task_id = %s
            AND call_time >= %s AND call_time < %s GROUP BY 1""", tid, r["task_id"], s, e))
        assert [x["status"] for x in r["statuses"]] == list(range(13))
        assert {x["status"]: x["count"] for x in r["statuses"]} == {k: st.get(k, 0) for k in range(13)}
        assert r["statuses"][1]["label"] == "呼叫成功"
        assert sum(st.values()) > 0


def test_a_task_of_another_tenant_answers_as_a_missing_one(data, db):
    params, day = period_of(db, data)
    mine = two_tasks(db, data, day)[0]
    foreign = compare(data["alpha"]["token"], [mine, data["beta"]["tasks"][0]], status=404, **params)
    missing = compare(data["alpha"]["token"], [mine, MISSING], status=404, **params)
    assert foreign.body == missing.body and foreign.json()["code"] == 404


def test_bad_input_is_400_naming_the_field(data, db):
    params, day = period_of(db, data)
    a, b = two_tasks(db, data, day)
    tok = data["alpha"]["token"]
    for tasks in ([a], [a, a], [a] + [MISSING] * 0 + [f"{i:08d}-0000-4000-8000-000000000000" for i in range(6)],
                  [a, "x"]):
        r = compare(tok, tasks, status=400, **params)
        assert r.json()["message"].startswith("tasks"), r.text
    r = get("/compare", token=tok, params={"format": "json", **params})
    assert r.status == 400 and "tasks" in r.json()["message"]
    r = compare(tok, [a, b], status=400, start_at="2026-11-05 00:00:00", end_at="2026-11-01 00:00:00")
    assert "end_at" in r.json()["message"] or "start_at" in r.json()["message"]


def test_the_page_puts_the_tasks_side_by_side_and_keeps_them(data, db, alpha_sid):
    params, day = period_of(db, data)
    tasks = two_tasks(db, data, day)
    want = compare(data["alpha"]["token"], tasks, **params).json()["data"]
    text = page("/compare", alpha_sid, params=dict(params, **{"tasks[]": tasks}))
    d = check_page(text, "/compare")
    heads = [e for e in d.all("th") if "data-id" in e["attrs"]]
    assert [h["attrs"]["data-id"] for h in heads] == tasks
    assert [Doc.text_of(h) for h in heads] == [w["name"] for w in want]
    # Each figure row: its label, then one cell a task.
    rows, cur = {}, None
    inside = False
    for e in d.elements:
        if e["tag"] == "table":
            inside = e["attrs"].get("id") == "compare"
        elif inside and e["tag"] == "th" and e["attrs"].get("scope") == "row":
            cur = Doc.text_of(e)
            rows[cur] = []
        elif inside and e["tag"] == "td" and cur is not None:
            rows[cur].append((Doc.text_of(e), e["attrs"].get("class", "")))
    assert [v for v, _ in rows["通话数"]] == [str(w["calls"]) for w in want]
    assert [v for v, _ in rows["接通率"]] == [f"{w['connect_rate']}%" if w["connect_rate"] is not None else ""
                                            for w in want]
    for w, (_, cls) in zip(want, rows["通话数"]):
        assert ("mark-" + w["calls_mark"] if w["calls_mark"] else "mark-") in cls or \
            (w["calls_mark"] is None and "mark-" not in cls)
    for lv in want[0]["levels"]:
        cells = [v for v, _ in rows["等级 " + lv["level"]]]
        assert [c.split(" ")[0] for c in cells] == [str(next(x["count"] for x in w["levels"]
                                                             if x["level"] == lv["level"])) for w in want]
    shown = {k for k in rows if k.startswith("呼叫结果 ")}
    want_shown = {"呼叫结果 " + x["label"] for i, x in enumerate(want[0]["statuses"])
                  if any(w["statuses"][i]["count"] for w in want)}
    assert shown == want_shown and shown
    # The custom-range form keeps the tasks; the period's links keep them too.
    kept = [e["attrs"]["value"] for e in d.all("input") if e["attrs"].get("name") == "tasks[]"]
    assert kept == tasks
    shortcut = next(h for h in d.hrefs() if "period=yesterday" in h)
    assert all(t in shortcut for t in tasks)
    # The start page offers the comparison: a checkbox a task, a form to /compare keeping the period.
    s = doc(page("/", alpha_sid, params=params))
    boxes = [e["attrs"]["value"] for e in s.all("input") if e["attrs"].get("name") == "tasks[]"]
    assert set(tasks) <= set(boxes)
    form = s.one("form", id="compare-form")
    assert form["attrs"]["action"].endswith("/compare")


def test_xlsx_is_the_same_comparison(data, db, alpha_sid):
    params, day = period_of(db, data)
    tasks = two_tasks(db, data, day)
    want = compare(data["alpha"]["token"], tasks, **params).json()["data"]
    r = get("/compare", params=dict(params, format="xlsx", **{"tasks[]": tasks}),
            headers={"Cookie": "crsid=" + alpha_sid})
    assert r.status == 200
    ws = openpyxl.load_workbook(io.BytesIO(r.body))["任务对比"]
    rows = list(ws.iter_rows(values_only=True))
    head = list(rows[0])
    assert head[:3] == ["任务名称", "呼叫号码数", "接通号码数"], "the reading order; the ids last"
    assert "任务ID" in head[16:], "with the internal columns, after the ones a person reads"
    body = [dict(zip(head, row)) for row in rows[1:] if row[0]]
    assert [b["任务ID"] for b in body] == tasks
    for b, w in zip(body, want):
        assert b["通话数"] == w["calls"]
        assert b["等级分布"] == "；".join(f"{x['level']} {x['count']}" for x in w["levels"])
