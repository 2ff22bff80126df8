-- overview_tag_groups: the ten tag groups (母标签) most often reached by the tags on the
-- task's call records; a record counts once per group. $1 tenant, $2 task uuid, $3 start_at, $4 end_at (calldate, inclusive; NULL: the whole life).
-- Columns: id, label, count, base (every record of the task), q (the records page's
-- tags filter for the group's tags, a query string).
-- A period of whole days, and the whole life, are counted from the rollups (rollup_counts, dim 'tag_group'; its
-- base from rollup_days; sql/schema.sql).
WITH rec AS (
  SELECT r.id FROM records r WHERE r.task_id = $2::uuid AND r.user_id = $1::uuid
    AND NOT callreport_rollup_span($1::uuid, $3::timestamptz, $4::timestamptz)
    AND ($3::timestamptz IS NULL OR r.calldate >= $3::timestamptz)
    AND ($4::timestamptz IS NULL OR r.calldate < $4::timestamptz + interval '1 second')),
c AS (
  SELECT x.code::uuid AS group_id, x.n AS n
    FROM callreport_rollup_counts($1::uuid, $2::uuid, 'tag_group', $3::timestamptz,
                                  $4::timestamptz) x
  UNION ALL
  -- A record's tags by its key (record_tags_pkey), record by record, as overview_tags.sql
  -- reads them: never a scan of every tenant's tags.
  SELECT gt.tag_group_id, count(DISTINCT rec.id)
    FROM rec
    CROSS JOIN LATERAL (
      SELECT array_agg(rt.tag_id) AS ids
        FROM record_tags rt
       WHERE rt.record_id = rec.id AND rt.user_id = $1::uuid) a
    CROSS JOIN LATERAL unnest(a.ids) AS t(tag_id)
    JOIN tag_group_tags gt ON gt.tag_id = t.tag_id AND gt.user_id = $1::uuid
   GROUP BY 1)
SELECT tg.id,
       tg.name AS label,
       c.n AS count,
       CASE WHEN callreport_rollup_span($1::uuid, $3::timestamptz, $4::timestamptz)
            THEN (SELECT coalesce(sum(d.calls), 0) FROM rollup_days d
                   WHERE d.task_id = $2::uuid AND d.user_id = $1::uuid
                     AND d.day >= CASE WHEN $3::timestamptz IS NULL THEN '-infinity'::date
                                ELSE $3::timestamptz::date END
                     AND d.day <= CASE WHEN $4::timestamptz IS NULL THEN 'infinity'::date
                                ELSE $4::timestamptz::date END)
            ELSE (SELECT count(*) FROM rec) END AS base,
       (SELECT string_agg('tags%5B%5D=' || x.tag_id, '&' ORDER BY x.tag_id)
          FROM tag_group_tags x
         WHERE x.tag_group_id = tg.id AND x.user_id = $1::uuid) AS q
  FROM c
  JOIN tag_groups tg ON tg.id = c.group_id AND tg.user_id = $1::uuid
 ORDER BY c.n DESC, tg.name, tg.id
 LIMIT 10
