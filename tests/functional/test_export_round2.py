"""Exports and workbooks on a bad day (issue 19): a zip that cannot be written (finding 7),
what a kill -9 of an export or a worker leaves (finding 2)."""
import hashlib
import os
import resource
import signal
import socket
import subprocess
import tempfile
import time

from conftest import CLI, CONF, OUT, cli, get
from security_lib import VAR, Instance, worker_pids
from test_api_explain import big  # noqa: F401 (a fixture: tenant "big", a task of 50,000 numbers)
from test_export import scope  # noqa: F401 (a fixture: a narrow selection of alpha's first task)

PORT = 18111


def run_export(out, task, kw, fsize=None):
    """bin/callreport export --zip of the selection into out; fsize: a file size limit
    (SIGXFSZ ignored, so that a write past it fails with EFBIG instead of killing)."""
    def limit():
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (fsize, fsize))
    env = dict(os.environ, CALLREPORT_CONF=CONF)
    return subprocess.run([CLI, "export", "--user", "alpha", "--task", task, "--out", out,
                           "--filter", f"keyword={kw}", "--zip", "--quiet"],
                          capture_output=True, text=True, env=env, timeout=600,
                          preexec_fn=limit if fsize else None)


def tree(root):
    """Every file below root with the MD5 of its bytes (workbooks left out: they carry the time)."""
    out = {}
    for d, _, files in os.walk(root):
        for f in files:
            p = os.path.join(d, f)
            with open(p, "rb") as fh:
                out[os.path.relpath(p, root)] = None if f.endswith(".xlsx") else hashlib.md5(fh.read()).hexdigest()
    return out


def test_zip_failure_leaves_what_was_there(scope):  # noqa: F811
    """--zip failing (here a file size limit that every file of the site fits, the zip not):
    exit 1, the message names the zip, why, and says that nothing was exported; the export
    that was there is left whole and nothing else is written."""
    parent = tempfile.mkdtemp(dir=OUT)
    out = os.path.join(parent, "site")
    p = run_export(out, scope["task"], scope["kw"])
    assert p.returncode == 0, p.stderr
    zsize = os.path.getsize(out + ".zip")
    largest = max(os.path.getsize(os.path.join(d, f)) for d, _, fs in os.walk(out) for f in fs)
    assert largest < zsize // 2, (largest, zsize)
    fsize = (largest + zsize) // 2
    before = (os.stat(out).st_ino, tree(out), open(out + ".zip", "rb").read())

    p = run_export(out, scope["task"], scope["kw"], fsize=fsize)
    assert p.returncode == 1, p.stderr
    assert f"{out}.zip: cannot write the zip file (File too large)" in p.stderr, p.stderr
    assert f"nothing was exported: {out} and {out}.zip are as they were" in p.stderr, p.stderr
    assert (os.stat(out).st_ino, tree(out), open(out + ".zip", "rb").read()) == before
    assert sorted(os.listdir(parent)) == ["site", "site.zip"]

    # With no export before: nothing at all.
    fresh = tempfile.mkdtemp(dir=OUT)
    p = run_export(os.path.join(fresh, "site"), scope["task"], scope["kw"], fsize=fsize)
    assert p.returncode == 1 and "cannot write the zip file" in p.stderr, p.stderr
    assert os.listdir(fresh) == []


# Finding 2: what a kill -9 leaves behind.

def test_killed_export_is_cleared_by_the_next(data):
    """kill -9 of an export leaves its OUT.tmp-PID (nothing can catch it); the next export
    to the same place removes it, and leaves alone the temporary of a process alive."""
    parent = tempfile.mkdtemp(dir=OUT)
    out = os.path.join(parent, "site")
    env = dict(os.environ, CALLREPORT_CONF=CONF)
    p = subprocess.Popen([CLI, "export", "--user", "alpha", "--task", data["alpha"]["tasks"][1], "--out", out,
                          "--zip", "--quiet"], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.time() + 30
    while time.time() < deadline and not any(n.startswith("site.tmp-") for n in os.listdir(parent)):
        time.sleep(0.02)
    time.sleep(0.5)
    p.kill()
    p.communicate(timeout=60)
    assert p.returncode == -signal.SIGKILL
    left = sorted(os.listdir(parent))
    assert left == [f"site.tmp-{p.pid}"], left
    alive = os.path.join(parent, f"site.tmp-{os.getpid()}")   # this test's: a live process
    os.mkdir(alive)

    q = subprocess.run([CLI, "export", "--user", "alpha", "--task", data["alpha"]["tasks"][1], "--out", out,
                        "--quiet", "--no-history"], env=env, capture_output=True, text=True, timeout=600)
    assert q.returncode == 0, q.stderr
    assert f"removed {parent}/site.tmp-{p.pid}, left by process {p.pid}" in q.stderr, q.stderr
    assert sorted(os.listdir(parent)) == ["site", f"site.tmp-{os.getpid()}"]
    os.rmdir(alive)


def leftovers(d):
    return sorted(n for n in os.listdir(d) if n.startswith("callreport-"))


def reading(pid, d):
    """The files callreport-* below d that process pid has open for reading (sending them;
    a workbook is written write-only), as /proc shows them."""
    out = []
    for fd in os.listdir(f"/proc/{pid}/fd"):
        try:
            t = os.readlink(f"/proc/{pid}/fd/{fd}")
            with open(f"/proc/{pid}/fdinfo/{fd}") as f:
                flags = int(next(x for x in f if x.startswith("flags:")).split()[1], 8)
        except (OSError, StopIteration):
            continue
        if t.startswith(d + "/callreport-") and flags & os.O_ACCMODE == os.O_RDONLY:
            out.append(t)
    return out


def ask_xlsx(port, token, task):
    """Sends a request for the task's numbers as a workbook; returns the socket (unread)."""
    s = socket.create_connection(("127.0.0.1", port))
    s.sendall(f"GET /v1/task/number?task_id={task}&format=xlsx HTTP/1.1\r\nHost: x\r\n"
              f"Authorization: Bearer {token}\r\nConnection: close\r\n\r\n".encode())
    return s


def wait_for(cond, seconds, what):
    deadline = time.time() + seconds
    while time.time() < deadline:
        v = cond()
        if v:
            return v
        time.sleep(0.002)
    raise AssertionError("timed out waiting for " + what)


def test_killed_worker_leaves_no_workbook(big):
    """A worker's workbook is gone with the worker: killed while sending it, nothing is left
    (its name was removed before the first byte went); killed while building it, the file
    (its name carries the worker's pid) is removed by the next worker that starts."""
    tmp = tempfile.mkdtemp(dir=OUT)
    token = cli("token", "--user", "big").stdout.strip()
    with Instance(PORT, workers=1, max_requests=0, tmp_dir=tmp) as inst:
        with open(os.path.join(VAR, f"lighttpd-{PORT}.pid")) as f:
            server = int(f.read().strip())
        [worker] = worker_pids(PORT)

        # Sending: the web server stopped as soon as the worker starts on the workbook,
        # so that the worker blocks in the middle of sending it.
        s = ask_xlsx(PORT, token, big["task"])
        wait_for(lambda: leftovers(tmp), 30, "the workbook to be begun")
        os.kill(server, signal.SIGSTOP)
        try:
            sending = wait_for(lambda: reading(worker, tmp), 60, "the workbook sent")
            time.sleep(0.5)
            assert leftovers(tmp) == [], (leftovers(tmp), sending)
            os.kill(worker, signal.SIGKILL)
        finally:
            os.kill(server, signal.SIGCONT)
        s.close()
        wait_for(lambda: not os.path.exists(f"/proc/{worker}"), 10, "the worker to go")
        assert leftovers(tmp) == []

        # Building: killed as soon as its file exists.
        [worker] = wait_for(lambda: worker_pids(PORT) if get("/healthz", base=inst.base).status == 200
                            else None, 30, "a new worker")
        s = ask_xlsx(PORT, token, big["task"])
        [name] = wait_for(lambda: leftovers(tmp), 30, "the workbook to be begun")
        os.kill(worker, signal.SIGKILL)
        s.close()
        assert name.startswith(f"callreport-{worker}-"), name
        wait_for(lambda: not os.path.exists(f"/proc/{worker}"), 10, "the worker to go")
        # Left by the killed worker (unless its successor, started at once, was quicker
        # than this look: then the log below says which process removed it).
        assert leftovers(tmp) in ([name], [])
        # The next worker's start removes it.
        wait_for(lambda: get("/healthz", base=inst.base).status == 200, 30, "a new worker")
        wait_for(lambda: leftovers(tmp) == [], 10, "the workbook to be removed")
        assert f"removed {tmp}/{name}, left by process {worker}" in open(inst.log).read()
