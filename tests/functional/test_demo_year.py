"""A year of demo data (make demo SCALE=year: sql/demo/year.sql), made small here (3 tasks of about
500 numbers) for a tenant of its own: its rows keep the invariants the pages rely on, the same
arguments give the same rows, a second run refuses, and the start page reads it."""
import os
import subprocess
import tempfile

import pytest

from conftest import CLI, ROOT, cli, get, query

END = "2026-11-20"
ARGS = {"tasks": "3", "numbers": "500", "days": "365", "end": END}


def year(tenant, check=True):
    cmd = [os.path.join(ROOT, "scripts", "pg.sh"), "psql", "callreport_test", "-v", f"tenant={tenant}"]
    for k, v in ARGS.items():
        cmd += ["-v", f"{k}={v}"]
    p = subprocess.run(cmd + ["-f", os.path.join(ROOT, "sql", "demo", "year.sql")], capture_output=True, text=True)
    if check:
        assert p.returncode == 0, p.stderr
    return p


@pytest.fixture(scope="module")
def yeartenant(db):
    """A tenant with the demo's small data (its levels, tags, transcripts) and then its year."""
    tenant = "yeartest"
    if not query(db, "SELECT 1 FROM tenants WHERE name = %s", tenant):
        with tempfile.NamedTemporaryFile("w", suffix=".jsonl") as f:
            subprocess.run([CLI, "demo-data", "--tenant", tenant, "--numbers", "50"], stdout=f, check=True)
            f.flush()
            cli("import", "--user", tenant, f.name)
        year(tenant)
    tid = query(db, "SELECT id::text FROM tenants WHERE name = %s", tenant)[0][0]
    return tenant, tid


def fingerprint(db, tid):
    return query(db, """SELECT (SELECT md5(string_agg(id || ':' || status || ':' || call_time, ',' ORDER BY id))
                                  FROM call_histories WHERE user_id = %s AND call_id LIKE 'y-%%'),
                               (SELECT md5(string_agg(callee || ':' || score || ':' || level_id, ',' ORDER BY id))
                                  FROM records WHERE user_id = %s AND callid LIKE 'y-%%')""", tid, tid)[0]


def test_the_rows_keep_the_invariants(db, yeartenant):
    _, tid = yeartenant
    n_tasks, n_numbers, n_attempts, n_records = query(db, """SELECT
        (SELECT count(*) FROM tasks WHERE user_id = %s AND remark = '年度演示数据'),
        (SELECT count(*) FROM numbers n JOIN tasks t ON t.uuid = n.task_id WHERE t.user_id = %s
            AND t.remark = '年度演示数据'),
        (SELECT count(*) FROM call_histories WHERE user_id = %s AND call_id LIKE 'y-%%'),
        (SELECT count(*) FROM records WHERE user_id = %s AND callid LIKE 'y-%%')""", tid, tid, tid, tid)[0]
    assert n_tasks == 3 and 750 <= n_numbers <= 2250
    assert 1.15 < n_attempts / n_numbers < 1.45, "1 to 3 attempts a number, stopping at the answer"
    assert 0.25 < n_records / n_attempts < 0.42, "about a third answered"
    bad = query(db, """SELECT
        -- a number's status is its last attempt's
        (SELECT count(*) FROM numbers n WHERE n.user_id = %s AND n.callid LIKE 'y-%%' AND n.status <>
            (SELECT h.status FROM call_histories h WHERE h.number_id = n.id ORDER BY h.call_time DESC, h.id DESC
             LIMIT 1)),
        -- a record for each answered attempt, at its time, with a level
        (SELECT count(*) FROM call_histories h WHERE h.user_id = %s AND h.call_id LIKE 'y-%%' AND h.status = 1
            AND NOT EXISTS (SELECT FROM records r WHERE r.task_id = h.task_id AND r.callid = h.call_id
                            AND r.calldate = h.call_time AND r.level_id IS NOT NULL)),
        -- attempts within the year, 09:00 to 21:00 local, never before the task was made
        (SELECT count(*) FROM call_histories h JOIN tasks t ON t.uuid = h.task_id WHERE h.user_id = %s
            AND h.call_id LIKE 'y-%%' AND (h.call_time >= (%s::date + 1)::timestamp AT TIME ZONE 'Asia/Shanghai'
            OR h.call_time < t.create_datetime
            OR extract(hour FROM h.call_time AT TIME ZONE 'Asia/Shanghai') NOT BETWEEN 9 AND 20)),
        -- the counts every page reads
        (SELECT count(*) FROM (SELECT task_id, status, coalesce(operator, 0) o, count(*) n FROM numbers
            WHERE user_id = %s GROUP BY 1, 2, 3 EXCEPT SELECT task_id, status, operator, n
            FROM task_number_counts WHERE user_id = %s) x)""", tid, tid, tid, END, tid, tid)[0]
    assert bad == (0, 0, 0, 0), bad
    levels = dict(query(db, """SELECT l.name, count(*) FROM records r JOIN levels l ON l.id = r.level_id
        WHERE r.user_id = %s AND r.callid LIKE 'y-%%' GROUP BY 1""", tid))
    assert set(levels) == {"A级", "B级", "C级", "D级"} and levels["D级"] > levels["A级"]
    assert query(db, """SELECT count(*) FROM record_details d JOIN records r ON r.id = d.record_id
        WHERE r.user_id = %s AND r.callid LIKE 'y-%%'""", tid)[0][0] > 0, "some transcripts"
    assert query(db, """SELECT count(*) FROM record_tags g JOIN records r ON r.id = g.record_id
        WHERE r.user_id = %s AND r.callid LIKE 'y-%%' AND r.score >= 200""", tid)[0][0] > 0, "A and B tagged"
    # Every index of the schema is back after the bulk load.
    assert query(db, "SELECT count(*) FROM pg_indexes WHERE indexname = 'call_histories_user_time'")[0][0] == 1


def test_the_same_arguments_give_the_same_rows_and_a_second_run_refuses(db, yeartenant):
    tenant, tid = yeartenant
    before = fingerprint(db, tid)
    p = year(tenant, check=False)
    assert p.returncode != 0 and "has its year already" in p.stderr
    assert fingerprint(db, tid) == before
    # Again from nothing: the same rows.
    ids = [t for (t,) in query(db, "SELECT uuid::text FROM tasks WHERE user_id = %s AND remark = '年度演示数据'", tid)]
    with db.cursor() as c:
        for sql in ("DELETE FROM record_details WHERE task_id = ANY(%s::uuid[])",
                    "DELETE FROM records WHERE task_id = ANY(%s::uuid[])",
                    "DELETE FROM call_histories WHERE task_id = ANY(%s::uuid[])",
                    "DELETE FROM task_number_counts WHERE task_id = ANY(%s::uuid[])",
                    "DELETE FROM task_record_counts WHERE task_id = ANY(%s::uuid[])",
                    "DELETE FROM task_overview WHERE task_id = ANY(%s::uuid[])",
                    "DELETE FROM numbers WHERE task_id = ANY(%s::uuid[])",
                    "DELETE FROM tasks WHERE uuid = ANY(%s::uuid[])"):
            c.execute(sql, (ids,))
    db.commit()
    year(tenant)
    assert fingerprint(db, tid) == before


def test_the_start_page_reads_the_year(db, yeartenant):
    tenant, tid = yeartenant
    tok = cli("token", "--user", tenant).stdout.strip()
    r = get("/", token=tok, params={"format": "json", "start_at": "2025-11-21 00:00:00",
                                    "end_at": f"{END} 23:59:59"})
    assert r.status == 200
    rows = r.json()["data"]
    want = query(db, "SELECT count(*) FROM records WHERE user_id = %s AND calldate >= '2025-11-21 00:00+08'", tid)[0][0]
    assert rows[-1]["is_total"] and rows[-1]["calls"] == want
    assert sum(1 for x in rows if x["name"] and "#" in x["name"]) == 3
