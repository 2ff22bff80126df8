#!/usr/bin/python3
"""bench.py: every v1 endpoint and the two report pages, through lighttpd + the
FastCGI program (wrk) and against their ceiling (pgbench running the very
statements the endpoint runs, same parameters, named prepared statements with
generic plans as the program uses them), at 1, 8 and 32 connections, in one run.

Prints a table of throughput, p50/p99 latency and the ratio callreport/ceiling,
and writes it to bench/results.md with the machine's description.
usage: bench/bench.py [--seconds N] [--conns 1,8,32]
"""
import argparse
import datetime
import hashlib
import json
import os
import platform
import re
import statistics
import subprocess
import sys
import tempfile

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
sys.path.insert(0, os.path.dirname(__file__))
from endpoints import endpoints  # noqa: E402

BASE = os.environ.get("BENCH_URL", "http://127.0.0.1:8080")


def sh(*args, **kw):
    return subprocess.run(args, check=True, capture_output=True, text=True, **kw).stdout


def psql(sql):
    return sh(os.path.join(ROOT, "scripts", "pg.sh"), "psql", "callreport", "-Atc", sql).strip()


def conninfo(role):
    return dict(x.split("=", 1) for x in sh(os.path.join(ROOT, "scripts", "pg.sh"), "conninfo",
                                            "callreport", role).split())


def ms(text):
    """wrk latency text (e.g. 1.23ms, 850.00us, 1.01s) in ms."""
    m = re.match(r"([\d.]+)(us|ms|s)", text)
    v = float(m.group(1))
    return v / 1000 if m.group(2) == "us" else v * 1000 if m.group(2) == "s" else v


def run_wrk(ep, token, conns, seconds):
    env = dict(os.environ, BENCH_METHOD=ep["method"], BENCH_TOKEN=token,
               BENCH_BODY=json.dumps(ep["body"]) if ep.get("body") else "")
    out = sh("wrk", "-t", str(min(conns, 2)), "-c", str(conns), "-d", f"{seconds}s", "--latency",
             "-s", os.path.join(ROOT, "bench", "wrk.lua"), BASE + ep["path"], env=env)
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    p50 = ms(re.search(r"\s50%\s+(\S+)", out).group(1))
    p99 = ms(re.search(r"\s99%\s+(\S+)", out).group(1))
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return {"rps": rps, "p50": p50, "p99": p99, "errors": int(bad.group(1)) if bad else 0}


def statement(path, params):
    """An SQL file with $k replaced by pgbench variables :pk (NULL stays NULL)."""
    sql = open(os.path.join(ROOT, "sql", "reports", path)).read()
    def strip(line):
        """The line without its -- comment (one outside quotes)."""
        quoted = False
        for i, ch in enumerate(line):
            if ch == "'":
                quoted = not quoted
            elif not quoted and line.startswith("--", i):
                return line[:i]
        return line
    sql = "\n".join(strip(line) for line in sql.splitlines())

    def sub(m):
        k = int(m.group(1))
        return "NULL" if params[k - 1] is None else f":p{k}"
    return re.sub(r"\$(\d+)", sub, sql).strip().rstrip(";")


def pgbench_script(ep, token, tenant, pipelined):
    """The transaction the program runs for ep: begin, the statement timeout, the
    authenticating SELECT (cgi/db.c) with the token's hash, the report's statements,
    ROLLBACK. pipelined: in one round trip, as the program sends them (a libpq
    pipeline); else one statement a round trip."""
    h = hashlib.sha256(token.encode()).hexdigest()
    lines = ["BEGIN;",
             "SET LOCAL statement_timeout = 5000;",
             "SELECT set_config('callreport.tenant', coalesce(a.tenant::text, ''), true), "
             "set_config('TimeZone', 'Asia/Shanghai', true), "
             "set_config('plan_cache_mode', 'force_generic_plan', true), "
             f"a.version, a.name FROM callreport_begin('token', '{h}') a;"]
    defs = {}
    for path, params in ep["sql"]:
        params = [tenant] + params
        lines.append(statement(path, params).replace("\n", " ") + ";")
        for k, v in enumerate(params, 1):
            if v is not None:
                defs[f"p{k}"] = v
    lines.append("ROLLBACK;")
    if pipelined:
        lines = ["\\startpipeline"] + lines + ["\\endpipeline"]
    return "\n".join(lines) + "\n", defs


def run_pgbench(ep, token, tenant, conns, seconds, tmp, pipelined):
    script, defs = pgbench_script(ep, token, tenant, pipelined)
    f = os.path.join(tmp, "script.sql")
    with open(f, "w") as fp:
        fp.write(script)
    ci = conninfo("callreport_web")
    prefix = os.path.join(tmp, "log")
    for old in os.listdir(tmp):
        if old.startswith("log"):
            os.unlink(os.path.join(tmp, old))
    args = ["pgbench", "-n", "-h", ci["host"], "-p", ci["port"], "-U", "callreport_web",
            "-c", str(conns), "-j", str(min(conns, 2)), "-T", str(seconds), "-M", "prepared",
            "-f", f, "--log", "--log-prefix", prefix]
    for k, v in defs.items():
        args += ["-D", f"{k}={v}"]
    out = sh(*args, ci["dbname"])
    tps = float(re.search(r"tps = ([\d.]+)", out).group(1))
    lat = []
    for name in os.listdir(tmp):
        if name.startswith("log"):
            with open(os.path.join(tmp, name)) as fp:
                lat += [int(line.split()[2]) / 1000.0 for line in fp]
    lat.sort()
    return {"rps": tps, "p50": lat[len(lat) // 2], "p99": lat[min(len(lat) - 1, int(len(lat) * 0.99))],
            "errors": 0}


def twin_ratio(page, twin, token, conns, seconds, rounds=2):
    """A page's time over its JSON twin's, measured in alternation (twin, page,
    twin, page): both see the same machine, whatever else it is doing."""
    t = p = 0.0
    for _ in range(rounds):
        t += run_wrk(twin, token, conns, seconds)["rps"]
        p += run_wrk(page, token, conns, seconds)["rps"]
    return t / p if p else 0.0


def machine():
    cpu = "unknown"
    for line in open("/proc/cpuinfo"):
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    mem = int(open("/proc/meminfo").readline().split()[1]) // 1024
    return (f"{os.cpu_count()} cores ({cpu}), {mem} MiB, {platform.system()} {platform.release()}; "
            f"{sh('psql', '--version').strip()}; {sh('lighttpd', '-v').splitlines()[0]}")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--seconds", type=int, default=8)
    ap.add_argument("--conns", default="1,8,32")
    ap.add_argument("--only", default="")
    a = ap.parse_args()
    conns = [int(x) for x in a.conns.split(",")]
    token = [l.split()[1] for l in open(os.path.join(ROOT, "var", "demo-tokens")) if l.startswith("demo ")][0]
    tenant = psql("SELECT id FROM tenants WHERE name = 'demo'")
    task = psql(f"SELECT task_id FROM numbers WHERE user_id = '{tenant}' GROUP BY task_id ORDER BY count(*) DESC LIMIT 1")
    record = psql(f"SELECT id FROM records WHERE task_id = '{task}' ORDER BY calldate DESC, id DESC LIMIT 1")
    total = psql(f"SELECT count(*) FROM numbers WHERE task_id = '{task}'")
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        eps = endpoints({"task": task, "record": record})
        by_name = {ep["name"]: ep for ep in eps}
        for ep in eps:
            if a.only and a.only not in ep["name"]:
                continue
            for c in conns:
                w = run_wrk(ep, token, c, a.seconds)
                p = run_pgbench(ep, token, tenant, c, a.seconds, tmp, True)
                s = run_pgbench(ep, token, tenant, c, a.seconds, tmp, False)
                row = {"endpoint": ep["name"], "conns": c, "cr": w, "ceil": p, "single": s,
                       "ratio": w["rps"] / p["rps"] if p["rps"] else 0,
                       "ratio1": w["rps"] / s["rps"] if s["rps"] else 0, "twin": ep.get("twin")}
                if ep.get("twin") in by_name:
                    row["twin_ratio"] = twin_ratio(ep, by_name[ep["twin"]], token, c, a.seconds)
                rows.append(row)
                print(f"{ep['name']:34} c={c:<3} callreport {w['rps']:8.0f}/s p50 {w['p50']:6.2f} "
                      f"p99 {w['p99']:6.2f} ms | ceiling {p['rps']:8.0f}/s p50 {p['p50']:6.2f} "
                      f"p99 {p['p99']:6.2f} ms | ratio {row['ratio']:.2f} | one statement a trip "
                      f"{s['rps']:8.0f}/s ratio {row['ratio1']:.2f}", flush=True)
    write(rows, task, total, a)


def write(rows, task, total, a):
    out = [f"# Benchmark results", "",
           f"Run {datetime.datetime.now().strftime('%Y-%m-%d %H:%M')} with `make bench` "
           f"(bench/bench.py --seconds {a.seconds}).", "",
           f"Machine: {machine()}.", "",
           f"Data: the demo task with {total} numbers (`make demo SCALE=1000000`); "
           "callreport through lighttpd (4 FastCGI workers under multiwatch) measured with wrk. "
           "The ceiling is pgbench running the same statements with the same parameters as role "
           "callreport_web, -M prepared (named prepared statements with generic plans, as the "
           "program with its default prepare = 1), in one round trip as the program sends them: "
           "begin, statement timeout, the authenticating SELECT, the report's statements and "
           "ROLLBACK in one pipeline (\\startpipeline). \"One statement a trip\" is the same "
           "transaction with pgbench's plain protocol, each statement waiting for the one before. "
           "HTML time / JSON time: the page's requests a second against its JSON twin's, measured "
           "in alternation (twin, page, twin, page) just after the page's own row.", "",
           "| endpoint | conns | callreport req/s | p50 ms | p99 ms | ceiling tx/s | p50 ms | p99 ms "
           "| ratio | one statement a trip tx/s | ratio to it | HTML time / JSON time |",
           "|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for r in rows:
        twin = f"{r['twin_ratio']:.2f}" if "twin_ratio" in r else ""
        out.append(f"| {r['endpoint']} | {r['conns']} | {r['cr']['rps']:.0f} | {r['cr']['p50']:.2f} | "
                   f"{r['cr']['p99']:.2f} | {r['ceil']['rps']:.0f} | {r['ceil']['p50']:.2f} | "
                   f"{r['ceil']['p99']:.2f} | {r['ratio']:.2f} | {r['single']['rps']:.0f} | "
                   f"{r['ratio1']:.2f} | {twin} |")
    path = os.path.join(ROOT, "bench", "results.md")
    old = open(path).read() if os.path.exists(path) else ""
    keep = old.split("<!-- other benchmarks -->", 1)[1] if "<!-- other benchmarks -->" in old else ""
    with open(path, "w") as f:
        f.write("\n".join(out) + "\n\n<!-- other benchmarks -->" + keep)
    print("\n".join(out))


if __name__ == "__main__":
    main()
