-- task_number.count: how many numbers of the task match; no row when the task is not the caller's.
-- $1 tenant, $2 task_id, $3 status int[], $4 keyword, $5 operator int[], $6 call_history (unused;
-- every report statement takes the same parameters), $7 province, $8 start_at, $9 end_at, $10 hour,
-- $11 none.
-- The total is the last column.
-- Without a keyword, a province, a period, an hour or none the total is a sum over task_number_counts (at most 13 x 4 rows,
-- kept by the importer) instead of a count over up to millions of numbers.
SELECT $6::int AS call_history_unused,
       CASE WHEN $4::text IS NULL AND $7::int IS NULL AND $8::timestamptz IS NULL
                 AND $9::timestamptz IS NULL AND $10::int IS NULL AND $11::text[] IS NULL THEN (
         SELECT coalesce(sum(c.n), 0)
           FROM task_number_counts c
          WHERE c.task_id = t.uuid
            AND c.user_id = $1::uuid
            AND ($3::int[] IS NULL OR c.status = ANY ($3::int[]))
            AND ($5::int[] IS NULL OR c.operator = ANY ($5::int[])))
       ELSE (
         SELECT count(*)
           FROM numbers n
          WHERE n.task_id = t.uuid
            AND n.user_id = $1::uuid
            -- @include task_number.where
         )
       END
  FROM tasks t
 WHERE t.uuid = $2::uuid
   AND t.user_id = $1::uuid
