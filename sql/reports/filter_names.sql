-- filter_names: the names a workbook writes for the ids and codes its filters were given
-- (issue 17: its summary and page header name them, never a UUID). $1 tenant, $2 tags
-- (uuid[]), $3 number statuses (int[]), $4 operators (int[], the type filter's values);
-- a NULL array names nothing. One row a known value: field, code (as text), name.
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
