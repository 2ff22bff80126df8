-- overview_operators: the task's results by the callee's operator. $1 tenant, $2 task uuid.
-- Columns: link (yd/lt/dx: the numbers page's type filter, the records page's operator
-- filter; NULL for an unknown operator, 0 or none or another code, which none[]=operator
-- lists), label, total (numbers), count (numbers dialled), connected, rate (connect rate,
-- %), base (every number dialled), records (call records). The numbers by the importer's
-- counts.
-- $3 start_at, $4 end_at (inclusive; NULL: the whole life): with a period, the numbers
-- with an attempt in it (total = dialled), connected those with an attempt of status 1
-- in it (as on the start page), the call records of the period.
WITH -- The numbers with an attempt in the period, and whether one of them connected.
pn AS (
  SELECT h.number_id, bool_or(h.status = 1) AS connected
    FROM call_histories h
   WHERE h.task_id = $2::uuid AND h.user_id = $1::uuid
     AND h.call_time >= $3::timestamptz
     AND h.call_time < $4::timestamptz + interval '1 second'
   GROUP BY h.number_id),
c AS (
  SELECT CASE WHEN n.operator IN (1, 2, 3) THEN n.operator END AS operator,
         sum(n.n) AS total,
         coalesce(sum(n.n) FILTER (WHERE n.status <> 0), 0) AS dialled,
         coalesce(sum(n.n) FILTER (WHERE n.status = 1), 0) AS connected
    FROM task_number_counts n
   WHERE n.task_id = $2::uuid AND n.user_id = $1::uuid AND $3::timestamptz IS NULL
   GROUP BY 1
  UNION ALL
  SELECT CASE WHEN n.operator IN (1, 2, 3) THEN n.operator END,
         count(*), count(*), count(*) FILTER (WHERE pn.connected)
    FROM pn
    -- Each number by its key (LIMIT 1: a lookup per number, never a scan of numbers).
    CROSS JOIN LATERAL (
      SELECT n.status, n.operator, n.province_id
        FROM numbers n
       WHERE n.id = pn.number_id AND n.user_id = $1::uuid AND n.task_id = $2::uuid
       LIMIT 1) n
   GROUP BY 1),
r AS (
  SELECT CASE WHEN x.operator IN (1, 2, 3) THEN x.operator END AS operator, count(*) AS n
    FROM records x
   WHERE x.task_id = $2::uuid AND x.user_id = $1::uuid
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
