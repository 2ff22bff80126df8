"""Reliability (issue 19, finding 4): one lock must not hold every worker.

A table locked by hand for longer than any request may take: before,
every report request waited on the lock until its statement_timeout, the
workers were all taken, and /healthz queued behind them. Now a statement
waits for a lock at most lock_timeout (here 500 ms) and the request
answers 503 with Retry-After, logged as a lock timeout; /healthz is
answered while the table is still locked (within HEALTH_BOUND seconds: the
statement timeout is STATEMENT_MS, far more).
"""
import json
import threading
import time

import psycopg2

from conftest import SUPER_DSN
from security_lib import Client, Instance

PORT = 18100
STATEMENT_MS = 8000
LOCK_MS = 500
HEALTH_BOUND = 3.0


def test_a_locked_table_fails_fast_and_healthz_stays_up(data):
    a = data["alpha"]
    task = a["tasks"][0]
    with Instance(PORT, workers=2, statement_timeout=STATEMENT_MS, lock_timeout=LOCK_MS) as inst:
        c = Client(inst.base)
        assert c.get("/v1/task/number", token=a["token"], params={"task_id": task}).status == 200
        lock = psycopg2.connect(SUPER_DSN)
        answers = []
        try:
            with lock.cursor() as cur:
                cur.execute("LOCK TABLE numbers IN ACCESS EXCLUSIVE MODE")

                def ask():
                    cl = Client(inst.base, timeout=60)
                    r = cl.get("/v1/task/number", token=a["token"], params={"task_id": task})
                    answers.append(r)
                    cl.close()

                threads = [threading.Thread(target=ask) for _ in range(6)]
                for t in threads:
                    t.start()
                time.sleep(0.2)
                t0 = time.monotonic()
                h = Client(inst.base, timeout=60).get("/healthz")
                health_s = time.monotonic() - t0
                for t in threads:
                    t.join(60)
                # (the lock is released only below: /healthz was answered while it held)
        finally:
            lock.rollback()
            lock.close()
        assert h.status == 200 and h.body.startswith(b"ok\n")
        assert health_s < HEALTH_BOUND, health_s
        assert len(answers) == 6
        for r in answers:
            assert r.status == 503 and int(r.header("Retry-After")) > 0
            assert json.loads(r.body) == {"code": 503, "status": "error",
                                          "message": "database timeout, try again"}
        with open(inst.log, encoding="utf-8", errors="replace") as f:
            log = f.read()
        assert "canceling statement due to lock timeout" in log
        assert "due to statement timeout" not in log
        # And the table free again, the same workers answer.
        assert c.get("/v1/task/number", token=a["token"], params={"task_id": task}).status == 200
        c.close()
