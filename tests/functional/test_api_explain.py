"""Every filter of the v1 endpoints is served by an index.

A tenant "big" gets the demo data with a task of BIG_NUMBERS numbers (and its tens of
thousands of call records); after VACUUM ANALYZE, each endpoint's statements (the SQL
files of sql/reports, parameters bound as the program binds them) are EXPLAINed as the
web role under row-level security, for a request with each filter alone and with all of
them, and no plan may read numbers, records, transcript rows (record_details), call
histories or record tags with a sequential scan.

Each statement is EXPLAINed both ways the program can run it: as a prepared statement
with a generic plan (prepare = 1, the default: the absent filters written as NULL into
its text, as cgi/store/db.c does) and with the parameters' values known (prepare = 0).

What is checked is what a JSON or HTML request runs: the total and one page. An XLSX
download reads the whole selection, and when one task holds most of a table a
sequential scan is the cheaper way to read most of it; PostgreSQL then rightly takes it.
"""
import os
import re
import subprocess

import psycopg2
import pytest

from conftest import CLI, OUT, ROOT, SUPER_DSN, as_web, cli, query

BIG_NUMBERS = 50000
WATCHED = {"numbers", "records", "record_details", "call_histories", "record_tags",
           "rollup_hours", "rollup_days", "rollup_repeats", "rollup_months"}
# (Not rollup_tenant_days: a row a tenant and day, 365 a year; on the test's few rows a
# sequential scan is rightly the cheaper.)


def sql_text(name):
    """The text of sql/reports/NAME.sql as the program runs it: its includes done."""
    return subprocess.run([os.path.join(ROOT, "scripts", "embed-sql.sh"), "--text",
                           os.path.join(ROOT, "sql", "reports", name + ".sql")],
                          check=True, capture_output=True, text=True).stdout


@pytest.fixture(scope="module")
def big(db, data, vendor):
    """Tenant "big": the demo data with a task of BIG_NUMBERS numbers, vacuumed and analyzed."""
    if not query(db, "SELECT FROM tenants WHERE name = 'big'"):
        path = os.path.join(OUT, "big.jsonl")
        with open(path, "w") as f:
            subprocess.run([CLI, "demo-data", "--tenant", "big", "--numbers", str(BIG_NUMBERS)],
                           stdout=f, check=True)
        cli("import", "--user", "big", path)
        os.unlink(path)
    for table in ("numbers", "records", "record_details", "record_tags", "record_detail_tags",
                  "call_histories", "tasks", "tags", "levels"):
        with db.cursor() as c:
            c.execute(f"VACUUM ANALYZE {table}")
    tenant = query(db, "SELECT id::text FROM tenants WHERE name = 'big'")[0][0]
    task, n = query(db, "SELECT task_id::text, count(*) FROM numbers WHERE user_id = %s "
                        "GROUP BY 1 ORDER BY 2 DESC LIMIT 1", tenant)[0]
    records = query(db, "SELECT count(*) FROM records WHERE task_id = %s", task)[0][0]
    # Big enough that reading the task from an index has to beat reading the table.
    assert n >= BIG_NUMBERS and records >= 10000
    rec = query(db, "SELECT r.id::text FROM records r WHERE r.task_id = %s AND EXISTS "
                    "(SELECT FROM record_details d WHERE d.record_id = r.id) ORDER BY r.id LIMIT 1", task)[0][0]
    tag = query(db, "SELECT rt.tag_id::text FROM record_tags rt JOIN records r ON r.id = rt.record_id "
                    "WHERE r.task_id = %s GROUP BY 1 ORDER BY count(*) LIMIT 1", task)[0][0]
    level = query(db, "SELECT level_id::text FROM records WHERE task_id = %s AND level_id IS NOT NULL "
                      "GROUP BY 1 ORDER BY count(*) LIMIT 1", task)[0][0]
    province = query(db, "SELECT province_id FROM records WHERE task_id = %s AND province_id IS NOT NULL "
                         "GROUP BY 1 ORDER BY count(*) LIMIT 1", task)[0][0]
    day = query(db, "SELECT (calldate AT TIME ZONE 'Asia/Shanghai')::date::text FROM records "
                    "WHERE task_id = %s GROUP BY 1 ORDER BY count(*) DESC LIMIT 1", task)[0][0]
    conn = psycopg2.connect(SUPER_DSN)
    conn.autocommit = True
    yield {"tenant": tenant, "task": task, "record": rec, "tag": tag, "day": day, "level": level,
           "province": province, "conn": conn}
    conn.close()


def scans(plan, out):
    """Collects (node type, relation, index) of every scan in a JSON plan, but those under a
    node whose one-time filter is false (a branch the values rule out: never executed)."""
    if isinstance(plan, dict):
        if plan.get("One-Time Filter") == "false":
            return out
        if "Relation Name" in plan:
            out.append((plan["Node Type"], plan["Relation Name"], plan.get("Index Name")))
        elif "Index Name" in plan:      # a Bitmap Index Scan names only its index
            out.append((plan["Node Type"], None, plan["Index Name"]))
        for v in plan.values():
            scans(v, out)
    elif isinstance(plan, list):
        for v in plan:
            scans(v, out)
    return out


def null_params(sql, params):
    """The text the program prepares (cgi/store/db.c db_null_params): each $k whose value is
    None written as NULL, outside quoted literals and comments."""
    out, i = [], 0
    token = re.compile(r"'[^']*'?|\"[^\"]*\"?|--[^\n]*|\$(\d+)")
    for m in token.finditer(sql):
        out.append(sql[i:m.start()])
        k = m.group(1)
        out.append("NULL" if k and 1 <= int(k) <= len(params) and params[int(k) - 1] is None
                   else m.group(0))
        i = m.end()
    return "".join(out) + sql[i:]


def explain(big, name, params, generic, walk_only=False):
    """Returns the scans of the plan of sql/reports/NAME.sql for params ($n is
    params[n-1]), as the web role with the tenant set, in the deployment's zone:
    generic, the plan of the program's prepared statement (prepare = 1); else the
    plan for these values (prepare = 0). walk_only: callbacks.sql without the
    grouping's branch (its walk's plan alone)."""
    sql = sql_text(name)
    if walk_only:
        cut = "WHERE NOT (SELECT ok.walked FROM ok)"
        assert sql.count(cut) == 1
        sql = sql.replace(cut, "WHERE false AND NOT (SELECT ok.walked FROM ok)")
    try:
        with as_web(big["conn"], big["tenant"]) as c:
            if generic:
                types = ", ".join("text" if p is None else "unknown" for p in params)
                c.execute(f"PREPARE q ({types}) AS " + null_params(sql, params))
                c.execute("SET LOCAL plan_cache_mode = force_generic_plan")
                c.execute("EXPLAIN (FORMAT JSON) EXECUTE q (%s)" % ", ".join(["%s"] * len(params)),
                          params)
            else:
                lit = lambda m: c.mogrify("%s", (params[int(m.group(1)) - 1],)).decode()
                c.execute("EXPLAIN (FORMAT JSON) " + re.sub(r"\$(\d+)", lit, sql))
            plan = c.fetchone()[0]
    finally:
        with big["conn"].cursor() as c:
            c.execute("DEALLOCATE ALL")
    return scans(plan, [])


MODES = [pytest.param(True, id="generic"), pytest.param(False, id="custom")]


def no_seq_scan(found, what):
    bad = [s for s in found if s[0] in ("Seq Scan", "Parallel Seq Scan") and s[1] in WATCHED]
    assert not bad, f"{what}: {bad} in {found}"
    return found


def deep_with_values(generic, what):
    """Whether a deep page (page 21) is held to the rule: always as the program prepares it
    (generic, the default), and without a filter with the values known (prepare = 0). With
    a filter and the values known, the planner may estimate that reading the whole table
    and sorting its matches is cheaper than walking the task's index to row 300, and here
    it is: the test task holds most of the table (a filter on the keyword, a province, a
    "none" picks a seq scan for page 21 of the page-1 statements alike)."""
    return generic or what == "no filter"


DONE_PHONES = ["task_id", "id", "levels", "keyword", "bills", "rounds", "tags", "start_at", "end_at",
               "hangupcause", "level", "province", "operator", "none", "dropoff"]


def done_phones_cases(big):
    """Parameters $2..$16 of done_phones (DONE_PHONES: the contract's filters, then the pages'
    own) as report.c binds them, for each filter alone and all together."""
    b = big
    none = [b["task"]] + [None] * (len(DONE_PHONES) - 1)

    def w(**kw):
        p = list(none)
        for k, v in kw.items():
            p[DONE_PHONES.index(k)] = v
        return p
    return {
        "no filter": none,
        "id": w(id=b["record"]),
        "levels": w(levels="{{0,49},{300,1000}}"),
        "keyword": w(keyword="1386"),
        "keyword of 2 digits": w(keyword="13"),
        "bills": w(bills="{10,30}"),
        "rounds": w(rounds="{2,4}"),
        "tags": w(tags="{%s}" % b["tag"]),
        "tags, one unknown": w(tags="{%s,00000000-0000-4000-8000-000000000000}" % b["tag"]),
        "start_at": w(start_at=f"{b['day']} 12:00:00"),
        "end_at": w(end_at=f"{b['day']} 12:00:00"),
        "start_at and end_at": w(start_at=f"{b['day']} 09:00:00", end_at=f"{b['day']} 09:59:59"),
        "hangupcause": w(hangupcause="NORMAL_CLEARING"),
        "hangupcause of a day": w(hangupcause="NO_ANSWER", start_at=f"{b['day']} 00:00:00",
                                  end_at=f"{b['day']} 23:59:59"),
        # The pages' filters, with which the overview's rows link to the list.
        "level": w(level="{%s}" % b["level"]),
        "province": w(province="{%s}" % b["province"]),
        "operator": w(operator="{2}"),
        "none": w(none="{level,province,operator,hangupcause}"),
        "dropoff": w(dropoff="（机器人未开口）"),
        "dropoff of a day": w(dropoff="（机器人未开口）", start_at=f"{b['day']} 00:00:00",
                              end_at=f"{b['day']} 23:59:59"),
        "province of a day": w(province="{%s}" % b["province"], start_at=f"{b['day']} 00:00:00",
                               end_at=f"{b['day']} 23:59:59"),
        "every filter": w(levels="{{0,1000}}", keyword="138", bills="{0,600}", rounds="{0,20}",
                          tags="{%s}" % b["tag"], start_at="2026-10-01 00:00:00", end_at="2026-12-31 23:59:59",
                          level="{%s}" % b["level"], province="{%s}" % b["province"], operator="{1,2,3}",
                          dropoff="开场白"),
    }


@pytest.mark.parametrize("generic", MODES)
def test_query_done_task_phones(big, generic):
    for what, p in done_phones_cases(big).items():
        params = [big["tenant"]] + p
        found = no_seq_scan(explain(big, "done_phones.count", params, generic), f"count, {what}")
        # (Without a filter the total may come from a table of counts.)
        assert what == "no filter" or any(s[1] == "records" for s in found), what
        no_seq_scan(explain(big, "done_phones", params + ["15", "0"], generic), f"page 1, {what}")
        # Page 2 on (done_phones.deep.sql): the page's keys first, then its rows. (With the
        # values known and a filter, page 21 may read the table whole, as page 21 of
        # done_phones.sql does: here the task is most of the table; see deep_with_values.)
        if deep_with_values(generic, what):
            no_seq_scan(explain(big, "done_phones.deep", params + ["15", "300"], generic),
                        f"page 21, {what}")
    no_seq_scan(explain(big, "done_phones", [big["tenant"]] + done_phones_cases(big)["no filter"]
                        + ["15", "300"], generic), "page 21")
    # Without a filter the skipped rows are index entries only, never rows of the table.
    found = explain(big, "done_phones.deep", [big["tenant"]] + done_phones_cases(big)["no filter"]
                    + ["15", "300"], generic)
    assert ("Index Only Scan", "records", "records_task_cover") in found, found


@pytest.mark.parametrize("generic", MODES)
def test_a_calls_neighbours(big, generic):
    """上一通 / 下一通 of a call opened from the call records page (done_phones.nav.sql): the list's
    filters, the call after them, by the task's indexes. It numbers the list's whole selection,
    as a workbook reads it: with the values known (prepare = 0), a selection of most of a task
    that no index narrows (no filter, or hangupcause, level, province or operator alone over
    the task's whole life, or since a time) may be read whole, as a workbook's; a period or a
    call, by index."""
    for what, p in done_phones_cases(big).items():
        if not generic and p[DONE_PHONES.index("id")] is None and None in (
                p[DONE_PHONES.index("start_at")], p[DONE_PHONES.index("end_at")]):
            continue
        found = no_seq_scan(explain(big, "done_phones.nav", [big["tenant"]] + p + [big["record"]], generic),
                            f"nav, {what}")
        # (A bitmap scan names its index on a child node without the relation.)
        assert any(s[1] == "records" for s in found) and any(s[2] for s in found), (what, found)


@pytest.mark.parametrize("generic", MODES)
def test_task_number(big, generic):
    t, task = big["tenant"], big["task"]
    day = big["day"]
    nop = [None, None, None, None, None]  # province, start_at, end_at, hour, none
    cases = {
        "no filter": [t, task, None, None, None, "0"] + nop,
        "status": [t, task, "{1,3}", None, None, "0"] + nop,
        "keyword": [t, task, None, "1386", None, "0"] + nop,
        "type": [t, task, None, None, "{2}", "0"] + nop,
        "call_history": [t, task, None, None, None, "1"] + nop,
        "every filter": [t, task, "{1}", "138", "{2,3}", "1"] + nop,
        "province": [t, task, None, None, None, "0", "11", None, None, None, None],
        "a period": [t, task, None, None, None, "0", None, f"{day} 00:00:00", f"{day} 23:59:59", None, None],
        "status of a period": [t, task, "{1}", None, None, "0", None, f"{day} 00:00:00", f"{day} 23:59:59",
                               None, None],
        "an hour of a period": [t, task, None, None, None, "0", None, f"{day} 00:00:00", f"{day} 23:59:59", "10",
                                None],
        # The page's own filter: the numbers of no province, or no operator (the overview's 未知).
        "none": [t, task, None, None, None, "0", None, None, None, None, "{province,operator}"],
        "none of a period": [t, task, "{1,2,3,4,5,6,7,8,9,10,11,12}", None, None, "0", None,
                             f"{day} 00:00:00", f"{day} 23:59:59", None, "{operator}"],
    }
    for what, params in cases.items():
        no_seq_scan(explain(big, "task_number.count", params, generic), f"count, {what}")
        # The attempts view (attempts=1), one row an attempt, as the overview's hours link to it:
        # an hour, a period. (Its total over the whole task counts every attempt of the task.)
        if params[7] is not None or params[9] is not None or params[6] is not None:
            no_seq_scan(explain(big, "task_attempts.count", params, generic), f"attempts' count, {what}")
        no_seq_scan(explain(big, "task_attempts", params + ["15", "0"], generic), f"attempts, {what}")
        if deep_with_values(generic, what):
            no_seq_scan(explain(big, "task_number.deep", params + ["15", "300"], generic),
                        f"page 21, {what}")
        if deep_with_values(generic, what) and what in ("no filter", "status", "keyword", "type"):
            # The skipped rows are index entries only (numbers_task_cover carries these filters).
            found = explain(big, "task_number.deep", params + ["15", "300"], generic)
            assert ("Index Only Scan", "numbers", "numbers_task_cover") in found, (what, found)
        found = no_seq_scan(explain(big, "task_number", params + ["15", "0"], generic),
                            f"page 1, {what}")
        # The page walks an index on the task, never the primary key past other tasks'
        # numbers (the demo tenants' tasks were imported first: thousands of rows).
        assert not any(s[1] == "numbers" and s[2] == "numbers_pkey" for s in found), (what, found)
        # (A bitmap scan names its index on a child node without the relation: the planner
        # takes one for some filters when other suites' rows have moved the statistics.)
        assert any(s[1] in ("numbers", None) and s[2] and s[2].startswith("numbers_task")
                   for s in found), (what, found)


@pytest.mark.parametrize("generic", MODES)
def test_one_record(big, generic):
    t, task, rec = big["tenant"], big["task"], big["record"]
    for name, params in (("record", [t, rec]), ("record_info", [t, task, rec]), ("transcript", [t, task, rec])):
        found = no_seq_scan(explain(big, name, params, generic), name)
        assert any(s[0] in ("Index Scan", "Index Only Scan") and s[1] == "records" for s in found), name
        if name != "record":
            assert any(s[1] == "record_details" for s in found), name


@pytest.mark.parametrize("generic", MODES)
def test_search(big, generic):
    """The number search (GET /search) over every task of the tenant: its last-digits
    range is served by numbers_search and call_histories_search, read index-only (they
    carry the time and ids the page is sorted by: only the page's rows are read from the
    tables, by primary key)."""
    t = big["tenant"]
    number = query(big["conn"], "SELECT number FROM numbers WHERE task_id = %s ORDER BY id DESC LIMIT 1",
                   big["task"])[0][0]
    for q in (number[-4:], number[-7:], number):
        found = no_seq_scan(explain(big, "search.count", [t, q], generic), f"count, {q}")
        indexes = {s[2] for s in found}
        assert {"numbers_search", "call_histories_search"} <= indexes, (q, found)
        found = no_seq_scan(explain(big, "search", [t, q, "15", "0"], generic), f"page 1, {q}")
        only = {(s[1], s[2]) for s in found if s[0] == "Index Only Scan"}
        assert {("numbers", "numbers_search"), ("call_histories", "call_histories_search")} <= only, (q, found)
        by_key = {(s[1], s[2]) for s in found if s[0] == "Index Scan"}
        assert {("numbers", "numbers_pkey"), ("call_histories", "call_histories_pkey")} <= by_key, (q, found)


@pytest.mark.parametrize("generic", MODES)
def test_start_page(big, generic):
    """The start page, its trend and the task comparison read the tenant's attempts and records of
    the period by index (start.sql, start_trend.sql, compare.sql)."""
    day = big["day"]
    prev = query(big["conn"], "SELECT (%s::date - 1)::text", day)[0][0]
    for what, params in {
        "one day": [f"{day} 00:00:00", f"{day} 23:59:59", f"{prev} 00:00:00", f"{prev} 23:59:59"],
        "an hour": [f"{day} 09:00:00", f"{day} 09:59:59", f"{day} 08:00:00", f"{day} 08:59:59"],
    }.items():
        found = no_seq_scan(explain(big, "start", [big["tenant"]] + params + [None], generic), what)
        # (A bitmap scan names its index on a child node without the relation.)
        assert any(s[1] == "call_histories" for s in found), (what, found)
        assert any(s[1] == "records" for s in found), (what, found)
        # Whole days: the rollups, by their keys (the raw part is gated off; test_rollups.py
        # shows which part runs); the tenant's days from the index alone (rollup_days_cover).
        assert ("Index Only Scan", "rollup_days", "rollup_days_cover") in found, (what, found)
        assert any(s[2] == "rollup_repeats_pkey" for s in found), (what, found)
        # A period's whole months (rollup_months), by the tenant and month.
        assert any(s[2] == "rollup_months_pkey" for s in found), (what, found)
        # The trend: $1 the tenant, $2 start_at, $3 end_at; its days of the tenant by their key.
        found = no_seq_scan(explain(big, "start_trend", [big["tenant"]] + params[:2], generic),
                            f"trend, {what}")

        assert any(s[1] == "call_histories" for s in found), (what, found)
        assert any(s[1] == "records" for s in found), (what, found)
        # The comparison: the same rows for two tasks, with their levels and results.
        tasks = [t for (t,) in query(big["conn"], """SELECT task_id::text FROM records WHERE user_id = %s
            GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 2""", big["tenant"])]
        found = no_seq_scan(explain(big, "compare", [big["tenant"]] + params + ["{" + ",".join(tasks) + "}"],
                                    generic), what)
        assert any(s[1] == "call_histories" for s in found), (what, found)
        # Its levels and results of whole days from an index alone.
        assert ("Index Only Scan", "rollup_counts", "rollup_counts_compare") in found, (what, found)
    # The trend by day over 30 days reads the tenant's days (rollup_tenant_days). (Generic
    # only: with the values known, the raw part that its gate rules out at run time is
    # planned as a scan of the 30 days, rightly, and is never run.)
    if generic:
        first = query(big["conn"], "SELECT (%s::date - 29)::text", day)[0][0]
        found = no_seq_scan(explain(big, "start_trend", [big["tenant"], f"{first} 00:00:00",
                                                         f"{day} 23:59:59"], generic),
                            "trend, 30 days")
        assert any(s[1] == "rollup_tenant_days" for s in found), found


@pytest.mark.parametrize("generic", MODES)
def test_callbacks(big, generic):
    """The call-back list (GET /callbacks) over a year and every task, and with each filter:
    a page's best calls and tags are read by records_user_callee."""
    t, task, tag = big["tenant"], big["task"], big["tag"]
    year = ["2025-11-21 00:00:00", "2026-11-20 23:59:59", "2024-11-21 00:00:00", "2025-11-20 23:59:59"]
    cases = {
        "no filter": [None] * 5,
        "levels": ["{{300,1000},{200,299}}", None, None, None, None],
        "tags": [None, "{%s}" % tag, None, None, None],
        "tasks": [None, None, "{%s}" % task, None, None],
        "operator": [None, None, None, "{2}", None],
        "province": [None, None, None, None, "{1,2}"],
        "every filter": ["{{0,1000}}", "{%s}" % tag, "{%s}" % task, "{1,2,3}", "{1}"],
    }
    for what, p in cases.items():
        params = [t] + year + p
        count = explain(big, "callbacks.count", params + ["15", "0"], generic)
        page = explain(big, "callbacks", params + ["15", "0"], generic)
        # The numbers are every call of the period: when the tenant's calls are most of the
        # table (tenant big here), PostgreSQL may read it whole instead of records_user_callee,
        # as for an XLSX download (see above); no other table, nor the page's lookups.
        for what_, found in (("count", count), ("page 1", page)):
            no_seq_scan([s for s in found if s[1] != "records"], f"{what_}, {what}")
            assert any(s[1] == "records" for s in found), (what, found)
        assert any(s[1] == "records" and s[2] == "records_user_callee" and s[0] == "Index Scan"
                   for s in page), (what, page)
        # The walk of a first page (callbacks.walk.sql): the period's calls newest first by
        # records_user_calldate, its horizon an index-only scan of it, each number's calls
        # by records_user_callee; never a sequential scan (the grouping's branch may read
        # the table, as the count does). With the values known (prepare = 0) and a task
        # narrowing it, the task's calls may come from the task's indexes and be sorted.
        walk = explain(big, "callbacks", params + ["15", "0"], generic, walk_only=True)
        no_seq_scan(walk, f"walk, {what}")
        assert ("Index Only Scan", "records", "records_user_calldate") in walk, (what, walk)
        assert any(s[1:] == ("records", "records_user_callee") for s in walk), (what, walk)
        assert not generic or ("Index Scan", "records", "records_user_calldate") in walk, (what, walk)


OVERVIEW_PARTS = ["overview_task", "overview_status", "overview_levels", "overview_tags", "overview_tag_groups",
                  "overview_bills", "overview_rounds", "overview_operators", "overview_provinces",
                  "overview_hours", "overview_hangup", "overview_trend", "overview_causes"]


@pytest.mark.parametrize("generic", MODES)
@pytest.mark.parametrize("name", OVERVIEW_PARTS)
def test_overview_over_a_period(big, generic, name):
    """Every part of the task overview (report/overview.c) over a period reads the task's rows of
    the period by index (records_task_*, call_histories_task, numbers' pkey) or the rollups, and
    a record's tags by its key. (The whole life of this task, most of the table, is read whole,
    and computed ahead by the import.)"""
    day, t, task = big["day"], big["tenant"], big["task"]
    week = query(big["conn"], "SELECT (%s::date + 6)::text", day)[0][0]
    for what, params in {"one day": [t, task, f"{day} 00:00:00", f"{day} 23:59:59"],
                         "a week": [t, task, f"{day} 00:00:00", f"{week} 23:59:59"]}.items():
        found = no_seq_scan(explain(big, name, params, generic), f"{name}, {what}")
        assert any(s[2] for s in found), (name, what, found)
        # A record's tags and its transcript (the drop-off), record by record by their keys.
        if name in ("overview_tags", "overview_tag_groups"):
            assert ("Index Scan", "record_tags", "record_tags_pkey") in found, (name, what, found)
        if name == "overview_hangup":
            # Whole days: the rollups' drop-off rows (dim 'dropoff'), no transcript read.
            assert any(s[1] == "rollup_counts" or s[2] == "rollup_counts_pkey" for s in found) \
                and not any(s[1] == "record_details" for s in found), (what, found)
