"""Kept answers of the reports of aggregates (cgi/report/pagecache.h): the start page and the
task comparison, as HTML and JSON, made once and sent again until the tenant's data changes.

This module runs its own lighttpd (port CALLREPORT_TEST_PORT + 1001) with page_cache = 3; the
suite's server keeps none (tests/run.sh), since suites change rows behind its back."""
import os
import shutil
import stat
import subprocess
import urllib.parse

import pytest

from conftest import BASE_URL, BIN, CONF, ROOT, cli, query, request
from html_lib import login

PORT = int(os.environ.get("CALLREPORT_TEST_PORT", "18080")) + 1001
BASE = f"http://127.0.0.1:{PORT}"
VAR = os.path.join(ROOT, "var")
KEEP = 3


def conf_value(key):
    with open(CONF) as f:
        return [l.split("=", 1)[1].strip() for l in f if l.split("=", 1)[0].strip() == key][0]


@pytest.fixture(scope="module")
def server():
    lines = [l.rstrip("\n") for l in open(CONF) if l.partition("=")[0].strip() != "page_cache"]
    conf = os.path.join(VAR, "page-cache-test.conf")
    with open(conf, "w") as f:
        f.write("\n".join(lines + [f"page_cache = {KEEP}"]) + "\n")
    # Pages an earlier run kept (tenants' ids may come again) are not this run's.
    shutil.rmtree(os.path.join(conf_value("tmp_dir"), "pages"), ignore_errors=True)
    env = dict(os.environ, CALLREPORT_BIN=BIN, CALLREPORT_JOBS="0")
    subprocess.run([os.path.join(ROOT, "scripts", "web.sh"), "start", str(PORT), conf], check=True,
                   capture_output=True, env=env)
    yield conf
    subprocess.run([os.path.join(ROOT, "scripts", "web.sh"), "stop", str(PORT)], capture_output=True, env=env)


def pages_dir(tenant_id):
    return os.path.join(conf_value("tmp_dir"), "pages", tenant_id)


def busiest_day(db, tenant_id):
    return str(query(db, "SELECT calldate::date FROM records WHERE user_id = %s GROUP BY 1 "
                         "ORDER BY count(*) DESC, 1 LIMIT 1", tenant_id)[0][0])


def start(token, day, fmt="html", **kw):
    return request("GET", "/", token, params={"start_at": f"{day} 00:00:00", "end_at": f"{day} 23:59:59",
                                              "format": fmt}, base=BASE, **kw)


def test_the_start_page_is_kept_until_the_data_changes(server, data, db):
    t, tid = data["alpha"]["token"], data["alpha"]["tenant_id"]
    day = busiest_day(db, tid)
    for fmt in ("html", "json"):
        first = start(t, day, fmt)
        assert first.status == 200 and first.header("X-Page-Cache") == "stored", first.headers
        again = start(t, day, fmt)
        assert again.status == 200 and again.header("X-Page-Cache") == "hit"
        assert again.body == first.body and again.header("Content-Type") == first.header("Content-Type")
        assert again.header("ETag") == first.header("ETag")
        # The same as the suite's server, which keeps nothing, makes it.
        fresh = request("GET", "/", t, params={"start_at": f"{day} 00:00:00",
                                               "end_at": f"{day} 23:59:59", "format": fmt})
        assert fresh.header("X-Page-Cache") is None and fresh.body == first.body
    names = os.listdir(pages_dir(tid))
    assert len([n for n in names if not n.startswith(".")]) == 2
    assert stat.S_IMODE(os.stat(pages_dir(tid)).st_mode) == 0o700
    for n in names:
        assert stat.S_IMODE(os.stat(os.path.join(pages_dir(tid), n)).st_mode) == 0o600
    # A threshold changes the marks: the data version moves, the page is made again.
    try:
        cli("threshold", "--user", "alpha", "--metric", "calls", "--below", "99", "--above", "101")
        after = start(t, day, "json")
        assert after.header("X-Page-Cache") == "stored"
        assert after.header("ETag") != first.header("ETag")
        assert {r["calls_mark"] for r in after.json()["data"]} - {None}
    finally:
        cli("threshold", "--user", "alpha", "--metric", "calls", "--reset")
    assert start(t, day, "json").header("X-Page-Cache") == "stored"
    # Any other write (an import's recount) too.
    with db.cursor() as c:
        c.execute("SELECT callreport_recount(%s)", (tid,))
    assert start(t, day, "json").header("X-Page-Cache") == "stored"
    assert start(t, day, "json").header("X-Page-Cache") == "hit"


def test_a_kept_page_is_its_tenants_and_its_readers(server, data, db):
    """Beta asking the same address gets its own page; a signed-in reader's page (its header:
    the name, the sign-out button) is not a token's; another period is another page."""
    day = busiest_day(db, data["alpha"]["tenant_id"])
    a = start(data["alpha"]["token"], day)
    b = start(data["beta"]["token"], day)
    assert b.header("X-Page-Cache") == "stored" and b.body != a.body
    assert start(data["beta"]["token"], day).body == b.body
    r, sid = login("alpha", data["alpha"]["password"])
    assert sid
    s = start(None, day, headers={"Cookie": f"crsid={sid}"})
    assert s.status == 200 and s.header("X-Page-Cache") == "stored"
    assert "退出" in s.text and "退出" not in start(data["alpha"]["token"], day).text
    assert start(None, day, headers={"Cookie": f"crsid={sid}"}).header("X-Page-Cache") == "hit"
    # A page of a shortcut and one of another day are their own.
    other = request("GET", "/", data["alpha"]["token"], params={"period": "yesterday"}, base=BASE)
    assert other.status == 200 and other.header("X-Page-Cache") == "stored"
    # A signed-out session's kept page is not sent: the credential is checked first.
    request("POST", "/logout", headers={"Cookie": f"crsid={sid}"}, base=BASE_URL)
    gone = start(None, day, headers={"Cookie": f"crsid={sid}"})
    assert gone.status in (302, 303, 401) and gone.header("X-Page-Cache") is None


def test_a_comparison_is_kept_and_a_foreign_task_is_still_404(server, data, db):
    day = busiest_day(db, data["alpha"]["tenant_id"])
    t = data["alpha"]["token"]
    params = [("start_at", f"{day} 00:00:00"), ("end_at", f"{day} 23:59:59"), ("format", "json")] + \
        [("tasks[]", x) for x in data["alpha"]["tasks"][:2]]
    first = request("GET", "/compare", t, params=params, base=BASE)
    assert first.status == 200 and first.header("X-Page-Cache") == "stored"
    assert request("GET", "/compare", t, params=params, base=BASE).header("X-Page-Cache") == "hit"
    foreign = params[:3] + [("tasks[]", data["alpha"]["tasks"][0]), ("tasks[]", data["beta"]["tasks"][0])]
    for _ in range(2):
        r = request("GET", "/compare", t, params=foreign, base=BASE)
        assert r.status == 404 and r.header("X-Page-Cache") is None


def test_at_most_page_cache_pages_a_tenant_the_oldest_go(server, data, db):
    tid = data["beta"]["tenant_id"]
    t = data["beta"]["token"]
    day = busiest_day(db, tid)
    with db.cursor() as c:
        c.execute("SELECT callreport_recount(%s)", (tid,))
    for fmt in ("html", "json"):
        assert start(t, day, fmt).header("X-Page-Cache") == "stored"
    for p in ("yesterday", "7d", "30d"):
        assert request("GET", "/", t, params={"period": p, "format": "json"}, base=BASE).status == 200
    kept = [n for n in os.listdir(pages_dir(tid)) if not n.startswith(".")]
    assert len(kept) == KEEP
    # The first ones made went first.
    assert start(t, day, "html").header("X-Page-Cache") == "stored"
