-- task_number.joins: what the columns of task_number.select join to a page's numbers n:
-- regions and labels; then the page's order.
  LEFT JOIN regions c ON c.id = n.city_id AND c.user_id = $1::uuid
  LEFT JOIN regions p ON p.id = n.province_id AND p.user_id = $1::uuid
  LEFT JOIN status_labels s ON s.code = n.status
  -- callreport_label() as a join: a function call a row costs more than the rest of the row.
  LEFT JOIN label_sets o ON o.kind = 'operator' AND o.code = n.operator::text
  LEFT JOIN label_sets hc ON hc.kind = 'hangupcause' AND hc.code = n.hangupcause
 ORDER BY n.task_id, n.id
