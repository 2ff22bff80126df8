"""Shared fixtures: a loaded test database, tokens, and an HTTP client.

tests/run.sh starts PostgreSQL and lighttpd and exports CR_* variables; the
data are the demo generator's for two tenants, alpha and beta, imported with
the real `callreport import`, plus the fixture files of tests/fixtures/.
"""
import contextlib
import http.client
import json
import os
import re
import subprocess
import urllib.parse

import psycopg2
import pytest

ROOT = os.environ.get("CR_ROOT", os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..")))
BASE_URL = os.environ.get("CR_BASE_URL", "http://127.0.0.1:18080")
CONF = os.environ.get("CR_CONF", os.path.join(ROOT, "var", "test.conf"))
SUPER_DSN = os.environ.get("CR_SUPER_DSN", "")
# The programs under test: bin/, or CALLREPORT_BIN (tests/sanitize/run.sh: the sanitized build).
BIN = os.environ.get("CALLREPORT_BIN") or os.path.join(ROOT, "bin")
CLI = os.path.join(BIN, "callreport")
FCGI = os.path.join(BIN, "callreport.fcgi")
OUT = os.path.join(ROOT, "tests", "out")


def read_version():
    """CALLREPORT_VERSION of cgi/base/version.h, the one place the version is written."""
    with open(os.path.join(ROOT, "cgi", "base", "version.h")) as f:
        m = re.search(r'^#define\s+CALLREPORT_VERSION\s+"(\d+)\.(\d+)\.(\d+)"\s*$', f.read(), re.M)
    assert m, "cgi/base/version.h: no #define CALLREPORT_VERSION \"MAJOR.MINOR.PATCH\""
    return ".".join(m.groups())


VERSION = read_version()


def cli(*args, input=None, check=True):
    """Runs bin/callreport with the test configuration; returns CompletedProcess."""
    env = dict(os.environ, CALLREPORT_CONF=CONF)
    p = subprocess.run([CLI, *args], input=input, capture_output=True, env=env, text=True)
    if check and p.returncode != 0:
        raise AssertionError(f"callreport {' '.join(args)} failed: {p.stderr}")
    return p


class Response:
    def __init__(self, status, headers, body):
        self.status = status
        self.headers = headers
        self.body = body

    def header(self, name):
        for k, v in self.headers:
            if k.lower() == name.lower():
                return v
        return None

    @property
    def text(self):
        return self.body.decode("utf-8")

    def json(self):
        return json.loads(self.body)


def token_line(tok, user="alpha"):
    """The line of `callreport token --list` for token tok (its id comes first)."""
    return next(x for x in cli("token", "--user", user, "--list").stdout.splitlines()
                if tok[:10] in x)


def request(method, path, token=None, params=None, body=None, headers=None, raw_query=None, base=None):
    """One HTTP request to the program under test. params: dict or list of pairs.
    base: another server's URL (http://host:port[/prefix]) instead of CR_BASE_URL."""
    u = urllib.parse.urlsplit(base or BASE_URL)
    path = u.path.rstrip("/") + path if base else path
    conn = http.client.HTTPConnection(u.hostname, u.port, timeout=60)
    q = raw_query if raw_query is not None else (urllib.parse.urlencode(params, doseq=True) if params else "")
    target = path + ("?" + q if q else "")
    h = dict(headers or {})
    if token:
        h["Authorization"] = "Bearer " + token
    data = None
    if body is not None:
        if isinstance(body, (dict, list)):
            data = json.dumps(body).encode()
            h.setdefault("Content-Type", "application/json")
        elif isinstance(body, str):
            data = body.encode()
        else:
            data = body
    conn.request(method, target, body=data, headers=h)
    r = conn.getresponse()
    resp = Response(r.status, r.getheaders(), r.read())
    conn.close()
    return resp


def get(path, token=None, params=None, **kw):
    return request("GET", path, token=token, params=params, **kw)


def post(path, token=None, body=None, **kw):
    return request("POST", path, token=token, body=body, **kw)


@pytest.fixture(scope="session")
def db():
    conn = psycopg2.connect(SUPER_DSN)
    conn.autocommit = True
    yield conn
    conn.close()


@contextlib.contextmanager
def as_web(conn, tenant, first=()):
    """A cursor in a transaction as the program's (cgi/store/db.c): the web role under
    row-level security, the tenant set, the deployment's zone; rolled back at the end.
    first: statements run before the role is taken (as the superuser)."""
    with conn.cursor() as c:
        c.execute("BEGIN")
        try:
            for sql, args in first:
                c.execute(sql, args)
            c.execute("SET LOCAL ROLE callreport_web")
            c.execute("SELECT set_config('callreport.tenant', %s, true), "
                      "set_config('TimeZone', 'Asia/Shanghai', true)", (tenant,))
            yield c
        finally:
            c.execute("ROLLBACK")


def query(conn, sql, *args):
    with conn.cursor() as c:
        c.execute(sql, args)
        return c.fetchall()


def rollup(conn, tenant_id):
    """The rollups of a tenant made again (callreport_rollup, as every write does) after a
    test moved rows in time in place, in the zone of the tests' configuration (the rollups'
    days are that zone's). Not callreport_recount: the test puts the rows back, and the data
    version it would bump would make every other kept figure (the overviews the import
    computed, test_html_pages) look stale to the tests that follow."""
    with conn.cursor() as c:
        c.execute("BEGIN")
        c.execute("SET LOCAL TimeZone = 'Asia/Shanghai'")
        c.execute("SELECT callreport_rollup(%s)", (tenant_id,))
        c.execute("COMMIT")


@pytest.fixture(scope="session")
def data(db):
    """Imports the demo data of tenants alpha and beta once; returns tokens and ids."""
    os.makedirs(OUT, exist_ok=True)
    out = {}
    for tenant in ("alpha", "beta"):
        path = os.path.join(OUT, f"{tenant}.jsonl")
        with open(path, "w") as f:
            subprocess.run([CLI, "demo-data", "--tenant", tenant], stdout=f, check=True)
        cli("import", "--user", tenant, path)
        token = cli("token", "--user", tenant).stdout.strip()
        cli("passwd", "--user", tenant, input=f"{tenant}-password\n")
        tid = query(db, "SELECT id FROM tenants WHERE name = %s", tenant)[0][0]
        tasks = [r[0] for r in query(db, "SELECT uuid::text FROM tasks WHERE user_id = %s ORDER BY create_datetime, uuid", tid)]
        out[tenant] = {"token": token, "tenant_id": tid, "tasks": tasks, "password": f"{tenant}-password"}
    return out


VENDOR_FIXTURES = os.path.join(ROOT, "tests", "fixtures", "vendor")
# The hosted platform's user id in the vendor document's examples.
VENDOR_USER_ID = "4d99d91c-f5d9-49da-88da-758977cc58a9"


def vendor_example(name):
    """Returns a cleaned JSON example of the vendor document (tests/fixtures/vendor/NAME.json)."""
    with open(os.path.join(VENDOR_FIXTURES, name + ".json"), encoding="utf-8") as f:
        return json.load(f)


@pytest.fixture(scope="session")
def vendor(db, data):
    """Imports tests/fixtures/vendor/vendor.jsonl, the vendor examples' data plus a boundary
    task, into tenant "vendor" (created with the examples' user id); returns its token and ids.
    Depends on data so that other tenants' regions of the same ids are there first (each
    tenant sees its own: test_api_contract compares the examples' regions)."""
    if not query(db, "SELECT id FROM tenants WHERE name = 'vendor'"):
        with db.cursor() as c:
            c.execute("INSERT INTO tenants (id, name) VALUES (%s, 'vendor')", (VENDOR_USER_ID,))
    cli("import", "--user", "vendor", os.path.join(VENDOR_FIXTURES, "vendor.jsonl"))
    token = cli("token", "--user", "vendor").stdout.strip()
    return {"token": token, "tenant_id": VENDOR_USER_ID, "boundary_task": "5b0a0000-0000-4000-8000-0000000000b0"}
