-- callbacks.count: how many numbers the call-back list has (callbacks.sql); always one row.
-- $1..$12 as callbacks.sql; the numbers and their filters are callbacks.numbers.sql.
-- The total is the last column.
--
-- A page (JSON, HTML: $11 the page's size) counts at most $12 + 10000 numbers: capped
-- says there are more (the total is then that bound: "10000+", JSON "total_capped").
-- Counting every number of a period is grouping every call of it (callbacks.numbers.sql:
-- ~2.5 s over a year of data); its first 10000 numbers, in the grouping's order (the
-- numbers'), are a few thousandths of it, and a page's total past its own rows needs no
-- more. The whole selection of a file ($11 NULL) counts them all (the engine sizes the
-- file and turns a big one into a job by it).
-- txid_current_if_assigned() (a column nothing reads) is PostgreSQL's, parallel unsafe:
-- the statement is never planned parallel. A generic plan guesses the period holds few
-- calls, so the LIMIT looks like all of them and workers look worth starting: they made
-- the first 10000 numbers of the year 25 ms (their start, the merge of their rows),
-- against 9 to 14 ms in one process; under load they only compete for the cores.
WITH lr AS (
  -- @include callbacks.ranks
), n AS (
  -- @include callbacks.numbers
)
SELECT $11::bigint IS NOT NULL AND count(*) > $12::bigint + 10000 /* CAP */ AS capped,
       CASE WHEN $11::bigint IS NOT NULL THEN least(count(*), $12::bigint + 10000 /* CAP */)
            ELSE count(*) END AS total
  FROM (SELECT txid_current_if_assigned() AS serial_unused
          FROM n
         LIMIT CASE WHEN $11::bigint IS NULL THEN NULL
                    ELSE $12::bigint + 10000 /* CAP */ + 1 END) n
