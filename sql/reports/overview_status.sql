-- overview_status: the task's numbers by each of the 13 status codes, with count and share
-- (task_status_counts for the overview). $1 tenant, $2 task uuid, $3 start_at, $4 end_at
-- (inclusive; NULL: every number, by the importer's counts). With a period, the numbers
-- with an attempt in it (as "dialled" of the start page), by their status now: the
-- numbers page with the same period and status lists exactly them.
WITH pn AS (
  SELECT DISTINCT h.number_id
    FROM call_histories h
   WHERE h.task_id = $2::uuid AND h.user_id = $1::uuid
     AND h.call_time >= $3::timestamptz
     AND h.call_time < $4::timestamptz + interval '1 second'),
c AS (
  SELECT n.status, sum(n.n) AS n
    FROM task_number_counts n
   WHERE n.task_id = $2::uuid AND n.user_id = $1::uuid AND $3::timestamptz IS NULL
   GROUP BY n.status
  UNION ALL
  SELECT n.status, count(*)
    FROM pn
    -- Each number by its key (LIMIT 1: a lookup per number, never a scan of numbers).
    CROSS JOIN LATERAL (
      SELECT n.status, n.operator, n.province_id
        FROM numbers n
       WHERE n.id = pn.number_id AND n.user_id = $1::uuid AND n.task_id = $2::uuid
       LIMIT 1) n
   GROUP BY n.status)
SELECT s.code, s.label, coalesce(c.n, 0) AS count,
       round(coalesce(c.n, 0)::numeric / greatest(1, (SELECT sum(n) FROM c)), 4) AS share
  FROM status_labels s
  LEFT JOIN c ON c.status = s.code
 ORDER BY s.code
