-- overview_task: a task's headline figures, for its overview page (overview.c); no row when
-- the task is not the caller's. Connect rate = numbers answered / numbers dialled, as on the
-- task list. $1 tenant, $2 task uuid, $3 start_at, $4 end_at (inclusive; NULL: the task's
-- whole life). With a period, as on the start page: dialled = numbers with an attempt in
-- it, connected = numbers with an attempt of status 1 in it, attempts those in it, the
-- call records those whose calldate is in it; total and progress stay the task's.
-- A period of whole days, and the whole life, are counted from the rollups (rollup_days;
-- the period's numbers from rollup_numbers by status, each number once: its repeats in
-- rollup_number_repeats; the hang-ups from rollup_counts, dim 'disposition';
-- sql/schema.sql), any other period from the raw rows. Without a period the numbers come
-- from the importer's counts (task_number_counts) either way.
WITH k AS (
  SELECT callreport_rollup_span($1::uuid, $3::timestamptz, $4::timestamptz) AS rolled),
-- The rollups: the days of the period (every day without one).
rd AS (
  SELECT coalesce(sum(d.attempts), 0) AS attempts,
         coalesce(sum(d.calls), 0) AS records,
         sum(d.bill_sum)::numeric / nullif(sum(d.bill_n), 0) AS avg_bill,
         sum(d.rounds_sum)::numeric / nullif(sum(d.rounds_n), 0) AS avg_rounds,
         sum(d.score_sum)::numeric / nullif(sum(d.calls), 0) AS avg_score
    FROM rollup_days d
   WHERE (SELECT k.rolled FROM k)
     AND d.task_id = $2::uuid AND d.user_id = $1::uuid
     AND d.day >= CASE WHEN $3::timestamptz IS NULL THEN '-infinity'::date
                                ELSE $3::timestamptz::date END
     AND d.day <= CASE WHEN $4::timestamptz IS NULL THEN 'infinity'::date
                                ELSE $4::timestamptz::date END),
rh AS (
  SELECT coalesce(sum(x.n) FILTER (WHERE x.code = '1'), 0) AS robot_hangups,
         coalesce(sum(x.n) FILTER (WHERE x.code = '2'), 0) AS customer_hangups
    FROM callreport_rollup_counts($1::uuid, $2::uuid, 'disposition', $3::timestamptz,
                                  $4::timestamptz) x),
-- The numbers of the period: every day's, less those seen on an earlier day of it.
rn AS (
  SELECT (SELECT coalesce(sum(x.dialled), 0) FROM rollup_numbers x
           WHERE x.task_id = $2::uuid AND x.user_id = $1::uuid AND x.dim = 'status'
             AND x.day >= $3::timestamptz::date AND x.day <= $4::timestamptz::date)
       - (SELECT coalesce(sum(p.n), 0) FROM rollup_number_repeats p
           WHERE p.task_id = $2::uuid AND p.user_id = $1::uuid AND p.dim = 'status'
             AND p.day >= $3::timestamptz::date AND p.day <= $4::timestamptz::date
             AND NOT p.answered AND p.prev_day >= $3::timestamptz::date) AS dialled,
         (SELECT coalesce(sum(x.answered), 0) FROM rollup_numbers x
           WHERE x.task_id = $2::uuid AND x.user_id = $1::uuid AND x.dim = 'status'
             AND x.day >= $3::timestamptz::date AND x.day <= $4::timestamptz::date)
       - (SELECT coalesce(sum(p.n), 0) FROM rollup_number_repeats p
           WHERE p.task_id = $2::uuid AND p.user_id = $1::uuid AND p.dim = 'status'
             AND p.day >= $3::timestamptz::date AND p.day <= $4::timestamptz::date
             AND p.answered AND p.prev_day >= $3::timestamptz::date) AS connected
   WHERE (SELECT k.rolled FROM k) AND $3::timestamptz IS NOT NULL),
-- The raw rows: the attempts of the period (call_histories_task: task, call_time), or
-- without one their count alone.
pn AS (
  SELECT count(DISTINCT h.number_id) AS dialled,
         count(DISTINCT h.number_id) FILTER (WHERE h.status = 1) AS connected,
         count(*) AS attempts
    FROM call_histories h
   WHERE NOT (SELECT k.rolled FROM k) AND $3::timestamptz IS NOT NULL
     AND h.task_id = $2::uuid AND h.user_id = $1::uuid
     AND h.call_time >= $3::timestamptz
     AND h.call_time < $4::timestamptz + interval '1 second'),
pa AS (
  SELECT count(*) AS attempts
    FROM call_histories h
   WHERE NOT (SELECT k.rolled FROM k) AND $3::timestamptz IS NULL
     AND h.task_id = $2::uuid AND h.user_id = $1::uuid),
pr AS (
  SELECT count(*) AS records,
         avg(x.bill) AS avg_bill,
         avg(x.rounds) AS avg_rounds,
         avg(x.score) AS avg_score,
         count(*) FILTER (WHERE x.hangup_disposition = 1) AS robot_hangups,
         count(*) FILTER (WHERE x.hangup_disposition = 2) AS customer_hangups
    FROM records x
   WHERE NOT (SELECT k.rolled FROM k)
     AND x.task_id = $2::uuid AND x.user_id = $1::uuid
     AND ($3::timestamptz IS NULL OR x.calldate >= $3::timestamptz)
     AND ($4::timestamptz IS NULL OR x.calldate < $4::timestamptz + interval '1 second')),
-- One of the two, as the gate chose.
f AS (
  SELECT CASE WHEN k.rolled THEN rn.dialled ELSE pn.dialled END AS dialled,
         CASE WHEN k.rolled THEN rn.connected ELSE pn.connected END AS connected,
         CASE WHEN k.rolled THEN rd.attempts WHEN $3::timestamptz IS NULL THEN pa.attempts
              ELSE pn.attempts END AS attempts,
         CASE WHEN k.rolled THEN rd.records ELSE pr.records END AS records,
         CASE WHEN k.rolled THEN rd.avg_bill ELSE pr.avg_bill END AS avg_bill,
         CASE WHEN k.rolled THEN rd.avg_rounds ELSE pr.avg_rounds END AS avg_rounds,
         CASE WHEN k.rolled THEN rd.avg_score ELSE pr.avg_score END AS avg_score,
         CASE WHEN k.rolled THEN rh.robot_hangups ELSE pr.robot_hangups END AS robot_hangups,
         CASE WHEN k.rolled THEN rh.customer_hangups ELSE pr.customer_hangups END
           AS customer_hangups
    FROM k, rd, rh, pn, pa, pr
    LEFT JOIN rn ON true)
SELECT t.name,
       g.name AS group_str,
       callreport_label('task_start', t.start::text) AS start_str,
       callreport_ts(t.create_datetime) AS create_datetime,
       n.total,
       d.dialled,
       d.connected,
       round(100.0 * n.dialled / greatest(n.total, 1), 1) AS progress,
       round(100.0 * d.connected / greatest(d.dialled, 1), 1) AS connect_rate,
       f.attempts,
       f.records,
       round(f.avg_bill / 1000.0, 1) AS avg_bill,
       round(f.avg_rounds, 1) AS avg_rounds,
       round(f.avg_score, 1) AS avg_score,
       f.robot_hangups,
       f.customer_hangups
  FROM tasks t
  LEFT JOIN groups g ON g.id = t.group_id AND g.user_id = $1::uuid
  -- The numbers by the counts the importer keeps (task_number_counts), not a scan.
  CROSS JOIN LATERAL (
    SELECT coalesce(sum(x.n), 0) AS total,
           coalesce(sum(x.n) FILTER (WHERE x.status <> 0), 0) AS dialled,
           coalesce(sum(x.n) FILTER (WHERE x.status = 1), 0) AS connected
      FROM task_number_counts x
     WHERE x.task_id = t.uuid AND x.user_id = $1::uuid) AS n
  CROSS JOIN f
  CROSS JOIN LATERAL (
    SELECT CASE WHEN $3::timestamptz IS NULL THEN n.dialled ELSE f.dialled END AS dialled,
           CASE WHEN $3::timestamptz IS NULL THEN n.connected ELSE f.connected END
             AS connected) AS d
 WHERE t.uuid = $2::uuid
   AND t.user_id = $1::uuid
