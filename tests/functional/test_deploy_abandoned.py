"""An abandoned download is not built to its end (issue 15, finding 2), under
every shipped web server layout, one after the other on one port.

Eight XLSX requests of a 300k-number task, each closed by the client after
0.2 s, were all built to the end while other tenants waited. Every few
hundred rows the engine asks whether the client is still there (req_gone)
and stops when it is not: the file is removed, the log says how many rows
were made, the status is 499 (docs/security.md, "Abandoned downloads"). It
asks two things: whether the web server closed or half-closed the FastCGI
connection (nginx closes it; lighttpd with "tcp-fin-propagate" half-closes
it, but only when it had to wait for the request's bytes), and whether the
kernel holds the client's TCP connection to the web server closed by the
client (base/peer.c; Apache, mod_proxy_fcgi and mod_fcgid, tells the
program nothing). On the previous commits, Apache built these files to the
end, and lighttpd did whenever it read the request at once.

No timing decides the outcome: the test locks the numbers table, sends the
request, waits until the worker waits on the lock, closes the client, has
the tenant's next file refused (429: the abandoned one holds the tenant's
one slot), gives the web server a second to pass the close on, then lets
the worker go. Whatever the machine's load, a worker that knows stops
within its first batch, and one that does not makes every row. XLSX and
CSV alike.
"""
import http.client
import json
import os
import time
import urllib.parse

import psycopg2
import pytest

from conftest import SUPER_DSN, cli
from deploy import VAR, fetch, sh, wait_until, write_conf
from test_api_explain import big  # noqa: F401 (fixture)

PORT = 18118
BASE = f"http://127.0.0.1:{PORT}/reports"
TMP = os.path.join(VAR, "abandoned-tmp")
# layout: (start command, stop command, the log the workers write to)
# (lighttpd passes the path whole: the program's base_path is /reports; the others
# tell it the mount)
LAYOUTS = {
    "lighttpd": (["scripts/web.sh", "start", str(PORT), "CONF", "/reports"],
                 ["scripts/web.sh", "stop", str(PORT)], f"lighttpd-{PORT}.error.log"),
    "nginx": (["scripts/nginx.sh", "start", str(PORT), "CONF"],
              ["scripts/nginx.sh", "stop", str(PORT)], f"nginx-{PORT}/fcgi.log"),
    "apache-proxy": (["scripts/apache.sh", "start", str(PORT), "CONF", "/reports"],
                     ["scripts/apache.sh", "stop", str(PORT)], f"apache-{PORT}/fcgi.log"),
    "apache-fcgid": (["scripts/apache.sh", "start", str(PORT), "CONF", "/reports", "fcgid"],
                     ["scripts/apache.sh", "stop", str(PORT)], f"apache-{PORT}/error.log"),
}


@pytest.fixture(scope="module", params=list(LAYOUTS))
def layout(request, big):  # noqa: F811
    start, stop, log = LAYOUTS[request.param]
    os.makedirs(TMP, exist_ok=True)
    if os.getuid() == 0:
        sh("chown", "www-data", TMP)    # mod_fcgid's workers run as www-data
    # One file of a tenant at once; the lock below is held for seconds.
    conf = write_conf("abandoned", tmp_dir=TMP,
                      base_path="/reports" if request.param == "lighttpd" else None,
                      export_max_per_tenant=1, export_max=2,
                      statement_timeout=60000, lock_timeout=60000)
    try:
        sh(*[conf if a == "CONF" else a for a in start], env={"CALLREPORT_WORKERS": "3"})
        yield request.param, os.path.join(VAR, log)
    finally:
        sh(*stop, check=False)


def tmp_files():
    return sorted(f for f in os.listdir(TMP) if f.startswith("callreport-"))


def log_since(path, offset):
    with open(path, errors="replace") as f:
        f.seek(offset)
        return f.read()


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_a_download_the_client_abandons(big, layout, fmt):  # noqa: F811
    name, log = layout
    conn = big["conn"]
    with conn.cursor() as c:
        c.execute("SELECT count(*) FROM numbers WHERE task_id = %s", (big["task"],))
        total = c.fetchone()[0]
    token = cli("token", "--user", "big").stdout.strip()
    path = f"/v1/task/number?task_id={big['task']}&format={fmt}"
    before, files = os.path.getsize(log), tmp_files()

    lock = psycopg2.connect(SUPER_DSN)
    try:
        with lock.cursor() as c:
            c.execute("LOCK TABLE numbers IN ACCESS EXCLUSIVE MODE")
        u = urllib.parse.urlsplit(BASE)
        client = http.client.HTTPConnection(u.hostname, u.port, timeout=60)
        client.putrequest("GET", u.path + path)
        client.putheader("Authorization", "Bearer " + token)
        client.endheaders()

        def waiting():
            with conn.cursor() as c:
                c.execute("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
                          "AND wait_event = 'relation' AND usename = 'callreport_web'")
                return c.fetchone()[0] == 1
        wait_until(waiting, timeout=30, what="the export waiting on the lock")
        client.close()
        # The abandoned file holds the tenant's one slot: the next is refused.
        st, body = fetch(BASE, path, token)
        assert st == 429, (st, body[:200])
        assert json.loads(body)["code"] == 429
        time.sleep(1.0)     # the web server passes the close on, where it does
    finally:
        lock.rollback()
        lock.close()

    def ended():
        return [x for x in log_since(log, before).splitlines()
                if "GET /v1/task/number 200" in x or "GET /v1/task/number 499" in x]
    done = wait_until(ended, timeout=60, what=f"the abandoned {fmt} to end")
    text = log_since(log, before)
    assert len(done) == 1 and done[0].endswith(" 499"), (name, text)
    gone = [x for x in text.splitlines() if "client gone after" in x]
    assert len(gone) == 1, text
    assert f"{fmt}: client gone after " in gone[0] and "(task_number)" in gone[0], gone
    rows = int(gone[0].split("client gone after ")[1].split()[0])
    # stopped within its first batches, never built to the end
    assert 0 < rows < total / 2, (rows, total)
    assert tmp_files() == files
