-- overview_provinces: the task's results by the callee's province, most dialled first.
-- $1 tenant, $2 task uuid. Columns: label, total (numbers), count (numbers dialled),
-- connected, rate (connect rate, %), base (every number dialled), records (call records).
WITH c AS (
  SELECT n.province_id,
         count(*) AS total,
         count(*) FILTER (WHERE n.status <> 0) AS dialled,
         count(*) FILTER (WHERE n.status = 1) AS connected
    FROM numbers n
   WHERE n.task_id = $2::uuid AND n.user_id = $1::uuid
   GROUP BY n.province_id),
r AS (
  SELECT x.province_id, count(*) AS n
    FROM records x
   WHERE x.task_id = $2::uuid AND x.user_id = $1::uuid
   GROUP BY x.province_id)
SELECT coalesce(p.city, '未知') AS label,
       c.total,
       c.dialled AS count,
       c.connected,
       round(100.0 * c.connected / greatest(c.dialled, 1), 1) AS rate,
       sum(c.dialled) OVER () AS base,
       coalesce(r.n, 0) AS records
  FROM c
  LEFT JOIN r ON r.province_id IS NOT DISTINCT FROM c.province_id
  LEFT JOIN regions p ON p.id = c.province_id AND p.user_id = $1::uuid
 ORDER BY c.dialled DESC, c.total DESC, label
