-- task_number.deep: a page of task_number.sql that skips rows (page 2 on), the same rows in
-- the same order, with the same parameters ($1..$13, task_number.sql says what each is).
-- The page's numbers are chosen by their keys alone (k): with no filter, or filters on the
-- columns numbers_task_cover carries, an index-only scan of the task walks past the skipped
-- rows without reading them from the table, and only the page's rows are read. Not for a
-- whole selection (LIMIT NULL), which reads task_number.sql (done_phones.deep.sql says why).
-- Every ORDER BY is the same text: a sort= of the page replaces each (report.c).
-- @include task_number.select
  FROM (SELECT n.*
          FROM (SELECT n.id
                  FROM numbers n
                 WHERE n.task_id = ANY (ARRAY[$2::uuid])
                   AND n.user_id = $1::uuid
                   -- @include task_number.where
                 ORDER BY n.task_id, n.id
                 LIMIT $12::bigint OFFSET $13::bigint) k
          JOIN numbers n ON n.id = k.id AND n.user_id = $1::uuid) n
-- @include task_number.joins
