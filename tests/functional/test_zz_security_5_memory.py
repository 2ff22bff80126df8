"""Security 5: nothing derived from a request reaches a registry that lives
as long as a worker (issue 15, finding 1).

Every distinct filter value of an HTML request (a level pair, a tag id) used
to register a template name for the worker's lifetime: hundreds of requests
with distinct filters grew a worker by tens of megabytes. Here one worker (its
own lighttpd on a port of its own) answers a few hundred such requests; its
resident memory, measured after a warm-up with the same request shapes, may
grow by less than BOUND_KB.
"""
import uuid

from conftest import FCGI
from security_lib import Client, Instance, login, worker_pids

PORT = 18105
REQUESTS = 400
PAIRS = 50           # distinct level pairs and tag ids a request (40,000 names in all)
BOUND_KB = 2048      # what 90,000 registered names would far exceed (several MB)
# The sanitized build (tests/sanitize/run.sh): AddressSanitizer's allocator grows by about
# 2 MB here whatever the program does (2036 kB measured, the normal build 0, the same with
# ASan's stack traces off), still far below what the names would take.
with open(FCGI, "rb") as _f:
    SANITIZED = b"__asan_init" in _f.read()
BOUND_KB += 4096 if SANITIZED else 0


def rss_kb(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise AssertionError("no VmRSS")


def ask(c, sid, task, n):
    """One records page whose filters are all new: PAIRS level pairs and as many tag ids."""
    base = 10_000 + n * PAIRS
    q = [("levels[]", f"{base + k},{base + k + 1}") for k in range(PAIRS)]
    q += [("tags[]", str(uuid.UUID(int=base + k))) for k in range(PAIRS)]
    r = c.get(f"/tasks/{task}/records", cookie=sid, params=q)
    assert r.status == 200, r
    assert b"<table" in r.body
    return r


def test_distinct_filters_do_not_grow_a_worker(data):
    a = data["alpha"]
    task = a["tasks"][0]
    # The sanitized build (tests/sanitize/run.sh) keeps what is freed aside for a while
    # (AddressSanitizer's quarantine, 256 MB): without it, its growth is measured too.
    # The normal build ignores the variable.
    with Instance(PORT, workers=1, max_requests=0, environ={"ASAN_OPTIONS": "quarantine_size_mb=0"}) as inst:
        _, sid = login("alpha", a["password"], base=inst.base)
        assert sid
        c = Client(inst.base)
        pids = worker_pids(PORT)
        assert len(pids) == 1, pids
        # Warm-up: the same shapes, so that buffers and the allocator settle.
        for n in range(40):
            ask(c, sid, task, n)
        before = rss_kb(pids[0])
        for n in range(40, 40 + REQUESTS):
            r = ask(c, sid, task, n)
        after = rss_kb(pids[0])
        # The page still shows the filters it was asked for (as custom levels).
        assert f'value="{10_000 + (39 + REQUESTS) * PAIRS},{10_001 + (39 + REQUESTS) * PAIRS}"'.encode() in r.body
        assert worker_pids(PORT) == pids, "the worker was replaced: the measure is void"
        print(f"worker RSS {before} kB -> {after} kB over {REQUESTS} requests")
        assert after - before < BOUND_KB, (before, after)
        c.close()
