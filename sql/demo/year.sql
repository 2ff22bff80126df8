-- year.sql: a year of a large call centre for one tenant (make demo SCALE=year,
-- scripts/demo.sh), generated in the database: deterministic (every choice a hash
-- of an id, no random()), in minutes. psql variables (scripts/demo.sh sets them):
--   tenant   the tenant's name; it must exist with the demo data loaded (its script
--            group, levels, tags and transcripts are reused)
--   tasks    tasks (200)             numbers  numbers per task on average (40000)
--   days     days, ending with end (365)   end  the last day (today, Asia/Shanghai)
-- With the defaults: 200 tasks, each dialling for 20 to 90 days of the year; some 8M
-- numbers, 10.3M call attempts (1 to 3 a number, the last one answered for about a
-- third of them), 3.4M call records (levels by score, tags on A and B), and a
-- transcript for one record in a hundred (copied from the demo's own). The same
-- arguments give the same rows; the dates move with end. Ids are the tenant's own
-- range (see base), so a second run replaces nothing: it stops.
\set ON_ERROR_STOP on
SET client_min_messages = warning;
SET TimeZone = 'Asia/Shanghai';
BEGIN;

-- u(x, k): the k-th uniform number in [0, 1) of x, from PostgreSQL's own hash.
CREATE FUNCTION pg_temp.u(x bigint, k int) RETURNS float8
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  AS $$ SELECT ((hashint8extended(x, k) & 281474976710655)::float8) / 281474976710656 $$;

CREATE TEMP TABLE yp ON COMMIT DROP AS
SELECT t.id AS tenant,
       (SELECT g.id FROM groups g WHERE g.user_id = t.id ORDER BY g.id LIMIT 1) AS group_id,
       :'end'::date AS last_day, :days::int AS days, :tasks::int AS ntasks,
       :numbers::int AS per_task,
       (SELECT array_agg(r.id ORDER BY r.id) FROM regions r
         WHERE r.user_id = t.id AND r.pid IS NOT NULL) AS cities,
       (SELECT array_agg(g.id ORDER BY g.id) FROM tags g WHERE g.user_id = t.id) AS tags,
       (SELECT array_agg(d.record_id ORDER BY d.record_id) FROM
          (SELECT DISTINCT record_id FROM record_details WHERE user_id = t.id) d) AS transcripts,
       -- The tenant's ids: numbers from 5e14 + (a hash of its name) * 1e11.
       500000000000000 + (hashtext(t.name) & 4095)::bigint * 100000000000 AS base
  FROM tenants t WHERE t.name = :'tenant';

DO $$
BEGIN
  IF (SELECT count(*) FROM yp) = 0 OR (SELECT group_id FROM yp) IS NULL THEN
    RAISE EXCEPTION 'year.sql: load the demo data of the tenant first (make demo)';
  END IF;
  IF EXISTS (SELECT FROM numbers n, yp WHERE n.id >= yp.base AND n.id < yp.base + 100000000000) THEN
    RAISE EXCEPTION 'year.sql: the tenant has its year already';
  END IF;
END $$;

-- Bulk speed: the rows are consistent by construction, so no foreign-key trigger
-- fires for each of them (superuser), and the big tables' secondary indexes are built
-- once at the end (sql/schema.sql again: its CREATE INDEX IF NOT EXISTS) instead of
-- growing row by row: about five times faster.
SET LOCAL session_replication_role = replica;
DO $$
DECLARE i record;
BEGIN
  FOR i IN SELECT c.relname FROM pg_index x
             JOIN pg_class c ON c.oid = x.indexrelid
             JOIN pg_class t ON t.oid = x.indrelid
            WHERE t.relname IN ('numbers', 'call_histories', 'records', 'record_tags',
                                'record_details')
              AND NOT x.indisprimary AND NOT x.indisunique
              AND t.relnamespace = 'public'::regnamespace LOOP
    EXECUTE format('DROP INDEX %I', i.relname);
  END LOOP;
END $$;

-- The tasks: each dials from its first day for 20 to 90 days (within the year).
CREATE TEMP TABLE yt ON COMMIT DROP AS
SELECT i, md5('year/' || :'tenant' || '/task/' || i)::uuid AS uuid,
       first_day, least(20 + floor(pg_temp.u(i, 2) * 71)::int, p.days - first_day) AS len,
       greatest(1, round(p.per_task * (0.5 + pg_temp.u(i, 3))))::int AS n
  FROM yp p, generate_series(1, p.ntasks) i,
       LATERAL (SELECT floor(pg_temp.u(i, 1) * (p.days - 20))::int AS first_day) f;

INSERT INTO tasks (uuid, user_id, name, group_id, create_datetime, alter_datetime, start,
                   maximumcall, call_per_second, recycle_limit, remark)
SELECT t.uuid, p.tenant,
       (ARRAY['信用卡分期', '课程回访', '保险续保', '会员召回', '新品邀约', '贷款营销',
              '满意度回访', '活动通知'])[1 + i % 8] || ' ' ||
         to_char(p.last_day - p.days + 1 + t.first_day, 'MM-DD') || ' #' || t.i,
       p.group_id,
       (p.last_day - p.days + t.first_day)::timestamp + interval '17 hours',
       (p.last_day - p.days + 1 + t.first_day + t.len)::timestamp,
       CASE WHEN t.first_day + t.len >= p.days THEN 1 ELSE 2 END,
       50, 5, 3, '年度演示数据'
  FROM yt t, yp p;

-- The numbers: k planned attempts (1 to 3), s the first answered one (0: none);
-- the attempts made: up to s, else k.
CREATE TEMP TABLE yn ON COMMIT DROP AS
SELECT t.uuid AS task_id, t.first_day, t.len, n.id,
       '1' || (ARRAY['3', '5', '7', '8', '9'])[1 + floor(pg_temp.u(n.id, 1) * 5)::int]
           || lpad(floor(pg_temp.u(n.id, 2) * 1000000000)::bigint::text, 9, '0') AS number,
       1 + floor(pg_temp.u(n.id, 3) * 3)::int AS operator,
       p.cities[1 + floor(pg_temp.u(n.id, 4) * cardinality(p.cities))::int] AS city_id,
       k.k, s.s, CASE WHEN s.s > 0 THEN s.s ELSE k.k END AS made
  FROM yt t CROSS JOIN yp p,
       LATERAL (SELECT p.base + t.i::bigint * 1000000 + j AS id
                  FROM generate_series(1, t.n) j) n,
       LATERAL (SELECT 1 + (pg_temp.u(n.id, 5) < 0.35)::int + (pg_temp.u(n.id, 6) < 0.12)::int
                  AS k) k,
       LATERAL (SELECT CASE WHEN pg_temp.u(n.id, 11) < 0.33 THEN 1
                            WHEN k.k >= 2 AND pg_temp.u(n.id, 12) < 0.33 THEN 2
                            WHEN k.k >= 3 AND pg_temp.u(n.id, 13) < 0.33 THEN 3
                            ELSE 0 END AS s) s;

-- The results of an unanswered attempt, as often as the demo's.
CREATE TEMP TABLE yf ON COMMIT DROP AS
SELECT lo, lead(lo, 1, 1.0) OVER (ORDER BY lo) AS hi, status, call_status, cause
  FROM (VALUES (0.00, 4, 'no answer', 'NO_ANSWER'), (0.40, 8, 'busy now', 'USER_BUSY'),
               (0.62, 3, 'rejected', 'CALL_REJECTED'), (0.72, 12, 'call loss',
               'NORMAL_TEMPORARY_FAILURE'), (0.79, 6, 'power off', 'NORMAL_CLEARING'),
               (0.84, 5, 'unallocated', 'UNALLOCATED_NUMBER'), (0.88, 7, 'out of service',
               'NORMAL_CLEARING'), (0.91, 2, 'failed', 'NETWORK_OUT_OF_ORDER'),
               (0.94, 10, 'arrears', 'NORMAL_CLEARING'), (0.96, 9, 'call barred',
               'INCOMING_CALL_BARRED'), (0.98, 11, 'blacklist', 'OUTGOING_CALL_BARRED'))
       AS f (lo, status, call_status, cause);

-- The attempts: the first on a day of the task's, 09:00 to 20:59, each next one 1 to
-- 3 days later: within the task's days (the first one at most 6 days before its end),
-- so within the year, and each after the one before.
CREATE TEMP TABLE ya ON COMMIT DROP AS
SELECT n.id AS number_id, n.task_id, n.number, n.operator, n.city_id, a.a,
       n.id * 4 + a.a AS id,
       ((p.last_day - p.days + 1 + n.first_day
           + floor(pg_temp.u(n.id, 7) * (n.len - 6))::int)::timestamp
         + interval '1 day' * (CASE WHEN a.a >= 2 THEN 1 + floor(pg_temp.u(n.id, 22) * 3)
                                    ELSE 0 END
                               + CASE WHEN a.a >= 3 THEN 1 + floor(pg_temp.u(n.id, 23) * 3)
                                      ELSE 0 END)
         + interval '9 hours' + pg_temp.u(n.id, 30 + a.a) * interval '12 hours')::timestamptz
         AS call_time,
       a.a = n.s AS answered,
       pg_temp.u(n.id, 40 + a.a) AS r
  FROM yn n CROSS JOIN yp p, generate_series(1, n.made) a (a);

INSERT INTO numbers (id, user_id, task_id, number, status, province_id, city_id, operator,
                     is_blacklist, callid, calldate, bill, duration, hangupcause,
                     hangupdate, answerdate)
SELECT n.id, p.tenant, n.task_id, n.number,
       CASE WHEN n.s > 0 THEN 1 ELSE f.status END,
       c.pid, n.city_id, n.operator, coalesce(f.status = 11, false),
       'y-' || n.id || '-' || n.made, a.call_time,
       CASE WHEN n.s > 0 THEN 5000 + floor(a.r * 115000)::bigint ELSE 0 END,
       CASE WHEN n.s > 0 THEN 13000 + floor(a.r * 115000)::bigint
            ELSE 3000 + floor(a.r * 30000)::bigint END,
       CASE WHEN n.s > 0 THEN 'NORMAL_CLEARING' ELSE f.cause END,
       a.call_time + interval '2 minutes',
       CASE WHEN n.s > 0 THEN a.call_time + interval '8 seconds' END
  FROM yn n CROSS JOIN yp p
  JOIN ya a ON a.number_id = n.id AND a.a = n.made
  JOIN regions c ON c.user_id = p.tenant AND c.id = n.city_id
  LEFT JOIN yf f ON n.s = 0 AND a.r >= f.lo AND a.r < f.hi;

INSERT INTO call_histories (id, user_id, task_id, number_id, call_id, number, call_time,
                            duration, hangup_cause, hangup_code, bill, call_status, status,
                            record_file, calling_number, province_id, city_id, operator,
                            created_at, updated_at)
SELECT a.id, p.tenant, a.task_id, a.number_id, 'y-' || a.number_id || '-' || a.a, a.number,
       a.call_time,
       CASE WHEN a.answered THEN 13000 + floor(a.r * 115000)::bigint
            ELSE 3000 + floor(a.r * 30000)::bigint END,
       CASE WHEN a.answered THEN 'NORMAL_CLEARING' ELSE f.cause END,
       CASE WHEN a.answered THEN '16' ELSE '17' END,
       CASE WHEN a.answered THEN 5000 + floor(a.r * 115000)::bigint ELSE 0 END,
       CASE WHEN a.answered THEN 'answer' ELSE f.call_status END,
       CASE WHEN a.answered THEN 1 ELSE f.status END,
       CASE WHEN a.answered THEN 'year/' || a.number_id || '.wav' END,
       '02150000000', c.pid, a.city_id, a.operator, a.call_time, a.call_time
  FROM ya a CROSS JOIN yp p
  JOIN regions c ON c.user_id = p.tenant AND c.id = a.city_id
  LEFT JOIN yf f ON NOT a.answered AND a.r >= f.lo AND a.r < f.hi;

-- A call record for every answered attempt: its score gives its level (D 40%, C 35%,
-- B 17%, A 8% with the demo's levels).
CREATE TEMP TABLE yr ON COMMIT DROP AS
SELECT md5('year/record/' || a.number_id)::uuid AS rid, a.*,
       CASE WHEN q < 0.40 THEN floor(q / 0.40 * 50)
            WHEN q < 0.75 THEN 50 + floor((q - 0.40) / 0.35 * 150)
            WHEN q < 0.92 THEN 200 + floor((q - 0.75) / 0.17 * 100)
            ELSE 300 + floor((q - 0.92) / 0.08 * 300) END::int AS score
  FROM ya a, LATERAL (SELECT pg_temp.u(a.number_id, 50) AS q) q
 WHERE a.answered;

INSERT INTO records (id, user_id, task_id, group_id, callid, score, callee, caller_number,
                     duration, error_code, gender, level_id, calldate, bill, hangupcause,
                     hangupdate, answerdate, recordfile, hangup_disposition, created_at,
                     updated_at, rounds, province_id, city_id, operator)
SELECT r.rid, p.tenant, r.task_id, p.group_id, 'y-' || r.number_id || '-' || r.a, r.score,
       r.number, '02150000000', 13000 + floor(r.r * 115000)::bigint, 0,
       floor(pg_temp.u(r.number_id, 51) * 3)::smallint,
       (SELECT l.id FROM levels l WHERE l.user_id = p.tenant
           AND r.score BETWEEN l.score_min AND l.score_max ORDER BY l.score_min DESC LIMIT 1),
       r.call_time, 5000 + floor(r.r * 115000)::bigint, 'NORMAL_CLEARING',
       r.call_time + interval '2 minutes', r.call_time + interval '8 seconds',
       'year/' || r.number_id || '.wav', 1 + (pg_temp.u(r.number_id, 52) < 0.2)::int,
       r.call_time, r.call_time, 1 + floor(pg_temp.u(r.number_id, 53) * 12)::int,
       c.pid, r.city_id, r.operator
  FROM yr r CROSS JOIN yp p
  JOIN regions c ON c.user_id = p.tenant AND c.id = r.city_id;

-- Tags: one or two on an A or B call, one on a C call in four.
INSERT INTO record_tags (record_id, tag_id, user_id, created_at, updated_at)
SELECT DISTINCT ON (r.rid, g.tag) r.rid, g.tag, p.tenant, r.call_time, r.call_time
  FROM yr r CROSS JOIN yp p,
       LATERAL (SELECT p.tags[1 + floor(pg_temp.u(r.number_id, 60 + k) *
                       cardinality(p.tags))::int] AS tag
                  FROM generate_series(1, CASE WHEN r.score >= 200
                       THEN 1 + (pg_temp.u(r.number_id, 59) < 0.5)::int
                       WHEN r.score >= 50 AND pg_temp.u(r.number_id, 59) < 0.25 THEN 1
                       ELSE 0 END) k) g
 WHERE cardinality(p.tags) > 0;

-- Transcripts: one record in a hundred gets the turns of one of the demo's calls.
INSERT INTO record_details (id, user_id, record_id, task_id, notify, callid, error_code,
                            asrtype, callee, gender, asr_elapse, record_ms, volume_gain,
                            question, question_index, speak_ms, play_ms, keyword, answer_id,
                            answer_text, word_class, score, sequence, created_at, updated_at,
                            bridge_status, answer_content, contents)
SELECT md5('year/detail/' || r.number_id || '/' || d.sequence)::uuid, p.tenant, r.rid,
       r.task_id, d.notify, 'y-' || r.number_id || '-' || r.a, d.error_code, d.asrtype,
       r.number, d.gender, d.asr_elapse, d.record_ms, d.volume_gain, d.question,
       d.question_index, d.speak_ms, d.play_ms, d.keyword, d.answer_id, d.answer_text,
       d.word_class, d.score, d.sequence,
       r.call_time + d.sequence * interval '3 seconds',
       r.call_time + d.sequence * interval '3 seconds', d.bridge_status, d.answer_content,
       d.contents
  FROM yr r CROSS JOIN yp p
  JOIN record_details d
    ON d.record_id = p.transcripts[1 + floor(pg_temp.u(r.number_id, 70) *
                                             cardinality(p.transcripts))::int]
 WHERE pg_temp.u(r.number_id, 71) < 0.01 AND cardinality(p.transcripts) > 0;

-- The secondary indexes back (sql/schema.sql again: its CREATE INDEX IF NOT EXISTS) and
-- the tables analyzed, then what every import keeps besides the rows, with the import's
-- work_mem (cgi/cli/import.c does the same): the rollups read the rows by those indexes
-- (a hung-up call's drop-off: its transcript by record_details_record; without it, a
-- scan of every transcript row for each such call, hours).
SET LOCAL maintenance_work_mem = '256MB';
\ir ../schema.sql
ANALYZE numbers, call_histories, records, record_tags, record_details;
SET LOCAL work_mem = '256MB';
SELECT callreport_recount(tenant) FROM yp;

SELECT (SELECT count(*) FROM yt) AS tasks, (SELECT count(*) FROM yn) AS numbers,
       (SELECT count(*) FROM ya) AS attempts, (SELECT count(*) FROM yr) AS records;
COMMIT;
-- The new rows' pages marked all-visible (and counted again), so that the pages read
-- them by index-only scans from the start instead of once autovacuum has been by: some
-- 30 s.
VACUUM (ANALYZE) numbers, call_histories, records, record_tags, record_details;
