-- overview_status: the task's numbers by each of the 13 status codes, with count and share
-- (task_status_counts for the overview). $1 tenant, $2 task uuid, $3 start_at, $4 end_at
-- (inclusive; NULL: every number, by the importer's counts). With a period, the numbers
-- with an attempt in it (as "dialled" of the start page), by their status now: the
-- numbers page with the same period and status lists exactly them (overview.numbers.sql:
-- from the rollups for whole days).
WITH dm AS (SELECT 'status'::text AS dim),
pn AS (
  -- @include overview.numbers
),
c AS (
  SELECT n.status, sum(n.n) AS n
    FROM task_number_counts n
   WHERE n.task_id = $2::uuid AND n.user_id = $1::uuid AND $3::timestamptz IS NULL
   GROUP BY n.status
  UNION ALL
  SELECT pn.code::smallint, pn.dialled
    FROM pn)
SELECT s.code, s.label, coalesce(c.n, 0) AS count,
       round(coalesce(c.n, 0)::numeric / greatest(1, (SELECT sum(n) FROM c)), 4) AS share
  FROM status_labels s
  LEFT JOIN c ON c.status = s.code
 ORDER BY s.code
