-- records_form: the choices of the call records page's filter form (pages.c): the task's name,
-- the tenant's levels (highest first) and its enabled tags (oldest first).
-- $1 tenant, $2 task uuid
SELECT kind, id, name, alias, lo, hi, color
  FROM (SELECT 0 AS k, 'task' AS kind, t.uuid::text AS id, t.name, NULL AS alias,
               NULL::int AS lo, NULL::int AS hi, NULL AS color, 0 AS n, ''::text AS o
          FROM tasks t
         WHERE t.uuid = $2::uuid AND t.user_id = $1::uuid
        UNION ALL
        SELECT 1, 'level', l.id::text, l.name, l.alias, l.score_min, l.score_max,
               CASE WHEN l.color ~ '^#[0-9A-Fa-f]{3,8}$' THEN l.color END,
               -l.score_min, l.id::text
          FROM levels l
         WHERE l.user_id = $1::uuid
        UNION ALL
        SELECT 2, 'tag', g.id::text, g.name, NULL, NULL, NULL,
               CASE WHEN g.color ~ '^#[0-9A-Fa-f]{3,8}$' THEN g.color END,
               0, coalesce(callreport_ts(g.created_at), '') || g.id::text
          FROM tags g
         WHERE g.user_id = $1::uuid AND g.status) AS x
 ORDER BY k, n, o
