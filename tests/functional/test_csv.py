"""CSV exports (format=csv, the renderer cgi/render/csv.c): what a person gets
when opening the file by a double-click in Excel or LibreOffice.

- UTF-8 with a BOM, RFC 4180 quoting, CRLF, the workbook's columns and labels;
- formula-safe: a text field that starts with = + - @ gets an apostrophe;
- phone numbers and ids of digits only as ="...", which LibreOffice (here,
  converting the file as its Text Import does with UTF-8) opens as the text
  written: leading zeros and all 16 digits of a group id kept.
"""
import csv
import io
import os
import subprocess

import openpyxl

from conftest import OUT, get, query
from test_xlsx import FORMULAS, G_TASK, gamma  # noqa: F401 (fixture)


def csv_rows(r):
    assert r.status == 200, r.body[:300]
    assert r.header("Content-Type") == "text/csv; charset=utf-8"
    assert r.body.startswith(b"\xef\xbb\xbf")
    assert b"\r\n" in r.body
    rows = list(csv.reader(io.StringIO(r.body[3:].decode("utf-8"), newline="")))
    return rows[0], [dict(zip(rows[0], x)) for x in rows[1:]]


def unwrap(v):
    """What a spreadsheet shows of ="digits"."""
    return v[2:-1] if v.startswith('="') and v.endswith('"') else v


def test_numbers_as_csv_match_the_json(data, db):
    t = data["alpha"]
    task = t["tasks"][0]
    r = get("/v1/task/number", t["token"], {"task_id": task, "format": "csv"})
    assert "filename*=UTF-8''" in r.header("Content-Disposition") and ".csv" in r.header("Content-Disposition")
    head, rows = csv_rows(r)
    assert "被叫号码" in head and "状态" in head
    total = query(db, "SELECT count(*) FROM numbers WHERE task_id = %s", task)[0][0]
    assert len(rows) == total
    page = get("/v1/task/number", t["token"], {"task_id": task, "per_page": 100}).json()["data"]["data"]
    for j, row in zip(page, rows):
        assert row["被叫号码"] == f'="{j["number"]}"'
        assert unwrap(row["被叫号码"]) == j["number"]


def test_formula_looking_strings_are_defused(gamma):  # noqa: F811
    r = get("/v1/task/number", gamma["token"], {"task_id": G_TASK, "format": "csv"})
    _, rows = csv_rows(r)
    assert [x["挂断原因"] for x in rows] == ["'" + f for f in FORMULAS]
    assert rows[0]["被叫号码"] == '="00861390000001"'
    assert rows[1]["被叫号码"] == "'+8613900000002"


def test_libreoffice_opens_numbers_as_written(gamma, tmp_path):  # noqa: F811
    r = get("/v1/task/number", gamma["token"], {"task_id": G_TASK, "format": "csv"})
    head, rows = csv_rows(r)
    src = tmp_path / "numbers.csv"
    src.write_bytes(r.body)
    env = dict(os.environ, HOME=str(tmp_path))
    subprocess.run(["soffice", "--headless", "--norestore", "--infilter=CSV:44,34,76",
                    "--convert-to", "xlsx", "--outdir", str(tmp_path), str(src)],
                   check=True, capture_output=True, timeout=180, env=env)
    ws = openpyxl.load_workbook(tmp_path / "numbers.xlsx", data_only=True).active
    got = [list(x) for x in ws.iter_rows(values_only=True)]
    assert got[0] == head                            # the Chinese labels, no BOM left
    col = head.index("被叫号码")
    want = [unwrap(x["被叫号码"]) for x in rows]
    assert want[0] == "00861390000001" and want[2] == "13900000003"
    # ="..." became the text written; "+86..." keeps its defusing apostrophe.
    assert [x[col] for x in got[1:]] == want
    assert all(isinstance(x[col], str) for x in got[1:])
    cause = head.index("挂断原因")
    assert [x[cause] for x in got[1:]] == ["'" + f for f in FORMULAS]   # shown, never run
