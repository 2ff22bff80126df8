"""Import on a bad day (issue 19, finding 6): an empty file, a null line, the summary,
an id given twice, a number moved to another task, text limits."""
import json
import os

import pytest

from conftest import OUT, cli, query

TENANT = "h9import"
GROUP = {"kind": "group", "id": 9190000001, "name": "导入组"}
TASK_A = {"kind": "task", "uuid": "91900000-0000-4000-8000-00000000000a", "name": "任务 A",
          "group_id": GROUP["id"]}
TASK_B = dict(TASK_A, uuid="91900000-0000-4000-8000-00000000000b", name="任务 B")
NUMBER = {"kind": "number", "id": 9190000101, "task_id": TASK_A["uuid"], "number": "18651683344",
          "status": 1}


def write(name, lines):
    """Writes lines (dicts as JSON, strings as they are) to tests/out/NAME; returns its path."""
    path = os.path.join(OUT, name)
    with open(path, "w", encoding="utf-8") as f:
        f.write("".join((json.dumps(x, ensure_ascii=False) if isinstance(x, dict) else x) + "\n"
                        for x in lines))
    return path


def tables(db):
    """What an import of this tenant could have changed: its rows, and whether it exists."""
    return {t: query(db, f"SELECT md5(coalesce(string_agg(x::text, ',' ORDER BY x::text), ''))"
                         f" FROM {t} x")[0][0]
            for t in ("(SELECT id, name FROM tenants)", "groups", "tasks", "numbers")}


def refused(db, path, *where, args=()):
    """Imports path, which must fail naming each of where, and change nothing."""
    before = tables(db)
    p = cli("import", "--user", TENANT, *args, path, check=False)
    assert p.returncode != 0, p.stdout
    for w in where:
        assert w in p.stderr, (w, p.stderr)
    assert tables(db) == before
    return p.stderr


def test_empty_file_fails_and_creates_nothing(db):
    """An empty file (or blank lines only) is an error naming the file; the tenant that the
    import would create is not created."""
    for name, text in (("h9-empty.jsonl", ""), ("h9-blank.jsonl", "\n  \n\n")):
        path = os.path.join(OUT, name)
        with open(path, "w") as f:
            f.write(text)
        p = cli("import", "--user", "h9-nobody", path, check=False)
        assert p.returncode != 0, (name, p.stdout)
        assert p.stderr.startswith(f"{path}: no data"), p.stderr
        assert query(db, "SELECT count(*) FROM tenants WHERE name = 'h9-nobody'")[0][0] == 0


def test_null_line_says_what_is_wrong(db):
    """A line of JSON that is not an object says so (it said "unexpected end of line")."""
    for value, word in (("null", "null"), ("1", "an integer"), ("\"x\"", "a string"), ("[]", "an array")):
        path = write("h9-null.jsonl", [GROUP, value])
        err = refused(db, path, f"{path}:2: not a JSON object but {word}")
        assert "end of line" not in err
    # A line that stops halfway still says so.
    path = write("h9-cut.jsonl", [GROUP, '{"kind": "task", "uuid": '])
    refused(db, path, f"{path}:2: not JSON: unexpected end of line")


def test_summary_counts_rows_stored(db):
    """The summary counts rows by kind (a line repeated is one row), new, changed and
    unchanged, then the lines."""
    path = write("h9-rows.jsonl", [GROUP, TASK_A, NUMBER, NUMBER, ""])
    p = cli("import", "--user", TENANT, path)
    first = p.stdout.strip()
    assert first.startswith(f"{path}: 3 rows stored (group=1, task=1, number=1): "), first
    assert first.endswith("; 4 lines"), first
    again = cli("import", "--user", TENANT, path).stdout.strip()
    assert again == f"{path}: 3 rows stored (group=1, task=1, number=1): 0 new, 0 changed," \
                    " 3 unchanged; 4 lines"
    changed = write("h9-rows2.jsonl", [dict(NUMBER, status=2)])
    out = cli("import", "--user", TENANT, changed).stdout.strip()
    assert out == f"{changed}: 1 rows stored (number=1): 0 new, 1 changed, 0 unchanged; 1 lines"
    cli("import", "--user", TENANT, path)


def test_same_id_with_other_content_names_both_lines(db):
    """An id given twice with different fields is an error naming both lines and the field;
    given twice the same, it is one row."""
    cli("import", "--user", TENANT, write("h9-base.jsonl", [GROUP, TASK_A, TASK_B, NUMBER]))
    path = write("h9-twice.jsonl", [NUMBER, TASK_A, dict(NUMBER, status=3)])
    refused(db, path, f"{path}:3: number {NUMBER['id']} again", "field status", "line 1")
    path = write("h9-twice2.jsonl", [TASK_A, dict(TASK_A, name="其他"), NUMBER])
    refused(db, path, f"{path}:2: task {TASK_A['uuid']} again", "field name", "line 1")
    # Moving within the file (one task, then another) is the same error.
    path = write("h9-twice3.jsonl", [NUMBER, dict(NUMBER, task_id=TASK_B["uuid"])])
    refused(db, path, f"{path}:2:", "field task_id", "line 1")


def test_number_moves_to_another_task_only_when_asked(db):
    """A number stored under one task and given under another: an error without
    --move-numbers, moved with it."""
    cli("import", "--user", TENANT, write("h9-base.jsonl", [GROUP, TASK_A, TASK_B, NUMBER]))
    moved = dict(NUMBER, task_id=TASK_B["uuid"])
    path = write("h9-move.jsonl", [TASK_B, moved])
    refused(db, path, f"{path}:2: field task_id: number {NUMBER['id']} is in task {TASK_A['uuid']}",
            "--move-numbers")
    cli("import", "--user", TENANT, "--move-numbers", path)
    assert query(db, "SELECT task_id::text FROM numbers WHERE id = %s", NUMBER["id"]) == [(TASK_B["uuid"],)]
    # Back again, so that the other tests find it where they left it.
    cli("import", "--user", TENANT, "--move-numbers", write("h9-back.jsonl", [NUMBER]))


@pytest.mark.parametrize("kind,field,limit", [
    ("task", "name", 255), ("task", "remark", 32767), ("task", "call_notify_url", 4096),
    ("number", "number", 255),
])
def test_text_limits(db, kind, field, limit):
    """Text fields have limits (README, "Import limits"), in characters as a workbook counts
    them; a longer value is an error naming the line and the field."""
    base = {"task": TASK_A, "number": NUMBER}[kind]
    cli("import", "--user", TENANT, write("h9-base.jsonl", [GROUP, TASK_A, TASK_B, NUMBER]))
    path = write("h9-limit.jsonl", [GROUP, dict(base, **{field: "字" * limit})])
    cli("import", "--user", TENANT, path)
    path = write("h9-limit.jsonl", [GROUP, dict(base, **{field: "字" * (limit + 1)})])
    refused(db, path, f"{path}:2: field {field}: {limit + 1} characters, longer than the limit of {limit}")
    if limit % 2 == 1:
        # A character beyond U+FFFF is two in a workbook's count.
        path = write("h9-limit.jsonl", [GROUP, dict(base, **{field: "😀" * ((limit + 1) // 2)})])
        refused(db, path, f"{path}:2: field {field}: {limit + 1} characters")
    cli("import", "--user", TENANT, write("h9-base.jsonl", [GROUP, TASK_A, TASK_B, NUMBER]))
