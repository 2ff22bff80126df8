-- done_phones.joins: what the columns of done_phones.select join to a page's records r: labels,
-- regions, tags and their groups; then the page's order (done_phones.sql says why each is so).
-- The tags and groups as JSON objects only for a JSON answer (callreport_json(): a page or
-- a workbook shows their names, tags_text and tag_groups_text; sql/schema.sql).
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
                     ORDER BY rt.created_at, t.created_at, t.id)
                 FILTER (WHERE callreport_json()), '[]') AS tags,
               string_agg(t.name, '、' ORDER BY rt.created_at, t.created_at, t.id) AS tags_text
          FROM record_tags rt
          JOIN tags t ON t.id = rt.tag_id AND t.user_id = $1::uuid
         WHERE rt.record_id = r.id AND rt.user_id = $1::uuid) rtags
  CROSS JOIN LATERAL (
        SELECT coalesce(json_agg(callreport_tag_group_json(g) ORDER BY g.created_at, g.id)
                 FILTER (WHERE callreport_json()), '[]') AS tag_groups,
               string_agg(g.name, '、' ORDER BY g.created_at, g.id) AS tag_groups_text
          FROM tag_groups g
         WHERE g.user_id = $1::uuid
           AND g.id IN (SELECT gt.tag_group_id
                          FROM record_tags rt
                          JOIN tag_group_tags gt ON gt.tag_id = rt.tag_id AND gt.user_id = $1::uuid
                         WHERE rt.record_id = r.id AND rt.user_id = $1::uuid)) rgroups
 ORDER BY r.calldate DESC, r.id DESC
