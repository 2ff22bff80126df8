-- task_level_counts: the task's call records per level, A to D. $1 tenant, $2 task uuid.
SELECT l.name || '(' || l.alias || ')' AS level_name,
       (SELECT count(*) FROM records r
         WHERE r.task_id = $2::uuid AND r.user_id = $1::uuid AND r.level_id = l.id) AS count
  FROM levels l
 WHERE l.user_id = $1::uuid
 ORDER BY l.name
