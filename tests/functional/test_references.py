"""The references the import's big tables keep by statement triggers instead of foreign keys
(sql/schema.sql, callreport_ref_*): a row names only a parent that exists and is its
tenant's, whether it comes by INSERT, COPY or UPDATE; a parent still named is neither
deleted, truncated nor re-keyed; the parent a row names is locked until the row's
transaction ends, as a foreign key locks it."""
import io
import threading
import time
import uuid

import psycopg2
import psycopg2.errors
import pytest

from conftest import SUPER_DSN, query

# Each reference: its name, the child, the parent (as the schema lists them).
REFERENCES = {
    ("numbers_task_tenant_fkey", "numbers", "tasks"),
    ("call_histories_task_tenant_fkey", "call_histories", "tasks"),
    ("call_histories_number_id_fkey", "call_histories", "numbers"),
    ("records_task_tenant_fkey", "records", "tasks"),
    ("records_level_id_fkey", "records", "levels"),
    ("record_tags_tag_tenant_fkey", "record_tags", "tags"),
    ("record_detail_tags_tag_tenant_fkey", "record_detail_tags", "tags"),
}


@pytest.fixture
def conn():
    """A connection in a transaction, rolled back at the end: nothing a test writes stays."""
    c = psycopg2.connect(SUPER_DSN)
    yield c
    c.rollback()
    c.close()


def refused(c, sql, args=(), copy=None):
    """The statement is refused as a foreign key refuses it (23503), and writes nothing."""
    with c.cursor() as cur:
        cur.execute("SAVEPOINT s")
        try:
            if copy is None:
                cur.execute(sql, args)
            else:
                cur.copy_expert(sql, io.StringIO(copy))
        except psycopg2.errors.ForeignKeyViolation as e:
            cur.execute("ROLLBACK TO SAVEPOINT s")
            return e
        raise AssertionError("stored: " + sql)


def accepted(c, sql, args=()):
    with c.cursor() as cur:
        cur.execute(sql, args)
        return cur.rowcount


def ids(c, data):
    """Rows of tenant alpha to name, and the parents of tenant beta it must not name."""
    alpha, beta = data["alpha"]["tenant_id"], data["beta"]["tenant_id"]
    one = lambda sql, *a: query(c, sql, *a)[0]
    task = data["alpha"]["tasks"][0]
    return {
        "alpha": alpha, "beta": beta, "task": task, "beta_task": data["beta"]["tasks"][0],
        "number": one("SELECT id FROM numbers WHERE task_id = %s AND id IN "
                      "(SELECT number_id FROM call_histories) LIMIT 1", task)[0],
        "bare_number": one("SELECT id FROM numbers n WHERE task_id = %s AND NOT EXISTS "
                           "(SELECT FROM call_histories h WHERE h.number_id = n.id) LIMIT 1", task)[0],
        "record": one("SELECT id FROM records WHERE user_id = %s LIMIT 1", alpha)[0],
        "detail": one("SELECT id FROM record_details WHERE user_id = %s LIMIT 1", alpha)[0],
        "tag": one("SELECT id FROM tags WHERE user_id = %s AND id IN (SELECT tag_id FROM record_tags) "
                   "LIMIT 1", alpha)[0],
        "beta_tag": one("SELECT id FROM tags WHERE user_id = %s LIMIT 1", beta)[0],
    }


def test_the_schema_keeps_each_reference_by_its_triggers(db):
    """Every reference has its five triggers, and none of them is still a foreign key."""
    rows = query(db, """SELECT tgrelid::regclass::text, tgname FROM pg_trigger
                         WHERE NOT tgisinternal AND tgname ~ '_fkey'""")
    for name, child, parent in REFERENCES:
        assert (child, name) in rows
        assert (child, name + "_renamed") in rows
        for suffix in ("", "_rekeyed", "_truncated"):
            assert (parent, name + suffix) in rows
    assert len(rows) == 5 * len(REFERENCES)
    assert query(db, "SELECT conname FROM pg_constraint WHERE contype = 'f' AND conname = ANY(%s)",
                 [n for n, _, _ in REFERENCES]) == []


def test_a_row_naming_a_missing_or_foreign_parent_is_refused(conn, data):
    v = ids(conn, data)
    a = v["alpha"]
    # A number: of a task that does not exist, of another tenant's task; by INSERT and COPY.
    number = "INSERT INTO numbers (id, user_id, task_id, number, status) VALUES (%s, %s, %s, '1', 0)"
    e = refused(conn, number, (-990000001, a, str(uuid.uuid4())))
    assert 'violates foreign key constraint "numbers_task_tenant_fkey"' in str(e)
    assert 'is not present in table "tasks"' in str(e)
    refused(conn, number, (-990000001, a, v["beta_task"]))
    refused(conn, "COPY numbers (id, user_id, task_id, number, status) FROM STDIN",
            copy=f"-990000002\t{a}\t{v['task']}\t1\t0\n-990000003\t{a}\t{v['beta_task']}\t1\t0\n")
    # A whole statement: one bad row among good ones refuses all of it.
    refused(conn, "INSERT INTO numbers (id, user_id, task_id, number, status) "
                  "SELECT -990000100 - g, %s, CASE WHEN g = 500 THEN %s::uuid ELSE %s::uuid END, '1', 0 "
                  "FROM generate_series(1, 1000) g", (a, v["beta_task"], v["task"]))
    assert query(conn, "SELECT count(*) FROM numbers WHERE id < 0")[0][0] == 0
    # A call attempt: of a number that does not exist, of another tenant's task.
    attempt = ("INSERT INTO call_histories (id, user_id, task_id, number_id, number, call_time, status) "
               "VALUES (-990000001, %s, %s, %s, '1', now(), 1)")
    e = refused(conn, attempt, (a, v["task"], -990999999))
    assert "Key (number_id)=(-990999999)" in str(e)
    refused(conn, attempt, (a, v["beta_task"], v["number"]))
    # A record: of another tenant's task, with a level that does not exist.
    record = ("INSERT INTO records (id, user_id, task_id, score, callee, calldate, level_id) "
              "VALUES (%s, %s, %s, 0, '1', now(), %s)")
    refused(conn, record, (str(uuid.uuid4()), a, v["beta_task"], None))
    refused(conn, record, (str(uuid.uuid4()), a, v["task"], str(uuid.uuid4())))
    # A record's tag and a transcript row's tag: another tenant's.
    refused(conn, "INSERT INTO record_tags (record_id, tag_id, user_id) VALUES (%s, %s, %s)",
            (v["record"], v["beta_tag"], a))
    refused(conn, "INSERT INTO record_detail_tags (record_detail_id, tag_id, user_id) VALUES (%s, %s, %s)",
            (v["detail"], v["beta_tag"], a))
    # The same rows naming what they may are stored (a NULL level names nothing).
    assert accepted(conn, number, (-990000001, a, v["task"])) == 1
    assert accepted(conn, attempt, (a, v["task"], -990000001)) == 1
    assert accepted(conn, record, (str(uuid.uuid4()), a, v["task"], None)) == 1


def test_a_rows_new_key_is_checked(conn, data):
    v = ids(conn, data)
    refused(conn, "UPDATE call_histories SET number_id = -990999999 WHERE id = "
                  "(SELECT min(id) FROM call_histories WHERE number_id = %s)", (v["number"],))
    refused(conn, "UPDATE numbers SET task_id = %s WHERE id = %s", (v["beta_task"], v["bare_number"]))
    refused(conn, "UPDATE record_tags SET tag_id = %s WHERE record_id = %s", (v["beta_tag"], v["record"]))
    # Updates that keep the key, or name another parent of the tenant, pass.
    assert accepted(conn, "UPDATE numbers SET status = status WHERE task_id = %s", (v["task"],)) > 0
    assert accepted(conn, "UPDATE call_histories SET number_id = %s WHERE id = (SELECT min(id) FROM "
                          "call_histories WHERE number_id = %s)", (v["bare_number"], v["number"])) == 1


def test_a_named_parent_is_neither_deleted_truncated_nor_rekeyed(conn, data):
    v = ids(conn, data)
    e = refused(conn, "DELETE FROM tasks WHERE uuid = %s", (v["task"],))
    assert "update or delete on table \"tasks\" violates foreign key constraint" in str(e)
    assert "is still referenced from table" in str(e)
    refused(conn, "UPDATE tasks SET uuid = %s WHERE uuid = %s", (str(uuid.uuid4()), v["task"]))
    refused(conn, "UPDATE tasks SET user_id = %s WHERE uuid = %s", (v["beta"], v["task"]))
    refused(conn, "DELETE FROM numbers WHERE id = %s", (v["number"],))
    refused(conn, "UPDATE numbers SET id = -990999999 WHERE id = %s", (v["number"],))
    refused(conn, "DELETE FROM tags WHERE id = %s", (v["tag"],))
    refused(conn, "DELETE FROM levels WHERE id = (SELECT level_id FROM records WHERE level_id IS NOT NULL "
                  "LIMIT 1)")
    e = refused(conn, "TRUNCATE numbers CASCADE")
    assert "cannot truncate a table referenced in a foreign key constraint" in str(e)
    refused(conn, "TRUNCATE levels CASCADE")
    # A parent no row names goes; and the truncation of the parent with its children too.
    assert accepted(conn, "DELETE FROM numbers WHERE id = %s", (v["bare_number"],)) == 1
    accepted(conn, "TRUNCATE numbers, call_histories CASCADE")
    assert query(conn, "SELECT count(*) FROM numbers")[0][0] == 0


def new_task(db, data):
    """A task of tenant alpha, committed, that nothing names yet."""
    t = str(uuid.uuid4())
    with db.cursor() as c:
        c.execute("CREATE TEMP TABLE IF NOT EXISTS task_copy AS SELECT * FROM tasks LIMIT 0")
        c.execute("TRUNCATE task_copy")
        c.execute("INSERT INTO task_copy SELECT * FROM tasks WHERE uuid = %s", (data["alpha"]["tasks"][0],))
        c.execute("UPDATE task_copy SET uuid = %s", (t,))
        c.execute("INSERT INTO tasks SELECT * FROM task_copy")
    return t


def test_the_named_parent_is_locked_until_the_row_commits(db, data):
    """A's new number names task T, committed before: B cannot delete T until A ends. And a
    task B deleted but has not committed: A's number naming it waits for B, and is refused
    when B commits (the check after the lock reads anew)."""
    a_conn, b_conn = psycopg2.connect(SUPER_DSN), psycopg2.connect(SUPER_DSN)
    alpha = data["alpha"]["tenant_id"]
    t1, t2 = new_task(db, data), new_task(db, data)
    number = "INSERT INTO numbers (id, user_id, task_id, number, status) VALUES (%s, %s, %s, '1', 0)"
    try:
        with a_conn.cursor() as a, b_conn.cursor() as b:
            a.execute(number, (-990000001, alpha, t1))
            b.execute("SET lock_timeout = '300ms'")
            with pytest.raises(psycopg2.errors.LockNotAvailable):
                b.execute("DELETE FROM tasks WHERE uuid = %s", (t1,))
            b_conn.rollback()
            a_conn.rollback()
            # Nothing names it now: it goes.
            b.execute("DELETE FROM tasks WHERE uuid = %s", (t1,))
            b_conn.commit()

            b.execute("DELETE FROM tasks WHERE uuid = %s", (t2,))
            outcome = {}

            def insert():
                try:
                    a.execute(number, (-990000002, alpha, t2))
                    outcome["stored"] = True
                except psycopg2.Error as e:
                    outcome["error"] = e

            th = threading.Thread(target=insert)
            th.start()
            time.sleep(0.5)
            assert not outcome, outcome  # waiting for B
            b_conn.commit()
            th.join(10)
            assert isinstance(outcome.get("error"), psycopg2.errors.ForeignKeyViolation), outcome
            a_conn.rollback()
    finally:
        a_conn.rollback()
        b_conn.rollback()
        with db.cursor() as c:
            c.execute("DELETE FROM tasks WHERE uuid IN (%s, %s)", (t1, t2))
        a_conn.close()
        b_conn.close()
