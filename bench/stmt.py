#!/usr/bin/python3
"""stmt.py: one report statement timed as the program runs it: prepared as the web role under
row-level security, the tenant set, in the deployment's zone, its NULL parameters written as
NULL into its text (cgi/store/db.c), its generic plan; the median and the least of --runs
executions, then with --explain its plan (EXPLAIN ANALYZE, BUFFERS).

usage: bench/stmt.py [--tenant NAME] [--task UUID] [--runs N] [--zone TZ] [--explain] SQL PARAMS
  SQL     sql/reports/NAME.sql (its includes done, as scripts/embed-sql.sh --text), or a text
  PARAMS  a Python list (an expression) of $1, $2, ...: None is NULL, "T" the tenant's id,
          "K" --task
e.g.    bench/stmt.py --task 35e6... sql/reports/done_phones.deep.sql \
            "['T', 'K'] + [None] * 14 + [15, 14985]"
The database is the checkout's (scripts/pg.sh, CALLREPORT_PGPORT).
"""
import argparse
import os
import re
import statistics
import subprocess
import time

import psycopg2

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--tenant", default="demo")
    ap.add_argument("--task")
    ap.add_argument("--runs", type=int, default=30)
    ap.add_argument("--explain", action="store_true")
    ap.add_argument("--zone", default="Asia/Shanghai", help="the deployment's timezone")
    ap.add_argument("sql")
    ap.add_argument("params")
    a = ap.parse_args()
    text = (subprocess.check_output([os.path.join(ROOT, "scripts", "embed-sql.sh"), "--text", a.sql],
                                    text=True) if a.sql.endswith(".sql") else a.sql)
    pg = os.path.join(ROOT, "scripts", "pg.sh")
    ci = dict(x.split("=", 1) for x in subprocess.check_output(
        [pg, "conninfo", "callreport", "callreport_web"], text=True).split())
    tenant = subprocess.check_output([pg, "psql", "callreport", "-Atc",
                                      f"SELECT id FROM tenants WHERE name = '{a.tenant}'"], text=True).strip()
    # (A Python expression of the command line: list arithmetic, no names but None.)
    params = [tenant if p == "T" else a.task if p == "K" else p
              for p in eval(a.params, {"__builtins__": {}}, {"None": None})]
    conn = psycopg2.connect(**ci)
    conn.autocommit = True
    c = conn.cursor()
    c.execute("SELECT set_config('callreport.tenant', %s, false), "
              "set_config('plan_cache_mode', 'force_generic_plan', false), "
              "set_config('jit', 'off', false)", (tenant,))
    c.execute("SET TimeZone = %s", (a.zone,))
    # As db_null_params: each NULL parameter written as NULL, outside literals and comments.
    token = re.compile(r"'[^']*'?|\"[^\"]*\"?|--[^\n]*|\$(\d+)")
    body = token.sub(lambda m: "NULL" if m.group(1) and params[int(m.group(1)) - 1] is None
                     else m.group(0), text)
    types = ", ".join("text" if p is None else "unknown" for p in params)
    c.execute(f"PREPARE q ({types}) AS " + body)
    args = "EXECUTE q (%s)" % ", ".join(["%s"] * len(params))
    times = []
    for _ in range(a.runs):
        t = time.perf_counter()
        c.execute(args, params)
        c.fetchall()
        times.append((time.perf_counter() - t) * 1000)
    print(f"{a.sql if a.sql.endswith('.sql') else 'statement'}: median {statistics.median(times):.2f} ms, "
          f"least {min(times):.2f} ms ({a.runs} runs)")
    if a.explain:
        c.execute("EXPLAIN (ANALYZE, BUFFERS) " + args, params)
        for (line,) in c.fetchall():
            print(line)


if __name__ == "__main__":
    main()
