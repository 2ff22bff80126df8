-- task_attempts.count: the rows of task_attempts (a number's attempts, or one row for a
-- number never called); no row when the task is not the caller's. Parameters as
-- task_attempts.sql. The total is the last column.
SELECT $6::int AS call_history_unused,
       (SELECT count(*)
          FROM numbers n
          LEFT JOIN call_histories h ON h.number_id = n.id AND h.user_id = $1::uuid
         WHERE n.task_id = t.uuid
           AND n.user_id = $1::uuid
           AND ($3::int[] IS NULL OR n.status = ANY ($3::int[]))
           AND ($4::text IS NULL OR n.number LIKE '%' || $4::text || '%')
           AND ($5::int[] IS NULL OR n.operator = ANY ($5::int[])))
  FROM tasks t
 WHERE t.uuid = $2::uuid
   AND t.user_id = $1::uuid
