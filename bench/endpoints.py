"""The endpoints measured by bench/bench.py: how to call each.

Each entry: name, HTTP method, path, query or JSON body. The statements each
runs are not written here: bench.py takes them from one of the program's own
requests (bench/pgcount.py), for the ceiling to run them as they were sent.
"""


def endpoints(ids):
    """target_p99: the p99 target at 8 connections, ms (issue 21: every JSON endpoint and
    both pages under 20; issue 17: the two lists).
    ids: task, record, tenant ids of the benchmark tenant (from bench.py); tasks: every
    task of the tenant as a PostgreSQL array; q: the last 4 digits of a number of task."""
    task, record, q = ids["task"], ids["record"], ids["q"]
    return [
        {"name": "v1/task/number", "method": "GET", "target_p99": 20,
         "path": f"/v1/task/number?task_id={task}&page=2&status[]=1"},
        {"name": "v1/task/query_done_task_phones", "method": "POST", "target_p99": 20,
         "path": "/v1/task/query_done_task_phones",
         "body": {"task_id": task, "page": 2}},
        {"name": "v1/record/{id}", "method": "GET", "target_p99": 20, "path": f"/v1/record/{record}"},
        {"name": "v1/task/record_info", "method": "GET", "target_p99": 20,
         "path": f"/v1/task/record_info/{task}/{record}"},
        {"name": "v1/setting/record_level", "method": "GET", "target_p99": 20, "path": "/v1/setting/record_level"},
        {"name": "v1/tag/usable_tags", "method": "GET", "target_p99": 20, "path": "/v1/tag/usable_tags"},
        {"name": "numbers page (HTML)", "method": "GET", "target_p99": 20,
         "path": f"/v1/task/number?task_id={task}&page=2&status[]=1&format=html", "twin": "v1/task/number"},
        {"name": "records page (HTML)", "method": "POST", "target_p99": 20,
         "path": "/v1/task/query_done_task_phones?format=html",
         "body": {"task_id": task, "page": 2},
         "twin": "v1/task/query_done_task_phones"},
        # Issue 17's lists: the call-back list over the year before the demo's last day and
        # every task of the tenant (no tasks[]: all of them; the year of data's 205 task ids
        # in the query string make a request line of 9 KB, which lighttpd refuses, 431), its
        # first page; the number search by last 4 digits.
        {"name": "call-back list (365 days)", "method": "GET",
         "path": "/callbacks?start_at=2025-11-21%2000:00:00&end_at=2026-11-20%2023:59:59"
                 "&format=json", "target_p99": 50},
        {"name": "number search (last 4 digits)", "method": "GET",
         "path": f"/search?q={q}&format=json", "target_p99": 20},
    ]
