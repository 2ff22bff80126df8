-- done_phones.where: the filters of a task's call records (records r), written once and
-- spliced by scripts/embed-sql.sh into the page (done_phones.sql) and its total
-- (done_phones.count.sql), so that the two cannot select different records.
-- $1 tenant, $3 id, $4 levels, $5 keyword, $6 bills, $7 rounds, $8 tags, $9 start_at,
-- $10 end_at, $11 hangupcause, $12 level, $13 province, $14 operator, $15 none, $16 dropoff
-- (done_phones.sql says what each means); a NULL parameter is no filter.
-- A filter added here is also an argument of num_nulls in done_phones.count.sql (its
-- "no filter at all" test): tests/functional/test_report_contract.py checks that it lists
-- every optional field of the report.
AND ($3::uuid IS NULL OR r.id = $3::uuid)
AND ($4::int[] IS NULL OR EXISTS (
      SELECT FROM generate_subscripts($4::int[], 1) AS i
       WHERE r.score BETWEEN ($4::int[])[i][1] AND ($4::int[])[i][2]))
AND ($5::text IS NULL OR r.callee LIKE '%' || $5::text || '%')
AND ($6::bigint[] IS NULL OR r.bill BETWEEN ($6::bigint[])[1] * 1000
                                        AND ($6::bigint[])[2] * 1000 + 999)
AND ($7::int[] IS NULL OR r.rounds BETWEEN ($7::int[])[1] AND ($7::int[])[2])
AND ($8::uuid[] IS NULL OR EXISTS (
      SELECT FROM record_tags rt
       WHERE rt.record_id = r.id AND rt.user_id = $1::uuid
         AND rt.tag_id = ANY ($8::uuid[])))
AND ($9::timestamptz IS NULL OR r.calldate >= $9::timestamptz)
AND ($10::timestamptz IS NULL OR r.calldate < $10::timestamptz + interval '1 second')
AND ($11::text IS NULL OR r.hangupcause = $11::text)
AND ($12::uuid[] IS NULL OR r.level_id = ANY ($12::uuid[]))
AND ($13::int[] IS NULL OR r.province_id = ANY ($13::int[]))
AND ($14::int[] IS NULL OR r.operator = ANY ($14::int[]))
AND ($15::text[] IS NULL OR (
      ('level' <> ALL ($15::text[]) OR r.level_id IS NULL)
  AND ('province' <> ALL ($15::text[]) OR coalesce(r.province_id, 0) = 0)
  AND ('operator' <> ALL ($15::text[]) OR coalesce(r.operator, 0) NOT IN (1, 2, 3))
  AND ('hangupcause' <> ALL ($15::text[]) OR coalesce(r.hangupcause, '') = '')))
AND ($16::text IS NULL OR r.hangup_disposition = 2
     AND $16::text = callreport_dropoff(r.id, $1::uuid))
