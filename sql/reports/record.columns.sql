-- record.columns: a call record's own columns (records r) under their v1 names, written
-- once for the two statements that list them, record.sql and done_phones.sql (spliced in by
-- scripts/embed-sql.sh). Its level and labels follow it, each statement its own way (a
-- join for a page of rows, one-row subqueries for one record). record_info.sql has the
-- same keys as json_build_object pairs, a text of its own: a JSON document.
-- Every line ends with a comma: more columns follow.
r.id,
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
r.bredge_number,
callreport_ts(r.read_at) AS read_at,
coalesce(r.province_id, 0) AS province_id,   -- 0: unknown, as the platform writes it
coalesce(r.city_id, 0) AS city_id,
r.operator,
