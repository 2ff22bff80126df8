#!/usr/bin/python3
"""sync.py: issue 18's "Done when" on a big task: callreport sync of a task of N numbers
(100,000 by default) from one lighttpd of the project (the platform) into a second
database, its time against the time its request count needs at the rate set, and the
round trip checked on a sample of pages and transcripts. Not part of make check: at
--rate 50 the default task takes some ten minutes (its requests are mostly one
record_info a call record).

It uses the project's PostgreSQL (scripts/pg.sh: CALLREPORT_PGPORT) and starts its own
lighttpd on --port (the platform) and --port + 1 (the copy). Prints the requests, the
time, the floor (requests / rate) and their ratio (the target: at most 1.5).
usage: bench/sync.py [--numbers N] [--rate R] [--port P] [--sample K]
"""
import argparse
import json
import os
import re
import subprocess
import sys
import time
import urllib.request

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
CLI = os.path.join(ROOT, "bin", "callreport")


def sh(*args, env=None, **kw):
    return subprocess.run(list(args), check=True, capture_output=True, text=True,
                          env=dict(os.environ, **(env or {})), **kw).stdout


def pg(*args):
    return sh(os.path.join(ROOT, "scripts", "pg.sh"), *args).strip()


def database(name):
    pg("dropdb", name)
    pg("createdb", name)
    conf = os.path.join(ROOT, "var", f"{name}.conf")
    with open(conf, "w") as f:
        f.write(f"db = {pg('conninfo', name, 'callreport_web')}\n"
                f"admin_db = {pg('conninfo', name, 'callreport_admin')}\n"
                f"template_dir = {ROOT}/templates\nstatic_dir = {ROOT}/static\n"
                "max_requests = 0\ntenant_max_requests = 0\nstatement_timeout = 60000\n")
    sh(CLI, "migrate", env={"CALLREPORT_CONF": conf})
    return conf


def fetch(base, path, token, body=None):
    req = urllib.request.Request(base + path, data=body and json.dumps(body).encode(),
                                 headers={"Authorization": "Bearer " + token,
                                          "Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=120) as r:
        return r.read()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--numbers", type=int, default=100000)
    ap.add_argument("--rate", type=float, default=50)
    ap.add_argument("--port", type=int, default=18391)
    ap.add_argument("--sample", type=int, default=50, help="pages and transcripts compared")
    a = ap.parse_args()
    web = os.path.join(ROOT, "scripts", "web.sh")
    pg("start")
    src, dst = database("callreport_bench_sync_src"), database("callreport_bench_sync_dst")
    env_src, env_dst = {"CALLREPORT_CONF": src}, {"CALLREPORT_CONF": dst}
    data = os.path.join(ROOT, "var", "bench-sync.jsonl")
    with open(data, "w") as f:
        subprocess.run([CLI, "demo-data", "--tenant", "bench", "--numbers", str(a.numbers)],
                       stdout=f, check=True)
    sh(CLI, "import", "--user", "bench", data, env=env_src)
    token = sh(CLI, "token", "--user", "bench", env=env_src).strip()
    q = lambda conf, sql: sh(os.path.join(ROOT, "scripts", "pg.sh"), "psql",
                             os.path.basename(conf)[:-5], "-Atc", sql).strip()
    tenant = q(src, "SELECT id FROM tenants WHERE name = 'bench'")
    task = q(src, "SELECT task_id FROM numbers WHERE user_id = '%s' GROUP BY task_id"
                  " ORDER BY count(*) DESC LIMIT 1" % tenant)
    q(dst, "INSERT INTO tenants (id, name) VALUES ('%s', 'bench')" % tenant)
    base = f"http://127.0.0.1:{a.port}"
    sh(web, "start", str(a.port), src, env={"CALLREPORT_JOBS": "0"})
    try:
        t0 = time.monotonic()
        out = subprocess.run([CLI, "sync", "--user", "bench", "--from", base, "--token", token,
                              "--task", task, "--rate", str(a.rate)],
                             capture_output=True, text=True, env=dict(os.environ, **env_dst))
        took = time.monotonic() - t0
        if out.returncode != 0:
            sys.exit(f"sync failed: {out.stderr}")
        again = subprocess.run([CLI, "sync", "--user", "bench", "--from", base, "--token", token,
                                "--task", task, "--rate", str(a.rate)], capture_output=True,
                               text=True, env=dict(os.environ, **env_dst))
        m = re.search(r"(\d+) requests \((\d+) retried\)", again.stdout)
        # The requests of the first run: its summary line (retries included).
        requests = int(re.search(r"(\d+) requests \(\d+ retried\)", out.stdout).group(1))
        records = int(q(dst, f"SELECT count(*) FROM records WHERE task_id = '{task}'"))
        numbers = int(q(dst, f"SELECT count(*) FROM numbers WHERE task_id = '{task}'"))
        floor = requests / a.rate
        print(f"task of {numbers} numbers, {records} call records: {requests} requests at"
              f" {a.rate:g}/s need {floor:.1f} s; sync took {took:.1f} s: ratio {took / floor:.2f}"
              f" (target 1.5)")
        print(f"second sync: {m.group(1) if m else '?'} requests, "
              f"{'nothing new' if ' 0 new records' in again.stdout else again.stdout.strip()}")
        # The round trip on a sample: pages of both lists and transcripts, byte for byte.
        sh(web, "start", str(a.port + 1), dst, env={"CALLREPORT_JOBS": "0"})
        token2 = sh(CLI, "token", "--user", "bench", env=env_dst).strip()
        copy = f"http://127.0.0.1:{a.port + 1}"
        first = json.loads(fetch(base, f"/v1/task/number?task_id={task}&page=1", token))
        pages = first["data"]["last_page"]
        bad = 0
        for p in sorted({1, pages} | set(range(1, pages + 1, max(1, pages // a.sample)))):
            path = f"/v1/task/number?task_id={task}&page={p}&call_history=1"
            bad += fetch(base, path, token) != fetch(copy, path, token2)
        body = {"task_id": task, "page": 1}
        recs = json.loads(fetch(base, "/v1/task/query_done_task_phones", token, body))
        step = max(1, recs["last_page"] // a.sample)
        for p in range(1, recs["last_page"] + 1, step):
            body["page"] = p
            x = fetch(base, "/v1/task/query_done_task_phones", token, body)
            bad += x != fetch(copy, "/v1/task/query_done_task_phones", token2, body)
            rid = json.loads(x)["data"][0]["id"]
            path = f"/v1/task/record_info/{task}/{rid}"
            bad += fetch(base, path, token) != fetch(copy, path, token2)
        print(f"round trip on the sample: {'identical' if bad == 0 else f'{bad} answers differ'}")
    finally:
        subprocess.run([web, "stop", str(a.port)], capture_output=True)
        subprocess.run([web, "stop", str(a.port + 1)], capture_output=True)


if __name__ == "__main__":
    main()
