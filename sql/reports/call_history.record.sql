-- call_history.record: the call record a call attempt (call_histories h) became, by its
-- task and call id (records_task_callid), the newest when several; NULL when none. An
-- expression, written once for the number history (number_history.sql) and the number
-- search (search.sql), spliced between parentheses. $1 tenant.
SELECT r.id
  FROM records r
 WHERE r.task_id = h.task_id
   AND r.callid = h.call_id
   AND r.user_id = $1::uuid
 ORDER BY r.calldate DESC, r.id DESC
 LIMIT 1
