-- overview_tags: the ten tags most often put on the task's call records.
-- $1 tenant, $2 task uuid, $3 start_at, $4 end_at (calldate, inclusive; NULL: the whole life). Columns: id, label, count, base (every record of the task), color.
-- A record's tags are read by its key (record_tags_pkey), record by record, as the drop-off
-- reads a record's transcript (overview_hangup.sql): the cost is the period's records, never
-- a scan of every tenant's tags (a join the planner may hash; the array is no join it can).
-- A period of whole days, and the whole life, are counted from the rollups (rollup_counts, dim 'tag'; its base
-- from rollup_days; sql/schema.sql).
WITH rec AS (
  SELECT r.id FROM records r WHERE r.task_id = $2::uuid AND r.user_id = $1::uuid
    AND NOT callreport_rollup_span($1::uuid, $3::timestamptz, $4::timestamptz)
    AND ($3::timestamptz IS NULL OR r.calldate >= $3::timestamptz)
    AND ($4::timestamptz IS NULL OR r.calldate < $4::timestamptz + interval '1 second')),
c AS (
  SELECT x.code::uuid AS tag_id, x.n AS n
    FROM callreport_rollup_counts($1::uuid, $2::uuid, 'tag', $3::timestamptz,
                                  $4::timestamptz) x
  UNION ALL
  SELECT t.tag_id, count(*) AS n
    FROM rec
    CROSS JOIN LATERAL (
      SELECT array_agg(rt.tag_id) AS ids
        FROM record_tags rt
       WHERE rt.record_id = rec.id AND rt.user_id = $1::uuid) a
    CROSS JOIN LATERAL unnest(a.ids) AS t(tag_id)
   GROUP BY t.tag_id)
SELECT g.id,
       g.name AS label,
       c.n AS count,
       CASE WHEN callreport_rollup_span($1::uuid, $3::timestamptz, $4::timestamptz)
            THEN (SELECT coalesce(sum(d.calls), 0) FROM rollup_days d
                   WHERE d.task_id = $2::uuid AND d.user_id = $1::uuid
                     AND d.day >= CASE WHEN $3::timestamptz IS NULL THEN '-infinity'::date
                                ELSE $3::timestamptz::date END
                     AND d.day <= CASE WHEN $4::timestamptz IS NULL THEN 'infinity'::date
                                ELSE $4::timestamptz::date END)
            ELSE (SELECT count(*) FROM rec) END AS base,
       CASE WHEN g.color ~ '^#[0-9A-Fa-f]{3,8}$' THEN g.color END AS color
  FROM c
  JOIN tags g ON g.id = c.tag_id AND g.user_id = $1::uuid
 ORDER BY c.n DESC, g.name, g.id
 LIMIT 10
