-- overview_provinces: the task's results by the callee's province, most dialled first.
-- $1 tenant, $2 task uuid. Columns: label, total (numbers), count (numbers dialled),
-- connected, rate (connect rate, %), base (every number dialled), records (call records),
-- link (the region id: the numbers page's province, the records page's province[]; NULL
-- for none or 0, unknown, which none[]=province lists). $3 start_at, $4 end_at
-- (inclusive; NULL: the whole life): with a period, as overview_operators.sql.
WITH -- The numbers with an attempt in the period, and whether one of them connected.
pn AS (
  SELECT h.number_id, bool_or(h.status = 1) AS connected
    FROM call_histories h
   WHERE h.task_id = $2::uuid AND h.user_id = $1::uuid
     AND h.call_time >= $3::timestamptz
     AND h.call_time < $4::timestamptz + interval '1 second'
   GROUP BY h.number_id),
c AS (
  SELECT nullif(n.province_id, 0) AS province_id,
         count(*) AS total,
         count(*) FILTER (WHERE n.status <> 0) AS dialled,
         count(*) FILTER (WHERE n.status = 1) AS connected
    FROM numbers n
   WHERE n.task_id = $2::uuid AND n.user_id = $1::uuid AND $3::timestamptz IS NULL
   GROUP BY 1
  UNION ALL
  SELECT nullif(n.province_id, 0), count(*), count(*), count(*) FILTER (WHERE pn.connected)
    FROM pn
    -- Each number by its key (LIMIT 1: a lookup per number, never a scan of numbers).
    CROSS JOIN LATERAL (
      SELECT n.status, n.operator, n.province_id
        FROM numbers n
       WHERE n.id = pn.number_id AND n.user_id = $1::uuid AND n.task_id = $2::uuid
       LIMIT 1) n
   GROUP BY 1),
r AS (
  SELECT nullif(x.province_id, 0) AS province_id, count(*) AS n
    FROM records x
   WHERE x.task_id = $2::uuid AND x.user_id = $1::uuid
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
