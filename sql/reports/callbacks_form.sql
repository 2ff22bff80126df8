-- callbacks_form: the choices of the call-back list's filter form (render/hook.c): the
-- tenant's levels (the best first, as callbacks.ranks.sql ranks them), its enabled tags
-- (oldest first), its tasks (newest first) and the provinces (regions without a parent).
-- $1 tenant, $2 start_at (the page's key; the choices are the same for every period)
SELECT kind, id, name, alias, lo, hi, color
  FROM (SELECT 1 AS k, 'level' AS kind, l.id::text AS id, l.name, l.alias,
               l.score_min AS lo, l.score_max AS hi,
               CASE WHEN l.color ~ '^#[0-9A-Fa-f]{3,8}$' THEN l.color END AS color,
               row_number() OVER (ORDER BY l.score_min DESC, l.score_max DESC, l.name, l.id) AS o
          FROM levels l
         WHERE l.user_id = $1::uuid
        UNION ALL
        SELECT 2, 'tag', g.id::text, g.name, NULL, NULL, NULL,
               CASE WHEN g.color ~ '^#[0-9A-Fa-f]{3,8}$' THEN g.color END,
               row_number() OVER (ORDER BY g.created_at, g.id)
          FROM tags g
         WHERE g.user_id = $1::uuid AND g.status
        UNION ALL
        SELECT 3, 'task_option', t.uuid::text, t.name, NULL, NULL, NULL, NULL,
               row_number() OVER (ORDER BY t.create_datetime DESC NULLS LAST, t.uuid)
          FROM tasks t
         WHERE t.user_id = $1::uuid
        UNION ALL
        SELECT 4, 'province', r.id::text, r.city, NULL, NULL, NULL, NULL,
               row_number() OVER (ORDER BY r.id)
          FROM regions r
         WHERE r.user_id = $1::uuid AND (r.pid IS NULL OR r.pid = 0)) AS x
 WHERE $2::timestamptz IS NOT NULL
 ORDER BY k, o
