-- task_number: one page of a task's numbers (GET v1/task/number), ascending id.
-- $1 tenant, $2 task_id, $3 status int[], $4 keyword, $5 operator int[],
-- $6 call_history (1: embed attempts), $7 province, $8 start_at, $9 end_at, $10 hour
-- (pages' extensions: task_number.where.sql), $11 none (a page's filter, never the
-- JSON's: task_number.where.sql), $12 limit (NULL: all), $13 offset
--
-- The page is chosen first (the subquery n), and only its rows get their regions,
-- labels and attempts. Its task test is "= ANY (ARRAY[$2])" and its order
-- (task_id, id) on purpose: with "task_id = $2" the planner may walk the primary key
-- in id order and filter on the task, reading every number of the tasks imported
-- before this one (milliseconds per thousand); this way only an index that begins
-- with task_id gives the order, and the walk starts at the task's first number.
-- Both ORDER BYs are the same text: a sort= of the page replaces both (report.c).
-- @include task_number.select
  FROM (SELECT n.*
          FROM numbers n
         WHERE n.task_id = ANY (ARRAY[$2::uuid])
           AND n.user_id = $1::uuid
           -- @include task_number.where
         ORDER BY n.task_id, n.id
         LIMIT $12::bigint OFFSET $13::bigint) n
-- @include task_number.joins
