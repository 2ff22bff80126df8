"""pgcount.py: a PostgreSQL protocol counter for bench/bench.py.

A proxy on a Unix socket of its own (DIR/.s.PGSQL.PORT) in front of the real
server's socket. It parses the protocol in both directions and counts, from
reset() on: the messages of each type each way, and the round trips (a flight
of client messages that starts after the server last answered, or on a new
connection). Both the program's workers (a lighttpd whose configuration points
at DIR) and pgbench (-h DIR) are counted by the same code, so that what each
asks of PostgreSQL a request can be compared, message by message.

Only the Unix socket is spoken (no SSL request there); the first client
message of a connection is the untyped startup packet.
"""
import os
import socket
import struct
import threading


class Counter:
    def __init__(self, listen_dir, port, target):
        """target: the real server's socket path."""
        self.path = os.path.join(listen_dir, f".s.PGSQL.{port}")
        self.target = target
        self.lock = threading.Lock()
        self.reset()
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        if os.path.exists(self.path):
            os.unlink(self.path)
        self.sock.bind(self.path)
        self.sock.listen(64)
        threading.Thread(target=self._accept, daemon=True).start()

    def reset(self):
        with self.lock:
            self.msgs = {"client": {}, "server": {}}
            self.trips = 0
            self.conns = 0
            self.last = None

    def snapshot(self):
        with self.lock:
            return {"client": dict(self.msgs["client"]), "server": dict(self.msgs["server"]),
                    "trips": self.trips, "conns": self.conns}

    @staticmethod
    def _capture(state, kind, body):
        """Keeps the statements of the connection's flights: Parse names a text, Bind
        runs a named one with its parameters (text; None for NULL), Query runs a text."""
        names = state.setdefault("names", {})
        def cstr(b, i):
            j = b.index(b"\0", i)
            return b[i:j].decode(), j + 1
        if kind == "P":
            name, i = cstr(body, 0)
            names[name], _ = cstr(body, i)
        elif kind == "Q":
            text, _ = cstr(body, 0)
            state["flights"][-1].append((text, []))
        else:
            _, i = cstr(body, 0)	# the portal
            name, i = cstr(body, i)
            nf = struct.unpack("!h", body[i:i + 2])[0]
            i += 2 + 2 * nf
            npar = struct.unpack("!h", body[i:i + 2])[0]
            i += 2
            params = []
            for _ in range(npar):
                ln = struct.unpack("!i", body[i:i + 4])[0]
                i += 4
                if ln < 0:
                    params.append(None)
                else:
                    params.append(body[i:i + ln].decode())
                    i += ln
            state["flights"][-1].append((names.get(name, ""), params))

    def request(self, trips):
        """The statements of the last request seen, as a list of flights (each a list of
        (text, params)): the last trips flights of the connection that sent last."""
        with self.lock:
            st = getattr(self, "last", None)
            return [list(f) for f in st["flights"][-trips:]] if st else []

    def close(self):
        self.sock.close()
        if os.path.exists(self.path):
            os.unlink(self.path)

    def _accept(self):
        while True:
            try:
                c, _ = self.sock.accept()
            except OSError:
                return
            s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            s.connect(self.target)
            state = {"last": "server"}	# a new connection's first flight is a trip
            with self.lock:
                self.conns += 1
            threading.Thread(target=self._pump, args=(c, s, "client", state), daemon=True).start()
            threading.Thread(target=self._pump, args=(s, c, "server", state), daemon=True).start()

    def _pump(self, src, dst, side, state):
        buf = b""
        startup = side == "client"
        while True:
            try:
                data = src.recv(65536)
            except OSError:
                data = b""
            if not data:
                for x in (src, dst):
                    try:
                        x.shutdown(socket.SHUT_RDWR)
                    except OSError:
                        pass
                return
            buf += data
            counts, parsed = {}, []
            while True:
                if startup:
                    if len(buf) < 4:
                        break
                    n = struct.unpack("!I", buf[:4])[0]
                    if len(buf) < n:
                        break
                    kind, buf, startup = "startup", buf[n:], False
                else:
                    if len(buf) < 5:
                        break
                    n = struct.unpack("!I", buf[1:5])[0]
                    if len(buf) < 1 + n:
                        break
                    kind, body, buf = chr(buf[0]), buf[5:1 + n], buf[1 + n:]
                    if side == "client" and kind in "PBQ":
                        parsed.append((kind, body))
                counts[kind] = counts.get(kind, 0) + 1
            with self.lock:
                if side == "client" and state["last"] == "server":
                    self.trips += 1
                    flights = state.setdefault("flights", [])
                    flights.append([])
                    del flights[:-8]
                    self.last = state
                if side == "client":
                    for kind, body in parsed:
                        self._capture(state, kind, body)
                state["last"] = side
                m = self.msgs[side]
                for k, v in counts.items():
                    m[k] = m.get(k, 0) + v
            # Forwarded after counting: the answer cannot overtake its question's count.
            try:
                dst.sendall(data)
            except OSError:
                return
