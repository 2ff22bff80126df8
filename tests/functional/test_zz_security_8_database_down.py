"""Security 8: PostgreSQL stopped in the middle of a load, and started again.

While it is down every request that needs it answers 503 with Retry-After
(JSON envelope, or the HTML error page), /healthz stays 200 and /readyz is 503;
no 500, no dropped connection, no 200 with a half body; when it is back the
same workers (same pids, no restart) answer 200 again within seconds.

This stops the shared test cluster (scripts/pg.sh stop/start), so it sorts
after every other suite, and it starts the cluster again whatever happens.
The session's superuser connection (the db fixture) does not survive the
restart: no test after this one may use it.
"""
import io
import json
import threading
import time
import urllib.parse
import zipfile


from conftest import BASE_URL
from security_lib import XLSX, Client, login, pg_outage, worker_pids

DOWN_FOR = 3.0        # seconds the cluster stays stopped
BACK_WITHIN = 5.0     # seconds after pg.sh start returns until every request is 200 again


def complete(r):
    """A 200's body is whole: it parses as what it claims to be."""
    if r.ctype == "application/json":
        json.loads(r.body)
    elif r.ctype == "text/html":
        assert r.body.rstrip().endswith(b"</html>")
    elif r.ctype == XLSX:
        assert zipfile.ZipFile(io.BytesIO(r.body)).testzip() is None
    elif r.ctype == "text/plain":
        assert r.body.endswith(b"\n")
    else:
        raise AssertionError(r.ctype)


def test_database_down_and_back(data):
    port = urllib.parse.urlsplit(BASE_URL).port
    a = data["alpha"]
    task = a["tasks"][0]
    _, sid = login("alpha", a["password"])
    asks = {
        "json": ("GET", "/v1/task/number", {"params": {"task_id": task}, "token": a["token"]}),
        "post": ("POST", "/v1/task/query_done_task_phones", {"body": {"task_id": task, "page": 1},
                                                             "token": a["token"]}),
        "html": ("GET", f"/tasks/{task}/numbers", {"cookie": sid}),
        "xlsx": ("GET", "/v1/setting/record_level", {"params": {"format": "xlsx"}, "token": a["token"]}),
        "readyz": ("GET", "/readyz", {}),
        "healthz": ("GET", "/healthz", {}),
    }
    c = Client()
    for name, (m, p, kw) in asks.items():
        r = c.request(m, p, **kw)
        assert r.status == 200, (name, r)
    c.close()
    before = worker_pids(port)
    assert before, "no callreport.fcgi workers found below lighttpd"

    log = []          # (time asked, ask, status, problem, time answered)
    stop = threading.Event()

    def load(names):
        cl = Client(timeout=30)
        while not stop.is_set():
            for name in names:
                m, p, kw = asks[name]
                t = time.monotonic()
                try:
                    r = cl.request(m, p, **kw)
                except Exception as e:  # noqa: BLE001 - a dropped connection is a failure
                    log.append((t, name, 0, repr(e), time.monotonic()))
                    cl.close()
                    continue
                problem = None
                try:
                    if r.status == 200:
                        complete(r)
                    elif r.status == 503:
                        assert int(r.header("Retry-After")) > 0
                        if name == "html":
                            assert r.ctype == "text/html" and b"503" in r.body
                        elif name == "readyz":
                            pass
                        else:
                            doc = r.json()
                            assert doc["code"] == 503 and doc["status"] == "error", doc
                except Exception as e:  # noqa: BLE001
                    problem = repr(e)
                log.append((t, name, r.status, problem, time.monotonic()))
            time.sleep(0.01)
        cl.close()

    threads = [threading.Thread(target=load, args=(names,)) for names in
               (["json", "html"], ["post", "xlsx"], ["readyz", "healthz", "json"])]
    t_down, t_start, t_up = pg_outage(threads, stop, DOWN_FOR, BACK_WITHIN + 2.0)
    assert not [x for x in log if x[2] == 0], [x for x in log if x[2] == 0][:5]
    bad = [x for x in log if x[2] not in (200, 503) or x[3]]
    assert not bad, bad[:10]
    assert all(x[2] == 200 for x in log if x[1] == "healthz")
    # Asked and answered while the database was down (a request asked just before the start
    # may wait in the web server's queue behind the workers, and be answered once it is up).
    down = [x for x in log if t_down + 0.2 < x[0] and x[4] < t_start and x[1] != "healthz"]
    assert len(down) > 10 and all(x[2] == 503 for x in down), [x for x in down if x[2] != 503][:5]
    assert {x[1] for x in down} >= {"json", "post", "html", "xlsx", "readyz"}
    after = [x for x in log if x[0] > t_up + BACK_WITHIN and x[1] != "healthz"]
    assert len(after) > 10 and all(x[2] == 200 for x in after), [x for x in after if x[2] != 200][:5]
    first_ok = min((x[0] for x in log if x[0] > t_start and x[2] == 200 and x[1] == "readyz"), default=None)
    assert first_ok is not None and first_ok - t_up < BACK_WITHIN
    # The same processes served before, during and after: nothing crashed or was restarted.
    assert worker_pids(port) == before
