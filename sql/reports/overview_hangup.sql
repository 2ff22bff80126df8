-- overview_hangup: where in the script customers hung up. For each call record the customer
-- ended (hangup_disposition 2), the last robot utterance before the hang-up: the answer of
-- the last shown transcript row (not asrprogress_notify) in which the robot spoke. Counted
-- per utterance, the twelve most frequent. $1 tenant, $2 task uuid, $3 start_at,
-- $4 end_at (calldate, inclusive; NULL: the task's whole life).
-- Columns: label (the utterance's name), count, base (every customer hang-up).
WITH h AS (
  SELECT (SELECT coalesce(nullif(d.answer_text, ''), '（未命名话术）')
            FROM record_details d
           WHERE d.record_id = r.id
             AND d.user_id = $1::uuid
             AND d.notify <> 'asrprogress_notify'
             AND coalesce(d.answer_content, '') <> ''
           ORDER BY d.sequence DESC, d.id DESC
           LIMIT 1) AS label
    FROM records r
   WHERE r.task_id = $2::uuid
     AND r.user_id = $1::uuid
     AND r.hangup_disposition = 2
     AND ($3::timestamptz IS NULL OR r.calldate >= $3::timestamptz)
     AND ($4::timestamptz IS NULL OR r.calldate < $4::timestamptz + interval '1 second'))
SELECT coalesce(h.label, '（机器人未开口）') AS label,
       count(*) AS count,
       sum(count(*)) OVER () AS base
  FROM h
 GROUP BY 1
 ORDER BY count(*) DESC, 1
 LIMIT 12
