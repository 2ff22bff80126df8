#!/usr/bin/python3
"""exports.py: other tenants' interactive requests while one tenant asks for more
big exports than it may make at once (issue 15, finding 2: four XLSX downloads
made other tenants wait about 29 s).

In one run, through the demo's lighttpd and its configuration (the default
export_max_per_tenant, export_max and tenant_max_requests): wrk measures
another tenant's (acme's) JSON requests idle, then again while EXPORTERS
threads of the demo tenant ask, over and over, for the XLSX of its biggest
task (the million-number task under make bench): one at a time is made, the
rest get 429 and ask again after a pause. Prints busy p99 / idle p99 a row,
the non-2xx answers of the interactive load (none expected), and what the
exports did meanwhile (files made, refusals, seconds a file), so that a p99
can be set against the time of one export. Writes its section to
bench/results.md in place of the previous run's (before bench/xlsx.sh's).
Since export jobs (issue 20) a file of the million-number task is a job on the
demo's server: this runs a second lighttpd on --port with the demo's configuration
and export_async_rows = 0, so that the files are built in the requests, as measured.
usage: bench/exports.py [--seconds N] [--rounds N] [--exporters N] [--conns N] [--port N]
"""
import argparse
import datetime
import http.client
import os
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse

sys.path.insert(0, os.path.dirname(__file__))
import bench  # noqa: E402
from bench import ROOT, machine, psql, run_wrk  # noqa: E402

HEADING = "## Other tenants while one tenant exports"


def export_loop(path, token, stop, results, pause=0.5):
    """Asks for one file over and over until stop is set; a refusal (429, 503)
    waits pause seconds. Appends (status, seconds) of every answer to results."""
    u = urllib.parse.urlsplit(bench.BASE)
    while not stop.is_set():
        t = time.monotonic()
        c = http.client.HTTPConnection(u.hostname, u.port, timeout=600)
        try:
            c.request("GET", u.path + path, headers={"Authorization": "Bearer " + token})
            r = c.getresponse()
            while r.read(1 << 16):
                pass
            status = r.status
        except OSError as e:
            status = type(e).__name__
        finally:
            c.close()
        results.append((status, time.monotonic() - t))
        if status != 200:
            stop.wait(pause)


def tenant(name):
    token = [line.split()[1] for line in open(os.path.join(ROOT, "var", "demo-tokens"))
             if line.startswith(name + " ")][0]
    tid = psql(f"SELECT id FROM tenants WHERE name = '{name}'")
    task = psql(f"SELECT task_id FROM numbers WHERE user_id = '{tid}' GROUP BY task_id "
                "ORDER BY count(*) DESC LIMIT 1")
    total = int(psql(f"SELECT count(*) FROM numbers WHERE task_id = '{task}'"))
    return token, task, total


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--seconds", type=int, default=8)
    ap.add_argument("--exporters", type=int, default=4)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--conns", type=int, default=2,
                    help="the other tenant's connections (at most its tenant_max_requests)")
    ap.add_argument("--port", type=int, default=8092, help="the server without export jobs")
    a = ap.parse_args()
    conf = os.path.join(ROOT, "var", "bench-exports.conf")
    with open(os.path.join(ROOT, "var", "callreport.conf")) as f:
        lines = [x for x in f if not x.startswith("export_async_rows")]
    with open(conf, "w") as f:
        f.write("".join(lines) + "export_async_rows = 0\n")
    web = os.path.join(ROOT, "scripts", "web.sh")
    subprocess.run([web, "start", str(a.port), conf], check=True, capture_output=True,
                   env=dict(os.environ, CALLREPORT_JOBS="0"))
    bench.BASE = f"http://127.0.0.1:{a.port}"
    try:
        measure(a)
    finally:
        subprocess.run([web, "stop", str(a.port)], capture_output=True)


def measure(a):
    etoken, etask, etotal = tenant("demo")
    otoken, otask, _ = tenant("acme")
    eps = [{"name": "v1/setting/record_level", "method": "GET", "path": "/v1/setting/record_level"},
           {"name": "v1/task/number", "method": "GET", "path": f"/v1/task/number?task_id={otask}&page=2"}]
    load0 = open("/proc/loadavg").read().split()[:3]
    runs = {"idle": {ep["name"]: [] for ep in eps}, "busy": {ep["name"]: [] for ep in eps}}
    results = []
    # Idle and busy in turn, a.rounds times: both see the machine as it is meanwhile.
    for _ in range(a.rounds):
        for ep in eps:
            runs["idle"][ep["name"]].append(run_wrk(ep, otoken, a.conns, a.seconds))
        stop = threading.Event()
        threads = [threading.Thread(target=export_loop, daemon=True,
                                    args=(f"/v1/task/number?task_id={etask}&format=xlsx", etoken,
                                          stop, results)) for _ in range(a.exporters)]
        for t in threads:
            t.start()
        time.sleep(1.0)     # the first file under way before the clock starts
        for ep in eps:
            runs["busy"][ep["name"]].append(run_wrk(ep, otoken, a.conns, a.seconds))
        stop.set()
        for t in threads:   # a file under way is taken to its end: the next idle is idle
            t.join()

    def med(phase, name, key):
        return statistics.median(r[key] for r in runs[phase][name])
    made = [s for st, s in results if st == 200]
    refused = sum(1 for st, _ in results if st in (429, 503))
    other = sorted({str(st) for st, _ in results if st not in (200, 429, 503)})
    file_s = f"{statistics.mean(made):.1f}" if made else "(none finished)"
    lines = [HEADING, "",
             f"Run {datetime.datetime.now(datetime.timezone.utc).strftime('%Y-%m-%d %H:%M')} UTC "
             f"with bench/exports.py --seconds {a.seconds} --rounds {a.rounds} --exporters {a.exporters} "
             f"--conns {a.conns}; "
             f"{machine()}; load average {' '.join(load0)} before.", "",
             f"Tenant acme's JSON requests (wrk, {a.conns} connections, {a.seconds} s a measure) idle, "
             f"then while tenant demo's {a.exporters} threads ask over and over for the XLSX of its "
             f"task of {etotal} numbers (the demo's configuration: one file of a tenant at once, "
             f"the rest 429, asked again after 0.5 s); idle and busy in turn, {a.rounds} times, the "
             "median of each figure, non-2xx answers summed. Meanwhile the exporters got "
             f"{len(made)} files (mean {file_s} s a file) and {refused} refusals"
             + (f", and also {', '.join(other)}" if other else "") + ".", "",
             "| acme's request | idle req/s | idle p50 ms | idle p99 ms | busy req/s | busy p50 ms "
             "| busy p99 ms | busy p99 / idle p99 | non-2xx idle, busy |",
             "|---|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for ep in eps:
        n = ep["name"]
        errs = [sum(r["errors"] for r in runs[p][n]) for p in ("idle", "busy")]
        lines.append(f"| {n} | {med('idle', n, 'rps'):.0f} | {med('idle', n, 'p50'):.2f} | "
                     f"{med('idle', n, 'p99'):.2f} | {med('busy', n, 'rps'):.0f} | "
                     f"{med('busy', n, 'p50'):.2f} | {med('busy', n, 'p99'):.2f} | "
                     f"{med('busy', n, 'p99') / med('idle', n, 'p99'):.2f} | {errs[0]}, {errs[1]} |")
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
