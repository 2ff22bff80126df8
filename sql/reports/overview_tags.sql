-- overview_tags: the ten tags most often put on the task's call records.
-- $1 tenant, $2 task uuid, $3 start_at, $4 end_at (calldate, inclusive; NULL: the whole life). Columns: id, label, count, base (every record of the task), color.
WITH rec AS (
  SELECT r.id FROM records r WHERE r.task_id = $2::uuid AND r.user_id = $1::uuid
    AND ($3::timestamptz IS NULL OR r.calldate >= $3::timestamptz)
    AND ($4::timestamptz IS NULL OR r.calldate < $4::timestamptz + interval '1 second'))
SELECT g.id,
       g.name AS label,
       count(*) AS count,
       (SELECT count(*) FROM rec) AS base,
       CASE WHEN g.color ~ '^#[0-9A-Fa-f]{3,8}$' THEN g.color END AS color
  FROM rec
  JOIN record_tags rt ON rt.record_id = rec.id AND rt.user_id = $1::uuid
  JOIN tags g ON g.id = rt.tag_id AND g.user_id = $1::uuid
 GROUP BY g.id, g.name, g.color
 ORDER BY count(*) DESC, g.name, g.id
 LIMIT 10
