-- usable_tags: the tenant's enabled tags (GET v1/tag/usable_tags), each with its parent
-- groups (tag_group) and each group's scene (tag_scene); oldest tag first.
-- A disabled tag (status false) cannot be put on a call, so it is not usable.
-- $1 tenant
--
-- A tag's three group columns come from one subquery (x) that reads its groups once, not
-- from three subqueries each reading them again. x aggregates without GROUP BY, so every
-- tag gets one row of it: a tag without groups gets tag_group [] and NULL texts.
SELECT t.id,
       t.name,
       t.description,
       t.color,
       t.user_id,
       t.status,
       callreport_ts(t.created_at) AS created_at,
       callreport_ts(t.updated_at) AS updated_at,
       coalesce(x.tag_group, '[]') AS tag_group,
       -- HTML and XLSX only.
       x.tag_group_text,
       x.tag_scene_text
  FROM tags t
  CROSS JOIN LATERAL (
    SELECT json_agg(json_build_object(
             'id', g.id,
             'user_id', g.user_id,
             'name', g.name,
             'created_at', callreport_ts(g.created_at),
             'updated_at', callreport_ts(g.updated_at),
             'tag_scene_id', g.tag_scene_id,
             'tag_scene', CASE WHEN s.id IS NOT NULL THEN json_build_object(
               'id', s.id,
               'user_id', s.user_id,
               'name', s.name,
               'created_at', callreport_ts(s.created_at),
               'updated_at', callreport_ts(s.updated_at)) END)
             ORDER BY g.created_at, g.id) AS tag_group,
           string_agg(g.name, '、' ORDER BY g.created_at, g.id) AS tag_group_text,
           -- A group without a scene of the tenant adds nothing (string_agg skips NULL).
           string_agg(DISTINCT s.name, '、') AS tag_scene_text
      FROM tag_group_tags gt
      JOIN tag_groups g ON g.id = gt.tag_group_id AND g.user_id = $1::uuid
      LEFT JOIN tag_scenes s ON s.id = g.tag_scene_id AND s.user_id = $1::uuid
     WHERE gt.tag_id = t.id AND gt.user_id = $1::uuid) AS x
 WHERE t.user_id = $1::uuid
   AND t.status
 ORDER BY t.created_at, t.id
