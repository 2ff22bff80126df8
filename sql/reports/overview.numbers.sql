-- overview.numbers: the task's numbers with an attempt in the period $3..$4 (dialled), and
-- those with an attempt of status 1 in it (connected), by a dimension of the number: the
-- CTE "dm" before it names it ('status': its status now; 'operator': 1..3, '' for another
-- or none; 'province': its region id, '' for none or 0). Rows (code, dialled, connected).
-- A fragment spliced into overview_status, overview_operators and overview_provinces. A
-- period of whole days is counted from rollup_numbers, each number once (its repeats in
-- the period taken off: rollup_number_repeats; sql/schema.sql), any other from the raw
-- rows. No rows without a period.
SELECT c.code, sum(c.dialled) AS dialled, sum(c.connected) AS connected
  FROM (SELECT x.code, x.dialled, x.answered AS connected
          FROM rollup_numbers x
         WHERE callreport_rollup_days($1::uuid, $3::timestamptz, $3::timestamptz,
                                      $4::timestamptz)
           AND x.task_id = $2::uuid AND x.user_id = $1::uuid
           AND x.dim = (SELECT dm.dim FROM dm)
           AND x.day >= $3::timestamptz::date AND x.day <= $4::timestamptz::date
        UNION ALL
        SELECT p.code, -CASE WHEN p.answered THEN 0 ELSE p.n END,
               -CASE WHEN p.answered THEN p.n ELSE 0 END
          FROM rollup_number_repeats p
         WHERE callreport_rollup_days($1::uuid, $3::timestamptz, $3::timestamptz,
                                      $4::timestamptz)
           AND p.task_id = $2::uuid AND p.user_id = $1::uuid
           AND p.dim = (SELECT dm.dim FROM dm)
           AND p.day >= $3::timestamptz::date AND p.day <= $4::timestamptz::date
           AND p.prev_day >= $3::timestamptz::date
        UNION ALL
        SELECT CASE (SELECT dm.dim FROM dm)
                 WHEN 'status' THEN n.status::text
                 WHEN 'operator' THEN CASE WHEN n.operator IN (1, 2, 3)
                                           THEN n.operator::text ELSE '' END
                 ELSE coalesce(nullif(n.province_id, 0)::text, '') END,
               1, CASE WHEN pn.connected THEN 1 ELSE 0 END
          FROM (SELECT h.number_id, bool_or(h.status = 1) AS connected
                  FROM call_histories h
                 WHERE NOT callreport_rollup_days($1::uuid, $3::timestamptz, $3::timestamptz,
                                                  $4::timestamptz)
                   AND h.task_id = $2::uuid AND h.user_id = $1::uuid
                   AND h.call_time >= $3::timestamptz
                   AND h.call_time < $4::timestamptz + interval '1 second'
                 GROUP BY h.number_id) pn
          -- Each number by its key (LIMIT 1: a lookup per number, never a scan of numbers).
          CROSS JOIN LATERAL (
            SELECT n.status, n.operator, n.province_id
              FROM numbers n
             WHERE n.id = pn.number_id AND n.user_id = $1::uuid AND n.task_id = $2::uuid
             LIMIT 1) n) c
 GROUP BY c.code
