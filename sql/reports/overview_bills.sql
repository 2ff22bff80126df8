-- overview_bills: the task's call records by talk time in whole seconds, in the bands of
-- callreport_bill_bands() (sql/schema.sql: bill / 1000 truncated; a band [lo, hi] takes
-- bill from lo * 1000 to hi * 1000 + 999 ms, the bills filter's own condition, so that its
-- list is the band's calls; callreport_bill_band() puts a record in its band, for the
-- rollups and here alike). $1 tenant, $2 task uuid, $3 start_at, $4 end_at (calldate,
-- inclusive; NULL: the task's whole life). Columns: label, count, base (records with a
-- talk time), lo, hi (seconds: the bills filter). A period of whole days, and the whole
-- life, are counted from the rollups (rollup_counts, dim 'bill_band'), any other period
-- from the records.
WITH b AS (
  SELECT b.k, b.label, b.lo, b.hi FROM callreport_bill_bands() b),
c AS (
  SELECT x.code::int AS k, x.n AS n
    FROM callreport_rollup_counts($1::uuid, $2::uuid, 'bill_band', $3::timestamptz,
                                  $4::timestamptz) x
  UNION ALL
  SELECT callreport_bill_band(r.bill) AS k, count(*) AS n
    FROM records r
   WHERE NOT callreport_rollup_span($1::uuid, $3::timestamptz, $4::timestamptz)
     AND r.task_id = $2::uuid AND r.user_id = $1::uuid
     AND ($3::timestamptz IS NULL OR r.calldate >= $3::timestamptz)
     AND ($4::timestamptz IS NULL OR r.calldate < $4::timestamptz + interval '1 second')
     AND callreport_bill_band(r.bill) IS NOT NULL
   GROUP BY 1)
SELECT b.label,
       coalesce(c.n, 0) AS count,
       sum(coalesce(c.n, 0)) OVER () AS base,
       b.lo,
       b.hi
  FROM b
  LEFT JOIN c ON c.k = b.k
 ORDER BY b.k
