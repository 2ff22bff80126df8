#!/usr/bin/python3
"""jobs.py: export jobs (issue 20) against the same file built in the request.

Through the demo's lighttpd and its runner (scripts/web.sh starts both; the default
export_async_rows, 50,000): the XLSX of the demo tenant's task of --rows numbers (by
default the million-number task of make demo SCALE=1000000, which bench/run.sh loads;
the smallest task of at least that many) asked for as a job, from the request (its 202)
to its URL's 303 (polled every 250 ms), against the same file built in the request by a
second lighttpd on --port with export_async_rows = 0 (no jobs) and no runner, timed to
the last byte; the two in turn, the median of --rounds. The two files are checked to be
the same: their parts (names, sizes, CRCs) but for the workbook's creation time.
Then wrk: acme's interactive requests with no job running and while a job of that file
runs, in turn (p99 within 1.3x is the aim), and while one runs the job's progress page and
its JSON (p99 under 10 ms), the medians of a few measures. Writes its section to bench/results.md in place of the previous run's.
usage: bench/jobs.py [--rows N] [--seconds N] [--conns N] [--port N] [--rounds N] [--page-rounds N]
  --rows 200000 with make demo SCALE=200000 (scripts/demo.sh start 200000): a quick run.
The demo's server: BENCH_URL (bench/bench.py), http://127.0.0.1:8080 unless set.
Timings are never in the tests (tests/functional/test_jobs.py).
"""
import argparse
import datetime
import http.client
import io
import json
import os
import re
import statistics
import subprocess
import sys
import time
import urllib.parse
import zipfile

sys.path.insert(0, os.path.dirname(__file__))
from bench import BASE, ROOT, machine, psql, run_wrk  # noqa: E402

HEADING = "## Export jobs"


def tenant(name, rows=0):
    """The tenant's token and its task of the fewest numbers at least rows (its biggest
    with rows 0), with that count."""
    token = [line.split()[1] for line in open(os.path.join(ROOT, "var", "demo-tokens"))
             if line.startswith(name + " ")][0]
    tid = psql(f"SELECT id FROM tenants WHERE name = '{name}'")
    got = psql(f"SELECT task_id, count(*) FROM numbers WHERE user_id = '{tid}' GROUP BY task_id "
               f"HAVING count(*) >= {int(rows)} ORDER BY count(*) {'' if rows else 'DESC'}, task_id "
               "LIMIT 1")
    if not got:
        raise SystemExit(f"bench/jobs.py: tenant {name} has no task of {rows} numbers or more: "
                         f"scripts/demo.sh start {rows} (make demo SCALE={rows}) loads one")
    task, total = got.split("|")
    return token, task, int(total)


def fetch(base, path, token, keep=False):
    """GET path; returns (status, body length, seconds to the last byte, the body when
    keep: its chunks are kept as read and joined after the clock has stopped)."""
    u = urllib.parse.urlsplit(base)
    t = time.monotonic()
    c = http.client.HTTPConnection(u.hostname, u.port, timeout=3600)
    c.request("GET", u.path + path, headers={"Authorization": "Bearer " + token})
    r = c.getresponse()
    n, chunks = 0, []
    while True:
        b = r.read(1 << 16)
        if not b:
            break
        n += len(b)
        if keep:
            chunks.append(b)
    s = time.monotonic() - t
    c.close()
    return r.status, n, s, b"".join(chunks) if keep else None


# What says when a workbook was made: the summary sheet's 生成时间 (a date cell: its
# serial, days since 1899-12-30 with the time as a fraction) and docProps/core.xml's
# dcterms:created (ISO 8601).
WHEN = re.compile(rb"<v>\d{5}\.\d+</v>|\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ")


def same_file(a, b):
    """Compares two XLSX files part by part: name, size and CRC-32 from their zip
    directories; a part that differs there is read and compared again with the time
    it was made taken out. Returns (parts, the parts that differ, those that differ
    only by that time)."""
    za, zb = zipfile.ZipFile(io.BytesIO(a)), zipfile.ZipFile(io.BytesIO(b))
    pa = {i.filename: (i.file_size, i.CRC) for i in za.infolist()}
    pb = {i.filename: (i.file_size, i.CRC) for i in zb.infolist()}
    differ, timed = [], []
    for n in sorted(set(pa) | set(pb)):
        if pa.get(n) == pb.get(n):
            continue
        if n in pa and n in pb and WHEN.sub(b"T", za.read(n)) == WHEN.sub(b"T", zb.read(n)):
            timed.append(n)
        else:
            differ.append(n)
    return len(pa), differ, timed


def load():
    """The load average (1, 5, 15 min) and the CPU pressure (PSI: the share of the last
    60 s in which some runnable task waited for a CPU, when the kernel tells it)."""
    avg = " ".join(open("/proc/loadavg").read().split()[:3])
    try:
        some = open("/proc/pressure/cpu").readline().split()
        return f"{avg} (CPU pressure {float(some[2].split('=')[1]):.0f}%)"
    except (OSError, IndexError, ValueError):
        return avg


TICK = os.sysconf("SC_CLK_TCK")


def pid_file(name):
    try:
        return int(open(os.path.join(ROOT, "var", name)).readline())
    except (OSError, ValueError):
        return None


def ours_cpu(roots):
    """CPU seconds so far of the processes below roots (a pid each, None for none), and
    of their children that have ended (reaped: a backend by the postmaster, a job's
    process by the runner, a worker by multiwatch)."""
    stat, kids = {}, {}
    for p in os.listdir("/proc"):
        if not p.isdigit():
            continue
        try:
            st = open(f"/proc/{p}/stat").read()
        except OSError:
            continue
        rest = st[st.rindex(")") + 2:].split()
        stat[int(p)] = sum(int(x) for x in rest[11:15]) / TICK
        kids.setdefault(int(rest[1]), []).append(int(p))
    todo, seen = [r for r in roots if r is not None], set()
    while todo:
        p = todo.pop()
        if p not in seen:
            seen.add(p)
            todo += kids.get(p, [])
    return sum(stat.get(p, 0.0) for p in seen)


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
    """A job from its 202 to its 303, polled every 250 ms; returns (seconds, the job).
    (Every poll is a request, and a job gives way to requests (cli/jobs.c, give_way): a
    poll every 50 ms cost the job 10%. A browser's progress page polls every few seconds;
    250 ms adds at most 0.25 s, 1% of the million-row file, to the time measured.)"""
    t = time.monotonic()
    url = job(BASE, path, token)
    while True:
        st, d = state(BASE, url, token)
        if st == 303 or d["state"] in ("failed", "cancelled", "expired"):
            return time.monotonic() - t, d, url
        time.sleep(0.25)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=1000000,
                    help="the demo task's numbers: the smallest task of at least so many")
    ap.add_argument("--seconds", type=int, default=5)
    ap.add_argument("--conns", type=int, default=2)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--page-rounds", type=int, default=5,
                    help="measures of the job's JSON and of its page, in turn")
    ap.add_argument("--port", type=int, default=8091, help="the in-request server's port")
    a = ap.parse_args()
    etoken, etask, etotal = tenant("demo", a.rows)
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
    load0 = load()
    # Ours: PostgreSQL, both web servers and their workers, the runner and its jobs.
    roots = [pid_file(os.path.join("pg", "data", "postmaster.pid")),
             pid_file(f"lighttpd-{urllib.parse.urlsplit(BASE).port}.pid"),
             pid_file(f"lighttpd-{a.port}.pid"), pid_file(f"jobs-{urllib.parse.urlsplit(BASE).port}.pid")]
    try:
        sync_s, job_s, sync_cpu, job_cpu = [], [], [], []
        sizes = None
        for k in range(a.rounds):
            last = k == a.rounds - 1

            def in_request():
                c = ours_cpu(roots)
                st, n, s, body = fetch(sync_base, path, etoken, keep=last)
                sync_cpu.append(ours_cpu(roots) - c)
                assert st == 200, st
                sync_s.append(s)
                return n, body

            def as_job():
                c = ours_cpu(roots)
                secs, d, url = run_job(path, etoken)
                job_cpu.append(ours_cpu(roots) - c)
                assert d["state"] == "done", d
                job_s.append(secs)
                return d, url
            # In turn, which goes first too: both see the same machine.
            if k % 2 == 0:
                (n, body), (d, url) = in_request(), as_job()
            else:
                (d, url), (n, body) = as_job(), in_request()
            sizes = (n, d["size"])
            print(f"round {k + 1}: in the request {sync_s[-1]:.2f} s ({sync_cpu[-1]:.2f} s CPU), "
                  f"as a job {job_s[-1]:.2f} s ({job_cpu[-1]:.2f} s CPU); "
                  f"load {load()}", file=sys.stderr)
        # The same file both ways: the job's (fetched now, untimed) and the last in-request one.
        st, _, _, jbody = fetch(BASE, url + "/file", etoken, keep=True)
        assert st == 200 and len(jbody) == sizes[1], (st, len(jbody), sizes)
        parts, differ, timed = same_file(body, jbody)
        body = jbody = None
        if differ:
            raise SystemExit(f"bench/jobs.py: the job's file is not the in-request one: {differ}")
        load1 = load()
        # Each of acme's requests with no job running, then while one runs (in turn: both
        # see the same machine), --rounds times; then, while one runs, the job's JSON and its
        # page in turn, --page-rounds times each. The medians.
        eps = [{"name": "v1/setting/record_level", "method": "GET", "path": "/v1/setting/record_level"},
               {"name": "v1/task/number", "method": "GET", "path": f"/v1/task/number?task_id={otask}&page=2"},
               {"name": "tasks page", "method": "GET", "path": "/tasks?format=html"}]
        cur = {"url": None}
        started = []

        def call(method, url):
            u = urllib.parse.urlsplit(BASE)
            c = http.client.HTTPConnection(u.hostname, u.port, timeout=60)
            c.request(method, u.path + url, headers={"Authorization": "Bearer " + etoken})
            c.getresponse().read()
            c.close()

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

        def none_running():
            """No job under way: the current one cancelled (and stopped) if it runs."""
            if cur["url"] is None:
                return
            call("DELETE", cur["url"])
            while state(BASE, cur["url"], etoken)[1]["state"] in ("queued", "running"):
                time.sleep(0.05)
            cur["url"] = None
        idle = {ep["name"]: [] for ep in eps}
        busy = {ep["name"]: [] for ep in eps}
        for _ in range(a.rounds):
            for ep in eps:
                none_running()
                idle[ep["name"]].append(run_wrk(ep, otoken, a.conns, a.seconds))
                running()
                busy[ep["name"]].append(run_wrk(ep, otoken, a.conns, a.seconds))
        prog = {"job JSON": [], "progress page": []}
        for _ in range(a.page_rounds):
            for name, suffix in (("job JSON", ""), ("progress page", "?format=html")):
                url = running()
                prog[name].append(run_wrk({"name": name, "method": "GET", "path": url + suffix},
                                          etoken, a.conns, a.seconds))
        mine = [{"name": "job JSON"}, {"name": "progress page"}]
        # The jobs of the measures are not kept: cancelled if still running (their files
        # go with jobs_retention).
        for url in started:
            call("DELETE", url)
        load2 = load()
    finally:
        subprocess.run([web, "stop", str(a.port)], capture_output=True)
    sm, jm = statistics.median(sync_s), statistics.median(job_s)
    lines = [HEADING, "",
             f"Run {datetime.datetime.now(datetime.timezone.utc).strftime('%Y-%m-%d %H:%M')} UTC "
             f"with bench/jobs.py --rows {a.rows} --seconds {a.seconds} --conns {a.conns} "
             f"--rounds {a.rounds} --page-rounds {a.page_rounds}; {machine()}; load average {load0} before, "
             f"{load1} after the files, {load2} at the end.", "",
             f"The XLSX of tenant demo's task of {etotal} numbers ({sizes[0]} bytes built in the "
             f"request, {sizes[1]} as a job; the same {parts} parts, by name, size and CRC-32"
             f"{', but for the time it was made in ' + ' and '.join(timed) if timed else ''}), "
             f"the median of {a.rounds} in turn: built in the request "
             f"(export_async_rows = 0, to the last byte) {sm:.2f} s "
             f"({', '.join(f'{x:.2f}' for x in sync_s)}); as a job, from the request to its URL's 303 "
             f"(polled every 250 ms) {jm:.2f} s ({', '.join(f'{x:.2f}' for x in job_s)}): "
             f"**{jm / sm:.2f}x** (aim: at most 1.1x). The CPU our processes spent meanwhile "
             f"(PostgreSQL, both web servers and their workers, the runner and its job; the median "
             f"seconds): in the request {statistics.median(sync_cpu):.2f} "
             f"({', '.join(f'{x:.2f}' for x in sync_cpu)}), as a job {statistics.median(job_cpu):.2f} "
             f"({', '.join(f'{x:.2f}' for x in job_cpu)}): "
             f"{statistics.median(job_cpu) / statistics.median(sync_cpu):.2f}x. A job's process runs "
             f"at nice 10, below the web workers: on a machine whose CPUs others keep busy (the CPU "
             f"pressure above) it waits where the in-request build does not.", "",
             f"Each of acme's requests with no job running, then while one such job runs, in turn, "
             f"{a.rounds} times; then, while one runs, the job's JSON and its progress page in turn, "
             f"{a.page_rounds} times each. The median of each (p99 ms: each measure's in "
             f"parentheses). A new job started before a measure when the last had ended or was "
             f"cancelled: {len(started)} jobs. wrk, {a.conns} connections, {a.seconds} s a measure.", "",
             "| request | idle req/s | idle p50 ms | idle p99 ms | busy req/s | busy p50 ms | busy p99 ms "
             "| busy p99 / idle p99 | non-2xx |",
             "|---|---:|---:|---:|---:|---:|---:|---:|---:|"]

    def med(rs, k):
        return statistics.median(r[k] for r in rs)

    def each(rs):
        return ", ".join(f"{r['p99']:.2f}" for r in rs)
    for ep in eps:
        i, b = idle[ep["name"]], busy[ep["name"]]
        lines.append(f"| acme {ep['name']} | {med(i, 'rps'):.0f} | {med(i, 'p50'):.2f} | "
                     f"{med(i, 'p99'):.2f} ({each(i)}) | {med(b, 'rps'):.0f} | {med(b, 'p50'):.2f} | "
                     f"{med(b, 'p99'):.2f} ({each(b)}) | {med(b, 'p99') / med(i, 'p99'):.2f} "
                     f"(aim <= 1.3) | {sum(r['errors'] for r in i + b)} |")
    for ep in mine:
        b = prog[ep["name"]]
        lines.append(f"| demo's {ep['name']} | | | | {med(b, 'rps'):.0f} | {med(b, 'p50'):.2f} | "
                     f"{med(b, 'p99'):.2f} ({each(b)}) (aim < 10) | | {sum(r['errors'] for r in b)} |")
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
