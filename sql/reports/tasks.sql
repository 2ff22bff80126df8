-- tasks: one page of the tenant's tasks, newest first, with progress and connect rate.
-- $1 tenant, $2 start_at, $3 end_at (a period: NULL for the task's whole life),
-- $4 prev_start_at, $5 prev_end_at (unused: the page shows no comparison yet),
-- $6 limit, $7 offset
--
-- Without a period the numbers come from task_number_counts (kept by the importer: a
-- number's latest status) and the records from task_record_counts; with one, from the
-- task's attempts in the period: dialled = numbers with an attempt in it, connected =
-- numbers with one of status 1, as on the start page; records are those whose calldate is
-- in it. A period of whole days is counted from the rollups (rollup_numbers by status, each
-- number once: rollup_number_repeats; rollup_days; sql/schema.sql), any other from the raw
-- rows (call_histories_task, records_task_calldate).
SELECT t.uuid, t.name, g.name AS group_str,
       callreport_label('task_start', t.start::text) AS start_str,
       callreport_ts(t.create_datetime) AS create_datetime,
       c.total, c.dialled,
       round(100.0 * c.dialled / greatest(c.total, 1), 1) AS progress,
       c.connected,
       round(100.0 * c.connected / greatest(c.dialled, 1), 1) AS connect_rate,
       CASE WHEN $2::timestamptz IS NULL THEN
              coalesce((SELECT x.n FROM task_record_counts x
                         WHERE x.task_id = t.uuid AND x.user_id = $1::uuid), 0)
            WHEN callreport_rollup_days($1::uuid, $2::timestamptz, $2::timestamptz,
                                        $3::timestamptz) THEN
              (SELECT coalesce(sum(d.calls), 0) FROM rollup_days d
                WHERE d.task_id = t.uuid AND d.user_id = $1::uuid
                  AND d.day >= $2::timestamptz::date AND d.day <= $3::timestamptz::date)
            ELSE (SELECT count(*) FROM records r
                   WHERE r.task_id = t.uuid AND r.user_id = $1::uuid
                     AND r.calldate >= $2::timestamptz
                     AND r.calldate < $3::timestamptz + interval '1 second') END AS records
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
           (SELECT coalesce(sum(x.dialled), 0) FROM rollup_numbers x
             WHERE x.task_id = t.uuid AND x.user_id = $1::uuid AND x.dim = 'status'
               AND x.day >= $2::timestamptz::date AND x.day <= $3::timestamptz::date)
         - (SELECT coalesce(sum(p.n), 0) FROM rollup_number_repeats p
             WHERE p.task_id = t.uuid AND p.user_id = $1::uuid AND p.dim = 'status'
               AND p.day >= $2::timestamptz::date AND p.day <= $3::timestamptz::date
               AND NOT p.answered AND p.prev_day >= $2::timestamptz::date),
           (SELECT coalesce(sum(x.answered), 0) FROM rollup_numbers x
             WHERE x.task_id = t.uuid AND x.user_id = $1::uuid AND x.dim = 'status'
               AND x.day >= $2::timestamptz::date AND x.day <= $3::timestamptz::date)
         - (SELECT coalesce(sum(p.n), 0) FROM rollup_number_repeats p
             WHERE p.task_id = t.uuid AND p.user_id = $1::uuid AND p.dim = 'status'
               AND p.day >= $2::timestamptz::date AND p.day <= $3::timestamptz::date
               AND p.answered AND p.prev_day >= $2::timestamptz::date)
     WHERE callreport_rollup_days($1::uuid, $2::timestamptz, $2::timestamptz, $3::timestamptz)
    UNION ALL
    SELECT (SELECT coalesce(sum(n.n), 0) FROM task_number_counts n
             WHERE n.task_id = t.uuid AND n.user_id = $1::uuid),
           count(DISTINCT h.number_id),
           count(DISTINCT h.number_id) FILTER (WHERE h.status = 1)
      FROM call_histories h
     -- (the gate in WHERE too: a one-time filter, so that no attempt is read for nothing)
     WHERE NOT callreport_rollup_days($1::uuid, $2::timestamptz, $2::timestamptz,
                                      $3::timestamptz)
       AND h.task_id = t.uuid AND h.user_id = $1::uuid
       AND h.call_time >= $2::timestamptz
       AND h.call_time < $3::timestamptz + interval '1 second'
    HAVING $2::timestamptz IS NOT NULL
       AND NOT callreport_rollup_days($1::uuid, $2::timestamptz, $2::timestamptz,
                                      $3::timestamptz)) c
 WHERE t.user_id = $1::uuid
   -- (always true: it gives $4 and $5, unused, their type for the prepared statement)
   AND ($4::timestamptz IS NULL OR $5::timestamptz IS NULL OR true)
 ORDER BY t.create_datetime DESC NULLS LAST, t.uuid
 LIMIT $6::bigint OFFSET $7::bigint
