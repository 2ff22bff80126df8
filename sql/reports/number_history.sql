-- number_history: every call attempt on one number, newest first (GET /numbers/{number_id}/history),
-- with the call record the attempt became (the same task and call id), if any.
-- $1 tenant, $2 number_id, $3 limit (NULL: all), $4 offset
SELECT h.id,
       h.task_id,
       h.call_id,
       h.number_id,
       h.number,
       callreport_ts(h.call_time) AS call_time,
       h.duration,
       h.hangup_cause,
       coalesce(hc.label, h.hangup_cause) AS hangup_cause_str,
       h.hangup_code,
       h.bill,
       h.call_status,
       coalesce(cs.label, h.call_status) AS call_status_str,
       h.status,
       h.record_file,
       h.calling_number,
       s.label AS status_str,
       (
         -- @include call_history.record
       ) AS record_id
  FROM call_histories h
  LEFT JOIN status_labels s ON s.code = h.status
  LEFT JOIN label_sets cs ON cs.kind = 'call_status' AND cs.code = h.call_status
  LEFT JOIN label_sets hc ON hc.kind = 'hangupcause' AND hc.code = h.hangup_cause
 WHERE h.number_id = $2::bigint
   AND h.user_id = $1::uuid
 ORDER BY h.call_time DESC, h.id DESC
 LIMIT $3::bigint OFFSET $4::bigint
