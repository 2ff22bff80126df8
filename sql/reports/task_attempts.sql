-- task_attempts: the numbers report with one row per call attempt (v1/task/number with
-- attempts=1, HTML and XLSX): numbers by ascending id, each number's attempts oldest
-- first and numbered 1, 2, ... (呼叫次序); a number never called gives one row without an
-- attempt, so every selected number is there. Filters are task_number's (task_number.where.sql).
-- $1 tenant, $2 task_id, $3 status int[], $4 keyword, $5 operator int[],
-- $6 call_history (unused: every statement of a report takes the same parameters),
-- $7 province, $8 start_at, $9 end_at, $10 hour (with a period or an hour, only the
-- attempts in it, still numbered among all the number's attempts), $11 none (a page's
-- filter: task_number.where.sql), $12 limit (NULL: all), $13 offset
SELECT n.number,
       n.id AS number_id,
       ns.label AS number_status_str,
       h.attempt,
       callreport_ts(h.call_time) AS call_time,
       hs.label AS status_str,
       h.status,
       h.call_status,
       coalesce(cs.label, h.call_status) AS call_status_str,
       h.duration,
       h.bill,
       h.hangup_cause,
       coalesce(hc.label, h.hangup_cause) AS hangup_cause_str,
       h.hangup_code,
       h.calling_number,
       h.call_id,
       h.record_file,
       c.city,
       p.city AS pro,
       o.label AS mobile_type,
       h.id,
       $6::int AS call_history_unused
  FROM numbers n
  LEFT JOIN regions c ON c.id = n.city_id AND c.user_id = $1::uuid
  LEFT JOIN regions p ON p.id = n.province_id AND p.user_id = $1::uuid
  LEFT JOIN status_labels ns ON ns.code = n.status
  LEFT JOIN label_sets o ON o.kind = 'operator' AND o.code = n.operator::text
  LEFT JOIN LATERAL (
    SELECT h.id, h.call_time, h.status, h.call_status, h.duration, h.bill,
           h.hangup_cause, h.hangup_code, h.calling_number, h.call_id, h.record_file,
           row_number() OVER (ORDER BY h.call_time, h.id) AS attempt
      FROM call_histories h
     WHERE h.number_id = n.id
       AND h.user_id = $1::uuid) h
    ON h.call_time >= CASE WHEN $8::timestamptz IS NULL THEN '-infinity'::timestamptz
                           ELSE $8::timestamptz END
   AND h.call_time < CASE WHEN $9::timestamptz IS NULL THEN 'infinity'::timestamptz
                          ELSE $9::timestamptz + interval '1 second' END
   AND ($10::int IS NULL OR extract(hour FROM h.call_time) = $10::int)
  LEFT JOIN status_labels hs ON hs.code = h.status
  LEFT JOIN label_sets cs ON cs.kind = 'call_status' AND cs.code = h.call_status
  LEFT JOIN label_sets hc ON hc.kind = 'hangupcause' AND hc.code = h.hangup_cause
 WHERE n.task_id = $2::uuid
   AND n.user_id = $1::uuid
   -- @include task_number.where
 ORDER BY n.id, h.attempt
 LIMIT $12::bigint OFFSET $13::bigint
