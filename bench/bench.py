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
import json
import os
import platform
import re
import shutil
import resource
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse

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
        # Not init's reaped children: a daemon (lighttpd) stopped by web.sh is reaped by
        # it, and a whole earlier server's CPU would land in "other" of the run.
        snap[group] = snap.get(group, 0.0) + sum(int(x) for x in rest[11:13 if pid == "1" else 15]) / TICK
    return snap


class Switches:
    """The context switches of the backends of role callreport_web (the program's and
    pgbench's; the postmaster's children) while a run lasts: sampled every 0.1 s by a thread, so that a backend that ends
    meanwhile (a worker recycled) keeps what it did up to its last sample."""

    def __init__(self):
        pid = open(os.path.join(ROOT, "var", "pg", "data", "postmaster.pid")).readline().strip()
        self.children = f"/proc/{pid}/task/{pid}/children"
        self.seen = {}	# pid -> [first, last]
        self.others = set()	# not a backend of role callreport_web
        self.stop = threading.Event()

    def sample(self):
        try:
            pids = open(self.children).read().split()
        except OSError:
            return
        for p in pids:
            if p not in self.seen and p not in self.others:
                try:
                    with open(f"/proc/{p}/cmdline", "rb") as f:
                        if not f.read().startswith(b"postgres: callreport_web "):
                            self.others.add(p)
                            continue
                except OSError:
                    continue
            if p in self.others:
                continue
            try:
                with open(f"/proc/{p}/status") as f:
                    n = sum(int(l.split()[1]) for l in f if "ctxt_switches" in l)
            except (OSError, ValueError, IndexError):
                continue
            if p in self.seen:
                self.seen[p][1] = n
            else:
                self.seen[p] = [n if self.started else 0, n]

    def __enter__(self):
        self.started = False
        self.sample()
        self.started = True
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()
        return self

    def _run(self):
        while not self.stop.wait(0.1):
            self.sample()

    def __exit__(self, *exc):
        self.stop.set()
        self.thread.join()
        self.sample()
        self.total = sum(last - first for first, last in self.seen.values())


def client_cpu():
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def accounted(run, *args):
    """run(*args) with the CPU each group spent meanwhile, in microseconds a request
    (result["cpu"]; "client" is the load generator). The window is a little wider
    than the run (the generator's start and end) and takes in every process of the
    machine: run the bench on an otherwise idle machine."""
    with Switches() as sw:
        before, c0 = cpu_snapshot(), client_cpu()
        r = run(*args)
        after, c1 = cpu_snapshot(), client_cpu()
    n = r["n"]
    r["switches"] = sw.total / n if n else 0
    cpu = {"client": c1 - c0}
    for group in set(before) | set(after):
        cpu[group] = after.get(group, 0.0) - before.get(group, 0.0)
        if cpu[group] < 0:	# a process reaped by a parent of another group
            print(f"warning: {group} CPU went down by {-cpu[group]:.2f} s; counted as 0",
                  file=sys.stderr)
            cpu[group] = 0.0
    r["cpu"] = {g: v / n * 1e6 for g, v in cpu.items()} if n else {}
    return r


def run_wrk(ep, token, conns, seconds, base=None):
    env = dict(os.environ, BENCH_METHOD=ep["method"], BENCH_TOKEN=token,
               BENCH_BODY=json.dumps(ep["body"]) if ep.get("body") else "")
    # (--timeout: a slow request is measured, not dropped as wrk's 2 s socket timeout)
    out = sh("wrk", "-t", str(min(conns, 2)), "-c", str(conns), "-d", f"{seconds}s", "--latency",
             "--timeout", "60s",
             "-s", os.path.join(ROOT, "bench", "wrk.lua"), (base or BASE) + ep["path"], env=env)
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    p50 = ms(re.search(r"\s50%\s+(\S+)", out).group(1))
    p99 = ms(re.search(r"\s99%\s+(\S+)", out).group(1))
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return {"rps": rps, "p50": p50, "p99": p99, "errors": int(bad.group(1)) if bad else 0,
            "n": int(re.search(r"(\d+) requests in", out).group(1))}


def strip(line):
    """The line without its -- comment (one outside quotes)."""
    quoted = False
    for i, ch in enumerate(line):
        if ch == "'":
            quoted = not quoted
        elif not quoted and line.startswith("--", i):
            return line[:i]
    return line


def pgbench_script(ep, pipelined):
    """The transaction of one of the program's requests for ep, as the counting proxy
    saw it (ep["flights"], bench/pgcount.py): every statement with its parameters, in
    its round trips. pipelined: each round trip of several statements one pipeline, as
    the program sends it; else one statement a round trip. Parameters become pgbench
    variables (-D); a NULL one, NULL."""
    lines, defs = [], {}
    for flight in ep["flights"]:
        block = []
        for text, params in flight:
            sql = " ".join(strip(line) for line in text.splitlines()).strip().rstrip(";")

            def sub(m):
                v = params[int(m.group(1)) - 1]
                if v is None:
                    return "NULL"
                name = f"v{len(defs) + 1}"
                defs[name] = v
                return f":{name}"
            sql = re.sub(r"\$(\d+)", sub, sql)
            # A tenant's slot (callreport_slot, tenant_max_requests) is taken per pgbench
            # client: the same statement at the cost of its first, free slot, which is
            # what a request pays when it is answered (more clients than the tenant's
            # slots would fail the ceiling as the program answers 429).
            sql = re.sub(r"callreport_slot\((:v\d+)", r"callreport_slot(\1::text || :client_id::text", sql)
            block.append(sql + ";")
        if pipelined and len(block) > 1:
            block = ["\\startpipeline"] + block + ["\\endpipeline"]
        lines += block
    return "\n".join(lines) + "\n", defs


def run_pgbench(ep, conns, seconds, tmp, pipelined, host=None, rate=None):
    script, defs = pgbench_script(ep, pipelined)
    f = os.path.join(tmp, "script.sql")
    with open(f, "w") as fp:
        fp.write(script)
    ci = conninfo("callreport_web")
    prefix = os.path.join(tmp, "log")
    for old in os.listdir(tmp):
        if old.startswith("log"):
            os.unlink(os.path.join(tmp, old))
    args = ["pgbench", "-n", "-h", host or ci["host"], "-p", ci["port"], "-U", "callreport_web",
            "-c", str(conns), "-j", str(min(conns, 2)), "-T", str(seconds), "-M", "prepared",
            "-f", f, "--log", "--log-prefix", prefix] + (["-R", f"{rate:.0f}"] if rate else [])
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


def query_ids(on):
    """Query ids computed (compute_query_id) for statements prepared from now on, or not:
    pg_stat_statements tracks only those. On before the counting pass's workers start
    (they prepare their begin before their first request); False when
    pg_stat_statements is not loaded (the cluster loads it idle, scripts/pg.sh)."""
    if on and "pg_stat_statements" not in psql("SHOW shared_preload_libraries"):
        print("note: pg_stat_statements is not loaded (restart the cluster: scripts/pg.sh stop; "
              "scripts/pg.sh start); no statements counted", file=sys.stderr)
        return False
    if on:
        psql("CREATE EXTENSION IF NOT EXISTS pg_stat_statements")
        psql("ALTER SYSTEM SET compute_query_id = on")
    else:
        psql("ALTER SYSTEM RESET compute_query_id")
    psql("SELECT pg_reload_conf()")
    return on


def statements_on():
    """Turns pg_stat_statements' tracking on (never during a timed run)."""
    psql("ALTER SYSTEM SET pg_stat_statements.track = 'top'")
    psql("SELECT pg_reload_conf()")
    return True


def statements_off():
    psql("ALTER SYSTEM RESET pg_stat_statements.track")
    psql("SELECT pg_reload_conf()")


def statements_read(n):
    """The statements role callreport_web ran since the last reset, as (calls a
    request, text) with the text's spaces collapsed; then resets."""
    rows = json.loads(psql(
        "SELECT coalesce(json_agg(json_build_object('calls', s.calls, 'query', "
        "left(regexp_replace(s.query, '\\s+', ' ', 'g'), 100)) ORDER BY s.calls DESC, s.query), '[]') "
        "FROM pg_stat_statements s JOIN pg_roles r ON r.oid = s.userid "
        "WHERE r.rolname = 'callreport_web'"))
    psql("SELECT pg_stat_statements_reset()")
    return [(r["calls"] / n, r["query"]) for r in rows if n]


def per_request(snap, n):
    to, back = snap["client"], snap["server"]
    return {"n": n, "trips": snap["trips"] / n, "to": sum(to.values()) / n,
            "from": sum(back.values()) / n, "conns": snap["conns"],
            "to_types": {k: v / n for k, v in sorted(to.items())},
            "from_types": {k: v / n for k, v in sorted(back.items())}}


class Counting:
    """What each endpoint asks of PostgreSQL, a request: its messages each way, its round
    trips (bench/pgcount.py, a counting proxy) and its statements (pg_stat_statements),
    from the program (a second lighttpd on port, its workers connected through the
    proxy) and from pgbench running the ceiling's transaction through the same proxy,
    one connection each, for seconds each. The proxy also keeps the statements of the
    program's last request: they are the ceiling's transaction (pgbench_script)."""

    def __init__(self, token, conf, port, seconds):
        self.token, self.conf, self.port, self.seconds = token, conf, port, seconds

    def __enter__(self):
        import pgcount
        ci = conninfo("callreport_web")
        self.dir = tempfile.mkdtemp(prefix="pgcount")
        self.counter = pgcount.Counter(self.dir, ci["port"],
                                       os.path.join(ci["host"], f".s.PGSQL.{ci['port']}"))
        cf = os.path.join(self.dir, "callreport.conf")
        with open(cf, "w") as f:
            f.write(re.sub(r"host=\S+", f"host={self.dir}", open(self.conf).read()))
        self.web = os.path.join(ROOT, "scripts", "web.sh")
        self.ids = query_ids(True)
        sh(self.web, "start", str(self.port), cf, env=dict(os.environ, CALLREPORT_JOBS="0"))
        self.base = f"http://127.0.0.1:{self.port}"
        return self

    def __exit__(self, *exc):
        sh(self.web, "stop", str(self.port))
        if self.ids:
            query_ids(False)
        self.counter.close()
        shutil.rmtree(self.dir, ignore_errors=True)

    def count(self, ep):
        """Counts ep a request; sets ep["flights"] (the ceiling's transaction)."""
        row = {}
        tracked = self.ids and statements_on()
        try:
            run_wrk(ep, self.token, 1, 1, self.base)	# the workers' connections made and warm
            if tracked:
                statements_read(1)
            self.counter.reset()
            w = run_wrk(ep, self.token, 1, self.seconds, self.base)
            row["cr"] = per_request(self.counter.snapshot(), w["n"])
            row["cr"]["stmts"] = statements_read(w["n"]) if tracked else []
            row["cr"]["errors"] = w["errors"]
            ep["flights"] = self.counter.request(max(1, round(row["cr"]["trips"])))
            self.counter.reset()
            p = run_pgbench(ep, 1, self.seconds, self.dir, True, host=self.dir)
            row["pg"] = per_request(self.counter.snapshot(), p["n"])
            row["pg"]["stmts"] = statements_read(p["n"]) if tracked else []
        finally:
            if tracked:
                statements_off()
        print(f"{ep['name']:34} a request: round trips {row['cr']['trips']:.2f} (pgbench "
              f"{row['pg']['trips']:.2f}), messages {row['cr']['to']:.1f}+{row['cr']['from']:.1f} "
              f"(pgbench {row['pg']['to']:.1f}+{row['pg']['from']:.1f}), statements "
              f"{sum(c for c, _ in row['cr']['stmts']):.2f} (pgbench "
              f"{sum(c for c, _ in row['pg']['stmts']):.2f})", flush=True)
        return row


def protocol_table(rows, counts, c):
    """The counting pass beside the context switches of the run at c connections."""
    def types(t):
        return " ".join(f"{k}{v:.2g}" for k, v in t.items())
    out = ["### What a request asks of PostgreSQL", "",
           "Counted on one connection through a proxy that parses the protocol (bench/pgcount.py): "
           "the messages each way and the round trips (a flight of messages to the server after "
           "its last answer), for the program (a second lighttpd whose workers connect through "
           "the proxy) and for pgbench running the ceiling's transaction; the statements from "
           "pg_stat_statements (calls a request; a function's own statements not counted, "
           "track = top). Context switches: of every PostgreSQL process (voluntary and not, "
           "/proc/PID/status) a request, in the timed run at "
           f"{c} connections. Message types: the protocol's letters (to the server: B bind, "
           "E execute, D describe, P parse, S sync, Q simple query; from it: 1 parse done, "
           "2 bind done, T row description, D data row, C command done, Z ready, n no data).", "",
           "| endpoint | round trips | pgbench | messages to PostgreSQL | pgbench | messages from it "
           "| pgbench | statements | pgbench | context switches | pgbench |",
           "|---|---|---|---|---|---|---|---|---|---|---|"]
    detail = []
    for r in rows:
        if r["conns"] != c or r["endpoint"] not in counts:
            continue
        k = counts[r["endpoint"]]
        w, p = k["cr"], k["pg"]
        out.append(f"| {r['endpoint']} | {w['trips']:.2f} | {p['trips']:.2f} | {w['to']:.1f} | "
                   f"{p['to']:.1f} | {w['from']:.1f} | {p['from']:.1f} | "
                   f"{sum(x for x, _ in w['stmts']):.2f} | {sum(x for x, _ in p['stmts']):.2f} | "
                   f"{r['cr'].get('switches', 0):.2f} | {r['ceil'].get('switches', 0):.2f} |")
        detail += [f"- **{r['endpoint']}**: to PostgreSQL {types(w['to_types'])} (pgbench "
                   f"{types(p['to_types'])}); from it {types(w['from_types'])} (pgbench "
                   f"{types(p['from_types'])})."]
        for who, st in (("program", w["stmts"]), ("pgbench", p["stmts"])):
            detail.append(f"  - {who}: " + "; ".join(f"{x:.2f}× `{q}`" for x, q in st if x >= 0.01))
    return out + ["", "Messages and statements a request:", ""] + detail


def recycling(eps, token, conf, seconds, conns):
    """What a worker's recycle costs: each endpoint at conns connections with the workers
    recycled every second or so (worker_max_age = 1, worker_min_age = 1) against the
    same run without (the configuration measured). Recycles are counted as PostgreSQL's
    new sessions (pg_stat_database: a new worker connects before its first request).
    What a recycle costs is fresh_worker's: the difference of two runs' CPU, over some
    thirty recycles, is within the runs' noise."""
    often = one_tenant_conf("bench-recycle.conf", "bench/bench.py, recycled every second",
                            "worker_max_age = 1\nworker_min_age = 1\n")
    out = []
    sessions = "SELECT sessions FROM pg_stat_database WHERE datname = current_database()"
    for ep in eps:
        row = {"endpoint": ep["name"]}
        for name, cf in (("steady", conf), ("recycled", often)):
            web(cf, {"CALLREPORT_MW_RETRY": "1000000", "CALLREPORT_JOBS": "0"})
            run_wrk(ep, token, conns, 1)
            s0 = int(psql(sessions))
            row[name] = run_wrk(ep, token, conns, seconds)
            # (less the session of the psql that read s0)
            row[name]["recycles"] = int(psql(sessions)) - s0 - 1
        st, rc = row["steady"], row["recycled"]
        out.append(row)
        print(f"{ep['name']:34} recycles {rc['recycles']} in {seconds} s: p99 {rc['p99']:.2f} ms "
              f"(steady {st['p99']:.2f}, {st['recycles']} recycles)", flush=True)
    web(conf)
    return out


def proc_cpu(pid):
    """CPU seconds of a process so far (its own; the scheduler's count, in ns)."""
    with open(f"/proc/{pid}/schedstat") as f:
        return int(f.read().split()[0]) / 1e9


def workers(port):
    """The pids of the FastCGI workers of our lighttpd on port (its descendants)."""
    with open(os.path.join(ROOT, "var", f"lighttpd-{port}.pid")) as f:
        todo, out = [f.read().strip()], []
    while todo:
        p = todo.pop()
        try:
            todo += open(f"/proc/{p}/task/{p}/children").read().split()
            if open(f"/proc/{p}/cmdline", "rb").read().split(b"\0")[0].endswith(b"callreport.fcgi"):
                out.append(p)
        except OSError:
            pass
    return out


def backends():
    """The pids of the backends of role callreport_web now."""
    pid = open(os.path.join(ROOT, "var", "pg", "data", "postmaster.pid")).readline().strip()
    out = set()
    for p in open(f"/proc/{pid}/task/{pid}/children").read().split():
        try:
            with open(f"/proc/{p}/cmdline", "rb") as f:
                if f.read().startswith(b"postgres: callreport_web "):
                    out.add(p)
        except OSError:
            pass
    return out


def fresh_worker(eps, token, conf, port, steady=200):
    """What a new worker costs, by parts: a lighttpd with one worker started on port; the
    worker's CPU and its backend's until it waits for its first request (its start and
    its warm connection), then each endpoint's first request (latency, and the CPU of
    both beyond a steady request of the same endpoint: statements prepared and planned,
    caches filled) against the mean of the next steady ones. One row an endpoint, each
    with a worker of its own."""
    import http.client
    out = []
    base = f"http://127.0.0.1:{port}"
    env = dict(os.environ, CALLREPORT_WORKERS="1", CALLREPORT_JOBS="0")
    for ep in eps:
        before = backends()
        sh(os.path.join(ROOT, "scripts", "web.sh"), "start", str(port), conf, env=env)
        try:
            worker = backend = None
            for _ in range(100):
                worker = workers(port)
                new = backends() - before
                if worker and new:
                    worker, backend = worker[0], new.pop()
                    break
                time.sleep(0.05)
            time.sleep(0.3)	# its warm-up done: it waits in accept
            w0, b0 = proc_cpu(worker), proc_cpu(backend)
            u = urllib.parse.urlsplit(base + ep["path"])
            c = http.client.HTTPConnection(u.hostname, u.port)
            body = json.dumps(ep["body"]) if ep.get("body") else None
            hdr = {"Authorization": "Bearer " + token}
            if body:
                hdr["Content-Type"] = "application/json"

            def one():
                t = time.monotonic()
                c.request(ep["method"], u.path + ("?" + u.query if u.query else ""), body=body,
                          headers=hdr)
                r = c.getresponse()
                r.read()
                assert r.status == 200, (ep["name"], r.status)
                return (time.monotonic() - t) * 1000
            first = one()
            w1, b1 = proc_cpu(worker), proc_cpu(backend)
            lat = [one() for _ in range(steady)]
            w2, b2 = proc_cpu(worker), proc_cpu(backend)
            c.close()
        finally:
            sh(os.path.join(ROOT, "scripts", "web.sh"), "stop", str(port))
        row = {"endpoint": ep["name"], "start_worker": w0 * 1000, "start_backend": b0 * 1000,
               "first_ms": first, "steady_ms": sorted(lat)[len(lat) // 2],
               "first_worker": (w1 - w0 - (w2 - w1) / steady) * 1000,
               "first_backend": (b1 - b0 - (b2 - b1) / steady) * 1000}
        out.append(row)
        print(f"{ep['name']:34} new worker: start {row['start_worker']:.1f} + backend "
              f"{row['start_backend']:.1f} ms CPU; first request {first:.2f} ms (steady "
              f"{row['steady_ms']:.2f}), beyond steady: worker {row['first_worker']:.1f}, "
              f"postgres {row['first_backend']:.1f} ms CPU", flush=True)
    return out


def fresh_table(rows):
    return ["#### A new worker, by parts", "",
            "A lighttpd with one worker, for each endpoint: the CPU of the worker (its start: "
            "the program loaded, the configuration and templates read) and of its backend (the "
            "backend's start, the sign-in, the begin prepared: the warm connection) until it "
            "waits for its first request; then that first request's latency against a steady "
            "one's (the median of the next 200 on the same kept-alive connection), and the CPU "
            "it took beyond a steady request's (its statements prepared and planned, the "
            "backend's caches filled). CPU from /proc/PID/schedstat.", "",
            "| endpoint | worker start, ms CPU | backend start and warm-up, ms CPU | first "
            "request, ms | steady request, ms | first request's extra: worker, ms CPU | "
            "postgres, ms CPU |", "|---|---|---|---|---|---|---|"] + [
        f"| {r['endpoint']} | {r['start_worker']:.0f} | {r['start_backend']:.0f} | "
        f"{r['first_ms']:.2f} | {r['steady_ms']:.2f} | {r['first_worker']:.0f} | "
        f"{r['first_backend']:.0f} |" for r in rows]


def recycling_table(rows, conns, seconds):
    out = ["### Recycling a worker", "",
           f"Each endpoint at {conns} connections for {seconds} s with the workers recycled "
           "about every second (worker_max_age = 1, worker_min_age = 1: about four recycles a "
           "second), against the same run with the configuration measured (by memory, "
           "worker_max_rss = 128 MiB, and by age, worker_max_age = 3600 s: none in a run). "
           "Recycles: PostgreSQL's new sessions in the run (a new worker connects and prepares "
           "its begin before its first request). What one costs: the next table.", "",
           "| endpoint | steady req/s | p99 ms | recycles | recycled req/s | p99 ms | recycles "
           "| non-2xx |", "|---|---|---|---|---|---|---|---|"]
    for r in rows:
        st, rc = r["steady"], r["recycled"]
        out.append(f"| {r['endpoint']} | {st['rps']:.0f} | {st['p99']:.2f} | {st['recycles']} | "
                   f"{rc['rps']:.0f} | {rc['p99']:.2f} | {rc['recycles']} | "
                   f"{st['errors'] + rc['errors']} |")
    return out


def web(conf, env=None):
    """(Re)starts the lighttpd of BASE (the demo's) with conf."""
    port = str(urllib.parse.urlsplit(BASE).port or 80)
    subprocess.run([os.path.join(ROOT, "scripts", "web.sh"), "start", port, conf], check=True,
                   capture_output=True, env=dict(os.environ, **(env or {})))


def one_tenant_conf(name, who, extra=""):
    """var/NAME: the demo's configuration with tenant_max_requests = 0, for a benchmark whose
    connections are all one tenant's (its default 2 answers most of them 429 at 8
    connections, and a benchmark of fast 429s measures nothing), then the lines extra.
    Returns its path."""
    conf = os.path.join(ROOT, "var", name)
    with open(os.path.join(ROOT, "var", "callreport.conf")) as f, open(conf, "w") as g:
        g.write(f.read() + f"\n# {who}: its connections are one tenant's\ntenant_max_requests = 0\n"
                + extra)
    return conf


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
    ap.add_argument("--count-port", type=int, default=8091,
                    help="the port of the counting pass's lighttpd")
    ap.add_argument("--count-seconds", type=int, default=2,
                    help="seconds of each counting run")
    ap.add_argument("--no-recycle", dest="recycle", action="store_false",
                    help="no recycling runs")
    ap.add_argument("--no-timed", dest="timed", action="store_false",
                    help="the recycling runs only (and no results.md)")
    a = ap.parse_args()
    token = [l.split()[1] for l in open(os.path.join(ROOT, "var", "demo-tokens")) if l.startswith("demo ")][0]
    tenant = psql("SELECT id FROM tenants WHERE name = 'demo'")
    task = psql(f"SELECT task_id FROM numbers WHERE user_id = '{tenant}' GROUP BY task_id ORDER BY count(*) DESC LIMIT 1")
    record = psql(f"SELECT id FROM records WHERE task_id = '{task}' ORDER BY calldate DESC, id DESC LIMIT 1")
    total = psql(f"SELECT count(*) FROM numbers WHERE task_id = '{task}'")
    tasks = psql(f"SELECT array_agg(uuid ORDER BY uuid) FROM tasks WHERE user_id = '{tenant}'")
    q = psql(f"SELECT right(number, 4) FROM numbers WHERE task_id = '{task}' ORDER BY id DESC LIMIT 1")
    # The demo's server, for the run, with the demo's configuration but for the tenant's
    # share of the workers (its default 2 would answer most requests 429 at 8 connections).
    conf = one_tenant_conf("bench.conf", "bench/bench.py")
    web(conf)
    try:
        rows, floor, counts = run(a, conf, token, tenant, task, record, tasks, q) if a.timed \
            else ([], {}, {})
        # Issue 21's endpoints (the JSON ones and both pages: a p99 target of 20 ms).
        eps = [ep for ep in endpoints({"task": task, "record": record, "tasks": tasks, "q": q})
               if ep.get("target_p99") == 20 and "search" not in ep["name"]
               and (not a.only or any(o in ep["name"] for o in a.only.split(",")))]
        recycled = recycling(eps, token, conf, a.seconds, a.account) if a.recycle else []
        fresh = fresh_worker(eps, token, conf, a.count_port) if a.recycle else []
    finally:
        web(os.path.join(ROOT, "var", "callreport.conf"))
    if a.timed:
        write(rows, floor, task, total, a, counts, recycled, fresh)
    else:
        print("\n".join(recycling_table(recycled, a.account, a.seconds) + [""] + fresh_table(fresh)))


def run(a, conf, token, tenant, task, record, tasks, q):
    """Every endpoint at every connection count; returns the rows, the HTTP floor and the
    counting pass."""
    rows, floor, counts = [], {}, {}
    conns = [int(x) for x in a.conns.split(",")]

    def measure(c):
        """How runs at c connections are made: with their CPU accounted, or not."""
        return accounted if c == a.account else lambda run, *args: run(*args)

    with tempfile.TemporaryDirectory() as tmp, \
            Counting(token, conf, a.count_port, a.count_seconds) as counting:
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
            # First the counting pass, which also gives the ceiling its transaction.
            counts[ep["name"]] = counting.count(ep)
            for c in conns:
                w = measure(c)(run_wrk, ep, token, c, a.seconds)
                p = measure(c)(run_pgbench, ep, c, a.seconds, tmp, True)
                s = run_pgbench(ep, c, a.seconds, tmp, False)
                row = {"endpoint": ep["name"], "conns": c, "cr": w, "ceil": p, "single": s,
                       "ratio": w["rps"] / p["rps"] if p["rps"] else 0,
                       "ratio1": w["rps"] / s["rps"] if s["rps"] else 0, "twin": ep.get("twin"),
                       "target": ep.get("target_p99")}
                if c == a.account:
                    # The ceiling at the program's own rate: its backends wait for each
                    # transaction as the program's wait for each request.
                    row["paced"] = accounted(run_pgbench, ep, c, a.seconds, tmp, True, None,
                                             w["rps"])
                if ep.get("twin") in by_name:
                    row["twin_ratio"] = twin_ratio(ep, by_name[ep["twin"]], token, c, a.seconds)
                rows.append(row)
                print(f"{ep['name']:34} c={c:<3} callreport {w['rps']:8.0f}/s p50 {w['p50']:6.2f} "
                      f"p99 {w['p99']:6.2f} ms | ceiling {p['rps']:8.0f}/s p50 {p['p50']:6.2f} "
                      f"p99 {p['p99']:6.2f} ms | ratio {row['ratio']:.2f} | one statement a trip "
                      f"{s['rps']:8.0f}/s ratio {row['ratio1']:.2f}", flush=True)
    return rows, floor, counts


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
           "report work. The paced ceiling is pgbench again, at the program's own rate (-R, "
           "the requests a second callreport answered in its run): its backends then wait for "
           "each transaction as the program's wait for each request, which costs PostgreSQL "
           "CPU (a wake-up, cold caches) that the ceiling at full speed never pays; × is "
           "callreport's postgres over the paced ceiling's.", "",
           "| endpoint | postgres | worker | lighttpd | wrk | other | total | ceiling: postgres "
           "| pgbench | other | total | 0.8 allows | HTTP floor + ceiling's postgres "
           "| paced ceiling: postgres | × |",
           "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|",
           f"| {FLOOR['name']} | " + " | ".join(f"{f.get(g, 0):.0f}" for g in groups) +
           f" | {ftotal:.0f} | | | | | | | | |"]
    for r in rows:
        if r["conns"] != c or "cpu" not in r["cr"]:
            continue
        w, p = r["cr"]["cpu"], r["ceil"]["cpu"]
        ptotal = sum(p.values())
        out.append(f"| {r['endpoint']} | " + " | ".join(f"{w.get(g, 0):.0f}" for g in groups) +
                   f" | {sum(w.values()):.0f} | {p.get('postgres', 0):.0f} | {p.get('client', 0):.0f} | "
                   f"{p.get('other', 0) + p.get('worker', 0) + p.get('lighttpd', 0):.0f} | "
                   f"{ptotal:.0f} | {1.25 * ptotal:.0f} | {ftotal + p.get('postgres', 0):.0f} | "
                   + (f"{r['paced']['cpu'].get('postgres', 0):.0f} | "
                      f"{w.get('postgres', 0) / r['paced']['cpu']['postgres']:.2f} |"
                      if r.get("paced", {}).get("cpu", {}).get("postgres") else " | |"))
    return out


def write(rows, floor, task, total, a, counts, recycled, fresh):
    out = ["# Benchmark results", "",
           f"Run {datetime.datetime.now().strftime('%Y-%m-%d %H:%M')} with `make bench` "
           f"(bench/bench.py --seconds {a.seconds}).", "",
           f"Machine: {machine()}.", "",
           f"Data: the demo task with {total} numbers (`make demo SCALE=1000000`); "
           "callreport through lighttpd (4 FastCGI workers under multiwatch) measured with wrk, "
           "with the demo's configuration but tenant_max_requests = 0 (var/bench.conf: every "
           "connection is the one demo tenant's, whose default share of 2 would answer most "
           "requests 429). The ceiling is pgbench running, as role callreport_web, the very "
           "transaction of one of the program's requests, as a proxy that parses the protocol "
           "saw it (bench/pgcount.py): every statement with its parameters, in its round trips "
           "(the begin, the per-request settings, the authenticating SELECT, the tenant's slot "
           "when there is one, the report's statements, ROLLBACK; each round trip of several "
           "statements one pipeline, \\startpipeline), -M prepared (named prepared statements "
           "with generic plans, as the program with its default prepare = 1). \"One statement a "
           "trip\" is the same transaction with each statement waiting for the one before. "
           "HTML time / JSON time: the page's requests a second against its JSON twin's, measured "
           "in alternation (twin, page, twin, page) just after the page's own row. The HTTP floor: "
           "a request the program answers at once, without the database (an unknown path, 404), "
           "through the same lighttpd and wrk.", "",
           "| endpoint | conns | callreport req/s | non-2xx | p50 ms | p99 ms | ceiling tx/s | p50 ms "
           "| p99 ms | ratio | one statement a trip tx/s | ratio to it | HTML time / JSON time |",
           "|---|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for r in rows:
        twin = f"{r['twin_ratio']:.2f}" if "twin_ratio" in r else ""
        out.append(f"| {r['endpoint']} | {r['conns']} | {r['cr']['rps']:.0f} | {r['cr']['errors']} | "
                   f"{r['cr']['p50']:.2f} | "
                   f"{r['cr']['p99']:.2f} | {r['ceil']['rps']:.0f} | {r['ceil']['p50']:.2f} | "
                   f"{r['ceil']['p99']:.2f} | {r['ratio']:.2f} | {r['single']['rps']:.0f} | "
                   f"{r['ratio1']:.2f} | {twin} |")
    for c, f in floor.items():
        out.append(f"| {FLOOR['name']} | {c} | {f['rps']:.0f} | {f['n']} | {f['p50']:.2f} | "
                   f"{f['p99']:.2f} | | | | | | | |")
    # The machine beside every table (issue 21.4): the figures are this CPU's.
    here = [f"Machine: {machine()}.", ""]
    if a.account in floor and "cpu" in floor[a.account]:
        t = cpu_table(rows, floor, a.account)
        out += [""] + t[:2] + here + t[2:]
    if counts:
        t = protocol_table(rows, counts, a.account)
        out += [""] + t[:2] + here + t[2:]
    if recycled:
        t = recycling_table(recycled, a.account, a.seconds)
        out += [""] + t[:2] + here + t[2:]
    if fresh:
        t = fresh_table(fresh)
        out += [""] + t[:2] + here + t[2:]
    targets = [r for r in rows if r.get("target") and r["conns"] == a.account]
    if targets:
        out += ["", f"### Latency targets at {a.account} connections", "",
                "p99 of the endpoint through lighttpd (wrk) beside its target (issue 21: every "
                "JSON endpoint and both pages under 20 ms; issue 17: the two lists); the "
                "ceiling's p99 is PostgreSQL alone running the same statements (pgbench).", ""] + here + [
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
