"""Workbooks that need no cleaning (issue 17, item 3): the columns in the order a person
reads them, ids and codes last in a collapsed outline group, columns= choosing them, a
duration once as a [m]:ss time value, rates as percentages, long text wrapped, the print
setup, a summary counted on the selection that names its filters, the download's name;
and LibreOffice opening the workbook as written and printing it on landscape pages with
the header row repeated.
"""
import datetime
import glob
import io
import json
import os
import re
import subprocess
import urllib.parse
import uuid
import zipfile

import openpyxl
import pytest

from conftest import cli, get, post, query, OUT
from test_xlsx import G_TASK, gamma  # noqa: F401 (fixture)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DONE = "/v1/task/query_done_task_phones"
UUID_RE = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", re.I)


def book(r):
    assert r.status == 200, r.body[:300]
    assert r.header("Content-Type") == XLSX
    return openpyxl.load_workbook(io.BytesIO(r.body))


def head_of(ws):
    return [c.value for c in ws[1]]


def dims(ws):
    """{1-based column: its <col> element} over the ranges openpyxl keeps."""
    out = {}
    for d in ws.column_dimensions.values():
        for c in range(d.min, d.max + 1):
            out[c] = d
    return out


def summary(wb):
    return {r[0]: list(r[1:]) for r in wb["汇总"].iter_rows(values_only=True) if r[0] is not None}


def grid_table(wb, title):
    """The rows of the summary table headed title: {value: (count, share)}."""
    grid = list(wb["汇总"].iter_rows(values_only=True))
    at = next(i for i, r in enumerate(grid) if r[0] == title and r[1] == "数量")
    out = {}
    for r in grid[at + 1:]:
        if r[0] is None:
            break
        out[r[0]] = (r[1], r[2])
    return out


@pytest.fixture(scope="module")
def selection(data, db):
    """Call records of alpha's first task with two tags and a period: the workbook and its want."""
    t = data["alpha"]
    task = t["tasks"][0]
    tags = query(db, """SELECT t.id::text, t.name FROM tags t
                         WHERE t.user_id = %s AND EXISTS (SELECT FROM record_tags rt JOIN records r ON r.id = rt.record_id
                                                           WHERE rt.tag_id = t.id AND r.task_id = %s)
                         ORDER BY t.name LIMIT 2""", t["tenant_id"], task)
    assert len(tags) == 2
    first, last = query(db, "SELECT min(calldate), max(calldate) FROM records WHERE task_id = %s", task)[0]
    start = (first + (last - first) / 4).astimezone(datetime.timezone(datetime.timedelta(hours=8)))
    start = start.replace(hour=0, minute=0, second=0, microsecond=0)
    end = start + datetime.timedelta(days=2, seconds=-1)
    body = {"task_id": task, "tags": [tag for tag, _ in tags],
            "start_at": start.strftime("%Y-%m-%d %H:%M:%S"), "end_at": end.strftime("%Y-%m-%d %H:%M:%S")}
    r = post(DONE + "?format=xlsx", t["token"], body)
    where = """r.task_id = %s AND r.calldate >= %s AND r.calldate < %s::timestamptz + interval '1 second'
               AND EXISTS (SELECT FROM record_tags rt WHERE rt.record_id = r.id AND rt.tag_id = ANY (%s::uuid[]))"""
    args = (task, body["start_at"] + "+08", body["end_at"] + "+08", [tag for tag, _ in tags])
    return {"r": r, "wb": book(r), "task": task, "tags": tags, "body": body, "where": where, "args": args,
            "name": query(db, "SELECT name FROM tasks WHERE uuid = %s", task)[0][0], "start": start, "end": end}


def test_reading_order_and_the_internal_group(selection, db):
    ws = selection["wb"]["通话记录"]
    head = head_of(ws)
    assert head[:9] == ["号码", "意向等级", "标签", "通话时长", "呼叫时间", "省份", "城市", "挂断方", "挂断原因"]
    internal = ["运营商码", "通话记录ID", "任务ID", "话术组ID", "呼叫ID", "等级ID", "省ID", "市ID"]
    assert set(internal) <= set(head)
    first = min(head.index(h) for h in internal)
    d = dims(ws)
    # Everything from the first internal column on is grouped and hidden; nothing before it.
    for i, h in enumerate(head, 1):
        grouped = i > first
        assert (d[i].outlineLevel, bool(d[i].hidden)) == ((1, True) if grouped else (0, False)), h
    assert all(h not in head[:first] for h in internal)
    assert d[len(head) + 1].collapsed                                   # the group's button: closed
    # A duration once, as a time value; no seconds or milliseconds twins.
    assert head.count("通话时长") == 1 and head.count("呼叫时长") == 1
    assert not any(re.search(r"\((毫)?秒\)$", h) for h in head)
    rows = list(ws.iter_rows(min_row=2))
    bills = dict(query(db, f"SELECT r.id::text, r.bill FROM records r WHERE {selection['where']}", *selection["args"]))
    assert len(rows) == len(bills) > 0
    col = {h: i for i, h in enumerate(head)}
    for row in rows:
        cell = row[col["通话时长"]]
        assert cell.number_format == "[m]:ss"                           # read back as a timedelta
        assert cell.value.total_seconds() == pytest.approx(bills[row[col["通话记录ID"]].value] / 1000, abs=0.001)
        assert isinstance(row[col["号码"]].value, str)


def test_wrapped_text_and_widths_that_fit(selection):
    ws = selection["wb"]["通话记录"]
    head = head_of(ws)
    d = dims(ws)
    tags = head.index("标签")
    cells = [r[tags] for r in ws.iter_rows(min_row=2)]
    assert all(c.alignment.wrap_text for c in cells if c.value)
    longest = max(sum(2 if ord(ch) > 127 else 1 for ch in c.value) for c in cells if c.value)
    # libxlsxwriter adds Excel's padding (0.71) to a width; at most the declared 24, then wrapped.
    assert int(d[tags + 1].width) == max(min(longest + 1, 24), 7)
    phone = head.index("号码")
    assert d[phone + 1].width >= max(len(r[phone].value) for r in ws.iter_rows(min_row=2))
    assert d[head.index("通话记录ID") + 1].width >= 36                      # a UUID when shown
    assert d[head.index("通话时长") + 1].width < 12                          # m:ss is narrow


def test_print_setup(selection):
    for ws in selection["wb"].worksheets:
        assert ws.page_setup.orientation == "landscape" and ws.page_setup.paperSize == 9
        assert ws.sheet_properties.pageSetUpPr.fitToPage
        assert (ws.page_setup.fitToWidth or 1, ws.page_setup.fitToHeight) == (1, 0)   # 1: the default
        assert ws.oddFooter.center.text == "第 &P 页, 共 &N 页"
    ws = selection["wb"]["通话记录"]
    assert ws.print_title_rows in ("1:1", "$1:$1")
    h = ws.oddHeader
    assert h.left.text == "通话记录"
    assert h.center.text == f"{selection['name']} {selection['body']['start_at']} 至 {selection['body']['end_at']}"
    names = ", ".join(n for _, n in selection["tags"])
    assert h.right.text.startswith("筛选: ") and f"标签 {names}" in h.right.text
    assert not UUID_RE.search(h.right.text)


def test_summary_counts_the_selection_by_name(selection, db):
    wb = selection["wb"]
    s = summary(wb)
    assert s["筛选: 标签"][0] == ", ".join(n for _, n in selection["tags"])
    assert s["筛选: 开始时间"][0] == selection["body"]["start_at"]
    # No id anywhere in the summary but the task's own.
    text = [str(v) for r in wb["汇总"].iter_rows(values_only=True) for v in r if v is not None]
    assert [t for t in text if UUID_RE.search(t)] == [selection["task"]]
    n = query(db, f"SELECT count(*) FROM records r WHERE {selection['where']}", *selection["args"])[0][0]
    assert s["行数"][0] == n and s["统计范围"][0] == f"以下统计按上述筛选条件, 对本工作簿的 {n} 行计算"
    levels = query(db, f"""SELECT l.name || '(' || l.alias || ')', count(*) FROM records r
                             JOIN levels l ON l.id = r.level_id WHERE {selection['where']}
                            GROUP BY 1""", *selection["args"])
    got = grid_table(wb, "意向等级")
    assert {k: v[0] for k, v in got.items()} == dict(levels)
    assert sum(v[1] for v in got.values()) == pytest.approx(1, abs=0.001)
    sides = query(db, f"""SELECT callreport_label('hangup', r.hangup_disposition::text), count(*) FROM records r
                           WHERE {selection['where']} GROUP BY 1""", *selection["args"])
    assert {k: v[0] for k, v in grid_table(wb, "挂断方").items()} == {k or "(无)": c for k, c in sides}
    assert len(wb["汇总"]._charts) == 2                                  # levels, hangup sides
    # The task's own figures are there, said to be the whole task's.
    assert "任务整体 (全部号码, 不受筛选条件影响)" in s


def test_operator_and_status_filters_named(data):
    t = data["alpha"]
    wb = book(get("/v1/task/number", t["token"], {"task_id": t["tasks"][0], "format": "xlsx",
                                                   "status[]": ["1", "8"], "type[]": ["yd", "dx"]}))
    s = summary(wb)
    assert s["筛选: 号码状态"][0] == "呼叫成功, 占线、用户正忙"
    assert s["筛选: 运营商"][0] == "移动, 电信"


def test_content_disposition(selection, gamma):  # noqa: F811
    start, end = selection["start"].strftime("%Y%m%d"), selection["end"].strftime("%Y%m%d")
    name = f"{selection['name']}-通话记录-{start}-{end}.xlsx"
    assert "/" not in name and '"' not in name
    want = (f'attachment; filename="call-records-{start}-{end}.xlsx"; '
            f"filename*=UTF-8''{urllib.parse.quote(name, safe='!#$&+^`|~')}")
    assert selection["r"].header("Content-Disposition") == want
    # No period: the task and the report.
    r = get("/v1/task/number", gamma["token"], {"task_id": G_TASK, "format": "xlsx"})
    assert r.header("Content-Disposition") == (
        "attachment; filename=\"task-numbers.xlsx\"; filename*=UTF-8''"
        + urllib.parse.quote("XLSX 边界任务-号码列表.xlsx", safe=""))


def test_unsafe_task_names_are_made_safe(db):
    """Separators, quotes and control characters become _; a page header's & stays text."""
    task, long_task = str(uuid.uuid4()), str(uuid.uuid4())
    name = 'a/b\\c"d:e*f?\u0007g;h%&G&[Picture]'
    path = os.path.join(OUT, "unsafe-name.jsonl")
    with open(path, "w", encoding="utf-8") as f:
        f.write('{"kind": "group", "id": 880000901, "name": "g"}\n')
        f.write(json.dumps({"kind": "task", "uuid": task, "name": name,
                            "group_id": 880000901, "create_datetime": "2026-03-01 08:00:00"}) + "\n")
        f.write(json.dumps({"kind": "task", "uuid": long_task, "name": "长" * 255,
                            "group_id": 880000901, "create_datetime": "2026-03-01 08:00:00"}) + "\n")
    cli("import", "--user", "unsafe-name", path)
    token = cli("token", "--user", "unsafe-name").stdout.strip()
    r = get("/v1/task/number", token, {"task_id": task, "format": "xlsx"})
    ws = book(r)["号码列表"]
    assert r.header("Content-Disposition") == (
        "attachment; filename=\"task-numbers.xlsx\"; filename*=UTF-8''"
        + urllib.parse.quote("a_b_c_d_e_f__g_h_&G&[Picture]-号码列表.xlsx", safe="!#$&+^`|~"))
    # A page header's & is a control character (and libxlsxwriter takes even "&&G" for an image).
    assert ws.oddHeader.center.text == "a/b\\c\"d:e*f? g;h%＆G＆[Picture]"
    # A page header holds 255 characters: a longer one is cut, marked.
    r = get("/v1/task/number", token, {"task_id": long_task, "format": "xlsx"})
    assert r.status == 200
    with zipfile.ZipFile(io.BytesIO(r.body)) as z:
        header = re.search(r"<oddHeader>(.*?)</oddHeader>", z.read("xl/worksheets/sheet2.xml").decode()).group(1)
    assert header.startswith("&amp;L号码列表&amp;C长长") and header.endswith("…")
    assert len(header.replace("&amp;", "&")) == 250                     # Excel takes 255


def test_columns_choose_and_order(selection, data):
    t = data["alpha"]
    body = dict(selection["body"])
    wb = book(post(DONE + "?format=xlsx&columns=level_name,callee,bill", t["token"], body))
    ws = wb["通话记录"]
    assert head_of(ws) == ["意向等级", "号码", "通话时长"]
    assert not any(d.outlineLevel or d.hidden for d in ws.column_dimensions.values())
    assert ws.max_row == selection["wb"]["通话记录"].max_row
    # An array works too, and a column named twice is there once.
    wb = book(get("/v1/task/number", t["token"], [("task_id", t["tasks"][0]), ("format", "xlsx"),
                                                  ("columns[]", "status_str"), ("columns[]", "number"),
                                                  ("columns[]", "status_str")]))
    assert head_of(wb["号码列表"]) == ["状态", "被叫号码"]
    # Unknown, JSON-only or malformed: 400 naming columns; JSON's keys stay the contract's.
    for bad in ("callee,nope", "tags", "Callee", "callee;drop"):
        r = post(DONE + "?format=xlsx&" + urllib.parse.urlencode({"columns": bad}), t["token"], body)
        assert r.status == 400, bad
        assert r.json()["message"].startswith("columns "), r.body
    plain = post(DONE, t["token"], body).json()
    assert post(DONE + "?columns=level_name", t["token"], body).json() == plain
    assert list(plain["data"][0])[:3] == ["tags", "tag_groups", "operator_name"]


def test_rates_are_percentages(data):
    t = data["alpha"]
    rows = get("/tasks", t["token"], {"per_page": 100, "format": "json"}).json()["data"]["data"]
    wb = book(get("/tasks", t["token"], {"format": "xlsx"}))
    ws = wb["外呼任务"]
    head = head_of(ws)
    assert head[0] == "任务名称" and head[-1] == "任务ID"
    assert "接通率" in head and "接通率(%)" not in head
    got = {r[head.index("任务ID")].value: r for r in ws.iter_rows(min_row=2)}
    assert len(got) == len(rows)
    for j in rows:
        cell = got[j["uuid"]][head.index("接通率")]
        assert cell.number_format == "0.0%"
        assert (cell.value is None) if j["connect_rate"] is None else (
            cell.value == pytest.approx(float(j["connect_rate"]) / 100))


def soffice(src, to, outdir):
    env = dict(os.environ, HOME=str(outdir))
    subprocess.run(["soffice", "--headless", "--norestore", "--convert-to", to, "--outdir", str(outdir), str(src)],
                   check=True, capture_output=True, timeout=300, env=env)


def test_libreoffice_prints_landscape_with_the_header_repeated(data, tmp_path):
    t = data["alpha"]
    r = get("/v1/task/number", t["token"], {"task_id": t["tasks"][0], "format": "xlsx", "status[]": "1",
                                            "columns": "number,status_str,calldate,bill,pro,city"})
    rows = book(r)["号码列表"].max_row - 1
    assert rows > 150                                                   # more than a page
    src = tmp_path / "numbers.xlsx"
    src.write_bytes(r.body)
    soffice(src, "pdf", tmp_path)
    pdf = tmp_path / "numbers.pdf"
    info = subprocess.run(["pdfinfo", "-f", "1", "-l", "999", str(pdf)], capture_output=True, text=True,
                          check=True).stdout
    pages = int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1))
    sizes = re.findall(r"^Page\s+\d+ size:\s+([\d.]+) x ([\d.]+) pts", info, re.M)
    assert pages >= 3 and len(sizes) == pages
    assert all(float(w) > float(h) for w, h in sizes)                   # every page landscape (A4: 842 x 595)
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout.split("\f")
    data_pages = [p for p in text if re.search(r"\d{11}\s+呼叫成功", p)]
    assert len(data_pages) >= 2
    assert all(re.search(r"被叫号码\s+状态\s+呼叫时间\s+通话时长", p) for p in data_pages)   # the header on each
    assert all("号码列表" in p and re.search(r"第 \d+ 页, 共 \d+ 页", p) for p in data_pages)


def test_libreoffice_reads_the_numbers_as_written(gamma, tmp_path):  # noqa: F811
    r = get("/v1/task/number", gamma["token"], {"task_id": G_TASK, "format": "xlsx"})
    src = tmp_path / "numbers.xlsx"
    src.write_bytes(r.body)
    # The second sheet (the rows) as CSV: UTF-8, comma, quote, formulas' results as shown.
    soffice(src, "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,2", tmp_path)
    out = glob.glob(str(tmp_path / "*.csv"))
    assert len(out) == 1
    lines = open(out[0], encoding="utf-8").read().splitlines()
    assert lines[0].split(",")[:2] == ["被叫号码", "状态"]
    numbers = [x.split(",")[0] for x in lines[1:]]
    assert numbers == ["00861390000001", "+8613900000002", "13900000003", "13900000004", "13900000005",
                       "13900000006"]                                   # never 1.39E+10
