"""The v1 API against the vendor document's JSON examples (tests/fixtures/vendor/*.json).

Tenant "vendor" holds the examples' own data (tests/fixtures/vendor/vendor.jsonl), so a
response can be compared with its example key path by key path, JSON type by JSON type
and, where the data are the same, value by value. Where callreport answers differently
on purpose, the difference is named here (DIFFERENCES) and checked to be real; the
README lists the same ones. The demo tenant "alpha" is then checked for the same shapes
on realistic data, and every endpoint in its HTML and XLSX forms.
"""
import io
import math
import re

import openpyxl
import pytest

from conftest import VENDOR_USER_ID, get, post, query, vendor_example

DONE = "/v1/task/query_done_task_phones"
EX_DONE_TASK = "234cdcac-501c-47b5-9c06-47a658f363b8"
EX_RECORD = "b1e91cb9-5994-47cc-a5df-25c3e8439a99"
EX_INFO_TASK, EX_INFO_RECORD = "840a4346-d0ac-4800-9c73-3d06275a9158", "9c736f53-0c1b-4047-b30a-dd87d2968541"
EX_NUMBER_TASK = "772dd881-dcf7-42ee-a32b-b40a0ee5afb7"

# Deliberate differences from the examples, by example and key path ("[]" = every item).
DIFFERENCES = {
    "query_done_task_phones": {
        "data[].tag_groups": "distinct: the example lists 有意向 twice; callreport lists each group of "
                             "the record's tags once",
        "data[].gender_str": "the example says 未知 for gender 1; the contract's list says 1 is 女",
        "data[].tags[].pivot.taggable_id": "the record's own id (the example's points at a row it does not show)",
    },
    "record_info": {
        "records[].tags[].tag_group[].id": "a UUID string: the example's 1 is the document's only integer "
                                           "tag-group id; the contract says tag groups use UUIDs",
        "intervene_number[]": "always []: callreport keeps no live-call transfer targets",
        "is_crm_exists": "always false: callreport keeps no CRM",
        "info.record.crm_number": "always null: callreport keeps no CRM",
        "records[].tags[].pivot.taggable_id": "the transcript row's own id",
        "records[].tags[].user_id": "the tenant's id (the example's tag belongs to another user)",
        "records[].tags[].tag_group[].user_id": "the tenant's id (as above)",
    },
}


def jtype(v):
    if v is None:
        return "null"
    if isinstance(v, bool):
        return "boolean"
    if isinstance(v, (int, float)):
        return "number"
    if isinstance(v, str):
        return "string"
    if isinstance(v, list):
        return "array"
    return "object"


def shape(doc, path="", out=None):
    """Returns {key path: set of JSON types}; "a[].b" is key b of every item of array a."""
    out = {} if out is None else out
    out.setdefault(path, set()).add(jtype(doc))
    if isinstance(doc, dict):
        for k, v in doc.items():
            shape(v, f"{path}.{k}" if path else k, out)
    elif isinstance(doc, list):
        for v in doc:
            shape(v, path + "[]", out)
    return out


def key_orders(doc, path="", out=None):
    """Returns {key path: set of key tuples} of the objects at each path."""
    out = {} if out is None else out
    if isinstance(doc, dict):
        out.setdefault(path, set()).add(tuple(doc))
        for k, v in doc.items():
            key_orders(v, f"{path}.{k}" if path else k, out)
    elif isinstance(doc, list):
        for v in doc:
            key_orders(v, path + "[]", out)
    return out


def under(path, named):
    return any(path == d or path.startswith(d + ".") or path.startswith(d + "[]") for d in named)


def compare_shapes(example, got, named, exact=True):
    """Asserts the same key paths at every depth with the same JSON types, except under named
    paths. exact=False (other data than the example's): a value may also be null, and a path
    whose example is only ever null may have any type."""
    ex, me = shape(example), shape(got)
    missing = sorted(p for p in ex if p not in me and not under(p, named))
    extra = sorted(p for p in me if p not in ex and not under(p, named))
    assert not missing, f"key paths of the example missing: {missing}"
    assert not extra, f"key paths not in the example: {extra}"
    for p in sorted(ex.keys() & me.keys()):
        if under(p, named):
            continue
        if exact:
            assert me[p] == ex[p], f"{p}: example {ex[p]}, got {me[p]}"
        elif ex[p] != {"null"}:
            assert me[p] <= ex[p] | {"null"}, f"{p}: example {ex[p]}, got {me[p]}"
    # Key order: every object has the example's keys in the example's order.
    eo, mo = key_orders(example), key_orders(got)
    for p, orders in mo.items():
        if under(p, named) or p not in eo:
            continue
        assert orders <= eo[p], f"{p}: keys {orders - eo[p]}, example {eo[p]}"


def check_named_differ(example, got, named):
    """Each named difference is real: the shapes or the values under it differ."""
    ex, me = shape(example), shape(got)

    def values(doc, target, path=""):
        if path == target:
            return [doc]
        if isinstance(doc, dict):
            return [x for k, v in doc.items() for x in values(v, target, f"{path}.{k}" if path else k)]
        if isinstance(doc, list):
            return [x for v in doc for x in values(v, target, path + "[]")]
        return []

    for d in named:
        sub_ex = {p: t for p, t in ex.items() if under(p, [d])}
        sub_me = {p: t for p, t in me.items() if under(p, [d])}
        assert sub_ex != sub_me or values(example, d) != values(got, d), f"{d} is named but does not differ"


# ---------------------------------------------------------------- the vendor's data

def done_phones_example(vendor):
    r = post(DONE, vendor["token"], {"task_id": EX_DONE_TASK, "page": 1})
    assert r.status == 200, r.text
    assert r.header("Content-Type").startswith("application/json")
    return r.json()


def test_query_done_task_phones_matches_the_example(vendor):
    example, got = vendor_example("query_done_task_phones"), done_phones_example(vendor)
    named = DIFFERENCES["query_done_task_phones"]
    compare_shapes(example, got, named)
    check_named_differ(example, got, named)
    assert list(got) == ["data", "total", "last_page"]
    assert (got["total"], got["last_page"]) == (1, 1)
    ex, me = example["data"][0], got["data"][0]
    # Every value of the record itself is the example's.
    for k in ex:
        if k not in ("tags", "tag_groups", "gender_str"):
            assert me[k] == ex[k], k
    assert me["gender"] == 1 and me["gender_str"] == "女"
    assert me["operator_name"] == "联通" and me["level_name"] == "D级(无意向)"
    assert me["hangup_disposition_str"] == "AI"
    # Regions are the tenant's own: its region 3 is the example's (the demo tenants' is another).
    assert me["province"] == ex["province"] and me["city"] == ex["city"]
    # The tag of the example, with its group, as the example shows it (the pivot aside).
    dirty = me["tags"][0]
    assert {k: v for k, v in dirty.items() if k != "pivot"} == \
        {k: v for k, v in ex["tags"][0].items() if k != "pivot"}
    assert dirty["pivot"]["taggable_id"] == me["id"] and dirty["pivot"]["tag_id"] == dirty["id"]
    # tag_groups: the example's groups, each once (the example repeats 有意向).
    ex_ids = [g["id"] for g in ex["tag_groups"]]
    assert len(ex_ids) == 3 and len(set(ex_ids)) == 2
    assert [g["id"] for g in me["tag_groups"]] == list(dict.fromkeys(ex_ids))
    assert me["tag_groups"] == list({g["id"]: g for g in ex["tag_groups"]}.values())


def test_record_matches_the_example(vendor):
    example = vendor_example("record")
    r = get(f"/v1/record/{EX_RECORD}", vendor["token"])
    assert r.status == 200, r.text
    got = r.json()
    compare_shapes(example, got, {})
    assert got == example


def test_record_info_matches_the_example(vendor):
    example = vendor_example("record_info")
    r = get(f"/v1/task/record_info/{EX_INFO_TASK}/{EX_INFO_RECORD}", vendor["token"])
    assert r.status == 200, r.text
    assert r.header("Content-Type").startswith("application/json")
    got = r.json()
    named = DIFFERENCES["record_info"]
    compare_shapes(example, got, named)
    check_named_differ(example, got, named)
    assert list(got) == list(example)
    assert (got["is_intervene_bridge"], got["is_intervene_hangup"], got["is_crm_exists"]) == (False, False, False)
    assert got["intervene_number"] == [] and got["info"]["record"]["crm_number"] is None
    assert {k: v for k, v in got["info"]["record"].items() if k != "crm_number"} == \
        {k: v for k, v in example["info"]["record"].items() if k != "crm_number"}
    assert got["info"]["task"] == example["info"]["task"]
    assert got["mobile_info"] == example["mobile_info"]
    assert got["utterances"] == example["utterances"]
    # Every transcript row, every notify kind, in sequence; tags as the example shows them
    # but for the named differences.
    assert [d["notify"] for d in got["records"]] == [d["notify"] for d in example["records"]]
    for mine, theirs in zip(got["records"], example["records"]):
        assert {k: v for k, v in mine.items() if k != "tags"} == {k: v for k, v in theirs.items() if k != "tags"}
        assert [t["id"] for t in mine["tags"]] == [t["id"] for t in theirs["tags"]]
        for mt, tt in zip(mine["tags"], theirs["tags"]):
            for k in ("name", "description", "color", "status", "created_at", "updated_at"):
                assert mt[k] == tt[k]
            assert mt["user_id"] == VENDOR_USER_ID
            assert mt["pivot"]["taggable_id"] == mine["id"] and mt["pivot"]["tag_id"] == mt["id"]
            assert [(g["name"], g["tag_scene_id"], g["created_at"]) for g in mt["tag_group"]] == \
                [(g["name"], g["tag_scene_id"], g["created_at"]) for g in tt["tag_group"]]


def test_task_number_matches_the_example(vendor):
    example = vendor_example("task_number")
    r = get("/v1/task/number", vendor["token"], {"task_id": EX_NUMBER_TASK, "page": 1, "call_history": 1})
    assert r.status == 200, r.text
    got = r.json()
    compare_shapes(example, got, {})
    assert got == example


def test_record_level_and_usable_tags(vendor, db):
    r = get("/v1/setting/record_level", vendor["token"])
    assert r.status == 200
    body = r.json()
    assert list(body) == ["code", "status", "message", "data"]
    assert (body["code"], body["status"], body["message"]) == (200, "ok", "获取评分等级成功")
    assert [list(x) for x in body["data"]] == [["id", "name", "alias", "color", "score_min", "score_max"]] * 4
    want = query(db, "SELECT id::text, name, alias, color, score_min, score_max FROM levels "
                     "WHERE user_id = %s ORDER BY score_min DESC, id", VENDOR_USER_ID)
    assert [tuple(x.values()) for x in body["data"]] == want
    assert [x["name"] + "(" + x["alias"] + ")" for x in body["data"]] == \
        ["A级(有意向)", "B级(一般)", "C级(可再次跟进)", "D级(无意向)"]

    r = get("/v1/tag/usable_tags", vendor["token"])
    assert r.status == 200
    body = r.json()
    assert (body["code"], body["status"], body["message"]) == (200, "ok", "获取标签成功")
    tags = body["data"]
    # Enabled tags only, oldest first; the disabled 停用标签 is not usable.
    assert [t["name"] for t in tags] == ["承认发布", "脏话", "有兴趣"]
    keys = ["id", "name", "description", "color", "user_id", "status", "created_at", "updated_at", "tag_group"]
    assert all(list(t) == keys and t["status"] is True and t["user_id"] == VENDOR_USER_ID for t in tags)
    groups = {t["name"]: t["tag_group"] for t in tags}
    assert [list(g) for g in groups["脏话"]] == [["id", "user_id", "name", "created_at", "updated_at",
                                                 "tag_scene_id", "tag_scene"]]
    assert groups["脏话"][0]["name"] == "无意向" and groups["有兴趣"][0]["name"] == "有意向"
    scene = groups["承认发布"][0]["tag_scene"]
    assert scene == {"id": "ad2c92fe-f993-47d6-9e86-f73a5511dcae", "user_id": VENDOR_USER_ID, "name": "发布",
                     "created_at": "2019-12-17 21:10:00", "updated_at": "2019-12-17 21:10:00"}


# ---------------------------------------------------------------- realistic data

def test_alpha_done_phones_have_the_example_shape(data, db):
    example = vendor_example("query_done_task_phones")
    t = data["alpha"]
    seen = set()
    for task in t["tasks"]:
        body = post(DONE, t["token"], {"task_id": task, "per_page": 100}).json()
        compare_shapes(example, body, DIFFERENCES["query_done_task_phones"], exact=False)
        for row in body["data"]:
            seen.update(k for k in ("tags", "level", "city", "province") if row[k])
            level = query(db, "SELECT name, alias FROM levels WHERE id = %s", row["level_id"])
            assert row["level_name"] == "%s(%s)" % level[0]
            assert row["level"]["id"] == row["level_id"]
            # The record's tag groups: the groups of its tags, each once.
            ids = [g["id"] for g in row["tag_groups"]]
            assert len(set(ids)) == len(ids)
            assert set(ids) == {g["id"] for tg in row["tags"] for g in tg["tag_groups"]}
    assert seen == {"tags", "level", "city", "province"}


def test_alpha_record_and_record_info_have_the_example_shape(data, db):
    t = data["alpha"]
    rows = query(db, "SELECT r.id::text, r.task_id::text FROM records r WHERE r.user_id = %s "
                     "AND EXISTS (SELECT FROM record_detail_tags dt JOIN record_details d ON d.id = dt.record_detail_id "
                     "WHERE d.record_id = r.id) ORDER BY r.id LIMIT 3", t["tenant_id"])
    assert rows
    for rid, task in rows:
        body = get(f"/v1/record/{rid}", t["token"]).json()
        compare_shapes(vendor_example("record"), body, {}, exact=False)
        info = get(f"/v1/task/record_info/{task}/{rid}", t["token"]).json()
        compare_shapes(vendor_example("record_info"), info, DIFFERENCES["record_info"], exact=False)
        seqs = [d["sequence"] for d in info["records"]]
        assert seqs == sorted(seqs)
        want = query(db, "SELECT count(*) FROM record_details WHERE record_id = %s", rid)[0][0]
        assert len(info["records"]) == want
        assert {d["notify"] for d in info["records"]} >= {"enter", "asrmessage_notify", "asrprogress_notify"}
        assert all(u["word_class"] == 16 and u["word_class_str"] == "主流程" for u in info["utterances"])


# ---------------------------------------------------------------- HTML and XLSX

def xlsx(r):
    assert r.status == 200, r.text[:300]
    assert r.header("Content-Type") == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert r.header("Content-Disposition").startswith("attachment;")
    return openpyxl.load_workbook(io.BytesIO(r.body), read_only=True)


def sheet_rows(wb, name):
    rows = [list(r) for r in wb[name].iter_rows(values_only=True)]
    return rows[0], rows[1:]


def html(r):
    assert r.status == 200, r.text[:300]
    assert r.header("Content-Type") == "text/html; charset=utf-8"
    text = r.text
    assert text.startswith("<!DOCTYPE html>") and text.rstrip().endswith("</html>")
    return text


def test_done_phones_html_and_xlsx(data, db, vendor):
    t = data["alpha"]
    task = t["tasks"][1]
    body = {"task_id": task, "levels": [[0, 199]], "bills": [20, 120]}
    want = [r[0] for r in query(db, """
        SELECT id::text FROM records WHERE task_id = %s AND score BETWEEN 0 AND 199
           AND bill BETWEEN 20000 AND 120999 ORDER BY calldate DESC, id DESC""", task)]
    assert len(want) > 15
    page = html(post(DONE + "?format=html", t["token"], body))
    assert "通话记录" in page and f"共 {len(want)} 条" in page
    assert all(f"/{rid}?format=html" in page for rid in want[:15])
    assert want[15] not in page
    # The pager and the download go to the GET page of the same selection.
    assert f"/tasks/{task}/records?" in page and "levels[0][]=0&amp;levels[0][]=199" in page
    # The browser's GET page: the same rows, page 2.
    page2 = html(get(f"/tasks/{task}/records", t["token"], raw_query="levels[0][]=0&levels[0][]=199"
                                                                       "&bills[]=20&bills[]=120&page=2"))
    assert all(rid in page2 for rid in want[15:30]) and want[0] not in page2
    # An Accept header that prefers HTML, as a browser's does.
    assert html(post(DONE, t["token"], body, headers={"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"}))
    # XLSX: the whole selection, every page; the nested parts as text; no JSON.
    wb = xlsx(post(DONE + "?format=xlsx", t["token"], body))
    assert wb.sheetnames[:2] == ["汇总", "通话记录"]
    head, rows = sheet_rows(wb, "通话记录")
    assert [r[head.index("通话记录ID")] for r in rows] == want
    assert "标签" in head and "母标签" in head and "省份" in head and "城市" in head
    assert head[:3] == ["号码", "意向等级", "标签"] and "通话时长(秒)" not in head
    assert "bredge_number" not in head
    assert not any(isinstance(v, str) and v.startswith(("{", "[")) for r in rows for v in r)
    callee = head.index("号码")
    assert all(isinstance(r[callee], str) for r in rows)
    # The vendor's record: its tags joined with 、.
    wb = xlsx(post(DONE + "?format=xlsx", vendor["token"], {"task_id": EX_DONE_TASK}))
    head, rows = sheet_rows(wb, "通话记录")
    assert len(rows) == 1
    row = dict(zip(head, rows[0]))
    assert row["标签"] == "脏话、有兴趣" and row["母标签"] == "有意向、无意向"
    assert row["意向等级"] == "D级(无意向)" and row["运营商"] == "联通" and row["城市"] == "南京"
    # [m]:ss: openpyxl's read-only mode gives the time of day of the fraction of a day.
    bill = row["通话时长"]
    assert bill.minute * 60 + bill.second + bill.microsecond / 1e6 == pytest.approx(31.319, abs=0.001)
    assert row["呼叫时间"].strftime("%Y-%m-%d %H:%M:%S") == "2019-05-08 19:02:58"


def test_record_html_and_xlsx(vendor):
    page = html(get(f"/v1/record/{EX_RECORD}", vendor["token"], {"format": "html"}))
    assert "1890685250" in page and "C级(可再次跟进)" in page and "通话简要信息示例" in page
    wb = xlsx(get(f"/v1/record/{EX_RECORD}", vendor["token"], {"format": "xlsx"}))
    head, rows = sheet_rows(wb, wb.sheetnames[1])
    assert len(rows) == 1
    row = dict(zip(head, rows[0]))
    assert row["通话记录ID"] == EX_RECORD and row["号码"] == "1890685250"
    assert row["性别"] == "男" and row["挂断方"] == "客户" and row["交互轮数"] == 12


def test_record_info_html_and_xlsx_are_the_transcript(vendor):
    path = f"/v1/task/record_info/{EX_INFO_TASK}/{EX_INFO_RECORD}"
    # Shown turns: enter (robot), seq 3 (customer 啊, no answer), seq 5 (customer, then robot);
    # asrprogress_notify rows are not shown.
    want = [(1, "机器人", "同学,您好"), (3, "客户", "啊"), (5, "客户", "不再见,再见。"), (5, "机器人", "感谢您的接听")]
    page = html(get(path, vendor["token"], {"format": "html"}))
    assert "通话详情" in page
    page = re.sub(r"<[^>]*>", "", page)  # keyword hits are marked up: <mark>再见</mark>
    pos = [page.index(text) for _, _, text in want]
    assert pos == sorted(pos)
    wb = xlsx(get(path, vendor["token"], {"format": "xlsx"}))
    assert wb.sheetnames[:2] == ["汇总", "通话内容"]
    head, rows = sheet_rows(wb, "通话内容")
    got = [dict(zip(head, r)) for r in rows]
    assert [(r["序号"], r["说话人"], r["内容"][:len(t)]) for r, (_, _, t) in zip(got, want)] == want
    assert len(got) == len(want)
    assert got[0]["标签"] == "承认发布" and got[3]["标签"] is None
    assert got[2]["关键词"] == "再见" and got[3]["话术"] == "普适结束语"
    assert all(r["号码"] == "18651683344" and r["意向等级"] == "D级(无意向)" for r in got)


def test_record_level_and_usable_tags_html_and_xlsx(vendor):
    page = html(get("/v1/setting/record_level", vendor["token"], {"format": "html"}))
    assert all(x in page for x in ("A级", "可再次跟进", "无意向"))
    wb = xlsx(get("/v1/setting/record_level", vendor["token"], {"format": "xlsx"}))
    head, rows = sheet_rows(wb, "评分等级")
    assert [dict(zip(head, r))["等级"] for r in rows] == ["A级", "B级", "C级", "D级"]
    page = html(get("/v1/tag/usable_tags", vendor["token"], {"format": "html"}))
    assert "脏话" in page and "停用标签" not in page
    wb = xlsx(get("/v1/tag/usable_tags", vendor["token"], {"format": "xlsx"}))
    head, rows = sheet_rows(wb, "可用标签")
    got = {dict(zip(head, r))["标签"]: dict(zip(head, r)) for r in rows}
    assert set(got) == {"承认发布", "脏话", "有兴趣"}
    assert got["脏话"]["母标签"] == "无意向" and got["承认发布"]["业务场景"] == "发布"
    assert got["脏话"]["启用"] == "是"


def test_paging_of_done_phones(data, db):
    t = data["alpha"]
    task = t["tasks"][0]
    want = [r[0] for r in query(db, "SELECT id::text FROM records WHERE task_id = %s ORDER BY calldate DESC, id DESC", task)]
    last = math.ceil(len(want) / 15)
    p1 = post(DONE, t["token"], {"task_id": task}).json()
    assert [x["id"] for x in p1["data"]] == want[:15]
    assert (p1["total"], p1["last_page"]) == (len(want), last)
    p3 = post(DONE, t["token"], {"task_id": task, "page": 3}).json()
    assert [x["id"] for x in p3["data"]] == want[30:45]
    end = post(DONE, t["token"], {"task_id": task, "page": last + 1}).json()
    assert end == {"data": [], "total": len(want), "last_page": last}
    pp = post(DONE, t["token"], {"task_id": task, "page": 2, "per_page": 100}).json()
    assert [x["id"] for x in pp["data"]] == want[100:200] and pp["last_page"] == math.ceil(len(want) / 100)
