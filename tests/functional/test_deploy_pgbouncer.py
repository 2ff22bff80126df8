"""The program behind PgBouncer in transaction pooling mode (scripts/pgbouncer.sh,
port 6440, ONE server connection for the pool): two workers and two tenants
share it, and nothing of one request's settings is left for the next.

Why it works: every request is one transaction (BEGIN; set_config(..., true);
...; COMMIT), so the tenant, TimeZone and statement_timeout are transaction-local;
statements are unnamed (prepare = 0 in its configuration), which transaction pooling
supports (PgBouncer 1.18 cannot keep named ones; from 1.21, max_prepared_statements can)."""
import os
import threading

import psycopg2
import pytest

from deploy import VAR, fcgi_pids, fetch, sh, smoke, write_conf

PORT, BOUNCER = 18096, 6440
BASE = f"http://127.0.0.1:{PORT}"


@pytest.fixture(scope="module")
def bouncer(data):
    sh("scripts/pgbouncer.sh", "start", str(BOUNCER), "1")
    # PgBouncer 1.18 in transaction pooling cannot keep prepared statements: prepare = 0
    conf = write_conf("pgbouncer", db=sh("scripts/pgbouncer.sh", "conninfo", str(BOUNCER),
                                         "callreport_test", "callreport_web").strip(),
                      prepare=0)
    sh("scripts/web.sh", "start", str(PORT), conf)
    yield conf
    sh("scripts/web.sh", "stop", str(PORT), check=False)
    sh("scripts/pgbouncer.sh", "stop", str(BOUNCER), check=False)


def admin(sql):
    """Rows of a PgBouncer admin console command, as dicts."""
    su = sh("scripts/pg.sh", "superuser").strip()
    c = psycopg2.connect(host="127.0.0.1", port=BOUNCER, dbname="pgbouncer", user=su)
    c.autocommit = True
    with c.cursor() as cur:
        cur.execute(sql)
        names = [d[0] for d in cur.description]
        rows = [dict(zip(names, r)) for r in cur.fetchall()]
    c.close()
    return rows


def test_smoke_through_pgbouncer(bouncer, data, db):
    smoke(BASE, data["alpha"], db)


def test_tenants_interleaved_on_one_server_connection(bouncer, data, db):
    """alpha and beta ask at once, 3 clients each, 60 requests a client, a
    quarter of them for the other tenant's task: every answer is the asker's
    own (RLS scoped by the transaction's tenant), through one server connection
    that all the workers share."""
    want = {}
    for name in ("alpha", "beta"):
        task = data[name]["tasks"][0]
        want[name] = (task, _count(db, task))
    bad, lock = [], threading.Lock()

    def client(name):
        task, total = want[name]
        other = want["beta" if name == "alpha" else "alpha"][0]
        for i in range(60):
            t = task if i % 4 else other
            st, body = fetch(BASE, f"/v1/task/number?task_id={t}&per_page=1", data[name]["token"])
            ok = (st == 200 and f'"total":{total},'.encode() in body) if t == task else st == 404
            if not ok:
                with lock:
                    bad.append((name, t, st, body[:200]))

    threads = [threading.Thread(target=client, args=(n,)) for n in ("alpha", "beta") * 3]
    for th in threads:
        th.start()
    for th in threads:
        th.join(120)
    assert bad == []
    pools = [p for p in admin("SHOW POOLS") if p["database"] == "callreport_test" and p["user"] == "callreport_web"]
    assert pools and pools[0]["pool_mode"] == "transaction"
    servers = [s for s in admin("SHOW SERVERS") if s["database"] == "callreport_test" and s["user"] == "callreport_web"]
    clients = [c for c in admin("SHOW CLIENTS") if c["database"] == "callreport_test" and c["user"] == "callreport_web"]
    workers = fcgi_pids(bouncer)
    assert len(workers) >= 2 and len(clients) >= 2 and len(servers) <= 1, (workers, clients, servers)


def _count(db, task):
    with db.cursor() as c:
        c.execute("SELECT count(*) FROM numbers WHERE task_id = %s", (task,))
        return c.fetchone()[0]


def test_no_session_state_left_behind(bouncer, data):
    """The one server connection, after the workers' transactions: no tenant,
    no statement_timeout of theirs (both were SET LOCAL, transaction-scoped)."""
    fetch(BASE, f"/v1/task/number?task_id={data['alpha']['tasks'][0]}", data["alpha"]["token"])
    c = psycopg2.connect(host="127.0.0.1", port=BOUNCER, dbname="callreport_test", user="callreport_web")
    c.autocommit = True
    with c.cursor() as cur:
        cur.execute("SELECT coalesce(current_setting('callreport.tenant', true), ''), "
                    "current_setting('statement_timeout')")
        assert cur.fetchone() == ("", "0")
    c.close()
    with open(os.path.join(VAR, f"pgbouncer-{BOUNCER}", "pgbouncer.log")) as f:
        log = f.read()
    assert "prepared statement" not in log.lower()
