-- overview_bills: the task's call records by talk time in whole seconds (bill / 1000
-- truncated: a band [lo, hi] takes bill from lo * 1000 to hi * 1000 + 999 ms, the bills
-- filter's own condition, so that its list is the band's calls). $1 tenant, $2 task uuid, $3 start_at, $4 end_at
-- (calldate, inclusive; NULL: the task's whole life).
-- Columns: label, count, base (records with a talk time), lo, hi (seconds: the bills filter).
WITH b(k, label, lo, hi) AS (
  VALUES (1, '0–9 秒', 0, 9), (2, '10–29 秒', 10, 29), (3, '30–59 秒', 30, 59),
         (4, '1–2 分钟', 60, 119), (5, '2–5 分钟', 120, 299),
         (6, '5 分钟以上', 300, 1000000000)),
c AS (
  SELECT b.k, count(*) AS n
    FROM records r
    JOIN b ON r.bill BETWEEN b.lo::bigint * 1000 AND b.hi::bigint * 1000 + 999
   WHERE r.task_id = $2::uuid AND r.user_id = $1::uuid
     AND ($3::timestamptz IS NULL OR r.calldate >= $3::timestamptz)
     AND ($4::timestamptz IS NULL OR r.calldate < $4::timestamptz + interval '1 second')
   GROUP BY b.k)
SELECT b.label,
       coalesce(c.n, 0) AS count,
       sum(coalesce(c.n, 0)) OVER () AS base,
       b.lo,
       b.hi
  FROM b
  LEFT JOIN c ON c.k = b.k
 ORDER BY b.k
