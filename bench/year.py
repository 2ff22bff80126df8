#!/usr/bin/python3
"""year.py: the manager's pages on a year of data (issue 16, "Speed"), each figure beside
its target. Needs the year of the demo tenant (make demo SCALE=year, sql/demo/year.sql:
200 tasks, some 10 million call attempts), served by the demo's lighttpd (BENCH_URL).

Through lighttpd and the FastCGI program, with wrk at --conns connections (8), --seconds
a measure: the start page and a comparison of the six busiest tasks for 1, 30 and 365
days (ending on the data's last day), as HTML and as JSON (target p99 30 ms); the task
overview of the busiest task for 1 and 30 days and its whole life (50 ms); its numbers
and call records pages at page 1 and page 1000 (20 ms); and the start page's XLSX for 365
days (one download at a time, the median of three; 1 s). Then the start pages and the
comparisons again with page_cache = 0: made at every request, as the first view after
each import or sync is (the rows above: kept, with the configuration's own page_cache).
The demo's lighttpd is restarted
for the run with the demo's configuration plus tenant_max_requests = 0 (8 connections of
one tenant; the default budget, 2, would answer most of them 429), and again with the
demo's own at the end. Writes its section to bench/results.md in place of the previous
run's.
usage: bench/year.py [--seconds N] [--conns N]
"""
import argparse
import datetime
import os
import statistics
import sys
import time
import urllib.parse
import urllib.request

sys.path.insert(0, os.path.dirname(__file__))
from bench import BASE, ROOT, machine, one_tenant_conf, psql, run_wrk, web  # noqa: E402

HEADING = "## The manager's morning on a year of data"


def period(last, days):
    first = last - datetime.timedelta(days=days - 1)
    return {"start_at": f"{first} 00:00:00", "end_at": f"{last} 23:59:59"}


def path(p, params):
    return p + ("?" + urllib.parse.urlencode(params, doseq=True, quote_via=urllib.parse.quote) if params else "")


def fetch_seconds(url, token):
    t = time.monotonic()
    req = urllib.request.Request(BASE + url, headers={"Authorization": "Bearer " + token})
    with urllib.request.urlopen(req, timeout=600) as r:
        n = len(r.read())
        assert r.status == 200, r.status
    return time.monotonic() - t, n


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--seconds", type=int, default=8)
    ap.add_argument("--conns", type=int, default=8)
    a = ap.parse_args()
    demo_conf = os.path.join(ROOT, "var", "callreport.conf")
    web(one_tenant_conf("bench-year.conf", "bench/year.py"))
    try:
        run(a)
    finally:
        web(demo_conf)


def measure(eps, token, a):
    rows = []
    for name, url, target in eps:
        fetch_seconds(url, token)           # warm: the first view of a shape prepares it
        r = run_wrk({"method": "GET", "path": url}, token, a.conns, a.seconds)
        rows.append((name, r, target))
        print(f"{name}: p99 {r['p99']:.1f} ms (target {target}), {r['rps']:.0f} req/s, "
              f"non-2xx {r['errors']}", flush=True)
    return rows


def table(rows):
    lines = ["| request | req/s | p50 ms | p99 ms | target p99 ms | met | non-2xx |",
             "|---|---:|---:|---:|---:|---|---:|"]
    for name, r, target in rows:
        lines.append(f"| {name} | {r['rps']:.0f} | {r['p50']:.2f} | {r['p99']:.2f} | {target} | "
                     f"{'yes' if r['p99'] < target and not r['errors'] else 'no'} | {r['errors']} |")
    return lines


def run(a):
    token = [line.split()[1] for line in open(os.path.join(ROOT, "var", "demo-tokens"))
             if line.startswith("demo ")][0]
    tid = psql("SELECT id FROM tenants WHERE name = 'demo'")
    attempts = int(psql(f"SELECT count(*) FROM call_histories WHERE user_id = '{tid}'"))
    if attempts < 1_000_000:
        sys.exit("year.py: the demo tenant has no year of data (make demo SCALE=year)")
    ntasks = psql(f"SELECT count(*) FROM tasks WHERE user_id = '{tid}'")
    last = datetime.date.fromisoformat(psql(
        f"SELECT max(call_time AT TIME ZONE 'Asia/Shanghai')::date FROM call_histories "
        f"WHERE user_id = '{tid}'"))
    busy = psql(f"SELECT string_agg(task_id::text, ',') FROM (SELECT task_id FROM records "
                f"WHERE user_id = '{tid}' AND calldate >= now() - interval '60 days' "
                f"GROUP BY 1 ORDER BY count(*) DESC LIMIT 6) t").split(",")
    task = busy[0]
    eps = []
    for days in (1, 30, 365):
        p = period(last, days)
        for fmt in ("html", "json"):
            eps.append((f"start page, {days} d, {fmt.upper()}", path("/", dict(p, format=fmt)), 30))
            eps.append((f"comparison of 6 tasks, {days} d, {fmt.upper()}",
                        path("/compare", dict(p, format=fmt, **{"tasks[]": busy})), 30))
    for what, p in (("1 d", period(last, 1)), ("30 d", period(last, 30)), ("its whole life", {})):
        eps.append((f"task overview, {what}", path(f"/tasks/{task}", p), 50))
    for page in (1, 1000):
        eps.append((f"numbers page {page}", path(f"/tasks/{task}/numbers", {"page": page}), 20))
        eps.append((f"call records page {page}", path(f"/tasks/{task}/records", {"page": page}), 20))
    load0 = open("/proc/loadavg").read().split()[:3]
    rows = measure(eps, token, a)
    xurl = path("/", dict(period(last, 365), format="xlsx"))
    fetch_seconds(xurl, token)
    xs = [fetch_seconds(xurl, token) for _ in range(3)]
    xsec = statistics.median(s for s, _ in xs)
    print(f"start page XLSX, 365 d: {xsec:.2f} s (target 1 s), {xs[0][1]} bytes")
    web(one_tenant_conf("bench-year-made.conf", "bench/year.py", "page_cache = 0\n"))
    made = measure([e for e in eps if e[0].startswith(("start page", "comparison"))], token, a)
    lines = [HEADING, "",
             f"Run {datetime.datetime.now(datetime.timezone.utc).strftime('%Y-%m-%d %H:%M')} UTC "
             f"with bench/year.py --seconds {a.seconds} --conns {a.conns}; {machine()}; load average "
             f"{' '.join(load0)} before. The demo tenant's year (make demo SCALE=year): {ntasks} tasks, "
             f"{attempts:,} call attempts, the last day {last}; the busiest task {task}. wrk at "
             f"{a.conns} connections, {a.seconds} s a row, through lighttpd and the program, the "
             "token of the tenant; periods of whole days end on the last day. The configuration's "
             "own page_cache: the start page and the comparison are made by the first request "
             "and kept until the data changes (cgi/report/pagecache.h).", ""] + table(rows)
    lines += ["", "The same start pages and comparisons made at every request (page_cache = 0): "
              "what the first view after each import or sync costs.", ""] + table(made)
    lines += ["", f"The start page's XLSX for 365 days: {xsec:.2f} s (median of 3, {xs[0][1]:,} bytes; "
              f"target 1 s: {'met' if xsec < 1 else 'not met'})."]
    section = "\n".join(lines)
    print(section)
    out = os.path.join(ROOT, "bench", "results.md")
    old = open(out).read() if os.path.exists(out) else ""
    parts = old.split("\n" + HEADING + "\n")
    if len(parts) == 2:
        rest = parts[1].split("\n## ", 1)
        new = parts[0].rstrip("\n") + "\n\n" + section + "\n" + ("\n## " + rest[1] if len(rest) == 2 else "")
    else:
        new = old.rstrip("\n") + "\n\n" + section + "\n"
    with open(out, "w") as f:
        f.write(new)


if __name__ == "__main__":
    main()
