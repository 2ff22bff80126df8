"""Security 10: recordings and regions are each tenant's own (docs/security.md,
sections 1 and 4; issue 15, items 5 and 6).

- Recordings: a tenant's recordings are found in its own directory only,
  recordings_root/<tenant id> (`callreport recordings dir`): two tenants storing the
  same path each get their own file; no stored path reaches another tenant's file or a
  file left in the root; `callreport recordings migrate` moves the files of the old
  layout (one directory for all) to the tenant whose records name them, a dry run
  unless --apply, and copies a file several tenants name only with --copy-shared.
- Regions: a tenant's import changes its own regions only: tenant B naming region
  7700001 "<b>EVIL</b>" first changes nothing A shows, A's own import sets (and
  later fixes) A's names, and no import may name a region of another tenant. An
  upgrade gives every tenant a copy of the shared regions (`callreport migrate`).
"""
import json
import os
import re
import shutil
import subprocess

import psycopg2
import pytest

from conftest import CLI, CONF, OUT, SUPER_DSN, cli, get, post, query
from security_lib import conf_value

A, B, C = "tenantfiles-a", "tenantfiles-b", "tenantfiles-c"
SAME = "/mnt/smartivr/recordings/2026-12-01/tf-same.wav"     # both tenants store this path
A_ONLY = "/mnt/smartivr/recordings/2026-12-01/tf-a-only.wav"  # A's file, which B tries to reach
LEGACY = "/mnt/smartivr/recordings/2026-12-02/tf-legacy.wav"  # a file left in the root
MIG_A = "/mnt/smartivr/recordings/2026-12-01/tf-mig-a.wav"    # only A names it
PROVINCE, CITY = 7700000, 7700001


def U(prefix, n):
    return f"{prefix}-0000-4000-8000-{n:012d}"


def tenant_lines(t, city, province, recordfiles, regions=True):
    """An import file of one tenant: its regions (unless not regions), a task, a number in
    the city and one call record a recording path. t: "a", "b" or "c" (ids apart)."""
    p = {"a": "7f0a0000", "b": "7f0b0000", "c": "7f0c0000"}[t]
    base = {"a": 7710000000000000, "b": 7720000000000000, "c": 7730000000000000}[t]
    lines = []
    if regions:
        lines += [{"kind": "region", "id": PROVINCE, "pid": None, "city": province, "area_code": "0519"},
                  {"kind": "region", "id": CITY, "pid": PROVINCE, "city": city, "area_code": "025"}]
    lines += [{"kind": "group", "id": base + 1, "name": "话术"},
              {"kind": "task", "uuid": U(p, 1), "name": f"任务{t}", "group_id": base + 1},
              {"kind": "number", "id": base + 2, "task_id": U(p, 1), "number": "13900000001", "status": 1,
               "province_id": PROVINCE, "city_id": CITY, "operator": 1},
              {"kind": "call_history", "id": base + 3, "task_id": U(p, 1), "number_id": base + 2,
               "number": "13900000001", "call_time": "2026-12-01 10:00:00", "status": 1,
               "province_id": PROVINCE, "city_id": CITY}]
    for i, rf in enumerate(recordfiles):
        lines.append({"kind": "record", "id": U(p, 100 + i), "task_id": U(p, 1), "callee": "13900000001",
                      "calldate": f"2026-12-01 10:{i:02d}:00", "score": 50, "recordfile": rf,
                      "province_id": PROVINCE, "city_id": CITY, "operator": 1})
    return lines


def write(name, lines):
    path = os.path.join(OUT, name)
    with open(path, "w", encoding="utf-8") as f:
        for x in lines:
            f.write(json.dumps(x, ensure_ascii=False) + "\n")
    return path


def import_lines(user, name, lines, check=True):
    return cli("import", "--user", user, write(name, lines), check=check)


# Tenant B reaches for A's file by every path that named it in the old layout or that a
# traversal could make of it; it has records of its own for each.
def b_paths(a_id):
    return [SAME, A_ONLY, f"/{a_id}/2026-12-01/tf-a-only.wav", f"/x/{a_id}/2026-12-01/tf-a-only.wav",
            f"../{a_id}/2026-12-01/tf-a-only.wav", f"/2026-12-01/../../{a_id}/2026-12-01/tf-a-only.wav",
            LEGACY]


@pytest.fixture(scope="module")
def tenants(db):
    """B first, then A: B's import names the regions "<b>EVIL</b>" before A's names them."""
    # The tenants' ids first: B's records name A's directory.
    for name in (A, B):
        cli("passwd", "--user", name, input="tenant-files-password\n")
    a_id, b_id = (str(query(db, "SELECT id FROM tenants WHERE name = %s", n)[0][0]) for n in (A, B))
    import_lines(B, "tf-b.jsonl", tenant_lines("b", "<b>EVIL</b>", "<i>EVILPROV</i>", b_paths(a_id)))
    import_lines(A, "tf-a.jsonl", tenant_lines("a", "南京", "江苏", [SAME, A_ONLY, LEGACY, MIG_A]))
    out = {}
    for name, t, tid in ((A, "a", a_id), (B, "b", b_id)):
        p = {"a": "7f0a0000", "b": "7f0b0000"}[t]
        out[t] = {"id": tid, "name": name, "token": cli("token", "--user", name).stdout.strip(),
                  "task": U(p, 1), "record": lambda i, p=p: U(p, 100 + i),
                  "number": {"a": 7710000000000002, "b": 7720000000000002}[t]}
    return out


# ---------------------------------------------------------------------- recordings

def tenant_dir(t):
    """t's directory of recordings: recordings_root/<tenant id> (test_the_directory_is_the_tenants_id
    holds `callreport recordings dir` to it)."""
    return os.path.join(conf_value("recordings_root"), t["id"])


def put(path, data):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(data)


def wav(text):
    return b"RIFF\x24\x00\x00\x00WAVEfmt " + text.encode()


def recording(t, i):
    return get(f"/records/{t['record'](i)}/recording", t["token"])


def test_the_directory_is_the_tenants_id(tenants):
    root = conf_value("recordings_root")
    for t in tenants.values():
        assert cli("recordings", "dir", "--user", t["name"]).stdout == os.path.join(root, t["id"]) + "\n"
    p = cli("recordings", "dir", "--user", "no-such-tenant-files", check=False)
    assert p.returncode == 1 and "no tenant named no-such-tenant-files" in p.stderr
    # recordings off: nothing to say where they are
    p = subprocess.run([CLI, "recordings", "dir", "--user", A], capture_output=True, text=True,
                       env=dict(os.environ, CALLREPORT_CONF=CONF, CALLREPORT_RECORDINGS_ROOT=""))
    assert p.returncode == 1 and "recordings_root is not set" in p.stderr


def test_same_stored_path_each_tenant_its_own_file(tenants):
    a, b = tenants["a"], tenants["b"]
    put(os.path.join(tenant_dir(a), "2026-12-01", "tf-same.wav"), wav("tenant A"))
    put(os.path.join(tenant_dir(b), "2026-12-01", "tf-same.wav"), wav("tenant B"))
    ra, rb = recording(a, 0), recording(b, 0)
    assert (ra.status, ra.body) == (200, wav("tenant A"))
    assert (rb.status, rb.body) == (200, wav("tenant B"))
    # and the transcript page of each offers it
    for t in (a, b):
        page = get(f"/records/{t['record'](0)}", t["token"], headers={"Accept": "text/html"})
        assert page.status == 200 and f'src="/records/{t["record"](0)}/recording"' in page.text


def test_no_path_reaches_another_tenants_file(tenants):
    a, b = tenants["a"], tenants["b"]
    put(os.path.join(tenant_dir(a), "2026-12-01", "tf-a-only.wav"), wav("only A"))
    os.makedirs(tenant_dir(b), exist_ok=True)
    # B's records name A's file by its stored path, by A's directory and by traversals
    missing = get("/records/00000000-0000-4000-8000-000000000000/recording", b["token"])
    for i, path in enumerate(b_paths(a["id"])[1:-1], start=1):
        r = recording(b, i)
        assert (r.status, r.body) == (missing.status, missing.body) and missing.status == 404, path
        page = get(f"/records/{b['record'](i)}", b["token"], headers={"Accept": "text/html"})
        assert page.status == 200 and "<audio" not in page.text, path
    # while A gets it
    r = recording(a, 1)
    assert (r.status, r.body) == (200, wav("only A"))


def test_a_file_left_in_the_root_is_served_to_nobody(tenants):
    """The old layout's place: the root itself. No fallback looks there any more."""
    a, b = tenants["a"], tenants["b"]
    put(os.path.join(conf_value("recordings_root"), "2026-12-02", "tf-legacy.wav"), wav("legacy"))
    for t, i in ((a, 2), (b, len(b_paths(a["id"])) - 1)):
        r = recording(t, i)
        assert r.status == 404 and b"legacy" not in r.body
        page = get(f"/records/{t['record'](i)}", t["token"], headers={"Accept": "text/html"})
        assert page.status == 200 and "<audio" not in page.text


def tree(root):
    """Every file below root: {relative path: bytes}."""
    out = {}
    for d, _, files in os.walk(root):
        for f in files:
            p = os.path.join(d, f)
            with open(p, "rb") as x:
                out[os.path.relpath(p, root)] = x.read()
    return out


def migrate(root, *args):
    p = subprocess.run([CLI, "recordings", "migrate", *args], capture_output=True, text=True,
                       env=dict(os.environ, CALLREPORT_CONF=CONF, CALLREPORT_RECORDINGS_ROOT=root))
    return p


def summary(p):
    """(moved, copied, shared left) of a migration's last line."""
    assert p.returncode == 0, p.stderr
    m = re.search(r"^(\d+) moved, (\d+) copied, (\d+) shared left, \d+ already in place, "
                  r"\d+ not found below ", p.stdout, re.M)
    assert m, p.stdout
    return tuple(int(x) for x in m.groups())


def test_migration_moves_each_file_to_its_tenant(tenants):
    """On a root of the old layout of its own (the configuration's recordings_root, through
    the environment): the file only A names goes to A; the files both name (the same path;
    A's path, which B named too) stay until --copy-shared; a file that no record names, and
    files in a tenant's directory, stay where they are."""
    a, b = tenants["a"], tenants["b"]
    root = os.path.join(OUT, "tf-old-layout")
    shutil.rmtree(root, ignore_errors=True)
    put(os.path.join(root, "2026-12-01", "tf-mig-a.wav"), wav("A's"))
    put(os.path.join(root, "2026-12-01", "tf-same.wav"), wav("both"))
    put(os.path.join(root, "2026-12-01", "tf-a-only.wav"), wav("A's, B named it"))
    put(os.path.join(root, "2026-12-02", "tf-orphan.wav"), wav("nobody's"))
    put(os.path.join(root, a["id"], "2026-12-01", "tf-kept.wav"), wav("A's already"))
    before = tree(root)
    both = " ".join(sorted([a["id"], b["id"]]))

    p = migrate(root)
    assert tree(root) == before, "a dry run changes nothing"
    assert summary(p) == (1, 0, 2) and "(a dry run: nothing was changed; --apply does it)" in p.stdout
    assert f"move 2026-12-01/tf-mig-a.wav -> {a['id']}/2026-12-01/tf-mig-a.wav\n" in p.stdout
    for f in ("tf-same.wav", "tf-a-only.wav"):
        assert re.search(rf"^shared 2026-12-01/{f}: named by 2 tenants, left where it is .*: {both}$",
                         p.stdout, re.M), p.stdout
    # B's records naming A's directory found nothing: the migration reads no tenant's directory
    assert "tf-kept" not in p.stdout

    p = migrate(root, "--apply")
    after = tree(root)
    assert summary(p) == (1, 0, 2) and "dry run" not in p.stdout
    assert after == {**{k: v for k, v in before.items() if k != "2026-12-01/tf-mig-a.wav"},
                     f"{a['id']}/2026-12-01/tf-mig-a.wav": wav("A's")}

    p = migrate(root, "--apply", "--copy-shared")
    assert summary(p) == (0, 2, 0)
    gone = ("2026-12-01/tf-same.wav", "2026-12-01/tf-a-only.wav")
    assert tree(root) == {**{k: v for k, v in after.items() if k not in gone},
                          **{f"{t}/{k}": after[k] for t in (a["id"], b["id"]) for k in gone}}
    # once done, again: nothing to do
    assert summary(migrate(root, "--apply", "--copy-shared")) == (0, 0, 0)
    shutil.rmtree(root)


# ------------------------------------------------------------------------- regions

def shown(t):
    """Every answer of t's task that shows a region: (what, body text)."""
    task, rec, num = t["task"], t["record"](0), t["number"]
    html = {"Accept": "text/html"}
    return [
        ("number", get("/v1/task/number", t["token"], {"task_id": task})),
        ("attempts", get("/v1/task/number", t["token"], {"task_id": task, "attempts": 1, "format": "json"})),
        ("done_phones", post("/v1/task/query_done_task_phones", t["token"], {"task_id": task, "page": 1})),
        ("record", get(f"/v1/record/{rec}", t["token"])),
        ("record_info", get(f"/v1/task/record_info/{task}/{rec}", t["token"])),
        ("numbers page", get(f"/tasks/{task}/numbers", t["token"], headers=html)),
        ("attempts page", get(f"/tasks/{task}/numbers", t["token"], {"attempts": 1}, headers=html)),
        ("records page", get(f"/tasks/{task}/records", t["token"], headers=html)),
        ("transcript", get(f"/records/{rec}", t["token"], headers=html)),
        ("history", get(f"/numbers/{num}/history", t["token"], headers=html)),
        ("overview", get(f"/tasks/{task}", t["token"], headers=html)),
    ]


def names(t):
    """(city, province) as the v1 answers give them, each from every one that does."""
    n = get("/v1/task/number", t["token"], {"task_id": t["task"]}).json()["data"]["data"][0]
    d = post("/v1/task/query_done_task_phones", t["token"], {"task_id": t["task"], "page": 1}).json()["data"][0]
    m = get(f"/v1/task/record_info/{t['task']}/{t['record'](0)}", t["token"]).json()["mobile_info"]
    got = {(n["city"], n["pro"]), (d["city"]["city"], d["province"]["city"]), (m["city"], m["province"])}
    assert len(got) == 1, got
    return got.pop()


def test_another_tenants_region_names_change_nothing(tenants):
    a, b = tenants["a"], tenants["b"]
    assert names(a) == ("南京", "江苏")
    for what, r in shown(a):
        assert r.status == 200, (what, r.status)
        assert "EVIL" not in r.text, what
    assert any("南京" in r.text for _, r in shown(a))
    # B sees what it imported (escaped on pages)
    assert names(b) == ("<b>EVIL</b>", "<i>EVILPROV</i>")
    page = dict(shown(b))["numbers page"].text
    assert "&lt;b&gt;EVIL&lt;/b&gt;" in page and "<b>EVIL" not in page


def test_a_tenant_fixes_its_own_regions(tenants):
    a, b = tenants["a"], tenants["b"]
    import_lines(A, "tf-a-fix.jsonl", [{"kind": "region", "id": CITY, "pid": PROVINCE, "city": "南京市",
                                        "area_code": "025"}])
    assert names(a) == ("南京市", "江苏")
    assert names(b) == ("<b>EVIL</b>", "<i>EVILPROV</i>")
    import_lines(B, "tf-b-fix.jsonl", [{"kind": "region", "id": CITY, "pid": PROVINCE, "city": "苏州"}])
    assert names(b) == ("苏州", "<i>EVILPROV</i>") and names(a) == ("南京市", "江苏")


def test_an_import_cannot_name_another_tenants_region(tenants, db):
    before = query(db, "SELECT count(*) FROM tenants WHERE name = %s", C)[0][0]
    p = import_lines(C, "tf-c.jsonl", tenant_lines("c", "", "", [], regions=False), check=False)
    assert p.returncode == 1 and f"field province_id: unknown region {PROVINCE}" in p.stderr, p.stderr
    assert query(db, "SELECT count(*) FROM tenants WHERE name = %s", C)[0][0] == before == 0


def test_upgrade_gives_every_tenant_the_shared_regions(db):
    """`callreport migrate` on a database with the shared regions of before (one row an id,
    no tenant): each tenant gets a copy of each, with its values; then row-level security
    keeps them apart; a second migrate changes nothing."""
    name = "callreport_tf_regions"
    admin_dsn = re.sub(r"dbname=\S+", f"dbname={name}", conf_value("admin_db"))
    env = dict(os.environ, CALLREPORT_CONF=CONF, CALLREPORT_ADMIN_DB=admin_dsn)
    with db.cursor() as c:
        c.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        c.execute(f"CREATE DATABASE {name} OWNER callreport_admin")
    try:
        sup = psycopg2.connect(re.sub(r"dbname=\S+", f"dbname={name}", SUPER_DSN))
        sup.autocommit = True
        with sup.cursor() as c:
            c.execute("CREATE EXTENSION pg_trgm")
        subprocess.run([CLI, "migrate"], env=env, check=True, capture_output=True)
        old = [(3, None, "江苏", "0519"), (12, 3, "南京", "025"), (99901, 3, "<b>EVIL</b>", None)]
        t1, t2 = "0d000000-0000-4000-8000-000000000001", "0d000000-0000-4000-8000-000000000002"
        with sup.cursor() as c:
            # The table as the schema before made it.
            c.execute("DROP TABLE regions")
            c.execute("CREATE TABLE regions (id int PRIMARY KEY, pid int, city text NOT NULL, area_code text, "
                      "post_code text, created_at timestamptz, updated_at timestamptz)")
            c.execute("ALTER TABLE regions OWNER TO callreport_admin")
            c.execute("GRANT SELECT ON regions TO callreport_web")
            c.execute("INSERT INTO tenants (id, name) VALUES (%s, 'one'), (%s, 'two')", (t1, t2))
            for r in old:
                c.execute("INSERT INTO regions (id, pid, city, area_code) VALUES (%s, %s, %s, %s)", r)
        subprocess.run([CLI, "migrate"], env=env, check=True, capture_output=True)
        rows = query(sup, "SELECT user_id::text, id, pid, city, area_code FROM regions ORDER BY 1, 2")
        assert rows == [(t, *r) for t in (t1, t2) for r in old]
        assert query(sup, "SELECT pg_get_constraintdef(oid) FROM pg_constraint "
                          "WHERE conrelid = 'regions'::regclass AND contype = 'p'") == [("PRIMARY KEY (user_id, id)",)]
        assert query(sup, "SELECT relrowsecurity FROM pg_class WHERE oid = 'regions'::regclass") == [(True,)]
        subprocess.run([CLI, "migrate"], env=env, check=True, capture_output=True)
        assert query(sup, "SELECT user_id::text, id, pid, city, area_code FROM regions ORDER BY 1, 2") == rows
        # As the program: one tenant's regions only.
        web = psycopg2.connect(re.sub(r"dbname=\S+", f"dbname={name}", conf_value("db")))
        with web.cursor() as c:
            c.execute("SELECT set_config('callreport.tenant', %s, true)", (t1,))
            c.execute("SELECT DISTINCT user_id::text FROM regions")
            assert c.fetchall() == [(t1,)]
        web.close()
        sup.close()
    finally:
        with db.cursor() as c:
            c.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
