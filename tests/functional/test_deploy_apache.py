"""Apache 2.4 in front of the program (scripts/apache.sh, conf/apache-*.conf.in):
mod_proxy_fcgi to spawn-fcgi + multiwatch workers at / and under /reports/,
mod_fcgid under /reports/; graceful restarts under load; max_requests recycling.

Ports 18090-18093 (the suite's own lighttpd is on 18080)."""
import os
import time

import pytest

from conftest import ROOT
from deploy import VAR, Load, alive, fcgi_pids, recording, sh, smoke, wait_until, write_conf

ROOT_PORT, SUB_PORT, FCGID_PORT, RECYCLE_PORT = 18090, 18091, 18092, 18093


@pytest.fixture(scope="module")
def servers(data):
    """Apache + workers at / (18090) and at /reports (18091)."""
    conf = write_conf("apache-proxy")
    sh("scripts/apache.sh", "start", str(ROOT_PORT), conf)
    sh("scripts/apache.sh", "start", str(SUB_PORT), conf, "/reports")
    yield conf
    sh("scripts/apache.sh", "stop", str(ROOT_PORT), check=False)
    sh("scripts/apache.sh", "stop", str(SUB_PORT), check=False)


def workers(port):
    return sorted(int(p) for p in sh("scripts/apache.sh", "workers", str(port)).split())


def test_smoke_at_root(servers, data, db):
    rid = smoke(f"http://127.0.0.1:{ROOT_PORT}", data["alpha"], db)
    recording(f"http://127.0.0.1:{ROOT_PORT}", data["alpha"]["token"], db, rid)


def test_smoke_under_prefix(servers, data, db):
    base = f"http://127.0.0.1:{SUB_PORT}/reports"
    rid = smoke(base, data["beta"], db, name="beta")
    recording(base, data["beta"]["token"], db, rid)
    from deploy import fetch
    st, _ = fetch(f"http://127.0.0.1:{SUB_PORT}", "/v1/setting/record_level", data["beta"]["token"])
    assert st == 404, "outside the prefix is not the program's"
    st, _ = fetch(f"http://127.0.0.1:{SUB_PORT}", "/reports")
    assert st == 301


def test_several_workers(servers):
    """CALLREPORT_WORKERS (default 4) processes share the socket."""
    pids = workers(ROOT_PORT)
    assert len(pids) == 4 and all(alive(p) for p in pids)


def test_graceful_restarts_lose_nothing(servers, data):
    """apachectl graceful, twice, and a rolling restart of the program's workers
    (SIGUSR2 to multiwatch), twice, while 6 clients keep asking: every request
    is answered 200, and the workers are new ones afterwards."""
    t = data["alpha"]
    paths = [f"/v1/task/number?task_id={t['tasks'][0]}&per_page=50", "/v1/setting/record_level",
             f"/tasks/{t['tasks'][1]}/numbers?format=html", "/healthz"]
    before = workers(ROOT_PORT)
    with Load(f"http://127.0.0.1:{ROOT_PORT}", paths, t["token"], threads=6) as load:
        load.wait_for(100)
        for _ in range(2):
            sh("scripts/apache.sh", "graceful", str(ROOT_PORT))
            load.wait_for(150)
        for _ in range(2):
            sh("scripts/apache.sh", "reload-workers", str(ROOT_PORT))
            load.wait_for(150)
    assert load.failures() == [], load.failures()[:10]
    assert len(load.results) >= 700
    after = wait_until(lambda: len(workers(ROOT_PORT)) == 4 and workers(ROOT_PORT), what="4 workers")
    assert not set(before) & set(after), "every worker was replaced"


def test_max_requests_recycles_workers(data):
    """max_requests = 5, worker_min_age = 1, 2 workers: under load, each worker
    exits once it has answered 5 requests and lived a second, and multiwatch
    starts another on the same socket; no request fails."""
    conf = write_conf("apache-recycle", max_requests=5, worker_min_age=1)
    # multiwatch's crash guard (-r: restarts within 10 s) must not count recycling
    sh("scripts/apache.sh", "start", str(RECYCLE_PORT), conf,
       env={"CALLREPORT_WORKERS": "2", "CALLREPORT_MW_RETRY": "1000000"})
    try:
        seen = set()
        with Load(f"http://127.0.0.1:{RECYCLE_PORT}", ["/v1/setting/record_level", "/healthz"],
                  data["alpha"]["token"], threads=4) as load:
            end = time.monotonic() + 8
            while time.monotonic() < end:
                seen.update(fcgi_pids(conf))
                time.sleep(0.02)
        assert load.failures() == [], load.failures()[:10]
        assert load.count() >= 400
        # 8 s at a second a worker, 2 at a time: about 16 workers; sampling may miss some
        assert 8 <= len(seen) <= 20, seen
        wait_until(lambda: len(fcgi_pids(conf)) == 2, what="2 workers again")
    finally:
        sh("scripts/apache.sh", "stop", str(RECYCLE_PORT), check=False)


def test_mod_fcgid(data, db):
    """mod_fcgid starts the workers itself (as www-data when Apache runs as root)."""
    tmp = os.path.join(VAR, f"apache-{FCGID_PORT}-tmp")
    os.makedirs(tmp, exist_ok=True)
    if os.getuid() == 0:
        sh("chown", "www-data", tmp)
    conf = write_conf("apache-fcgid", tmp_dir=tmp)
    sh("scripts/apache.sh", "start", str(FCGID_PORT), conf, "/reports", "fcgid",
       env={"CALLREPORT_WORKERS": "3"})
    try:
        rid = smoke(f"http://127.0.0.1:{FCGID_PORT}/reports", data["alpha"], db)
        recording(f"http://127.0.0.1:{FCGID_PORT}/reports", data["alpha"]["token"], db, rid)
        pids = sh("scripts/apache.sh", "workers", str(FCGID_PORT)).split()
        assert 1 <= len(pids) <= 3
    finally:
        sh("scripts/apache.sh", "stop", str(FCGID_PORT), check=False)


def test_deployment_example_parses():
    """conf/apache-callreport.conf (the file docs/deploy.md installs) passes apache2 -t."""
    sh("scripts/apache.sh", "configtest", os.path.join(ROOT, "conf", "apache-callreport.conf"))
