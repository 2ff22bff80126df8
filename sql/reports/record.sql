-- record: one call record in brief (GET v1/record/{record_id}); no row when it is not the caller's.
-- $1 tenant, $2 record_id
--
-- Only the record is in FROM: its task, level, labels and regions are one-row subqueries,
-- not joins (every relation more in FROM lengthens the planner's join search, made again
-- for every custom plan), and labels are read from label_sets, not through
-- callreport_label() (a call costs more than the lookup).
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
       coalesce((SELECT x.label FROM label_sets x
                  WHERE x.kind = 'hangupcause' AND x.code = r.hangupcause),
                r.hangupcause) AS hangupcause_str,
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
       (SELECT l.name || '(' || l.alias || ')'
          FROM levels l
         WHERE l.id = r.level_id AND l.user_id = $1::uuid) AS level_name,
       r.bredge_number,
       callreport_ts(r.read_at) AS read_at,
       coalesce(r.province_id, 0) AS province_id,   -- 0: unknown, as the platform writes it
       coalesce(r.city_id, 0) AS city_id,
       r.operator,
       (SELECT x.label FROM label_sets x
         WHERE x.kind = 'gender' AND x.code = r.gender::text) AS gender_str,
       (SELECT x.label FROM label_sets x
         WHERE x.kind = 'hangup' AND x.code = r.hangup_disposition::text) AS hangup_disposition_str,
       -- HTML and XLSX only.
       (SELECT t.name
          FROM tasks t
         WHERE t.uuid = r.task_id AND t.user_id = $1::uuid) AS task_name,
       (SELECT string_agg(tg.name, '、' ORDER BY rt.created_at, tg.created_at, tg.id)
          FROM record_tags rt
          JOIN tags tg ON tg.id = rt.tag_id AND tg.user_id = $1::uuid
         WHERE rt.record_id = r.id AND rt.user_id = $1::uuid) AS tags_text,
       (SELECT x.label FROM label_sets x
         WHERE x.kind = 'operator' AND x.code = r.operator::text) AS operator_name,
       (SELECT p.city FROM regions p WHERE p.id = r.province_id) AS province_name,
       (SELECT c.city FROM regions c WHERE c.id = r.city_id) AS city_name
  FROM records r
 WHERE r.id = $2::uuid
   AND r.user_id = $1::uuid
