"""Reliability (issue 19, finding 1): a database outage under load must not
leave any shipped layout without workers.

Fast 503s used to count toward max_requests, so that during an outage every
worker reached it within seconds and exited; multiwatch took those exits for
failed starts and gave up (502 from then on, even after PostgreSQL was back),
lighttpd answered its own 503 without the envelope, and mod_fcgid's spawn
score ran out.

Every shipped layout runs at once, each with max_requests = 50 (so that any
counting of fast answers would show within a second): the demo's lighttpd
(multiwatch spawned by lighttpd), nginx and Apache's mod_proxy_fcgi (spawn-fcgi
+ multiwatch, as the systemd unit runs it) and Apache's mod_fcgid. Under load,
PostgreSQL stops for DOWN_FOR seconds. Every answer while it is down is the
503 envelope with Retry-After; no answer is ever a 502 or a 500; within
BACK_WITHIN seconds of its return every answer is 200.

Like security 8, this stops the shared cluster, so it sorts after the suites
that use the session's superuser connection.
"""
import json
import threading
import time

import pytest

from deploy import sh, write_conf
from security_lib import Client, Instance, pg_outage

DOWN_FOR = 20.0
BACK_WITHIN = 2.0
MAX_REQUESTS = 50
LAYOUTS = {
    "lighttpd": ("http://127.0.0.1:18106", None),
    "nginx": ("http://127.0.0.1:18107/reports", ("scripts/nginx.sh", "18107")),
    "apache-proxy": ("http://127.0.0.1:18108/reports", ("scripts/apache.sh", "18108")),
    "apache-fcgid": ("http://127.0.0.1:18109/reports", ("scripts/apache.sh", "18109")),
}


@pytest.fixture(scope="module")
def layouts(data):
    conf = write_conf("outage", max_requests=MAX_REQUESTS)
    env = {"CALLREPORT_WORKERS": "2"}
    lighttpd = Instance(18106, workers=2, max_requests=MAX_REQUESTS)
    try:
        lighttpd.__enter__()
        sh("scripts/nginx.sh", "start", "18107", conf, env=env)
        sh("scripts/apache.sh", "start", "18108", conf, "/reports", env=env)
        sh("scripts/apache.sh", "start", "18109", conf, "/reports", "fcgid", env=env)
        yield
    finally:
        lighttpd.__exit__(None, None, None)
        sh("scripts/nginx.sh", "stop", "18107", check=False)
        sh("scripts/apache.sh", "stop", "18108", check=False)
        sh("scripts/apache.sh", "stop", "18109", check=False)


def test_outage_leaves_every_layout_its_workers(layouts, data):
    token = data["alpha"]["token"]
    task = data["alpha"]["tasks"][0]
    paths = ["/v1/setting/record_level", f"/v1/task/number?task_id={task}&per_page=2"]
    log = []            # (layout, sent, status, problem, answered): monotonic times
    lock = threading.Lock()
    stop = threading.Event()

    def load(name, base):
        c = Client(base, timeout=30)
        i = 0
        while not stop.is_set():
            path = paths[i % len(paths)]
            i += 1
            t = time.monotonic()
            problem = None
            try:
                r = c.request("GET", path.split("?")[0], token=token,
                              raw_query=path.partition("?")[2] or None)
            except Exception as e:  # noqa: BLE001 - a dropped connection is a failure
                c.close()
                with lock:
                    log.append((name, t, 0, repr(e), time.monotonic()))
                continue
            try:
                doc = json.loads(r.body)
                if r.status == 200:
                    assert doc["code"] == 200, doc
                elif r.status == 503:
                    assert int(r.header("Retry-After")) > 0
                    assert doc["code"] == 503 and doc["status"] == "error", doc
            except Exception as e:  # noqa: BLE001 - not the envelope
                problem = f"{e!r}: {r.body[:120]!r}"
            with lock:
                log.append((name, t, r.status, problem, time.monotonic()))

    for name, (base, _) in LAYOUTS.items():
        c = Client(base)
        assert c.get("/v1/setting/record_level", token=token).status == 200, name
        c.close()
    threads = [threading.Thread(target=load, args=(name, base), daemon=True)
               for name, (base, _) in LAYOUTS.items() for _ in range(2)]
    t_down, t_start, t_up = pg_outage(threads, stop, DOWN_FOR, BACK_WITHIN + 3.0)
    for name in LAYOUTS:
        mine = [x for x in log if x[0] == name]
        wrong = [x for x in mine if x[2] not in (200, 503) or x[3]]
        assert not wrong, (name, len(wrong), wrong[:5])
        # Sent and answered while it was down. (A request sent then may wait for a worker
        # until PostgreSQL is back, mod_fcgid's queue most: answered then, it is a 200.)
        down = [x for x in mine if t_down + 0.5 < x[1] and x[4] < t_start]
        # far more than max_requests a worker: counting them would have ended every worker
        assert len(down) > 8 * MAX_REQUESTS, (name, len(down))
        assert all(x[2] == 503 for x in down), (name, [x for x in down if x[2] != 503][:5])
        after = [x for x in mine if x[1] > t_up + BACK_WITHIN]
        assert len(after) > 20, (name, len(after))
        assert all(x[2] == 200 for x in after), (name, [x for x in after if x[2] != 200][:5])
