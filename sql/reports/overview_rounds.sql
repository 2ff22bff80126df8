-- overview_rounds: the task's call records by rounds (交互轮数): 0 to 9, then 10 or more.
-- $1 tenant, $2 task uuid, $3 start_at, $4 end_at (calldate, inclusive; NULL: the whole
-- life). Columns: label, count, base (records with rounds), lo, hi. A period of whole days,
-- and the whole life, are counted from the rollups (rollup_counts, dim 'rounds':
-- least(rounds, 10)), any other period from the records.
WITH c AS (
  SELECT x.code::int AS k, x.n AS n
    FROM callreport_rollup_counts($1::uuid, $2::uuid, 'rounds', $3::timestamptz,
                                  $4::timestamptz) x
  UNION ALL
  SELECT least(r.rounds, 10) AS k, count(*) AS n
    FROM records r
   WHERE NOT callreport_rollup_span($1::uuid, $3::timestamptz, $4::timestamptz)
     AND r.task_id = $2::uuid AND r.user_id = $1::uuid AND r.rounds IS NOT NULL
     AND ($3::timestamptz IS NULL OR r.calldate >= $3::timestamptz)
     AND ($4::timestamptz IS NULL OR r.calldate < $4::timestamptz + interval '1 second')
   GROUP BY 1)
SELECT CASE WHEN g.k = 10 THEN '10 轮以上' ELSE g.k || ' 轮' END AS label,
       coalesce(c.n, 0) AS count,
       sum(coalesce(c.n, 0)) OVER () AS base,
       g.k AS lo,
       CASE WHEN g.k = 10 THEN 2147483647 ELSE g.k END AS hi
  FROM generate_series(0, 10) AS g(k)
  LEFT JOIN c ON c.k = g.k
 ORDER BY g.k
