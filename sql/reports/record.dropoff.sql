-- record.dropoff: where a call (records r) stood when it ended: the name of the robot's last
-- utterance, the answer of the last shown transcript row (not asrprogress_notify) in which
-- the robot spoke; '（未命名话术）' for an utterance without a name, '（机器人未开口）' when the
-- robot never spoke. An expression of r and $1 (the tenant), written once for the
-- overview's drop-off rows (overview_hangup.sql, the calls the customer hung up) and the
-- call records page's filter dropoff (done_phones.where.sql), so that a row and the list
-- it links to cannot disagree. Its rows by record_details_record (record_id, sequence).
coalesce((SELECT coalesce(nullif(d.answer_text, ''), '（未命名话术）')
            FROM record_details d
           WHERE d.record_id = r.id
             AND d.user_id = $1::uuid
             AND d.notify <> 'asrprogress_notify'
             AND coalesce(d.answer_content, '') <> ''
           ORDER BY d.sequence DESC, d.id DESC
           LIMIT 1), '（机器人未开口）')
