-- tasks.count: how many tasks the tenant has (every one, whatever the period). $1 tenant,
-- $2..$5 the period's times (unused; every report statement takes the same parameters).
-- The total is the last column.
SELECT $2::timestamptz AS start_at_unused, $3::timestamptz AS end_at_unused,
       $4::timestamptz AS prev_start_at_unused, $5::timestamptz AS prev_end_at_unused,
       count(*)
  FROM tasks t WHERE t.user_id = $1::uuid
