-- done_phones: one page of a task's call records (POST v1/task/query_done_task_phones),
-- newest calldate first, then id; each with its tags, tag groups, level and regions.
-- $1 tenant, $2 task_id, $3 id, $4 levels int[][] (score intervals, any of, inclusive),
-- $5 keyword (substring of callee), $6 bills {lo,hi} in seconds, $7 rounds {lo,hi},
-- $8 tags uuid[] (any of), $9 start_at, $10 end_at, $11 hangupcause (an extension: the
-- overview's hangup-cause rows link here), then the pages' filters (F_PAGE: the JSON
-- never sets them), with which the overview's rows link here: $12 level uuid[] (level
-- ids, any of), $13 province int[] (region ids, any of), $14 operator int[] (1 移动,
-- 2 联通, 3 电信; any of), $15 none text[] (those without each named thing: level,
-- province and operator 0 or none, hangupcause empty or none), $16 dropoff (calls the
-- customer hung up, by the robot's last utterance: callreport_dropoff(), sql/schema.sql);
-- $17 limit (NULL: all), $18 offset.
-- The filters are done_phones.where.sql, the same text as in done_phones.count.sql.
--
-- bills: a call's talk time in whole seconds is bill ms / 1000 truncated, as a
-- client shows it ("31 秒" for 31319 ms), so [lo, hi] takes bill from lo*1000 to
-- hi*1000 + 999 ms: [0,9] and [10,19] meet without a gap or an overlap.
-- start_at/end_at are read in the transaction's TimeZone (the deployment's) and
-- hold whole seconds: end_at takes every call up to the end of that second.
--
-- The page is chosen first (the subquery r: filters, order, LIMIT/OFFSET over the
-- records_task_calldate index), and only its rows get their tags, groups and labels:
-- the rows skipped by OFFSET cost an index entry each, not their tags' subqueries.
-- A record's tags are read once (the lateral rtags) for both the JSON and the text of
-- HTML and XLSX, and so are its tags' groups (rgroups).
-- Labels are joins to label_sets, not callreport_label() calls (a call a row costs
-- more than the rest of the row).
-- @include done_phones.select
  FROM (SELECT r.*
          FROM records r
         WHERE r.task_id = $2::uuid
           AND r.user_id = $1::uuid
           -- @include done_phones.where
         ORDER BY r.calldate DESC, r.id DESC
         LIMIT $17::bigint OFFSET $18::bigint) r
-- @include done_phones.joins
