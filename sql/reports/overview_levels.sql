-- overview_levels: the task's call records per level, highest scores first, then those
-- without a level. $1 tenant, $2 task uuid, $3 start_at, $4 end_at (calldate, inclusive; NULL: the whole life)
-- Columns: label, count, base (every record of the task), color, lo, hi (the score interval),
-- link (the level's id: the records page's level[] lists the row's calls; NULL for those
-- without a level, which none[]=level lists).
-- A period of whole days, and the whole life, are counted from the rollups (rollup_counts, dim 'level'; sql/schema.sql).
WITH c AS (
  SELECT nullif(x.code, '')::uuid AS level_id, x.n AS n
    FROM callreport_rollup_counts($1::uuid, $2::uuid, 'level', $3::timestamptz,
                                  $4::timestamptz) x
  UNION ALL
  SELECT r.level_id, count(*) AS n
    FROM records r
   WHERE NOT callreport_rollup_span($1::uuid, $3::timestamptz, $4::timestamptz)
     AND r.task_id = $2::uuid AND r.user_id = $1::uuid
     AND ($3::timestamptz IS NULL OR r.calldate >= $3::timestamptz)
     AND ($4::timestamptz IS NULL OR r.calldate < $4::timestamptz + interval '1 second')
   GROUP BY r.level_id)
SELECT x.label, x.count, (SELECT coalesce(sum(n), 0) FROM c) AS base, x.color, x.lo, x.hi,
       x.link
  FROM (SELECT l.name || '(' || l.alias || ')' AS label,
               coalesce(c.n, 0) AS count,
               CASE WHEN l.color ~ '^#[0-9A-Fa-f]{3,8}$' THEN l.color END AS color,
               l.score_min AS lo, l.score_max AS hi, l.id::text AS link, 0 AS k
          FROM levels l
          LEFT JOIN c ON c.level_id = l.id
         WHERE l.user_id = $1::uuid
        UNION ALL
        SELECT '未分级', c.n, NULL, NULL, NULL, NULL, 1
          FROM c
         WHERE c.level_id IS NULL) AS x
 ORDER BY x.k, x.lo DESC, x.label
