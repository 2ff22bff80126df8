"""Helpers of the security suites (test_zz_security_*.py).

The route table as cgi/web/app.c declares it, HTTP with the knobs the suites need
(a source address, a kept-alive connection, raw headers), sign-in, a second
lighttpd with its own configuration (ports 18100-18109), a checker for
executable HTML, and the tenants' identifiers for "no row of the other tenant".
"""
import html.parser
import http.client
import io
import json
import os
import re
import subprocess
import time
import urllib.parse
import zipfile

from conftest import BASE_URL, CONF, ROOT, query

APP_C = os.path.join(ROOT, "cgi", "web", "app.c")
VAR = os.path.join(ROOT, "var")
UUID_RE = re.compile(rb"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
PHONE_RE = re.compile(rb"(?<![0-9])1[0-9]{10}(?![0-9])")
MISSING_UUID = "0badc0de-0000-4000-8000-00000000dead"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def routes():
    """Returns [(method, pattern, flags)] of the routes[] table of cgi/web/app.c; flags are
    the R_* names, plus "REPORT" for a report route (three formats)."""
    with open(APP_C, encoding="utf-8") as f:
        src = f.read()
    start = src.index("routes[] = {")
    table = src[start:src.index("};", start)]
    out = []
    for m in re.finditer(r'\{\s*"([A-Z]+)",\s*"([^"]+)",\s*([^,]+),\s*([^,]+),\s*([^}]*)\}', table):
        flags = set(re.findall(r"R_[A-Z_]+", m.group(5)))
        if m.group(3).strip().startswith("REPORT_"):
            flags.add("REPORT")  # a report: JSON, HTML and XLSX from one definition
        out.append((m.group(1), m.group(2), frozenset(flags)))
    return out


def path_params(pattern):
    return [s[1:] for s in pattern.split("/") if s.startswith(":")]


class Resp:
    def __init__(self, status, headers, body):
        self.status, self.headers, self.body = status, headers, body

    def header(self, name):
        for k, v in self.headers:
            if k.lower() == name.lower():
                return v
        return None

    @property
    def ctype(self):
        return (self.header("Content-Type") or "").split(";")[0].strip()

    def json(self):
        return json.loads(self.body)

    def __repr__(self):
        return f"<{self.status} {self.ctype} {self.body[:200]!r}>"


class Client:
    """One kept-alive HTTP connection (to CR_BASE_URL or base), optionally from a
    given loopback source address (the program sees it as REMOTE_ADDR)."""

    def __init__(self, base=None, source=None, timeout=60):
        u = urllib.parse.urlsplit(base or BASE_URL)
        self.host, self.port, self.prefix = u.hostname, u.port, u.path.rstrip("/")
        self.source, self.timeout, self.conn = source, timeout, None

    def _conn(self):
        if self.conn is None:
            self.conn = http.client.HTTPConnection(
                self.host, self.port, timeout=self.timeout,
                source_address=(self.source, 0) if self.source else None)
        return self.conn

    def request(self, method, path, token=None, cookie=None, params=None, body=None,
                headers=None, raw_query=None):
        q = raw_query if raw_query is not None else (
            urllib.parse.urlencode(params, doseq=True, errors="surrogateescape") if params else "")
        target = self.prefix + path + ("?" + q if q else "")
        h = dict(headers or {})
        if token:
            h["Authorization"] = "Bearer " + token
        if cookie:
            h["Cookie"] = "crsid=" + cookie
        data = None
        if body is not None:
            if isinstance(body, (dict, list)):
                data = json.dumps(body).encode()
                h.setdefault("Content-Type", "application/json")
            elif isinstance(body, str):
                data = body.encode("utf-8", "surrogateescape")
                h.setdefault("Content-Type", "application/x-www-form-urlencoded")
            else:
                data = body
        for attempt in (0, 1):
            try:
                c = self._conn()
                c.request(method, target, body=data, headers=h)
                r = c.getresponse()
                resp = Resp(r.status, r.getheaders(), r.read())
                if r.will_close:
                    self.close()
                return resp
            except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError):
                # the server closed a kept-alive connection between requests: once more
                self.close()
                if attempt:
                    raise

    def get(self, path, **kw):
        return self.request("GET", path, **kw)

    def post(self, path, **kw):
        return self.request("POST", path, **kw)

    def close(self):
        if self.conn is not None:
            self.conn.close()
            self.conn = None


def http_once(method, path, base=None, source=None, **kw):
    c = Client(base, source)
    try:
        return c.request(method, path, **kw)
    finally:
        c.close()


def login(name, password, base=None, source=None):
    """Signs in through POST /login; returns (response, session id or None)."""
    r = http_once("POST", "/login", base=base, source=source,
             body=urllib.parse.urlencode({"name": name, "password": password}))
    sid = None
    for k, v in r.headers:
        if k.lower() == "set-cookie" and v.startswith("crsid="):
            sid = v.split(";", 1)[0][len("crsid="):] or None
    return r, sid


def conf_value(key, path=CONF):
    with open(path) as f:
        for line in f:
            k, sep, v = line.partition("=")
            if sep and k.strip() == key:
                return v.strip()
    return None


class Instance:
    """A second lighttpd + callreport.fcgi on port (18100-18109) with the test
    configuration plus overrides, e.g. Instance(18101, statement_timeout=300).
    environ: variables for its processes besides the tests' environment."""

    def __init__(self, port, workers=None, environ=None, **overrides):
        self.port = port
        self.env = dict(os.environ, **({"CALLREPORT_WORKERS": str(workers)} if workers else {}),
                        **(environ or {}))
        self.base = f"http://127.0.0.1:{port}"
        self.conf = os.path.join(VAR, f"security-{port}.conf")
        self.log = os.path.join(VAR, f"lighttpd-{port}.error.log")
        lines = []
        with open(CONF) as f:
            for line in f:
                k = line.partition("=")[0].strip()
                if k not in overrides:
                    lines.append(line.rstrip("\n"))
        lines += [f"{k} = {v}" for k, v in overrides.items()]
        with open(self.conf, "w") as f:
            f.write("\n".join(lines) + "\n")

    def __enter__(self):
        subprocess.run([os.path.join(ROOT, "scripts", "web.sh"), "start", str(self.port), self.conf],
                       check=True, capture_output=True, env=self.env)
        return self

    def __exit__(self, *exc):
        subprocess.run([os.path.join(ROOT, "scripts", "web.sh"), "stop", str(self.port)],
                       capture_output=True)


def worker_pids(port):
    """Returns the sorted pids of the callreport.fcgi processes below our lighttpd on port."""
    with open(os.path.join(VAR, f"lighttpd-{port}.pid")) as f:
        top = int(f.read().strip())
    kids = {}
    for p in os.listdir("/proc"):
        if not p.isdigit():
            continue
        try:
            with open(f"/proc/{p}/stat") as f:
                ppid = int(f.read().rsplit(")", 1)[1].split()[1])
            with open(f"/proc/{p}/cmdline", "rb") as f:
                cmd = f.read()
        except OSError:
            continue
        kids.setdefault(ppid, []).append((int(p), cmd))
    out, todo = [], [top]
    while todo:
        for pid, cmd in kids.get(todo.pop(), []):
            todo.append(pid)
            argv0 = cmd.split(b"\0", 1)[0]
            if argv0.endswith(b"callreport.fcgi"):
                out.append(pid)
    return sorted(out)


# -- executable output -------------------------------------------------------

# The program has no script at all (static/ holds only CSS); its charts are inline SVG.
DANGEROUS_TAGS = {"script", "iframe", "object", "embed", "base", "frame", "frameset", "applet", "math",
                  "foreignobject", "animate", "set", "handler", "use"}
URL_ATTRS = {"href", "src", "action", "formaction", "xlink:href", "background", "poster", "data", "srcset"}


class _Checker(html.parser.HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.problems = []
        self.text = []

    def handle_data(self, data):
        self.text.append(data)

    def handle_starttag(self, tag, attrs):
        if tag in DANGEROUS_TAGS:
            # the program's own scripts are files under static/, never inline
            self.problems.append(f"<{tag}> {attrs}")
        if tag == "meta" and (dict(attrs).get("http-equiv") or "").lower() == "refresh":
            self.problems.append(f"<meta refresh> {attrs}")
        for k, v in attrs:
            v = v or ""
            self.text.append(v)
            if k.startswith("on"):
                self.problems.append(f"<{tag} {k}=...>")
            low = re.sub(r"[\s\x00-\x1f]", "", v).lower()
            if k in URL_ATTRS and (low.startswith("javascript:") or low.startswith("vbscript:")
                                   or low.startswith("data:text")):
                self.problems.append(f"<{tag} {k}={v!r}>")
            if k in ("style", "fill", "stroke", "filter", "mask", "clip-path") and (
                    "expression(" in low or "javascript:" in low or "url(" in low):
                self.problems.append(f"<{tag} style={v!r}>")

    handle_startendtag = handle_starttag


def parse_html(body):
    """Returns (what could run script, the decoded text and attribute values)."""
    c = _Checker()
    c.feed(body.decode("utf-8", "replace"))
    c.close()
    return c.problems, "\n".join(c.text)


def executable_html(body):
    """Returns what in an HTML body could run script (empty when nothing)."""
    return parse_html(body)[0]


def check_not_executable(r, what=""):
    """Asserts that a response cannot run script in a browser: HTML without
    script-bearing markup, JSON that parses, XLSX that is a workbook; and nosniff."""
    ours = r.header("X-Request-Id") is not None  # else lighttpd answered (its own error pages)
    if ours:
        assert r.header("X-Content-Type-Options") == "nosniff", (what, r)
    if r.status in (204, 304) or r.status == 303:
        return
    if r.ctype == "text/html":
        problems = executable_html(r.body)
        assert not problems, (what, problems[:5])
        assert r.header("Content-Security-Policy") or not ours, (what, "HTML without a CSP")
    elif r.ctype == "application/json":
        json.loads(r.body)
    elif r.ctype == XLSX:
        zipfile.ZipFile(io.BytesIO(r.body)).testzip()
    elif r.ctype == "text/plain":
        pass
    elif r.ctype.startswith("audio/"):
        pass
    else:
        raise AssertionError((what, "unexpected Content-Type", r.ctype))


def xlsx_text(body):
    """Returns the text of every XML part of a workbook, as bytes."""
    z = zipfile.ZipFile(io.BytesIO(body))
    return b"\n".join(z.read(n) for n in z.namelist() if n.endswith(".xml"))


# -- the tenants' identifiers ------------------------------------------------

UUID_TABLES = {"tasks": "uuid", "records": "id", "levels": "id", "tags": "id", "tag_groups": "id",
               "tag_scenes": "id", "utterances": "id", "record_details": "id"}


def tenant_marks(db, tenant_id):
    """Returns (uuids, phone numbers) of a tenant, as sets of bytes."""
    uuids = {tenant_id.encode()}
    for table, col in UUID_TABLES.items():
        uuids |= {r[0].encode() for r in query(db, f"SELECT {col}::text FROM {table} WHERE user_id = %s",
                                               tenant_id)}
    phones = {r[0].encode() for r in query(
        db, "SELECT number FROM numbers WHERE user_id = %s UNION SELECT callee FROM records WHERE user_id = %s "
            "UNION SELECT number FROM call_histories WHERE user_id = %s", tenant_id, tenant_id, tenant_id)}
    return uuids, phones


def foreign_marks(body, foreign_uuids, foreign_phones):
    """Returns the identifiers of the other tenant found in a body (XLSX unpacked)."""
    if body[:2] == b"PK":
        body = xlsx_text(body)
    found = {u for u in UUID_RE.findall(body) if u in foreign_uuids}
    found |= {p for p in PHONE_RE.findall(body) if p in foreign_phones}
    return found


def wait_until(pred, timeout, step=0.1):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if pred():
            return True
        time.sleep(step)
    return pred()


def pg_outage(threads, stop, down_for, settle):
    """Starts threads (a load), stops the shared test cluster for down_for
    seconds (scripts/pg.sh), starts it again and lets the load run settle
    seconds more; then stops the load (stop: its Event) and makes sure the
    cluster is up whatever happened. Returns the monotonic times
    (down, start, up): stopped, starting again, accepting again."""
    pg = os.path.join(ROOT, "scripts", "pg.sh")

    def run(cmd):
        return subprocess.run([pg, cmd], capture_output=True, text=True, timeout=120)
    try:
        for t in threads:
            t.start()
        time.sleep(1.0)
        p = run("stop")
        assert p.returncode == 0, p.stderr
        t_down = time.monotonic()
        time.sleep(down_for)
        t_start = time.monotonic()
        p = run("start")
        assert p.returncode == 0, p.stderr
        t_up = time.monotonic()
        time.sleep(settle)
    finally:
        stop.set()
        for t in threads:
            t.join(60)
        if run("status").returncode != 0:
            run("start")
    return t_down, t_start, t_up
