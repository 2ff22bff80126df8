"""make install: PREFIX and DESTDIR honoured, and the installed programs work.

Two installs into temporary directories. The packager's, DESTDIR=<tmp>
PREFIX=/usr/local: the files land under <tmp>/usr/local, and the programs
look for their data in /usr/local/share/callreport, which does not exist on
this machine, so they are run with template_dir and static_dir pointing at the
DESTDIR copy, and the compiled-in default is checked apart (in the binary, and
in the worker's own message about it). And PREFIX=<tmp> without DESTDIR, where
the compiled-in defaults are real directories: run with a configuration that
names neither, its pages come from the installed templates.

Each runs the INSTALLED callreport.fcgi as a plain CGI program against the
test database and checks /healthz and the numbers report (JSON and HTML)
against the database."""
import json
import os
import subprocess

import pytest

from conftest import CONF, ROOT, VERSION, query

DATA = ["callreport.conf.example", "sql/schema.sql"] + \
    sorted(os.path.relpath(os.path.join(d, f), ROOT) for d, _, fs in os.walk(os.path.join(ROOT, "static"))
           for f in fs) + \
    [f"templates/{t}" for t in sorted(os.listdir(os.path.join(ROOT, "templates")))] + \
    [f"sql/reports/{s}" for s in sorted(os.listdir(os.path.join(ROOT, "sql", "reports")))] + \
    [f"sql/demo/{s}" for s in sorted(os.listdir(os.path.join(ROOT, "sql", "demo")))]


def make(*args):
    # Not the jobserver or variables of a `make check` this suite may run under.
    env = {k: v for k, v in os.environ.items() if k not in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL")}
    p = subprocess.run(["make", "--no-print-directory", "-C", ROOT, *args],
                       capture_output=True, text=True, timeout=600, env=env)
    assert p.returncode == 0, p.stdout + p.stderr
    return p


def conf_lines(**keys):
    """The suite's db line (the web role's conninfo) and keys, as a configuration file."""
    with open(CONF) as f:
        db = [l for l in f if l.split("=", 1)[0].strip() == "db"][0]
    return db + "".join(f"{k} = {v}\n" for k, v in keys.items())


def cgi(fcgi, conf, uri, token=None):
    """Runs an installed callreport.fcgi as CGI; returns (status line, body, stderr)."""
    env = {"PATH": "/usr/bin:/bin", "CALLREPORT_CONF": str(conf), "GATEWAY_INTERFACE": "CGI/1.1",
           "REQUEST_METHOD": "GET", "REQUEST_URI": uri, "QUERY_STRING": uri.partition("?")[2]}
    if token:
        env["HTTP_AUTHORIZATION"] = "Bearer " + token
    p = subprocess.run([fcgi], env=env, capture_output=True, stdin=subprocess.DEVNULL, timeout=60)
    assert p.returncode == 0, p.stderr
    head, _, body = p.stdout.partition(b"\r\n\r\n")
    return head.split(b"\r\n", 1)[0].decode(), body, p.stderr.decode()


def check_answers(fcgi, conf, data, db):
    """/healthz, and a page of the numbers report as JSON and HTML, against the database."""
    st, body, err = cgi(fcgi, conf, "/healthz")
    assert (st, body) == ("Status: 200 OK", f"ok\ncallreport {VERSION}\n".encode()), err
    t = data["alpha"]
    task = t["tasks"][0]
    want = query(db, "SELECT id, number FROM numbers WHERE task_id = %s ORDER BY id LIMIT 5", task)
    total = query(db, "SELECT count(*) FROM numbers WHERE task_id = %s", task)[0][0]
    st, body, err = cgi(fcgi, conf, f"/v1/task/number?task_id={task}&per_page=5", t["token"])
    assert st == "Status: 200 OK", err
    doc = json.loads(body)
    assert doc["data"]["total"] == total
    assert [(x["id"], x["number"]) for x in doc["data"]["data"]] == [(i, n) for i, n in want]
    st, body, err = cgi(fcgi, conf, f"/tasks/{task}/numbers?format=html&per_page=5", t["token"])
    assert st == "Status: 200 OK", err
    text = body.decode()
    assert text.startswith("<!DOCTYPE html>") and "号码列表" in text
    assert all(n in text for _, n in want)
    return err


@pytest.fixture(scope="module")
def destdir(tmp_path_factory):
    dest = tmp_path_factory.mktemp("destdir")
    make("install", f"DESTDIR={dest}", "PREFIX=/usr/local")
    return dest


def test_files_where_prefix_and_destdir_say(destdir):
    bindir = destdir / "usr/local/bin"
    share = destdir / "usr/local/share/callreport"
    for prog in ("callreport", "callreport.fcgi"):
        assert os.access(bindir / prog, os.X_OK), prog
    for name in DATA:
        with open(os.path.join(ROOT, "conf" if name.endswith(".example") else "", name), "rb") as f:
            assert (share / name).read_bytes() == f.read(), name
    # nothing else, nowhere else: only PREFIX's bin and share/callreport
    found = sorted(os.path.relpath(os.path.join(d, f), destdir) for d, _, fs in os.walk(destdir) for f in fs)
    assert found == sorted(["usr/local/bin/callreport", "usr/local/bin/callreport.fcgi"] +
                           [f"usr/local/share/callreport/{n}" for n in DATA])
    p = subprocess.run([bindir / "callreport", "--version"], capture_output=True, text=True)
    assert p.stdout == f"callreport {VERSION}\n"


def test_installed_default_is_prefix_share(destdir):
    """The installed programs' defaults are PREFIX/share/callreport, the checkout's stay
    the checkout's (the tests and the demo run from it)."""
    def strings(path):
        with open(path, "rb") as f:
            b = f.read()
        return {s for s in (b"/usr/local/share/callreport/templates", b"/usr/local/share/callreport/static",
                            ROOT.encode() + b"/templates", ROOT.encode() + b"/static") if s + b"\0" in b}

    for prog in ("callreport", "callreport.fcgi"):
        assert strings(destdir / "usr/local/bin" / prog) == \
            {b"/usr/local/share/callreport/templates", b"/usr/local/share/callreport/static"}, prog
        assert strings(os.path.join(ROOT, "bin", prog)) == \
            {ROOT.encode() + b"/templates", ROOT.encode() + b"/static"}, prog


def test_installed_fcgi_answers(destdir, data, db, tmp_path):
    """The DESTDIR install, its data directories named in the configuration."""
    share = destdir / "usr/local/share/callreport"
    conf = tmp_path / "callreport.conf"
    conf.write_text(conf_lines(template_dir=share / "templates", static_dir=share / "static"))
    err = check_answers(str(destdir / "usr/local/bin/callreport.fcgi"), conf, data, db)
    assert "not usable" not in err
    if not os.path.exists("/usr/local/share/callreport"):
        # Without template_dir the worker says which directory it looked in.
        conf.write_text(conf_lines())
        _, _, err = cgi(str(destdir / "usr/local/bin/callreport.fcgi"), conf, "/healthz")
        assert "template_dir /usr/local/share/callreport/templates is not usable" in err


def test_installed_defaults_work(data, db, tmp_path):
    """PREFIX=<tmp>, no DESTDIR: a configuration without template_dir and static_dir,
    and the pages come from PREFIX/share/callreport; then make uninstall."""
    prefix = tmp_path / "prefix"
    make("install", f"PREFIX={prefix}")
    conf = tmp_path / "callreport.conf"
    conf.write_text(conf_lines())
    err = check_answers(str(prefix / "bin/callreport.fcgi"), conf, data, db)
    assert "not usable" not in err
    # the installed templates are the ones read: a change to one shows
    tpl = prefix / "share/callreport/templates/task_number.tpl"
    tpl.write_text(tpl.read_text().replace("号码列表", "号码列表(installed copy)", 1))
    _, body, _ = cgi(str(prefix / "bin/callreport.fcgi"), conf,
                     f"/tasks/{data['alpha']['tasks'][0]}/numbers?format=html", data["alpha"]["token"])
    assert "号码列表(installed copy)" in body.decode()
    make("uninstall", f"PREFIX={prefix}")
    left = [os.path.join(d, f) for d, _, fs in os.walk(prefix) for f in fs]
    assert left == [] and not (prefix / "share/callreport").exists()
