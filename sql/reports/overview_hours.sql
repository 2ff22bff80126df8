-- overview_hours: the task's call attempts by hour of day in the deployment's zone, and how
-- many were answered (status 1). $1 tenant, $2 task uuid.
-- Columns: hour (0-23), label, count (attempts), connected, base (every attempt).
WITH c AS (
  SELECT extract(hour FROM h.call_time)::int AS hour,
         count(*) AS n,
         count(*) FILTER (WHERE h.status = 1) AS connected
    FROM call_histories h
   WHERE h.task_id = $2::uuid AND h.user_id = $1::uuid
   GROUP BY 1)
SELECT g.h AS hour,
       lpad(g.h::text, 2, '0') || ':00' AS label,
       coalesce(c.n, 0) AS count,
       coalesce(c.connected, 0) AS connected,
       sum(coalesce(c.n, 0)) OVER () AS base
  FROM generate_series(0, 23) AS g(h)
  LEFT JOIN c ON c.hour = g.h
 ORDER BY g.h
