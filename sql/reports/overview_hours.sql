-- overview_hours: the task's call attempts by hour of day in the deployment's zone, and how
-- many were answered (status 1). $1 tenant, $2 task uuid, $3 start_at, $4 end_at
-- (inclusive; NULL: the whole life). Columns: hour (0-23), label, count (attempts),
-- connected, rate (connected / attempts, %; NULL without attempts), base (every attempt).
-- A period of whole days, and the whole life, are counted from the rollups (rollup_hours;
-- sql/schema.sql).
WITH c AS (
  SELECT extract(hour FROM x.hour)::int AS hour,
         sum(x.attempts) AS n,
         sum(x.connected) AS connected
    FROM rollup_hours x
   WHERE callreport_rollup_span($1::uuid, $3::timestamptz, $4::timestamptz)
     AND x.task_id = $2::uuid AND x.user_id = $1::uuid
     AND x.hour >= CASE WHEN $3::timestamptz IS NULL THEN '-infinity'::timestamptz
                                 ELSE $3::timestamptz END
     AND x.hour < CASE WHEN $4::timestamptz IS NULL THEN 'infinity'::timestamptz
                                ELSE $4::timestamptz + interval '1 second' END
   GROUP BY 1
  HAVING sum(x.attempts) > 0
  UNION ALL
  SELECT extract(hour FROM h.call_time)::int AS hour,
         count(*) AS n,
         count(*) FILTER (WHERE h.status = 1) AS connected
    FROM call_histories h
   WHERE NOT callreport_rollup_span($1::uuid, $3::timestamptz, $4::timestamptz)
     AND h.task_id = $2::uuid AND h.user_id = $1::uuid
     AND ($3::timestamptz IS NULL OR h.call_time >= $3::timestamptz)
     AND ($4::timestamptz IS NULL OR h.call_time < $4::timestamptz + interval '1 second')
   GROUP BY 1)
SELECT g.h AS hour,
       lpad(g.h::text, 2, '0') || ':00' AS label,
       coalesce(c.n, 0) AS count,
       coalesce(c.connected, 0) AS connected,
       round(100.0 * c.connected / nullif(c.n, 0), 1) AS rate,
       sum(coalesce(c.n, 0)) OVER () AS base
  FROM generate_series(0, 23) AS g(h)
  LEFT JOIN c ON c.hour = g.h
 ORDER BY g.h
