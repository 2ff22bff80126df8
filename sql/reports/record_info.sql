-- record_info: the whole answer of GET v1/task/record_info/{task_id}/{record_id}, one JSON
-- document (keys in the vendor's order); no row when the record is not the caller's or not
-- of that task. $1 tenant, $2 task_id, $3 record_id
--
-- records: every transcript row, every notify kind (clients drop asrprogress_notify
-- themselves, as the vendor document tells them), ascending sequence.
-- The intervention and CRM parts are constants: callreport keeps no live-call state
-- (transfer targets, forced hang-ups) and no CRM, and the vendor document says clients
-- do not use them: is_intervene_* false, intervene_number [], is_crm_exists false,
-- info.record.crm_number null.
--
-- One record: its labels, regions and task progress are one-row subqueries, not joins
-- (every relation more in the outer FROM lengthens the planner's join search, made again
-- for every custom plan), and labels are read from label_sets, not through
-- callreport_label() (a call costs more than the lookup); the utterances' labels, one
-- a row, are joins to label_sets.
SELECT json_build_object(
  'records', (
    SELECT coalesce(json_agg(json_build_object(
             'id', d.id,
             'record_id', d.record_id,
             'task_id', d.task_id,
             'notify', d.notify,
             'callid', d.callid,
             'error_code', d.error_code,
             'asrtype', d.asrtype,
             'callee', d.callee,
             'gender', d.gender,
             'asr_elapse', d.asr_elapse,
             'record_ms', d.record_ms,
             'volume_gain', d.volume_gain,
             'question', d.question,
             'question_index', d.question_index,
             'speak_ms', d.speak_ms,
             'play_ms', d.play_ms,
             'keyword', d.keyword,
             'answer_id', d.answer_id,
             'answer_text', d.answer_text,
             'word_class', d.word_class,
             'score', d.score,
             'sequence', d.sequence,
             'created_at', callreport_ts(d.created_at),
             'updated_at', callreport_ts(d.updated_at),
             'bridge_status', d.bridge_status,
             'answer_content', d.answer_content,
             -- contents keep every key, the vendor's first and in its order.
             'contents', (
               SELECT coalesce(json_agg(CASE WHEN jsonb_typeof(e.c) = 'object' THEN (
                        SELECT coalesce(json_object_agg(k.key, k.value ORDER BY
                                 array_position(ARRAY['id', 'file_id', 'sort', 'status',
                                   'translate_text', 'wav_second'], k.key), k.key), '{}')
                          FROM jsonb_each(e.c) AS k)
                        ELSE e.c::json END ORDER BY e.n), '[]')
                 FROM jsonb_array_elements(CASE WHEN jsonb_typeof(d.contents) = 'array'
                        THEN d.contents ELSE '[]' END) WITH ORDINALITY AS e(c, n)),
             'tags', (
               SELECT coalesce(json_agg(json_build_object(
                        'id', t.id,
                        'name', t.name,
                        'description', t.description,
                        'color', t.color,
                        'user_id', t.user_id,
                        'status', t.status,
                        'created_at', callreport_ts(t.created_at),
                        'updated_at', callreport_ts(t.updated_at),
                        'pivot', json_build_object(
                          'taggable_id', dt.record_detail_id,
                          'tag_id', dt.tag_id,
                          'created_at', callreport_ts(dt.created_at),
                          'updated_at', callreport_ts(dt.updated_at)),
                        'tag_group', (
                          SELECT coalesce(json_agg(callreport_tag_group_json(g)
                                   ORDER BY g.created_at, g.id), '[]')
                            FROM tag_group_tags gt
                            JOIN tag_groups g ON g.id = gt.tag_group_id AND g.user_id = $1::uuid
                           WHERE gt.tag_id = t.id AND gt.user_id = $1::uuid))
                        ORDER BY dt.created_at, t.created_at, t.id), '[]')
                 FROM record_detail_tags dt
                 JOIN tags t ON t.id = dt.tag_id AND t.user_id = $1::uuid
                WHERE dt.record_detail_id = d.id AND dt.user_id = $1::uuid))
             ORDER BY d.sequence, d.id), '[]')
      FROM record_details d
     WHERE d.record_id = r.id
       AND d.user_id = $1::uuid),
  'is_intervene_bridge', false,
  'is_intervene_hangup', false,
  'intervene_number', '[]'::json,
  'is_crm_exists', false,
  'info', json_build_object(
    'record', json_build_object(
      'id', r.id,
      'task_id', r.task_id,
      'group_id', r.group_id,
      'callid', r.callid,
      'score', r.score,
      'callee', r.callee,
      'caller_number', r.caller_number,
      'duration', r.duration,
      'error_code', r.error_code,
      'gender', r.gender,
      'level_id', r.level_id,
      'calldate', callreport_ts(r.calldate),
      'bill', r.bill,
      'hangupcause', r.hangupcause,
      'hangupdate', callreport_ts(r.hangupdate),
      'answerdate', callreport_ts(r.answerdate),
      'recordfile', r.recordfile,
      'bridge_callid', r.bridge_callid,
      'bridge_number', r.bridge_number,
      'bridge_calldate', callreport_ts(r.bridge_calldate),
      'bridge_answerdate', callreport_ts(r.bridge_answerdate),
      'hangup_disposition', r.hangup_disposition,
      'created_at', callreport_ts(r.created_at),
      'updated_at', callreport_ts(r.updated_at),
      'rounds', r.rounds,
      'level_name', l.name || '(' || l.alias || ')',
      'bredge_number', r.bredge_number,
      'gender_str', (
        SELECT x.label FROM label_sets x WHERE x.kind = 'gender' AND x.code = r.gender::text),
      'hangup_disposition_str', (
        SELECT x.label FROM label_sets x
         WHERE x.kind = 'hangup' AND x.code = r.hangup_disposition::text),
      'level', CASE WHEN l.id IS NOT NULL THEN json_build_object(
                 'id', l.id, 'name', l.name, 'alias', l.alias, 'color', l.color) END,
      'crm_number', NULL),
    'task', json_build_object(
      'uuid', t.uuid,
      'name', t.name,
      'create_datetime', callreport_ts(t.create_datetime),
      'alter_datetime', callreport_ts(t.alter_datetime),
      'start', t.start,
      'maximumcall', t.maximumcall,
      'call_per_second', t.call_per_second,
      'recycle_limit', t.recycle_limit,
      'random_assignment_number', t.random_assignment_number,
      'disable_dial_timegroup', t.disable_dial_timegroup,
      'destination_extension', t.destination_extension,
      'destination_dialplan', t.destination_dialplan,
      'destination_context', t.destination_context,
      'scheduling_policy_ratio', t.scheduling_policy_ratio,
      'scheduling_queue', t.scheduling_queue,
      'dial_format', t.dial_format,
      'domain', t.domain,
      'remark', t.remark,
      'sort', t.sort,
      'originate_variables', t.originate_variables,
      '_originate_timeout', t._originate_timeout,
      '_origination_caller_id_number', t._origination_caller_id_number,
      'user_id', t.user_id,
      'caller_line_id', t.caller_line_id,
      'customer_service_id', t.customer_service_id,
      'call_notify_url', t.call_notify_url,
      'call_notify_type', t.call_notify_type,
      'start_str', (
        SELECT x.label FROM label_sets x WHERE x.kind = 'task_start' AND x.code = t.start::text),
      'group_str', g.name,
      'progress_bar', (
        SELECT json_build_object(
                 'total', pb.total,
                 'progress', pb.progress,
                 'percent', CASE WHEN pb.total = 0 THEN 0 ELSE 100 * pb.progress / pb.total END)
          FROM (SELECT coalesce(sum(c.n), 0) AS total,
                       coalesce(sum(c.n) FILTER (WHERE c.status <> 0), 0) AS progress
                  FROM task_number_counts c
                 WHERE c.task_id = t.uuid
                   AND c.user_id = $1::uuid) AS pb),
      'group', CASE WHEN g.id IS NOT NULL THEN json_build_object(
        'id', g.id,
        'name', g.name,
        'user_id', g.user_id,
        'debug', g.debug,
        'deleted_at', callreport_ts(g.deleted_at),
        'created_at', callreport_ts(g.created_at),
        'updated_at', callreport_ts(g.updated_at),
        'link_word_group_id', g.link_word_group_id,
        'tag_scene_id', g.tag_scene_id,
        'default', g."default") END)),
  'mobile_info', json_build_object(
    'mobile_type', (
      SELECT x.label FROM label_sets x WHERE x.kind = 'operator' AND x.code = r.operator::text),
    'province', (SELECT p.city FROM regions p WHERE p.id = r.province_id AND p.user_id = $1::uuid),
    'city', (SELECT c.city FROM regions c WHERE c.id = r.city_id AND c.user_id = $1::uuid)),
  -- The main flows (word_class 16) of the script group the call used.
  'utterances', (
    SELECT coalesce(json_agg(json_build_object(
             'id', u.id,
             'name', u.name,
             'description', u.description,
             'group_id', u.group_id,
             'user_id', u.user_id,
             'context_id', u.context_id,
             'priority', u.priority,
             'action', u.action,
             'word_class', u.word_class,
             'wait', u.wait,
             'retry', u.retry,
             'max_retry', u.max_retry,
             'score', u.score,
             'play_ms', u.play_ms,
             'enquire', u.enquire,
             'customer_service_id', u.customer_service_id,
             'identify_type', u.identify_type,
             'deleted_at', callreport_ts(u.deleted_at),
             'created_at', callreport_ts(u.created_at),
             'updated_at', callreport_ts(u.updated_at),
             'background_file_id', u.background_file_id,
             'block_asr', u.block_asr,
             'word_class_str', lw.label,
             'action_str', coalesce(la.label, u.action, ''))
             ORDER BY u.id), '[]')
      FROM utterances u
      LEFT JOIN label_sets lw ON lw.kind = 'word_class' AND lw.code = u.word_class::text
      LEFT JOIN label_sets la ON la.kind = 'action' AND la.code = coalesce(u.action, '')
     WHERE u.group_id = coalesce(r.group_id, t.group_id)
       AND u.user_id = $1::uuid
       AND u.word_class = 16
       AND u.deleted_at IS NULL)
) AS body
  FROM records r
  JOIN tasks t ON t.uuid = r.task_id AND t.user_id = $1::uuid
  LEFT JOIN groups g ON g.id = t.group_id AND g.user_id = $1::uuid
  LEFT JOIN levels l ON l.id = r.level_id AND l.user_id = $1::uuid
 WHERE r.id = $3::uuid
   AND r.task_id = $2::uuid
   AND r.user_id = $1::uuid
