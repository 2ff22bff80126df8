-- overview_causes: the task's call records by hangup cause (hangupcause), most first, each
-- with its Chinese label (label_sets, kind hangupcause; a code without one as it is).
-- $1 tenant, $2 task uuid, $3 start_at, $4 end_at (calldate, inclusive; NULL: the whole
-- life). Columns: code (NULL: none recorded, or empty), label, count, base (every record
-- of the period), link (the code again: the records page's hangupcause lists the row's
-- calls; NULL: none[]=hangupcause lists them).
SELECT nullif(r.hangupcause, '') AS code,
       coalesce(l.label, nullif(r.hangupcause, ''), '（未记录）') AS label,
       count(*) AS count,
       sum(count(*)) OVER () AS base,
       nullif(r.hangupcause, '') AS link
  FROM records r
  LEFT JOIN label_sets l ON l.kind = 'hangupcause' AND l.code = r.hangupcause
 WHERE r.task_id = $2::uuid AND r.user_id = $1::uuid
   AND ($3::timestamptz IS NULL OR r.calldate >= $3::timestamptz)
   AND ($4::timestamptz IS NULL OR r.calldate < $4::timestamptz + interval '1 second')
 GROUP BY nullif(r.hangupcause, ''), l.label
 ORDER BY count(*) DESC, nullif(r.hangupcause, '') NULLS LAST
