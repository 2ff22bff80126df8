-- done_phones.count: how many call records of the task match; no row when the task is not
-- the caller's. Parameters as done_phones.sql ($1..$16), filters done_phones.where.sql.
-- The total is the last column.
-- Without any filter the total is the task's row of task_record_counts (kept by
-- the importer) instead of a count over up to hundreds of thousands of records.
SELECT CASE WHEN num_nulls($3::uuid, $4::int[], $5::text, $6::bigint[], $7::int[], $8::uuid[],
                 $9::timestamptz, $10::timestamptz, $11::text, $12::uuid[], $13::int[],
                 $14::int[], $15::text[], $16::text) = 14 THEN (
         SELECT coalesce(sum(c.n), 0) FROM task_record_counts c
          WHERE c.task_id = t.uuid AND c.user_id = $1::uuid)
       ELSE (SELECT count(*)
          FROM records r
         WHERE r.task_id = t.uuid
           AND r.user_id = $1::uuid
           -- @include done_phones.where
         )
       END
  FROM tasks t
 WHERE t.uuid = $2::uuid
   AND t.user_id = $1::uuid
