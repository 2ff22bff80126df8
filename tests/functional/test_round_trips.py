"""What a request asks of PostgreSQL, counted on the wire (issue 21).

A second lighttpd whose worker connects to PostgreSQL through bench/pgcount.py, a
proxy that parses the protocol: each request's round trips (a flight of messages
to the server after its last answer, each a wake-up of the backend) and the
statements each flight runs. A report answers in one round trip: the begin, the
tenant's slot (tenant_max_requests), the count, the page, the page's own statement and the end, in one
pipeline. Only a page deeper than max_offset rows asks for its count first (a
page past the last one is then answered without its statement).
"""
import os
import re
import sys
import tempfile
import time

import pytest

from conftest import CONF, ROOT, query
from security_lib import Instance, conf_value, http_once

sys.path.insert(0, os.path.join(ROOT, "bench"))
import pgcount  # noqa: E402

PORT = 18113
MAX_OFFSET = 30	# rows: page 3 of 15 skips 30 (within), page 4 skips 45 (deeper)


@pytest.fixture(scope="module")
def wire(data):
    db = conf_value("db", CONF)
    host = re.search(r"host=(\S+)", db).group(1)
    port = re.search(r"port=(\d+)", db).group(1)
    with tempfile.TemporaryDirectory(prefix="pgcount") as d:
        counter = pgcount.Counter(d, port, os.path.join(host, f".s.PGSQL.{port}"))
        try:
            with Instance(PORT, workers=1, max_requests=0, max_offset=MAX_OFFSET,
                          tenant_max_requests=2,
                          db=re.sub(r"host=\S+", f"host={d}", db)) as inst:
                yield counter, inst
        finally:
            counter.close()


def asked(wire, method, path, token, **kw):
    """Sends the request twice (the first prepares its statements on the worker's
    connection); returns the second's answer, its round trips and its flights."""
    counter, inst = wire
    http_once(method, path, base=inst.base, token=token, **kw)
    # A transaction that wrote nothing may end after its answer (db_end_nowait: its
    # ROLLBACK alone, a flight of its own): counted before the reset, not after.
    time.sleep(0.2)
    counter.reset()
    r = http_once(method, path, base=inst.base, token=token, **kw)
    time.sleep(0.2)	# (this request's own, likewise)
    trips = counter.snapshot()["trips"]
    return r, trips, counter.request(trips)


def texts(flight):
    return [" ".join(t.split())[:60] for t, _ in flight]


def named(flights, name):
    """How many statements of sql/reports/NAME.sql the flights ran (each text begins
    with its file's comment, "-- NAME: ...")."""
    return sum(t.startswith(f"-- {name}:") for f in flights for t in texts(f))


def test_a_list_is_one_round_trip(wire, data):
    tok, task = data["alpha"]["token"], data["alpha"]["tasks"][0]
    r, trips, flights = asked(wire, "GET", "/v1/setting/record_level", tok)
    assert r.status == 200 and len(r.json()["data"]) > 0
    assert trips == 1, flights
    f = texts(flights[0])
    assert f[0] == "BEGIN" and f[-1] == "ROLLBACK", f
    full = [" ".join(t.split()) for t, _ in flights[0]]
    assert any("FROM callreport_begin(" in t for t in full), full
    assert any("callreport_slot(" in t for t in full) and named(flights, "record_level") == 1, full


@pytest.mark.parametrize("page", [1, 2, 3])
def test_a_page_within_max_offset_is_one_round_trip(wire, data, page):
    """Its count and its rows in one pipeline: pages 1 to 3 of 15 skip at most 30 rows."""
    tok, task = data["alpha"]["token"], data["alpha"]["tasks"][0]
    r, trips, flights = asked(wire, "GET", "/v1/task/number", tok,
                              params={"task_id": task, "page": page})
    d = r.json()["data"]
    assert r.status == 200 and d["total"] > 45 and d["last_page"] > 3 and len(d["data"]) == 15
    assert trips == 1, [texts(f) for f in flights]
    f = texts(flights[0])
    # (Page 2 on is the deep statement: its keys first, task_number.deep.sql.)
    page_sql = "task_number" if page == 1 else "task_number.deep"
    assert named(flights, "task_number.count") == 1 and named(flights, page_sql) == 1, f
    # A POST list and an HTML page alike.
    r, trips, _ = asked(wire, "POST", "/v1/task/query_done_task_phones", tok,
                        body={"task_id": task, "page": page})
    assert r.status == 200 and len(r.json()["data"]) > 0 and trips == 1
    r, trips, flights = asked(wire, "GET", "/v1/task/number", tok,
                              params={"task_id": task, "page": page, "format": "html"})
    assert r.status == 200 and b"<table" in r.body and trips == 1
    assert named(flights, "page_task") == 1


def test_past_the_last_page_within_max_offset_is_the_empty_page(wire, data, db):
    """A selection of one number and its page 2 (15 rows skipped, within max_offset):
    the page's statement ran beside its count and found nothing."""
    tok, task = data["alpha"]["token"], data["alpha"]["tasks"][0]
    number = query(db, "SELECT number FROM numbers WHERE task_id = %s ORDER BY id LIMIT 1", task)[0][0]
    r, trips, flights = asked(wire, "GET", "/v1/task/number", tok,
                              params={"task_id": task, "keyword": number, "page": 2})
    d = r.json()["data"]
    assert r.status == 200 and d["data"] == [] and 1 <= d["total"] <= 15 and d["last_page"] == 1
    assert trips == 1 and named(flights, "task_number.deep") == 1


def test_a_page_deeper_than_max_offset_counts_first(wire, data):
    """Page 4 of 15 skips 45 rows: the count goes ahead, alone, and the page within the
    selection is refused (400); past the last page the page's statement is never sent."""
    tok, task = data["alpha"]["token"], data["alpha"]["tasks"][0]
    r, trips, flights = asked(wire, "GET", "/v1/task/number", tok,
                              params={"task_id": task, "page": 4})
    assert r.status == 400 and "page must be at most 3" in r.json()["message"]
    assert named(flights, "task_number.count") == 1 and named(flights, "task_number") == 0
    assert named(flights, "task_number.deep") == 0
    r, trips, flights = asked(wire, "GET", "/v1/task/number", tok,
                              params={"task_id": task, "page": 100000})
    d = r.json()["data"]
    assert r.status == 200 and d["data"] == [] and d["total"] > 45
    assert named(flights, "task_number.count") == 1, [texts(f) for f in flights]
    assert named(flights, "task_number") == 0 and named(flights, "task_number.deep") == 0, \
        [texts(f) for f in flights]
    assert any(texts(f)[:1] == ["BEGIN"] for f in flights)
    assert any(texts(f)[-1:] == ["ROLLBACK"] for f in flights)
