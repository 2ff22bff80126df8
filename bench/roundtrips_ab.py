#!/usr/bin/python3
"""roundtrips_ab.py: what the second round trip of a page past the first cost (issue 21).

The program sends a page's count and rows in one round trip when the page skips at most
max_offset rows (cgi/report/report.c, "ahead"); with max_offset = 0 every page past the
first counts first, alone, in a round trip of its own, as before. This runs the demo's
server with each configuration in turn (var/ab-a.conf, var/ab-b.conf: bench.conf's
one-tenant configuration, the second with max_offset = 0), three alternated rounds, each
endpoint at 8 connections for 5 s, and prints PostgreSQL's CPU a request, the backends'
context switches a request, req/s and p99, averaged over the rounds.
usage: bench/roundtrips_ab.py ["ENDPOINT,ENDPOINT,..."]   (names as bench/endpoints.py)
"""
import os
import sys

sys.path.insert(0, os.path.dirname(__file__))
import bench  # noqa: E402
from endpoints import endpoints  # noqa: E402


def main():
    names = (sys.argv[1] if len(sys.argv) > 1 else
             "v1/task/number,numbers page (HTML),v1/task/query_done_task_phones").split(",")
    token = [line.split()[1] for line in open(os.path.join(bench.ROOT, "var", "demo-tokens"))
             if line.startswith("demo ")][0]
    tenant = bench.psql("SELECT id FROM tenants WHERE name = 'demo'")
    task = bench.psql(f"SELECT task_id FROM numbers WHERE user_id = '{tenant}' GROUP BY task_id "
                      "ORDER BY count(*) DESC LIMIT 1")
    eps = [e for e in endpoints({"task": task, "record": "", "tasks": "", "q": ""})
           if e["name"] in names]
    one = bench.one_tenant_conf("ab-a.conf", "bench/roundtrips_ab.py")
    two = bench.one_tenant_conf("ab-b.conf", "bench/roundtrips_ab.py", "max_offset = 0\n")
    res = {}
    try:
        for _ in range(3):
            for side, conf in (("one trip", one), ("two trips", two)):
                bench.web(conf)
                for ep in eps:
                    bench.run_wrk(ep, token, 8, 1)
                    r = bench.accounted(bench.run_wrk, ep, token, 8, 5)
                    res.setdefault((ep["name"], side), []).append(
                        (r["rps"], r["cpu"]["postgres"], r["switches"], r["p99"]))
    finally:
        bench.web(os.path.join(bench.ROOT, "var", "callreport.conf"))
    print("| endpoint | round trips | req/s | PostgreSQL µs a request | context switches a request "
          "| p99 ms |\n|---|---|---|---|---|---|")
    for (name, side), v in sorted(res.items()):
        m = [sum(x[i] for x in v) / len(v) for i in range(4)]
        print(f"| {name} | {side} | {m[0]:.0f} | {m[1]:.0f} | {m[2]:.2f} | {m[3]:.2f} |")


if __name__ == "__main__":
    main()
