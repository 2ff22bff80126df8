-- filter_names: the names a workbook writes for the ids and codes its filters were given
-- (issue 17: its summary and page header name them, never a UUID). $1 tenant, $2 tags
-- (uuid[]), $3 number statuses (int[]), $4 operators (int[], the type filter's values),
-- and the pages' filters of the call records: $5 levels (uuid[], level's ids), $6 regions
-- (int[], province's ids), $7 operators (int[], operator's values), $8 the things none
-- names (text[]); a NULL array names nothing. One row a known value: field, code (as
-- text), name.
SELECT 'tags' AS field, t.id::text AS code, t.name
  FROM tags t
 WHERE $2::uuid[] IS NOT NULL AND t.user_id = $1::uuid AND t.id = ANY ($2::uuid[])
UNION ALL
SELECT 'status', s.code::text, s.label
  FROM status_labels s
 WHERE s.code = ANY ($3::int[])
UNION ALL
SELECT 'type', l.code, l.label
  FROM label_sets l
 WHERE l.kind = 'operator' AND l.code = ANY ($4::int[]::text[])
UNION ALL
SELECT 'level', l.id::text, l.name || '(' || l.alias || ')'
  FROM levels l
 WHERE $5::uuid[] IS NOT NULL AND l.user_id = $1::uuid AND l.id = ANY ($5::uuid[])
UNION ALL
SELECT 'province', p.id::text, p.city
  FROM regions p
 WHERE $6::int[] IS NOT NULL AND p.user_id = $1::uuid AND p.id = ANY ($6::int[])
UNION ALL
SELECT 'operator', l.code, l.label
  FROM label_sets l
 WHERE l.kind = 'operator' AND l.code = ANY ($7::int[]::text[])
UNION ALL
SELECT 'none', x.code, x.name
  FROM (VALUES ('level', '意向等级'), ('province', '省份'), ('operator', '运营商'),
               ('hangupcause', '挂断原因')) AS x(code, name)
 WHERE x.code = ANY ($8::text[])
