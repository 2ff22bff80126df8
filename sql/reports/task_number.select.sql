-- task_number.select: the columns of a page of a task's numbers (task_number.sql, and its
-- deep pages' task_number.deep.sql), over the page's numbers n and task_number.joins.
SELECT n.number,
       c.city,
       p.city AS pro,
       o.label AS mobile_type,
       c.area_code,
       c.post_code,
       n.id,
       s.label AS status_str,
       n.callid,
       callreport_ts(n.calldate) AS calldate,
       n.bill,
       n.duration,
       n.hangupcause,
       coalesce(hc.label, n.hangupcause) AS hangupcause_str,
       callreport_ts(n.hangupdate) AS hangupdate,
       callreport_ts(n.answerdate) AS answerdate,
       n.is_blacklist,
       n.status,
       (SELECT count(*) FROM call_histories h
         WHERE h.number_id = n.id AND h.user_id = $1::uuid) AS attempts,
       CASE WHEN $6::int = 1 THEN (
         SELECT coalesce(json_agg(json_build_object(
                  'id', h.id,
                  'user_id', h.user_id,
                  'task_id', h.task_id,
                  'call_id', h.call_id,
                  'number_id', h.number_id,
                  'number', h.number,
                  'call_time', callreport_ts(h.call_time),
                  'duration', h.duration,
                  'hangup_cause', h.hangup_cause,
                  'hangup_code', h.hangup_code,
                  'bill', h.bill,
                  'call_status', h.call_status,
                  'status', h.status,
                  'record_file', h.record_file,
                  'calling_number', h.calling_number,
                  'province_id', h.province_id,
                  'city_id', h.city_id,
                  'operator', h.operator,
                  'created_at', callreport_ts(h.created_at),
                  'updated_at', callreport_ts(h.updated_at),
                  'status_str', hs.label)
                  ORDER BY h.call_time DESC, h.id DESC), '[]')
           FROM call_histories h
           LEFT JOIN status_labels hs ON hs.code = h.status
          WHERE h.number_id = n.id
            AND h.user_id = $1::uuid)
       END AS call_history
