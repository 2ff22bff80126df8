#!/usr/bin/python3
"""xlsx_python.py: the script a user would otherwise write: the numbers report of a
task as XLSX with Python XlsxWriter (constant_memory) over psycopg2, rows read
from a server-side cursor in batches of 10,000.

It runs the statement callreport runs (sql/reports/task_number.sql) and writes
the same cells: the columns printed by `bench/xlsx_bare --columns` (key, type,
header), strings as strings, numbers and the seconds beside milliseconds as
numbers, times as dates with a format, a frozen header and an autofilter.

usage: xlsx_python.py CONNINFO TENANT_ID TASK_ID OUT.xlsx TMPDIR COLUMNS.tsv
Prints "rows N seconds S" (connect to close).
"""
import datetime
import os
import re
import subprocess
import sys
import time

import psycopg2
import xlsxwriter

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))


def main():
    conninfo, tenant, task, out, tmpdir, colfile = sys.argv[1:7]
    with open(colfile, encoding="utf-8") as f:
        cols = [line.rstrip("\n").split("\t") for line in f if line.strip()]
    # The text the program runs: the file with its includes done (scripts/embed-sql.sh).
    sql = subprocess.run([os.path.join(ROOT, "scripts", "embed-sql.sh"), "--text",
                          os.path.join(ROOT, "sql", "reports", "task_number.sql")],
                         check=True, capture_output=True, text=True).stdout
    # $1 tenant, $2 task_id, $3 status, $4 keyword, $5 operator, $6 call_history,
    # $7 limit (NULL: all), $8 offset; psycopg2 wants named placeholders.
    sql = re.sub(r"\$(\d+)", lambda m: "%(p" + m.group(1) + ")s", sql.replace("%", "%%"))
    params = {"p1": tenant, "p2": task, "p3": None, "p4": None, "p5": None, "p6": None,
              "p7": None, "p8": 0}

    t0 = time.monotonic()
    conn = psycopg2.connect(conninfo)
    cur = conn.cursor()
    cur.execute("SELECT set_config('callreport.tenant', %s, true), "
                "set_config('TimeZone', 'Asia/Shanghai', true)", (tenant,))
    rows = conn.cursor(name="rows")
    rows.itersize = 10000
    rows.execute(sql, params)

    wb = xlsxwriter.Workbook(out, {"constant_memory": True, "tmpdir": tmpdir,
                                   "use_zip64": True})
    head = wb.add_format({"bold": True, "bg_color": "#DDEBF7"})
    tfmt = wb.add_format({"num_format": "yyyy-mm-dd hh:mm:ss"})
    sfmt = wb.add_format({"num_format": "0.000"})
    ws = wb.add_worksheet("号码列表")
    plan = []      # (index in the row, type, sheet column)
    at = 0
    index = None
    for key, typ, label in cols:
        ws.set_column(at, at, 16)
        ws.write_string(0, at, label, head)
        plan.append((key, typ, at))
        at += 1
        if typ == "ms":
            ws.write_string(0, at, re.sub(r"\(毫秒\)$", "", label) + "(秒)", head)
            at += 1
    width = at
    ws.freeze_panes(1, 0)

    n = 0
    for rec in rows:
        if index is None:
            names = [d[0] for d in rows.description]
            plan = [(names.index(k), t, c) for k, t, c in plan]
            index = True
        n += 1
        for i, typ, c in plan:
            v = rec[i]
            if v is None:
                continue
            if typ in ("int", "num"):
                ws.write_number(n, c, v)
            elif typ == "ms":
                ws.write_number(n, c, v)
                ws.write_number(n, c + 1, v / 1000.0, sfmt)
            elif typ == "time":
                ws.write_datetime(n, c, datetime.datetime(
                    int(v[0:4]), int(v[5:7]), int(v[8:10]),
                    int(v[11:13]), int(v[14:16]), int(v[17:19])), tfmt)
            elif typ == "bool":
                ws.write_string(n, c, "是" if v else "否")
            else:
                ws.write_string(n, c, str(v))
    ws.autofilter(0, 0, n, width - 1)
    wb.close()
    conn.rollback()
    conn.close()
    print(f"rows {n} seconds {time.monotonic() - t0:.3f}")


if __name__ == "__main__":
    main()
