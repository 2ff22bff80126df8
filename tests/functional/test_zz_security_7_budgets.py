"""Security round 2 (issue 15, findings 2 and 3): a tenant cannot take every
worker. Each tenant has tenant_max_requests report requests at once (429 with
Retry-After past it), export_max_per_tenant XLSX/CSV files at once (429), and
everyone export_max (503): interactive requests of the other tenants always
find a worker. Slots are PostgreSQL transaction advisory locks, so a worker
that dies frees its slot with its connection.

Slow requests are made slow by a lock on call_histories, which only the
numbers page's rows statement reads (its count does not).
"""
import json
import threading
import time

import psycopg2

from conftest import SUPER_DSN
from security_lib import Client, Instance

PORT = 18101


def envelope(r):
    return json.loads(r.body)


def test_budgets_keep_workers_for_everyone(data):
    a, b = data["alpha"], data["beta"]
    with Instance(PORT, workers=6, statement_timeout=20000, lock_timeout=15000,
                  tenant_max_requests=3, export_max_per_tenant=2, export_max=2) as inst:
        def ask(t, fmt, out, key):
            c = Client(inst.base, timeout=60)
            params = {"task_id": t["tasks"][0]}
            if fmt:
                params["format"] = fmt
            out[key] = c.get("/v1/task/number", token=t["token"], params=params)
            c.close()

        out = {}
        waiting = []

        def wait_on_lock(t, fmt, key):
            th = threading.Thread(target=ask, args=(t, fmt, out, key))
            th.start()
            waiting.append(th)
            time.sleep(1.0)     # it has its slots and waits on the lock

        lock = psycopg2.connect(SUPER_DSN)
        try:
            with lock.cursor() as cur:
                cur.execute("LOCK TABLE call_histories IN ACCESS EXCLUSIVE MODE")
                wait_on_lock(a, "xlsx", "a_xlsx")       # alpha: 2 files at once ...
                wait_on_lock(a, "csv", "a_csv")
                ask(a, "csv", out, "a_csv2")            # ... a third: 429
                ask(b, "csv", out, "b_csv")             # everyone's 2 taken: 503 for beta
                wait_on_lock(a, None, "a_json1")        # alpha's third request fits ...
                ask(a, None, out, "a_json2")            # ... a fourth is 429: 3 workers of 6
                wait_on_lock(b, None, "b_json")         # beta's page is not refused
                assert "b_json" not in out, out.get("b_json")
        finally:
            lock.rollback()
            lock.close()
        for th in waiting:
            th.join(60)
        r = out["a_csv2"]
        assert r.status == 429 and int(r.header("Retry-After")) > 0
        assert envelope(r) == {"code": 429, "status": "error",
                               "message": "too many requests of this tenant at once, try again"}
        r = out["b_csv"]
        assert r.status == 503 and int(r.header("Retry-After")) > 0
        assert envelope(r) == {"code": 503, "status": "error", "message": "every export slot is taken, try again"}
        r = out["a_json2"]
        assert r.status == 429 and envelope(r)["code"] == 429
        # Those that waited were answered in full once the lock went.
        assert out["a_xlsx"].status == 200 and out["a_csv"].status == 200
        assert out["a_json1"].status == 200 and envelope(out["a_json1"])["code"] == 200
        assert out["b_json"].status == 200 and envelope(out["b_json"])["code"] == 200
        # The slots are free again.
        c = Client(inst.base)
        for fmt in ("csv", "xlsx"):
            assert c.get("/v1/task/number", token=b["token"],
                         params={"task_id": b["tasks"][0], "format": fmt}).status == 200
        c.close()
