-- number_facts: the heading of a number's history page (pages.c); no row when the number is
-- not the caller's. $1 tenant, $2 number_id
SELECT n.id,
       n.number,
       n.task_id,
       t.name AS task_name,
       n.status,
       s.label AS status_str,
       p.city AS province_name,
       c.city AS city_name,
       callreport_label('operator', n.operator::text) AS operator_name,
       n.is_blacklist,
       (SELECT count(*) FROM call_histories h
         WHERE h.number_id = n.id AND h.user_id = $1::uuid) AS attempts
  FROM numbers n
  JOIN tasks t ON t.uuid = n.task_id AND t.user_id = $1::uuid
  LEFT JOIN status_labels s ON s.code = n.status
  LEFT JOIN regions c ON c.id = n.city_id AND c.user_id = $1::uuid
  LEFT JOIN regions p ON p.id = n.province_id AND p.user_id = $1::uuid
 WHERE n.id = $2::bigint
   AND n.user_id = $1::uuid
