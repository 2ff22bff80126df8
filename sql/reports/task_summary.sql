-- task_summary: a task's name and headline figures. $1 tenant, $2 task uuid.
SELECT t.name,
       coalesce(sum(c.n), 0) AS numbers,
       coalesce(sum(c.n) FILTER (WHERE c.status <> 0), 0) AS dialled,
       coalesce(sum(c.n) FILTER (WHERE c.status = 1), 0) AS connected
  FROM tasks t
  LEFT JOIN task_number_counts c ON c.task_id = t.uuid AND c.user_id = $1::uuid
 WHERE t.uuid = $2::uuid AND t.user_id = $1::uuid
 GROUP BY t.uuid, t.name
