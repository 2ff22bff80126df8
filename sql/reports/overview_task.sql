-- overview_task: a task's headline figures, for its overview page (overview.c); no row when
-- the task is not the caller's. Connect rate = numbers answered / numbers dialled, as on the
-- task list. $1 tenant, $2 task uuid, $3 start_at, $4 end_at (inclusive; NULL: the task's
-- whole life). With a period, as on the start page: dialled = numbers with an attempt in
-- it, connected = numbers with an attempt of status 1 in it, attempts those in it, the
-- call records those whose calldate is in it; total and progress stay the task's.
SELECT t.name,
       g.name AS group_str,
       callreport_label('task_start', t.start::text) AS start_str,
       callreport_ts(t.create_datetime) AS create_datetime,
       n.total,
       d.dialled,
       d.connected,
       round(100.0 * n.dialled / greatest(n.total, 1), 1) AS progress,
       round(100.0 * d.connected / greatest(d.dialled, 1), 1) AS connect_rate,
       d.attempts,
       r.records,
       round(r.avg_bill / 1000.0, 1) AS avg_bill,
       round(r.avg_rounds, 1) AS avg_rounds,
       round(r.avg_score, 1) AS avg_score,
       r.robot_hangups,
       r.customer_hangups
  FROM tasks t
  LEFT JOIN groups g ON g.id = t.group_id AND g.user_id = $1::uuid
  -- The numbers by the counts the importer keeps (task_number_counts), not a scan.
  CROSS JOIN LATERAL (
    SELECT coalesce(sum(x.n), 0) AS total,
           coalesce(sum(x.n) FILTER (WHERE x.status <> 0), 0) AS dialled,
           coalesce(sum(x.n) FILTER (WHERE x.status = 1), 0) AS connected
      FROM task_number_counts x
     WHERE x.task_id = t.uuid AND x.user_id = $1::uuid) AS n
  -- With a period, the attempts in it (call_histories_task: task, call_time).
  CROSS JOIN LATERAL (
    SELECT count(DISTINCT h.number_id) AS dialled,
           count(DISTINCT h.number_id) FILTER (WHERE h.status = 1) AS connected,
           count(*) AS attempts
      FROM call_histories h
     WHERE h.task_id = t.uuid AND h.user_id = $1::uuid
       AND h.call_time >= $3::timestamptz
       AND h.call_time < $4::timestamptz + interval '1 second') AS p
  CROSS JOIN LATERAL (
    SELECT CASE WHEN $3::timestamptz IS NULL THEN n.dialled ELSE p.dialled END AS dialled,
           CASE WHEN $3::timestamptz IS NULL THEN n.connected ELSE p.connected END AS connected,
           CASE WHEN $3::timestamptz IS NULL THEN (
             SELECT count(*) FROM call_histories h
              WHERE h.task_id = t.uuid AND h.user_id = $1::uuid)
           ELSE p.attempts END AS attempts) AS d
  CROSS JOIN LATERAL (
    SELECT count(*) AS records,
           avg(x.bill) AS avg_bill,
           avg(x.rounds) AS avg_rounds,
           avg(x.score) AS avg_score,
           count(*) FILTER (WHERE x.hangup_disposition = 1) AS robot_hangups,
           count(*) FILTER (WHERE x.hangup_disposition = 2) AS customer_hangups
      FROM records x
     WHERE x.task_id = t.uuid AND x.user_id = $1::uuid
       AND ($3::timestamptz IS NULL OR x.calldate >= $3::timestamptz)
       AND ($4::timestamptz IS NULL OR x.calldate < $4::timestamptz + interval '1 second')) AS r
 WHERE t.uuid = $2::uuid
   AND t.user_id = $1::uuid
