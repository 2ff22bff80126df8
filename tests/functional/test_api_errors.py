"""The contract's Errors section on every v1 endpoint of this work: 400 naming the field,
401, 404 (the same bytes for another tenant's id as for a missing one), 405, 413.
Every bad input is a 400 in the platform's envelope, never a 500."""
import json

import pytest

from conftest import get, post, query, request

DONE = "/v1/task/query_done_task_phones"
MISSING = "00000000-0000-4000-8000-00000000dead"


def error(r, status):
    """Asserts an error response in the platform's envelope; returns its message."""
    assert r.status == status, (r.status, r.text[:300])
    assert r.header("Content-Type") == "application/json; charset=utf-8"
    body = r.json()
    assert list(body) == ["code", "status", "message"]
    assert body["code"] == status and body["status"] == "error"
    assert isinstance(body["message"], str) and body["message"]
    return body["message"]


@pytest.fixture(scope="module")
def ids(data, db, vendor):
    a = data["alpha"]
    rec, task = query(db, "SELECT id::text, task_id::text FROM records WHERE user_id = %s ORDER BY id LIMIT 1",
                      a["tenant_id"])[0]
    other_task = query(db, "SELECT uuid::text FROM tasks WHERE user_id = %s AND uuid <> %s LIMIT 1",
                       a["tenant_id"], task)[0][0]
    beta = data["beta"]
    b_rec, b_task = query(db, "SELECT id::text, task_id::text FROM records WHERE user_id = %s ORDER BY id LIMIT 1",
                          beta["tenant_id"])[0]
    return {"token": a["token"], "record": rec, "task": task, "other_task": other_task,
            "foreign_record": b_rec, "foreign_task": b_task}


def endpoints(ids):
    """(method, path, body) of a good request to each endpoint."""
    return [
        ("POST", DONE, {"task_id": ids["task"]}),
        ("GET", f"/v1/record/{ids['record']}", None),
        ("GET", f"/v1/task/record_info/{ids['task']}/{ids['record']}", None),
        ("GET", "/v1/setting/record_level", None),
        ("GET", "/v1/tag/usable_tags", None),
    ]


# ---------------------------------------------------------------- 401

@pytest.mark.parametrize("auth", [None, "Bearer", "Bearer not-a-token", "Basic YWxwaGE6eA=="])
def test_401_without_valid_credentials(ids, auth):
    for method, path, body in endpoints(ids):
        headers = {"Authorization": auth} if auth else {}
        r = request(method, path, body=body, headers=headers)
        assert error(r, 401) == "unauthenticated"
        assert r.header("WWW-Authenticate").startswith("Bearer")
        assert ids["record"] not in r.text


def test_good_requests_answer(ids):
    for method, path, body in endpoints(ids):
        assert request(method, path, token=ids["token"], body=body).status == 200, path


# ---------------------------------------------------------------- 404

@pytest.mark.parametrize("fmt", [None, "html", "xlsx"])
def test_404_is_the_same_for_another_tenants_id_and_a_missing_one(ids, fmt):
    t = ids["token"]
    q = f"?format={fmt}" if fmt else ""

    def same(*responses):
        assert all(r.status == 404 for r in responses), [r.status for r in responses]
        assert len({r.body for r in responses}) == 1, [r.body[:200] for r in responses]
        assert len({r.header("Content-Type") for r in responses}) == 1
        if fmt != "html":
            assert error(responses[0], 404) == "not found"
        else:
            assert "404" in responses[0].text

    same(post(DONE + q, t, {"task_id": ids["foreign_task"]}), post(DONE + q, t, {"task_id": MISSING}))
    same(get(f"/v1/record/{ids['foreign_record']}{q}", t), get(f"/v1/record/{MISSING}{q}", t))
    same(get(f"/v1/task/record_info/{ids['foreign_task']}/{ids['foreign_record']}{q}", t),
         get(f"/v1/task/record_info/{ids['task']}/{ids['foreign_record']}{q}", t),
         # the caller's record, but not of that task
         get(f"/v1/task/record_info/{ids['other_task']}/{ids['record']}{q}", t),
         get(f"/v1/task/record_info/{MISSING}/{MISSING}{q}", t))


def test_404_for_unknown_paths(ids):
    t = ids["token"]
    for path in ("/v1/record", "/v1/record/", f"/v1/record/{ids['record']}/x", "/v1/task/record_info",
                 f"/v1/task/record_info/{ids['task']}", "/v1/setting/record_levels", "/v1/tag"):
        assert error(get(path, t), 404) == "not found", path


# ---------------------------------------------------------------- 405

def test_405_for_a_wrong_method(ids):
    t = ids["token"]
    r = get(DONE, t, {"task_id": ids["task"]})
    error(r, 405)
    assert r.header("Allow") == "POST"
    for method, path, _ in endpoints(ids)[1:]:
        for m in ("POST", "PUT", "DELETE"):
            r = request(m, path, token=t, body={"x": 1} if m != "DELETE" else None)
            error(r, 405)
            assert r.header("Allow") == "GET", path
    assert request("PUT", DONE, token=t, body={"task_id": ids["task"]}).status == 405


# ---------------------------------------------------------------- 413

def test_413_for_a_body_over_the_limit(ids):
    body = json.dumps({"task_id": ids["task"], "pad": "x" * 70000})
    r = post(DONE, ids["token"], body, headers={"Content-Type": "application/json"})
    assert "65536" in error(r, 413)
    # Just under the limit is fine.
    body = json.dumps({"task_id": ids["task"], "pad": "x" * 60000})
    assert post(DONE, ids["token"], body, headers={"Content-Type": "application/json"}).status == 200


# ---------------------------------------------------------------- 400

BIG = 99999999999999999999
BAD = {
    "task_id": [None, "", "abc", 123, ["00000000-0000-4000-8000-000000000001"], {"a": 1}, True,
                "1bcecc13-e873-4910-913c-d9246a89128", "1bcecc13-e873-4910-913c-d9246a89128g",
                "1bcecc13e8734910913cd9246a891280abcd", "{1bcecc13-e873-4910-913c-d9246a891280}"],
    "page": [0, -1, "abc", 1.5, "1.5", "1e3", BIG, 1e30, [1], {"a": 1}, True, "", " 1", "+1", 1000000001],
    "per_page": [0, 101, -5, "x", [15], 15.5],
    "id": ["x", 5, ["00000000-0000-4000-8000-000000000001"], "00000000-0000-4000-8000-00000000000"],
    "levels": ["x", 5, [1, 2], [[1]], [[1, 2, 3]], [[2, 1]], [["a", "b"]], [[0, 1e20]], [[0, BIG]],
               [[0, 2147483648]], [[-2147483649, 0]], {"a": 1}, [[0, None]], [[0.5, 1]], True, [[]], [[0, 100], 5]],
    "keyword": ["abc", "12a", "1" * 21, ["1"], True, {"a": 1}, -5, 1.5, " 1"],
    "bills": [[1], [2, 1], [-1, 5], "1,2", [[1, 2]], [0, 1000000001], 5, [0, "x"], {"a": 1}, [0, BIG], True],
    "rounds": [[1], [2, 1], [-1, 5], "1,2", [[1, 2]], [0, 2147483648], 5, [0, "x"], {"a": 1}, [0, 1.5]],
    "tags": ["not-a-uuid", ["x"], [1], [["00000000-0000-4000-8000-000000000001"]], {"a": 1}, True, [None],
             ["00000000-0000-4000-8000-000000000001", "y"]],
    "start_at": ["2020-13-01 00:00:00", "2020-02-30 00:00:00", "2021-02-29 00:00:00", "yesterday", 123,
                 ["2020-01-01 00:00:00"], "2020-01-01", "2020-01-01 24:00:00", True, "2020-01-01 00:00:00x",
                 "1969-12-31 23:59:59", {"a": 1}],
    "end_at": ["2020-01-01 00:60:00", "2020/01/01 00:00:00", 0, [None], "2020-01-01 00:00"],
}


@pytest.mark.parametrize("field", list(BAD))
def test_400_names_the_field_for_every_bad_value(ids, field):
    for value in BAD[field]:
        body = {"task_id": ids["task"], field: value}
        if field == "task_id" and value is None:
            body = {}       # missing (null is absent)
        r = post(DONE, ids["token"], body)
        msg = error(r, 400)
        assert msg.split()[0] == field, (value, msg)


def test_400_for_form_bodies(ids):
    t, task = ids["token"], ids["task"]
    form = {"Content-Type": "application/x-www-form-urlencoded"}
    for body, field in ((f"task_id={task}&page=x", "page"), (f"task_id={task}&levels[0][]=5&levels[0][]=1", "levels"),
                        (f"task_id={task}&levels[]=5", "levels"), (f"task_id={task}&bills[]=1", "bills"),
                        (f"task_id={task}&tags[]=nope", "tags"), (f"task_id={task}&page[]=1", "page"),
                        (f"task_id={task}&levels[x][]=1", "levels"), (f"task_id={task}&start_at=2020-01-01", "start_at"),
                        (f"task_id={task}&page=1&page=2", "page"), ("task_id=%zz", "task_id")):
        msg = error(post(DONE, t, body, headers=form), 400)
        assert msg.split()[0] == field, (body, msg)


def test_400_for_malformed_bodies(ids):
    t = ids["token"]
    js = {"Content-Type": "application/json"}
    for body in ("{", '{"task_id": }', "[1, 2]", "null", '"text"', "{} x", '{"a": 1,}', "{'a': 1}",
                 '{"a": ' * 40 + "1" + "}" * 40, b"\xff\xfe", b'{"task_id": "\xff"}'):
        msg = error(post(DONE, t, body, headers=js), 400)
        assert msg.startswith("body"), (body, msg)
    # A NUL inside a value is no UUID.
    assert error(post(DONE, t, '{"task_id": "\\u0000"}', headers=js), 400).startswith("task_id")
    msg = error(post(DONE, t, "--x\r\n", headers={"Content-Type": "multipart/form-data; boundary=x"}), 400)
    assert msg.startswith("body")


def test_unknown_fields_are_ignored(ids, db):
    r = post(DONE, ids["token"], {"task_id": ids["task"], "foo": 1, "bar": [1, {"x": None}], "PAGE": "x",
                                  "levels ": "x", "format2": "pdf"})
    assert r.status == 200
    assert r.json()["total"] == query(db, "SELECT count(*) FROM records WHERE task_id = %s", ids["task"])[0][0]
    for path in ("/v1/setting/record_level", "/v1/tag/usable_tags", f"/v1/record/{ids['record']}"):
        assert get(path, ids["token"], {"foo": "bar", "page": "x"}).status == 200


def test_400_for_path_ids_and_format(ids):
    t = ids["token"]
    for rid in ("x", "123", "00000000-0000-4000-8000-00000000000g", "%7B00000000-0000-4000-8000-000000000000%7D"):
        assert error(get(f"/v1/record/{rid}", t), 400) == "record_id must be a UUID"
        assert error(get(f"/v1/task/record_info/{rid}/{ids['record']}", t), 400) == "task_id must be a UUID"
        assert error(get(f"/v1/task/record_info/{ids['task']}/{rid}", t), 400) == "record_id must be a UUID"
    for path in ("/v1/setting/record_level", "/v1/tag/usable_tags", f"/v1/record/{ids['record']}"):
        assert error(get(path, t, {"format": "pdf"}), 400).startswith("format")
        assert error(get(path, t, raw_query="format=html&format=xlsx"), 400).startswith("format")
    assert error(post(DONE + "?format=ods", t, {"task_id": ids["task"]}), 400).startswith("format")
    # A path id cannot be overridden from the query string.
    r = get(f"/v1/record/{ids['record']}", t, {"record_id": ids["foreign_record"]})
    assert r.status == 200 and r.json()["data"]["id"] == ids["record"]
