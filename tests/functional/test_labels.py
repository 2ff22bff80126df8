"""Chinese wherever a person reads (issue 17, item 5): hangup causes, call states and
transcript events show their labels (label_sets) on every page and in the label
columns of every workbook of the demo data, the raw code in its own column beside;
JSON keeps the codes; error pages say their message in Chinese."""
import io
import re

import openpyxl

from conftest import get, query
from html_lib import alpha_sid, check_page, doc, messages, page  # noqa: F401 (a fixture)

# The codes the demo generator and the vendor document use (cgi/cli/demogen.c's
# statuses[] and transcript rows; the document's examples).
KNOWN = {
    "hangupcause": ["NORMAL_CLEARING", "NETWORK_OUT_OF_ORDER", "CALL_REJECTED", "NO_ANSWER",
                    "UNALLOCATED_NUMBER", "USER_BUSY", "INCOMING_CALL_BARRED",
                    "OUTGOING_CALL_BARRED", "NORMAL_TEMPORARY_FAILURE"],
    "call_status": ["answer", "failed", "rejected", "no answer", "unallocated", "power off",
                    "out of service", "busy now", "call barred", "arrears", "blacklist", "call loss"],
    "notify": ["enter", "asrprogress_notify", "asrmessage_notify"],
}
# Label column -> its code column, in the workbooks.
PAIRS = {"挂断原因": "挂断原因码", "呼叫状态": "呼叫状态码", "事件": "事件码"}


def codes(db, data):
    """Every code of the demo data of alpha, with the known ones: {kind: {code: label}}."""
    tid = data["alpha"]["tenant_id"]
    found = {
        "hangupcause": {r[0] for r in query(db, "SELECT DISTINCT hangupcause FROM numbers WHERE user_id = %s "
                                            "AND hangupcause IS NOT NULL UNION SELECT DISTINCT hangup_cause "
                                            "FROM call_histories WHERE user_id = %s AND hangup_cause IS NOT NULL "
                                            "UNION SELECT DISTINCT hangupcause FROM records WHERE user_id = %s "
                                            "AND hangupcause IS NOT NULL", tid, tid, tid)},
        "call_status": {r[0] for r in query(db, "SELECT DISTINCT call_status FROM call_histories "
                                            "WHERE user_id = %s AND call_status IS NOT NULL", tid)},
        "notify": {r[0] for r in query(db, "SELECT DISTINCT notify FROM record_details WHERE user_id = %s", tid)},
    }
    out = {}
    for kind, known in KNOWN.items():
        assert set(known) <= found[kind] | set(known)
        assert found[kind] & set(known), (kind, found[kind])
        labels = dict(query(db, "SELECT code, label FROM label_sets WHERE kind = %s", kind))
        out[kind] = {c: labels.get(c) for c in found[kind] | set(known)}
        missing = [c for c, l in out[kind].items() if not l]
        assert missing == [], (kind, missing)
    return out


def raw_in(text, allcodes):
    """The codes that appear as words in a page's text or a cell."""
    return sorted(c for c in allcodes if re.search(r"(?<![A-Za-z_])" + re.escape(c) + r"(?![A-Za-z_])", text))


def all_codes(cs):
    return {c for kind in cs.values() for c in kind}


def task_with_records(db, data):
    tid = data["alpha"]["tenant_id"]
    return query(db, "SELECT task_id::text, count(*) FROM records WHERE user_id = %s GROUP BY 1 "
                 "ORDER BY 2 DESC LIMIT 1", tid)[0][0]


def pages_of(db, data):
    """The demo pages where codes could show: lists, a call, its transcript, number histories."""
    tid = data["alpha"]["tenant_id"]
    task = task_with_records(db, data)
    rec = query(db, "SELECT id::text FROM records WHERE task_id = %s AND hangupcause IS NOT NULL "
                "ORDER BY calldate DESC LIMIT 1", task)[0][0]
    paths = [(f"/tasks/{task}/numbers", {"per_page": 100}),
             ("/v1/task/number", {"task_id": task, "attempts": 1, "per_page": 100, "format": "html"}),
             (f"/tasks/{task}/records", {"per_page": 100}),
             (f"/v1/record/{rec}", {"format": "html"}),
             (f"/records/{rec}", None),
             (f"/tasks/{task}", None)]
    # A number of each hangup cause and call state: their histories.
    for (nid,) in query(db, "SELECT DISTINCT ON (hangup_cause, call_status) number_id FROM call_histories "
                        "WHERE user_id = %s ORDER BY hangup_cause, call_status, number_id", tid):
        paths.append((f"/numbers/{nid}/history", None))
    return task, rec, paths


def test_pages_show_no_raw_code(db, data, alpha_sid):
    cs = codes(db, data)
    allc = all_codes(cs)
    shown = set()
    _, _, paths = pages_of(db, data)
    for path, params in paths:
        text = page(path, alpha_sid, params=params)
        d = check_page(text, path)
        # The overview's hangup causes have the raw code in a column of the table (issue 16).
        body = doc(re.sub(r'<code class="raw">[^<]*</code>', "", text)).all_text()
        assert raw_in(body, allc) == [], (path, raw_in(body, allc))
        shown |= {label for kind in cs.values() for label in kind.values() if label in body}
    # The labels are there: the causes of the history pages at least.
    assert {cs["hangupcause"][c] for c in ("NO_ANSWER", "USER_BUSY", "CALL_REJECTED")} <= shown


def test_history_keeps_the_code_in_a_title(db, data, alpha_sid):
    tid = data["alpha"]["tenant_id"]
    nid = query(db, "SELECT number_id FROM call_histories WHERE user_id = %s AND hangup_cause = 'USER_BUSY' "
                "ORDER BY id LIMIT 1", tid)[0][0]
    d = doc(page(f"/numbers/{nid}/history", alpha_sid))
    cells = [e for e in d.all("td") if e["attrs"].get("title") == "USER_BUSY"]
    assert cells and all(d.text_of(e) == "用户忙" for e in cells)


def workbook(path, token, params):
    r = get(path, token, params=dict(params, format="xlsx"))
    assert r.status == 200, (path, r.status, r.text[:200])
    return openpyxl.load_workbook(io.BytesIO(r.body), read_only=True)


def test_workbooks_label_and_code_columns(db, data):
    cs = codes(db, data)
    allc = all_codes(cs)
    t = data["alpha"]["token"]
    task, rec, _ = pages_of(db, data)
    nid = query(db, "SELECT number_id FROM call_histories WHERE user_id = %s AND call_status = 'busy now' "
                "ORDER BY id LIMIT 1", data["alpha"]["tenant_id"])[0][0]
    books = [("/v1/task/number", {"task_id": task}, ["挂断原因"]),
             ("/v1/task/number", {"task_id": task, "attempts": 1}, ["挂断原因", "呼叫状态"]),
             (f"/tasks/{task}/records", {}, ["挂断原因"]),
             (f"/v1/record/{rec}", {}, ["挂断原因"]),
             (f"/v1/task/record_info/{task}/{rec}", {}, ["事件"]),
             (f"/numbers/{nid}/history", {}, ["挂断原因", "呼叫状态"])]
    kind_of = {"挂断原因": "hangupcause", "呼叫状态": "call_status", "事件": "notify"}
    for path, params, labels in books:
        wb = workbook(path, t, params)
        ws = wb.worksheets[1]
        rows = list(ws.iter_rows(values_only=True))
        head = list(rows[0])
        for label in labels:
            # The label where a person reads it, its code among the internal columns after.
            i, j = head.index(label), head.index(PAIRS[label])
            assert j > i, (path, head)
            kind = kind_of[label]
            pairs = [(r[i], r[j]) for r in rows[1:] if r[j] is not None]
            assert pairs, (path, label)
            for lab, code in pairs:
                assert raw_in(str(lab), allc) == [], (path, label, lab)
                assert code in cs[kind] and lab == cs[kind][code], (path, lab, code)


def test_json_keeps_the_codes(db, data):
    t = data["alpha"]["token"]
    task, rec, _ = pages_of(db, data)
    body = get("/v1/task/number", t, params={"task_id": task, "call_history": 1, "per_page": 100}).json()
    rows = body["data"]["data"]
    assert any(r["hangupcause"] == "NORMAL_CLEARING" for r in rows)
    assert all("hangupcause_str" not in r for r in rows)
    hist = [h for r in rows for h in r["call_history"]]
    assert {h["call_status"] for h in hist} & {"answer", "no answer", "busy now"}
    assert all("call_status_str" not in h for h in hist)
    info = get(f"/v1/task/record_info/{task}/{rec}", t).json()
    assert {d["notify"] for d in info["records"]} >= {"enter", "asrmessage_notify"}


def test_error_pages_in_chinese(data, alpha_sid):
    t = data["alpha"]["token"]
    # JSON: the contract's English.
    r = get("/v1/task/number", t, params={"task_id": "x"})
    assert r.status == 400 and r.json()["message"] == "task_id must be a UUID"
    cases = [("/tasks/x/numbers", None, 400, "任务ID 必须是 UUID"),
             ("/v1/task/number", {"task_id": data["alpha"]["tasks"][0], "page": "0"}, 400,
              "页码 必须是正整数"),
             ("/v1/task/number", {"task_id": data["alpha"]["tasks"][0], "keyword": "12a"}, 400,
              "被叫号码 必须是不超过 20 位的数字"),
             ("/records/x", None, 400, "通话记录ID 必须是 UUID"),
             ("/v1/task/number", {"task_id": data["alpha"]["tasks"][0], "status[]": "13"}, 400,
              "号码状态 必须是 0 到 12 之间的整数"),
             ("/tasks", {"page": ["1", "2"]}, 400, "页码 只能有一个值"),
             ("/tasks/00000000-0000-4000-8000-000000000000", None, 404, "没有找到"),
             ("/no/such/page", None, 404, "没有找到")]
    for path, params, status, zh in cases:
        params = dict(params or {}, format="html")
        text = page(path, alpha_sid, params=params, status=status)
        d = check_page(text, path)
        msg = messages(d)
        assert msg and zh in d.text_of(msg[0]), (path, d.text_of(msg[0]) if msg else None)
        assert not re.search(r"must be|not found", d.all_text()), path
