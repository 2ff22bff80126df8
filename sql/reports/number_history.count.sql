-- number_history.count: how many attempts the number had; no row when the number is not
-- the caller's. $1 tenant, $2 number_id. The total is the last column.
SELECT (SELECT count(*)
          FROM call_histories h
         WHERE h.number_id = n.id
           AND h.user_id = $1::uuid)
  FROM numbers n
 WHERE n.id = $2::bigint
   AND n.user_id = $1::uuid
