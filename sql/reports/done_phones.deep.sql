-- done_phones.deep: a page of done_phones.sql that skips rows (page 2 on), the same rows in
-- the same order, with the same parameters ($1..$18, done_phones.sql says what each is).
-- The page's records are chosen by their keys alone (k): with no filter, or filters on
-- the columns records_task_cover carries, an index-only scan of the task walks past the
-- skipped rows without reading them from the table, and only the page's rows are read
-- (page 1000 of the year of demo data's busiest task: 14 ms reading 15,000 rows from the
-- table, 3 ms this way). Not for a whole selection (LIMIT NULL: a workbook or CSV): its
-- rows would be read twice, and the order of the join is not the index's, so every row
-- would be sorted before the first is sent; those read done_phones.sql.
-- Every ORDER BY is the same text: a sort= of the page replaces each (report.c).
-- @include done_phones.select
  FROM (SELECT r.*
          FROM (SELECT r.id
                  FROM records r
                 WHERE r.task_id = $2::uuid
                   AND r.user_id = $1::uuid
                   -- @include done_phones.where
                 ORDER BY r.calldate DESC, r.id DESC
                 LIMIT $17::bigint OFFSET $18::bigint) k
          JOIN records r ON r.id = k.id AND r.user_id = $1::uuid) r
-- @include done_phones.joins
