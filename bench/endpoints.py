"""The endpoints measured by bench/bench.py: how to call each, and the statements it runs.

Each entry: name, HTTP method, path, query or JSON body, and the report's SQL
files with the parameters the program binds ($1 tenant, then the fields in the
report's declared order, then LIMIT and OFFSET for paged reports).
"""


def endpoints(ids):
    """ids: task, record, tenant ids of the benchmark tenant (from bench.py); tasks: every
    task of the tenant as a PostgreSQL array; q: the last 4 digits of a number of task."""
    task, record, q = ids["task"], ids["record"], ids["q"]
    year = ["2025-11-21 00:00:00", "2026-11-20 23:59:59", "2024-11-21 00:00:00", "2025-11-20 23:59:59"]
    return [
        {"name": "v1/task/number", "method": "GET",
         "path": f"/v1/task/number?task_id={task}&page=2&status[]=1",
         "sql": [("task_number.count.sql", [task, "{1}", None, None, None]),
                 ("task_number.sql", [task, "{1}", None, None, None, "15", "15"])]},
        {"name": "v1/task/query_done_task_phones", "method": "POST",
         "path": "/v1/task/query_done_task_phones",
         "body": {"task_id": task, "page": 2},
         "sql": [("done_phones.count.sql", [task, None, None, None, None, None, None, None, None]), ("done_phones.sql", [task, None, None, None, None, None, None, None, None, "15", "15"])]},
        {"name": "v1/record/{id}", "method": "GET", "path": f"/v1/record/{record}",
         "sql": [("record.sql", [record])]},
        {"name": "v1/task/record_info", "method": "GET",
         "path": f"/v1/task/record_info/{task}/{record}",
         "sql": [("record_info.sql", [task, record])]},
        {"name": "v1/setting/record_level", "method": "GET", "path": "/v1/setting/record_level",
         "sql": [("record_level.sql", [])]},
        {"name": "v1/tag/usable_tags", "method": "GET", "path": "/v1/tag/usable_tags",
         "sql": [("usable_tags.sql", [])]},
        # A page runs its report's statements and one of its own: the task's name
        # (page_task) or the filter form's levels and tags (records_form).
        {"name": "numbers page (HTML)", "method": "GET",
         "path": f"/v1/task/number?task_id={task}&page=2&status[]=1&format=html", "twin": "v1/task/number",
         "sql": [("task_number.count.sql", [task, "{1}", None, None, None]),
                 ("task_number.sql", [task, "{1}", None, None, None, "15", "15"]),
                 ("page_task.sql", [task])]},
        {"name": "records page (HTML)", "method": "POST",
         "path": "/v1/task/query_done_task_phones?format=html",
         "body": {"task_id": task, "page": 2},
         "twin": "v1/task/query_done_task_phones",
         "sql": [("done_phones.count.sql", [task, None, None, None, None, None, None, None, None]),
                 ("done_phones.sql", [task, None, None, None, None, None, None, None, None, "15", "15"]),
                 ("records_form.sql", [task])]},
        # Issue 17's lists: the call-back list over the year before the demo's last day and
        # every task of the tenant (no tasks[]: all of them; the year of data's 205 task ids
        # in the query string make a request line of 9 KB, which lighttpd refuses, 431), its
        # first page; the number search by last 4 digits.
        {"name": "call-back list (365 days)", "method": "GET",
         "path": "/callbacks?start_at=2025-11-21%2000:00:00&end_at=2026-11-20%2023:59:59"
                 "&format=json", "target_p99": 50,
         "sql": [("callbacks.count.sql", year + [None, None, None, None, None, "15", "0"]),
                 ("callbacks.sql", year + [None, None, None, None, None, "15", "0"])]},
        {"name": "number search (last 4 digits)", "method": "GET",
         "path": f"/search?q={q}&format=json", "target_p99": 20,
         "sql": [("search.count.sql", [q]), ("search.sql", [q, "15", "0"])]},
    ]
