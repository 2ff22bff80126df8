"""One worker's connection keeps at most DB_STMTS (128) prepared statement shapes; the next new
shape drops them all (DEALLOCATE ALL) and starts again. The statement that found the table full
was then run as a prepared statement that was never prepared ("prepared statement cr0 does not
exist": 500). Here one worker (its own lighttpd) is asked a few hundred distinct shapes of
v1/task/number (each combination of its optional filters, in two orders: a shape is the text
and which parameters are NULL, for the count and the page), and every answer is right."""
import itertools

from conftest import query
from security_lib import Client, Instance, worker_pids

PORT = 18119
FILTERS = [("status[]", "1"), ("keyword", "1"), ("type[]", "yd"), ("call_history", "1"),
           ("start_at", "2020-01-01 00:00:00"), ("end_at", "2030-01-01 00:00:00")]


def test_more_shapes_than_a_connection_keeps(data, db):
    a = data["alpha"]
    task = a["tasks"][0]
    total = query(db, "SELECT count(*) FROM numbers WHERE task_id = %s", task)[0][0]
    with Instance(PORT, workers=1, max_requests=0) as inst:
        c = Client(inst.base)
        pids = worker_pids(PORT)
        assert len(pids) == 1, pids
        asked = 0
        for sort in ("id", "status"):
            for k in range(len(FILTERS) + 1):
                for combo in itertools.combinations(FILTERS, k):
                    params = dict(combo, task_id=task, sort=sort, dir="desc", per_page="1")
                    r = c.request("GET", "/v1/task/number", token=a["token"], params=params)
                    assert r.status == 200, (params, r.body[:200])
                    body = r.json()
                    assert body["code"] == 200
                    if not combo:
                        assert body["data"]["total"] == total
                    asked += 1
        # 2 orders x 64 combinations x (count + page): more than the 128 a connection keeps.
        assert asked == 128
        assert worker_pids(PORT) == pids, "the worker was replaced: its statements were not reused"
        c.close()
