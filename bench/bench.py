#!/usr/bin/python3
"""bench.py: every v1 endpoint and the two report pages, through lighttpd + the
FastCGI program (wrk) and against their ceiling (pgbench running the very
statements the endpoint runs, same parameters, named prepared statements with
generic plans as the program uses them), at 1, 8 and 32 connections, in one run.

Prints a table of throughput, p50/p99 latency and the ratio callreport/ceiling,
and writes it to bench/results.md with the machine's description. At 8
connections it also accounts where each request's CPU went (from /proc: the
database, the workers, lighttpd, the load generator), and measures the HTTP
floor: a request the program answers without the database, through the same
lighttpd and wrk.
usage: bench/bench.py [--seconds N] [--conns 1,8,32] [--only NAME[,NAME...]]
"""
import argparse
import datetime
import hashlib
import json
import os
import platform
import re
import resource
import statistics
import subprocess
import sys
import tempfile

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
sys.path.insert(0, os.path.dirname(__file__))
from endpoints import endpoints  # noqa: E402

BASE = os.environ.get("BENCH_URL", "http://127.0.0.1:8080")
FLOOR = {"name": "HTTP floor (a 404, no database)", "method": "GET", "path": "/v1/no-such-report"}


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


# The process groups a request's CPU is accounted to (by the name in /proc/PID/stat);
# the load generator (wrk or pgbench) is this script's child, counted apart.
GROUPS = {"postgres": "postgres", "callreport.fcgi": "worker", "multiwatch": "worker",
          "lighttpd": "lighttpd"}
TICK = os.sysconf("SC_CLK_TCK")


def cpu_snapshot():
    """CPU seconds so far of each group of processes (every process but this one): a
    process's own time and that of its reaped children. A process that ends is
    reaped by its parent, of the same group (a worker replaced after max_requests
    by multiwatch, a backend by the postmaster), so the group's total carries on."""
    snap = {}
    for pid in os.listdir("/proc"):
        if not pid.isdigit() or int(pid) == os.getpid():
            continue
        try:
            with open(f"/proc/{pid}/stat") as f:
                st = f.read()
        except OSError:
            continue
        comm, rest = st[st.index("(") + 1:st.rindex(")")], st[st.rindex(")") + 2:].split()
        group = GROUPS.get(comm, "other")
        snap[group] = snap.get(group, 0.0) + sum(int(x) for x in rest[11:15]) / TICK
    return snap


def client_cpu():
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def accounted(run, *args):
    """run(*args) with the CPU each group spent meanwhile, in microseconds a request
    (result["cpu"]; "client" is the load generator). The window is a little wider
    than the run (the generator's start and end) and takes in every process of the
    machine: run the bench on an otherwise idle machine."""
    before, c0 = cpu_snapshot(), client_cpu()
    r = run(*args)
    after, c1 = cpu_snapshot(), client_cpu()
    n = r["n"]
    cpu = {"client": c1 - c0}
    for group in set(before) | set(after):
        cpu[group] = after.get(group, 0.0) - before.get(group, 0.0)
        if cpu[group] < 0:	# a process reaped by a parent of another group
            print(f"warning: {group} CPU went down by {-cpu[group]:.2f} s; counted as 0",
                  file=sys.stderr)
            cpu[group] = 0.0
    r["cpu"] = {g: v / n * 1e6 for g, v in cpu.items()} if n else {}
    return r


def run_wrk(ep, token, conns, seconds):
    env = dict(os.environ, BENCH_METHOD=ep["method"], BENCH_TOKEN=token,
               BENCH_BODY=json.dumps(ep["body"]) if ep.get("body") else "")
    # (--timeout: a slow request is measured, not dropped as wrk's 2 s socket timeout)
    out = sh("wrk", "-t", str(min(conns, 2)), "-c", str(conns), "-d", f"{seconds}s", "--latency",
             "--timeout", "60s",
             "-s", os.path.join(ROOT, "bench", "wrk.lua"), BASE + ep["path"], env=env)
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    p50 = ms(re.search(r"\s50%\s+(\S+)", out).group(1))
    p99 = ms(re.search(r"\s99%\s+(\S+)", out).group(1))
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return {"rps": rps, "p50": p50, "p99": p99, "errors": int(bad.group(1)) if bad else 0,
            "n": int(re.search(r"(\d+) requests in", out).group(1))}


def statement(path, params):
    """An SQL file (its includes done, as the program runs it) with $k replaced by
    pgbench variables :pk (NULL stays NULL)."""
    sql = sh(os.path.join(ROOT, "scripts", "embed-sql.sh"), "--text",
             os.path.join(ROOT, "sql", "reports", path))
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
    authenticating SELECT (cgi/store/db.c) with the token's hash, the report's statements,
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
            "errors": 0,
            "n": int(re.search(r"number of transactions actually processed: (\d+)", out).group(1))}


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
    ap.add_argument("--account", type=int, default=8,
                    help="the connection count at which CPU is accounted per process group")
    a = ap.parse_args()
    conns = [int(x) for x in a.conns.split(",")]
    token = [l.split()[1] for l in open(os.path.join(ROOT, "var", "demo-tokens")) if l.startswith("demo ")][0]
    tenant = psql("SELECT id FROM tenants WHERE name = 'demo'")
    task = psql(f"SELECT task_id FROM numbers WHERE user_id = '{tenant}' GROUP BY task_id ORDER BY count(*) DESC LIMIT 1")
    record = psql(f"SELECT id FROM records WHERE task_id = '{task}' ORDER BY calldate DESC, id DESC LIMIT 1")
    total = psql(f"SELECT count(*) FROM numbers WHERE task_id = '{task}'")
    tasks = psql(f"SELECT array_agg(uuid ORDER BY uuid) FROM tasks WHERE user_id = '{tenant}'")
    q = psql(f"SELECT right(number, 4) FROM numbers WHERE task_id = '{task}' ORDER BY id DESC LIMIT 1")
    rows, floor = [], {}

    def measure(c):
        """How runs at c connections are made: with their CPU accounted, or not."""
        return accounted if c == a.account else lambda run, *args: run(*args)

    with tempfile.TemporaryDirectory() as tmp:
        eps = endpoints({"task": task, "record": record, "tasks": tasks, "q": q})
        by_name = {ep["name"]: ep for ep in eps}
        for c in conns:
            # What lighttpd, a worker and wrk cost with no database at all: the
            # program answers an unknown path (404) before it connects or signs in.
            floor[c] = measure(c)(run_wrk, FLOOR, token, c, a.seconds)
            print(f"{FLOOR['name']:34} c={c:<3} {floor[c]['rps']:8.0f}/s p50 {floor[c]['p50']:6.2f} "
                  f"p99 {floor[c]['p99']:6.2f} ms", flush=True)
        for ep in eps:
            if a.only and not any(o in ep["name"] for o in a.only.split(",")):
                continue
            for c in conns:
                w = measure(c)(run_wrk, ep, token, c, a.seconds)
                p = measure(c)(run_pgbench, ep, token, tenant, c, a.seconds, tmp, True)
                s = run_pgbench(ep, token, tenant, c, a.seconds, tmp, False)
                row = {"endpoint": ep["name"], "conns": c, "cr": w, "ceil": p, "single": s,
                       "ratio": w["rps"] / p["rps"] if p["rps"] else 0,
                       "ratio1": w["rps"] / s["rps"] if s["rps"] else 0, "twin": ep.get("twin"),
                       "target": ep.get("target_p99")}
                if ep.get("twin") in by_name:
                    row["twin_ratio"] = twin_ratio(ep, by_name[ep["twin"]], token, c, a.seconds)
                rows.append(row)
                print(f"{ep['name']:34} c={c:<3} callreport {w['rps']:8.0f}/s p50 {w['p50']:6.2f} "
                      f"p99 {w['p99']:6.2f} ms | ceiling {p['rps']:8.0f}/s p50 {p['p50']:6.2f} "
                      f"p99 {p['p99']:6.2f} ms | ratio {row['ratio']:.2f} | one statement a trip "
                      f"{s['rps']:8.0f}/s ratio {row['ratio1']:.2f}", flush=True)
    write(rows, floor, task, total, a)


def cpu_table(rows, floor, c):
    """Where a request's CPU went at c connections, in microseconds a request."""
    groups = ["postgres", "worker", "lighttpd", "client", "other"]
    f = floor[c]["cpu"]
    ftotal = sum(f.values())
    out = [f"### Where a request's CPU goes, at {c} connections", "",
           "Microseconds of CPU a request (or a ceiling transaction), summed over each group of "
           "processes from /proc while the run lasted: PostgreSQL (every postgres process), the "
           "workers (multiwatch and callreport.fcgi), lighttpd, the load generator (wrk, or "
           "pgbench for the ceiling) and everything else on the machine (kernel threads "
           "included). \"0.8 allows\" is 1.25 times the ceiling's total: what a request may cost "
           "in all for callreport to reach 0.8 of the ceiling on this machine, whose two cores "
           "are saturated at 8 connections. The HTTP floor row is a request the program answers "
           "without the database; its total is what lighttpd, a worker and wrk cost before any "
           "report work.", "",
           "| endpoint | postgres | worker | lighttpd | wrk | other | total | ceiling: postgres "
           "| pgbench | other | total | 0.8 allows | HTTP floor + ceiling's postgres |",
           "|---|---|---|---|---|---|---|---|---|---|---|---|---|",
           f"| {FLOOR['name']} | " + " | ".join(f"{f.get(g, 0):.0f}" for g in groups) +
           f" | {ftotal:.0f} | | | | | | |"]
    for r in rows:
        if r["conns"] != c or "cpu" not in r["cr"]:
            continue
        w, p = r["cr"]["cpu"], r["ceil"]["cpu"]
        ptotal = sum(p.values())
        out.append(f"| {r['endpoint']} | " + " | ".join(f"{w.get(g, 0):.0f}" for g in groups) +
                   f" | {sum(w.values()):.0f} | {p.get('postgres', 0):.0f} | {p.get('client', 0):.0f} | "
                   f"{p.get('other', 0) + p.get('worker', 0) + p.get('lighttpd', 0):.0f} | "
                   f"{ptotal:.0f} | {1.25 * ptotal:.0f} | {ftotal + p.get('postgres', 0):.0f} |")
    return out


def write(rows, floor, task, total, a):
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
           "in alternation (twin, page, twin, page) just after the page's own row. The HTTP floor: "
           "a request the program answers at once, without the database (an unknown path, 404), "
           "through the same lighttpd and wrk.", "",
           "| endpoint | conns | callreport req/s | p50 ms | p99 ms | ceiling tx/s | p50 ms | p99 ms "
           "| ratio | one statement a trip tx/s | ratio to it | HTML time / JSON time |",
           "|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for r in rows:
        twin = f"{r['twin_ratio']:.2f}" if "twin_ratio" in r else ""
        out.append(f"| {r['endpoint']} | {r['conns']} | {r['cr']['rps']:.0f} | {r['cr']['p50']:.2f} | "
                   f"{r['cr']['p99']:.2f} | {r['ceil']['rps']:.0f} | {r['ceil']['p50']:.2f} | "
                   f"{r['ceil']['p99']:.2f} | {r['ratio']:.2f} | {r['single']['rps']:.0f} | "
                   f"{r['ratio1']:.2f} | {twin} |")
    for c, f in floor.items():
        out.append(f"| {FLOOR['name']} | {c} | {f['rps']:.0f} | {f['p50']:.2f} | {f['p99']:.2f} "
                   "| | | | | | | |")
    if a.account in floor and "cpu" in floor[a.account]:
        out += [""] + cpu_table(rows, floor, a.account)
    targets = [r for r in rows if r.get("target")]
    if targets:
        out += ["", "### Issue 17's latency targets", "",
                "p99 of the endpoint through lighttpd (wrk) beside its target; the ceiling's p99 is "
                "PostgreSQL alone running the same statements (pgbench).", "",
                "| endpoint | conns | requests | non-2xx | p99 ms | target ms | met | ceiling p99 ms |",
                "|---|---|---|---|---|---|---|---|"]
        out += [f"| {r['endpoint']} | {r['conns']} | {r['cr']['n']} | {r['cr']['errors']} | "
                f"{r['cr']['p99']:.2f} | {r['target']} | "
                f"{'yes' if r['cr']['n'] and not r['cr']['errors'] and 0 < r['cr']['p99'] < r['target'] else 'no'} | "
                f"{r['ceil']['p99']:.2f} |" for r in targets]
    path = os.path.join(ROOT, "bench", "results.md")
    old = open(path).read() if os.path.exists(path) else ""
    keep = old.split("<!-- other benchmarks -->", 1)[1] if "<!-- other benchmarks -->" in old else ""
    with open(path, "w") as f:
        f.write("\n".join(out) + "\n\n<!-- other benchmarks -->" + keep)
    print("\n".join(out))


if __name__ == "__main__":
    main()
