"""Work for the columns only JSON shows is done for JSON answers alone (callreport_json(),
sql/schema.sql; cgi/store/db.c sets callreport.json off in the begin of an HTML, XLSX or
CSV answer). The call records' tags and tag groups as JSON objects are VJ columns: a page
and a workbook show their names (tags_text, tag_groups_text), which stay, and must agree
with the JSON's."""
import json

from conftest import as_web, get, query
from test_api_explain import big, null_params, sql_text  # noqa: F401 (big: a fixture, tenant "big")
from test_deep_pages import tok  # noqa: F401 (a fixture: big's token)
from test_xlsx import ok_xlsx, table


def page_rows(big, json_on):  # noqa: F811
    """done_phones.sql's page 1 of 100 as the web role, callreport.json on or off."""
    params = [big["tenant"], big["task"]] + [None] * 14 + ["100", "0"]
    with as_web(big["conn"], big["tenant"]) as c:
        c.execute("SELECT set_config('callreport.json', %s, true)", ("on" if json_on else "off",))
        # As the program prepares it (cgi/store/db.c): its NULL parameters written as NULL.
        types = ", ".join("text" if p is None else "unknown" for p in params)
        c.execute(f"PREPARE jo ({types}) AS " + null_params(sql_text("done_phones"), params))
        try:
            c.execute("EXECUTE jo (%s)" % ", ".join(["%s"] * len(params)), params)
            names = [d.name for d in c.description]
            return [dict(zip(names, r)) for r in c.fetchall()]
        finally:
            c.execute("DEALLOCATE jo")


def test_the_statement_skips_the_json_when_told(big):  # noqa: F811
    on, off = page_rows(big, True), page_rows(big, False)
    assert [r["id"] for r in on] == [r["id"] for r in off] and len(on) == 100
    tagged = [r for r in on if r["tags_text"]]
    assert tagged, "the page has no tagged call"
    for a, b in zip(on, off):
        # Off: no objects, the names the same.
        assert b["tags"] == [] and b["tag_groups"] == []
        assert (a["tags_text"], a["tag_groups_text"]) == (b["tags_text"], b["tag_groups_text"])
        # On: the objects, in the names' order.
        assert "、".join(t["name"] for t in a["tags"]) == (a["tags_text"] or "")
        assert "、".join(g["name"] for g in a["tag_groups"]) == (a["tag_groups_text"] or "")
    # Unset (psql, the command-line tool): JSON, as always.
    with as_web(big["conn"], big["tenant"]) as c:
        c.execute("SELECT callreport_json()")
        assert c.fetchone()[0] is True


def test_each_answer_shows_the_same_tags(big, tok):  # noqa: F811
    """The JSON's tags (computed), the page's and the workbook's names (the JSON left out)."""
    task = big["task"]
    r = get(f"/tasks/{task}/records", tok, {"format": "json", "per_page": 100})
    assert r.status == 200
    rows = json.loads(r.body)["data"]
    want = {x["id"]: "、".join(t["name"] for t in x["tags"]) for x in rows}
    assert any(want.values())
    html = get(f"/tasks/{task}/records", tok, {"format": "html", "per_page": 100})
    assert html.status == 200
    text = html.body.decode()
    for names in {v for v in want.values() if v}:
        assert names in text, names
    # The workbook of a few tagged calls, one each (the id filter).
    for rid in [k for k, v in want.items() if v][:4]:
        wb = ok_xlsx(get(f"/tasks/{task}/records", tok, {"format": "xlsx", "id": rid}))
        _, rows = table(wb[wb.sheetnames[1]])
        assert [(x["通话记录ID"], x["标签"]) for x in rows] == [(rid, want[rid])]


def start_rows(big, json_on):  # noqa: F811
    """start.sql over the big tenant's busiest day as the web role, callreport.json on or off."""
    day = big["day"]
    params = [big["tenant"], f"{day} 00:00:00", f"{day} 23:59:59", None, None, None]
    with as_web(big["conn"], big["tenant"]) as c:
        c.execute("SELECT set_config('callreport.json', %s, true)", ("on" if json_on else "off",))
        c.execute("SELECT (%s::date - 1)::text", (day,))
        prev = c.fetchone()[0]
        params[3:5] = [f"{prev} 00:00:00", f"{prev} 23:59:59"]
        c.execute("PREPARE so (text, text, text, text, text, text) AS "
                  + null_params(sql_text("start"), params))
        try:
            c.execute("EXECUTE so (%s, %s, %s, %s, %s, %s)", params)
            names = [d.name for d in c.description]
            return [dict(zip(names, r)) for r in c.fetchall()]
        finally:
            c.execute("DEALLOCATE so")


def test_the_start_page_makes_its_page_changes_for_the_page_alone(big):  # noqa: F811
    """The ▲/▼ changes and their classes (HTML-only columns) are made with callreport.json off,
    NULL for JSON; every other column the same either way."""
    page_only = ("connect_rate_trend", "connect_rate_vs", "calls_trend", "calls_vs")
    on, off = start_rows(big, True), start_rows(big, False)
    assert len(on) == len(off) > 1
    for a, b in zip(on, off):
        assert all(a[k] is None for k in page_only)
        assert b["calls_trend"] in ("up", "down", "flat") and b["calls_vs"][-1].isdigit()
        assert {k: v for k, v in a.items() if k not in page_only} == \
            {k: v for k, v in b.items() if k not in page_only}
