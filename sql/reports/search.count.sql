-- search.count: how many rows search.sql finds (numbers and calls); always one row.
-- $1 tenant, $2 q
SELECT (SELECT count(*)
          FROM numbers n
         WHERE n.user_id = $1::uuid
           AND n.number_rev ~>=~ reverse($2::text)
           AND n.number_rev ~<~ (reverse($2::text) || chr(1114111)))
     + (SELECT count(*)
          FROM call_histories h
         WHERE h.user_id = $1::uuid
           AND h.number_rev ~>=~ reverse($2::text)
           AND h.number_rev ~<~ (reverse($2::text) || chr(1114111))) AS total
