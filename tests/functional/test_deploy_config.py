"""The configuration as deployments use it: every key of cgi/base/config.c is in
docs/config.md and in conf/callreport.conf.example, the example loads, and
CALLREPORT_<KEY> variables override the file. Runs the program as plain CGI."""
import os
import re
import subprocess

import pytest

from conftest import FCGI, ROOT



def keys():
    with open(os.path.join(ROOT, "cgi", "base", "config.c")) as f:
        src = f.read()
    table = src[src.index("keys[] = {"):]
    table = table[:table.index("};")]
    return re.findall(r'\{ "([a-z_]+)", K_', table)


def cgi(path, **env):
    e = {"PATH": "/usr/bin:/bin", "GATEWAY_INTERFACE": "CGI/1.1", "REQUEST_METHOD": "GET",
         "REQUEST_URI": path, **env}
    p = subprocess.run([FCGI], env=e, capture_output=True, timeout=30)
    return p.stdout.split(b"\r\n", 1)[0].decode(), p.stderr.decode()


def test_every_key_documented():
    ks = keys()
    assert len(ks) >= 18
    with open(os.path.join(ROOT, "docs", "config.md")) as f:
        doc = f.read()
    with open(os.path.join(ROOT, "conf", "callreport.conf.example")) as f:
        example = f.read()
    for k in ks:
        assert f"`{k}`" in doc, f"docs/config.md lacks {k}"
        assert re.search(rf"^#?{k} =", example, re.M), f"conf/callreport.conf.example lacks {k}"


def test_example_loads_and_environment_overrides():
    example = os.path.join(ROOT, "conf", "callreport.conf.example")
    assert cgi("/healthz", CALLREPORT_CONF=example)[0] == "Status: 200 OK"
    # base_path from the environment: the program answers under /reports only
    assert cgi("/reports/healthz", CALLREPORT_CONF=example,
               CALLREPORT_BASE_PATH="/reports")[0] == "Status: 200 OK"
    assert cgi("/reports/healthz", CALLREPORT_CONF=example)[0] == "Status: 404 Not Found"
    # a database that is not there: /readyz says 503, it does not hang or crash
    st, _ = cgi("/readyz", CALLREPORT_CONF=example,
                CALLREPORT_DB="host=127.0.0.1 port=1 dbname=x connect_timeout=2")
    assert st == "Status: 503 Service Unavailable"


@pytest.mark.parametrize("line,message", [
    ("no_such_key = 1", "unknown key no_such_key"),
    ("max_requests = many", "max_requests must be a non-negative integer"),
])
def test_bad_file_is_refused(tmp_path, line, message):
    conf = tmp_path / "bad.conf"
    conf.write_text(f"db = dbname=x\n{line}\n")
    p = subprocess.run([FCGI], env={"CALLREPORT_CONF": str(conf), "REQUEST_URI": "/healthz",
                                    "GATEWAY_INTERFACE": "CGI/1.1"}, capture_output=True, timeout=30)
    assert p.returncode != 0 and message in p.stderr.decode()


def test_obsolete_key_is_ignored(tmp_path):
    """A file of an earlier version still loads: sql_dir (gone in 0.9) is ignored with
    a message naming it, not refused as an unknown key; the keys around it still count."""
    conf = tmp_path / "old.conf"
    conf.write_text("db = dbname=x\nsql_dir = /usr/local/share/callreport/sql\nbase_path = /reports\n")
    assert "sql_dir" not in keys()
    st, err = cgi("/reports/healthz", CALLREPORT_CONF=str(conf))
    assert st == "Status: 200 OK", err
    assert f"callreport: {conf}:2: sql_dir is obsolete, ignored\n" in err
    assert "unknown key" not in err


def test_systemd_units_verify(tmp_path):
    """conf/callreport.socket, .service and callreport-jobs.service pass systemd-analyze verify
    (the runner's unit with the checkout's bin/callreport for the installed one, which
    verify wants to find)."""
    import shutil
    if not shutil.which("systemd-analyze"):
        pytest.skip("systemd-analyze is not installed")
    with open(os.path.join(ROOT, "conf", "callreport-jobs.service")) as f:
        unit = f.read()
    assert "ExecStart=/usr/local/bin/callreport jobs" in unit
    # (all three from one directory: verify looks for a unit named in Wants= beside them)
    (tmp_path / "callreport-jobs.service").write_text(
        unit.replace("/usr/local/bin/callreport", os.path.join(ROOT, "bin", "callreport")))
    for name in ("callreport.socket", "callreport.service"):
        shutil.copy(os.path.join(ROOT, "conf", name), tmp_path / name)
    p = subprocess.run(["systemd-analyze", "verify"] + [str(tmp_path / n) for n in
                       ("callreport.socket", "callreport.service", "callreport-jobs.service")],
                       capture_output=True, text=True)
    assert p.returncode == 0 and "Unknown" not in p.stderr, p.stderr


def _test_db():
    """The suite's db conninfo (host=... port=... dbname=... user=...) as a dict."""
    from conftest import CONF
    line = [l for l in open(CONF) if l.split("=", 1)[0].strip() == "db"][0]
    return dict(w.split("=", 1) for w in line.split("=", 1)[1].split())


@pytest.mark.parametrize("how", ["PG variables", "service file", "multi-host"])
def test_libpq_conventions(tmp_path, how):
    """db reaches PostgreSQL the ways libpq users expect: from PG* variables
    (db empty), from a service file, and from a multi-host string whose first
    host is down (target_session_attrs=read-write)."""
    d = _test_db()
    env = {"CALLREPORT_CONF": os.path.join(ROOT, "conf", "callreport.conf.example")}
    if how == "PG variables":
        env.update(CALLREPORT_DB="", PGHOST=d["host"], PGPORT=d["port"], PGDATABASE=d["dbname"], PGUSER=d["user"])
    elif how == "service file":
        svc = tmp_path / "pg_service.conf"
        svc.write_text(f"[callreport]\nhost={d['host']}\nport={d['port']}\ndbname={d['dbname']}\nuser={d['user']}\n")
        env.update(CALLREPORT_DB="service=callreport", PGSERVICEFILE=str(svc))
    else:
        env.update(CALLREPORT_DB=f"host=127.0.0.1,{d['host']} port=1,{d['port']} dbname={d['dbname']} "
                                 f"user={d['user']} target_session_attrs=read-write connect_timeout=2")
    st, err = cgi("/readyz", **env)
    assert st == "Status: 200 OK", err
