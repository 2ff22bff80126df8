"""`callreport migrate` on a database made by an older version: what the schema
drops goes, and the web role can run no SECURITY DEFINER function that the
program does not call (such a function is a way around row-level security:
one left over is a hole, not only dead code)."""
import glob
import os
import re

import psycopg2
import psycopg2.errors

from conftest import CONF, ROOT, cli, query
from test_rollups import derived_as_summed

# The functions 0.9 drops (a request started with them before callreport_begin()),
# as the version before it created and granted them: declared arguments, and the
# signature pg_proc shows.
OLD = [
    ("callreport_auth_token(h bytea)", "callreport_auth_token(bytea)", "uuid"),
    ("callreport_auth_session(h bytea)", "callreport_auth_session(bytea)", "uuid"),
    ("callreport_data_version(t uuid)", "callreport_data_version(uuid)", "bigint"),
    ("callreport_tenant_name(t uuid)", "callreport_tenant_name(uuid)", "text"),
    ("callreport_tenant_name()", "callreport_tenant_name()", "text"),
]
OLD_SIGS = {sig for _, sig, _ in OLD}

def conf_value(key):
    with open(CONF) as f:
        return [l.split("=", 1)[1].strip() for l in f if l.split("=", 1)[0].strip() == key][0]


def web_definer_functions(db):
    """name(argument types) of every SECURITY DEFINER function callreport_web may run."""
    return {r[0] for r in query(db, """
        SELECT p.oid::regprocedure::text FROM pg_proc p
         WHERE p.prosecdef AND p.pronamespace = 'public'::regnamespace
           AND has_function_privilege('callreport_web', p.oid, 'EXECUTE')""")}


def test_migrate_drops_the_old_functions(db):
    # As the schema owner, as the older version's schema.sql did.
    admin = psycopg2.connect(conf_value("admin_db"))
    admin.autocommit = True
    with admin.cursor() as c:
        for decl, sig, ret in OLD:
            c.execute(f"CREATE OR REPLACE FUNCTION {decl} RETURNS {ret} LANGUAGE sql STABLE "
                      f"SECURITY DEFINER SET search_path = public AS $$ SELECT NULL::{ret} $$")
            c.execute(f"GRANT EXECUTE ON FUNCTION {sig} TO callreport_web")
    admin.close()
    assert OLD_SIGS <= web_definer_functions(db)
    assert cli("migrate").stdout == "schema is up to date\n"
    assert not OLD_SIGS & web_definer_functions(db)
    assert "callreport_begin(text,text)" in web_definer_functions(db)


def test_web_role_runs_no_uncalled_definer_function(db):
    """Every SECURITY DEFINER function granted to callreport_web is called by
    the program (its C sources or the SQL of its reports)."""
    src = ""
    for p in glob.glob(os.path.join(ROOT, "cgi", "**", "*.c"), recursive=True) + \
            glob.glob(os.path.join(ROOT, "sql", "reports", "*.sql")):
        with open(p) as f:
            src += f.read()
    names = {sig.split("(")[0] for sig in web_definer_functions(db)}
    assert len(names) >= 7
    # What the rule keeps for older workers (docs/deploy.md) is called by them, not by this version.
    with open(os.path.join(ROOT, "sql", "schema.sql")) as f:
        kept = set(re.findall(r"^-- kept for workers before [0-9.]+: remove in [0-9.]+\n"
                              r"CREATE OR REPLACE FUNCTION (\w+)\(", f.read(), re.M))
    uncalled = {n for n in names - kept if not re.search(rf"\b{n}\(", src)}
    assert not uncalled, f"granted to callreport_web, called by nothing: {sorted(uncalled)}"


def test_migrate_fills_the_rollups_by_month_and_tenant_day(db, data):
    """A database from before rollup_months and rollup_tenant_days: `callreport migrate` makes
    them, filled from rollup_days (its sums by task and month, by tenant and day), so that the
    start page reads them at once; the web role reads them under row-level security."""
    assert query(db, "SELECT count(*) FROM rollup_days")[0][0] > 0
    admin = psycopg2.connect(conf_value("admin_db"))
    admin.autocommit = True
    with admin.cursor() as c:
        c.execute("DROP TABLE rollup_months, rollup_tenant_days")
    admin.close()
    assert cli("migrate").stdout == "schema is up to date\n"
    with db.cursor() as c:
        derived_as_summed(c)
    for table in ("rollup_months", "rollup_tenant_days"):
        assert query(db, "SELECT relrowsecurity FROM pg_class WHERE relname = %s", table) == [(True,)]
        assert query(db, "SELECT has_table_privilege('callreport_web', %s, 'SELECT')", table) == [(True,)]


def foreign_keys(db, table):
    """{name: its definition} of table's foreign keys."""
    return dict(query(db, """SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint
                              WHERE contype = 'f' AND conrelid = %s::regclass""", table))


def test_migrate_keeps_the_big_tables_references_by_triggers(db, data):
    """A database from before: numbers referenced their task and their tenant each (and then
    (task_id, user_id) -> tasks), a record's tags their tag and their tenant, a call attempt
    its number, each by a foreign key. `callreport migrate` drops those keys and keeps the
    references by the triggers of sql/schema.sql (test_references.py), made again where one
    is missing: no row may then name another tenant's task or tag."""
    admin = psycopg2.connect(conf_value("admin_db"))
    admin.autocommit = True
    with admin.cursor() as c:
        c.execute("""ALTER TABLE numbers
                       ADD CONSTRAINT numbers_user_id_fkey FOREIGN KEY (user_id) REFERENCES tenants (id),
                       ADD CONSTRAINT numbers_task_id_fkey FOREIGN KEY (task_id) REFERENCES tasks (uuid)""")
        c.execute("""ALTER TABLE call_histories ADD CONSTRAINT call_histories_task_tenant_fkey
                       FOREIGN KEY (task_id, user_id) REFERENCES tasks (uuid, user_id),
                       ADD CONSTRAINT call_histories_number_id_fkey FOREIGN KEY (number_id)
                       REFERENCES numbers (id)""")
        c.execute("""ALTER TABLE record_tags
                       ADD CONSTRAINT record_tags_user_id_fkey FOREIGN KEY (user_id) REFERENCES tenants (id),
                       ADD CONSTRAINT record_tags_tag_id_fkey FOREIGN KEY (tag_id) REFERENCES tags (id)""")
        c.execute("DROP TRIGGER numbers_task_tenant_fkey ON numbers")
        c.execute("DROP TRIGGER record_tags_tag_tenant_fkey_rekeyed ON tags")
    assert cli("migrate").stdout == "schema is up to date\n"
    assert foreign_keys(db, "numbers") == {}
    assert foreign_keys(db, "call_histories") == {}
    assert foreign_keys(db, "record_tags") == {
        "record_tags_record_id_fkey": "FOREIGN KEY (record_id) REFERENCES records(id) ON DELETE CASCADE"}
    triggers = query(db, "SELECT tgrelid::regclass::text, tgname FROM pg_trigger WHERE NOT tgisinternal")
    assert ("numbers", "numbers_task_tenant_fkey") in triggers
    assert ("tags", "record_tags_tag_tenant_fkey_rekeyed") in triggers
    alpha, beta = data["alpha"]["tenant_id"], data["beta"]["tenant_id"]
    record = query(db, "SELECT id FROM records WHERE user_id = %s LIMIT 1", alpha)[0][0]
    beta_tag = query(db, "SELECT id FROM tags WHERE user_id = %s LIMIT 1", beta)[0][0]
    with admin.cursor() as c:
        for sql, args in (
                ("INSERT INTO numbers (id, user_id, task_id, number, status) VALUES (-993000001, %s, %s, '1', 0)",
                 (beta, data["alpha"]["tasks"][0])),
                ("INSERT INTO record_tags (record_id, tag_id, user_id) VALUES (%s, %s, %s)",
                 (record, beta_tag, alpha))):
            try:
                c.execute(sql, args)
                raise AssertionError("stored: " + sql)
            except psycopg2.errors.ForeignKeyViolation:
                pass
    admin.close()
