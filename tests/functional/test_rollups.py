"""The rollups (issue 16.5; rollup_hours, rollup_days, rollup_repeats in sql/schema.sql): the start
page's figures for whole days come from them, and equal the raw rows' over randomized data and
periods, the time-zone edges included (midnights of Asia/Shanghai, a month's and the year's end).

Tenant "rollup" gets the demo's tasks, numbers, attempts and records with their times drawn again
(seeded) over 2025-12-20 .. 2026-03-10, a third of them on the edges (23:59:59, 00:00:00 and
00:00:01 local around 2025-12-31, 2026-01-31 and 2026-02-28), so that most numbers are dialled on
several days. Every figure is recomputed here from the raw rows (test_start_page.figures).
"""
import datetime
import json
import os
import random
import subprocess
import time

import pytest

from conftest import CLI, CONF, OUT, SUPER_DSN, as_web, cli, get, query
from test_start_page import ZONE, as_decimal, figures, total, want_row

import psycopg2

SEED = 16_5
FIRST, LAST = datetime.date(2025, 12, 20), datetime.date(2026, 3, 10)
EDGES = [datetime.date(2025, 12, 31), datetime.date(2026, 1, 31), datetime.date(2026, 2, 28)]
KEYS = ["dialled", "answered", "connect_rate", "prev_connect_rate", "calls", "prev_calls",
        "a_count", "a_rate", "b_count", "b_rate", "avg_bill"]


def when(rnd):
    """A local time: on an edge (the last second of a day, the first two of the next) or anywhere."""
    if rnd.random() < 0.35:
        d = rnd.choice(EDGES)
        t = rnd.choice([datetime.datetime.combine(d, datetime.time(23, 59, 59)),
                        datetime.datetime.combine(d + datetime.timedelta(days=1), datetime.time(0, 0, 0)),
                        datetime.datetime.combine(d + datetime.timedelta(days=1), datetime.time(0, 0, 1))])
    else:
        d = FIRST + datetime.timedelta(days=rnd.randrange((LAST - FIRST).days + 1))
        t = datetime.datetime.combine(d, datetime.time(rnd.randrange(24), rnd.randrange(60), rnd.randrange(60)))
    return t.strftime("%Y-%m-%d %H:%M:%S")


def redrawn(lines, rnd, only_task=None):
    """The demo's lines with the times of attempts and records drawn again (of only_task: only
    that task's; the others as they were); record details as they are (the drop-off)."""
    out = []
    for line in lines:
        o = json.loads(line)
        if o["kind"] in ("call_history", "record") and (only_task is None or o["task_id"] == only_task):
            o["call_time" if o["kind"] == "call_history" else "calldate"] = when(rnd)
            if o["kind"] == "call_history" and only_task is not None:
                o["status"] = rnd.choice([1, 1, 4, 5])
        out.append(json.dumps(o, ensure_ascii=False))
    return out


def import_lines(lines, name):
    path = os.path.join(OUT, name)
    with open(path, "w") as f:
        f.write("\n".join(lines) + "\n")
    cli("import", "--user", "rollup", path)
    os.unlink(path)


@pytest.fixture(scope="module")
def tenant(db, data):
    """Tenant "rollup", imported with its times redrawn; returns its id, token and demo lines."""
    demo = cli("demo-data", "--tenant", "rollup", "--seed", "7").stdout.splitlines()
    if not query(db, "SELECT FROM tenants WHERE name = 'rollup'"):
        import_lines(redrawn(demo, random.Random(SEED)), "rollup.jsonl")
    tid = query(db, "SELECT id::text FROM tenants WHERE name = 'rollup'")[0][0]
    token = cli("token", "--user", "rollup").stdout.strip()
    return {"id": tid, "token": token, "demo": demo}


def day(d):
    return d.strftime("%Y-%m-%d")


def periods(rnd, n):
    """n whole-day periods: from an edge or any day, 1 to 45 days long (the previous one of the
    same length before it)."""
    out = []
    for i in range(n):
        start = rnd.choice(EDGES + [e + datetime.timedelta(days=1) for e in EDGES]) if i % 2 else \
            FIRST + datetime.timedelta(days=rnd.randrange((LAST - FIRST).days))
        length = rnd.choice([1, 1, 2, 7, 30, 31, rnd.randrange(1, 46)])
        out.append((start, start + datetime.timedelta(days=length - 1)))
    return out


def check(db, tenant, start, end):
    """The start page's JSON for the period [start 00:00:00, end 23:59:59] (or the exact times
    given) against the raw rows; returns the rows."""
    s = start if isinstance(start, str) else f"{day(start)} 00:00:00"
    e = end if isinstance(end, str) else f"{day(end)} 23:59:59"
    r = get("/", token=tenant["token"], params={"start_at": s, "end_at": e, "format": "json"})
    assert r.status == 200, r.text[:300]
    rows = [as_decimal(x) for x in r.json()["data"]]
    ps, pe = rows[-1]["prev_start_at"], rows[-1]["prev_end_at"]
    cur, prev = figures(db, tenant["id"], s, e), figures(db, tenant["id"], ps, pe)
    tasks = {x["task_id"]: x for x in rows[:-1]}
    assert set(tasks) == set(cur), (s, e)
    for t, x in tasks.items():
        want = want_row(cur[t], prev.get(t))
        assert {k: x[k] for k in KEYS} == {k: want[k] for k in KEYS}, (s, e, t)
    want = want_row(total(cur), total(prev))
    assert {k: rows[-1][k] for k in KEYS} == {k: want[k] for k in KEYS}, (s, e, "totals")
    return rows


def executed(tenant, s, e):
    """The tables the start page's statement read (a scan executed at least once) for [s, e]:
    EXPLAIN ANALYZE of start.sql as the web role, with the previous period the page gives."""
    from test_api_explain import sql_text
    r = get("/", token=tenant["token"], params={"start_at": s, "end_at": e, "format": "json"})
    last = r.json()["data"][-1]
    sql = sql_text("start")
    conn = psycopg2.connect(SUPER_DSN)
    try:
        with conn.cursor() as c:
            c.execute("SET ROLE callreport_web")
            c.execute("SELECT set_config('callreport.tenant', %s, false), "
                      "set_config('TimeZone', 'Asia/Shanghai', false)", (tenant["id"],))
            c.execute("PREPARE q (text, text, text, text, text, text) AS " + sql)
            c.execute("EXPLAIN (ANALYZE, FORMAT JSON) EXECUTE q (%s, %s, %s, %s, %s, NULL)",
                      (tenant["id"], s, e, last["prev_start_at"], last["prev_end_at"]))
            plan = c.fetchone()[0]
    finally:
        conn.close()
    read = set()

    def walk(p):
        if isinstance(p, dict):
            if "Relation Name" in p and p.get("Actual Loops", 0) > 0:
                read.add(p["Relation Name"])
            for v in p.values():
                walk(v)
        elif isinstance(p, list):
            for v in p:
                walk(v)
    walk(plan)
    return read


def test_whole_days_from_the_rollups_equal_the_raw_rows(db, tenant):
    rnd = random.Random(SEED + 1)
    seen = 0
    for start, end in periods(rnd, 24):
        rows = check(db, tenant, start, end)
        seen += len(rows) > 1
    assert seen >= 20, "most periods have data"
    # The year's end on either side, exactly.
    for start, end in ((datetime.date(2025, 12, 31), datetime.date(2025, 12, 31)),
                       (datetime.date(2026, 1, 1), datetime.date(2026, 1, 1)),
                       (datetime.date(2026, 1, 1), datetime.date(2026, 1, 31)),
                       (datetime.date(2026, 2, 1), datetime.date(2026, 2, 28)),
                       (datetime.date(2026, 3, 1), datetime.date(2026, 3, 1))):
        assert len(check(db, tenant, start, end)) > 1


def test_periods_of_whole_months_and_days(db, tenant):
    """Periods with whole months (read from rollup_months) and days before and after them (from
    rollup_days), their previous periods cut at a month too or not: the raw rows' figures."""
    d = datetime.date
    for start, end in ((d(2025, 12, 15), d(2026, 3, 5)),     # days, January, February, days
                       (d(2026, 1, 1), d(2026, 2, 28)),      # two whole months, the previous none
                       (d(2026, 1, 10), d(2026, 3, 10)),     # days, February, days
                       (d(2025, 12, 20), d(2026, 1, 31)),    # days, January
                       (d(2026, 2, 1), d(2026, 3, 31)),      # February, March; before: Dec 3..Jan 31
                       (d(2025, 3, 11), d(2026, 3, 10))):    # 365 days: the whole of the data
        assert len(check(db, tenant, start, end)) > 1, (start, end)
    # Those months are what is read.
    read = executed(tenant, "2025-12-15 00:00:00", "2026-03-05 23:59:59")
    assert {"rollup_days", "rollup_months", "rollup_repeats"} <= read, read


def test_the_tenants_trend_from_its_days(db, tenant):
    """The trend by day (start_trend.sql, from rollup_tenant_days) over 80 days: every day the
    raw rows' figures of the tenant."""
    r = get("/", token=tenant["token"], params={"start_at": "2025-12-20 00:00:00",
                                                 "end_at": "2026-03-10 23:59:59", "format": "json"})
    assert r.status == 200, r.text[:300]
    trend = r.json()["trend"]
    assert len(trend) == 81 and trend[0]["label"] == "12-20" and trend[-1]["label"] == "03-10"
    raw = {k: (int(a), int(b)) for k, a, b in query(db, """
        SELECT to_char(h.call_time AT TIME ZONE 'Asia/Shanghai', 'MM-DD'), count(DISTINCT h.number_id),
               count(DISTINCT h.number_id) FILTER (WHERE h.status = 1)
          FROM call_histories h WHERE h.user_id = %s GROUP BY 1""", tenant["id"])}
    calls = {k: int(n) for k, n in query(db, """
        SELECT to_char(r.calldate AT TIME ZONE 'Asia/Shanghai', 'MM-DD'), count(*) FROM records r
         WHERE r.user_id = %s GROUP BY 1""", tenant["id"])}
    assert sum(1 for p in trend if p["calls"]) > 40
    for p in trend:
        assert (p["dialled"], p["answered"], p["calls"]) == \
            raw.get(p["label"], (0, 0)) + (calls.get(p["label"], 0),), p


def test_the_rollups_are_what_is_read(db, tenant):
    """Whole days read the rollups and no raw row; an hour reads the raw rows (the same figures,
    test_start_page)."""
    read = executed(tenant, "2026-01-01 00:00:00", "2026-01-31 23:59:59")
    assert {"rollup_days", "rollup_repeats"} <= read and not read & {"call_histories", "records"}, read
    read = executed(tenant, "2026-01-01 09:00:00", "2026-01-01 09:59:59")
    assert {"call_histories", "records"} <= read and not read & {"rollup_days", "rollup_repeats"}, read


def test_periods_not_of_whole_days_from_the_raw_rows(db, tenant):
    rnd = random.Random(SEED + 2)
    for _ in range(6):
        d = FIRST + datetime.timedelta(days=rnd.randrange((LAST - FIRST).days))
        s = datetime.datetime.combine(d, datetime.time(rnd.randrange(24), 0, 0))
        e = s + datetime.timedelta(hours=rnd.randrange(1, 72), seconds=-1)
        check(db, tenant, s.strftime("%Y-%m-%d %H:%M:%S"), e.strftime("%Y-%m-%d %H:%M:%S"))


def test_an_import_updates_the_rollups_of_its_tasks_only(db, tenant):
    """A second file moving one task's calls: that task's rollups follow, the others' rows are
    not written again (their xmin stays), nor are their per-task counts (task_number_counts,
    task_record_counts, task_province_counts: callreport_recount); every task's counts are
    still its rows'."""
    tasks = [t for (t,) in query(db, "SELECT uuid::text FROM tasks WHERE user_id = %s ORDER BY uuid", tenant["id"])]
    moved, kept = tasks[0], tasks[1]
    before = query(db, "SELECT day, xmin::text FROM rollup_days WHERE task_id = %s ORDER BY day", kept)
    counts = ("SELECT (SELECT array_agg(xmin::text ORDER BY status, operator) FROM task_number_counts "
              "WHERE task_id = %s), (SELECT array_agg(xmin::text) FROM task_record_counts WHERE task_id = %s), "
              "(SELECT array_agg(xmin::text ORDER BY province_id) FROM task_province_counts WHERE task_id = %s)")
    counts_before = query(db, counts, kept, kept, kept)
    assert all(counts_before[0]), counts_before
    parts = "SELECT part, result::text FROM task_overview WHERE task_id = %s ORDER BY part"
    kept_parts = query(db, parts, kept)
    assert kept_parts
    inserted = ("SELECT pg_stat_clear_snapshot(), (SELECT n_tup_ins FROM pg_stat_all_tables "
                "WHERE relid = 'task_overview'::regclass)")
    ins_before = query(db, inserted)[0][1]
    lines = [ln for ln in redrawn(tenant["demo"], random.Random(SEED + 3), only_task=moved)
             if json.loads(ln).get("task_id") == moved and json.loads(ln)["kind"] in ("call_history", "record")]
    # With the tags as stored (a sync brings the tags of its records again): nothing of them
    # changes, so neither the other tasks' rollups nor their overviews are made again.
    tags = [ln for ln in tenant["demo"] if json.loads(ln)["kind"] == "tag"]
    assert tags
    import_lines(tags + lines, "rollup-2.jsonl")
    assert query(db, "SELECT day, xmin::text FROM rollup_days WHERE task_id = %s ORDER BY day", kept) == before
    assert query(db, counts, kept, kept, kept) == counts_before
    # The overview kept ahead (task_overview): the other task's parts as they were, under the
    # tenant's new data version (the page uses them); the moved task's computed again.
    assert query(db, parts, kept) == kept_parts
    assert query(db, "SELECT DISTINCT t.data_version = o.version FROM task_overview o "
                     "JOIN tenants t ON t.id = o.user_id WHERE o.user_id = %s", tenant["id"]) == [(True,)]
    assert query(db, "SELECT count(DISTINCT part) FROM task_overview WHERE task_id = %s", moved) == \
        query(db, "SELECT count(DISTINCT part) FROM task_overview WHERE task_id = %s", kept)
    # Only the moved task's parts were computed (inserted) again, not every task's.
    assert query(db, inserted)[0][1] - ins_before == len(kept_parts)
    for t in tasks:
        assert query(db, "SELECT status, operator, n FROM task_number_counts WHERE task_id = %s "
                         "ORDER BY 1, 2", t) == \
            query(db, "SELECT status, coalesce(operator, 0), count(*) FROM numbers WHERE task_id = %s "
                      "GROUP BY 1, 2 ORDER BY 1, 2", t)
        assert query(db, "SELECT n FROM task_record_counts WHERE task_id = %s", t) == \
            query(db, "SELECT count(*) FROM records WHERE task_id = %s HAVING count(*) > 0", t)
    rnd = random.Random(SEED + 4)
    for start, end in periods(rnd, 8):
        check(db, tenant, start, end)
    assert_as_a_full_recount(tenant["id"])


def test_transcripts_alone_recount_their_records_task(db, tenant):
    """A file of transcript rows alone (record_detail): the drop-off of their record's day is a
    rollup. A line stored already writes nothing, not even the rollups (nor an ANALYZE); a line
    that changes the robot's last utterance moves its record's call from one drop-off row to
    another, the other tasks' rollups are not written again, and so few rows are not worth an
    ANALYZE of the big tables."""
    tasks = [t for (t,) in query(db, "SELECT uuid::text FROM tasks WHERE user_id = %s ORDER BY uuid", tenant["id"])]
    details = {o["id"]: o for o in (json.loads(ln) for ln in tenant["demo"]) if o["kind"] == "record_detail"}
    # The utterance a call of tasks[0] that the customer hung up ended on (callreport_dropoff).
    rid, day, last = next((r, d, x) for r, d, x in query(
        db, "SELECT r.id::text, r.calldate::date, (SELECT d.id::text FROM record_details d "
            "WHERE d.record_id = r.id AND d.notify <> 'asrprogress_notify' "
            "AND coalesce(d.answer_content, '') <> '' ORDER BY d.sequence DESC, d.id DESC LIMIT 1) "
            "FROM records r WHERE r.task_id = %s AND r.hangup_disposition = 2 ORDER BY r.id",
        tasks[0]) if x in details)
    others = [t for t in tasks if t != tasks[0]]
    stamp = "SELECT task_id::text, min(xmin::text), max(xmin::text) FROM rollup_counts WHERE task_id = ANY(%s::uuid[]) GROUP BY 1 ORDER BY 1"
    dropoff = ("SELECT code, n FROM rollup_counts WHERE task_id = %s AND dim = 'dropoff' AND day = %s "
               "ORDER BY code")
    before_all = query(db, stamp, tasks)
    analyzed = ("SELECT pg_stat_clear_snapshot(), (SELECT analyze_count FROM pg_stat_all_tables "
                "WHERE relid = 'numbers'::regclass)")
    analyzed_before = query(db, analyzed)[0][1]
    import_lines([json.dumps(details[last], ensure_ascii=False)], "rollup-details.jsonl")
    # The line was stored already: nothing written, so neither the rollups nor an ANALYZE.
    assert query(db, stamp, tasks) == before_all
    assert query(db, analyzed)[0][1] == analyzed_before
    rows = dict(query(db, dropoff, tasks[0], day))
    old = query(db, "SELECT callreport_dropoff(%s, %s)", rid, tenant["id"])[0][0]
    assert rows.get(old, 0) >= 1
    import_lines([json.dumps(dict(details[last], answer_text="改过的话术"), ensure_ascii=False)],
                 "rollup-details-2.jsonl")
    after = dict(query(db, dropoff, tasks[0], day))
    assert after.get("改过的话术", 0) == rows.get("改过的话术", 0) + 1
    assert after.get(old, 0) == rows[old] - 1
    # A row or two move no statistic: no ANALYZE of the big tables for them either.
    assert query(db, analyzed)[0][1] == analyzed_before
    assert query(db, stamp, others) == [x for x in before_all if x[0] in others]
    assert_as_a_full_recount(tenant["id"])


def test_a_renamed_level_recounts_every_task(db, tenant):
    """A and B are counted by the level's name: an import renaming B级 rolls every task up again."""
    level = next(json.loads(ln) for ln in tenant["demo"]
                 if json.loads(ln)["kind"] == "level" and json.loads(ln)["name"].startswith("B"))
    start, end = datetime.date(2026, 1, 1), datetime.date(2026, 2, 28)
    assert check(db, tenant, start, end)[-1]["b_count"] > 0
    try:
        import_lines([json.dumps(dict(level, name="X级"), ensure_ascii=False)], "rollup-3.jsonl")
        assert check(db, tenant, start, end)[-1]["b_count"] == 0
    finally:
        import_lines([json.dumps(level, ensure_ascii=False)], "rollup-4.jsonl")
    assert check(db, tenant, start, end)[-1]["b_count"] > 0


def test_rollups_of_another_zone_are_not_used(db, tenant):
    """Rollups made in another zone (a configuration changed since) are not read: the page
    computes from the raw rows, the same figures; the next write rolls everything up again."""
    s, e = "2026-01-01 00:00:00", "2026-01-07 23:59:59"
    with db.cursor() as c:
        c.execute("UPDATE rollup_zones SET zone = 'UTC' WHERE user_id = %s", (tenant["id"],))
    try:
        read = executed(tenant, s, e)
        assert "call_histories" in read and "rollup_days" not in read, read
        check(db, tenant, datetime.date(2026, 1, 1), datetime.date(2026, 1, 7))
        conn = psycopg2.connect(SUPER_DSN)
        try:
            with conn, conn.cursor() as c:
                c.execute("SET LOCAL TimeZone = 'Asia/Shanghai'")
                c.execute("SELECT callreport_recount(%s)", (tenant["id"],))
        finally:
            conn.close()
        assert query(db, "SELECT zone FROM rollup_zones WHERE user_id = %s", tenant["id"]) == [("Asia/Shanghai",)]
        assert "rollup_days" in executed(tenant, s, e)
    finally:
        with db.cursor() as c:
            c.execute("UPDATE rollup_zones SET zone = 'Asia/Shanghai' WHERE user_id = %s", (tenant["id"],))


def test_comparison_levels_and_statuses_from_the_rollups(db, tenant):
    """The comparison's records by level and attempts by status over whole days (rollup_counts)
    equal the raw rows'."""
    tid = tenant["id"]
    tasks = [t for (t,) in query(db, "SELECT uuid::text FROM tasks WHERE user_id = %s ORDER BY uuid", tid)]
    rnd = random.Random(SEED + 5)
    for start, end in periods(rnd, 6) + [(datetime.date(2026, 1, 1), datetime.date(2026, 1, 1))]:
        s, e = f"{day(start)} 00:00:00", f"{day(end)} 23:59:59"
        r = get("/compare", token=tenant["token"],
                params={"start_at": s, "end_at": e, "format": "json", "tasks[]": tasks})
        assert r.status == 200, r.text[:300]
        lo = datetime.datetime.fromisoformat(s).replace(tzinfo=ZONE)
        hi = datetime.datetime.fromisoformat(e).replace(tzinfo=ZONE) + datetime.timedelta(seconds=1)
        for row in r.json()["data"]:
            levels = dict(query(db, """SELECT l.name, count(r.id) FROM levels l LEFT JOIN records r
                ON r.level_id = l.id AND r.task_id = %s AND r.calldate >= %s AND r.calldate < %s
                WHERE l.user_id = %s GROUP BY 1""", row["task_id"], lo, hi, tid))
            assert {x["level"]: x["count"] for x in row["levels"]} == levels, (s, e)
            st = dict(query(db, """SELECT status, count(*) FROM call_histories WHERE task_id = %s
                AND call_time >= %s AND call_time < %s GROUP BY 1""", row["task_id"], lo, hi))
            assert {x["status"]: x["count"] for x in row["statuses"]} == {k: st.get(k, 0) for k in range(13)}


# Every statement with a rollup part: its parameters after the tenant ($1), from a task,
# a period and the previous one of the same length.
GATED = {
    "start": lambda t, s, e, ps, pe, tasks: [s, e, ps, pe, None],
    "compare": lambda t, s, e, ps, pe, tasks: [s, e, ps, pe, "{" + ",".join(tasks[:3]) + "}"],
    "start_trend": lambda t, s, e, ps, pe, tasks: [s, e],
    "overview_levels": lambda t, s, e, ps, pe, tasks: [t, s, e],
    "overview_causes": lambda t, s, e, ps, pe, tasks: [t, s, e],
    "overview_hours": lambda t, s, e, ps, pe, tasks: [t, s, e],
    "overview_tags": lambda t, s, e, ps, pe, tasks: [t, s, e],
    "overview_tag_groups": lambda t, s, e, ps, pe, tasks: [t, s, e],
    "overview_trend": lambda t, s, e, ps, pe, tasks: [t, s, e],
    "overview_task": lambda t, s, e, ps, pe, tasks: [t, s, e],
    "overview_status": lambda t, s, e, ps, pe, tasks: [t, s, e],
    "overview_operators": lambda t, s, e, ps, pe, tasks: [t, s, e],
    "overview_provinces": lambda t, s, e, ps, pe, tasks: [t, s, e],
    "overview_bills": lambda t, s, e, ps, pe, tasks: [t, s, e],
    "overview_rounds": lambda t, s, e, ps, pe, tasks: [t, s, e],
    "overview_hangup": lambda t, s, e, ps, pe, tasks: [t, s, e],
    "tasks": lambda t, s, e, ps, pe, tasks: [s, e, ps, pe, None, None],
}
# The overview's statements that read the rollups for a task's whole life too (no period).
WHOLE_LIFE = ["overview_task", "overview_levels", "overview_causes", "overview_hours",
              "overview_tags", "overview_tag_groups", "overview_operators",
              "overview_provinces", "overview_bills", "overview_rounds", "overview_trend",
              "overview_hangup"]


def answers(tenant, name, params, raw):
    """The rows of sql/reports/NAME.sql for params as the web role in the tests' zone: from
    the rollups, or (raw) from the raw rows, the rollups' zone made another for the
    transaction (rolled back) so that the gate sends the statement to its raw part."""
    from test_api_explain import null_params, sql_text
    params = [tenant["id"]] + params
    conn = psycopg2.connect(SUPER_DSN)
    # raw: the rollups made for another zone, so that the statement reads the raw rows
    first = [("UPDATE rollup_zones SET zone = 'UTC' WHERE user_id = %s", (tenant["id"],))] if raw else []
    try:
        with as_web(conn, tenant["id"], first) as c:
            types = ", ".join("text" if p is None else "unknown" for p in params)
            c.execute(f"PREPARE q ({types}) AS " + null_params(sql_text(name), params))
            c.execute("EXECUTE q (%s)" % ", ".join(["%s"] * len(params)), params)
            return c.fetchall()
    finally:
        conn.close()


def test_every_statement_with_rollups_answers_as_the_raw_rows(db, tenant):
    """Each statement with a rollup part (the start page, its trend, the comparison, the
    overview's headline, statuses, levels, causes, hours, tags, tag groups, operators,
    provinces, talk times, rounds, drop-off and trend; the task list) gives, for whole days, the very rows its raw
    part gives, over randomized periods and tasks (1 day: by hour)."""
    tasks = [t for (t,) in query(db, "SELECT uuid::text FROM tasks WHERE user_id = %s ORDER BY uuid",
                                 tenant["id"])]
    rnd = random.Random(SEED + 6)
    checked = 0
    for start, end in periods(rnd, 8) + [(EDGES[0], EDGES[0])]:
        n = (end - start).days + 1
        ps, pe = start - datetime.timedelta(days=n), start - datetime.timedelta(days=1)
        s, e = f"{day(start)} 00:00:00", f"{day(end)} 23:59:59"
        task = rnd.choice(tasks)
        for name, params in GATED.items():
            p = params(task, s, e, f"{day(ps)} 00:00:00", f"{day(pe)} 23:59:59", tasks)
            got, want = answers(tenant, name, p, False), answers(tenant, name, p, True)
            assert got == want, (name, s, e, task)
            checked += bool(got)
    assert checked >= 60, "most answers have rows"


def test_whole_life_from_the_rollups_answers_as_the_raw_rows(db, tenant):
    """Without a period the overview's statements read the rollups of every day (the
    headline, levels, causes, hours, tags, tag groups, operators' and provinces' records,
    talk times, rounds, drop-off, trend by day) and task_province_counts: the very rows of the raw rows, every task."""
    tasks = [t for (t,) in query(db, "SELECT uuid::text FROM tasks WHERE user_id = %s ORDER BY uuid",
                                 tenant["id"])]
    checked = 0
    for task in tasks:
        for name in WHOLE_LIFE:
            got, want = answers(tenant, name, [task, None, None], False), \
                answers(tenant, name, [task, None, None], True)
            assert got == want, (name, task)
            checked += bool(got)
    assert checked >= len(tasks) * 8, "most answers have rows"


def test_the_numbers_of_a_period_by_status_operator_and_province(db, tenant):
    """The overview's numbers of a period by status, operator and province (rollup_numbers less
    rollup_number_repeats) are those recomputed here from the raw rows: each number with an
    attempt in the period once, by its own status, operator and province."""
    tid = tenant["id"]
    tasks = [t for (t,) in query(db, "SELECT uuid::text FROM tasks WHERE user_id = %s ORDER BY uuid", tid)]
    rnd = random.Random(SEED + 9)
    for start, end in periods(rnd, 4):
        s, e = f"{day(start)} 00:00:00", f"{day(end)} 23:59:59"
        lo = datetime.datetime.fromisoformat(s).replace(tzinfo=ZONE)
        hi = datetime.datetime.fromisoformat(e).replace(tzinfo=ZONE) + datetime.timedelta(seconds=1)
        task = rnd.choice(tasks)
        raw = query(db, """SELECT n.status, n.operator, n.province_id, bool_or(h.status = 1)
            FROM call_histories h JOIN numbers n ON n.id = h.number_id
            WHERE h.task_id = %s AND h.call_time >= %s AND h.call_time < %s
            GROUP BY n.id, 1, 2, 3""", task, lo, hi)
        status = {}
        for st, _, _, _ in raw:
            status[st] = status.get(st, 0) + 1
        got = {code: int(n) for code, _, n, _ in answers(tenant, "overview_status", [task, s, e], False)}
        assert got == {k: status.get(k, 0) for k in range(13)}, (s, e, task)
        prov = {}
        for _, _, p, ok in raw:
            d, c = prov.get(p or None, (0, 0))
            prov[p or None] = (d + 1, c + int(ok))
        rows = answers(tenant, "overview_provinces", [task, s, e], False)
        assert {r[7]: (int(r[2]), int(r[3])) for r in rows} == prov, (s, e, task)
        assert sum(int(r[2]) for r in rows) == len(raw)


ROLLUP_TABLES = {
    "rollup_hours": "task_id, hour",
    "rollup_days": "task_id, day",
    "rollup_repeats": "task_id, day, answered, prev_day",
    "rollup_counts": "task_id, dim, day, code",
    "rollup_numbers": "task_id, dim, day, code",
    "rollup_number_repeats": "task_id, dim, day, code, answered, prev_day",
    # rollup_days added up by month and by the tenant's day (callreport_rollup_derive).
    "rollup_months": "task_id, month",
    "rollup_tenant_days": "day",
    # The per-task counts, kept the same way (callreport_counts_add).
    "task_number_counts": "task_id, status, operator",
    "task_province_counts": "task_id, province_id",
    "task_record_counts": "task_id",
}


def rollups(c, tid):
    """Every rollup row of the tenant, table by table, in key order."""
    out = {}
    for table, key in ROLLUP_TABLES.items():
        c.execute(f"SELECT row_to_json(x)::text FROM (SELECT * FROM {table} WHERE user_id = %s "
                  f"ORDER BY {key}) x", (tid,))
        out[table] = [r[0] for r in c.fetchall()]
    return out


def assert_as_a_full_recount(tid):
    """The rollups and per-task counts the imports left (each by the parts of the rows it
    wrote) are those a recount of every task and day makes from the raw rows; max_gap at least
    the widest gap."""
    conn = psycopg2.connect(SUPER_DSN)
    try:
        with conn.cursor() as c:
            c.execute("BEGIN")
            c.execute("SET LOCAL TimeZone = 'Asia/Shanghai'")
            kept = rollups(c, tid)
            c.execute("SELECT max_gap FROM rollup_zones WHERE user_id = %s", (tid,))
            gap = c.fetchone()[0]
            c.execute("SELECT callreport_recount(%s)", (tid,))
            full = rollups(c, tid)
            c.execute("SELECT max_gap FROM rollup_zones WHERE user_id = %s", (tid,))
            exact = c.fetchone()[0]
            c.execute("ROLLBACK")
    finally:
        conn.close()
    assert all(full[t] for t in ROLLUP_TABLES), {t: len(v) for t, v in full.items()}
    for t in ROLLUP_TABLES:
        assert kept[t] == full[t], (t, sorted(set(kept[t]) ^ set(full[t]))[:6])
    assert gap >= exact


DERIVED = {
    "rollup_months": ("task_id, date_trunc('month', day::timestamp)::date", "task_id, month"),
    "rollup_tenant_days": ("day", "day"),
}
FIGURES = ("attempts, connected, dialled, answered, calls, a_count, b_count, bill_sum, bill_n, "
           "redialled, reanswered, rounds_sum, rounds_n, score_sum")


def derived_as_summed(c, tid=None):
    """Whether rollup_months and rollup_tenant_days hold rollup_days added up, row for row: the
    tenant tid's, or (None) every tenant's."""
    sums = ", ".join(f"sum({f})::bigint" for f in FIGURES.split(", "))
    where, args = ("WHERE user_id = %s", (tid,)) if tid else ("", ())
    for table, (by, key) in DERIVED.items():
        c.execute(f"SELECT user_id, {key}, {FIGURES} FROM {table} {where} "
                  f"ORDER BY user_id, {key}", args)
        kept = c.fetchall()
        c.execute(f"SELECT user_id, {by}, {sums} FROM rollup_days {where} GROUP BY user_id, {by} "
                  f"ORDER BY user_id, {by}", args)
        summed = c.fetchall()
        assert kept == summed, (table, sorted(set(kept) ^ set(summed))[:4])
        assert kept, table


def test_a_recount_of_some_tasks_remakes_their_months_and_days(db, tenant):
    """callreport_recount(tenant, tasks): one task's attempts and records of a day moved 40 days
    on, that task recounted alone: the day it left (other tasks still have rows on it) and its
    month are made again with the rest (rollup_derive_keys), as rollup_days added up."""
    tid = tenant["id"]
    conn = psycopg2.connect(SUPER_DSN)
    try:
        with conn.cursor() as c:
            c.execute("BEGIN")
            c.execute("SET LOCAL TimeZone = 'Asia/Shanghai'")
            derived_as_summed(c, tid)
            # A day with records of several tasks, and one of those tasks.
            c.execute("""SELECT calldate::date, min(task_id::text) FROM records WHERE user_id = %s
                          GROUP BY 1 HAVING count(DISTINCT task_id) > 1 ORDER BY count(*) DESC
                          LIMIT 1""", (tid,))
            day, task = c.fetchone()
            c.execute("UPDATE call_histories SET call_time = call_time + interval '40 days' "
                      "WHERE task_id = %s AND call_time::date = %s", (task, day))
            c.execute("UPDATE records SET calldate = calldate + interval '40 days' "
                      "WHERE task_id = %s AND calldate::date = %s", (task, day))
            assert c.rowcount > 0
            c.execute("SELECT callreport_recount(%s, ARRAY[%s]::uuid[])", (tid, task))
            c.execute("SELECT count(*) FROM rollup_days WHERE task_id = %s AND day = %s", (task, day))
            assert c.fetchone()[0] == 0
            derived_as_summed(c, tid)
            c.execute("ROLLBACK")
    finally:
        conn.close()


def test_small_writes_leave_the_rollups_of_a_full_recount(db, tenant):
    """Small imports into stored tasks (a sync's windows): each takes away the parts of the
    numbers and records it touches and adds their new ones, yet the rollups stay those of a full
    recount after each of them: a number's status changed (its every day: rollup_numbers), an
    attempt moved to another day and one added on a new day (the repeats of the number's later
    days), a record moved to another day with another level, a transcript row (the drop-off of
    its record's day)."""
    tid = tenant["id"]
    lines = [json.loads(ln) for ln in tenant["demo"]]
    # A number called on three days at least, and its attempts as stored now.
    nid, = query(db, "SELECT number_id FROM call_histories WHERE user_id = %s GROUP BY 1 "
                     "HAVING count(DISTINCT call_time::date) >= 3 ORDER BY 1 LIMIT 1", tid)[0]
    number = next(o for o in lines if o["kind"] == "number" and o["id"] == nid)
    attempts = [o for o in lines if o["kind"] == "call_history" and o["number_id"] == nid]
    status, = query(db, "SELECT status FROM numbers WHERE id = %s", nid)[0]
    import_lines([json.dumps(dict(number, status=7 if status != 7 else 6), ensure_ascii=False)],
                 "days-1.jsonl")
    assert query(db, "SELECT status FROM numbers WHERE id = %s", nid)[0][0] != status
    assert_as_a_full_recount(tid)

    top, = query(db, "SELECT max(id) FROM call_histories")[0]
    moved = dict(attempts[0], call_time="2026-01-31 23:59:59", status=1)
    added = dict(attempts[0], id=top + 1, call_time="2026-03-01 00:00:01", status=4)
    import_lines([json.dumps(moved, ensure_ascii=False), json.dumps(added, ensure_ascii=False)],
                 "days-2.jsonl")
    assert query(db, "SELECT call_time::text FROM call_histories WHERE id = %s", top + 1)
    assert_as_a_full_recount(tid)

    rid, day = query(db, "SELECT id::text, calldate::date FROM records WHERE user_id = %s "
                         "ORDER BY id LIMIT 1", tid)[0]
    record = next(o for o in lines if o["kind"] == "record" and o["id"] == rid)
    levels = [o["id"] for o in lines if o["kind"] == "level"]
    other = next(x for x in levels if x != record.get("level_id"))
    import_lines([json.dumps(dict(record, calldate="2026-02-28 23:59:59", level_id=other),
                             ensure_ascii=False)], "days-3.jsonl")
    assert query(db, "SELECT calldate::date::text FROM records WHERE id = %s", rid) != [(str(day),)]
    assert_as_a_full_recount(tid)

    detail = next(o for o in lines if o["kind"] == "record_detail")
    import_lines([json.dumps(dict(detail, answer_text="改过的话术"), ensure_ascii=False)],
                 "days-4.jsonl")
    assert_as_a_full_recount(tid)

    # A stored tag brought with other groups: every record of it counts by other groups, in
    # any task (the rollups of every task are made again).
    used = {t for (t,) in query(db, "SELECT DISTINCT rt.tag_id::text FROM record_tags rt "
                                    "WHERE rt.user_id = %s", tid)}
    tag = next(o for o in lines if o["kind"] == "tag" and o["id"] in used and o.get("tag_group_ids"))
    before = query(db, "SELECT sum(n) FROM rollup_counts WHERE user_id = %s AND dim = 'tag_group'", tid)
    import_lines([json.dumps(dict(tag, tag_group_ids=[]), ensure_ascii=False)], "days-5.jsonl")
    assert query(db, "SELECT sum(n) FROM rollup_counts WHERE user_id = %s AND dim = 'tag_group'", tid) != before
    assert_as_a_full_recount(tid)


def test_two_writes_of_a_tenant_take_turns(db, tenant):
    """The rollups follow a write by the parts of its rows read before and after it, so two
    writes of one tenant must not overlap: an import waits while another write holds the
    tenant's write lock (callreport_write_lock), then goes on."""
    line = next(ln for ln in tenant["demo"] if json.loads(ln)["kind"] == "record_detail")
    path = os.path.join(OUT, "rollup-lock.jsonl")
    with open(path, "w") as f:
        f.write(line + "\n")
    holder = psycopg2.connect(SUPER_DSN)
    proc = None
    try:
        with holder.cursor() as c:
            c.execute("SELECT callreport_write_lock(%s)", (tenant["id"],))
        proc = subprocess.Popen([CLI, "import", "--user", "rollup", path],
                                env=dict(os.environ, CALLREPORT_CONF=CONF),
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        waiting = []
        for _ in range(200):
            waiting = query(db, "SELECT pid FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
                                "AND wait_event = 'advisory' AND query LIKE '%%callreport_write_lock%%'")
            if waiting or proc.poll() is not None:
                break
            time.sleep(0.05)
        assert waiting and proc.poll() is None, proc.poll()
    finally:
        holder.rollback()
        holder.close()
        if proc is not None:
            out, err = proc.communicate(timeout=60)
        os.unlink(path)
    assert proc.returncode == 0, err
    assert "1 rows stored" in out, out
