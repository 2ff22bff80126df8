"""Static export on a bad day (issue 19): a zip that cannot be written (finding 7)."""
import hashlib
import os
import resource
import signal
import subprocess
import tempfile

from conftest import CLI, CONF, OUT
from test_export import scope  # noqa: F401 (a fixture: a narrow selection of alpha's first task)


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
