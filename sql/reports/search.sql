-- search: find a number across every task of the tenant (GET /search?q=...): the whole
-- number or its last 4 or more digits. Every number row that ends with q and every call
-- attempt on such a number (call_histories), newest first: a number by the time of its
-- last call (one never called comes last), a call by its time, a number before its own
-- calls at the same time. Each with its task; a call with the call record it became.
-- $1 tenant, $2 q (4 to 20 digits), $3 limit (NULL: all), $4 offset
--
-- A number ends with q when its reversed text begins with reverse(q): the range
-- [reverse(q), reverse(q) || U+10FFFF) of number_rev is what the indexes numbers_search
-- and call_histories_search serve (text_pattern_ops compares bytes: every text that
-- begins with reverse(q) lies in it, and no other). The filters are search.count.sql's.
--
-- The page is chosen first (k): both indexes carry the time and ids the order needs, so
-- the rows of the range are sorted from the indexes alone (index-only scans: the last 4
-- digits of a year's numbers match thousands of rows, scattered over the tables), and only
-- the page's rows are then read, by their primary keys. Without parallel workers
-- (callreport_serial(): the generic plan guesses a range of tens of thousands of rows).
WITH k AS (
  SELECT 'number' AS kind, n.id AS number_id, NULL::bigint AS call_history_id, n.calldate AS at
    FROM numbers n
   WHERE n.user_id = $1::uuid
     AND n.number_rev ~>=~ reverse($2::text)
     AND n.number_rev ~<~ (reverse($2::text) || chr(1114111))
  UNION ALL
  SELECT 'call', h.number_id, h.id, h.call_time
    FROM call_histories h
   WHERE h.user_id = $1::uuid
     AND h.number_rev ~>=~ reverse($2::text)
     AND h.number_rev ~<~ (reverse($2::text) || chr(1114111))
     AND callreport_serial()
   ORDER BY at DESC NULLS LAST, kind DESC, number_id DESC, call_history_id DESC
   LIMIT $3::bigint OFFSET $4::bigint
), x AS (
  -- (Each kind joined to its own table: the call record of a call is looked up by the
  -- call's task and call id, both columns of records_task_callid.)
  SELECT k.kind, k.number_id, k.call_history_id, k.at, n.number, n.task_id, n.status,
         n.bill, n.hangupcause AS hangup_cause, NULL::uuid AS record_id
    FROM k
    JOIN numbers n ON n.id = k.number_id AND n.user_id = $1::uuid
   WHERE k.kind = 'number'
  UNION ALL
  SELECT k.kind, k.number_id, k.call_history_id, k.at, h.number, h.task_id, h.status,
         h.bill, h.hangup_cause,
         (
           -- @include call_history.record
         )
    FROM k
    JOIN call_histories h ON h.id = k.call_history_id AND h.user_id = $1::uuid
   WHERE k.kind = 'call'
)
SELECT x.kind,
       CASE x.kind WHEN 'number' THEN '号码' ELSE '呼叫' END AS kind_str,
       x.number,
       x.task_id,
       t.name AS task_name,
       callreport_ts(x.at) AS call_time,
       x.status,
       s.label AS status_str,
       x.bill,
       x.hangup_cause,
       coalesce(hc.label, x.hangup_cause) AS hangup_cause_str,
       x.number_id,
       x.call_history_id,
       x.record_id
  FROM x
  JOIN tasks t ON t.uuid = x.task_id AND t.user_id = $1::uuid
  LEFT JOIN status_labels s ON s.code = x.status
  LEFT JOIN label_sets hc ON hc.kind = 'hangupcause' AND hc.code = x.hangup_cause
 ORDER BY x.at DESC NULLS LAST, x.kind DESC, x.number_id DESC, x.call_history_id DESC
