-- record_level: the tenant's levels (GET v1/setting/record_level), highest scores first.
-- $1 tenant
SELECT l.id,
       l.name,
       l.alias,
       l.color,
       l.score_min,
       l.score_max
  FROM levels l
 WHERE l.user_id = $1::uuid
 ORDER BY l.score_min DESC, l.id
