"""nginx in front of the program under /reports/, with the site snippet that
docs/deploy.md installs (conf/nginx-callreport.conf, only its two paths
changed) and spawn-fcgi + multiwatch workers (scripts/nginx.sh).

Port 18097."""
import http.client
import json
import os

import pytest

from deploy import VAR, Load, alive, fetch, recording, sh, smoke, wait_until, write_conf

PORT = 18097
BASE = f"http://127.0.0.1:{PORT}/reports"


@pytest.fixture(scope="module")
def server(data):
    conf = write_conf("nginx")
    try:
        sh("scripts/nginx.sh", "start", str(PORT), conf)
        yield conf
    finally:
        sh("scripts/nginx.sh", "stop", str(PORT), check=False)


def workers():
    return sorted(int(p) for p in sh("scripts/nginx.sh", "workers", str(PORT)).split())


def nginx_workers(d):
    """The pids of nginx's own worker processes (children of its master)."""
    master = open(os.path.join(d, "nginx.pid")).read().strip()
    return set(sh("pgrep", "-P", master, check=False).split())


def test_smoke(server, data, db):
    """Every endpoint and page, static files, sign-in and sign-out, XLSX, and a
    recording with a range request, through nginx."""
    rid = smoke(BASE, data["beta"], db, name="beta")
    recording(BASE, data["beta"]["token"], db, rid)


def test_only_the_prefix_is_the_program(server, data):
    st, _ = fetch(f"http://127.0.0.1:{PORT}", "/v1/setting/record_level", data["beta"]["token"])
    assert st == 404, "outside the prefix is nginx's own 404"
    u = http.client.HTTPConnection("127.0.0.1", PORT, timeout=30)
    u.request("GET", "/reports")
    r = u.getresponse()
    r.read()
    u.close()
    assert r.status == 301 and r.getheader("Location").endswith("/reports/")


def test_answers_pass_unchanged(server, data):
    """The program's status, message, headers and validator reach the client as
    it sent them: a 400 names the field, an ETag comes back and a conditional
    request gets 304 from the program (nginx does not answer it itself)."""
    t = data["beta"]
    st, body = fetch(BASE, "/v1/task/number?task_id=nope", t["token"])
    assert st == 400
    assert "task_id" in json.loads(body)["message"]
    c = http.client.HTTPConnection("127.0.0.1", PORT, timeout=30)
    path = f"/reports/v1/task/number?task_id={t['tasks'][0]}&per_page=3"
    c.request("GET", path, headers={"Authorization": "Bearer " + t["token"]})
    r = c.getresponse()
    first = json.loads(r.read())
    tag = r.getheader("ETag")
    assert r.status == 200 and tag and len(first["data"]["data"]) == 3
    c.request("GET", path, headers={"Authorization": "Bearer " + t["token"], "If-None-Match": tag})
    r = c.getresponse()
    assert (r.status, r.read()) == (304, b"")
    c.close()
    # a body over the program's max_body (64 KiB) but within nginx's 1m: the program's 413
    st, body = fetch(BASE, "/v1/task/query_done_task_phones", t["token"], method="POST",
                     body=json.dumps({"task_id": t["tasks"][0], "pad": "x" * 70000}),
                     headers={"Content-Type": "application/json"})
    assert st == 413 and "body is larger than" in json.loads(body)["message"]


def test_reload_under_load_loses_nothing(server, data):
    """nginx -s reload twice and a rolling restart of the workers (SIGUSR2 to
    multiwatch) twice, while 4 clients keep asking: every request is answered
    200, nginx's processes and the program's workers are new ones afterwards."""
    t = data["beta"]
    before = wait_until(lambda: len(workers()) == 4 and workers(), what="4 workers")
    assert all(alive(p) for p in before)
    d = os.path.join(VAR, f"nginx-{PORT}")
    nginx_before = nginx_workers(d)
    assert nginx_before
    paths = [f"/v1/task/number?task_id={t['tasks'][0]}&per_page=20", "/v1/setting/record_level",
             f"/tasks/{t['tasks'][0]}/numbers?format=html", "/healthz"]
    with Load(BASE, paths, t["token"], threads=4) as load:
        load.wait_for(100)
        for _ in range(2):
            sh("scripts/nginx.sh", "reload", str(PORT))
            load.wait_for(100)
        assert wait_until(lambda: nginx_workers(d) and not nginx_workers(d) & nginx_before,
                          what="nginx's new worker processes")
        for _ in range(2):
            sh("scripts/nginx.sh", "reload-workers", str(PORT))
            load.wait_for(100)
    assert load.failures() == [], load.failures()[:10]
    assert len(load.results) >= 500
    after = wait_until(lambda: len(workers()) == 4 and workers(), what="4 workers")
    assert not set(before) & set(after), "every worker was replaced"
