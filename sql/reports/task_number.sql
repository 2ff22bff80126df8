-- task_number: one page of a task's numbers (GET v1/task/number), ascending id.
-- $1 tenant, $2 task_id, $3 status int[], $4 keyword, $5 operator int[],
-- $6 call_history (1: embed attempts), $7 province, $8 start_at, $9 end_at, $10 hour
-- (pages' extensions: task_number.where.sql), $11 none (a page's filter, never the
-- JSON's: task_number.where.sql), $12 limit (NULL: all), $13 offset
--
-- The page is chosen first (the subquery n), and only its rows get their regions,
-- labels and attempts. Its task test is "= ANY (ARRAY[$2])" and its order
-- (task_id, id) on purpose: with "task_id = $2" the planner may walk the primary key
-- in id order and filter on the task, reading every number of the tasks imported
-- before this one (milliseconds per thousand); this way only an index that begins
-- with task_id gives the order, and the walk starts at the task's first number.
-- Both ORDER BYs are the same text: a sort= of the page replaces both (report.c).
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
  FROM (SELECT n.*
          FROM numbers n
         WHERE n.task_id = ANY (ARRAY[$2::uuid])
           AND n.user_id = $1::uuid
           -- @include task_number.where
         ORDER BY n.task_id, n.id
         LIMIT $12::bigint OFFSET $13::bigint) n
  LEFT JOIN regions c ON c.id = n.city_id AND c.user_id = $1::uuid
  LEFT JOIN regions p ON p.id = n.province_id AND p.user_id = $1::uuid
  LEFT JOIN status_labels s ON s.code = n.status
  -- callreport_label() as a join: a function call a row costs more than the rest of the row.
  LEFT JOIN label_sets o ON o.kind = 'operator' AND o.code = n.operator::text
  LEFT JOIN label_sets hc ON hc.kind = 'hangupcause' AND hc.code = n.hangupcause
 ORDER BY n.task_id, n.id
