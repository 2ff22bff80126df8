#!/usr/bin/python3
"""sizing.py: the numbers docs/deploy.md sizes a deployment with, measured here.

usage: scripts/sizing.py CONF TOKEN TASK [REQUESTS]
  CONF     a callreport.conf whose database holds TASK (e.g. make demo SCALE=100000)
  TOKEN    an API token of TASK's tenant
Starts Apache + 1 worker on 127.0.0.1:18090 (scripts/apache.sh), then for each kind
of request sends REQUESTS (default 300) one after another and reports, per request:
the CPU time of the worker, of its PostgreSQL backend and of Apache (from
/proc/PID/stat, so other load on the machine does not change them), the median
wall time, and the worker's memory (VmRSS, and Pss/Private_Dirty of smaps_rollup)
after each kind. CPU time per request is what sizes workers per core.
"""
import http.client
import os
import statistics
import subprocess
import sys
import time

import psycopg2

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PORT = 18090
TICK = os.sysconf("SC_CLK_TCK")


def cpu(pid):
    with open(f"/proc/{pid}/stat") as f:
        st = f.read().rsplit(")", 1)[1].split()
    return (int(st[11]) + int(st[12])) / TICK	# utime + stime, seconds


def mem(pid):
    out = {}
    with open(f"/proc/{pid}/smaps_rollup") as f:
        for line in f:
            k, v = line.split(":", 1)
            if k in ("Rss", "Pss", "Private_Dirty"):
                out[k] = int(v.split()[0])
    return out


def pids(name_part):
    r = []
    for d in os.listdir("/proc"):
        if d.isdigit():
            try:
                with open(f"/proc/{d}/cmdline", "rb") as f:
                    if name_part.encode() in f.read():
                        r.append(int(d))
            except OSError:
                pass
    return r


def get(path, token):
    c = http.client.HTTPConnection("127.0.0.1", PORT, timeout=300)
    c.request("GET", path, headers={"Authorization": "Bearer " + token})
    r = c.getresponse()
    body = r.read()
    c.close()
    assert r.status == 200, (path, r.status, body[:200])
    return len(body)


def main():
    conf, token, task = sys.argv[1:4]
    n = int(sys.argv[4]) if len(sys.argv) > 4 else 300
    env = dict(os.environ, CALLREPORT_WORKERS="1")
    subprocess.run([os.path.join(ROOT, "scripts", "apache.sh"), "start", str(PORT), conf],
                   env=env, check=True, stdout=subprocess.DEVNULL)
    try:
        worker = int(subprocess.run([os.path.join(ROOT, "scripts", "apache.sh"), "workers", str(PORT)],
                                    capture_output=True, text=True, check=True).stdout.split()[0])
        httpd = pids(f"apache-{PORT}/httpd.conf")
        get("/healthz", token)
        get(f"/v1/task/number?task_id={task}", token)	# connects
        db = [l.split("=", 1)[1] for l in open(conf) if l.split("=", 1)[0].strip() == "db"][0].strip()
        su = subprocess.run([os.path.join(ROOT, "scripts", "pg.sh"), "superuser"],
                            capture_output=True, text=True).stdout.strip()
        c = psycopg2.connect(db, user=su)
        with c.cursor() as cur:
            cur.execute("SELECT pid FROM pg_stat_activity WHERE usename = 'callreport_web' "
                        "AND datname = current_database()")
            backend = [r[0] for r in cur.fetchall()]
        c.close()
        kinds = [
            ("healthz (no database)", "/healthz", n),
            ("JSON page, 15 numbers", f"/v1/task/number?task_id={task}&page=3", n),
            ("JSON page, 100 numbers + call history", f"/v1/task/number?task_id={task}&per_page=100&call_history=1", n // 3),
            ("HTML page, 15 numbers", f"/tasks/{task}/numbers?format=html", n),
            ("XLSX, the whole task", f"/v1/task/number?task_id={task}&format=xlsx", 3),
        ]
        print(f"{'request':42} {'worker ms':>9} {'postgres ms':>11} {'apache ms':>9} {'wall ms':>8} {'bytes':>9}"
              f"  worker RSS/Pss/Private kB after")
        for name, path, k in kinds:
            w0, b0, h0 = cpu(worker), sum(cpu(p) for p in backend), sum(cpu(p) for p in httpd if os.path.exists(f"/proc/{p}"))
            walls = []
            for _ in range(k):
                t = time.monotonic()
                size = get(path, token)
                walls.append(time.monotonic() - t)
            w1, b1, h1 = cpu(worker), sum(cpu(p) for p in backend), sum(cpu(p) for p in httpd if os.path.exists(f"/proc/{p}"))
            m = mem(worker)
            print(f"{name:42} {1000 * (w1 - w0) / k:9.2f} {1000 * (b1 - b0) / k:11.2f} {1000 * (h1 - h0) / k:9.2f}"
                  f" {1000 * statistics.median(walls):8.1f} {size:9}  {m['Rss']}/{m['Pss']}/{m['Private_Dirty']}")
        print(f"PostgreSQL backend of the worker: {mem(backend[0]) if backend else '?'} kB")
    finally:
        subprocess.run([os.path.join(ROOT, "scripts", "apache.sh"), "stop", str(PORT)], check=False,
                       stdout=subprocess.DEVNULL)


if __name__ == "__main__":
    main()
