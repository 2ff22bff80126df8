-- start_trend: the start page's trend (GET /, the part "trend" of the report start): the
-- tenant's figures by day over the period, or by hour when the period is shorter than a day
-- (今天, 昨天, a custom day), every point of the period shown (0 where nothing happened).
-- $1 tenant, $2 start_at, $3 end_at (inclusive, whole seconds, read in the transaction's
-- TimeZone). Points are cut at the zone's midnights and hours (the transaction's TimeZone,
-- the deployment's), as overview_trend.sql cuts a task's.
--
-- Each point counts as start.rows.sql counts the whole period: dialled, the numbers with an
-- attempt in the point; answered, those with an attempt that connected (status 1) in it;
-- connect_rate = answered / dialled (%, one decimal; NULL when nothing was dialled); calls,
-- the call records whose calldate is in it; a_count and b_count, those whose level's name
-- begins with "A" or "B". A number called on two days counts on each: the points' dialled
-- and answered do not add up to the period's.
--
-- Columns: label ("MM-DD", or "HH:00" by hour), lo and hi (the point's first and last
-- second within the period, as start_at and end_at: the start page of the point), unit
-- ('day' or 'hour'), then the figures. This file is the trend's one statement: the page, its
-- JSON and its workbook all read it by these columns, so its body may change (a rollup kept
-- by the import) while its parameters and columns stay.
--
-- A period of whole days reads the rollups (rollup_tenant_days by day, rollup_hours by hour;
-- sql/schema.sql), any other the raw tables (the indexes call_histories_user_time and
-- records_user_calldate): the same figures (tests/functional/test_rollups.py).
WITH u AS (
  SELECT CASE WHEN $3::timestamptz - $2::timestamptz < interval '1 day'
              THEN 'hour' ELSE 'day' END AS unit),
g AS (
  SELECT x.at, x.at + CASE WHEN u.unit = 'hour' THEN interval '1 hour'
                            ELSE interval '1 day' END AS next, u.unit
    FROM u, generate_series(date_trunc(u.unit, $2::timestamptz), $3::timestamptz,
                            CASE WHEN u.unit = 'hour' THEN interval '1 hour'
                                 ELSE interval '1 day' END) AS x(at)),
h AS (
  SELECT date_trunc(u.unit, h.call_time) AS at,
         count(DISTINCT h.number_id) AS dialled,
         count(DISTINCT h.number_id) FILTER (WHERE h.status = 1) AS answered
    FROM u, call_histories h
   WHERE h.user_id = $1::uuid
     AND h.call_time >= $2::timestamptz
     AND h.call_time < $3::timestamptz + interval '1 second'
     AND NOT callreport_rollup_days($1::uuid, $2::timestamptz, $2::timestamptz, $3::timestamptz)
   GROUP BY 1),
r AS (
  SELECT date_trunc(u.unit, r.calldate) AS at,
         count(*) AS calls,
         count(*) FILTER (WHERE upper(left(l.name, 1)) = 'A') AS a_count,
         count(*) FILTER (WHERE upper(left(l.name, 1)) = 'B') AS b_count
    FROM u, records r
    LEFT JOIN levels l ON l.id = r.level_id AND l.user_id = $1::uuid
   WHERE r.user_id = $1::uuid
     AND r.calldate >= $2::timestamptz
     AND r.calldate < $3::timestamptz + interval '1 second'
     AND NOT callreport_rollup_days($1::uuid, $2::timestamptz, $2::timestamptz, $3::timestamptz)
   GROUP BY 1),
x AS (
  SELECT d.day::timestamptz AS at, d.dialled, d.answered, d.calls, d.a_count, d.b_count
    FROM rollup_tenant_days d
   WHERE callreport_rollup_days($1::uuid, $2::timestamptz, $2::timestamptz, $3::timestamptz)
     AND $3::timestamptz - $2::timestamptz >= interval '1 day'
     AND d.user_id = $1::uuid
     AND d.day >= $2::timestamptz::date
     AND d.day <= $3::timestamptz::date
  UNION ALL
  SELECT o.hour, sum(o.dialled), sum(o.answered), sum(o.calls), sum(o.a_count),
         sum(o.b_count)
    FROM rollup_hours o
   WHERE callreport_rollup_days($1::uuid, $2::timestamptz, $2::timestamptz, $3::timestamptz)
     AND $3::timestamptz - $2::timestamptz < interval '1 day'
     AND o.user_id = $1::uuid
     AND o.hour >= $2::timestamptz
     AND o.hour < $3::timestamptz + interval '1 second'
   GROUP BY 1
  UNION ALL
  SELECT coalesce(h.at, r.at), coalesce(h.dialled, 0), coalesce(h.answered, 0),
         coalesce(r.calls, 0), coalesce(r.a_count, 0), coalesce(r.b_count, 0)
    FROM h FULL JOIN r ON r.at = h.at)
SELECT CASE WHEN g.unit = 'hour' THEN to_char(g.at, 'HH24:00')
            ELSE to_char(g.at, 'MM-DD') END AS label,
       callreport_ts(greatest(g.at, $2::timestamptz)) AS lo,
       callreport_ts(least(g.next - interval '1 second', $3::timestamptz)) AS hi,
       g.unit,
       coalesce(x.dialled, 0) AS dialled,
       coalesce(x.answered, 0) AS answered,
       round(100.0 * x.answered / nullif(x.dialled, 0), 1) AS connect_rate,
       coalesce(x.calls, 0) AS calls,
       coalesce(x.a_count, 0) AS a_count,
       coalesce(x.b_count, 0) AS b_count
  FROM g
  LEFT JOIN x ON x.at = g.at
 ORDER BY g.at
