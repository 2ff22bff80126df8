-- task_status_counts: every one of the 13 status codes with its count and share.
-- $1 tenant, $2 task uuid.
WITH c AS (
  SELECT n.status, sum(n.n) AS n
    FROM task_number_counts n
   WHERE n.task_id = $2::uuid AND n.user_id = $1::uuid
   GROUP BY n.status)
SELECT s.code, s.label, coalesce(c.n, 0) AS count,
       round(coalesce(c.n, 0)::numeric / greatest(1, (SELECT sum(n) FROM c)), 4) AS share
  FROM status_labels s
  LEFT JOIN c ON c.status = s.code
 ORDER BY s.code
