-- tasks: one page of the tenant's tasks, newest first, with progress and connect rate.
-- $1 tenant, $2 start_at, $3 end_at (a period: NULL for the task's whole life),
-- $4 prev_start_at, $5 prev_end_at (unused: the page shows no comparison yet),
-- $6 limit, $7 offset
--
-- Without a period the numbers come from task_number_counts (kept by the importer: a
-- number's latest status); with one, from the task's attempts in the period
-- (call_histories_task): dialled = numbers with an attempt in it, connected = numbers
-- with one of status 1, as on the start page; records are those whose calldate is in it.
SELECT t.uuid, t.name, g.name AS group_str,
       callreport_label('task_start', t.start::text) AS start_str,
       callreport_ts(t.create_datetime) AS create_datetime,
       c.total, c.dialled,
       round(100.0 * c.dialled / greatest(c.total, 1), 1) AS progress,
       c.connected,
       round(100.0 * c.connected / greatest(c.dialled, 1), 1) AS connect_rate,
       (SELECT count(*) FROM records r
         WHERE r.task_id = t.uuid AND r.user_id = $1::uuid
           AND ($2::timestamptz IS NULL OR r.calldate >= $2::timestamptz)
           AND ($3::timestamptz IS NULL
                OR r.calldate < $3::timestamptz + interval '1 second')) AS records
  FROM tasks t
  LEFT JOIN groups g ON g.id = t.group_id AND g.user_id = $1::uuid
  CROSS JOIN LATERAL (
    SELECT coalesce(sum(n.n), 0) AS total,
           coalesce(sum(n.n) FILTER (WHERE n.status <> 0), 0) AS dialled,
           coalesce(sum(n.n) FILTER (WHERE n.status = 1), 0) AS connected
      FROM task_number_counts n
     WHERE n.task_id = t.uuid AND n.user_id = $1::uuid
    HAVING $2::timestamptz IS NULL
    UNION ALL
    SELECT (SELECT coalesce(sum(n.n), 0) FROM task_number_counts n
             WHERE n.task_id = t.uuid AND n.user_id = $1::uuid),
           count(DISTINCT h.number_id),
           count(DISTINCT h.number_id) FILTER (WHERE h.status = 1)
      FROM call_histories h
     WHERE h.task_id = t.uuid AND h.user_id = $1::uuid
       AND h.call_time >= $2::timestamptz
       AND h.call_time < $3::timestamptz + interval '1 second'
    HAVING $2::timestamptz IS NOT NULL) c
 WHERE t.user_id = $1::uuid
   -- (always true: it gives $4 and $5, unused, their type for the prepared statement)
   AND ($4::timestamptz IS NULL OR $5::timestamptz IS NULL OR true)
 ORDER BY t.create_datetime DESC NULLS LAST, t.uuid
 LIMIT $6::bigint OFFSET $7::bigint
