"""Reports read from a streaming-replication standby (read_db), sign-in writes to
the primary (db), and requests keep being answered when the standby is stopped
under load. scripts/replica.sh starts the pair (primary 54330, standby 54331,
cloned with pg_basebackup); lighttpd on 18095 serves the program.

read_db is a libpq multi-host conninfo: the standby first, the primary second,
target_session_attrs=prefer-standby. When the standby goes, a worker's broken
connection is noticed and the request is run again on a new connection, which
libpq makes to the primary."""
import os
import json
import shutil
import subprocess
import time

import psycopg2
import pytest

from conftest import CLI, OUT
from deploy import VAR, Load, fetch, sh, smoke, write_conf

PORT = 18095
BASE = f"http://127.0.0.1:{PORT}"
DBNAME = "callreport_replica"


def conninfo(which, role):
    return sh("scripts/replica.sh", "conninfo", which, DBNAME, role).strip()


@pytest.fixture(scope="module")
def pair(data):
    sh("scripts/replica.sh", "stop", check=False)
    shutil.rmtree(os.path.join(VAR, "replica"), ignore_errors=True)
    sh("scripts/replica.sh", "start", timeout=180)
    sh("scripts/replica.sh", "createdb", DBNAME)
    run = os.path.join(VAR, "replica", "run")
    conf = write_conf(
        "replica",
        db=conninfo("primary", "callreport_web"),
        read_db=f"host={run},{run} port=54331,54330 dbname={DBNAME} user=callreport_web "
                "target_session_attrs=prefer-standby connect_timeout=2",
        admin_db=conninfo("primary", "callreport_admin"))
    env = dict(os.environ, CALLREPORT_CONF=conf)

    def cli(*args, input=None):
        return subprocess.run([CLI, *args], env=env, input=input, capture_output=True,
                              text=True, check=True).stdout

    # the demo data the suite imported into its own database, imported on the primary
    cli("import", "--user", "alpha", os.path.join(OUT, "alpha.jsonl"))
    tenant = {"token": cli("token", "--user", "alpha").strip(), "password": "alpha-password"}
    cli("passwd", "--user", "alpha", input="alpha-password\n")
    superuser = sh("scripts/pg.sh", "superuser").strip()
    primary = psycopg2.connect(conninfo("primary", superuser))
    standby = psycopg2.connect(conninfo("standby", superuser))
    primary.autocommit = standby.autocommit = True
    with primary.cursor() as c:
        c.execute("SELECT uuid::text FROM tasks ORDER BY create_datetime, uuid")
        tenant["tasks"] = [r[0] for r in c.fetchall()]
    sh("scripts/replica.sh", "wait-replay")
    sh("scripts/web.sh", "start", str(PORT), conf)
    yield {"tenant": tenant, "primary": primary, "standby": standby}
    sh("scripts/web.sh", "stop", str(PORT), check=False)
    primary.close()
    standby.close()
    sh("scripts/replica.sh", "stop", check=False)


def one(conn, sql, *args):
    with conn.cursor() as c:
        c.execute(sql, args)
        return c.fetchone()[0]


def web_sessions(conn, before=None):
    """The program's sessions on a server (those begun before a time only, when given)."""
    return one(conn, "SELECT count(*) FROM pg_stat_activity WHERE usename = 'callreport_web' "
                     "AND datname = %s AND backend_start < coalesce(%s::timestamptz, 'infinity')", DBNAME, before)


def scans(conn):
    """Index and sequential scans of the report tables counted by this server
    (a standby counts the reads run on it). Not tasks: the fixture reads it."""
    return one(conn, "SELECT coalesce(sum(coalesce(idx_scan, 0) + coalesce(seq_scan, 0)), 0) "
                     "FROM pg_stat_user_tables WHERE relname IN ('numbers', 'records')")


def restart_web(*servers):
    """Restarts the program: its backends on servers exit and so write out their
    statistics (the new workers connect at once, before any request: only the old
    workers' sessions are waited for)."""
    since = [one(c, "SELECT now()") for c in servers]
    sh("scripts/web.sh", "start", str(PORT), os.path.join(VAR, "replica.conf"))
    for _ in range(100):
        if all(web_sessions(c, t) == 0 for c, t in zip(servers, since)):
            return
        time.sleep(0.1)
    raise AssertionError("the old workers' sessions stay")


def test_reports_read_from_the_standby(pair):
    """Report requests read on the standby only: the primary is asked only who the
    token is (so that a revocation takes effect at once), and reads no report
    table. Then the smoke suite passes, sign-in and sign-out included (they write
    on the primary, and the signed-out session is refused at once)."""
    t = pair["tenant"]
    assert one(pair["standby"], "SELECT pg_is_in_recovery()") is True
    restart_web(pair["primary"], pair["standby"])
    p0, s0 = scans(pair["primary"]), scans(pair["standby"])
    for _ in range(20):
        st, body = fetch(BASE, f"/v1/task/number?task_id={t['tasks'][0]}", t["token"])
        assert st == 200 and json.loads(body)["data"]["total"] > 0
    assert web_sessions(pair["standby"]) >= 1
    restart_web(pair["primary"], pair["standby"])
    assert scans(pair["standby"]) >= s0 + 20, "the reports read on the standby"
    assert scans(pair["primary"]) == p0, "no report read on the primary"
    smoke(BASE, t, pair["primary"])
    assert web_sessions(pair["primary"]) >= 1, "sign-in wrote on the primary"


def test_revoked_token_refused_at_once(pair):
    """A token revoked on the primary is refused on the very next request, however
    far behind the standby is (the credential is checked on the primary)."""
    t = pair["tenant"]
    env = dict(os.environ, CALLREPORT_CONF=os.path.join(VAR, "replica.conf"))
    token = subprocess.run([CLI, "token", "--user", "alpha"], env=env, capture_output=True,
                           text=True, check=True).stdout.strip()
    path = f"/v1/task/number?task_id={t['tasks'][0]}"
    st, _ = fetch(BASE, path, token)
    assert st == 200, "a token minted on the primary works before the standby has it"
    listed = subprocess.run([CLI, "token", "--user", "alpha", "--list"], env=env,
                            capture_output=True, text=True, check=True).stdout.splitlines()
    newest = [line.split()[0] for line in listed[1:] if line.split()[1] == token[:10] + "…"]
    assert len(newest) == 1, listed
    newest = newest[0]
    one(pair["standby"], "SELECT pg_wal_replay_pause()")
    try:
        subprocess.run([CLI, "token", "--user", "alpha", "--revoke", newest], env=env,
                       capture_output=True, text=True, check=True)
        st, _ = fetch(BASE, path, token)
        assert st == 401
        st, _ = fetch(BASE, path, t["token"])
        assert st == 200, "the other token still works"
    finally:
        one(pair["standby"], "SELECT pg_wal_replay_resume()")


def test_standby_stopped_mid_run(pair):
    """Under a load of 4 clients the standby is stopped (fast shutdown: its
    sessions are cut mid-query): every request is still answered 200, from the
    primary."""
    t = pair["tenant"]
    paths = [f"/v1/task/number?task_id={t['tasks'][0]}&per_page=50", "/v1/setting/record_level",
             f"/tasks/{t['tasks'][1]}/numbers?format=html", "/readyz"]
    p0 = scans(pair["primary"])
    with Load(BASE, paths, t["token"], threads=4) as load:
        load.wait_for(150)
        sh("scripts/replica.sh", "stop-standby")
        load.wait_for(300)
    assert load.failures() == [], load.failures()[:10]
    restart_web(pair["primary"])
    assert scans(pair["primary"]) > p0, "the reports read on the primary now"
    st, body = fetch(BASE, f"/v1/task/number?task_id={t['tasks'][0]}", t["token"])
    assert st == 200
