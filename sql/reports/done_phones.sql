-- done_phones: one page of a task's call records (POST v1/task/query_done_task_phones),
-- newest calldate first, then id; each with its tags, tag groups, level and regions.
-- $1 tenant, $2 task_id, $3 id, $4 levels int[][] (score intervals, any of, inclusive),
-- $5 keyword (substring of callee), $6 bills {lo,hi} in seconds, $7 rounds {lo,hi},
-- $8 tags uuid[] (any of), $9 start_at, $10 end_at, $11 hangupcause (an extension: the
-- overview's hangup-cause rows link here), then the pages' filters (F_PAGE: the JSON
-- never sets them), with which the overview's rows link here: $12 level uuid[] (level
-- ids, any of), $13 province int[] (region ids, any of), $14 operator int[] (1 移动,
-- 2 联通, 3 电信; any of), $15 none text[] (those without each named thing: level,
-- province and operator 0 or none, hangupcause empty or none), $16 dropoff (calls the
-- customer hung up, by the robot's last utterance: callreport_dropoff(), sql/schema.sql);
-- $17 limit (NULL: all), $18 offset.
-- The filters are done_phones.where.sql, the same text as in done_phones.count.sql.
--
-- bills: a call's talk time in whole seconds is bill ms / 1000 truncated, as a
-- client shows it ("31 秒" for 31319 ms), so [lo, hi] takes bill from lo*1000 to
-- hi*1000 + 999 ms: [0,9] and [10,19] meet without a gap or an overlap.
-- start_at/end_at are read in the transaction's TimeZone (the deployment's) and
-- hold whole seconds: end_at takes every call up to the end of that second.
--
-- The page is chosen first (the subquery r: filters, order, LIMIT/OFFSET over the
-- records_task_calldate index), and only its rows get their tags, groups and labels:
-- the rows skipped by OFFSET cost an index entry each, not their tags' subqueries.
-- A record's tags are read once (the lateral rtags) for both the JSON and the text of
-- HTML and XLSX, and so are its tags' groups (rgroups).
-- Labels are joins to label_sets, not callreport_label() calls (a call a row costs
-- more than the rest of the row).
SELECT rtags.tags,
       rgroups.tag_groups,
       og.label AS operator_name,
       -- @include record.columns
       coalesce(hc.label, r.hangupcause) AS hangupcause_str,
       l.name || '(' || l.alias || ')' AS level_name,
       CASE WHEN l.id IS NOT NULL THEN json_build_object(
         'id', l.id, 'name', l.name, 'alias', l.alias, 'color', l.color) END AS level,
       gg.label AS gender_str,
       hg.label AS hangup_disposition_str,
       CASE WHEN c.id IS NOT NULL THEN json_build_object(
         'id', c.id, 'pid', c.pid, 'city', c.city, 'area_code', c.area_code,
         'post_code', c.post_code, 'created_at', callreport_ts(c.created_at),
         'updated_at', callreport_ts(c.updated_at)) END AS city,
       CASE WHEN p.id IS NOT NULL THEN json_build_object(
         'id', p.id, 'pid', p.pid, 'city', p.city, 'area_code', p.area_code,
         'post_code', p.post_code, 'created_at', callreport_ts(p.created_at),
         'updated_at', callreport_ts(p.updated_at)) END AS province,
       -- HTML and XLSX only: the nested parts as text.
       rtags.tags_text,
       rgroups.tag_groups_text,
       p.city AS province_name,
       c.city AS city_name
  FROM (SELECT r.*
          FROM records r
         WHERE r.task_id = $2::uuid
           AND r.user_id = $1::uuid
           -- @include done_phones.where
         ORDER BY r.calldate DESC, r.id DESC
         LIMIT $17::bigint OFFSET $18::bigint) r
  LEFT JOIN levels l ON l.id = r.level_id AND l.user_id = $1::uuid
  LEFT JOIN regions c ON c.id = r.city_id AND c.user_id = $1::uuid
  LEFT JOIN regions p ON p.id = r.province_id AND p.user_id = $1::uuid
  LEFT JOIN label_sets og ON og.kind = 'operator' AND og.code = r.operator::text
  LEFT JOIN label_sets gg ON gg.kind = 'gender' AND gg.code = r.gender::text
  LEFT JOIN label_sets hg ON hg.kind = 'hangup' AND hg.code = r.hangup_disposition::text
  LEFT JOIN label_sets hc ON hc.kind = 'hangupcause' AND hc.code = r.hangupcause
  -- A record's tags, and its tags' groups, each read once for the JSON and the text.
  CROSS JOIN LATERAL (
        SELECT coalesce(json_agg(json_build_object(
                     'id', t.id,
                     'name', t.name,
                     'description', t.description,
                     'color', t.color,
                     'user_id', t.user_id,
                     'status', t.status,
                     'created_at', callreport_ts(t.created_at),
                     'updated_at', callreport_ts(t.updated_at),
                     'pivot', json_build_object(
                       'taggable_id', rt.record_id,
                       'tag_id', rt.tag_id,
                       'created_at', callreport_ts(rt.created_at),
                       'updated_at', callreport_ts(rt.updated_at)),
                     'tag_groups', (
                       SELECT coalesce(json_agg(callreport_tag_group_json(g)
                                ORDER BY g.created_at, g.id), '[]')
                         FROM tag_group_tags gt
                         JOIN tag_groups g ON g.id = gt.tag_group_id AND g.user_id = $1::uuid
                        WHERE gt.tag_id = t.id AND gt.user_id = $1::uuid))
                     ORDER BY rt.created_at, t.created_at, t.id), '[]') AS tags,
               string_agg(t.name, '、' ORDER BY rt.created_at, t.created_at, t.id) AS tags_text
          FROM record_tags rt
          JOIN tags t ON t.id = rt.tag_id AND t.user_id = $1::uuid
         WHERE rt.record_id = r.id AND rt.user_id = $1::uuid) rtags
  CROSS JOIN LATERAL (
        SELECT coalesce(json_agg(callreport_tag_group_json(g)
                 ORDER BY g.created_at, g.id), '[]') AS tag_groups,
               string_agg(g.name, '、' ORDER BY g.created_at, g.id) AS tag_groups_text
          FROM tag_groups g
         WHERE g.user_id = $1::uuid
           AND g.id IN (SELECT gt.tag_group_id
                          FROM record_tags rt
                          JOIN tag_group_tags gt ON gt.tag_id = rt.tag_id AND gt.user_id = $1::uuid
                         WHERE rt.record_id = r.id AND rt.user_id = $1::uuid)) rgroups
 ORDER BY r.calldate DESC, r.id DESC
