"""Worker recycling by memory and by age, not by a count of requests (issue 21).

A worker ends after a request once its peak resident set passes worker_max_rss
(MiB) or once it has lived worker_max_age seconds (plus up to a quarter, by
pid), and never before worker_min_age; its supervisor starts a fresh one, which
connects to PostgreSQL before its first request. Fast answers (404s) never
end a worker.
"""
import time

import pytest

from conftest import query
from security_lib import Instance, http_once, worker_pids

PORT = 18114


def hammer(inst, token, seconds, path="/v1/setting/record_level"):
    """Requests for seconds; returns (answers not 200, worker pids seen)."""
    bad, seen = [], set()
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        r = http_once("GET", path, base=inst.base, token=token)
        if r.status != (404 if "no-such" in path else 200):
            bad.append(r)
        seen.update(worker_pids(PORT))
        time.sleep(0.01)
    return bad, seen


def test_memory_over_worker_max_rss_recycles(data):
    """worker_max_rss = 1 MiB (every worker holds more): past worker_min_age (1 s), each
    request ends its worker, and the next is answered by a fresh one; nothing fails."""
    with Instance(PORT, workers=1, environ={"CALLREPORT_JOBS": "0", "CALLREPORT_MW_RETRY": "1000"}, worker_max_rss=1,
                  worker_max_age=0, worker_min_age=1, max_requests=0) as inst:
        bad, seen = hammer(inst, data["alpha"]["token"], 3.5)
    assert bad == []
    assert 2 <= len(seen) <= 6, seen


def test_age_recycles_and_fast_answers_do_not(data):
    """worker_max_age = 2 s: the worker is replaced once it is 2 to 2.5 s old; 404s
    alone, as many as it can answer, never end it under the defaults."""
    tok = data["alpha"]["token"]
    with Instance(PORT, workers=1, environ={"CALLREPORT_JOBS": "0", "CALLREPORT_MW_RETRY": "1000"}, worker_max_rss=0,
                  worker_max_age=2, worker_min_age=1, max_requests=0) as inst:
        bad, seen = hammer(inst, tok, 4)
    assert bad == []
    assert 2 <= len(seen) <= 3, seen
    with Instance(PORT, workers=1, environ={"CALLREPORT_JOBS": "0"}, worker_min_age=1,
                  max_requests=0) as inst:
        bad, seen = hammer(inst, tok, 3, "/v1/no-such-report")
        assert bad == [] and len(seen) == 1, seen


def test_a_new_worker_connects_before_its_first_request(data, db):
    """Its backend is there, signed in with the begin prepared, before any request."""
    since = query(db, "SELECT now()")[0][0]
    with Instance(PORT, workers=1, environ={"CALLREPORT_JOBS": "0"}, max_requests=0) as inst:
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            n = query(db, "SELECT count(*) FROM pg_stat_activity WHERE usename = 'callreport_web' "
                          "AND backend_start >= %s", since)[0][0]
            if n:
                break
            time.sleep(0.05)
        assert n == 1
        r = http_once("GET", "/v1/setting/record_level", base=inst.base, token=data["alpha"]["token"])
        assert r.status == 200 and len(r.json()["data"]) > 0
        assert query(db, "SELECT count(*) FROM pg_stat_activity WHERE usename = 'callreport_web' "
                         "AND backend_start >= %s", since)[0][0] == 1
