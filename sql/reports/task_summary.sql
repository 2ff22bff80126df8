-- task_summary: a task's name and headline figures. $1 tenant, $2 task uuid.
SELECT t.name,
       (SELECT count(*) FROM numbers n WHERE n.task_id = t.uuid AND n.user_id = $1::uuid) AS numbers,
       (SELECT count(*) FROM numbers n WHERE n.task_id = t.uuid AND n.user_id = $1::uuid
           AND n.status <> 0) AS dialled,
       (SELECT count(*) FROM numbers n WHERE n.task_id = t.uuid AND n.user_id = $1::uuid
           AND n.status = 1) AS connected
  FROM tasks t
 WHERE t.uuid = $2::uuid AND t.user_id = $1::uuid
