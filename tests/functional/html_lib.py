"""Helpers of the HTML page tests: sign-in, tidy, a small HTML model, fixtures.

The pages are checked as a browser and a validator see them: tidy(1) for HTML5,
html.parser for what the markup holds (elements, attributes, text, links,
labels), the database for the numbers shown.
"""
import html
import html.parser
import http.client
import math
import os
import re
import struct
import subprocess
import urllib.parse
import wave

import pytest

from conftest import BASE_URL, CONF, ROOT, Response, cli, request

XSS_FILE = os.path.join(ROOT, "tests", "fixtures", "xss", "xss.jsonl")
XSS_TASK = "5c0ffee0-0000-4000-8000-000000000001"
XSS_RECORDS = ["5c0ffee0-0000-4000-8000-000000000600", "5c0ffee0-0000-4000-8000-000000000601",
               "5c0ffee0-0000-4000-8000-000000000602"]
XSS_NUMBER = 9000000000000101
# The hostile strings of the fixture, each of which must show as text.
HOSTILE = ['<script>alert("xss-1")</script>', "\"><img src=x onerror=alert('xss-2')>",
           "javascript:alert('xss-3')", "' onmouseover='alert(4)' x='",
           "</textarea></title><svg onload=alert(5)>{{TITLE}}"]

# Source address of this suite's failed sign-ins: the rate limit counts per
# address, and other suites sign in from 127.0.0.1.
SOURCE = "127.0.0.71"

# tidy warnings that are not faults of the page, each with its reason:
ALLOWED_TIDY = [
    # inputmode (numeric keypad on phones) and autocapitalize are HTML
    # attributes (WHATWG) that tidy 5.6 does not know yet.
    re.compile(r'proprietary attribute "(inputmode|autocapitalize)"'),
    # PHP-style array names (status[]=1, levels[0][]=0) are the contract's
    # query format; the WHATWG URL standard leaves [ and ] as they are in a
    # query, and every browser sends them so.
    re.compile(r"<a> illegal characters found in URI"),
]


def conf_value(key):
    with open(CONF) as f:
        for line in f:
            k, sep, v = line.partition("=")
            if sep and k.strip() == key:
                return v.strip()
    return None


def header_all(r, name):
    return [v for k, v in r.headers if k.lower() == name.lower()]


def login(name, password, next_=None, source=None):
    """POST /login; returns (response, session id or None)."""
    form = {"name": name, "password": password}
    if next_ is not None:
        form["next"] = next_
    u = urllib.parse.urlsplit(BASE_URL)
    conn = http.client.HTTPConnection(u.hostname, u.port, timeout=60,
                                      source_address=(source, 0) if source else None)
    conn.request("POST", "/login", body=urllib.parse.urlencode(form),
                 headers={"Content-Type": "application/x-www-form-urlencoded"})
    resp = conn.getresponse()
    r = Response(resp.status, resp.getheaders(), resp.read())
    conn.close()
    sid = None
    for v in header_all(r, "Set-Cookie"):
        if v.startswith("crsid="):
            sid = v.split(";", 1)[0][len("crsid="):] or None
    return r, sid


def page(path, sid, params=None, raw_query=None, status=200):
    """GET a page with a session cookie; asserts the status and HTML; returns the text."""
    r = request("GET", path, params=params, raw_query=raw_query, headers={"Cookie": "crsid=" + sid})
    assert r.status == status, (path, r.status, r.text[:300])
    assert r.header("Content-Type") == "text/html; charset=utf-8", path
    return r.text


def tidy(text):
    """Returns tidy's warnings and errors about a page, less the ALLOWED_TIDY ones."""
    p = subprocess.run(["tidy", "-q", "-e", "-utf8"], input=text.encode(), capture_output=True)
    lines = [x for x in p.stderr.decode().splitlines() if x.strip()]
    return [x for x in lines if not any(a.search(x) for a in ALLOWED_TIDY)]


class Doc(html.parser.HTMLParser):
    """A page as elements (tag, attrs, text inside), in document order."""

    VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta",
            "source", "track", "wbr"}

    def __init__(self, text):
        super().__init__(convert_charrefs=True)
        self.elements = []
        self.open = []
        self.text = []
        self.feed(text)
        self.close()

    def handle_starttag(self, tag, attrs):
        e = {"tag": tag, "attrs": dict(attrs), "text": [],
             "in_label": any(o["tag"] == "label" for o in self.open)}
        self.elements.append(e)
        if tag not in self.VOID:
            self.open.append(e)

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in self.VOID:
            self.open.pop()

    def handle_endtag(self, tag):
        for i in range(len(self.open) - 1, -1, -1):
            if self.open[i]["tag"] == tag:
                del self.open[i:]
                break

    def handle_data(self, data):
        self.text.append(data)
        for e in self.open:
            e["text"].append(data)

    def all(self, tag=None, **attrs):
        out = []
        for e in self.elements:
            if tag and e["tag"] != tag:
                continue
            if all(e["attrs"].get(k.rstrip("_")) == v for k, v in attrs.items()):
                out.append(e)
        return out

    def one(self, tag=None, **attrs):
        found = self.all(tag, **attrs)
        assert len(found) == 1, (tag, attrs, len(found))
        return found[0]

    def by_id(self, ident):
        return self.one(id=ident)

    @staticmethod
    def text_of(e):
        return re.sub(r"\s+", " ", "".join(e["text"])).strip()

    def all_text(self):
        return "".join(self.text)

    def hrefs(self):
        return [e["attrs"]["href"] for e in self.elements if "href" in e["attrs"]]

    def unlabelled_controls(self):
        """Form controls a screen reader cannot name: no <label for>, no wrapping label, no aria-label."""
        labelled = {e["attrs"].get("for") for e in self.all("label")}
        bad = []
        for e in self.elements:
            a = e["attrs"]
            if e["tag"] not in ("input", "select", "textarea") or a.get("type") in ("hidden", "submit", "button"):
                continue
            if a.get("id") in labelled or "aria-label" in a or e["in_label"]:
                continue
            bad.append(a)
        return bad


def messages(d):
    """The error messages a page shows: the error page's, or a form's (above it, or beside
    the field it names, on a page answering bad input with itself)."""
    return [e for e in d.elements if e["attrs"].get("role") == "alert"
            and set(e["attrs"].get("class", "").split()) & {"msg", "form-error", "field-error"}]


def doc(text):
    return Doc(text)


def check_page(text, where=""):
    """The checks of every page: HTML5 that tidy passes, UTF-8, a title, labelled controls."""
    assert text.startswith("<!DOCTYPE html>"), where
    assert '<meta charset="utf-8">' in text, where
    assert re.search(r'<html lang="zh-CN">', text), where
    problems = tidy(text)
    assert problems == [], (where, problems)
    d = doc(text)
    assert d.unlabelled_controls() == [], (where, d.unlabelled_controls())
    assert d.all("title") and Doc.text_of(d.all("title")[0]), where
    return d


def no_markup_injected(d, where=""):
    """No script, no event handler, no javascript: URL: the values stayed text."""
    assert not d.all("script"), where
    assert not d.all("img") and not d.all("iframe") and not d.all("textarea"), where
    for e in d.elements:
        for k, v in e["attrs"].items():
            assert not k.startswith("on"), (where, e)
            if k in ("href", "src", "action", "formaction") and v:
                assert not v.strip().lower().startswith(("javascript:", "data:", "vbscript:")), (where, e)
    # svg elements are ours only: charts and swatches, never one from a value
    for e in d.all("svg"):
        assert "onload" not in e["attrs"], where


def write_wav(path, seconds=2.0, rate=8000):
    """Writes a small mono 16-bit WAV (a tone) at path; returns its bytes."""
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with wave.open(path, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(b"".join(struct.pack("<h", int(4000 * math.sin(i / 6.0)))
                               for i in range(int(seconds * rate))))
    with open(path, "rb") as f:
        return f.read()


def recordings_dir(user):
    """The directory of user's recordings, as `callreport recordings dir` says (the layout
    is store/recording.c's: recordings_root/<tenant id>), made if missing."""
    assert conf_value("recordings_root"), "the test configuration sets recordings_root"
    d = cli("recordings", "dir", "--user", user).stdout.strip()
    os.makedirs(d, exist_ok=True)
    return d


def place_recording(recordfile, user="alpha", seconds=2.0):
    """Puts a WAV where callreport finds recordfile for user: in user's directory by the
    path's last two parts."""
    parts = [p for p in recordfile.split("/") if p]
    path = os.path.join(recordings_dir(user), *parts[-2:])
    return path, write_wav(path, seconds)


@pytest.fixture(scope="session")
def xss(data, db):
    """The tenant "xss": hostile strings in every text the pages show (tests/fixtures/xss)."""
    cli("import", "--user", "xss", XSS_FILE)
    token = cli("token", "--user", "xss").stdout.strip()
    cli("passwd", "--user", "xss", input="xss-password\n")
    # record 1's file is a symlink out of the tenant's directory: it must never be served
    link = os.path.join(recordings_dir("xss"), "2026-10-02", "escape.wav")
    os.makedirs(os.path.dirname(link), exist_ok=True)
    if os.path.lexists(link):
        os.unlink(link)
    os.symlink("/etc/passwd", link)
    r, sid = login("xss", "xss-password")
    assert r.status == 303 and sid
    return {"token": token, "sid": sid, "password": "xss-password"}


@pytest.fixture(scope="session")
def alpha_sid(data):
    r, sid = login("alpha", data["alpha"]["password"])
    assert r.status == 303 and sid, r.text
    return sid
