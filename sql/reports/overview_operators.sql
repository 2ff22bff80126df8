-- overview_operators: the task's results by the callee's operator. $1 tenant, $2 task uuid.
-- Columns: link (yd/lt/dx: the numbers page's type filter, the records page's operator
-- filter; NULL for an unknown operator, 0 or none or another code, which none[]=operator
-- lists), label, total (numbers), count (numbers dialled), connected, rate (connect rate,
-- %), base (every number dialled), records (call records). The numbers by the importer's
-- counts.
-- $3 start_at, $4 end_at (inclusive; NULL: the whole life): with a period, the numbers
-- with an attempt in it (total = dialled), connected those with an attempt of status 1
-- in it (as on the start page), the call records of the period.
WITH dm AS (SELECT 'operator'::text AS dim),
-- The numbers with an attempt in the period, and those connected (overview.numbers.sql).
pn AS (
  -- @include overview.numbers
),
c AS (
  SELECT CASE WHEN n.operator IN (1, 2, 3) THEN n.operator END AS operator,
         sum(n.n) AS total,
         coalesce(sum(n.n) FILTER (WHERE n.status <> 0), 0) AS dialled,
         coalesce(sum(n.n) FILTER (WHERE n.status = 1), 0) AS connected
    FROM task_number_counts n
   WHERE n.task_id = $2::uuid AND n.user_id = $1::uuid AND $3::timestamptz IS NULL
   GROUP BY 1
  UNION ALL
  SELECT nullif(pn.code, '')::int, pn.dialled, pn.dialled, pn.connected
    FROM pn),
-- The call records by operator: from the rollups (rollup_counts, dim 'operator') for whole
-- days and the whole life, else from the records.
r AS (
  SELECT nullif(x.code, '')::int AS operator, x.n AS n
    FROM callreport_rollup_counts($1::uuid, $2::uuid, 'operator', $3::timestamptz,
                                  $4::timestamptz) x
  UNION ALL
  SELECT CASE WHEN x.operator IN (1, 2, 3) THEN x.operator END AS operator, count(*) AS n
    FROM records x
   WHERE NOT callreport_rollup_span($1::uuid, $3::timestamptz, $4::timestamptz)
     AND x.task_id = $2::uuid AND x.user_id = $1::uuid
     AND ($3::timestamptz IS NULL OR x.calldate >= $3::timestamptz)
     AND ($4::timestamptz IS NULL OR x.calldate < $4::timestamptz + interval '1 second')
   GROUP BY 1)
SELECT o.code AS link,
       coalesce(callreport_label('operator', c.operator::text), '未知') AS label,
       c.total,
       c.dialled AS count,
       c.connected,
       round(100.0 * c.connected / greatest(c.dialled, 1), 1) AS rate,
       sum(c.dialled) OVER () AS base,
       coalesce(r.n, 0) AS records
  FROM c
  LEFT JOIN r ON r.operator IS NOT DISTINCT FROM c.operator
  LEFT JOIN label_sets o ON o.kind = 'operator_code' AND o.label = c.operator::text
 ORDER BY c.operator NULLS LAST
