-- start.rows: the start page's rows (a fragment, included by start.sql and compare.sql):
-- one row per task active in the period, or per task of $6 (active or not) when $6 is
-- given, then the totals row; no order. $1 tenant, $2 start_at, $3 end_at,
-- $4 prev_start_at, $5 prev_end_at, $6 the tasks (uuid[], NULL: all).
--
-- From the rollups (rollup_days, rollup_months, rollup_repeats; sql/schema.sql) when the
-- two periods are whole days of the rollups' zone (callreport_rollup_days), else from the
-- raw rows: the same figures either way (tests/functional/test_rollups.py). Each part is
-- gated by a condition on the parameters alone, so only one of them runs.
-- The rollups' figures per task and period (cur: the period, else the previous one): the
-- days' sums, the numbers less those dialled (answered) on an earlier day too, plus those
-- of them whose earlier day is before the period: within max_gap days of its start
-- (rollup_zones), so that a number dialled on several days of a period counts once, on its
-- first day in it. A period's whole months are read from rollup_months, its other days
-- from rollup_days (b: per period, its whole months [mlo, mhi) and its days [lo, hi)). One
-- aggregate over every part (no join: a generic plan cannot misjudge one).
WITH b AS (
  SELECT v.cur, v.lo, v.hi, callreport_month_from(v.lo) AS mlo,
         greatest(callreport_month_from(v.lo), callreport_month_to(v.hi - 1)) AS mhi
    FROM (VALUES (true, $2::timestamptz::date, $3::timestamptz::date + 1),
                 (false, $4::timestamptz::date, $2::timestamptz::date)) v(cur, lo, hi)),
d AS (
  SELECT u.task_id, u.cur,
         sum(u.dialled) AS dialled, sum(u.answered) AS answered,
         sum(u.calls) AS calls, sum(u.a_count) AS a_count, sum(u.b_count) AS b_count,
         sum(u.bill_sum) AS bill_sum, sum(u.bill_n) AS bill_n
    FROM (
      -- The days before a period's first whole month, and from the end of its last.
      SELECT d.task_id, r.cur,
             d.dialled - d.redialled AS dialled, d.answered - d.reanswered AS answered,
             d.calls, d.a_count, d.b_count, d.bill_sum, d.bill_n
        FROM (SELECT b.cur, b.lo, least(b.mlo, b.hi) AS hi FROM b
              UNION ALL
              SELECT b.cur, b.mhi, b.hi FROM b) r
        -- (A lateral scan a range, by the index: OFFSET 0 keeps it one; joined, the generic
        -- plan read the whole table.)
        CROSS JOIN LATERAL (
          SELECT d.* FROM rollup_days d
           WHERE d.user_id = $1::uuid AND d.day >= r.lo AND d.day < r.hi
             AND ($6::uuid[] IS NULL OR d.task_id = ANY ($6::uuid[]))
          OFFSET 0) d
       WHERE callreport_rollup_days($1::uuid, $4::timestamptz, $2::timestamptz,
                                    $3::timestamptz)
      UNION ALL
      SELECT m.task_id, b.cur,
             m.dialled - m.redialled, m.answered - m.reanswered,
             m.calls, m.a_count, m.b_count, m.bill_sum, m.bill_n
        FROM b
        CROSS JOIN LATERAL (
          SELECT m.* FROM rollup_months m
           WHERE m.user_id = $1::uuid AND m.month >= b.mlo AND m.month < b.mhi
             AND ($6::uuid[] IS NULL OR m.task_id = ANY ($6::uuid[]))
          OFFSET 0) m
       WHERE callreport_rollup_days($1::uuid, $4::timestamptz, $2::timestamptz,
                                    $3::timestamptz)
      UNION ALL
      -- The repeats across the start of each period, one part a period: bounds written
      -- on the parameters alone keep the index on day (one part over a VALUES list of
      -- the two periods made the generic plan read every repeat row of the tenant).
      SELECT p.task_id, true,
             CASE WHEN p.answered THEN 0 ELSE p.n END,
             CASE WHEN p.answered THEN p.n ELSE 0 END, 0, 0, 0, 0, 0
        FROM rollup_repeats p
       WHERE callreport_rollup_days($1::uuid, $4::timestamptz, $2::timestamptz,
                                    $3::timestamptz)
         AND p.user_id = $1::uuid
         AND p.day >= $2::timestamptz::date
         AND p.day <= least($3::timestamptz::date, $2::timestamptz::date +
               (SELECT z.max_gap FROM rollup_zones z WHERE z.user_id = $1::uuid))
         AND p.prev_day < $2::timestamptz::date
         AND ($6::uuid[] IS NULL OR p.task_id = ANY ($6::uuid[]))
      UNION ALL
      SELECT p.task_id, false,
             CASE WHEN p.answered THEN 0 ELSE p.n END,
             CASE WHEN p.answered THEN p.n ELSE 0 END, 0, 0, 0, 0, 0
        FROM rollup_repeats p
       WHERE callreport_rollup_days($1::uuid, $4::timestamptz, $2::timestamptz,
                                    $3::timestamptz)
         AND p.user_id = $1::uuid
         AND p.day >= $4::timestamptz::date
         AND p.day <= least($2::timestamptz::date - 1, $4::timestamptz::date +
               (SELECT z.max_gap FROM rollup_zones z WHERE z.user_id = $1::uuid))
         AND p.prev_day < $4::timestamptz::date
         AND ($6::uuid[] IS NULL OR p.task_id = ANY ($6::uuid[]))) u
   GROUP BY 1, 2),
h AS (
  SELECT d.task_id, d.cur, d.dialled, d.answered
    FROM d
  UNION ALL
  SELECT h.task_id,
         h.call_time >= $2::timestamptz AS cur,
         count(DISTINCT h.number_id) AS dialled,
         count(DISTINCT h.number_id) FILTER (WHERE h.status = 1) AS answered
    FROM call_histories h
   WHERE h.user_id = $1::uuid
     AND ($6::uuid[] IS NULL OR h.task_id = ANY ($6::uuid[]))
     AND h.call_time >= $4::timestamptz
     AND h.call_time < $3::timestamptz + interval '1 second'
     AND NOT callreport_rollup_days($1::uuid, $4::timestamptz, $2::timestamptz,
                                $3::timestamptz)
   GROUP BY 1, 2),
r AS (
  SELECT d.task_id, d.cur, d.calls, d.a_count, d.b_count, d.bill_sum, d.bill_n
    FROM d
  UNION ALL
  SELECT r.task_id,
         r.calldate >= $2::timestamptz AS cur,
         count(*) AS calls,
         count(*) FILTER (WHERE upper(left(l.name, 1)) = 'A') AS a_count,
         count(*) FILTER (WHERE upper(left(l.name, 1)) = 'B') AS b_count,
         sum(r.bill) AS bill_sum,
         count(r.bill) AS bill_n
    FROM records r
    LEFT JOIN levels l ON l.id = r.level_id AND l.user_id = $1::uuid
   WHERE r.user_id = $1::uuid
     AND ($6::uuid[] IS NULL OR r.task_id = ANY ($6::uuid[]))
     AND r.calldate >= $4::timestamptz
     AND r.calldate < $3::timestamptz + interval '1 second'
     AND NOT callreport_rollup_days($1::uuid, $4::timestamptz, $2::timestamptz,
                                $3::timestamptz)
   GROUP BY 1, 2),
-- Per task of either period: its figures now (c_) and before (p_); active, with a row in
-- the period. One aggregate over h, r and the tasks asked for (not four joins: an eighth of
-- the statement over 365 days); max, of the one row of h and of r a task and period.
f AS (
  SELECT u.task_id,
         coalesce(max(u.dialled) FILTER (WHERE u.cur), 0) AS c_dialled,
         coalesce(max(u.answered) FILTER (WHERE u.cur), 0) AS c_answered,
         coalesce(max(u.calls) FILTER (WHERE u.cur), 0) AS c_calls,
         coalesce(max(u.a_count) FILTER (WHERE u.cur), 0) AS c_a,
         coalesce(max(u.b_count) FILTER (WHERE u.cur), 0) AS c_b,
         coalesce(max(u.bill_sum) FILTER (WHERE u.cur), 0) AS c_bill_sum,
         coalesce(max(u.bill_n) FILTER (WHERE u.cur), 0) AS c_bill_n,
         coalesce(max(u.dialled) FILTER (WHERE NOT u.cur), 0) AS p_dialled,
         coalesce(max(u.answered) FILTER (WHERE NOT u.cur), 0) AS p_answered,
         coalesce(max(u.calls) FILTER (WHERE NOT u.cur), 0) AS p_calls,
         coalesce(max(u.a_count) FILTER (WHERE NOT u.cur), 0) AS p_a,
         coalesce(max(u.b_count) FILTER (WHERE NOT u.cur), 0) AS p_b,
         coalesce(max(u.bill_sum) FILTER (WHERE NOT u.cur), 0) AS p_bill_sum,
         coalesce(max(u.bill_n) FILTER (WHERE NOT u.cur), 0) AS p_bill_n,
         coalesce(bool_or(u.cur), false) AS active
    FROM (SELECT h.task_id, h.cur, h.dialled, h.answered, NULL::bigint AS calls,
                 NULL::bigint AS a_count, NULL::bigint AS b_count,
                 NULL::numeric AS bill_sum, NULL::bigint AS bill_n
            FROM h
          UNION ALL
          SELECT r.task_id, r.cur, NULL, NULL, r.calls, r.a_count, r.b_count, r.bill_sum,
                 r.bill_n
            FROM r
          UNION ALL
          SELECT unnest($6::uuid[]), NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL) u
   GROUP BY u.task_id),
t AS (
  SELECT f.task_id, tk.name, false AS is_total,
         f.c_dialled, f.c_answered, f.c_calls, f.c_a, f.c_b, f.c_bill_sum, f.c_bill_n,
         f.p_dialled, f.p_answered, f.p_calls, f.p_a, f.p_b, f.p_bill_sum, f.p_bill_n
    FROM f
    JOIN tasks tk ON tk.uuid = f.task_id AND tk.user_id = $1::uuid
   WHERE f.active OR $6::uuid[] IS NOT NULL
  UNION ALL
  SELECT NULL, '合计', true,
         coalesce(sum(f.c_dialled), 0), coalesce(sum(f.c_answered), 0),
         coalesce(sum(f.c_calls), 0), coalesce(sum(f.c_a), 0), coalesce(sum(f.c_b), 0),
         coalesce(sum(f.c_bill_sum), 0), coalesce(sum(f.c_bill_n), 0),
         coalesce(sum(f.p_dialled), 0), coalesce(sum(f.p_answered), 0),
         coalesce(sum(f.p_calls), 0), coalesce(sum(f.p_a), 0), coalesce(sum(f.p_b), 0),
         coalesce(sum(f.p_bill_sum), 0), coalesce(sum(f.p_bill_n), 0)
    FROM f),
x AS (
  SELECT t.*,
         round(100.0 * t.c_answered / nullif(t.c_dialled, 0), 1) AS c_rate,
         round(100.0 * t.p_answered / nullif(t.p_dialled, 0), 1) AS p_rate,
         round(100.0 * t.c_a / nullif(t.c_calls, 0), 1) AS c_a_rate,
         round(100.0 * t.p_a / nullif(t.p_calls, 0), 1) AS p_a_rate,
         round(100.0 * t.c_b / nullif(t.c_calls, 0), 1) AS c_b_rate,
         round(100.0 * t.p_b / nullif(t.p_calls, 0), 1) AS p_b_rate,
         round(t.c_bill_sum / nullif(t.c_bill_n, 0) / 1000.0, 1) AS c_avg_bill,
         round(t.p_bill_sum / nullif(t.p_bill_n, 0) / 1000.0, 1) AS p_avg_bill
    FROM t),
-- The tenant's thresholds (percent of the previous period's figure; the defaults for
-- a metric it has not set come from callreport_thresholds), the periods as text, once
-- (not a row: 4 to_char a row were a tenth of the start page's statement over 365 days),
-- and whether the answer is JSON (callreport_json()).
th AS (
  SELECT max(d.below) FILTER (WHERE d.metric = 'connect_rate') AS rate_lo,
         max(d.above) FILTER (WHERE d.metric = 'connect_rate') AS rate_hi,
         max(d.below) FILTER (WHERE d.metric = 'calls') AS calls_lo,
         max(d.above) FILTER (WHERE d.metric = 'calls') AS calls_hi,
         max(d.below) FILTER (WHERE d.metric = 'a_rate') AS a_lo,
         max(d.above) FILTER (WHERE d.metric = 'a_rate') AS a_hi,
         max(d.below) FILTER (WHERE d.metric = 'b_rate') AS b_lo,
         max(d.above) FILTER (WHERE d.metric = 'b_rate') AS b_hi,
         max(d.below) FILTER (WHERE d.metric = 'avg_bill') AS bill_lo,
         max(d.above) FILTER (WHERE d.metric = 'avg_bill') AS bill_hi,
         callreport_ts($2::timestamptz) AS start_at,
         callreport_ts($3::timestamptz) AS end_at,
         callreport_ts($4::timestamptz) AS prev_start_at,
         callreport_ts($5::timestamptz) AS prev_end_at,
         callreport_json() AS json
    FROM callreport_thresholds($1::uuid) d)
SELECT x.task_id,
       x.name,
       x.c_dialled AS dialled,
       x.c_answered AS answered,
       x.c_rate AS connect_rate,
       x.p_rate AS prev_connect_rate,
       x.c_rate - x.p_rate AS connect_rate_change,
       x.c_calls AS calls,
       x.p_calls AS prev_calls,
       x.c_calls - x.p_calls AS calls_change,
       x.c_a AS a_count,
       x.c_a_rate AS a_rate,
       x.c_b AS b_count,
       x.c_b_rate AS b_rate,
       x.c_avg_bill AS avg_bill,
       -- Against the thresholds: 'low', 'high' or NULL (no previous figure, or within).
       callreport_mark(x.c_rate, x.p_rate, th.rate_lo, th.rate_hi) AS connect_rate_mark,
       callreport_mark(x.c_calls, x.p_calls, th.calls_lo, th.calls_hi) AS calls_mark,
       callreport_mark(x.c_a_rate, x.p_a_rate, th.a_lo, th.a_hi) AS a_rate_mark,
       callreport_mark(x.c_b_rate, x.p_b_rate, th.b_lo, th.b_hi) AS b_rate_mark,
       callreport_mark(x.c_avg_bill, x.p_avg_bill, th.bill_lo, th.bill_hi) AS avg_bill_mark,
       x.is_total,
       th.start_at,
       th.end_at,
       th.prev_start_at,
       th.prev_end_at,
       -- HTML only: the changes as the page shows them (▲ up, ▼ down) and their class;
       -- not made for a JSON answer (th.json), which has no such column.
       CASE WHEN NOT th.json THEN
         CASE sign(x.c_rate - x.p_rate) WHEN 1 THEN 'up' WHEN -1 THEN 'down'
              WHEN 0 THEN 'flat' END END AS connect_rate_trend,
       CASE WHEN NOT th.json THEN
         CASE sign(x.c_rate - x.p_rate) WHEN 1 THEN '▲' WHEN -1 THEN '▼' ELSE '' END
           || abs(x.c_rate - x.p_rate)::text END AS connect_rate_vs,
       CASE WHEN NOT th.json THEN
         CASE sign(x.c_calls - x.p_calls) WHEN 1 THEN 'up' WHEN -1 THEN 'down'
              ELSE 'flat' END END AS calls_trend,
       CASE WHEN NOT th.json THEN
         CASE sign(x.c_calls - x.p_calls) WHEN 1 THEN '▲' WHEN -1 THEN '▼' ELSE '' END
           || abs(x.c_calls - x.p_calls)::text END AS calls_vs,
       CASE WHEN x.is_total THEN 'total' ELSE 'task' END AS row_kind,
       CASE WHEN x.is_total THEN x.name END AS total_label
  FROM x CROSS JOIN th
