-- callbacks.count: how many numbers the call-back list has (callbacks.sql); always one row.
-- $1..$12 as callbacks.sql; the numbers and their filters are callbacks.numbers.sql.
-- The total is the last column.
--
-- A page (JSON, HTML: $11 the page's size) counts at most $12 + 1000 numbers: capped
-- says there are more (the total is then that bound: "1000+", JSON "total_capped").
-- Counting every number of a period is grouping every call of it (callbacks.numbers.sql:
-- 4 to 5 s over the year of data); its first numbers in the grouping's order (the
-- numbers') cost about a microsecond each: 1000 of them 1.2 ms, 3000 3 ms, 10000 10 ms.
-- The cap is 1000 for the speed target of a first page (p99 under 50 ms with 8 requests
-- at once on 2 cores: a request's whole time on the database must stay near 5 ms; with
-- 10000 the database alone took 116 ms at p99, with 1000 46 to 52 ms). A page's total
-- past its own rows needs no more: the pager's last page is within the selection, and
-- from there the next count reaches further. The whole selection of a file ($11 NULL)
-- counts them all (the engine sizes the file and turns a big one into a job by it).
-- Without parallel workers (callreport_serial()): a generic plan guesses the period holds
-- few calls, so the LIMIT looks like all of them and workers look worth starting: they
-- made the first 10000 numbers of the year 25 ms (their start, the merge of their rows),
-- against 9 to 14 ms in one process; under load they only compete for the cores. (A
-- file's count of every number of the year is 3.3 s so, against 2.7 with workers.)
WITH lr AS (
  -- @include callbacks.ranks
), n AS (
  -- @include callbacks.numbers
)
SELECT $11::bigint IS NOT NULL AND count(*) > $12::bigint + 1000 /* CAP */ AS capped,
       CASE WHEN $11::bigint IS NOT NULL THEN least(count(*), $12::bigint + 1000 /* CAP */)
            ELSE count(*) END AS total
  FROM (SELECT
          FROM n
         WHERE callreport_serial()
         LIMIT CASE WHEN $11::bigint IS NULL THEN NULL
                    ELSE $12::bigint + 1000 /* CAP */ + 1 END) n
