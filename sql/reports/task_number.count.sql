-- task_number.count: how many numbers of the task match; no row when the task is not the caller's.
-- $1 tenant, $2 task_id, $3 status int[], $4 keyword, $5 operator int[], $6 call_history (unused;
-- every report statement takes the same parameters). The total is the last column.
SELECT $6::int AS call_history_unused,
       (SELECT count(*)
          FROM numbers n
         WHERE n.task_id = t.uuid
           AND n.user_id = $1::uuid
           AND ($3::int[] IS NULL OR n.status = ANY ($3::int[]))
           AND ($4::text IS NULL OR n.number LIKE '%' || $4::text || '%')
           AND ($5::int[] IS NULL OR n.operator = ANY ($5::int[])))
  FROM tasks t
 WHERE t.uuid = $2::uuid
   AND t.user_id = $1::uuid
