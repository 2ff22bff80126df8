-- task_attempts.count: the rows of task_attempts (a number's attempts, or one row for a
-- number never called); no row when the task is not the caller's. Parameters as
-- task_attempts.sql. The total is the last column.
SELECT $6::int AS call_history_unused,
       (SELECT count(*)
          FROM numbers n
          LEFT JOIN call_histories h ON h.number_id = n.id AND h.user_id = $1::uuid
               -- (Bounds, as in task_number.where: an index on the time serves either plan.)
               AND h.call_time >= CASE WHEN $8::timestamptz IS NULL THEN '-infinity'::timestamptz
                                       ELSE $8::timestamptz END
               AND h.call_time < CASE WHEN $9::timestamptz IS NULL THEN 'infinity'::timestamptz
                                      ELSE $9::timestamptz + interval '1 second' END
               AND ($10::int IS NULL OR extract(hour FROM h.call_time) = $10::int)
         WHERE n.task_id = t.uuid
           AND n.user_id = $1::uuid
           -- @include task_number.where
         )
  FROM tasks t
 WHERE t.uuid = $2::uuid
   AND t.user_id = $1::uuid
