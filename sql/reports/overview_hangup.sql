-- overview_hangup: where in the script customers hung up (the drop-off). For each call record
-- the customer ended (hangup_disposition 2), the last robot utterance before the hang-up
-- (record.dropoff.sql). Counted per utterance, the twelve most frequent. $1 tenant, $2 task
-- uuid, $3 start_at, $4 end_at (calldate, inclusive; NULL: the task's whole life).
-- Columns: label (the utterance's name), count, base (every customer hang-up), link (the
-- label again: the records page's dropoff, which lists exactly the row's calls).
WITH h AS (
  SELECT
         -- @include record.dropoff
         AS label
    FROM records r
   WHERE r.task_id = $2::uuid
     AND r.user_id = $1::uuid
     AND r.hangup_disposition = 2
     AND ($3::timestamptz IS NULL OR r.calldate >= $3::timestamptz)
     AND ($4::timestamptz IS NULL OR r.calldate < $4::timestamptz + interval '1 second'))
SELECT h.label,
       count(*) AS count,
       sum(count(*)) OVER () AS base,
       h.label AS link
  FROM h
 GROUP BY 1
 ORDER BY count(*) DESC, 1
 LIMIT 12
