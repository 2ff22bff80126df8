-- overview_provinces: the task's results by the callee's province, most dialled first.
-- $1 tenant, $2 task uuid. Columns: label, total (numbers), count (numbers dialled),
-- connected, rate (connect rate, %), base (every number dialled), records (call records),
-- link (the region id: the numbers page's province, the records page's province[]; NULL
-- for none or 0, unknown, which none[]=province lists). $3 start_at, $4 end_at
-- (inclusive; NULL: the whole life): with a period, as overview_operators.sql.
WITH dm AS (SELECT 'province'::text AS dim),
-- The numbers with an attempt in the period, and those connected (overview.numbers.sql).
pn AS (
  -- @include overview.numbers
),
-- Without a period, every number of the task by the counts the importer keeps
-- (task_province_counts).
c AS (
  SELECT nullif(n.province_id, 0) AS province_id, n.total, n.dialled, n.connected
    FROM task_province_counts n
   WHERE n.task_id = $2::uuid AND n.user_id = $1::uuid AND $3::timestamptz IS NULL
  UNION ALL
  SELECT nullif(pn.code, '')::int, pn.dialled, pn.dialled, pn.connected
    FROM pn),
-- The call records by province: from the rollups (rollup_counts, dim 'province') for whole
-- days and the whole life, else from the records.
r AS (
  SELECT nullif(x.code, '')::int AS province_id, x.n AS n
    FROM callreport_rollup_counts($1::uuid, $2::uuid, 'province', $3::timestamptz,
                                  $4::timestamptz) x
  UNION ALL
  SELECT nullif(x.province_id, 0) AS province_id, count(*) AS n
    FROM records x
   WHERE NOT callreport_rollup_span($1::uuid, $3::timestamptz, $4::timestamptz)
     AND x.task_id = $2::uuid AND x.user_id = $1::uuid
     AND ($3::timestamptz IS NULL OR x.calldate >= $3::timestamptz)
     AND ($4::timestamptz IS NULL OR x.calldate < $4::timestamptz + interval '1 second')
   GROUP BY 1)
SELECT coalesce(p.city, '未知') AS label,
       c.total,
       c.dialled AS count,
       c.connected,
       round(100.0 * c.connected / greatest(c.dialled, 1), 1) AS rate,
       sum(c.dialled) OVER () AS base,
       coalesce(r.n, 0) AS records,
       c.province_id AS link
  FROM c
  LEFT JOIN r ON r.province_id IS NOT DISTINCT FROM c.province_id
  LEFT JOIN regions p ON p.id = c.province_id AND p.user_id = $1::uuid
 ORDER BY c.dialled DESC, c.total DESC, label
