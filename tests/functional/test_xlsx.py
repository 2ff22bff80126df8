"""XLSX exports: cell types, the summary sheet and its chart, formula-looking strings,
the cut of long cells, continuation sheets, one row per call attempt, and temporary
files removed on success and on every failure (database timeout, a failing write,
a client that goes away), each failure an error envelope and a log line.

Tenant "gamma" holds a small task made for these cases; the continuation sheets are
made with the xlsx_rows_per_sheet knob through a CGI run of bin/callreport.fcgi,
so no test writes a million rows.
"""
import datetime
import glob
import io
import json
import os
import re
import resource
import signal
import socket
import subprocess
import time
import urllib.parse
import zipfile

import openpyxl
import psycopg2
import pytest

from conftest import BASE_URL, CONF, FCGI, OUT, SUPER_DSN, cli, get, post, query

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CUT = "…[已截断]"
SHANGHAI = datetime.timezone(datetime.timedelta(hours=8))

G_TASK = "8a0c0000-0000-4000-8000-0000000000a1"
G_GROUP = 880000101
G_RECORD = "8a0c0000-0000-4000-8000-0000000000b1"
G_TAG = "8a0c0000-0000-4000-8000-0000000000c1"
# Strings Excel would take for formulas if they were written as such.
FORMULAS = ["=1+1", "+8613900000002", "-2+3", "@SUM(A1:A2)", '=HYPERLINK("http://example.com","点我")',
            "=cmd|' /C calc'!A0"]
LONG_ASCII = "a" * 40000               # over the limit: cut
LONG_CJK = "字" * 30000                # 90,000 bytes but 30,000 characters: kept whole
LONG_EMOJI = "😀" * 20000              # 40,000 UTF-16 units: cut, never inside a pair


def utf16_units(s):
    return len(s.encode("utf-16-le")) // 2


def gamma_lines():
    """The gamma tenant's JSON Lines: one task of 6 numbers, attempts, one call with a transcript."""
    lines = [
        {"kind": "level", "id": "8a0c0000-0000-4000-8000-0000000000d1", "name": "A级", "alias": "有意向",
         "score_min": 0, "score_max": 1000},
        {"kind": "tag_scene", "id": "8a0c0000-0000-4000-8000-0000000000e1", "name": "测试"},
        {"kind": "tag_group", "id": "8a0c0000-0000-4000-8000-0000000000f1", "name": "=组",
         "tag_scene_id": "8a0c0000-0000-4000-8000-0000000000e1"},
        {"kind": "tag", "id": G_TAG, "name": "=SUM(1,2)", "tag_group_ids": ["8a0c0000-0000-4000-8000-0000000000f1"]},
        {"kind": "group", "id": G_GROUP, "name": "XLSX 测试话术"},
        {"kind": "task", "uuid": G_TASK, "name": "XLSX 边界任务", "group_id": G_GROUP,
         "create_datetime": "2026-03-01 08:00:00"},
    ]
    statuses = [1, 3, 4, 0, 0, 1]
    numbers = ["00861390000001", "+8613900000002", "13900000003", "13900000004", "13900000005", "13900000006"]
    for i, (num, st, cause) in enumerate(zip(numbers, statuses, FORMULAS)):
        n = {"kind": "number", "id": 880000001 + i, "task_id": G_TASK, "number": num, "status": st,
             "hangupcause": cause, "callid": "1E5" if i == 0 else None, "is_blacklist": i == 2}
        if st:
            n.update(calldate=f"2026-03-0{i + 2} 10:00:0{i}", bill=12345 * (i + 1), duration=20000 + i)
        lines.append({k: v for k, v in n.items() if v is not None})
    # Attempts: number 1 three times, number 2 once, number 3 twice, number 6 once (out of order on purpose).
    attempts = [(0, "2026-03-02 09:00:00", 4), (0, "2026-03-01 09:00:00", 8), (0, "2026-03-02 10:00:00", 1),
                (1, "2026-03-03 10:00:00", 3), (2, "2026-03-04 10:00:00", 4), (2, "2026-03-04 09:00:00", 4),
                (5, "2026-03-07 10:00:00", 1)]
    for k, (i, at, st) in enumerate(attempts):
        lines.append({"kind": "call_history", "id": 880001001 + k, "task_id": G_TASK, "number_id": 880000001 + i,
                      "number": numbers[i], "call_time": at, "status": st, "bill": 1000 * k, "duration": 5000 + k,
                      "hangup_cause": FORMULAS[k % len(FORMULAS)]})
    lines.append({"kind": "record", "id": G_RECORD, "task_id": G_TASK, "callee": numbers[0],
                  "calldate": "2026-03-02 10:00:00", "score": 90, "bill": 12345, "rounds": 3,
                  "hangupcause": "=1+1", "tag_ids": [G_TAG]})
    details = [(1, "enter", "", "您好"), (2, "asrmessage_notify", LONG_ASCII, LONG_CJK),
               (3, "asrmessage_notify", LONG_EMOJI, "-1")]
    for seq, notify, q, a in details:
        lines.append({"kind": "record_detail", "id": f"8a0c0000-0000-4000-8000-00000000010{seq}",
                      "record_id": G_RECORD, "task_id": G_TASK, "sequence": seq, "notify": notify,
                      "question": q, "answer_content": a, "keyword": "=SUM(A1)" if seq == 2 else "",
                      "tag_ids": [G_TAG] if seq == 2 else []})
    return lines


@pytest.fixture(scope="module")
def gamma(data, db):
    """The import refuses text over 32,767 characters (README, "Import limits"): the values
    over the limit are written with SQL after it, as data reaching the tables another way."""
    path = os.path.join(OUT, "gamma.jsonl")
    over = {}
    with open(path, "w", encoding="utf-8") as f:
        for line in gamma_lines():
            if line["kind"] == "record_detail" and utf16_units(line["question"]) > 32767:
                over[line["id"]] = line["question"]
                line = dict(line, question="")
            f.write(json.dumps(line, ensure_ascii=False) + "\n")
    cli("import", "--user", "gamma", path)
    with db.cursor() as c:
        for rid, q in over.items():
            c.execute("UPDATE record_details SET question = %s WHERE id = %s", (q, rid))
    assert len(over) == 2
    return {"token": cli("token", "--user", "gamma").stdout.strip()}


def load(body, read_only=False):
    return openpyxl.load_workbook(io.BytesIO(body), read_only=read_only)


def ok_xlsx(r):
    assert r.status == 200, r.body[:300]
    assert r.header("Content-Type") == XLSX
    return load(r.body)


def table(ws):
    rows = [list(r) for r in ws.iter_rows(values_only=True)]
    return rows[0], [dict(zip(rows[0], r)) for r in rows[1:]]


def summary(wb):
    """The summary sheet as {label in A: [B, C]}."""
    return {r[0]: list(r[1:]) for r in wb["汇总"].iter_rows(values_only=True) if r[0] is not None}


def conf_value(key):
    with open(CONF, encoding="utf-8") as f:
        for line in f:
            k, _, v = line.partition("=")
            if k.strip() == key:
                return v.strip()
    return None


TMP_DIR = conf_value("tmp_dir") or "/tmp"


def tmp_files():
    return set(glob.glob(os.path.join(TMP_DIR, "callreport-*.xlsx")))


def cgi(token, path, query_string, extra=None, preexec=None):
    """One request to bin/callreport.fcgi run as CGI; returns (status, headers, body, stderr)."""
    env = dict(os.environ, CALLREPORT_CONF=CONF, GATEWAY_INTERFACE="CGI/1.1", REQUEST_METHOD="GET",
               REQUEST_URI=f"{path}?{query_string}", QUERY_STRING=query_string,
               HTTP_AUTHORIZATION="Bearer " + token, **(extra or {}))
    p = subprocess.run([FCGI], env=env, capture_output=True,
                       stdin=subprocess.DEVNULL, preexec_fn=preexec, timeout=120)
    assert p.returncode == 0, p.stderr
    head, _, body = p.stdout.partition(b"\r\n\r\n")
    lines = head.decode().split("\r\n")
    status = int(lines[0].split()[1])
    headers = {k.lower(): v.strip() for k, _, v in (x.partition(":") for x in lines[1:])}
    return status, headers, body, p.stderr.decode()


def numbers_xlsx(token, task, **params):
    return get("/v1/task/number", token, dict(params, task_id=task, format="xlsx"))


# ---------------------------------------------------------------- cells

def test_cells_have_the_right_types(data, db):
    t = data["alpha"]
    task = t["tasks"][0]
    wb = ok_xlsx(numbers_xlsx(t["token"], task, **{"status[]": ["1", "3"]}))
    assert wb.sheetnames == ["汇总", "号码列表"]
    ws = wb["号码列表"]
    head, rows = table(ws)
    # Chinese headers in reading order (ids and codes last); a duration once, as a time value.
    assert head[:4] == ["被叫号码", "状态", "呼叫时间", "通话时长"]
    assert {"状态", "呼叫次数", "黑名单", "号码ID"} <= set(head)
    assert "通话时长(秒)" not in head and "通话时长(毫秒)" not in head
    assert head.index("号码ID") > head.index("呼叫次数")
    want = query(db, """
        SELECT n.id, n.number, n.bill, n.is_blacklist, n.calldate, n.status, c.area_code,
               (SELECT count(*) FROM call_histories h WHERE h.number_id = n.id)
          FROM numbers n LEFT JOIN regions c ON c.id = n.city_id AND c.user_id = n.user_id
         WHERE n.task_id = %s AND n.status IN (1, 3) ORDER BY n.id""", task)
    assert len(rows) == len(want) > 100
    for row, (nid, number, bill, black, calldate, status, area, attempts) in zip(rows, want):
        assert row["被叫号码"] == number and isinstance(row["被叫号码"], str)
        assert row["号码ID"] == str(nid)                        # text, never 2.08870000000100E+15
        assert row["区号"] == area and (area is None or area.startswith("0"))
        # openpyxl reads a [m]:ss cell as the duration it is.
        assert (row["通话时长"] is None) if bill is None else (
            row["通话时长"].total_seconds() == pytest.approx(bill / 1000, abs=0.001))
        assert row["黑名单"] == ("是" if black else "否")
        assert row["状态码"] == status and row["呼叫次数"] == attempts
        assert row["呼叫时间"] == calldate.astimezone(SHANGHAI).replace(tzinfo=None)
    # Date cells with a visible format, number cells with theirs; header frozen, autofilter, widths.
    cell = ws.cell(row=2, column=head.index("呼叫时间") + 1)
    assert cell.is_date and cell.number_format == "yyyy-mm-dd hh:mm:ss"
    assert ws.cell(row=2, column=head.index("通话时长") + 1).number_format == "[m]:ss"
    assert ws.cell(row=2, column=head.index("号码ID") + 1).data_type == "s"
    assert ws.freeze_panes == "A2"
    assert ws.auto_filter.ref == f"A1:{openpyxl.utils.get_column_letter(len(head))}{len(rows) + 1}"
    callid = openpyxl.utils.get_column_letter(head.index("呼叫ID") + 1)
    assert ws.column_dimensions[callid].width > 30 or all(r["呼叫ID"] is None for r in rows)
    assert all(ws.column_dimensions[openpyxl.utils.get_column_letter(i + 1)].width >= 6 for i in range(len(head)))


def test_summary_sheet(data, db):
    t = data["alpha"]
    task = t["tasks"][0]
    before = datetime.datetime.now(SHANGHAI).replace(tzinfo=None, microsecond=0)
    r = numbers_xlsx(t["token"], task, **{"status[]": ["1", "4"], "keyword": "1"})
    wb = ok_xlsx(r)
    s = summary(wb)
    name = query(db, "SELECT name FROM tasks WHERE uuid = %s", task)[0][0]
    assert wb["汇总"]["A1"].value == "号码列表"
    assert s["任务名称"][0] == name and s["任务ID"][0] == task
    assert s["筛选: 号码状态"][0] == "呼叫成功, 无应答、无人接听"         # names, not codes
    assert s["筛选: 被叫号码"][0] == "1"
    made = s["生成时间"][0]
    assert isinstance(made, datetime.datetime) and before - datetime.timedelta(seconds=5) <= made
    assert made <= datetime.datetime.now(SHANGHAI).replace(tzinfo=None) + datetime.timedelta(seconds=5)
    assert s["生成时间"][1] == "Asia/Shanghai (UTC+08:00)"
    rows = query(db, "SELECT count(*) FROM numbers WHERE task_id = %s AND status IN (1, 4) "
                     "AND number LIKE '%%1%%'", task)[0][0]
    assert s["行数"][0] == rows == wb["号码列表"].max_row - 1
    assert s["工作表"][0] == "号码列表" and "说明" not in s
    # The task's headline, said to be the whole task's.
    total, dialled, connected = query(db, """
        SELECT count(*), count(*) FILTER (WHERE status <> 0), count(*) FILTER (WHERE status = 1)
          FROM numbers WHERE task_id = %s""", task)[0]
    assert "任务整体 (全部号码, 不受筛选条件影响)" in s
    assert (s["号码总数"][0], s["已呼叫"][0], s["接通数"][0]) == (total, dialled, connected)
    assert s["接通率"][0] == pytest.approx(connected / dialled)
    # The statuses of the selection (not of the task), most first, with their shares.
    assert s["统计范围"][0] == f"以下统计按上述筛选条件, 对本工作簿的 {rows} 行计算"
    counts = query(db, """SELECT l.label, count(*) FROM numbers n JOIN status_labels l ON l.code = n.status
                           WHERE n.task_id = %s AND n.status IN (1, 4) AND n.number LIKE '%%1%%'
                           GROUP BY l.label ORDER BY count(*) DESC, l.label""", task)
    grid = [r for r in wb["汇总"].iter_rows(values_only=True)]
    at = next(i for i, r in enumerate(grid) if r[0] == "状态")
    assert grid[at][:3] == ("状态", "数量", "占比")
    got = [(r[0], r[1]) for r in grid[at + 1:at + 1 + len(counts)]]
    assert sorted(got) == sorted(tuple(x) for x in counts) and len(counts) == 2
    assert [c for _, c in got] == sorted((c for _, c in got), reverse=True)
    assert sum(r[2] for r in grid[at + 1:at + 3]) == pytest.approx(1, abs=0.001)
    assert grid[at + 3][0] is None                                    # no other status
    # A native chart over the table.
    assert len(wb["汇总"]._charts) == 1
    with zipfile.ZipFile(io.BytesIO(r.body)) as z:
        chart = z.read("xl/charts/chart1.xml").decode()
    assert "<c:barChart>" in chart and "状态分布" in chart
    assert re.search(rf"<c:cat>.*'?汇总'?!\$A\${at + 2}:\$A\${at + 3}</c:f>", chart, re.S)
    assert re.search(rf"<c:val>.*'?汇总'?!\$B\${at + 2}:\$B\${at + 3}</c:f>", chart, re.S)


def test_filters_none_and_other_reports(data, gamma):
    """Without filters the summary says so; call records and transcripts get their summary too."""
    s = summary(ok_xlsx(numbers_xlsx(gamma["token"], G_TASK)))
    assert s["筛选条件"][0] == "无 (全部)" and s["行数"][0] == 6 and s["任务名称"][0] == "XLSX 边界任务"
    wb = ok_xlsx(post("/v1/task/query_done_task_phones?format=xlsx", gamma["token"],
                      {"task_id": G_TASK, "levels": [[0, 100]], "bills": [10, 20]}))
    assert wb.sheetnames == ["汇总", "通话记录"]
    s = summary(wb)
    assert s["筛选: 评分区间"][0] == "0 至 100" and s["筛选: 通话时长(秒)"][0] == "10 至 20"
    assert s["行数"][0] == 1 and s["接通率"][0] == pytest.approx(2 / 4)
    head, rows = table(wb["通话记录"])
    assert rows[0]["标签"] == "=SUM(1,2)" and rows[0]["母标签"] == "=组"
    # A transcript is one call: its task is named, without the task's distribution.
    s = summary(ok_xlsx(get(f"/v1/task/record_info/{G_TASK}/{G_RECORD}", gamma["token"], {"format": "xlsx"})))
    assert s["任务名称"][0] == "XLSX 边界任务" and "号码状态" not in s and "接通率" not in s


# ---------------------------------------------------------------- strings

def test_formula_looking_strings_stay_text(gamma):
    r = numbers_xlsx(gamma["token"], G_TASK)
    wb = ok_xlsx(r)
    ws = wb["号码列表"]
    head, rows = table(ws)
    col = head.index("挂断原因") + 1
    cells = [ws.cell(row=i + 2, column=col) for i in range(len(rows))]
    assert [c.value for c in cells] == FORMULAS
    assert all(c.data_type == "s" for c in cells)
    assert rows[0]["被叫号码"] == "00861390000001" and rows[1]["被叫号码"] == "+8613900000002"
    assert rows[0]["呼叫ID"] == "1E5"
    # No formula anywhere in the package.
    with zipfile.ZipFile(io.BytesIO(r.body)) as z:
        for name in z.namelist():
            if name.startswith("xl/worksheets/"):
                assert "<f>" not in z.read(name).decode(), name


def test_long_cells_are_cut_with_a_mark(gamma):
    wb = ok_xlsx(get(f"/v1/task/record_info/{G_TASK}/{G_RECORD}", gamma["token"], {"format": "xlsx"}))
    head, rows = table(wb["通话内容"])
    got = [(r["序号"], r["说话人"], r["内容"]) for r in rows]
    assert [(s, w) for s, w, _ in got] == [(1, "机器人"), (2, "客户"), (2, "机器人"), (3, "客户"), (3, "机器人")]
    ascii_cut, cjk, emoji_cut = got[1][2], got[2][2], got[3][2]
    assert ascii_cut == LONG_ASCII[:32767 - len(CUT)] + CUT and len(ascii_cut) == 32767
    assert cjk == LONG_CJK                                             # 30,000 characters fit
    assert emoji_cut.endswith(CUT) and utf16_units(emoji_cut) <= 32767
    assert emoji_cut[:-len(CUT)] == "😀" * (len(emoji_cut) - len(CUT))  # cut between characters
    assert rows[1]["关键词"] == "=SUM(A1)" and rows[1]["标签"] == "=SUM(1,2)"
    assert got[4][2] == "-1" and rows[0]["号码"] == "00861390000001"


# ---------------------------------------------------------------- continuation sheets

def test_continuation_sheets(gamma, data, db):
    knob = {"CALLREPORT_XLSX_ROWS_PER_SHEET": "4"}
    status, headers, body, _ = cgi(gamma["token"], "/v1/task/number", f"task_id={G_TASK}&format=xlsx", knob)
    assert status == 200 and headers["content-type"] == XLSX
    wb = load(body)
    assert wb.sheetnames == ["汇总", "号码列表", "号码列表(2)"]
    parts = [table(wb[n]) for n in wb.sheetnames[1:]]
    assert parts[0][0] == parts[1][0]                                 # each with the header
    assert [len(rows) for _, rows in parts] == [4, 2]
    assert [r["被叫号码"] for _, rows in parts for r in rows][:2] == ["00861390000001", "+8613900000002"]
    for n in wb.sheetnames[1:]:
        assert wb[n].freeze_panes == "A2" and wb[n].auto_filter.ref.startswith("A1:")
    s = summary(wb)
    assert s["行数"][0] == 6 and s["工作表"][0] == "号码列表, 号码列表(2)"
    assert "接续在 2 个工作表" in s["说明"][0]
    # Exactly a sheet's worth: no empty continuation.
    _, _, body, _ = cgi(gamma["token"], "/v1/task/number", f"task_id={G_TASK}&format=xlsx",
                        {"CALLREPORT_XLSX_ROWS_PER_SHEET": "6"})
    assert load(body).sheetnames == ["汇总", "号码列表"]
    # A bigger selection over many sheets keeps every row, in order.
    t = data["alpha"]
    task = t["tasks"][0]
    _, _, body, _ = cgi(t["token"], "/v1/task/number", f"task_id={task}&status[]=1&format=xlsx",
                        {"CALLREPORT_XLSX_ROWS_PER_SHEET": "300"})
    wb = load(body, read_only=True)
    want = [r[0] for r in query(db, "SELECT id::text FROM numbers WHERE task_id = %s AND status = 1 "
                                    "ORDER BY id", task)]
    assert len(wb.sheetnames) == 1 + -(-len(want) // 300)
    got = []
    for n in wb.sheetnames[1:]:
        rows = list(wb[n].iter_rows(values_only=True))
        assert rows[0][0] == "被叫号码" and len(rows) <= 301
        got += [r[rows[0].index("号码ID")] for r in rows[1:]]
    assert got == want


# ---------------------------------------------------------------- one row per attempt

def test_one_row_per_call_attempt(gamma, data, db):
    wb = ok_xlsx(numbers_xlsx(gamma["token"], G_TASK, attempts=1))
    assert wb.sheetnames == ["汇总", "呼叫明细"]
    head, rows = table(wb["呼叫明细"])
    assert head[:5] == ["被叫号码", "号码状态", "呼叫次序", "呼叫时间", "本次结果"]
    got = [(r["号码ID"], r["呼叫次序"], r["呼叫时间"] and r["呼叫时间"].strftime("%m-%d %H")) for r in rows]
    assert got == [("880000001", 1, "03-01 09"), ("880000001", 2, "03-02 09"), ("880000001", 3, "03-02 10"),
                   ("880000002", 1, "03-03 10"), ("880000003", 1, "03-04 09"), ("880000003", 2, "03-04 10"),
                   ("880000004", None, None), ("880000005", None, None), ("880000006", 1, "03-07 10")]
    assert rows[0]["本次结果"] == "占线、用户正忙" and rows[0]["号码状态"] == "呼叫成功"
    assert rows[1]["呼叫时长"].total_seconds() == pytest.approx(5.0, abs=0.001)
    assert summary(wb)["行数"][0] == 9
    # The demo task: every attempt of every number, numbers never called once.
    t = data["alpha"]
    task = t["tasks"][0]
    wb = ok_xlsx(numbers_xlsx(t["token"], task, attempts=1, **{"status[]": ["0", "8"]}))
    head, rows = table(wb["呼叫明细"])
    want = query(db, """SELECT n.id::text, h.id::text FROM numbers n
                          LEFT JOIN call_histories h ON h.number_id = n.id
                         WHERE n.task_id = %s AND n.status IN (0, 8)
                         ORDER BY n.id, h.call_time, h.id""", task)
    assert [(r["号码ID"], r["呼叫记录ID"]) for r in rows] == want
    assert any(h is None for _, h in want) and len(want) > len({n for n, _ in want})
    # JSON stays the contract's; HTML shows the rows with the same selection.
    plain = get("/v1/task/number", t["token"], {"task_id": task, "status[]": "8"}).json()
    assert get("/v1/task/number", t["token"], {"task_id": task, "status[]": "8", "attempts": "1"}).json() == plain
    page = get("/v1/task/number", t["token"], {"task_id": task, "status[]": "8", "attempts": "1", "format": "html"})
    rows8 = query(db, """SELECT count(*) FROM numbers n LEFT JOIN call_histories h ON h.number_id = n.id
                          WHERE n.task_id = %s AND n.status = 8""", task)[0][0]
    assert page.status == 200 and "呼叫明细" in page.text and f"共 {rows8} 行" in page.text
    assert "attempts=1" in page.text and "format=xlsx" in page.text
    numbers_page = get("/v1/task/number", t["token"], {"task_id": task, "format": "html"}).text
    assert "attempts=1" in numbers_page
    assert get("/v1/task/number", t["token"], {"task_id": task, "attempts": "2"}).status == 400


# ---------------------------------------------------------------- failures and temporary files

def test_temporary_files_removed_on_success(data):
    t = data["alpha"]
    before = tmp_files()
    for params in ({"task_id": t["tasks"][1]}, {"task_id": t["tasks"][1], "attempts": 1}):
        r = get("/v1/task/number", t["token"], dict(params, format="xlsx"))
        assert r.status == 200
    r = get("/v1/task/number", t["token"], {"task_id": t["tasks"][1], "format": "xlsx"},
            headers={"Range": "bytes=0-10"})
    assert r.status in (200, 206)
    assert tmp_files() == before


def test_database_timeout_is_503_and_removes_the_file(gamma):
    """The export's statement waits on a lock until its statement_timeout: 503, a log line, no file."""
    before = tmp_files()
    lock = psycopg2.connect(SUPER_DSN)
    try:
        with lock.cursor() as c:
            # Only the rows' statement reads regions (the city and province columns; the
            # count reads call_histories too, for its period filter).
            c.execute("LOCK TABLE regions IN ACCESS EXCLUSIVE MODE")
            status, headers, body, err = cgi(gamma["token"], "/v1/task/number", f"task_id={G_TASK}&format=xlsx",
                                             {"CALLREPORT_STATEMENT_TIMEOUT": "300"})
    finally:
        lock.rollback()
        lock.close()
    assert status == 503 and headers["retry-after"] == "5"
    assert headers["content-type"].startswith("application/json")
    assert json.loads(body) == {"code": 503, "status": "error", "message": "database timeout, try again"}
    assert "xlsx: database timeout after 0 rows (task_number): workbook removed" in err
    assert tmp_files() == before


def test_a_failing_write_is_500_and_removes_the_file(data):
    """libxlsxwriter does not check its temporary files' writes: a full disk (here a file size
    limit) must still end in an error, never in a truncated workbook."""
    t = data["alpha"]
    before = tmp_files()

    def limit():
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (100000, 100000))

    status, headers, body, err = cgi(t["token"], "/v1/task/number", f"task_id={t['tasks'][0]}&format=xlsx",
                                     preexec=limit)
    assert status == 500 and headers["content-type"].startswith("application/json")
    assert json.loads(body) == {"code": 500, "status": "error", "message": "could not write the workbook"}
    assert re.search(r"xlsx: temporary file: .* \(task_number, \d+ rows\): workbook removed", err), err
    assert tmp_files() == before
    # An unusable tmp_dir: the same envelope and a log line.
    status, _, body, err = cgi(t["token"], "/v1/task/number", f"task_id={t['tasks'][0]}&format=xlsx",
                               {"CALLREPORT_TMP_DIR": os.path.join(OUT, "no-such-dir")})
    assert status == 500 and json.loads(body)["code"] == 500 and "xlsx: " in err


def test_client_gone_removes_the_file(data):
    t = data["alpha"]
    before = tmp_files()
    u = urllib.parse.urlsplit(BASE_URL)
    s = socket.create_connection((u.hostname, u.port), timeout=30)
    s.sendall((f"GET /v1/task/number?task_id={t['tasks'][0]}&format=xlsx HTTP/1.1\r\n"
               f"Host: {u.hostname}\r\nAuthorization: Bearer {t['token']}\r\n\r\n").encode())
    assert s.recv(64).startswith(b"HTTP/1.1 200")
    s.close()
    for _ in range(100):
        if tmp_files() == before:
            break
        time.sleep(0.1)
    assert tmp_files() == before
    # The worker is still good for the next request.
    assert get("/v1/task/number", t["token"], {"task_id": t["tasks"][0]}).status == 200
