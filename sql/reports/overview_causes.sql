-- overview_causes: the task's call records by hangup cause (hangupcause), most first, each
-- with its Chinese label (label_sets, kind hangupcause; a code without one as it is).
-- $1 tenant, $2 task uuid, $3 start_at, $4 end_at (calldate, inclusive; NULL: the whole
-- life). Columns: code (NULL: none recorded, or empty), label, count, base (every record
-- of the period), link (the code again: the records page's hangupcause lists the row's
-- calls; NULL: none[]=hangupcause lists them). A period of whole days, and the whole life,
-- are counted from the rollups (rollup_counts, dim 'cause', '' for none; sql/schema.sql), else from the records.
WITH c AS (
  SELECT nullif(x.code, '') AS code, x.n AS n
    FROM callreport_rollup_counts($1::uuid, $2::uuid, 'cause', $3::timestamptz,
                                  $4::timestamptz) x
  UNION ALL
  SELECT nullif(r.hangupcause, ''), count(*)
    FROM records r
   WHERE NOT callreport_rollup_span($1::uuid, $3::timestamptz, $4::timestamptz)
     AND r.task_id = $2::uuid AND r.user_id = $1::uuid
     AND ($3::timestamptz IS NULL OR r.calldate >= $3::timestamptz)
     AND ($4::timestamptz IS NULL OR r.calldate < $4::timestamptz + interval '1 second')
   GROUP BY 1)
SELECT c.code,
       coalesce(l.label, c.code, '（未记录）') AS label,
       c.n AS count,
       sum(c.n) OVER () AS base,
       c.code AS link
  FROM c
  LEFT JOIN label_sets l ON l.kind = 'hangupcause' AND l.code = c.code
 ORDER BY c.n DESC, c.code NULLS LAST
