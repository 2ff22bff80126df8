-- overview_tag_groups: the ten tag groups (母标签) most often reached by the tags on the
-- task's call records; a record counts once per group. $1 tenant, $2 task uuid, $3 start_at, $4 end_at (calldate, inclusive; NULL: the whole life).
-- Columns: id, label, count, base (every record of the task), q (the records page's
-- tags filter for the group's tags, a query string).
WITH rec AS (
  SELECT r.id FROM records r WHERE r.task_id = $2::uuid AND r.user_id = $1::uuid
    AND ($3::timestamptz IS NULL OR r.calldate >= $3::timestamptz)
    AND ($4::timestamptz IS NULL OR r.calldate < $4::timestamptz + interval '1 second'))
SELECT tg.id,
       tg.name AS label,
       count(DISTINCT rec.id) AS count,
       (SELECT count(*) FROM rec) AS base,
       (SELECT string_agg('tags%5B%5D=' || x.tag_id, '&' ORDER BY x.tag_id)
          FROM tag_group_tags x
         WHERE x.tag_group_id = tg.id AND x.user_id = $1::uuid) AS q
  FROM rec
  JOIN record_tags rt ON rt.record_id = rec.id AND rt.user_id = $1::uuid
  JOIN tag_group_tags gt ON gt.tag_id = rt.tag_id AND gt.user_id = $1::uuid
  JOIN tag_groups tg ON tg.id = gt.tag_group_id AND tg.user_id = $1::uuid
 GROUP BY tg.id, tg.name
 ORDER BY count(DISTINCT rec.id) DESC, tg.name, tg.id
 LIMIT 10
