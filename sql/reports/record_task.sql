-- record_task: the task and recording file of a call record (pages.c: its page without the
-- task in the path, its recording); no row when the record is not the caller's.
-- $1 tenant, $2 record_id
SELECT r.task_id,
       r.recordfile
  FROM records r
 WHERE r.id = $2::uuid
   AND r.user_id = $1::uuid
