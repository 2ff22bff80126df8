-- callbacks: one page of the call-back list (意向客户, GET /callbacks): one row per number
-- called in the period, best level first, then the newest last call; each with its best
-- call (the call of its best level, the latest of them when several), that call's talk
-- time, level, province, operator and task, the names of the tags of all its calls of the
-- period, its last call time and how many calls it had.
-- $1 tenant, $2 start_at, $3 end_at (the period, whole seconds, read in the transaction's
-- TimeZone), $4 prev_start_at, $5 prev_end_at (unused), $6 levels int[][] (score
-- intervals: the levels whose range lies within one), $7 tags uuid[] (any of), $8 tasks
-- uuid[] (any of; a task not the tenant's selects nothing), $9 operator int[] (1 移动,
-- 2 联通, 3 电信), $10 province int[] (region ids), $11 limit (NULL: all), $12 offset.
-- The numbers and their filters are callbacks.numbers.sql, the same text as in
-- callbacks.count.sql; docs/reports.md says what a number's best call is.
--
-- The page is chosen first (n: the numbers of the page, in order), and only its rows get
-- their best call, tags and labels, each by the index records_user_callee (the number's
-- calls of the period, newest first). The numbers come one of two ways, the same rows:
-- the walk (w, callbacks.walk.sql: the newest calls of the period, a few hundred probes
-- for a first page over a year), when it is sure to hold the page (ok); otherwise the
-- grouping of every call of the period (callbacks.numbers.sql: seconds over a year), the
-- whole selection of a file, a deep page, a rare level or filter. The branch not taken
-- is not run (a one-time filter). tests/functional/test_callbacks.py compares the two.
--
-- The walk's budget (WALK_BUDGET, 3000 calls): the walk reads at most the period's
-- WALK_BUDGET newest calls (from h.at on), then gives up to the grouping. Measured on the
-- year of data (3.6M call records of 205 tasks, every task chosen, 2 cores, wall time of
-- the prepared statement, median of 3 to 15): the first page 3.5 ms (the horizon 0.5 ms,
-- a walk of some 200 calls; with a budget of 20000 the horizon alone was 5.8 ms), and,
-- with a budget of 5000, page 30 (450 rows) 41 to 80 ms against 4 to 6 s grouped, page 41
-- (615 rows) past the A numbers of the newest 5000 calls: the walk gave up (its cost lost
-- in the grouping's noise, at most the budget's probes, ~20 us each) and the page was the
-- grouping's, 5 s. So the crossover is where the page leaves the first rank's numbers of
-- the budget's calls (some 270 rows of this data with 3000), which the statement finds
-- itself; past 1000 rows it does not try.
WITH lr AS (
  -- @include callbacks.ranks
), h AS (
  -- The walk's horizon: the calldate of the period's WALK_BUDGET-th newest call (an
  -- index-only scan of records_user_calldate), NULL when it has no more calls.
  SELECT (SELECT c.calldate
            FROM records c
           WHERE c.user_id = $1::uuid
             AND c.calldate >= $2::timestamptz
             AND c.calldate < $3::timestamptz + interval '1 second'
           ORDER BY c.calldate DESC
          OFFSET 3000 /* WALK_BUDGET */ LIMIT 1) AS at
), w AS (
  -- @include callbacks.walk
), ok AS (
  -- Whether the walk holds the page: it walked (a page within its first 1000 rows), and
  -- either every call of the period (no horizon) or $11 + $12 rows of the first rank.
  SELECT CASE WHEN $11::bigint IS NULL OR $11::bigint + $12::bigint > 1000 THEN false
              WHEN (SELECT h.at FROM h) IS NULL THEN true
              ELSE (SELECT count(*) FROM w) >= $11::bigint + $12::bigint END AS walked
), n AS (
  -- @include callbacks.numbers
)
SELECT n.callee AS number,
       l.name || '(' || l.alias || ')' AS level_name,
       tg.tags,
       tg.tags_text,
       b.bill,
       callreport_ts(n.last_call) AS last_call,
       n.calls,
       p.city AS province_name,
       og.label AS operator_name,
       t.name AS task_name,
       b.task_id,
       b.id AS record_id
  FROM ((SELECT w.*
           FROM w
          WHERE (SELECT ok.walked FROM ok)
          ORDER BY w.best_rank, w.last_call DESC, w.callee
          LIMIT $11::bigint OFFSET $12::bigint)
        UNION ALL
        (SELECT n.*
           FROM n
          WHERE NOT (SELECT ok.walked FROM ok)
          ORDER BY n.best_rank, n.last_call DESC, n.callee
          LIMIT $11::bigint OFFSET $12::bigint)) n
  CROSS JOIN LATERAL (
        SELECT b.id, b.task_id, b.bill, b.level_id, b.operator, b.province_id
          FROM records b
          LEFT JOIN lr ON lr.id = b.level_id
         WHERE b.user_id = $1::uuid
           AND b.callee = n.callee
           AND b.calldate >= $2::timestamptz
           AND b.calldate < $3::timestamptz + interval '1 second'
           AND ($8::uuid[] IS NULL OR b.task_id = ANY ($8::uuid[]))
           AND coalesce(lr.rank, 2147483647) = n.best_rank
         ORDER BY b.calldate DESC, b.id DESC
         LIMIT 1) b
  LEFT JOIN levels l ON l.id = b.level_id AND l.user_id = $1::uuid
  LEFT JOIN regions p ON p.user_id = $1::uuid AND p.id = b.province_id
  LEFT JOIN label_sets og ON og.kind = 'operator' AND og.code = b.operator::text
  LEFT JOIN tasks t ON t.uuid = b.task_id AND t.user_id = $1::uuid
  -- The names of the tags of the number's calls of the period, each once, oldest tag first.
  CROSS JOIN LATERAL (
        SELECT coalesce(json_agg(g.name ORDER BY g.created_at, g.id), '[]') AS tags,
               string_agg(g.name, '、' ORDER BY g.created_at, g.id) AS tags_text
          FROM tags g
         WHERE g.user_id = $1::uuid
           AND g.id IN (SELECT rt.tag_id
                          FROM records x
                          JOIN record_tags rt ON rt.record_id = x.id AND rt.user_id = $1::uuid
                         WHERE x.user_id = $1::uuid
                           AND x.callee = n.callee
                           AND x.calldate >= $2::timestamptz
                           AND x.calldate < $3::timestamptz + interval '1 second'
                           AND ($8::uuid[] IS NULL OR x.task_id = ANY ($8::uuid[])))) tg
 ORDER BY n.best_rank, n.last_call DESC, n.callee
