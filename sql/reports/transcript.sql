-- transcript: the page and workbook of record_info: the shown turns of one call, in order,
-- each with the call's facts. A transcript row (record_details) without asrprogress_notify
-- gives the customer's turn (question) and then the robot's (answer_content), each when
-- not empty; the row's keyword, tags and score go with its first turn. A call without
-- turns still gives one row (its facts); no row when the record is not the caller's.
-- $1 tenant, $2 task_id, $3 record_id
SELECT x.sequence,
       x.speaker,
       x.text,
       CASE WHEN x.first THEN x.keyword END AS keyword,
       x.answer_text,
       CASE WHEN x.first THEN x.tags END AS tags,
       CASE WHEN x.first THEN x.score END AS score,
       x.notify,
       coalesce(nl.label, x.notify) AS notify_str,
       r.id AS record_id,
       r.task_id,
       t.name AS task_name,
       r.callee,
       callreport_ts(r.calldate) AS calldate,
       r.bill,
       r.rounds,
       r.score AS record_score,
       l.name || '(' || l.alias || ')' AS level_name,
       callreport_label('gender', r.gender::text) AS gender_str,
       callreport_label('hangup', r.hangup_disposition::text) AS hangup_disposition_str,
       r.recordfile,
       -- The page only (pages.c): the number dialled, for the link to its history.
       (SELECT n.id
          FROM numbers n
         WHERE n.task_id = r.task_id
           AND n.number = r.callee
           AND n.user_id = $1::uuid
         ORDER BY n.callid IS NOT DISTINCT FROM r.callid DESC, n.id
         LIMIT 1) AS number_id
  FROM records r
  JOIN tasks t ON t.uuid = r.task_id AND t.user_id = $1::uuid
  LEFT JOIN levels l ON l.id = r.level_id AND l.user_id = $1::uuid
  LEFT JOIN LATERAL (
    SELECT d.sequence, d.id, k.turn, k.speaker, k.text, d.keyword, d.answer_text,
           d.score, d.notify,
           row_number() OVER (PARTITION BY d.id ORDER BY k.turn) = 1 AS first,
           (SELECT string_agg(tg.name, '、' ORDER BY dt.created_at, tg.created_at, tg.id)
              FROM record_detail_tags dt
              JOIN tags tg ON tg.id = dt.tag_id AND tg.user_id = $1::uuid
             WHERE dt.record_detail_id = d.id AND dt.user_id = $1::uuid) AS tags
      FROM record_details d
     CROSS JOIN LATERAL (VALUES (1, '客户', d.question),
                                (2, '机器人', d.answer_content)) AS k(turn, speaker, text)
     WHERE d.record_id = r.id
       AND d.user_id = $1::uuid
       AND d.notify <> 'asrprogress_notify'
       AND coalesce(k.text, '') <> '') AS x ON true
  LEFT JOIN label_sets nl ON nl.kind = 'notify' AND nl.code = x.notify
 WHERE r.id = $3::uuid
   AND r.task_id = $2::uuid
   AND r.user_id = $1::uuid
 ORDER BY x.sequence, x.id, x.turn
