-- record: one call record in brief (GET v1/record/{record_id}); no row when it is not the caller's.
-- $1 tenant, $2 record_id
SELECT r.id,
       r.task_id,
       r.group_id,
       r.callid,
       r.score,
       r.callee,
       r.caller_number,
       r.duration,
       r.error_code,
       r.gender,
       r.level_id,
       callreport_ts(r.calldate) AS calldate,
       r.bill,
       r.hangupcause,
       callreport_ts(r.hangupdate) AS hangupdate,
       callreport_ts(r.answerdate) AS answerdate,
       r.recordfile,
       r.bridge_callid,
       r.bridge_number,
       callreport_ts(r.bridge_calldate) AS bridge_calldate,
       callreport_ts(r.bridge_answerdate) AS bridge_answerdate,
       r.hangup_disposition,
       callreport_ts(r.created_at) AS created_at,
       callreport_ts(r.updated_at) AS updated_at,
       r.rounds,
       l.name || '(' || l.alias || ')' AS level_name,
       r.bredge_number,
       callreport_ts(r.read_at) AS read_at,
       coalesce(r.province_id, 0) AS province_id,   -- 0: unknown, as the platform writes it
       coalesce(r.city_id, 0) AS city_id,
       r.operator,
       callreport_label('gender', r.gender::text) AS gender_str,
       callreport_label('hangup', r.hangup_disposition::text) AS hangup_disposition_str,
       -- HTML and XLSX only.
       t.name AS task_name,
       (SELECT string_agg(tg.name, '、' ORDER BY rt.created_at, tg.created_at, tg.id)
          FROM record_tags rt
          JOIN tags tg ON tg.id = rt.tag_id AND tg.user_id = $1::uuid
         WHERE rt.record_id = r.id AND rt.user_id = $1::uuid) AS tags_text,
       callreport_label('operator', r.operator::text) AS operator_name,
       p.city AS province_name,
       c.city AS city_name
  FROM records r
  LEFT JOIN tasks t ON t.uuid = r.task_id AND t.user_id = $1::uuid
  LEFT JOIN levels l ON l.id = r.level_id AND l.user_id = $1::uuid
  LEFT JOIN regions c ON c.id = r.city_id
  LEFT JOIN regions p ON p.id = r.province_id
 WHERE r.id = $2::uuid
   AND r.user_id = $1::uuid
