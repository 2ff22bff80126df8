"""Security 9: the logs (docs/security.md, "Logs"). Runs last, over the whole run's logs.

The program logs to the web server's error log (stderr), one line per event
with the request id. Phone numbers appear masked (186****3344), tokens and
session ids never, and CR/LF in logged values cannot forge a line. Checked
over every log the run wrote: the main lighttpd's (CR_ERROR_LOG) and those
of the second instances and of anything else below var/ written during the
run; PostgreSQL's server log for tokens.
"""
import glob
import os
import re
import subprocess
import time

from conftest import FCGI, ROOT
from security_lib import Client, login

LOG = os.environ.get("CR_ERROR_LOG", os.path.join(ROOT, "var", "lighttpd-18080.error.log"))
ELEVEN = re.compile(rb"(?<![0-9])[0-9]{11}(?![0-9])")
SECRET = re.compile(rb"cr[ts]_[0-9a-f]{8,}")
LINE = re.compile(rb"^\S+ callreport\[([0-9a-f]{5}-[0-9a-f]{6}|-)\]: \S")


def started():
    """When this pytest process started (seconds since the epoch)."""
    with open("/proc/stat") as f:
        btime = next(int(x.split()[1]) for x in f if x.startswith("btime"))
    with open("/proc/self/stat") as f:
        ticks = int(f.read().rsplit(")", 1)[1].split()[19])
    return btime + ticks / os.sysconf("SC_CLK_TCK")


def run_logs():
    """The web servers' error logs this run wrote to (the program's stderr goes there):
    every *.log below var/ written since the run began, but for the database clusters'
    and pgbouncer's logs and the web servers' access logs (docs/security.md: a
    deployment keeps query strings out of those)."""
    since = started() - 5
    files = {LOG}
    for f in glob.glob(os.path.join(ROOT, "var", "**", "*.log"), recursive=True):
        rel = os.path.relpath(f, os.path.join(ROOT, "var"))
        if rel.split(os.sep)[0] in ("pg", "replica") or "pgbouncer" in rel or \
                os.path.basename(f).startswith("access"):
            continue
        if os.path.getmtime(f) >= since:
            files.add(f)
    return sorted(f for f in files if os.path.exists(f))


def read(f):
    with open(f, "rb") as fh:
        return fh.read()


TOKEN = "crt_" + "0123456789abcdef" * 3


def test_logged_path_masked(data):
    """Through lighttpd: a request whose logged path carries a phone number and a token."""
    c = Client()
    r = c.get(f"/nope/18651683344/{TOKEN}/x", token=data["alpha"]["token"])
    c.close()
    assert r.status == 404
    rid = r.header("X-Request-Id").encode()
    deadline = time.monotonic() + 5
    while True:
        lines = [x for x in read(LOG).split(b"\n") if b"callreport[" + rid + b"]" in x]
        if lines or time.monotonic() > deadline:
            break
        time.sleep(0.1)
    assert len(lines) == 1, lines
    line = lines[0]
    assert LINE.match(line), line
    assert b"186****3344" in line and b"18651683344" not in line
    assert b"crt_****" in line and TOKEN.encode() not in line


def test_crlf_cannot_forge_a_line(data):
    """As CGI (lighttpd itself refuses control bytes in a path): raw CR/LF in a logged value."""
    env = {"PATH": os.environ.get("PATH", ""), "CALLREPORT_CONF": os.environ.get("CR_CONF", ""),
           "GATEWAY_INTERFACE": "CGI/1.1", "REQUEST_METHOD": "GET",
           "REQUEST_URI": f"/nope/18651683344/{TOKEN}/x\r\nFORGED callreport[00000-000000]: GET / 200\rX\x1b[2J"}
    p = subprocess.run([FCGI], env=env, capture_output=True, stdin=subprocess.DEVNULL, timeout=10)
    assert p.stdout.startswith(b"Status: 404")
    lines = p.stderr.rstrip(b"\n").split(b"\n")
    assert len(lines) == 1 and LINE.match(lines[0]), p.stderr
    assert b"\r" not in p.stderr and b"\x1b" not in p.stderr
    assert b"186****3344" in lines[0] and b"crt_****" in lines[0] and TOKEN.encode() not in p.stderr


def test_sign_in_logs_no_secret(data):
    r, sid = login("alpha", data["alpha"]["password"])
    assert sid
    r, _ = login("alpha", "wrong-" + data["alpha"]["password"])
    assert r.status == 401
    text = read(LOG)
    assert sid.encode() not in text and data["alpha"]["password"].encode() not in text


def test_no_phone_number_or_token_in_any_log(data):
    files = run_logs()
    assert LOG in files
    secrets = [data[t]["token"].encode() for t in ("alpha", "beta")]
    found = []
    for f in files:
        for n, line in enumerate(read(f).split(b"\n"), 1):
            for pat, what in ((ELEVEN, "11-digit number"), (SECRET, "token or session id")):
                m = pat.search(line)
                if m:
                    found.append((f, n, what, line[:200]))
            if any(s in line for s in secrets):
                found.append((f, n, "a test token", line[:200]))
            if b" callreport[" in line and not LINE.match(line):
                found.append((f, n, "a program line without its request id", line[:200]))
    pg = os.path.join(ROOT, "var", "pg", "log", "server.log")
    if os.path.exists(pg):
        for n, line in enumerate(read(pg).split(b"\n"), 1):
            if SECRET.search(line) or any(s in line for s in secrets):
                found.append((pg, n, "token in the PostgreSQL log", line[:200]))
    assert not found, found[:10]
    # The run did log: a line per request, with its id.
    assert len([x for x in read(LOG).split(b"\n") if LINE.match(x)]) >= 3
