#!/usr/bin/python3
"""jobs.py: export jobs (issue 20) against the same file built in the request.

Through the demo's lighttpd and its runner (scripts/web.sh starts both; the default
export_async_rows, 50,000): the XLSX of the demo tenant's biggest task (the
million-number task under make bench) asked for as a job, from the 202 to the job
seen done by polling its URL, against the same file built in the request by a
second lighttpd on --port with export_async_rows = 0 (no jobs) and no runner
(timed to the last byte). Then, while a job of that file runs: wrk on the job's
progress page and its JSON (p99 under 10 ms is the aim), and acme's interactive
requests against the same requests idle (p99 within 1.3x). Writes its section
to bench/results.md in place of the previous run's.
usage: bench/jobs.py [--seconds N] [--conns N] [--port N] [--rounds N]
Timings are never in the tests (tests/functional/test_jobs.py).
"""
import argparse
import datetime
import http.client
import json
import os
import statistics
import subprocess
import sys
import time
import urllib.parse

sys.path.insert(0, os.path.dirname(__file__))
from bench import BASE, ROOT, machine, psql, run_wrk  # noqa: E402
from exports import tenant  # noqa: E402

HEADING = "## Export jobs"


def fetch(base, path, token, accept=None):
    """GET path; returns (status, headers dict, body length, seconds to the last byte)."""
    u = urllib.parse.urlsplit(base)
    t = time.monotonic()
    c = http.client.HTTPConnection(u.hostname, u.port, timeout=3600)
    h = {"Authorization": "Bearer " + token}
    if accept:
        h["Accept"] = accept
    c.request("GET", u.path + path, headers=h)
    r = c.getresponse()
    n = 0
    while True:
        b = r.read(1 << 16)
        if not b:
            break
        n += len(b)
    c.close()
    return r.status, dict(r.getheaders()), n, time.monotonic() - t, b""


def job(base, path, token):
    """Asks for path as a job; returns its URL."""
    u = urllib.parse.urlsplit(base)
    c = http.client.HTTPConnection(u.hostname, u.port, timeout=60)
    c.request("GET", u.path + path, headers={"Authorization": "Bearer " + token})
    r = c.getresponse()
    body = r.read()
    c.close()
    if r.status != 202:
        raise SystemExit(f"bench/jobs.py: {path}: {r.status} (not a job: is the runner there, "
                         f"the selection over export_async_rows?) {body[:200]!r}")
    return r.getheader("Location")


def state(base, url, token):
    u = urllib.parse.urlsplit(base)
    c = http.client.HTTPConnection(u.hostname, u.port, timeout=60)
    c.request("GET", u.path + url, headers={"Authorization": "Bearer " + token})
    r = c.getresponse()
    d = json.loads(r.read())["data"]
    c.close()
    return r.status, d


def run_job(path, token):
    """A job from its 202 to its 303, polled every 50 ms; returns (seconds, the job)."""
    t = time.monotonic()
    url = job(BASE, path, token)
    while True:
        st, d = state(BASE, url, token)
        if st == 303 or d["state"] in ("failed", "cancelled", "expired"):
            return time.monotonic() - t, d, url
        time.sleep(0.05)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--seconds", type=int, default=5)
    ap.add_argument("--conns", type=int, default=2)
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--port", type=int, default=8091, help="the in-request server's port")
    a = ap.parse_args()
    etoken, etask, etotal = tenant("demo")
    otoken, otask, _ = tenant("acme")
    path = f"/v1/task/number?task_id={etask}&format=xlsx"
    conf = os.path.join(ROOT, "var", "bench-sync.conf")
    with open(os.path.join(ROOT, "var", "callreport.conf")) as f:
        lines = [x for x in f if not x.startswith("export_async_rows")]
    with open(conf, "w") as f:
        f.write("".join(lines) + "export_async_rows = 0\nexport_max_per_tenant = 0\nexport_max = 0\n")
    web = os.path.join(ROOT, "scripts", "web.sh")
    subprocess.run([web, "start", str(a.port), conf], check=True, capture_output=True,
                   env=dict(os.environ, CALLREPORT_JOBS="0"))
    sync_base = f"http://127.0.0.1:{a.port}"
    load0 = open("/proc/loadavg").read().split()[:3]
    try:
        sync_s, job_s = [], []
        size = None
        for _ in range(a.rounds):
            st, h, n, s, _b = fetch(sync_base, path, etoken)
            assert st == 200, st
            sync_s.append(s)
            secs, d, url = run_job(path, etoken)
            assert d["state"] == "done", d
            job_s.append(secs)
            size = (n, d["size"])
        # While one job runs: the job's page and JSON, and acme's pages.
        eps = [{"name": "v1/setting/record_level", "method": "GET", "path": "/v1/setting/record_level"},
               {"name": "v1/task/number", "method": "GET", "path": f"/v1/task/number?task_id={otask}&page=2"},
               {"name": "tasks page", "method": "GET", "path": "/tasks?format=html"}]
        idle = {ep["name"]: run_wrk(ep, otoken, a.conns, a.seconds) for ep in eps}
        cur = {"url": None}
        started = []

        def running():
            """A job of the file under way before each measure (a new one when the last ended)."""
            if cur["url"] is not None and state(BASE, cur["url"], etoken)[1]["state"] == "running":
                return cur["url"]
            cur["url"] = job(BASE, path, etoken)
            started.append(cur["url"])
            while state(BASE, cur["url"], etoken)[1]["state"] != "running":
                time.sleep(0.05)
            time.sleep(0.3)
            return cur["url"]
        busy, prog = {}, {}
        for ep in eps:
            running()
            busy[ep["name"]] = run_wrk(ep, otoken, a.conns, a.seconds)
        for name, suffix in (("job JSON", ""), ("progress page", "?format=html")):
            url = running()
            prog[name] = run_wrk({"name": name, "method": "GET", "path": url + suffix},
                                 etoken, a.conns, a.seconds)
        mine = [{"name": "job JSON"}, {"name": "progress page"}]
        # The jobs of the measures are not kept: cancelled if still running (their files
        # go with jobs_retention).
        for url in started:
            u = urllib.parse.urlsplit(BASE)
            c = http.client.HTTPConnection(u.hostname, u.port, timeout=60)
            c.request("DELETE", u.path + url, headers={"Authorization": "Bearer " + etoken})
            c.getresponse().read()
            c.close()
        still = True
    finally:
        subprocess.run([web, "stop", str(a.port)], capture_output=True)
    sm, jm = statistics.median(sync_s), statistics.median(job_s)
    lines = [HEADING, "",
             f"Run {datetime.datetime.now(datetime.timezone.utc).strftime('%Y-%m-%d %H:%M')} UTC "
             f"with bench/jobs.py --seconds {a.seconds} --conns {a.conns} --rounds {a.rounds}; "
             f"{machine()}; load average {' '.join(load0)} before.", "",
             f"The XLSX of tenant demo's task of {etotal} numbers ({size[0]} bytes built in the "
             f"request, {size[1]} as a job), the median of {a.rounds}: built in the request "
             f"(export_async_rows = 0, to the last byte) {sm:.2f} s; as a job, from the request to "
             f"its URL's 303 (polled every 50 ms) {jm:.2f} s: **{jm / sm:.2f}x** (aim: at most 1.1x).", "",
             f"While one such job runs (a new one started before a measure when the last has "
             f"ended: {len(started)} jobs): wrk, {a.conns} connections, {a.seconds} s a measure.", "",
             "| request | idle req/s | idle p99 ms | busy req/s | busy p99 ms | busy p99 / idle p99 "
             "| non-2xx |",
             "|---|---:|---:|---:|---:|---:|---:|"]
    for ep in eps:
        n = ep["name"]
        lines.append(f"| acme {n} | {idle[n]['rps']:.0f} | {idle[n]['p99']:.2f} | {busy[n]['rps']:.0f} | "
                     f"{busy[n]['p99']:.2f} | {busy[n]['p99'] / idle[n]['p99']:.2f} (aim <= 1.3) | "
                     f"{idle[n]['errors'] + busy[n]['errors']} |")
    for ep in mine:
        n = ep["name"]
        lines.append(f"| demo's {n} | | | {prog[n]['rps']:.0f} | {prog[n]['p99']:.2f} (aim < 10) | | "
                     f"{prog[n]['errors']} |")
    section = "\n".join(lines)
    print(section)
    path = os.path.join(ROOT, "bench", "results.md")
    old = open(path).read() if os.path.exists(path) else ""
    head, sep, tail = old.partition("\n## XLSX export")
    head = head.split("\n" + HEADING)[0].rstrip("\n")
    with open(path, "w") as f:
        f.write(head + "\n\n" + section + "\n" + (sep + tail if sep else ""))


if __name__ == "__main__":
    main()
