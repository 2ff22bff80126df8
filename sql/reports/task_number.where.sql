-- task_number.where: the filters of a task's numbers (numbers n), written once and spliced
-- by scripts/embed-sql.sh into the numbers page (task_number.sql) and into the page of
-- their attempts and its total (task_attempts.sql, task_attempts.count.sql).
-- $3 status int[], $4 keyword (digits of the number), $5 operator int[], $7 province
-- (regions id), $8 start_at, $9 end_at, $10 hour (numbers with a call attempt in that
-- period, inclusive, each bound optional, and in that hour of day 0-23 in the deployment's
-- zone: index call_histories_number), $11 none text[] (a page's filter: the numbers without
-- each named thing, province or operator, 0 or none); a NULL parameter is no filter.
-- task_number.count.sql has them in a shape of its own (a sum over task_number_counts when
-- there is no keyword), not this text.
AND ($3::int[] IS NULL OR n.status = ANY ($3::int[]))
AND ($4::text IS NULL OR n.number LIKE '%' || $4::text || '%')
AND ($5::int[] IS NULL OR n.operator = ANY ($5::int[]))
AND ($7::int IS NULL OR n.province_id = $7::int)
AND ($8::timestamptz IS NULL AND $9::timestamptz IS NULL AND $10::int IS NULL OR EXISTS (
      SELECT FROM call_histories ph
       WHERE ph.number_id = n.id AND ph.user_id = $1::uuid
         -- (Bounds rather than "$8 IS NULL OR ...": either plan of this EXISTS, a probe a
         -- number or one hashed pass over the tenant's attempts of the period, reads an
         -- index, call_histories_number or call_histories_user_time.)
         AND ph.call_time >= CASE WHEN $8::timestamptz IS NULL THEN '-infinity'::timestamptz
                                  ELSE $8::timestamptz END
         AND ph.call_time < CASE WHEN $9::timestamptz IS NULL THEN 'infinity'::timestamptz
                                 ELSE $9::timestamptz + interval '1 second' END
         AND ($10::int IS NULL OR extract(hour FROM ph.call_time) = $10::int)))
AND ($11::text[] IS NULL OR (
      ('province' <> ALL ($11::text[]) OR coalesce(n.province_id, 0) = 0)
  AND ('operator' <> ALL ($11::text[]) OR coalesce(n.operator, 0) NOT IN (1, 2, 3))))
