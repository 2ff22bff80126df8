"""Filters of POST v1/task/query_done_task_phones: boundaries, combinations, order, bodies.

The boundary task of tenant "vendor" (tests/fixtures/vendor/vendor.jsonl) has records
placed on the edges of every filter: scores 0/99/100/101/500/501/1000 and -5, bills
9999/10000/10999/11000 ms, rounds 0..9 and none, calls at 23:59:59, 00:00:00 and
23:59:59.6 in Asia/Shanghai, two calls in the same second. Every expected set of ids is
computed from the database with an expression of its own, in the deployment's zone, and
the boundary cases are also spelled out by hand.
"""
import pytest

from conftest import post, query

DONE = "/v1/task/query_done_task_phones"
ZONE = "Asia/Shanghai"
TAG_DIRTY, TAG_KEEN = "ee109a20-6b98-4463-94fe-ea730e2188c7", "5b0a0000-0000-4000-8000-000000000002"
TAG_ADMIT, TAG_OFF = "4c318fbd-834f-4b41-bfbe-a631e5422812", "5b0a0000-0000-4000-8000-000000000003"


def rid(n):
    """The id of boundary record n."""
    return "5b0a0000-0000-4000-8000-%012x" % (0xc00 + n)


def ids(token, body, per_page=100):
    """Every id the endpoint answers for body, page by page, in order; checks total and last_page."""
    out, page = [], 1
    while True:
        r = post(DONE, token, dict(body, page=page, per_page=per_page))
        assert r.status == 200, r.text
        b = r.json()
        out += [x["id"] for x in b["data"]]
        if page >= b["last_page"]:
            assert b["total"] == len(out)
            assert b["last_page"] == max(1, -(-b["total"] // per_page))
            return out
        page += 1


def expect(db, task, where="true", *args):
    """The ids of the task's records matching a SQL condition on r, newest first."""
    where = where.replace("%", "%%")
    return [r[0] for r in query(db, f"SELECT r.id::text FROM records r WHERE r.task_id = %s AND ({where}) "
                                    "ORDER BY r.calldate DESC, r.id DESC", task, *args)]


def at(t):
    """A wall-clock time in the deployment's zone, as SQL."""
    return f"'{t}'::timestamp AT TIME ZONE '{ZONE}'"


@pytest.fixture(scope="module")
def b(vendor, db):
    task = vendor["boundary_task"]

    def check(body, where, by_hand=None):
        got = ids(vendor["token"], dict(body, task_id=task))
        want = expect(db, task, where)
        assert got == want
        if by_hand is not None:
            assert sorted(got) == sorted(rid(n) for n in by_hand)
        return got
    return check


def test_boundary_task_order(b):
    # Newest first; the two calls of 2020-03-07 12:00:00 by id, descending.
    got = b({}, "true")
    assert got == [rid(n) for n in (8, 17, 5, 16, 9, 6, 3, 2, 1, 7, 4)]


def test_levels(b):
    b({"levels": [[0, 100]]}, "r.score BETWEEN 0 AND 100", [1, 2, 6])
    b({"levels": [[101, 101]]}, "r.score = 101", [3])
    b({"levels": [[0, 0], [500, 501]]}, "r.score IN (0, 500, 501)", [1, 4, 5])
    # Overlapping intervals: a record once.
    b({"levels": [[0, 100], [100, 500]]}, "r.score BETWEEN 0 AND 500", [1, 2, 3, 4, 6, 9, 16, 17])
    b({"levels": [[1000, 1000], [-10, -1]]}, "r.score IN (1000, -5)", [7, 8])
    b({"levels": [[502, 999]]}, "false", [])
    b({"levels": []}, "true")


def test_bills_whole_seconds(b):
    # bill ms / 1000, truncated: [10, 10] is 10000..10999 ms.
    b({"bills": [10, 10]}, "r.bill BETWEEN 10000 AND 10999", [3, 4])
    b({"bills": [0, 9]}, "r.bill BETWEEN 0 AND 9999", [1, 2])
    b({"bills": [11, 59]}, "r.bill BETWEEN 11000 AND 59999", [5, 16])
    b({"bills": [200, 200]}, "r.bill BETWEEN 200000 AND 200999", [6])
    # [0,9] and [10,19] meet: no record is in both or in neither.
    lo = b({"bills": [0, 9]}, "r.bill < 10000")
    hi = b({"bills": [10, 19]}, "r.bill >= 10000 AND r.bill < 20000")
    assert lo and hi and not set(lo) & set(hi)
    # A record without a bill matches no bills filter.
    b({"bills": [0, 1000000000]}, "r.bill IS NOT NULL", [1, 2, 3, 4, 5, 6, 7, 9, 16, 17])
    b({"bills": []}, "true")


def test_rounds(b):
    b({"rounds": [0, 5]}, "r.rounds BETWEEN 0 AND 5", [1, 2, 4, 5, 6, 7])
    b({"rounds": [6, 6]}, "r.rounds = 6", [3])
    b({"rounds": [10, 2147483647]}, "r.rounds >= 10", [])
    b({"rounds": []}, "true")


def test_tags(b, data):
    has = "EXISTS (SELECT FROM record_tags t WHERE t.record_id = r.id AND t.tag_id = ANY (%s::uuid[]))"
    b({"tags": [TAG_KEEN]}, has.replace("%s", f"'{{{TAG_KEEN}}}'"), [3, 4, 17])
    b({"tags": [TAG_DIRTY, TAG_ADMIT]}, has.replace("%s", f"'{{{TAG_DIRTY},{TAG_ADMIT}}}'"), [1, 4, 6])
    # A disabled tag still selects the records that carry it.
    b({"tags": [TAG_OFF]}, has.replace("%s", f"'{{{TAG_OFF}}}'"), [9])
    # Unknown ids select nothing, and do not disturb known ones.
    unknown = "00000000-0000-4000-8000-000000000000"
    b({"tags": [unknown]}, "false", [])
    b({"tags": [unknown, TAG_ADMIT.upper()]}, has.replace("%s", f"'{{{TAG_ADMIT}}}'"), [6])
    b({"tags": []}, "true")


def test_tags_of_another_tenant_select_nothing(b, db, data):
    alpha_tag = query(db, "SELECT id::text FROM tags WHERE user_id = %s LIMIT 1", data["alpha"]["tenant_id"])[0][0]
    b({"tags": [alpha_tag]}, "false", [])


def test_times_inclusive_in_the_deployment_zone(b):
    # Across midnight, both ends inclusive.
    b({"start_at": "2020-03-06 23:59:59", "end_at": "2020-03-07 00:00:00"},
      f"r.calldate >= {at('2020-03-06 23:59:59')} AND r.calldate < {at('2020-03-07 00:00:01')}", [1, 2])
    # 16:00 and 08:00 in Shanghai are 08:00 and 00:00 UTC: a zone mistake moves both ends.
    b({"start_at": "2020-03-06 16:00:00", "end_at": "2020-03-07 08:00:00"},
      f"r.calldate >= {at('2020-03-06 16:00:00')} AND r.calldate < {at('2020-03-07 08:00:01')}", [7, 1, 2, 3, 6])
    # end_at takes the whole last second: 23:59:59.6 is in.
    b({"end_at": "2020-03-07 23:59:59"}, f"r.calldate < {at('2020-03-08 00:00:00')}",
      [1, 2, 3, 4, 5, 6, 7, 9, 16, 17])
    b({"start_at": "2020-03-07 12:00:00"}, f"r.calldate >= {at('2020-03-07 12:00:00')}", [5, 8, 9, 16, 17])
    b({"start_at": "2020-03-07 12:00:01", "end_at": "2020-03-07 23:59:58"}, "false", [])
    # start after end: nothing, not an error.
    b({"start_at": "2020-03-08 00:00:00", "end_at": "2020-03-07 00:00:00"}, "false", [])
    # ISO 8601's T, and empty strings for no bound.
    b({"start_at": "2020-03-07T00:00:00", "end_at": ""}, f"r.calldate >= {at('2020-03-07 00:00:00')}",
      [2, 3, 5, 6, 8, 9, 16, 17])


def test_keyword_and_id(b, db, data, vendor):
    b({"keyword": "1683"}, "r.callee LIKE '%1683%'", [4])
    b({"keyword": "138"}, "r.callee LIKE '%138%'", [1, 2])
    b({"keyword": 186}, "r.callee LIKE '%186%'", [4, 5, 6, 7])
    b({"keyword": ""}, "true")
    b({"id": rid(3)}, f"r.id = '{rid(3)}'", [3])
    b({"id": rid(3).upper()}, f"r.id = '{rid(3)}'", [3])
    # A record of another task, or of another tenant: not in this task.
    other = query(db, "SELECT id::text FROM records WHERE user_id = %s AND task_id <> %s LIMIT 1",
                  vendor["tenant_id"], vendor["boundary_task"])[0][0]
    b({"id": other}, "false", [])
    foreign = query(db, "SELECT id::text FROM records WHERE user_id = %s LIMIT 1", data["alpha"]["tenant_id"])[0][0]
    b({"id": foreign}, "false", [])


def test_combinations(b):
    b({"levels": [[0, 300]], "bills": [0, 60], "rounds": [0, 8]},
      "r.score BETWEEN 0 AND 300 AND r.bill BETWEEN 0 AND 60999 AND r.rounds BETWEEN 0 AND 8", [1, 2, 3, 9, 16])
    b({"tags": [TAG_KEEN, TAG_DIRTY], "start_at": "2020-03-07 00:00:00", "keyword": "0000"},
      f"r.calldate >= {at('2020-03-07 00:00:00')} AND r.callee LIKE '%0000%' AND EXISTS (SELECT FROM record_tags t "
      f"WHERE t.record_id = r.id AND t.tag_id IN ('{TAG_KEEN}', '{TAG_DIRTY}'))", [3, 17])
    b({"levels": [[0, 1000]], "id": rid(8)}, "false", [])


def test_form_encoded_body_is_the_json_body(vendor):
    task = vendor["boundary_task"]
    form = (f"task_id={task}&levels[0][]=0&levels[0][]=100&levels[1][]=500&levels[1][]=501"
            f"&bills[]=0&bills[]=200&tags[]={TAG_DIRTY}&tags[]={TAG_ADMIT}&start_at=2020-03-06+00%3A00%3A00")
    r = post(DONE, vendor["token"], form, headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert r.status == 200, r.text
    j = post(DONE, vendor["token"], {"task_id": task, "levels": [[0, 100], [500, 501]], "bills": [0, 200],
                                     "tags": [TAG_DIRTY, TAG_ADMIT], "start_at": "2020-03-06 00:00:00"})
    assert r.json() == j.json()
    assert sorted(x["id"] for x in r.json()["data"]) == sorted(rid(n) for n in (1, 4, 6))
    # Parameters in the query string count too (the body wins for the same name).
    q = post(DONE + f"?task_id={task}&keyword=138", vendor["token"], {"levels": [[0, 100]]})
    assert sorted(x["id"] for x in q.json()["data"]) == sorted(rid(n) for n in (1, 2))


def test_alpha_combinations_against_the_database(data, db):
    t = data["alpha"]
    tag = query(db, """SELECT rt.tag_id::text FROM record_tags rt JOIN records r ON r.id = rt.record_id
                        WHERE r.task_id = %s GROUP BY 1 ORDER BY count(*) DESC LIMIT 1""", t["tasks"][0])[0][0]
    day = query(db, f"SELECT (calldate AT TIME ZONE '{ZONE}')::date::text FROM records WHERE task_id = %s "
                    "GROUP BY 1 ORDER BY count(*) DESC LIMIT 1", t["tasks"][0])[0][0]
    cases = [
        ({"levels": [[0, 49], [300, 1000]]}, "(r.score BETWEEN 0 AND 49 OR r.score BETWEEN 300 AND 1000)"),
        ({"bills": [30, 90]}, "r.bill BETWEEN 30000 AND 90999"),
        ({"rounds": [2, 4]}, "r.rounds BETWEEN 2 AND 4"),
        ({"tags": [tag]}, f"EXISTS (SELECT FROM record_tags x WHERE x.record_id = r.id AND x.tag_id = '{tag}')"),
        ({"start_at": f"{day} 12:00:00", "end_at": f"{day} 18:30:00"},
         f"r.calldate >= {at(day + ' 12:00:00')} AND r.calldate < {at(day + ' 18:30:01')}"),
        ({"keyword": "13"}, "r.callee LIKE '%13%'"),
        ({"levels": [[100, 1000]], "bills": [20, 200], "rounds": [1, 8], "tags": [tag], "keyword": "1"},
         "r.score BETWEEN 100 AND 1000 AND r.bill BETWEEN 20000 AND 200999 AND r.rounds BETWEEN 1 AND 8 "
         f"AND EXISTS (SELECT FROM record_tags x WHERE x.record_id = r.id AND x.tag_id = '{tag}') "
         "AND r.callee LIKE '%1%'"),
    ]
    for body, where in cases:
        want = expect(db, t["tasks"][0], where)
        assert want, body
        assert ids(t["token"], dict(body, task_id=t["tasks"][0])) == want, body
