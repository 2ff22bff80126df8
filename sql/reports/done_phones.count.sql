-- done_phones.count: how many call records of the task match; no row when the task is not
-- the caller's. Parameters and filters as done_phones.sql ($1..$10). The total is the last column.
-- Without any filter the total is the task's row of task_record_counts (kept by
-- the importer) instead of a count over up to hundreds of thousands of records.
SELECT CASE WHEN num_nulls($3::uuid, $4::int[], $5::text, $6::bigint[], $7::int[], $8::uuid[],
                 $9::timestamptz, $10::timestamptz) = 8 THEN (
         SELECT coalesce(sum(c.n), 0) FROM task_record_counts c
          WHERE c.task_id = t.uuid AND c.user_id = $1::uuid)
       ELSE (SELECT count(*)
          FROM records r
         WHERE r.task_id = t.uuid
           AND r.user_id = $1::uuid
           AND ($3::uuid IS NULL OR r.id = $3::uuid)
           AND ($4::int[] IS NULL OR EXISTS (
                 SELECT FROM generate_subscripts($4::int[], 1) AS i
                  WHERE r.score BETWEEN ($4::int[])[i][1] AND ($4::int[])[i][2]))
           AND ($5::text IS NULL OR r.callee LIKE '%' || $5::text || '%')
           AND ($6::bigint[] IS NULL OR r.bill BETWEEN ($6::bigint[])[1] * 1000
                                                   AND ($6::bigint[])[2] * 1000 + 999)
           AND ($7::int[] IS NULL OR r.rounds BETWEEN ($7::int[])[1] AND ($7::int[])[2])
           AND ($8::uuid[] IS NULL OR EXISTS (
                 SELECT FROM record_tags rt
                  WHERE rt.record_id = r.id AND rt.user_id = $1::uuid
                    AND rt.tag_id = ANY ($8::uuid[])))
           AND ($9::timestamptz IS NULL OR r.calldate >= $9::timestamptz)
           AND ($10::timestamptz IS NULL OR r.calldate < $10::timestamptz + interval '1 second'))
       END
  FROM tasks t
 WHERE t.uuid = $2::uuid
   AND t.user_id = $1::uuid
