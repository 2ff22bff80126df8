"""The report contract: every entry of the report table agrees with its SQL.

An entry of reports[] (cgi/report/reports.c) names its statements, its fields and its
columns; what ties them together is a convention (docs/reports.md) that the compiler
cannot see. Here PostgreSQL checks it: each statement of each entry (sql, count_sql,
page_sql, and sql with each order of sorts) is prepared as the web role prepares it,
with no parameter types given, so that PostgreSQL infers each $k from the text, and
is described (run with every parameter NULL: no tenant, no row). Then

- parameters: $1 is the tenant (uuid), then one per field without F_NOSQL in declared
  order, then LIMIT and OFFSET for a paged report's page (count_sql has neither, but
  when the entry's count_paged says it takes them too: a page's capped total); a
  page statement takes $1 the tenant and $2 its page_key field. Each $k has a type
  that holds every value the field lets through (field_types). A $k the text does not
  use fails: PostgreSQL cannot type it, and neither could the program's prepare. LIMIT
  and OFFSET, both bigint, are found in the text at their places;
- columns: each column of the table is returned by sql (by key) with a type its
  renderers write right (COLUMN_TYPES); a result column that no entry of the table
  names is a column nothing shows, unless a page hook reads it (PAGE_ONLY) or it is
  the padding of a parameter (FIELD_unused); count_sql's total is its last column,
  an integer; an ENV_RAW report's body is its first column, JSON;
- num_nulls(...) = N, the "no filter at all" test of a count, lists every optional
  field's $k, and N is the number of its arguments;
- the table's own links: a variant takes the same fields, page_key and variant_field
  are fields, sorts are the codes of the sort field and order_by is in sql;
- a part (struct part: the start page's trend) takes $1 the tenant and then the fields it
  names, and returns the columns of its own column table, each shown somewhere.

The table comes from the program itself (bin/callreport reports --json): the SQL
texts as embedded, fragments spliced in.

Types, not meaning: two parameters of one type swapped (start_at and end_at, task_id
and id) pass here; the functional tests of each filter see them by their results.
"""
import json
import os
import re
import subprocess

import psycopg2
import pytest

from conftest import CLI, ROOT, SUPER_DSN, as_web

# A tenant that owns nothing: describing a statement returns no row.
TENANT = "00000000-0000-4000-8000-00000000c0de"

INT_RANGES = {"smallint": (-2**15, 2**15 - 1), "integer": (-2**31, 2**31 - 1),
              "bigint": (-2**63, 2**63 - 1)}

# Result columns that no entry of a column table names, kept on purpose: a page hook
# (cgi/render/hook.c) reads them by name.
PAGE_ONLY = {
    ("transcript", "number_id"): "html_transcript links the number's history",
}

# What each column type's renderers need the SQL to return (report.h, enum ctype).
COLUMN_TYPES = {
    "text": {"text", "character varying"},
    "code": {"text", "character varying", "uuid"},  # written as a string everywhere
    "id": {"smallint", "integer", "bigint"},
    # numeric: a sum of bigint counts is numeric in PostgreSQL (tasks.total); the
    # renderers write its digits as they come.
    "int": {"smallint", "integer", "bigint", "numeric"},
    "num": {"smallint", "integer", "bigint", "numeric", "real", "double precision"},
    "ms": {"smallint", "integer", "bigint"},
    "bool": {"boolean"},  # t/f, read by its first letter
    # Made by SQL in the deployment's zone (callreport_ts); a timestamptz would come
    # in PostgreSQL's own format.
    "time": {"text"},
    "json": {"json", "jsonb"},  # copied into the JSON as it is: it must be JSON
}


def ints_holding(lo, hi, array=False):
    """The integer types whose range holds [lo, hi] (their arrays with array)."""
    return {t + ("[]" if array else "") for t, (a, b) in INT_RANGES.items() if a <= lo and hi <= b}


def field_types(f):
    """The parameter types that take every value field f lets through (input/valid.c)."""
    t = f["type"]
    if t == "uuid":
        return {"uuid"}
    if t == "uuidset":
        return {"uuid[]"}
    if t in ("digits", "text"):
        return {"text"}
    if t == "time":
        return {"timestamp with time zone"}  # read in the deployment's zone
    if t in ("uint", "flag"):
        return ints_holding(f["min"], f["max"])
    if t in ("intset", "range", "ranges"):
        return ints_holding(f["min"], f["max"], array=True)
    if t == "codeset":  # an array of the codes' values
        vals = f["codevals"]
        if all(re.fullmatch(r"-?\d+", v) for v in vals):
            return ints_holding(min(map(int, vals)), max(map(int, vals)), array=True)
        return {"text[]"}
    raise AssertionError(f"field {f['name']}: no rule for type {t}")


def field(r, name):
    return next((f for f in r["fields"] if f["name"] == name), None)


def page_params(r):
    """LIMIT and OFFSET of a paged report (report.c): per_page (15 when absent) and
    (page - 1) * per_page, or NULL and 0 for the whole selection (XLSX)."""
    page, per_page = field(r, "page"), field(r, "per_page")
    most = max(per_page["max"] if per_page else 15, 15)
    pages = page["max"] if page else 1
    return [("limit", ints_holding(0, most)), ("offset", ints_holding(0, (pages - 1) * most))]


def part_of(r, kind):
    """The part of statement kind "part KEY" of report r, or None."""
    if not kind.startswith("part "):
        return None
    return next(p for p in r["parts"] if p["key"] == kind[5:])


def expected_params(r, kind):
    """[(what, acceptable types)] of $1, $2, ... of statement kind of report r."""
    part = part_of(r, kind)
    if part is not None:
        # A part takes the tenant and the fields it names, in its order.
        return [("the tenant", {"uuid"})] + [
            (f"field {name}", field_types(field(r, name)) if field(r, name) else {"(no such field)"})
            for name in part["params"]]
    if kind == "page_sql":
        f = field(r, r["page_key"] or "")
        return [("the tenant", {"uuid"}),
                (f"field {r['page_key']}", field_types(f) if f else {"(no such field)"})]
    out = [("the tenant", {"uuid"})]
    out += [(f"field {f['name']}", field_types(f)) for f in r["fields"] if f["sql"]]
    if r["paged"] and (kind != "count_sql" or r["count_paged"]):
        out += page_params(r)
    return out


def optional_params(r):
    """{$k: field name} of the optional SQL fields (no F_REQUIRED)."""
    k, out = 1, {}
    for f in r["fields"]:
        if f["sql"]:
            k += 1
            if not f["required"]:
                out[k] = f["name"]
    return out


REPORTS = json.loads(subprocess.run([CLI, "reports", "--json"], check=True,
                                    capture_output=True, text=True).stdout)["reports"]
BY_NAME = {r["name"]: r for r in REPORTS}


def statements():
    """(report, kind, text) of every statement a report can run; kind "sql sort=CODE,DIR"
    is sql with its order replaced as report.c does for sort= and dir=."""
    for r in REPORTS:
        for kind in ("sql", "deep_sql", "count_sql", "page_sql"):
            if r[kind]:
                yield pytest.param(r, kind, r[kind], id=f"{r['name']}.{kind}")
        for p in r["parts"]:
            yield pytest.param(r, "part " + p["key"], p["sql"], id=f"{r['name']}.part-{p['key']}")
        for s in r["sorts"]:
            for d in ("asc", "desc"):
                yield pytest.param(r, f"sql sort={s['code']},{d}",
                                   r["sql"].replace(r["order_by"], s[d]),
                                   id=f"{r['name']}.sql-sort-{s['code']}-{d}")
                if r["deep_sql"]:
                    yield pytest.param(r, f"deep_sql sort={s['code']},{d}",
                                       r["deep_sql"].replace(r["order_by"], s[d]),
                                       id=f"{r['name']}.deep_sql-sort-{s['code']}-{d}")


@pytest.fixture(scope="module")
def conn():
    c = psycopg2.connect(SUPER_DSN)
    c.autocommit = True
    yield c
    c.close()


def describe(conn, text):
    """Prepares text as the program does (cgi/store/db.c: the web role under row-level
    security, a tenant set, the deployment's zone, no parameter types given) and
    describes it. Returns ([parameter type], [(column, type)]), or raises
    psycopg2.Error with PostgreSQL's message."""
    try:
        with as_web(conn, TENANT) as c:
            c.execute("PREPARE contract AS " + text)
            c.execute("SELECT parameter_types::text[] FROM pg_prepared_statements "
                      "WHERE name = 'contract'")
            params = c.fetchone()[0]
            # PostgreSQL 15 keeps no result types in pg_prepared_statements (16 does):
            # the statement is run, every parameter NULL (no tenant: no row).
            c.execute("EXECUTE contract" +
                      (" (%s)" % ", ".join(["NULL"] * len(params)) if params else ""))
            desc = [(d.name, d.type_code) for d in c.description]
            c.execute("SELECT t::regtype::text FROM unnest(%s::oid[]) WITH ORDINALITY AS x(t, n) "
                      "ORDER BY n", ([oid for _, oid in desc],))
            cols = [(name, t) for (name, _), (t,) in zip(desc, c.fetchall())]
    finally:
        with conn.cursor() as c:
            c.execute("DEALLOCATE ALL")
    return params, cols


def one_of(types):
    return " or ".join(sorted(types))


def check_params(r, kind, got):
    want = expected_params(r, kind)
    bad = []
    for k, (what, types) in enumerate(want, 1):
        if k > len(got):
            bad.append(f"${k} ({what}) is not in the text: PostgreSQL cannot give it a type, "
                       f"and the program's prepare fails when it is set")
        elif got[k - 1] not in types:
            bad.append(f"${k} ({what}) is {got[k - 1]}, it needs {one_of(types)}")
    for k in range(len(want) + 1, len(got) + 1):
        bad.append(f"${k} ({got[k - 1]}) is more than the {len(want)} parameters the report binds")
    return bad


def check_columns(r, cols, table=None):
    """The result columns cols of r's page statement against its column table (table: a
    part's, for the part's statement)."""
    bad, types = [], {}
    for name, t in cols:
        if name in types:
            bad.append(f"column {name} is returned twice (the renderers read the first)")
        types.setdefault(name, t)
    for c in table if table is not None else r["columns"]:
        if c["key"] not in types:
            bad.append(f"column {c['key']} ({c['type']}, {'/'.join(c['views'])}) is not returned")
        elif types[c["key"]] not in COLUMN_TYPES[c["type"]]:
            bad.append(f"column {c['key']} is {types[c['key']]}, its type {c['type']} "
                       f"needs {one_of(COLUMN_TYPES[c['type']])}")
    keys = {c["key"] for c in (table if table is not None else r["columns"])}
    padding = {f["name"] + "_unused" for f in r["fields"] if f["sql"]}
    for name in types:
        if name not in keys and name not in padding and (r["name"], name) not in PAGE_ONLY:
            bad.append(f"column {name} is returned but no view shows it: add it to the "
                       f"report's column table, or to PAGE_ONLY here if a page hook reads it")
    if r["envelope"] == "raw" and cols and (cols[0][0] != r["columns"][0]["key"]
                                            or cols[0][1] not in COLUMN_TYPES["json"]):
        bad.append(f"the first column is the body of an ENV_RAW answer: it is {cols[0][0]} "
                   f"({cols[0][1]}), not {r['columns'][0]['key']} (json)")
    return bad


def check_num_nulls(r, text):
    """num_nulls($a, $b, ...) = N: every optional field's $k, and N their number."""
    bad = []
    for m in re.finditer(r"num_nulls\(", text):
        depth, i = 1, m.end()
        while depth and i < len(text):
            depth += {"(": 1, ")": -1}.get(text[i], 0)
            i += 1
        args = text[m.end():i - 1]
        n = re.match(r"\s*=\s*(\d+)", text[i:])
        got = [int(k) for k in re.findall(r"\$(\d+)", args)]
        want = optional_params(r)
        if n is None or int(n.group(1)) != len(args.split(",")):
            bad.append(f"num_nulls of {len(args.split(','))} arguments is compared with "
                       f"{n.group(1) if n else 'nothing'}")
        for k in sorted(set(want) - set(got)):
            bad.append(f"num_nulls lacks ${k} (field {want[k]}): the count takes its "
                       f"no-filter shortcut when only that filter is set")
        for k in sorted(set(got) - set(want)):
            bad.append(f"num_nulls has ${k}, which is no optional field")
    return bad


def check_limit(r, kind, text):
    """A page's LIMIT and OFFSET are the last two parameters. Both are bigint, so
    check_params would not see them swapped: their places are read from the text."""
    n = len(expected_params(r, kind))
    found = re.findall(r"\b(LIMIT|OFFSET)\s+\$(\d+)", text)
    if not found:
        return [f"a paged report's page has no LIMIT ${n - 1} OFFSET ${n}"]
    want = {"LIMIT": n - 1, "OFFSET": n}
    return [f"{w} is ${k}, not ${want[w]} ({w.lower()})" for w, k in found if int(k) != want[w]]


@pytest.mark.parametrize("r, kind, text", statements())
def test_statement(conn, r, kind, text):
    """The statement prepares as the web role, takes the report's parameters and, for
    sql, returns its columns."""
    where = f"report {r['name']}, statement {kind}"
    try:
        params, cols = describe(conn, text)
    except psycopg2.Error as e:
        pytest.fail(f"{where}: PostgreSQL cannot prepare it: {e.pgerror or e}".strip())
    bad = check_params(r, kind, params) + check_num_nulls(r, text)
    if kind.startswith("sql"):
        bad += check_columns(r, cols)
    if kind.startswith("deep_sql"):
        # A page past the first: page 1's parameters, columns, LIMIT and OFFSET.
        bad += check_columns(r, cols) + check_limit(r, kind, text)
    if part_of(r, kind) is not None:
        bad += check_columns(r, cols, part_of(r, kind)["columns"])
        if r["paged"]:
            bad += check_limit(r, kind, text)
    if kind == "count_sql" and (not cols or cols[-1][1] not in INT_RANGES.keys() | {"numeric"}):
        bad.append(f"the total is the last column, an integer: it is {cols[-1] if cols else 'missing'}")
    if bad:
        pytest.fail(where + ":\n  " + "\n  ".join(bad), pytrace=False)


@pytest.mark.parametrize("r", REPORTS, ids=[r["name"] for r in REPORTS])
def test_table(r):
    """What the engine (report.c) finds by name in the entry is there."""
    bad = []
    for link in ("variant", "alt"):
        # report_serve binds a variant's statements with the fields validated for the
        # report, and takes an alt's for the same request: the same fields, in order.
        if r[link]:
            other = BY_NAME[r[link]]
            if other["fields"] != r["fields"]:
                bad.append(f"{link} {other['name']} has other fields than the report")
    if r["variant_field"] and not field(r, r["variant_field"]):
        bad.append(f"variant_field {r['variant_field']} is no field")
    if r["page_sql"] and not field(r, r["page_key"] or ""):
        bad.append(f"page_key {r['page_key']} is no field: the page statement never runs")
    for p in r["parts"]:
        # The engine binds a part's $2, $3, ... by field name; a name that is no field is NULL.
        for name in p["params"]:
            if not field(r, name):
                bad.append(f"part {p['key']}: parameter {name} is no field")
        # Its sheet's chart reads its category and lines from the sheet's (VX) columns.
        vx = {c["key"] for c in p["columns"] if "xlsx" in c["views"]}
        for key in ([p["category"]] if p["category"] else []) + p["lines"]:
            if key not in vx:
                bad.append(f"part {p['key']}: the chart's column {key} is not on its sheet (VX)")
    if r["parts"] and r["envelope"] not in ("page", "object", "list"):
        bad.append(f"parts go beside data in an envelope with a head, not {r['envelope']}")
    if r["sorts"]:
        codes = [s["code"] for s in r["sorts"]]
        sort, d = field(r, "sort"), field(r, "dir")
        if not sort or sort["sql"] or sort.get("codevals") != codes:
            bad.append(f"the field sort (F_NOSQL) must take the codes of sorts, {codes}")
        if not d or d["sql"] or d.get("codevals") != ["asc", "desc"]:
            bad.append("the field dir (F_NOSQL) must take asc and desc")
        if not r["order_by"] or r["order_by"] not in r["sql"]:
            bad.append(f"order_by {r['order_by']!r} is not in sql: sort= answers 500")
        if r["deep_sql"] and (not r["order_by"] or r["order_by"] not in r["deep_sql"]):
            bad.append(f"order_by {r['order_by']!r} is not in deep_sql: sort= answers 500 past page 1")
    if bad:
        pytest.fail(f"report {r['name']}:\n  " + "\n  ".join(bad), pytrace=False)


def test_the_call_pages_neighbours_take_the_lists_parameters_then_the_call(conn):
    """done_phones.nav.sql (上一通 / 下一通, web/record.c) runs the call-records list's filters
    (done_phones.where) with the call after them: its $k are done_phones' fields without
    LIMIT and OFFSET, then the call's id. A filter added to the list moves the call's $k."""
    r = BY_NAME["done_phones"]
    text = subprocess.run([os.path.join(ROOT, "scripts", "embed-sql.sh"), "--text",
                           os.path.join(ROOT, "sql", "reports", "done_phones.nav.sql")],
                          check=True, capture_output=True, text=True).stdout
    params, _ = describe(conn, text)
    want = expected_params(dict(r, paged=False), "sql") + [("the call", {"uuid"})]
    assert len(params) == len(want), (params, want)
    assert params[-1] == "uuid"
    assert not check_params(dict(r, paged=False), "count_sql", params[:-1])
