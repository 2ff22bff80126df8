"""The links an import writes from arrays (record_tags from a record's tag_ids): a first
import of new records only inserts them (issue 18.4: nothing is looked for to be deleted
when every owner is new; where an earlier run left the records, the file replaces their
links instead), a later one replaces them by the file's, with the owner's times, and the
same file again changes nothing."""
import json
import os

from conftest import OUT, cli, query

TENANT = "h18links"
SCENE = {"kind": "tag_scene", "id": "18180000-0000-4000-8000-000000000001", "name": "场景"}
GROUP_T = {"kind": "tag_group", "id": "18180000-0000-4000-8000-000000000002", "name": "母标签",
           "tag_scene_id": SCENE["id"]}
TAGS = [{"kind": "tag", "id": f"18180000-0000-4000-8000-00000000001{i}", "name": f"标签{i}",
         "tag_group_ids": [GROUP_T["id"]]} for i in range(3)]
GROUP = {"kind": "group", "id": 1818000001, "name": "话术组"}
TASK = {"kind": "task", "uuid": "18180000-0000-4000-8000-000000000020", "name": "链接任务",
        "group_id": GROUP["id"]}
RECORDS = [{"kind": "record", "id": f"18180000-0000-4000-8000-00000000003{i}",
            "task_id": TASK["uuid"], "callee": f"1865168334{i}",
            "calldate": "2026-11-20 10:00:00", "score": 10, "tag_ids": [TAGS[0]["id"], TAGS[1]["id"]],
            "created_at": "2026-11-20 10:00:00", "updated_at": "2026-11-20 10:05:00"}
           for i in range(3)]


def write(name, lines):
    path = os.path.join(OUT, name)
    with open(path, "w", encoding="utf-8") as f:
        f.write("".join(json.dumps(x, ensure_ascii=False) + "\n" for x in lines))
    return path


def links(db, records):
    """The links of records (ids): (record, tag, created_at, updated_at), sorted."""
    return sorted((str(r), str(t), str(c), str(u)) for r, t, c, u in query(
        db, "SELECT l.record_id, l.tag_id, l.created_at, l.updated_at FROM record_tags l"
            " JOIN tenants u ON u.id = l.user_id WHERE u.name = %s"
            " AND l.record_id::text = ANY (%s)", TENANT, list(records)))


def test_links_inserted_then_replaced(db):
    base = [SCENE, GROUP_T, *TAGS, GROUP, TASK]
    path = write("h18-links.jsonl", base + RECORDS)
    cli("import", "--user", TENANT, path)
    ids = [r["id"] for r in RECORDS]
    first = links(db, ids)
    assert [(r, t) for r, t, _, _ in first] == sorted(
        (r["id"], t) for r in RECORDS for t in r["tag_ids"])
    assert {u for _, _, _, u in first} == {"2026-11-20 10:05:00+08:00"}
    # The same file again: nothing changes.
    cli("import", "--user", TENANT, path)
    assert links(db, ids) == first
    # One record's tags change (one kept, one dropped, one added) with a new time, and a
    # new record comes with its tags: the old records' other links stay as they were.
    moved = dict(RECORDS[0], tag_ids=[TAGS[1]["id"], TAGS[2]["id"], TAGS[2]["id"]],
                 updated_at="2026-11-21 09:00:00")
    extra = dict(RECORDS[0], id="18180000-0000-4000-8000-000000000039", tag_ids=[TAGS[2]["id"]])
    cli("import", "--user", TENANT, write("h18-links2.jsonl", [moved, extra]))
    now = links(db, ids + [extra["id"]])
    want = {(RECORDS[0]["id"], TAGS[1]["id"]), (RECORDS[0]["id"], TAGS[2]["id"]),
            (extra["id"], TAGS[2]["id"])}
    want |= {(r["id"], t) for r in RECORDS[1:] for t in r["tag_ids"]}
    assert {(r, t) for r, t, _, _ in now} == want and len(now) == len(want)
    for r, t, c, u in now:
        if r == RECORDS[0]["id"]:
            assert u == "2026-11-21 09:00:00+08:00", (r, t, u)
    assert [x for x in now if x[0] not in (RECORDS[0]["id"], extra["id"])] == \
        [x for x in first if x[0] != RECORDS[0]["id"]]
