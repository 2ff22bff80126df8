"""Security 3: credentials (docs/security.md, "Credentials").

API tokens and session ids exist in the database only as SHA-256 hashes; a
token can be listed (without its secret) and revoked, and a revoked token is
refused at once; sign-out ends the session on the server; a session expires
after session_ttl; failed sign-ins are limited per user and per address.
The expiry and the limits run on second lighttpd instances (ports 18101-18102)
with small settings.
"""
import hashlib
import os
import re
import time

import pytest

from conftest import ROOT, cli, query, token_line
from security_lib import Client, Instance, conf_value, http_once, login


def test_token_list_shows_no_secret_and_revoke_is_immediate(data):
    tok = cli("token", "--user", "alpha").stdout.strip()
    assert re.fullmatch(r"crt_[0-9a-f]{48}", tok)
    c = Client()
    try:
        for _ in range(4):  # both workers, on one kept-alive connection and on new ones
            assert c.get("/v1/setting/record_level", token=tok).status == 200
            assert http_once("GET", "/v1/setting/record_level", token=tok).status == 200
        listing = cli("token", "--user", "alpha", "--list").stdout
        assert tok not in listing and tok[:10] in listing
        line = next(x for x in listing.splitlines() if tok[:10] in x)
        tid, revoked = line.split()[0], line.split()[-1]
        assert revoked == "-"
        out = cli("token", "--user", "alpha", "--revoke", tid).stdout
        assert tid in out
        for _ in range(4):
            r = c.get("/v1/setting/record_level", token=tok)
            assert r.status == 401 and r.json() == {"code": 401, "status": "error", "message": "unauthenticated"}
            assert http_once("GET", "/v1/setting/record_level", token=tok).status == 401
        # The tenant's other tokens live on; the listing says when this one died.
        assert c.get("/v1/setting/record_level", token=data["alpha"]["token"]).status == 200
        line = token_line(tok)
        assert re.search(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$", line)
        # Revoked once is revoked; and one tenant cannot revoke another's token.
        assert cli("token", "--user", "alpha", "--revoke", tid, check=False).returncode != 0
        beta_line = cli("token", "--user", "beta", "--list").stdout.splitlines()[-1]
        assert cli("token", "--user", "alpha", "--revoke", beta_line.split()[0], check=False).returncode != 0
        assert c.get("/v1/setting/record_level", token=data["beta"]["token"]).status == 200
    finally:
        c.close()


ERROR_LOG = os.environ.get("CR_ERROR_LOG", os.path.join(ROOT, "var", "lighttpd-18080.error.log"))


def test_a_deferred_begin_is_checked_before_anything_is_sent(data):
    """A report's begin goes with its statements, in one round trip, on the tenant
    its credential stood for the last time on that worker's connection (cgi/store/db.c,
    db_begin). Once the token is revoked that guess is wrong: every answer must
    still be the revoked token's 401, never the report's rows, nor a 400 for bad
    input, nor a page; and the worker logs that it ran the request again."""
    tok = cli("token", "--user", "alpha").stdout.strip()
    task = data["alpha"]["tasks"][0]
    for _ in range(6):  # every worker that takes these learns the token's tenant
        r = http_once("GET", "/v1/task/number", token=tok, params={"task_id": task})
        assert r.status == 200 and r.json()["data"]["total"] > 0
        assert http_once("GET", "/v1/setting/record_level", token=tok).status == 200
    tid = token_line(tok).split()[0]
    logged = os.path.getsize(ERROR_LOG)
    cli("token", "--user", "alpha", "--revoke", tid)
    for _ in range(6):
        r = http_once("GET", "/v1/task/number", token=tok, params={"task_id": task})
        assert r.status == 401 and r.json()["message"] == "unauthenticated"
        r = http_once("GET", "/v1/task/number", token=tok, params={"task_id": "not-a-uuid"})
        assert r.status == 401 and r.json()["message"] == "unauthenticated", r.body
        r = http_once("GET", "/v1/setting/record_level", token=tok, params={"format": "html"})
        assert r.status == 401 and b"<table" not in r.body
        r = http_once("GET", "/v1/setting/record_level", token=tok, params={"format": "xlsx"})
        assert r.status == 401 and r.body[:2] != b"PK"
    with open(ERROR_LOG, errors="replace") as f:
        f.seek(logged)
        assert "credential changed, running the request again" in f.read()
    # A live token of the same tenant is untouched.
    r = http_once("GET", "/v1/setting/record_level", token=data["alpha"]["token"])
    assert r.status == 200 and r.json()["code"] == 200 and len(r.json()["data"]) > 0


def test_session_id_stored_only_as_hash_and_sign_out_ends_it(data, db):
    r, sid = login("alpha", data["alpha"]["password"])
    assert r.status == 303 and re.fullmatch(r"crs_[0-9a-f]{48}", sid)
    cookie = next(v for k, v in r.headers if k.lower() == "set-cookie")
    attrs = [a.strip().lower() for a in cookie.split(";")[1:]]
    assert "httponly" in attrs and "samesite=lax" in attrs and "path=/" in attrs
    assert f"max-age={conf_value('session_ttl') or 28800}" in attrs
    rows = {h for (h,) in query(db, "SELECT encode(id_hash, 'hex') FROM sessions")}
    assert hashlib.sha256(sid.encode()).hexdigest() in rows
    assert not query(db, "SELECT 1 FROM sessions s WHERE position(%s in encode(s.id_hash, 'escape')) > 0 "
                         "OR encode(s.id_hash, 'hex') = %s", sid, sid)
    assert http_once("GET", "/tasks", cookie=sid).status == 200
    out = http_once("POST", "/logout", cookie=sid)
    assert out.status == 303
    assert any(v.startswith("crsid=;") and "max-age=0" in v.lower() for k, v in out.headers
               if k.lower() == "set-cookie")
    # The old cookie, replayed: the server has forgotten it.
    r = http_once("GET", "/tasks", cookie=sid, params={"format": "json"})
    assert r.status == 401
    assert hashlib.sha256(sid.encode()).hexdigest() not in {
        h for (h,) in query(db, "SELECT encode(id_hash, 'hex') FROM sessions")}


def test_unknown_or_malformed_credentials_401(data):
    for h in ({"Authorization": "Bearer "}, {"Authorization": "Bearer crt_"},
              {"Authorization": "Bearer " + data["alpha"]["token"][:-1]},
              {"Authorization": "Bearer " + data["alpha"]["token"] + "0"},
              {"Authorization": "Basic YWxwaGE6YWxwaGEtcGFzc3dvcmQ="},
              {"Cookie": "crsid=crs_" + "0" * 48}, {"Cookie": "crsid="}, {"Cookie": "crsid=" + data["alpha"]["token"]}):
        r = http_once("GET", "/v1/setting/record_level", headers=h)
        assert r.status == 401 and r.json()["code"] == 401, h
        assert r.header("WWW-Authenticate"), h


def test_session_expires(data):
    with Instance(18101, session_ttl=1) as inst:
        r, sid = login("alpha", data["alpha"]["password"], base=inst.base)
        assert r.status == 303 and sid
        assert "max-age=1" in next(v for k, v in r.headers if k.lower() == "set-cookie").lower()
        assert http_once("GET", "/tasks", base=inst.base, cookie=sid).status == 200
        time.sleep(2.2)
        r = http_once("GET", "/tasks", base=inst.base, cookie=sid)
        assert r.status == 401 and r.ctype == "text/html"  # the sign-in page
        r = http_once("GET", "/v1/setting/record_level", base=inst.base, cookie=sid)
        assert r.status == 401 and r.json()["code"] == 401


@pytest.fixture()
def rl_users(db):
    names = {"zz-sec-rl1": "rl1-password", "zz-sec-rl2": "rl2-password"}
    for i, (n, pw) in enumerate(names.items()):
        if not query(db, "SELECT 1 FROM tenants WHERE name = %s", n):
            with db.cursor() as c:
                c.execute("INSERT INTO tenants (id, name) VALUES (%s, %s)", (f"5ec00000-0000-4000-8000-00000000000{i}", n))
        cli("passwd", "--user", n, input=pw + "\n")
    started = query(db, "SELECT now()")[0][0]
    yield names
    with db.cursor() as c:
        c.execute("DELETE FROM login_failures WHERE at >= %s", (started,))


def test_sign_in_rate_limited_per_user_and_per_address(rl_users):
    """Attempts are limited per name and address (login_max_failures), and per
    address over all names (5 times as many): a guesser elsewhere cannot lock
    the owner out, nor one address another tenant's user."""
    (u1, p1), (u2, p2) = rl_users.items()
    with Instance(18102, login_max_failures=3, login_window=600) as inst:
        def attempt(name, pw, src):
            return login(name, pw, base=inst.base, source=src)[0]

        # Per name and address: three failures, then even the right password is refused there ...
        for i in range(3):
            assert attempt(u1, f"wrong-{i}", "127.0.0.11").status == 401
        r = attempt(u1, p1, "127.0.0.11")
        assert r.status == 429 and int(r.header("Retry-After")) > 0
        assert "用户名或密码错误" not in r.body.decode()  # no hint whether the password was right
        # ... but not from the owner's own address, nor for another user from the first one.
        assert attempt(u1, p1, "127.0.0.14").status == 303
        assert attempt(u2, p2, "127.0.0.11").status == 303
        # Per address: fifteen failures for unknown users from one address ...
        for i in range(15):
            assert attempt(f"zz-sec-nobody-{i}", "x", "127.0.0.21").status == 401
        r = attempt(u2, p2, "127.0.0.21")
        assert r.status == 429 and r.header("Retry-After")
        # ... and the same user from another address is let in.
        assert attempt(u2, p2, "127.0.0.22").status == 303
