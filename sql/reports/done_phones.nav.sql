-- done_phones.nav: a call's place in a task's call records as their page lists them
-- (web/record.c: 上一通 / 下一通 on the call's page): the same filters (done_phones.where)
-- and the same order (its ORDER BY replaced as the page's is, for sort= and dir=).
-- Returns the call before it and the call after it (NULL at an end) and its position
-- from 1; no row when the call is not in that list (or not the caller's).
-- $1 tenant, $2 task_id, $3 .. $16 the filters (done_phones.sql says what each
-- means; `bin/callreport reports` lists them), $17 the call: the one after the last
-- filter (web/record.c binds it so).
SELECT x.prev_id, x.next_id, x.pos
  FROM (SELECT r.id,
               lag(r.id::text) OVER w AS prev_id,
               lead(r.id::text) OVER w AS next_id,
               row_number() OVER w AS pos
          FROM records r
         WHERE r.task_id = $2::uuid
           AND r.user_id = $1::uuid
           -- @include done_phones.where
        WINDOW w AS (ORDER BY r.calldate DESC, r.id DESC)) x
 WHERE x.id = $17::uuid
