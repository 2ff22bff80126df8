-- callbacks.numbers: the numbers of the call-back list (意向客户), one row per number
-- (records.callee) with its best rank, last call and count of calls, written once and
-- spliced by scripts/embed-sql.sh into the page (callbacks.sql) and its total
-- (callbacks.count.sql), so that the two cannot count different numbers: the CTE "n",
-- after the CTE "lr" (callbacks.ranks.sql).
-- $1 tenant, $2 start_at, $3 end_at, $4 prev_start_at, $5 prev_end_at, $6 levels,
-- $7 tags, $8 tasks, $9 operator, $10 province (callbacks.sql says what each means).
--
-- The calls: the tenant's call records whose calldate is in [$2, $3] (whole seconds), of
-- the tasks $8 (every task: NULL), of the operators $9 and provinces $10 (a number's
-- operator and province are its own: every call of it has them). Read from the index
-- records_user_callee in the order of the numbers, which carries every column used here:
-- an index-only scan grouped as it goes (no sort, no hash table of every number). The
-- period is a range that contains calldate ([$2, $3 + 1 s), the same calls as calldate >=
-- $2 AND calldate < $3 + 1 s), which no index takes: a generic plan, which guesses a
-- period short, would otherwise read records_user_calldate and sort the year's calls.
-- A call's rank is its level's place among the tenant's levels (lr, callbacks.ranks.sql:
-- 1 the best), its position in the array of their ids (one InitPlan, not a join, which
-- would lose the index's order); a call without a level ranks after every level.
-- Per number: best_rank the smallest rank, last_call its newest calldate, calls how many.
-- Then the filters of the number: its best level among the levels $6 chose (a level is
-- chosen when its score range [score_min, score_max] lies within one of the intervals),
-- one of its calls of the period tagged with one of the tags $7.
SELECT c.callee,
       min(coalesce(array_position((SELECT array_agg(lr.id ORDER BY lr.rank) FROM lr),
                                   c.level_id), 2147483647)) AS best_rank,
       max(c.calldate) AS last_call,
       count(*) AS calls
  FROM records c
 WHERE c.user_id = $1::uuid
   AND tstzrange($2::timestamptz, $3::timestamptz + interval '1 second') @> c.calldate
   AND ($8::uuid[] IS NULL OR c.task_id = ANY ($8::uuid[]))
   AND ($9::int[] IS NULL OR c.operator = ANY ($9::int[]))
   AND ($10::int[] IS NULL OR c.province_id = ANY ($10::int[]))
   -- (always true: it gives $4 and $5, unused, their type for the prepared statement)
   AND ($4::timestamptz IS NULL OR $5::timestamptz IS NULL OR true)
 GROUP BY c.callee
HAVING ($6::int[] IS NULL OR min(coalesce(array_position(
           (SELECT array_agg(lr.id ORDER BY lr.rank) FROM lr), c.level_id), 2147483647)) IN (
         SELECT lr.rank
           FROM lr
          WHERE EXISTS (SELECT FROM generate_subscripts($6::int[], 1) AS i
                         WHERE lr.score_min >= ($6::int[])[i][1]
                           AND lr.score_max <= ($6::int[])[i][2])))
   AND ($7::uuid[] IS NULL OR c.callee IN (
         SELECT t.callee
           FROM record_tags rt
           JOIN records t ON t.id = rt.record_id AND t.user_id = $1::uuid
          WHERE rt.tag_id = ANY ($7::uuid[])
            AND rt.user_id = $1::uuid
            AND t.calldate >= $2::timestamptz
            AND t.calldate < $3::timestamptz + interval '1 second'
            AND ($8::uuid[] IS NULL OR t.task_id = ANY ($8::uuid[]))))
