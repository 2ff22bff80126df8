"""Slow clients must not take the server (issue 15, finding 4).

1,100 sockets that each sent one header line every 2 s kept the demo's
lighttpd (max-connections = 1024) from answering anyone. Here every shipped
layout meets that attack: the demo's lighttpd (scripts/web.sh), Apache with
mod_proxy_fcgi and with mod_fcgid (scripts/apache.sh) and nginx
(scripts/nginx.sh), each with the configuration docs/deploy.md installs.

The attacker is 127.0.0.2 (so that a per-address limit counts it, and not the
normal client on 127.0.0.1): SOCKETS connections, each sending a request line
and then one header line every LINE_EVERY seconds, never the blank line that
ends the header, and BODIES more whose header is whole but whose body comes a
byte every LINE_EVERY seconds. A connection the server closes is opened again
at the next round, so the pressure stays for the whole attack. Meanwhile a
normal client on 127.0.0.1 asks for /v1/setting/record_level with a token,
each time on a new connection: every answer must be the same JSON as before
the attack (the tenant's levels) and come within BOUND seconds, connection
included.

Then the deadlines: where the server has a deadline for a whole request header
(Apache's mod_reqtimeout, nginx's client_header_timeout) or body (Apache), no
slow connection lives longer than it (plus SLACK); nginx answers 429 at once
to the slow bodies past its limit per address (limit_conn); after the attack
the attacker falls silent, keeping its sockets open, and every one of them is
closed within the server's idle deadline plus SLACK. lighttpd 1.4 has no
deadline for a whole header (max-read-idle starts again with every byte) and
no per-address limit: it withstands the attack by its capacity
(docs/deploy.md, "Slow clients").

The deadlines are read from the shipped files (a file that sets none: the
server's default), so the test follows them. Ports 18110-18113.
"""
import errno
import json
import os
import re
import resource
import selectors
import socket
import threading
import time
import urllib.parse

import pytest

from conftest import ROOT, query
from deploy import fetch, sh, write_conf
from security_lib import Instance

ATTACKER = "127.0.0.2"
SOCKETS = 1100
LINE_EVERY = 2.0
BOUND = 3.0          # s for each normal request, generous for a loaded CI machine
SLACK = 4.0          # s past a deadline before a slow connection counts as not cut
BODIES = 40          # slow request bodies, at once
PATH = "/v1/setting/record_level"


def conf_text(name):
    try:
        with open(os.path.join(ROOT, "conf", name)) as f:
            return f.read()
    except FileNotFoundError:
        return ""


def setting(name, pattern, default=None):
    """The number a shipped file sets (pattern's group 1), else the server's default."""
    m = re.search(pattern, conf_text(name), re.M)
    return int(m.group(1)) if m else default


def deadlines(name):
    """(deadline of a whole request header, of a whole request body, of a silent
    connection) in seconds: None where the server has no such deadline. What the
    shipped files set, else the server's default."""
    if name == "lighttpd":
        return None, None, setting("lighttpd.conf.in", r"^server\.max-read-idle\s*=\s*(\d+)", 60)
    if name == "nginx":
        h = setting("nginx-callreport-http.conf", r"^client_header_timeout\s+(\d+)s;", 60)
        b = setting("nginx-callreport.conf", r"^\s*client_body_timeout\s+(\d+)s;", 60)
        return h, None, max(h, b)   # client_body_timeout: a pause between two reads
    conf = "apache-callreport.conf.in" if name == "apache-proxy" else "apache-fcgid.conf.in"
    h = setting(conf, r"^RequestReadTimeout\s.*\bheader=(\d+)")
    b = setting(conf, r"^RequestReadTimeout\s.*\bbody=(\d+)")
    timeout = setting(conf, r"^Timeout\s+(\d+)", 60)     # each read, without mod_reqtimeout
    return h, b, max(h or timeout, b or timeout)


LAYOUTS = {
    "lighttpd": 18110,
    "apache-proxy": 18111,
    "apache-fcgid": 18112,
    "nginx": 18113,
}


class Attack:
    """n slow connections from ATTACKER to host:port, in a thread of their own
    (one selector: connecting, reading what the server sends, noting when it
    closes). Each connection sends first() once connected and more() every
    LINE_EVERY s; closed ones are opened again at the next round until quiet()
    is called, after which nothing more is sent or opened."""

    def __init__(self, host, port, n, first, more):
        self.host, self.port, self.n, self.first, self.more = host, port, n, first, more
        self.sel = selectors.DefaultSelector()
        self.open = {}        # socket -> [connected at or None, first bytes received]
        self.lives = []       # (connected at, closed at, first bytes) of every connection the server closed
        self.refused = 0      # connections that never got established
        self.peak = 0         # most connections established at once
        self.opened = 0
        self._quiet = threading.Event()
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._t = threading.Thread(target=self._run, daemon=True)

    def start(self):
        self._t.start()
        return self

    def quiet(self):
        self._quiet.set()

    def stop(self):
        self._stop.set()
        self._t.join(30)
        for s in list(self.open):
            s.close()
        self.open.clear()

    def alive(self):
        with self._lock:
            return len(self.open)

    def _open_one(self):
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.setblocking(False)
        s.bind((ATTACKER, 0))
        err = s.connect_ex((self.host, self.port))
        if err not in (0, errno.EINPROGRESS):
            s.close()
            self.refused += 1
            return
        self.open[s] = [None, b""]
        self.opened += 1
        self.sel.register(s, selectors.EVENT_WRITE)

    def _closed(self, s, now):
        v = self.open.pop(s, None)
        try:
            self.sel.unregister(s)
        except (KeyError, ValueError):
            pass
        s.close()
        if v is None:
            return
        if v[0] is None:
            self.refused += 1
        else:
            self.lives.append((v[0], now, v[1]))

    def _round(self, n, now):
        if self._quiet.is_set():
            return
        data = self.more(n)
        for s, v in list(self.open.items()):
            if v[0] is not None:
                try:
                    s.send(data)
                except OSError:
                    self._closed(s, now)
        while len(self.open) < self.n:
            try:
                self._open_one()
            except OSError:
                self.refused += 1
                break

    def _event(self, s, now):
        v = self.open.get(s)
        if v is None:
            return
        if v[0] is None:            # the connection is established (or failed)
            if s.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR):
                self._closed(s, now)
                return
            v[0] = now
            try:
                s.send(self.first())
            except OSError:
                self._closed(s, now)
                return
            self.sel.modify(s, selectors.EVENT_READ)
            return
        try:
            data = s.recv(65536)
        except OSError:
            data = b""
        if not data:
            self._closed(s, now)
        elif len(v[1]) < 64:
            v[1] += data[:64]

    def _run(self):
        n, next_round = 0, time.monotonic()
        while not self._stop.is_set():
            now = time.monotonic()
            if now >= next_round:
                next_round, n = now + LINE_EVERY, n + 1
                with self._lock:
                    self._round(n, now)
            for key, _ in self.sel.select(timeout=0.05):
                with self._lock:
                    self._event(key.fileobj, time.monotonic())
            with self._lock:
                self.peak = max(self.peak, sum(1 for v in self.open.values() if v[0] is not None))

    def statuses(self):
        """The status codes the server answered, one for each connection that got one."""
        out = []
        for _, _, first in self.lives:
            m = re.match(rb"HTTP/1\.[01] (\d{3}) ", first)
            if m:
                out.append(int(m.group(1)))
        return out


def slow_headers(host, port, prefix):
    """The attack of the issue: a request line, then one header line every LINE_EVERY s."""
    return Attack(host, port, SOCKETS,
                  lambda: f"GET {prefix}/healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n".encode(),
                  lambda n: f"X-Slow-{n}: {n}\r\n".encode())


def slow_bodies(host, port, prefix):
    """BODIES requests whose header is whole but whose body comes one byte every LINE_EVERY s."""
    return Attack(host, port, BODIES,
                  lambda: (f"POST {prefix}/v1/task/query_done_task_phones HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                           "Content-Type: application/json\r\nContent-Length: 60000\r\n\r\n ").encode(),
                  lambda n: b" ")


def raise_nofile(need):
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft >= need:
        return
    try:
        resource.setrlimit(resource.RLIMIT_NOFILE, (need, max(hard, need)))
    except (ValueError, OSError):
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    soft = resource.getrlimit(resource.RLIMIT_NOFILE)[0]
    assert soft >= need, f"this test needs {need} open files; the limit is {soft}"


@pytest.fixture(scope="module")
def expected(data, db):
    raise_nofile(SOCKETS + 512)
    names = [r[0] for r in query(db, "SELECT name FROM levels WHERE user_id = %s", data["alpha"]["tenant_id"])]
    assert names
    return names


def server(name):
    """Starts the layout; returns (base URL, stop function)."""
    port = LAYOUTS[name]
    if name == "lighttpd":
        inst = Instance(port).__enter__()
        return inst.base, lambda: inst.__exit__(None, None, None)
    conf = write_conf(f"slowloris-{name}")
    if name == "nginx":
        sh("scripts/nginx.sh", "start", str(port), conf)
        return f"http://127.0.0.1:{port}/reports", lambda: sh("scripts/nginx.sh", "stop", str(port), check=False)
    mode = name.split("-")[1]
    sh("scripts/apache.sh", "start", str(port), conf, "/reports", mode)
    return f"http://127.0.0.1:{port}/reports", lambda: sh("scripts/apache.sh", "stop", str(port), check=False)


def ask(base, token):
    t = time.monotonic()
    try:
        st, body = fetch(base, PATH, token, timeout=BOUND + 2)
        return time.monotonic() - t, st, body
    except Exception as e:  # noqa: BLE001 - every failure is an outcome
        return time.monotonic() - t, None, repr(e).encode()


@pytest.mark.parametrize("name", list(LAYOUTS))
def test_slow_clients_do_not_take_the_server(name, data, expected):
    token = data["alpha"]["token"]
    header, body_deadline, idle = deadlines(name)
    # long enough to see the header deadline at work; bounded, so that a
    # configuration without short deadlines fails in reasonable time too
    attack_for = min(header or 10, 20) + SLACK + 2
    quiet_for = min(idle, 20) + SLACK
    base, stop = server(name)
    attacks = []
    try:
        st, body = fetch(base, PATH, token)
        assert st == 200, body
        want = json.loads(body)
        assert want["code"] == 200 and sorted(x["name"] for x in want["data"]) == sorted(expected), want
        u = urllib.parse.urlsplit(base)
        prefix = u.path.rstrip("/")
        headers = slow_headers(u.hostname, u.port, prefix).start()
        bodies = slow_bodies(u.hostname, u.port, prefix).start()
        attacks = [headers, bodies]
        t0 = time.monotonic()
        time.sleep(LINE_EVERY + 0.5)    # the first round is open
        answers = []
        while time.monotonic() - t0 < attack_for:
            took, st, body = ask(base, token)
            answers.append((round(time.monotonic() - t0, 1), round(took, 2), st, body))
            time.sleep(0.25)
        for a in attacks:
            a.quiet()
        t_quiet = time.monotonic()
        while any(a.alive() for a in attacks) and time.monotonic() < t_quiet + quiet_for:
            time.sleep(0.2)
        left = [a.alive() for a in attacks]
        took_quiet = time.monotonic() - t_quiet
    finally:
        for a in attacks:
            a.stop()
        stop()
    for what, a in (("slow headers", headers), ("slow bodies", bodies)):
        print(f"{name}, {what}: {a.opened} connections opened, {a.peak} at once at most, {a.refused} never "
              f"established, {len(a.lives)} closed by the server (longest "
              f"{max((y - x for x, y, _ in a.lives), default=0):.1f} s), answers {sorted(set(a.statuses()))}")
    print(f"{name}: {len(answers)} normal requests, slowest {max(a[1] for a in answers)} s; after the attackers "
          f"fell silent: {left} left after {took_quiet:.1f} s")

    bad = [a for a in answers if a[2] != 200 or a[1] > BOUND or json.loads(a[3]) != want]
    assert not bad, (name, len(bad), len(answers), [(a[0], a[1], a[2], a[3][:80]) for a in bad[:8]])
    assert len(answers) >= attack_for / (BOUND + 0.25), len(answers)
    assert headers.peak >= SOCKETS * 0.9, ("the attack did not hold its connections", headers.peak)
    for deadline, a, what in ((header, headers, "header"), (body_deadline, bodies, "body")):
        if deadline is not None:
            longest = max((y - x for x, y, _ in a.lives), default=0)
            assert a.lives and longest <= deadline + SLACK, (
                name, f"a slow connection outlived the {what} deadline", longest, deadline)
    if name == "nginx":
        # limit_conn: at most LIMIT requests in progress from one address, the rest 429 at once
        limit = setting("nginx-callreport.conf", r"^\s*limit_conn callreport_addr (\d+);", BODIES)
        assert bodies.statuses().count(429) >= BODIES - limit, ("no per-address limit", bodies.statuses())
    assert left == [0, 0], (name, f"silent connections {left} still open {quiet_for} s after the attack "
                                  "fell silent")
