"""lighttpd (mod_fastcgi) in front of the program under a sub-path (/reports/;
tests/run.sh already serves the suite at / through lighttpd): the smoke suite,
a graceful restart under load, and a stop that leaves no worker behind.

Port 18094."""
import os
import signal

import pytest

from conftest import ROOT
from deploy import VAR, Load, fcgi_pids, recording, sh, smoke, wait_until, write_conf

PORT = 18094
BASE = f"http://127.0.0.1:{PORT}/reports"


@pytest.fixture(scope="module")
def server(data):
    conf = write_conf("lighttpd-sub", base_path="/reports")
    sh("scripts/web.sh", "start", str(PORT), conf, "/reports")
    yield conf
    sh("scripts/web.sh", "stop", str(PORT), check=False)


def lighttpd_pid():
    with open(os.path.join(VAR, f"lighttpd-{PORT}.pid")) as f:
        return int(f.read())


def test_smoke_under_prefix(server, data, db):
    rid = smoke(BASE, data["alpha"], db)
    recording(BASE, data["alpha"]["token"], db, rid)


def test_graceful_restart_loses_nothing(server, data):
    """SIGUSR1 is lighttpd's graceful restart: it finishes the requests in hand,
    restarts its workers and goes on; twice under a load of 6 clients, every
    request is answered 200."""
    t = data["beta"]
    paths = [f"/v1/task/number?task_id={t['tasks'][0]}&per_page=50", "/v1/tag/usable_tags",
             f"/tasks/{t['tasks'][0]}/numbers?format=html", "/healthz"]
    before = fcgi_pids(server)
    n = len(before)
    assert n >= 2
    with Load(BASE, paths, t["token"], threads=6) as load:
        load.wait_for(100)
        for _ in range(2):
            os.kill(lighttpd_pid(), signal.SIGUSR1)
            load.wait_for(150)
    assert load.failures() == [], load.failures()[:10]
    after = wait_until(lambda: len(fcgi_pids(server)) == n and fcgi_pids(server), what=f"{n} workers")
    assert not set(before) & set(after), "the workers were restarted"


def test_stop_leaves_no_worker(server):
    """Stopping lighttpd stops the workers: SIGTERM makes an idle worker leave
    accept() at once."""
    assert fcgi_pids(server)
    sh("scripts/web.sh", "stop", str(PORT))
    wait_until(lambda: not fcgi_pids(server), timeout=10, what="the workers to exit")


def test_deployment_example_parses():
    """conf/lighttpd-deploy.conf (docs/deploy.md), included by a site's
    lighttpd.conf as Debian's conf-enabled/ does, passes lighttpd -t."""
    main = os.path.join(VAR, "lighttpd-deploy-check.conf")
    with open(main, "w") as f:
        f.write(f'server.document-root = "{ROOT}/static"\nserver.port = 18099\n'
                f'include "{ROOT}/conf/lighttpd-deploy.conf"\n')
    assert "Syntax OK" in sh("lighttpd", "-t", "-f", main)
