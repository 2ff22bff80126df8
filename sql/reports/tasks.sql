-- tasks: one page of the tenant's tasks, newest first, with progress and connect rate.
-- $1 tenant, $2 limit, $3 offset
SELECT t.uuid, t.name, g.name AS group_str,
       callreport_label('task_start', t.start::text) AS start_str,
       callreport_ts(t.create_datetime) AS create_datetime,
       c.total, c.dialled,
       round(100.0 * c.dialled / greatest(c.total, 1), 1) AS progress,
       c.connected,
       round(100.0 * c.connected / greatest(c.dialled, 1), 1) AS connect_rate,
       (SELECT count(*) FROM records r
         WHERE r.task_id = t.uuid AND r.user_id = $1::uuid) AS records
  FROM tasks t
  LEFT JOIN groups g ON g.id = t.group_id AND g.user_id = $1::uuid
  CROSS JOIN LATERAL (
    SELECT coalesce(sum(n.n), 0) AS total,
           coalesce(sum(n.n) FILTER (WHERE n.status <> 0), 0) AS dialled,
           coalesce(sum(n.n) FILTER (WHERE n.status = 1), 0) AS connected
      FROM task_number_counts n
     WHERE n.task_id = t.uuid AND n.user_id = $1::uuid) c
 WHERE t.user_id = $1::uuid
 ORDER BY t.create_datetime DESC NULLS LAST, t.uuid
 LIMIT $2::bigint OFFSET $3::bigint
