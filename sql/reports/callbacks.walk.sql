-- callbacks.walk: the first numbers of the call-back list in its order, found without
-- grouping every call of the period (callbacks.numbers.sql): the CTE "w" of callbacks.sql,
-- after "lr" (callbacks.ranks.sql) and "h" (the walk's horizon: h.at, the calldate of the
-- WALK_BUDGET-th newest call of the period, or NULL when the period has no more calls).
-- The same columns as callbacks.numbers (callee, best_rank, last_call, calls), the same
-- numbers in the same order (best_rank, last_call DESC, callee), at most $11 + $12 of them
-- (the page and the rows before it); callbacks.sql says when they are the list's first.
-- $1..$12 as callbacks.sql.
--
-- For each rank the list may show, best first (a Nested Loop over the ranks in order: the
-- rows come rank by rank, and the LIMIT stops the walk as soon as the page is full): the
-- tenant's calls of the period newest first (records_user_calldate, backward), those
-- of the tasks $8, operators $9 and provinces $10; a call is its number's row when it is
-- the number's last call of the period under the same filters (no call of the number after
-- it: calldate, then id) and the number's best rank is this rank (one probe of the
-- number's calls of the period by records_user_callee gives both, and the count of its
-- calls), and, with tags $7, one of the number's calls of the period (of the tasks $8) is
-- tagged with one of them: the conditions of callbacks.numbers, call by call. A number's
-- last call is its row's last_call, so the walk's order is the list's (the number breaks a
-- tie of time).
--
-- The walk reads the calls from h.at on only: the numbers whose last call is at h.at or
-- later, a prefix of each rank's rows. With h.at NULL that is every call of the period and
-- the walk is the list's head, rank after rank; otherwise only the first rank is walked,
-- and its rows are the list's head only when there are $11 + $12 of them (callbacks.sql
-- checks). Past $11 + $12 = 1000 rows, or for the whole selection ($11 NULL), no walk.
SELECT x.callee, k.rank AS best_rank, x.last_call, x.calls
  FROM h
 CROSS JOIN (SELECT k.rank, row_number() OVER (ORDER BY k.rank) AS i
               FROM (SELECT lr.rank
                       FROM lr
                      WHERE $6::int[] IS NULL
                         OR EXISTS (SELECT FROM generate_subscripts($6::int[], 1) AS i
                                     WHERE lr.score_min >= ($6::int[])[i][1]
                                       AND lr.score_max <= ($6::int[])[i][2])
                     UNION ALL
                     SELECT 2147483647 WHERE $6::int[] IS NULL) k) k
 CROSS JOIN LATERAL (
        SELECT r.callee, r.calldate AS last_call, a.calls
          FROM records r
         CROSS JOIN LATERAL (
               SELECT min(coalesce(array_position(
                          (SELECT array_agg(lr.id ORDER BY lr.rank) FROM lr), c.level_id),
                          2147483647)) AS best_rank,
                      count(*) AS calls,
                      bool_and(c.calldate < r.calldate
                               OR (c.calldate = r.calldate AND c.id <= r.id)) AS last
                 FROM records c
                WHERE c.user_id = $1::uuid
                  AND c.callee = r.callee
                  AND c.calldate >= $2::timestamptz
                  AND c.calldate < $3::timestamptz + interval '1 second'
                  AND ($8::uuid[] IS NULL OR c.task_id = ANY ($8::uuid[]))
                  AND ($9::int[] IS NULL OR c.operator = ANY ($9::int[]))
                  AND ($10::int[] IS NULL OR c.province_id = ANY ($10::int[]))) a
         WHERE r.user_id = $1::uuid
           AND r.calldate >= greatest($2::timestamptz, h.at)
           AND r.calldate < $3::timestamptz + interval '1 second'
           AND ($8::uuid[] IS NULL OR r.task_id = ANY ($8::uuid[]))
           AND ($9::int[] IS NULL OR r.operator = ANY ($9::int[]))
           AND ($10::int[] IS NULL OR r.province_id = ANY ($10::int[]))
           AND a.last
           AND a.best_rank = k.rank
           AND ($7::uuid[] IS NULL OR EXISTS (
                 SELECT FROM records t
                   JOIN record_tags rt ON rt.record_id = t.id AND rt.user_id = $1::uuid
                  WHERE t.user_id = $1::uuid
                    AND t.callee = r.callee
                    AND t.calldate >= $2::timestamptz
                    AND t.calldate < $3::timestamptz + interval '1 second'
                    AND ($8::uuid[] IS NULL OR t.task_id = ANY ($8::uuid[]))
                    AND rt.tag_id = ANY ($7::uuid[])))
         ORDER BY r.calldate DESC, r.callee
         LIMIT $11::bigint + $12::bigint) x
 WHERE (k.i = 1 OR h.at IS NULL)
   AND $11::bigint + $12::bigint <= 1000
 LIMIT $11::bigint + $12::bigint
