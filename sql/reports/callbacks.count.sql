-- callbacks.count: how many numbers the call-back list has (callbacks.sql); always one row.
-- $1..$10 as callbacks.sql; the numbers and their filters are callbacks.numbers.sql.
-- The total is the last column.
WITH lr AS (
  -- @include callbacks.ranks
), n AS (
  -- @include callbacks.numbers
)
SELECT count(*) AS total FROM n
