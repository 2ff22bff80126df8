-- overview_hangup: where in the script customers hung up (the drop-off). For each call record
-- the customer ended (hangup_disposition 2), the robot's last utterance before the hang-up
-- (callreport_dropoff(), sql/schema.sql). Counted per utterance, the twelve most frequent.
-- $1 tenant, $2 task uuid, $3 start_at, $4 end_at (calldate, inclusive; NULL: the task's
-- whole life). Columns: label (the utterance's name), count, base (every customer
-- hang-up), link (the label again: the records page's dropoff, which lists exactly the
-- row's calls). A period of whole days, and the whole life, are counted from the rollups
-- (rollup_counts, dim 'dropoff'), any other period from the records.
WITH h AS (
  SELECT x.code AS label, x.n AS n
    FROM callreport_rollup_counts($1::uuid, $2::uuid, 'dropoff', $3::timestamptz,
                                  $4::timestamptz) x
  UNION ALL
  SELECT callreport_dropoff(r.id, $1::uuid), count(*)
    FROM records r
   WHERE NOT callreport_rollup_span($1::uuid, $3::timestamptz, $4::timestamptz)
     AND r.task_id = $2::uuid
     AND r.user_id = $1::uuid
     AND r.hangup_disposition = 2
     AND ($3::timestamptz IS NULL OR r.calldate >= $3::timestamptz)
     AND ($4::timestamptz IS NULL OR r.calldate < $4::timestamptz + interval '1 second')
   GROUP BY 1)
SELECT h.label,
       h.n AS count,
       sum(h.n) OVER () AS base,
       h.label AS link
  FROM h
 ORDER BY h.n DESC, 1
 LIMIT 12
