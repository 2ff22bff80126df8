-- done_phones.select: the columns of a page of call records (done_phones.sql, and its deep
-- pages' done_phones.deep.sql), over the page's records r and the joins of done_phones.joins.
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
