-- compare: two to six tasks side by side over one period (GET /compare): the start
-- page's figures of each task (start.rows.sql, with the previous period and the
-- marks), its call records by level and its call attempts by status in the period,
-- in the order the tasks were given. $1 tenant, $2 start_at, $3 end_at,
-- $4 prev_start_at, $5 prev_end_at, $6 the tasks (2 to 6 different uuids).
-- No row when one of them is not the caller's: the engine answers 404 (scoped), as
-- for a task that does not exist.
--
-- levels: every level of the tenant (by name) with the task's records of that level
-- in the period and their share of its calls; statuses: the 13 statuses with the
-- task's call attempts of that result in the period. levels_text, statuses_text: the
-- same for a workbook cell; dist: both as one JSON object, for the page's table.
WITH c AS (
  -- @include start.rows
),
lv AS (
  SELECT c.task_id,
         json_agg(json_build_object('level', l.name, 'count', coalesce(n.n, 0),
                  'rate', round(100.0 * coalesce(n.n, 0) / nullif(c.calls, 0), 1))
                  ORDER BY l.name, l.id) AS levels,
         string_agg(l.name || ' ' || coalesce(n.n, 0), '；' ORDER BY l.name, l.id)
           AS levels_text
    FROM c
    JOIN levels l ON l.user_id = $1::uuid
    -- Whole days: the rollups (rollup_counts; sql/schema.sql), else the raw rows.
    CROSS JOIN LATERAL (
      SELECT CASE WHEN callreport_rollup_days($1::uuid, $2::timestamptz, $2::timestamptz,
                                              $3::timestamptz)
             THEN (SELECT coalesce(sum(x.n), 0)
                     FROM rollup_counts x
                    WHERE x.task_id = c.task_id AND x.user_id = $1::uuid
                      AND x.dim = 'level' AND x.code = l.id::text
                      AND x.day >= $2::timestamptz::date
                      AND x.day <= $3::timestamptz::date)
             ELSE (SELECT count(*)
                     FROM records r
                    WHERE r.user_id = $1::uuid AND r.task_id = c.task_id AND r.level_id = l.id
                      AND r.calldate >= $2::timestamptz
                      AND r.calldate < $3::timestamptz + interval '1 second') END AS n
      -- (OFFSET 0: n is computed once; pulled up into the query above, the subquery was
      -- run for each of its three uses.)
      OFFSET 0) n
   WHERE NOT c.is_total
   GROUP BY c.task_id),
st AS (
  SELECT c.task_id,
         json_agg(json_build_object('status', s.code, 'label', s.label,
                  'count', coalesce(n.n, 0)) ORDER BY s.code) AS statuses,
         string_agg(s.label || ' ' || n.n, '；' ORDER BY s.code)
           FILTER (WHERE n.n > 0) AS statuses_text
    FROM c
    CROSS JOIN status_labels s
    LEFT JOIN (
      SELECT x.task_id, x.code::smallint AS status, sum(x.n) AS n
        FROM rollup_counts x
       WHERE callreport_rollup_days($1::uuid, $2::timestamptz, $2::timestamptz,
                                    $3::timestamptz)
         AND x.task_id = ANY ($6::uuid[]) AND x.user_id = $1::uuid AND x.dim = 'status'
         AND x.day >= $2::timestamptz::date
         AND x.day <= $3::timestamptz::date
       GROUP BY 1, 2
      UNION ALL
      SELECT h.task_id, h.status, count(*) AS n
        FROM call_histories h
       WHERE NOT callreport_rollup_days($1::uuid, $2::timestamptz, $2::timestamptz,
                                        $3::timestamptz)
         AND h.user_id = $1::uuid AND h.task_id = ANY ($6::uuid[])
         AND h.call_time >= $2::timestamptz
         AND h.call_time < $3::timestamptz + interval '1 second'
       GROUP BY 1, 2) n ON n.task_id = c.task_id AND n.status = s.code
   WHERE NOT c.is_total
   GROUP BY c.task_id)
SELECT c.task_id, c.name, c.dialled, c.answered, c.connect_rate, c.prev_connect_rate,
       c.connect_rate_change, c.calls, c.prev_calls, c.calls_change, c.a_count, c.a_rate,
       c.b_count, c.b_rate, c.avg_bill, c.connect_rate_mark, c.calls_mark, c.a_rate_mark,
       c.b_rate_mark, c.avg_bill_mark, c.start_at, c.end_at, c.prev_start_at,
       c.prev_end_at, c.connect_rate_vs, c.calls_vs,
       coalesce(lv.levels, '[]') AS levels, st.statuses,
       lv.levels_text, st.statuses_text,
       json_build_object('levels', coalesce(lv.levels, '[]'), 'statuses', st.statuses)::text
         AS dist
  FROM c
  LEFT JOIN lv ON lv.task_id = c.task_id
  LEFT JOIN st ON st.task_id = c.task_id
 WHERE NOT c.is_total
   AND (SELECT count(*) FROM tasks t
         WHERE t.user_id = $1::uuid AND t.uuid = ANY ($6::uuid[]))
       = cardinality($6::uuid[])
 ORDER BY array_position($6::uuid[], c.task_id)
