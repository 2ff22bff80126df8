-- callbacks.ranks: the tenant's levels ranked for the call-back list (a CTE "lr" of
-- callbacks.sql and callbacks.count.sql): rank 1 is the best level, the one of the highest
-- score_min (A级 before B级 before C级 before D级 in the vendor's and the demo's levels);
-- ties by score_max, name and id. A call without a level ranks 2147483647, after them all.
SELECT l.id, l.score_min, l.score_max,
       row_number() OVER (ORDER BY l.score_min DESC, l.score_max DESC, l.name, l.id)::int AS rank
  FROM levels l
 WHERE l.user_id = $1::uuid
