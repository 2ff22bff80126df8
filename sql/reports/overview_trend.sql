-- overview_trend: the task by day over the period, or by hour when the period is at most
-- one day: call attempts, those answered (status 1) and call records per point, every
-- point of the period shown (0 where nothing happened). $1 tenant, $2 task uuid,
-- $3 start_at, $4 end_at (inclusive; NULL: from the task's first attempt or record to its
-- last, by day). Points are cut at the zone's midnights and hours (the transaction's
-- TimeZone, the deployment's). Columns: label, count (call records: the records page of
-- lo..hi lists them), attempts, connected, base (every record of the period), lo, hi
-- (the point's first and last second within the period, as start_at and end_at), q (the
-- two as the records page's query string).
WITH b AS (
  SELECT coalesce($3::timestamptz, least(
           (SELECT min(h.call_time) FROM call_histories h
             WHERE h.task_id = $2::uuid AND h.user_id = $1::uuid),
           (SELECT min(r.calldate) FROM records r
             WHERE r.task_id = $2::uuid AND r.user_id = $1::uuid))) AS s,
         coalesce($4::timestamptz, greatest(
           (SELECT max(h.call_time) FROM call_histories h
             WHERE h.task_id = $2::uuid AND h.user_id = $1::uuid),
           (SELECT max(r.calldate) FROM records r
             WHERE r.task_id = $2::uuid AND r.user_id = $1::uuid))) AS e),
u AS (
  SELECT b.s, b.e,
         CASE WHEN $3::timestamptz IS NOT NULL AND b.e - b.s < interval '1 day'
              THEN 'hour' ELSE 'day' END AS unit
    FROM b),
g AS (
  SELECT x.at, x.at + CASE WHEN u.unit = 'hour' THEN interval '1 hour'
                            ELSE interval '1 day' END AS next, u.unit, u.s, u.e
    FROM u, generate_series(date_trunc(u.unit, u.s), u.e,
                            CASE WHEN u.unit = 'hour' THEN interval '1 hour'
                                 ELSE interval '1 day' END) AS x(at)),
-- A period of whole days, and the whole life, read the rollups (rollup_days by day,
-- rollup_hours by hour; sql/schema.sql), any other period the raw rows.
ro AS (
  SELECT d.day::timestamptz AS at, sum(d.attempts) AS attempts, sum(d.connected) AS connected,
         sum(d.calls) AS calls
    FROM rollup_days d
   WHERE callreport_rollup_span($1::uuid, $3::timestamptz, $4::timestamptz)
     AND ($3::timestamptz IS NULL OR $4::timestamptz - $3::timestamptz >= interval '1 day')
     AND d.task_id = $2::uuid AND d.user_id = $1::uuid
     AND d.day >= CASE WHEN $3::timestamptz IS NULL THEN '-infinity'::date
                                ELSE $3::timestamptz::date END
     AND d.day <= CASE WHEN $4::timestamptz IS NULL THEN 'infinity'::date
                                ELSE $4::timestamptz::date END
   GROUP BY 1
  UNION ALL
  SELECT o.hour, sum(o.attempts), sum(o.connected), sum(o.calls)
    FROM rollup_hours o
   WHERE callreport_rollup_span($1::uuid, $3::timestamptz, $4::timestamptz)
     AND $4::timestamptz - $3::timestamptz < interval '1 day'
     AND o.task_id = $2::uuid AND o.user_id = $1::uuid
     AND o.hour >= $3::timestamptz
     AND o.hour < $4::timestamptz + interval '1 second'
   GROUP BY 1),
a AS (
  SELECT ro.at, ro.attempts AS n, ro.connected FROM ro
  UNION ALL
  SELECT date_trunc(u.unit, h.call_time) AS at,
         count(*) AS n,
         count(*) FILTER (WHERE h.status = 1) AS connected
    FROM u
    JOIN call_histories h ON h.task_id = $2::uuid AND h.user_id = $1::uuid
                         AND h.call_time >= u.s
                         AND h.call_time < u.e + interval '1 second'
   WHERE NOT callreport_rollup_span($1::uuid, $3::timestamptz, $4::timestamptz)
   GROUP BY 1),
r AS (
  SELECT ro.at, ro.calls AS n FROM ro
  UNION ALL
  SELECT date_trunc(u.unit, r.calldate) AS at, count(*) AS n
    FROM u
    JOIN records r ON r.task_id = $2::uuid AND r.user_id = $1::uuid
                  AND r.calldate >= u.s
                  AND r.calldate < u.e + interval '1 second'
   WHERE NOT callreport_rollup_span($1::uuid, $3::timestamptz, $4::timestamptz)
   GROUP BY 1)
SELECT CASE WHEN g.unit = 'hour' THEN to_char(g.at, 'HH24:00')
            ELSE to_char(g.at, 'MM-DD') END AS label,
       coalesce(r.n, 0) AS count,
       coalesce(a.n, 0) AS attempts,
       coalesce(a.connected, 0) AS connected,
       sum(coalesce(r.n, 0)) OVER () AS base,
       x.lo,
       x.hi,
       'start_at=' || replace(x.lo, ' ', '%20') || '&end_at=' || replace(x.hi, ' ', '%20') AS q
  FROM g
  CROSS JOIN LATERAL (
    SELECT callreport_ts(greatest(g.at, g.s)) AS lo,
           callreport_ts(least(g.next - interval '1 second', g.e)) AS hi) AS x
  LEFT JOIN a ON a.at = g.at
  LEFT JOIN r ON r.at = g.at
 ORDER BY g.at
