-- record: one call record in brief (GET v1/record/{record_id}); no row when it is not the caller's.
-- $1 tenant, $2 record_id
--
-- Only the record is in FROM: its task, level, labels and regions are one-row subqueries,
-- not joins (every relation more in FROM lengthens the planner's join search, made again
-- for every custom plan), and labels are read from label_sets, not through
-- callreport_label() (a call costs more than the lookup).
SELECT
       -- @include record.columns
       coalesce((SELECT x.label FROM label_sets x
                  WHERE x.kind = 'hangupcause' AND x.code = r.hangupcause),
                r.hangupcause) AS hangupcause_str,
       (SELECT l.name || '(' || l.alias || ')'
          FROM levels l
         WHERE l.id = r.level_id AND l.user_id = $1::uuid) AS level_name,
       (SELECT x.label FROM label_sets x
         WHERE x.kind = 'gender' AND x.code = r.gender::text) AS gender_str,
       (SELECT x.label FROM label_sets x
         WHERE x.kind = 'hangup' AND x.code = r.hangup_disposition::text) AS hangup_disposition_str,
       -- HTML and XLSX only.
       (SELECT t.name
          FROM tasks t
         WHERE t.uuid = r.task_id AND t.user_id = $1::uuid) AS task_name,
       (SELECT string_agg(tg.name, '、' ORDER BY rt.created_at, tg.created_at, tg.id)
          FROM record_tags rt
          JOIN tags tg ON tg.id = rt.tag_id AND tg.user_id = $1::uuid
         WHERE rt.record_id = r.id AND rt.user_id = $1::uuid) AS tags_text,
       (SELECT x.label FROM label_sets x
         WHERE x.kind = 'operator' AND x.code = r.operator::text) AS operator_name,
       (SELECT p.city FROM regions p WHERE p.id = r.province_id AND p.user_id = $1::uuid) AS province_name,
       (SELECT c.city FROM regions c WHERE c.id = r.city_id AND c.user_id = $1::uuid) AS city_name
  FROM records r
 WHERE r.id = $2::uuid
   AND r.user_id = $1::uuid
