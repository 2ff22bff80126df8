-- page_task: the task a page is about, for its heading (pages.c). $1 tenant, $2 task uuid
SELECT t.name,
       g.name AS group_str
  FROM tasks t
  LEFT JOIN groups g ON g.id = t.group_id AND g.user_id = $1::uuid
 WHERE t.uuid = $2::uuid
   AND t.user_id = $1::uuid
