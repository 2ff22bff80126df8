-- schema.sql: the whole callreport data model; idempotent, apply again to upgrade.
--
-- Apply as the owner role (callreport_admin in the demo); the web program
-- connects as callreport_web, which has no BYPASSRLS and reads tenant tables
-- only through row-level security keyed by the transaction-local setting
-- callreport.tenant (set per request with set_config(..., true)).
-- Times are timestamptz; milliseconds are bigint; ids as in the vendor document.

CREATE EXTENSION IF NOT EXISTS pg_trgm;

DO $$ BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'callreport_web') THEN
    CREATE ROLE callreport_web LOGIN NOBYPASSRLS;
  END IF;
END $$;

-- The tenant of the current transaction, or NULL (then no tenant row is visible).
CREATE OR REPLACE FUNCTION callreport_tenant() RETURNS uuid
  LANGUAGE sql STABLE PARALLEL SAFE
  AS $$ SELECT NULLIF(current_setting('callreport.tenant', true), '')::uuid $$;

-- Whether the answer of the current transaction is JSON: false when the program said it is
-- not (callreport.json = 'off': HTML, XLSX, CSV; cgi/store/db.c), true otherwise (the
-- command-line tool, psql). A statement may leave out the work of the columns only JSON
-- shows when it is false (aggregate ... FILTER (WHERE callreport_json())): their values
-- are then never read. The call records' tags as JSON objects took 40% of a page's
-- statement, for pages and workbooks that show the tags' names alone.
CREATE OR REPLACE FUNCTION callreport_json() RETURNS boolean
  LANGUAGE sql STABLE PARALLEL SAFE
  AS $$ SELECT current_setting('callreport.json', true) IS DISTINCT FROM 'off' $$;

-- A time as the v1 responses write it, in the transaction's TimeZone.
CREATE OR REPLACE FUNCTION callreport_ts(t timestamptz) RETURNS text
  LANGUAGE sql STABLE PARALLEL SAFE
  AS $$ SELECT to_char(t, 'YYYY-MM-DD HH24:MI:SS') $$;

-- Always true, and parallel unsafe: a statement that calls it is never planned with
-- parallel workers (the planner judges parallel safety before it folds the constant, so
-- the call costs nothing per row). For a statement whose generic plan guesses a big scan
-- where the real one is small: on 2 cores under load, starting the workers took 8 to 22
-- ms, the whole number search 2.7 (search.sql).
CREATE OR REPLACE FUNCTION callreport_serial() RETURNS boolean
  LANGUAGE sql IMMUTABLE PARALLEL UNSAFE
  AS $$ SELECT true $$;

CREATE TABLE IF NOT EXISTS tenants (
  id            uuid PRIMARY KEY,
  name          text NOT NULL UNIQUE,
  password_hash text,                 -- crypt()-style "$6$..." / pbkdf2 string; NULL: no browser sign-in
  created_at    timestamptz NOT NULL DEFAULT now(),
  updated_at    timestamptz NOT NULL DEFAULT now()
);

-- Bumped by every import of the tenant: responses carry it in their ETag.
ALTER TABLE tenants ADD COLUMN IF NOT EXISTS data_version bigint NOT NULL DEFAULT 0;

CREATE TABLE IF NOT EXISTS api_tokens (
  id          bigserial PRIMARY KEY,
  user_id     uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  token_hash  bytea NOT NULL UNIQUE,  -- SHA-256 of the token; the token itself is never stored
  prefix      text NOT NULL,          -- first characters, to tell tokens apart in listings
  created_at  timestamptz NOT NULL DEFAULT now(),
  revoked_at  timestamptz
);

CREATE TABLE IF NOT EXISTS sessions (
  id_hash     bytea PRIMARY KEY,      -- SHA-256 of the cookie value
  user_id     uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  created_at  timestamptz NOT NULL DEFAULT now(),
  expires_at  timestamptz NOT NULL
);

CREATE TABLE IF NOT EXISTS login_failures (
  key         text NOT NULL,          -- 'pair:NAME|IP' or 'addr:IP' (attempts not yet forgiven)
  at          timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS login_failures_key ON login_failures (key, at);

-- Labels a deployment may change without a rebuild.
CREATE TABLE IF NOT EXISTS status_labels (
  code  int PRIMARY KEY,
  label text NOT NULL
);
INSERT INTO status_labels (code, label) VALUES
  (0,'等待呼叫'),(1,'呼叫成功'),(2,'线路故障'),(3,'拒接'),(4,'无应答、无人接听'),
  (5,'空号'),(6,'关机'),(7,'停机'),(8,'占线、用户正忙'),(9,'呼入限制'),(10,'欠费'),
  (11,'黑名单'),(12,'呼损')
ON CONFLICT (code) DO NOTHING;

CREATE TABLE IF NOT EXISTS label_sets (
  kind  text NOT NULL,               -- gender, hangup, operator, operator_code, task_start, word_class, action,
                                     -- hangupcause, call_status, notify
  code  text NOT NULL,
  label text NOT NULL,
  PRIMARY KEY (kind, code)
);
INSERT INTO label_sets (kind, code, label) VALUES
  ('gender','0','未知'),('gender','1','女'),('gender','2','男'),('gender','3','疑似女'),('gender','4','疑似男'),
  ('hangup','1','AI'),('hangup','2','客户'),
  ('operator','1','移动'),('operator','2','联通'),('operator','3','电信'),
  ('operator_code','yd','1'),('operator_code','lt','2'),('operator_code','dx','3'),
  ('task_start','0','暂停'),('task_start','1','进行中'),('task_start','2','已完成'),
  ('word_class','16','主流程'),('word_class','1','普通问答'),('word_class','2','知识库'),
  ('action','','')
ON CONFLICT (kind, code) DO NOTHING;

-- What a person reads for the platform's raw English codes (issue 17): the hangup
-- cause of a call (FreeSWITCH's, hangupcause / hangup_cause), the state of a call
-- attempt (call_status), the kind of a transcript row (notify). JSON keeps the
-- codes as the contract has them; pages show these labels, workbooks both. In the
-- database like the status labels, so that a deployment can reword them or add
-- codes its platform sends; a code without a label shows as it is.
INSERT INTO label_sets (kind, code, label) VALUES
  ('hangupcause','NORMAL_CLEARING','正常挂断'),
  ('hangupcause','NORMAL_UNSPECIFIED','正常挂断(未说明)'),
  ('hangupcause','NO_ANSWER','无人接听'),
  ('hangupcause','NO_USER_RESPONSE','用户无响应'),
  ('hangupcause','USER_BUSY','用户忙'),
  ('hangupcause','CALL_REJECTED','拒接'),
  ('hangupcause','UNALLOCATED_NUMBER','空号'),
  ('hangupcause','INVALID_NUMBER_FORMAT','号码格式错误'),
  ('hangupcause','SUBSCRIBER_ABSENT','用户不在服务区'),
  ('hangupcause','NETWORK_OUT_OF_ORDER','网络故障'),
  ('hangupcause','DESTINATION_OUT_OF_ORDER','被叫线路故障'),
  ('hangupcause','NO_ROUTE_DESTINATION','无路由'),
  ('hangupcause','NORMAL_TEMPORARY_FAILURE','临时故障'),
  ('hangupcause','NORMAL_CIRCUIT_CONGESTION','线路拥塞'),
  ('hangupcause','SERVICE_UNAVAILABLE','服务不可用'),
  ('hangupcause','INCOMING_CALL_BARRED','呼入限制'),
  ('hangupcause','OUTGOING_CALL_BARRED','呼出限制'),
  ('hangupcause','ORIGINATOR_CANCEL','主叫取消'),
  ('hangupcause','RECOVERY_ON_TIMER_EXPIRE','超时未应答'),
  ('hangupcause','ALLOTTED_TIMEOUT','通话时长已到'),
  ('hangupcause','MEDIA_TIMEOUT','媒体超时'),
  ('hangupcause','MANAGER_REQUEST','系统挂断'),
  ('call_status','answer','接听'),
  ('call_status','failed','呼叫失败'),
  ('call_status','rejected','拒接'),
  ('call_status','no answer','无人接听'),
  ('call_status','unallocated','空号'),
  ('call_status','power off','关机'),
  ('call_status','out of service','停机'),
  ('call_status','busy now','占线'),
  ('call_status','call barred','呼入限制'),
  ('call_status','arrears','欠费'),
  ('call_status','blacklist','黑名单'),
  ('call_status','call loss','呼损'),
  ('notify','enter','开场'),
  ('notify','asrprogress_notify','识别过程'),
  ('notify','asrmessage_notify','识别结果'),
  ('notify','leave','离开'),
  ('notify','hangup','挂断')
ON CONFLICT (kind, code) DO NOTHING;

-- (plpgsql, not sql, here and in the functions below that read a table: a sql function
-- with a FROM or a subquery is never inlined, and its body was parsed and planned again
-- at every run of every statement calling it, some 0.1 to 0.3 ms a call site; plpgsql
-- keeps its plans for the session. The task overview over a period: 12 ms of statements
-- a request, 4 of them that.)
CREATE OR REPLACE FUNCTION callreport_label(k text, c text) RETURNS text
  LANGUAGE plpgsql STABLE PARALLEL SAFE
  AS $$ BEGIN RETURN (SELECT label FROM label_sets WHERE kind = k AND code = c); END $$;

-- Regions (a number's province and city) are each tenant's own, as its import gives
-- them: one tenant's region 12 is not another's (docs/security.md, section 1).
CREATE TABLE IF NOT EXISTS regions (
  user_id    uuid NOT NULL REFERENCES tenants(id),
  id         int NOT NULL,
  pid        int,
  city       text NOT NULL,
  area_code  text,
  post_code  text,
  created_at timestamptz,
  updated_at timestamptz,
  PRIMARY KEY (user_id, id)
);
-- An upgrade from the shared regions (one row an id for every tenant, the values of its
-- first import): every tenant there is gets a copy of every region, so that nothing it
-- shows changes and its later imports may name the regions they named before; from
-- then on each tenant's imports change its own copy only. Once: later no row lacks a tenant.
ALTER TABLE regions ADD COLUMN IF NOT EXISTS user_id uuid REFERENCES tenants(id);
DO $$ BEGIN
  IF EXISTS (SELECT FROM pg_constraint WHERE conrelid = 'regions'::regclass AND contype = 'p'
              AND conkey = ARRAY[(SELECT attnum FROM pg_attribute
                                   WHERE attrelid = 'regions'::regclass AND attname = 'id')]) THEN
    ALTER TABLE regions DROP CONSTRAINT regions_pkey;
    INSERT INTO regions (user_id, id, pid, city, area_code, post_code, created_at, updated_at)
    SELECT t.id, r.id, r.pid, r.city, r.area_code, r.post_code, r.created_at, r.updated_at
      FROM regions r CROSS JOIN tenants t WHERE r.user_id IS NULL;
    DELETE FROM regions WHERE user_id IS NULL;
    ALTER TABLE regions ALTER COLUMN user_id SET NOT NULL;
    ALTER TABLE regions ADD PRIMARY KEY (user_id, id);
  END IF;
END $$;

CREATE TABLE IF NOT EXISTS levels (
  id         uuid PRIMARY KEY,
  user_id    uuid NOT NULL REFERENCES tenants(id),
  name       text NOT NULL,
  alias      text NOT NULL,
  color      text,
  score_min  int NOT NULL,
  score_max  int NOT NULL,
  created_at timestamptz,
  updated_at timestamptz
);
CREATE INDEX IF NOT EXISTS levels_user ON levels (user_id, score_min);

CREATE TABLE IF NOT EXISTS tag_scenes (
  id         uuid PRIMARY KEY,
  user_id    uuid NOT NULL REFERENCES tenants(id),
  name       text NOT NULL,
  created_at timestamptz,
  updated_at timestamptz
);

CREATE TABLE IF NOT EXISTS tag_groups (
  id           uuid PRIMARY KEY,
  user_id      uuid NOT NULL REFERENCES tenants(id),
  name         text NOT NULL,
  tag_scene_id uuid REFERENCES tag_scenes(id),
  created_at   timestamptz,
  updated_at   timestamptz
);

-- A tag group (母标签) as every v1 response writes it; one definition for all of them.
CREATE OR REPLACE FUNCTION callreport_tag_group_json(g tag_groups) RETURNS json
  LANGUAGE sql STABLE PARALLEL SAFE
  AS $$ SELECT json_build_object('id', g.id, 'user_id', g.user_id, 'name', g.name,
       'created_at', callreport_ts(g.created_at), 'updated_at', callreport_ts(g.updated_at),
       'tag_scene_id', g.tag_scene_id) $$;

CREATE TABLE IF NOT EXISTS tags (
  id          uuid PRIMARY KEY,
  user_id     uuid NOT NULL REFERENCES tenants(id),
  name        text NOT NULL,
  description text,
  color       text,
  status      boolean NOT NULL DEFAULT true,
  created_at  timestamptz,
  updated_at  timestamptz
);
CREATE INDEX IF NOT EXISTS tags_user ON tags (user_id);
-- A tag with its tenant: what the links of records and transcript rows to tags reference
-- (the foreign keys after record_detail_tags).
CREATE UNIQUE INDEX IF NOT EXISTS tags_tenant ON tags (id, user_id);

CREATE TABLE IF NOT EXISTS tag_group_tags (
  tag_id       uuid NOT NULL REFERENCES tags(id) ON DELETE CASCADE,
  tag_group_id uuid NOT NULL REFERENCES tag_groups(id) ON DELETE CASCADE,
  user_id      uuid NOT NULL REFERENCES tenants(id),
  PRIMARY KEY (tag_id, tag_group_id)
);

CREATE TABLE IF NOT EXISTS groups (
  id                 bigint PRIMARY KEY,
  user_id            uuid NOT NULL REFERENCES tenants(id),
  name               text NOT NULL,
  debug              boolean NOT NULL DEFAULT false,
  link_word_group_id text,
  tag_scene_id       uuid,
  "default"          boolean NOT NULL DEFAULT false,
  deleted_at         timestamptz,
  created_at         timestamptz,
  updated_at         timestamptz
);

CREATE TABLE IF NOT EXISTS utterances (
  id                  uuid PRIMARY KEY,
  user_id             uuid NOT NULL REFERENCES tenants(id),
  group_id            bigint NOT NULL REFERENCES groups(id),
  name                text NOT NULL,
  description         text,
  context_id          text,
  priority            int,
  action              text,
  word_class          int,
  wait                int,
  retry               int,
  max_retry           int,
  score               int,
  play_ms             int,
  enquire             boolean,
  customer_service_id text,
  identify_type       int,
  background_file_id  text,
  block_asr           int,
  deleted_at          timestamptz,
  created_at          timestamptz,
  updated_at          timestamptz
);
CREATE INDEX IF NOT EXISTS utterances_group ON utterances (group_id, word_class);

CREATE TABLE IF NOT EXISTS tasks (
  uuid                           uuid PRIMARY KEY,
  user_id                        uuid NOT NULL REFERENCES tenants(id),
  name                           text NOT NULL,
  group_id                       bigint NOT NULL REFERENCES groups(id),
  create_datetime                timestamptz,
  alter_datetime                 timestamptz,
  start                          int NOT NULL DEFAULT 0,
  maximumcall                    int,
  call_per_second                int,
  recycle_limit                  int,
  random_assignment_number       int,
  disable_dial_timegroup         text,
  destination_extension          bigint,
  destination_dialplan           text,
  destination_context            text,
  scheduling_policy_ratio        text,
  scheduling_queue               text,
  dial_format                    text,
  domain                         text,
  remark                         text,
  sort                           int,
  originate_variables            text,
  _originate_timeout             int,
  _origination_caller_id_number  text,
  caller_line_id                 text,
  customer_service_id            text,
  call_notify_url                text,
  call_notify_type               int
);
CREATE INDEX IF NOT EXISTS tasks_user ON tasks (user_id, create_datetime);
-- A task with its tenant: what the rows of a task (numbers, call_histories, records)
-- reference, so that one check says both that the task exists and that it is the row's
-- tenant's (the foreign keys after record_detail_tags).
CREATE UNIQUE INDEX IF NOT EXISTS tasks_tenant ON tasks (uuid, user_id);

CREATE TABLE IF NOT EXISTS numbers (
  id           bigint PRIMARY KEY,
  user_id      uuid NOT NULL,
  task_id      uuid NOT NULL,
  number       text NOT NULL,
  status       smallint NOT NULL,
  province_id  int,
  city_id      int,
  operator     smallint,
  is_blacklist boolean NOT NULL DEFAULT false,
  callid       text,
  calldate     timestamptz,
  bill         bigint,
  duration     bigint,
  hangupcause  text,
  hangupdate   timestamptz,
  answerdate   timestamptz
);
-- task/number: order by id within a task, filter by status and operator; keyword by trigram.
-- (task_id, id) is numbers_task_cover below; an older separate index is dropped.
DROP INDEX IF EXISTS numbers_task_id;
CREATE INDEX IF NOT EXISTS numbers_task_status ON numbers (task_id, status, id);
CREATE INDEX IF NOT EXISTS numbers_task_operator ON numbers (task_id, operator, id);
-- The numbers page's province filter (the overview's province rows link there).
CREATE INDEX IF NOT EXISTS numbers_task_province ON numbers (task_id, province_id, id);
-- A call record's number (transcript page → number history).
CREATE INDEX IF NOT EXISTS numbers_task_number ON numbers (task_id, number);
-- No trigram index for keyword: LIKE is not leakproof, so under row-level
-- security PostgreSQL never uses one for the web role (the keyword filter scans
-- the task's rows through the task indexes instead), and its upkeep was the
-- largest cost of an import. Dropped where an older schema made it.
DROP INDEX IF EXISTS numbers_number_trgm;
-- task/number totals and record_info's progress_bar: an index-only scan of the task.
CREATE INDEX IF NOT EXISTS numbers_task_cover ON numbers (task_id, id)
  INCLUDE (user_id, status, operator, number);
-- The number search (GET /search): a number that ends with the digits asked for is one
-- whose reversed text begins with them, a range of a btree on text_pattern_ops. The
-- reversed number is a stored column, not an index on reverse(number): reverse() is not
-- leakproof, so under row-level security PostgreSQL would never use such an index for the
-- web role (see numbers_number_trgm), while the range operators ~>=~ and ~<~ on a column
-- are leakproof. A trigram index (pg_trgm) cannot serve it for the same reason (LIKE).
ALTER TABLE numbers ADD COLUMN IF NOT EXISTS number_rev text
  GENERATED ALWAYS AS (reverse(number)) STORED;
-- It carries the time and id the search sorts by, so that its page is chosen by an
-- index-only scan of the range and only the page's rows are read from the table (the
-- last 4 digits of a year's numbers match some thousands of rows, scattered over it).
DROP INDEX IF EXISTS numbers_number_rev;
CREATE INDEX IF NOT EXISTS numbers_search ON numbers (user_id, number_rev text_pattern_ops)
  INCLUDE (calldate, id);

CREATE TABLE IF NOT EXISTS call_histories (
  id             bigint PRIMARY KEY,
  user_id        uuid NOT NULL,
  task_id        uuid NOT NULL,
  number_id      bigint NOT NULL,
  call_id        text,
  number         text NOT NULL,
  call_time      timestamptz NOT NULL,
  duration       bigint,
  hangup_cause   text,
  hangup_code    text,
  bill           bigint,
  call_status    text,
  status         smallint NOT NULL,
  record_file    text,
  calling_number text,
  province_id    int,
  city_id        int,
  operator       smallint,
  created_at     timestamptz,
  updated_at     timestamptz
);
CREATE INDEX IF NOT EXISTS call_histories_number ON call_histories (number_id, call_time DESC, id DESC);
-- The task overview's calls by hour of day: an index-only scan of the task's attempts.
CREATE INDEX IF NOT EXISTS call_histories_task ON call_histories (task_id, call_time)
  INCLUDE (user_id, status);
-- The number search's calls: as numbers_search.
ALTER TABLE call_histories ADD COLUMN IF NOT EXISTS number_rev text
  GENERATED ALWAYS AS (reverse(number)) STORED;
DROP INDEX IF EXISTS call_histories_number_rev;
CREATE INDEX IF NOT EXISTS call_histories_search
  ON call_histories (user_id, number_rev text_pattern_ops) INCLUDE (call_time, number_id, id);

-- The start page: the tenant's attempts of a period, every task at once (index-only).
CREATE INDEX IF NOT EXISTS call_histories_user_time ON call_histories (user_id, call_time)
  INCLUDE (task_id, number_id, status);

CREATE TABLE IF NOT EXISTS records (
  id                 uuid PRIMARY KEY,
  user_id            uuid NOT NULL,
  task_id            uuid NOT NULL,
  group_id           bigint,
  callid             text,
  score              int NOT NULL,
  callee             text NOT NULL,
  caller_number      text,
  duration           bigint,
  error_code         int,
  gender             smallint,
  level_id           uuid,
  calldate           timestamptz NOT NULL,
  bill               bigint,
  hangupcause        text,
  hangupdate         timestamptz,
  answerdate         timestamptz,
  recordfile         text,
  bridge_callid      text,
  bridge_number      text,
  bridge_calldate    timestamptz,
  bridge_answerdate  timestamptz,
  hangup_disposition smallint,
  created_at         timestamptz,
  updated_at         timestamptz,
  rounds             int,
  bredge_number      text,
  read_at            timestamptz,
  province_id        int,
  city_id            int,
  operator           smallint
);
-- query_done_task_phones: newest first within a task; the range filters ride on it.
CREATE INDEX IF NOT EXISTS records_task_calldate ON records (task_id, calldate DESC, id DESC);
CREATE INDEX IF NOT EXISTS records_task_score ON records (task_id, score);
CREATE INDEX IF NOT EXISTS records_task_bill ON records (task_id, bill);
CREATE INDEX IF NOT EXISTS records_task_rounds ON records (task_id, rounds);
DROP INDEX IF EXISTS records_callee_trgm;	-- see numbers_number_trgm
-- The total of a filtered query_done_task_phones page: an index-only scan of the task
-- carrying every filtered column (keyword too: under row-level security LIKE is not
-- leakproof, so the trigram index cannot serve the web role).
CREATE INDEX IF NOT EXISTS records_task_cover ON records (task_id, calldate DESC, id DESC)
  INCLUDE (user_id, score, bill, rounds, callee);
-- A number's history links each attempt to the call record it became (same task, call id).
CREATE INDEX IF NOT EXISTS records_task_callid ON records (task_id, callid);
-- The start page: the tenant's call records of a period, every task at once.
CREATE INDEX IF NOT EXISTS records_user_calldate ON records (user_id, calldate)
  INCLUDE (task_id, level_id, bill);
-- The call-back list (callbacks.sql): the tenant's call records number by number with
-- every column its numbers are grouped and filtered by (an index-only scan in the order of
-- the numbers), and a number's calls, newest first, for the best call and the tags of a
-- page's rows.
CREATE INDEX IF NOT EXISTS records_user_callee ON records (user_id, callee, calldate DESC, id DESC)
  INCLUDE (level_id, task_id, operator, province_id);

CREATE TABLE IF NOT EXISTS record_tags (
  record_id  uuid NOT NULL REFERENCES records(id) ON DELETE CASCADE,
  tag_id     uuid NOT NULL,
  user_id    uuid NOT NULL,
  created_at timestamptz,
  updated_at timestamptz,
  PRIMARY KEY (record_id, tag_id)
);
CREATE INDEX IF NOT EXISTS record_tags_tag ON record_tags (tag_id, record_id);

CREATE TABLE IF NOT EXISTS record_details (
  id             uuid PRIMARY KEY,
  user_id        uuid NOT NULL REFERENCES tenants(id),
  record_id      uuid NOT NULL REFERENCES records(id) ON DELETE CASCADE,
  task_id        uuid,
  notify         text NOT NULL,
  callid         text,
  error_code     int,
  asrtype        text,
  callee         text,
  gender         smallint,
  asr_elapse     int,
  record_ms      int,
  volume_gain    double precision,
  question       text,
  question_index int,
  speak_ms       int,
  play_ms        int,
  keyword        text,
  answer_id      uuid,
  answer_text    text,
  word_class     text,
  score          int,
  sequence       int NOT NULL,
  created_at     timestamptz,
  updated_at     timestamptz,
  bridge_status  int,
  answer_content text,
  contents       jsonb NOT NULL DEFAULT '[]'
);
CREATE INDEX IF NOT EXISTS record_details_record ON record_details (record_id, sequence);

CREATE TABLE IF NOT EXISTS record_detail_tags (
  record_detail_id uuid NOT NULL REFERENCES record_details(id) ON DELETE CASCADE,
  tag_id           uuid NOT NULL,
  user_id          uuid NOT NULL,
  created_at       timestamptz,
  updated_at       timestamptz,
  PRIMARY KEY (record_detail_id, tag_id)
);

-- References checked a statement at a time. A foreign key checks each row with a query
-- of its own, some 4 us: of a first import of a million numbers, 1 M checks of the
-- numbers' task and 3 M of the call attempts' task and number, some 20 s of its 125. The
-- references of the tables a file fills by the million are kept instead by the triggers
-- below, with a foreign key's guarantees:
-- - a row names only a parent row that exists, and the task or tag of its own tenant
--   (by (id, user_id));
-- - the parent it names is locked (FOR KEY SHARE, as a foreign key locks it), so that no
--   other transaction deletes it before this one ends; unless this transaction made it
--   (no other sees it then): a first import locks nothing;
-- - a parent row still named cannot be deleted, truncated or have its key changed.
-- An INSERT or COPY checks all its rows at its end, from its transition table, by one join
-- (by hash for a file, by probes for a sync window); a change of a row's key is checked
-- on its own (a row trigger WHEN the key changes: nothing for the updates that keep it).
-- Errors: 23503 (foreign_key_violation), worded as PostgreSQL's own. The checks read
-- what is committed when they run (READ COMMITTED, the project's level).
CREATE OR REPLACE FUNCTION callreport_ref_cols(prefix text, cols text) RETURNS text
LANGUAGE sql IMMUTABLE AS $$ SELECT regexp_replace(cols, '(\w+)', prefix || '.\1', 'g') $$;

-- The error of a row of table tab whose key (cols)=key names no row of parent, as the
-- foreign key name's.
CREATE OR REPLACE FUNCTION callreport_ref_missing(tab text, name text, cols text, key text,
    parent text)
RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  RAISE foreign_key_violation USING
    MESSAGE = format('insert or update on table "%s" violates foreign key constraint "%s"',
                     tab, name),
    DETAIL = format('Key (%s)=%s is not present in table "%s".', cols, key, parent);
END $$;

-- AFTER INSERT, FOR EACH STATEMENT, REFERENCING NEW TABLE AS callreport_new, on the child.
-- TG_ARGV: the reference's name, the child's columns, the parent, its columns.
CREATE OR REPLACE FUNCTION callreport_ref_inserted() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
DECLARE
  k text := callreport_ref_cols('n', TG_ARGV[1]);
  p text := callreport_ref_cols('p', TG_ARGV[3]);
  missing bigint;
  theirs bigint;
  bad text;
BEGIN
  -- One pass: the names without their parent, and those whose parent another transaction
  -- made (a first import makes its parents: none). Each row, not each distinct name: the
  -- planner knows the transition table's size, not its distinct names, and joins by hash
  -- or by probes as that size asks.
  EXECUTE format('SELECT count(*) FILTER (WHERE p.ctid IS NULL),'
                 ' count(*) FILTER (WHERE p.xmin <> pg_current_xact_id()::xid)'
                 ' FROM callreport_new n LEFT JOIN %1$s p ON (%2$s) = (%3$s)'
                 ' WHERE ROW(%3$s) IS NOT NULL', TG_ARGV[2], p, k) INTO missing, theirs;
  IF missing = 0 AND theirs > 0 THEN
    -- Lock those parents, then look again (a new snapshot): one deleted meanwhile is gone.
    EXECUTE format('SELECT count(*) FROM (SELECT FROM %1$s p WHERE (%2$s) IN'
                   ' (SELECT %3$s FROM callreport_new n)'
                   ' AND p.xmin <> pg_current_xact_id()::xid FOR KEY SHARE OF p) l',
                   TG_ARGV[2], p, k);
  END IF;
  IF missing > 0 OR theirs > 0 THEN
    EXECUTE format('SELECT ROW(%1$s)::text FROM callreport_new n WHERE ROW(%1$s) IS NOT NULL'
                   ' AND NOT EXISTS (SELECT FROM %2$s p WHERE (%3$s) = (%1$s)) LIMIT 1',
                   k, TG_ARGV[2], p) INTO bad;
  END IF;
  IF bad IS NOT NULL THEN
    PERFORM callreport_ref_missing(TG_TABLE_NAME, TG_ARGV[0], TG_ARGV[1], bad, TG_ARGV[2]);
  END IF;
  RETURN NULL;
END $$;

-- AFTER UPDATE OF the child's columns, FOR EACH ROW, WHEN they change: the new name.
CREATE OR REPLACE FUNCTION callreport_ref_renamed() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
DECLARE
  k text := callreport_ref_cols('($1)', TG_ARGV[1]);
  found boolean;
BEGIN
  EXECUTE format('SELECT ROW(%1$s) IS NULL OR EXISTS (SELECT FROM %2$s p WHERE (%3$s) = (%1$s)'
                 ' FOR KEY SHARE OF p)', k, TG_ARGV[2], callreport_ref_cols('p', TG_ARGV[3]))
    INTO found USING NEW;
  IF NOT found THEN
    EXECUTE format('SELECT ROW(%s)::text', k) INTO k USING NEW;
    PERFORM callreport_ref_missing(TG_TABLE_NAME, TG_ARGV[0], TG_ARGV[1], k, TG_ARGV[2]);
  END IF;
  RETURN NULL;
END $$;

-- On the parent: AFTER DELETE, FOR EACH STATEMENT, REFERENCING OLD TABLE AS callreport_old;
-- AFTER UPDATE OF its columns, FOR EACH ROW, WHEN they change (OLD in callreport_old's
-- place); AFTER TRUNCATE (the child must be empty). TG_ARGV: the reference's name, the
-- child, its columns, the parent's columns.
CREATE OR REPLACE FUNCTION callreport_ref_dropped() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
DECLARE
  c text := callreport_ref_cols('c', TG_ARGV[2]);
  o text;
  bad text;
  found boolean;
BEGIN
  IF TG_OP = 'TRUNCATE' THEN
    EXECUTE format('SELECT EXISTS (SELECT FROM %s)', TG_ARGV[1]) INTO found;
    IF found THEN
      RAISE foreign_key_violation USING
        MESSAGE = 'cannot truncate a table referenced in a foreign key constraint',
        DETAIL = format('Table "%s" references "%s" (%s).', TG_ARGV[1], TG_TABLE_NAME, TG_ARGV[0]);
    END IF;
  ELSIF TG_OP = 'DELETE' THEN
    o := callreport_ref_cols('o', TG_ARGV[3]);
    EXECUTE format('SELECT ROW(%1$s)::text FROM callreport_old o WHERE EXISTS (SELECT FROM %2$s c'
                   ' WHERE (%3$s) = (%1$s)) LIMIT 1', o, TG_ARGV[1], c) INTO bad;
  ELSE
    o := callreport_ref_cols('($1)', TG_ARGV[3]);
    EXECUTE format('SELECT ROW(%1$s)::text FROM (SELECT) x WHERE EXISTS (SELECT FROM %2$s c'
                   ' WHERE (%3$s) = (%1$s))', o, TG_ARGV[1], c) INTO bad USING OLD;
  END IF;
  IF bad IS NOT NULL THEN
    RAISE foreign_key_violation USING
      MESSAGE = format('update or delete on table "%s" violates foreign key constraint "%s" on table "%s"',
                       TG_TABLE_NAME, TG_ARGV[0], TG_ARGV[1]),
      DETAIL = format('Key (%s)=%s is still referenced from table "%s".', TG_ARGV[3], bad, TG_ARGV[1]);
  END IF;
  RETURN NULL;
END $$;

REVOKE ALL ON FUNCTION callreport_ref_inserted(), callreport_ref_renamed(),
  callreport_ref_dropped(), callreport_ref_missing(text, text, text, text, text) FROM PUBLIC;

-- The references: each its name, the child and its columns, the parent and its columns.
-- The foreign keys they replace (an older schema's) are dropped; the triggers are made
-- again at every migration (CREATE OR REPLACE).
DROP TABLE IF EXISTS callreport_refs;
DO $$
DECLARE
  r record;
  t text;
  keys text[] := ARRAY[
      'numbers_user_id_fkey', 'numbers_task_id_fkey', 'numbers_task_tenant_fkey',
      'call_histories_user_id_fkey', 'call_histories_task_id_fkey',
      'call_histories_task_tenant_fkey', 'call_histories_number_id_fkey',
      'records_user_id_fkey', 'records_task_id_fkey', 'records_task_tenant_fkey',
      'records_level_id_fkey',
      'record_tags_user_id_fkey', 'record_tags_tag_id_fkey', 'record_tags_tag_tenant_fkey',
      'record_detail_tags_user_id_fkey', 'record_detail_tags_tag_id_fkey',
      'record_detail_tags_tag_tenant_fkey'];
BEGIN
  FOREACH t IN ARRAY keys LOOP
    SELECT conrelid::regclass::text AS tab INTO r FROM pg_constraint
     WHERE conname = t AND contype = 'f';
    IF FOUND THEN
      EXECUTE format('ALTER TABLE %I DROP CONSTRAINT %I', r.tab, t);
    END IF;
  END LOOP;
  FOR r IN SELECT * FROM (VALUES
      ('numbers_task_tenant_fkey', 'numbers', 'task_id, user_id', 'tasks', 'uuid, user_id'),
      ('call_histories_task_tenant_fkey', 'call_histories', 'task_id, user_id', 'tasks',
       'uuid, user_id'),
      ('call_histories_number_id_fkey', 'call_histories', 'number_id', 'numbers', 'id'),
      ('records_task_tenant_fkey', 'records', 'task_id, user_id', 'tasks', 'uuid, user_id'),
      ('records_level_id_fkey', 'records', 'level_id', 'levels', 'id'),
      ('record_tags_tag_tenant_fkey', 'record_tags', 'tag_id, user_id', 'tags', 'id, user_id'),
      ('record_detail_tags_tag_tenant_fkey', 'record_detail_tags', 'tag_id, user_id', 'tags',
       'id, user_id')) AS v (name, child, child_cols, parent, parent_cols) LOOP
    EXECUTE format('CREATE OR REPLACE TRIGGER %1$I AFTER INSERT ON %2$I'
                   ' REFERENCING NEW TABLE AS callreport_new FOR EACH STATEMENT'
                   ' EXECUTE FUNCTION callreport_ref_inserted(%1$L, %3$L, %4$L, %5$L)',
                   r.name, r.child, r.child_cols, r.parent, r.parent_cols);
    EXECUTE format('CREATE OR REPLACE TRIGGER %1$I AFTER UPDATE OF %3$s ON %2$I FOR EACH ROW'
                   ' WHEN ((%6$s) IS DISTINCT FROM (%7$s))'
                   ' EXECUTE FUNCTION callreport_ref_renamed(%8$L, %3$L, %4$L, %5$L)',
                   r.name || '_renamed', r.child, r.child_cols, r.parent, r.parent_cols,
                   callreport_ref_cols('OLD', r.child_cols), callreport_ref_cols('NEW', r.child_cols),
                   r.name);
    EXECUTE format('CREATE OR REPLACE TRIGGER %1$I AFTER DELETE ON %4$I'
                   ' REFERENCING OLD TABLE AS callreport_old FOR EACH STATEMENT'
                   ' EXECUTE FUNCTION callreport_ref_dropped(%1$L, %2$L, %3$L, %5$L)',
                   r.name, r.child, r.child_cols, r.parent, r.parent_cols);
    EXECUTE format('CREATE OR REPLACE TRIGGER %1$I AFTER UPDATE OF %5$s ON %4$I FOR EACH ROW'
                   ' WHEN ((%6$s) IS DISTINCT FROM (%7$s))'
                   ' EXECUTE FUNCTION callreport_ref_dropped(%8$L, %2$L, %3$L, %5$L)',
                   r.name || '_rekeyed', r.child, r.child_cols, r.parent, r.parent_cols,
                   callreport_ref_cols('OLD', r.parent_cols), callreport_ref_cols('NEW', r.parent_cols),
                   r.name);
    EXECUTE format('CREATE OR REPLACE TRIGGER %1$I AFTER TRUNCATE ON %4$I FOR EACH STATEMENT'
                   ' EXECUTE FUNCTION callreport_ref_dropped(%5$L, %2$L, %3$L, %6$L)',
                   r.name || '_truncated', r.child, r.child_cols, r.parent, r.name, r.parent_cols);
  END LOOP;
END $$;

-- How many numbers each task has, per status and operator (0: unknown). The
-- importer recomputes a tenant's rows in the transaction of every import, so
-- totals of the unfiltered and status/operator-filtered number lists, task
-- progress and the status distribution never count a million rows.
CREATE TABLE IF NOT EXISTS task_number_counts (
  task_id  uuid NOT NULL REFERENCES tasks(uuid) ON DELETE CASCADE,
  user_id  uuid NOT NULL REFERENCES tenants(id),
  status   smallint NOT NULL,
  operator smallint NOT NULL,
  n        bigint NOT NULL,
  PRIMARY KEY (task_id, status, operator)
);
-- An upgrade from a schema without the table fills it once.
INSERT INTO task_number_counts (task_id, user_id, status, operator, n)
SELECT task_id, user_id, status, coalesce(operator, 0), count(*)
  FROM numbers
 WHERE NOT EXISTS (SELECT FROM task_number_counts)
 GROUP BY 1, 2, 3, 4;

-- How many call records each task has; kept like task_number_counts.
CREATE TABLE IF NOT EXISTS task_record_counts (
  task_id  uuid PRIMARY KEY REFERENCES tasks(uuid) ON DELETE CASCADE,
  user_id  uuid NOT NULL REFERENCES tenants(id),
  n        bigint NOT NULL
);
INSERT INTO task_record_counts (task_id, user_id, n)
SELECT task_id, user_id, count(*)
  FROM records
 WHERE NOT EXISTS (SELECT FROM task_record_counts)
 GROUP BY 1, 2;

-- Rollups (issue 16.5): the figures of the start page, the comparison and the trends,
-- per task and hour, kept by callreport_rollup() in the transaction of every write
-- (callreport_recount below), so that a period of whole days never reads the raw rows.
-- Hours and days are the zone's of the write (rollup_zones; the configuration's
-- timezone): a page in another zone, or over a period that is not whole days, computes
-- from the raw rows instead (the same figures, slower).
--
-- rollup_hours: per task and hour, call attempts and those answered (status 1), the
-- numbers with an attempt (an answered attempt) in the hour, call records, those of an A
-- or B level, and the talk time of the records (sum and count, ms).
CREATE TABLE IF NOT EXISTS rollup_hours (
  user_id   uuid NOT NULL REFERENCES tenants(id),
  task_id   uuid NOT NULL REFERENCES tasks(uuid) ON DELETE CASCADE,
  hour      timestamptz NOT NULL,
  attempts  integer NOT NULL,
  connected integer NOT NULL,
  dialled   integer NOT NULL,
  answered  integer NOT NULL,
  calls     integer NOT NULL,
  a_count   integer NOT NULL,
  b_count   integer NOT NULL,
  bill_sum  bigint NOT NULL,
  bill_n    integer NOT NULL,
  PRIMARY KEY (user_id, hour, task_id)
);
CREATE INDEX IF NOT EXISTS rollup_hours_task ON rollup_hours (task_id, hour);
-- The records' rounds (sum and count of those with rounds) and scores (sum; every record
-- has one), for the task overview's averages.
ALTER TABLE rollup_hours ADD COLUMN IF NOT EXISTS rounds_sum bigint NOT NULL DEFAULT 0,
  ADD COLUMN IF NOT EXISTS rounds_n integer NOT NULL DEFAULT 0,
  ADD COLUMN IF NOT EXISTS score_sum bigint NOT NULL DEFAULT 0;

-- rollup_days: rollup_hours added up by the zone's day, but dialled and answered: the
-- numbers with an attempt (an answered attempt) that day; redialled and reanswered, those
-- of them dialled (answered) on an earlier day too (rollup_repeats added up).
CREATE TABLE IF NOT EXISTS rollup_days (
  user_id   uuid NOT NULL REFERENCES tenants(id),
  task_id   uuid NOT NULL REFERENCES tasks(uuid) ON DELETE CASCADE,
  day       date NOT NULL,
  attempts  integer NOT NULL,
  connected integer NOT NULL,
  dialled   integer NOT NULL,
  answered  integer NOT NULL,
  calls     integer NOT NULL,
  a_count   integer NOT NULL,
  b_count   integer NOT NULL,
  bill_sum  bigint NOT NULL,
  bill_n    integer NOT NULL,
  redialled integer NOT NULL DEFAULT 0,
  reanswered integer NOT NULL DEFAULT 0,
  PRIMARY KEY (user_id, day, task_id)
);
ALTER TABLE rollup_days ADD COLUMN IF NOT EXISTS redialled integer NOT NULL DEFAULT 0,
  ADD COLUMN IF NOT EXISTS reanswered integer NOT NULL DEFAULT 0,
  ADD COLUMN IF NOT EXISTS rounds_sum bigint NOT NULL DEFAULT 0,
  ADD COLUMN IF NOT EXISTS rounds_n integer NOT NULL DEFAULT 0,
  ADD COLUMN IF NOT EXISTS score_sum bigint NOT NULL DEFAULT 0;
CREATE INDEX IF NOT EXISTS rollup_days_task ON rollup_days (task_id, day);
-- The start page, the comparison and their trend: the tenant's days of a period, every
-- figure they add up, read from the index alone (the start page over 365 days of the year
-- of demo data, 10,793 rows: 113 -> 167 requests a second at 8 connections).
CREATE INDEX IF NOT EXISTS rollup_days_cover ON rollup_days (user_id, day)
  INCLUDE (task_id, dialled, redialled, answered, reanswered, calls, a_count, b_count,
           bill_sum, bill_n);

-- rollup_months and rollup_tenant_days: rollup_days added up by the zone's month (the
-- month's first day) per task, and by day over the tenant's tasks; made again from
-- rollup_days for the months and days a write touched (callreport_rollup_derive), so they
-- are rollup_days' sums, row for row. A long period reads its whole months from the first
-- (start.rows.sql: 365 days of the year of demo data, 884 rows instead of 10,793 days) and
-- the tenant's trend its days from the second (start_trend.sql: 365 rows, not 10,793).
-- Figures and types as rollup_days' (dialled less redialled is the month's numbers less
-- those dialled on an earlier day too, as for a day).
CREATE TABLE IF NOT EXISTS rollup_months (
  user_id    uuid NOT NULL REFERENCES tenants(id),
  task_id    uuid NOT NULL REFERENCES tasks(uuid) ON DELETE CASCADE,
  month      date NOT NULL,
  attempts   integer NOT NULL,
  connected  integer NOT NULL,
  dialled    integer NOT NULL,
  answered   integer NOT NULL,
  calls      integer NOT NULL,
  a_count    integer NOT NULL,
  b_count    integer NOT NULL,
  bill_sum   bigint NOT NULL,
  bill_n     integer NOT NULL,
  redialled  integer NOT NULL,
  reanswered integer NOT NULL,
  rounds_sum bigint NOT NULL,
  rounds_n   integer NOT NULL,
  score_sum  bigint NOT NULL,
  PRIMARY KEY (user_id, month, task_id)
);
CREATE TABLE IF NOT EXISTS rollup_tenant_days (
  user_id    uuid NOT NULL REFERENCES tenants(id),
  day        date NOT NULL,
  attempts   integer NOT NULL,
  connected  integer NOT NULL,
  dialled    integer NOT NULL,
  answered   integer NOT NULL,
  calls      integer NOT NULL,
  a_count    integer NOT NULL,
  b_count    integer NOT NULL,
  bill_sum   bigint NOT NULL,
  bill_n     integer NOT NULL,
  redialled  integer NOT NULL,
  reanswered integer NOT NULL,
  rounds_sum bigint NOT NULL,
  rounds_n   integer NOT NULL,
  score_sum  bigint NOT NULL,
  PRIMARY KEY (user_id, day)
);

-- The whole months of a period of days [a, b] are those from callreport_month_from(a), the
-- first 1st on or after a, to before callreport_month_to(b), the 1st of b + 1's month (none
-- when the second is not after the first). Inlined where used (no FROM).
CREATE OR REPLACE FUNCTION callreport_month_from(a date) RETURNS date
  LANGUAGE sql IMMUTABLE
  AS $$ SELECT (date_trunc('month', (a - 1)::timestamp) + interval '1 month')::date $$;
CREATE OR REPLACE FUNCTION callreport_month_to(b date) RETURNS date
  LANGUAGE sql IMMUTABLE
  AS $$ SELECT date_trunc('month', (b + 1)::timestamp)::date $$;

-- rollup_repeats: the numbers of a task dialled (answered: answered) on day whose previous
-- such day was prev_day. The numbers of a period of days [s, e] are its days' dialled less
-- their redialled, plus the repeats of days from s whose prev_day is before s (at most
-- max_gap days from s: rollup_zones): a number is counted once, on its first day in the
-- period, so the figure is exact, not the sum of the days.
CREATE TABLE IF NOT EXISTS rollup_repeats (
  user_id   uuid NOT NULL REFERENCES tenants(id),
  task_id   uuid NOT NULL REFERENCES tasks(uuid) ON DELETE CASCADE,
  day       date NOT NULL,
  answered  boolean NOT NULL,
  prev_day  date NOT NULL,
  n         integer NOT NULL,
  PRIMARY KEY (user_id, day, task_id, answered, prev_day)
);
CREATE INDEX IF NOT EXISTS rollup_repeats_task ON rollup_repeats (task_id, day);

-- rollup_counts: per task and day, counts by a dimension: dim 'level', the call records
-- by level (code: the level's id; '': none), 'status', the call attempts by status (code:
-- 0..12), 'cause', the call records by hangup cause (code: hangupcause; '': none), 'tag',
-- the call records by tag (code: the tag's id), 'tag_group', the call records with a tag
-- of the group, each once (code: the group's id); the call records by 'operator' (1..3;
-- '': another or none), 'province' (the region's id; '': none or 0), 'bill_band' (the
-- talk-time band of callreport_bill_bands(); none without a talk time or outside them),
-- 'rounds' (least(rounds, 10); none without rounds), 'disposition' (hangup_disposition;
-- '': none), 'dropoff' (the calls the customer hung up, by callreport_dropoff()).
CREATE TABLE IF NOT EXISTS rollup_counts (
  user_id   uuid NOT NULL REFERENCES tenants(id),
  task_id   uuid NOT NULL REFERENCES tasks(uuid) ON DELETE CASCADE,
  dim       text NOT NULL,
  day       date NOT NULL,
  code      text NOT NULL,
  n         integer NOT NULL,
  PRIMARY KEY (task_id, dim, day, code)
);

-- The comparison's levels and results (compare.sql): a task's rows of the two dimensions
-- read from an index alone (6 tasks over 365 days of the year of demo data, some 3,000
-- rows: 260 -> 410 comparisons a second at 8 connections; 14 MB for the year).
CREATE INDEX IF NOT EXISTS rollup_counts_compare ON rollup_counts (task_id, dim, day, code)
  INCLUDE (user_id, n) WHERE dim IN ('status', 'level');

-- rollup_numbers: per task, day and a dimension of the number, the numbers with an attempt
-- that day (dialled) and with an answered one (answered, status 1): dim 'status', by the
-- number's status now (code 0..12); 'operator', by its operator (1..3; '': another or
-- none); 'province', by its province (the region's id; '': none or 0). A number has one
-- code a dimension, so a period's numbers of a code are its days' dialled less the
-- rollup_number_repeats of those days whose prev_day is in the period too: each number
-- counted once, on its first day in the period, as rollup_repeats does for the task.
CREATE TABLE IF NOT EXISTS rollup_numbers (
  user_id   uuid NOT NULL REFERENCES tenants(id),
  task_id   uuid NOT NULL REFERENCES tasks(uuid) ON DELETE CASCADE,
  dim       text NOT NULL,
  day       date NOT NULL,
  code      text NOT NULL,
  dialled   integer NOT NULL,
  answered  integer NOT NULL,
  PRIMARY KEY (task_id, dim, day, code)
);
-- rollup_number_repeats: the numbers of a task and code dialled (answered: answered) on
-- day whose previous such day was prev_day.
CREATE TABLE IF NOT EXISTS rollup_number_repeats (
  user_id   uuid NOT NULL REFERENCES tenants(id),
  task_id   uuid NOT NULL REFERENCES tasks(uuid) ON DELETE CASCADE,
  dim       text NOT NULL,
  day       date NOT NULL,
  code      text NOT NULL,
  answered  boolean NOT NULL,
  prev_day  date NOT NULL,
  n         integer NOT NULL,
  PRIMARY KEY (task_id, dim, day, code, answered, prev_day)
);

-- The task overview's talk-time bands (overview_bills.sql, and rollup_counts' 'bill_band'),
-- defined once: k, the label, and lo..hi whole seconds (bill / 1000 truncated: a band
-- takes bill from lo * 1000 to hi * 1000 + 999 ms, the bills filter's own condition).
CREATE OR REPLACE FUNCTION callreport_bill_bands(OUT k int, OUT label text, OUT lo int,
    OUT hi int)
  RETURNS SETOF record
  LANGUAGE sql IMMUTABLE
  AS $$
  VALUES (1, '0–9 秒', 0, 9), (2, '10–29 秒', 10, 29), (3, '30–59 秒', 30, 59),
         (4, '1–2 分钟', 60, 119), (5, '2–5 分钟', 120, 299),
         (6, '5 分钟以上', 300, 1000000000) $$;

-- The band of callreport_bill_bands() a talk time of bill ms is in (its k), NULL when none:
-- a bucket of the bands' bounds (width_bucket), as the bands are in k's order, each
-- beginning the second after the previous one ends. The bounds are a constant of the plan
-- (IMMUTABLE, no argument) and this function is inlined: a look-up in the bands per
-- record was a tenth of a first import's rollups.
CREATE OR REPLACE FUNCTION callreport_bill_bounds() RETURNS bigint[]
  LANGUAGE sql IMMUTABLE
  AS $$
  SELECT array_agg(b.lo::bigint * 1000 ORDER BY b.k) || (max(b.hi)::bigint * 1000 + 1000)
    FROM callreport_bill_bands() b $$;
CREATE OR REPLACE FUNCTION callreport_bill_band(bill bigint) RETURNS int
  LANGUAGE sql IMMUTABLE
  AS $$
  SELECT nullif(nullif(width_bucket(bill, callreport_bill_bounds()), 0),
                cardinality(callreport_bill_bounds())) $$;

-- The zone a tenant's rollups were made in, and the most days between a number's day
-- and its previous one (rollup_repeats) of the tenant. version: the rollups' layout they
-- were made with (callreport_rollup() writes 2; rollups of an older layout, made before an
-- upgrade, are not read until the tenant's next write remakes them).
CREATE TABLE IF NOT EXISTS rollup_zones (
  user_id   uuid PRIMARY KEY REFERENCES tenants(id),
  zone      text NOT NULL,
  max_gap   integer NOT NULL DEFAULT 0
);
ALTER TABLE rollup_zones ADD COLUMN IF NOT EXISTS max_gap integer NOT NULL DEFAULT 0;
ALTER TABLE rollup_zones ADD COLUMN IF NOT EXISTS version integer NOT NULL DEFAULT 1;

-- The task overview's provinces over the task's whole life: the numbers per province
-- (0: none), those dialled (status not 0) and connected (status 1); kept like
-- task_number_counts.
CREATE TABLE IF NOT EXISTS task_province_counts (
  task_id     uuid NOT NULL REFERENCES tasks(uuid) ON DELETE CASCADE,
  user_id     uuid NOT NULL REFERENCES tenants(id),
  province_id int NOT NULL,
  total       bigint NOT NULL,
  dialled     bigint NOT NULL,
  connected   bigint NOT NULL,
  PRIMARY KEY (task_id, province_id)
);
-- An upgrade from a schema without the table fills it once.
INSERT INTO task_province_counts (task_id, user_id, province_id, total, dialled, connected)
SELECT task_id, user_id, coalesce(province_id, 0), count(*), count(*) FILTER (WHERE status <> 0),
       count(*) FILTER (WHERE status = 1)
  FROM numbers
 WHERE NOT EXISTS (SELECT FROM task_province_counts)
 GROUP BY 1, 2, 3;

-- Where a call (the record rid of tenant) stood when it ended: the name of the robot's last
-- utterance, the answer of the last shown transcript row (not asrprogress_notify) in which
-- the robot spoke; '（未命名话术）' for an utterance without a name, '（机器人未开口）' when
-- the robot never spoke. Written once for the overview's drop-off rows (overview_hangup.sql
-- and the rollups' dim 'dropoff'), and the call records page's filter dropoff
-- (done_phones.where.sql), so that a row and the list it links to cannot disagree. Its
-- rows by record_details_record (record_id, sequence).
CREATE OR REPLACE FUNCTION callreport_dropoff(rid uuid, tenant uuid)
  RETURNS text
  LANGUAGE plpgsql STABLE
  AS $$
BEGIN
  RETURN coalesce((SELECT coalesce(nullif(d.answer_text, ''), '（未命名话术）')
                     FROM record_details d
                    WHERE d.record_id = rid
                      AND d.user_id = tenant
                      AND d.notify <> 'asrprogress_notify'
                      AND coalesce(d.answer_content, '') <> ''
                    ORDER BY d.sequence DESC, d.id DESC
                    LIMIT 1), '（机器人未开口）');
END $$;

-- The rollups are sums: of each call attempt's, number's and call record's part (its
-- contribution). A number's part is read from its whole history (its days, and the
-- repeats: each day's previous one), a record's from the record with its tags, level and
-- transcript. So a write changes them by the parts of the numbers and records it touched:
-- their parts before it are taken away, their parts after it added (callreport_rollup_add
-- with -1, then 1; callreport_rollup_merge), and a sync's window of 15 records or 500
-- numbers costs what those rows cost, not what their task or their days hold. A first
-- import, a level renamed or a stored tag with other groups (every record's part may
-- change), or rollups of another zone are made again whole instead (callreport_rollup).
-- The per-task counts are kept the same way (callreport_counts_add).
--
-- The transaction's tables of it: rollup_touch, the numbers and records a write touches
-- (filled by the writer: cgi/cli/import.c, touch_rows); rollup_number_days, the days of
-- the numbers being read (task, number, day, whether one attempt was answered, and the
-- number's previous day with an attempt and with an answered one); and the
-- parts added up so far, one table per rollup (rollup_delta_*).
CREATE OR REPLACE FUNCTION callreport_rollup_tables()
  RETURNS void
  LANGUAGE plpgsql
  AS $$
BEGIN
  IF to_regclass('pg_temp.rollup_touch') IS NOT NULL THEN
    RETURN;
  END IF;
  CREATE TEMP TABLE rollup_touch (number_id bigint, record_id uuid) ON COMMIT DROP;
  CREATE TEMP TABLE rollup_number_days (task_id uuid, number_id bigint, day date,
    ok boolean, prev_day date, prev_ok date) ON COMMIT DROP;
  CREATE TEMP TABLE rollup_delta_hours (task_id uuid, hour timestamptz, attempts bigint,
    connected bigint, dialled bigint, answered bigint, calls bigint, a_count bigint,
    b_count bigint, bill_sum bigint, bill_n bigint, rounds_sum bigint, rounds_n bigint,
    score_sum bigint) ON COMMIT DROP;
  CREATE TEMP TABLE rollup_delta_days (task_id uuid, day date, attempts bigint,
    connected bigint, dialled bigint, answered bigint, calls bigint, a_count bigint,
    b_count bigint, bill_sum bigint, bill_n bigint, redialled bigint, reanswered bigint,
    rounds_sum bigint, rounds_n bigint, score_sum bigint) ON COMMIT DROP;
  CREATE TEMP TABLE rollup_delta_repeats (task_id uuid, day date, answered boolean,
    prev_day date, n bigint) ON COMMIT DROP;
  CREATE TEMP TABLE rollup_delta_counts (task_id uuid, dim text, day date, code text,
    n bigint) ON COMMIT DROP;
  CREATE TEMP TABLE rollup_delta_numbers (task_id uuid, dim text, day date, code text,
    dialled bigint, answered bigint) ON COMMIT DROP;
  CREATE TEMP TABLE rollup_delta_number_repeats (task_id uuid, dim text, day date,
    code text, answered boolean, prev_day date, n bigint) ON COMMIT DROP;
  -- The parts of the per-task counts (callreport_recount): task_number_counts,
  -- task_province_counts, task_record_counts.
  CREATE TEMP TABLE rollup_delta_tnc (task_id uuid, status smallint, operator smallint,
    n bigint) ON COMMIT DROP;
  CREATE TEMP TABLE rollup_delta_tpc (task_id uuid, province_id int, total bigint,
    dialled bigint, connected bigint) ON COMMIT DROP;
  CREATE TEMP TABLE rollup_delta_trc (task_id uuid, n bigint) ON COMMIT DROP;
  -- The tasks' days whose month (rollup_months) and day (rollup_tenant_days) are made
  -- again (callreport_rollup_derive).
  CREATE TEMP TABLE rollup_derive_keys (task_id uuid, day date) ON COMMIT DROP;
END $$;

-- Adds sgn (1 or -1) times the parts of the numbers and records of rollup_touch to the
-- per-task counts' rollup_delta_* tables (callreport_counts_merge adds them up). Not
-- zone's: callreport_recount keeps them so even when the rollups are made again whole.
CREATE OR REPLACE FUNCTION callreport_counts_add(tenant uuid, sgn integer)
  RETURNS void
  LANGUAGE plpgsql
  SET plan_cache_mode = force_custom_plan
  AS $$
DECLARE
  nums bigint[] := (SELECT coalesce(array_agg(DISTINCT t.number_id), '{}')
                      FROM rollup_touch t WHERE t.number_id IS NOT NULL);
  recs uuid[] := (SELECT coalesce(array_agg(DISTINCT t.record_id), '{}')
                    FROM rollup_touch t WHERE t.record_id IS NOT NULL);
BEGIN
  INSERT INTO rollup_delta_tnc (task_id, status, operator, n)
  SELECT n.task_id, n.status, coalesce(n.operator, 0), sgn * count(*)
    FROM numbers n
   WHERE n.user_id = tenant AND n.id = ANY (nums)
   GROUP BY 1, 2, 3;
  INSERT INTO rollup_delta_tpc (task_id, province_id, total, dialled, connected)
  SELECT n.task_id, coalesce(n.province_id, 0), sgn * count(*),
         sgn * count(*) FILTER (WHERE n.status <> 0), sgn * count(*) FILTER (WHERE n.status = 1)
    FROM numbers n
   WHERE n.user_id = tenant AND n.id = ANY (nums)
   GROUP BY 1, 2;
  INSERT INTO rollup_delta_trc (task_id, n)
  SELECT r.task_id, sgn * count(*)
    FROM records r
   WHERE r.user_id = tenant AND r.id = ANY (recs)
   GROUP BY 1;
END $$;

-- Adds the parts of a delta table (rollup_delta_*) to its table, each key once:
-- keys, the columns a row is keyed by besides user_id (the delta's own); cols, the figures
-- added up; conflict, the table's unique key; gone, the condition of a row whose figures
-- came to nothing (a full recount makes no row for it), deleted. A key whose parts cancel
-- out is not written. The one shape of every merge (callreport_rollup_merge,
-- callreport_counts_merge); each statement planned for its run (EXECUTE).
CREATE OR REPLACE FUNCTION callreport_merge_parts(tenant uuid, target text, delta text,
    keys text[], cols text[], conflict text, gone text)
  RETURNS void
  LANGUAGE plpgsql
  AS $$
BEGIN
  EXECUTE format('INSERT INTO %I AS x (user_id, %s, %s) SELECT $1, %s, %s FROM %I d'
                 ' GROUP BY %s HAVING (%s) IS DISTINCT FROM (%s)'
                 ' ON CONFLICT (%s) DO UPDATE SET %s',
                 target, array_to_string(keys, ', '), array_to_string(cols, ', '),
                 (SELECT string_agg('d.' || k, ', ') FROM unnest(keys) k),
                 (SELECT string_agg('sum(d.' || c || ')', ', ') FROM unnest(cols) c),
                 delta,
                 (SELECT string_agg('d.' || k, ', ') FROM unnest(keys) k),
                 (SELECT string_agg('sum(d.' || c || ')', ', ') FROM unnest(cols) c),
                 (SELECT string_agg('0', ', ') FROM unnest(cols) c),
                 conflict,
                 (SELECT string_agg(c || ' = x.' || c || ' + excluded.' || c, ', ')
                    FROM unnest(cols) c))
    USING tenant;
  EXECUTE format('DELETE FROM %I x USING (SELECT DISTINCT %s FROM %I) d'
                 ' WHERE x.user_id = $1 AND %s AND %s',
                 target, array_to_string(keys, ', '), delta,
                 (SELECT string_agg('x.' || k || ' = d.' || k, ' AND ') FROM unnest(keys) k),
                 gone)
    USING tenant;
END $$;

-- Adds the counts' parts gathered (callreport_counts_add) to the per-task counts, as
-- callreport_rollup_merge does to the rollups: a key whose parts cancel is not written, a
-- count that comes to nothing goes.
CREATE OR REPLACE FUNCTION callreport_counts_merge(tenant uuid)
  RETURNS void
  LANGUAGE plpgsql
  AS $$
BEGIN
  PERFORM callreport_merge_parts(tenant, 'task_number_counts', 'rollup_delta_tnc',
    '{task_id,status,operator}', '{n}', 'task_id, status, operator', 'x.n = 0');
  PERFORM callreport_merge_parts(tenant, 'task_province_counts', 'rollup_delta_tpc',
    '{task_id,province_id}', '{total,dialled,connected}', 'task_id, province_id',
    'x.total = 0');
  PERFORM callreport_merge_parts(tenant, 'task_record_counts', 'rollup_delta_trc',
    '{task_id}', '{n}', 'task_id', 'x.n = 0');
  TRUNCATE rollup_delta_tnc, rollup_delta_tpc, rollup_delta_trc;
END $$;

-- Adds sgn (1 or -1) times the parts of a tenant's rows to the rollup_delta_* tables:
-- touched, the numbers and records of rollup_touch; else every row of the tasks task_ids
-- (NULL: of all the tenant's tasks). In the transaction's zone. Its statements are planned
-- for the values given (force_custom_plan), so that a NULL drops its condition.
CREATE OR REPLACE FUNCTION callreport_rollup_add(tenant uuid, task_ids uuid[],
    touched boolean, sgn integer)
  RETURNS void
  LANGUAGE plpgsql
  SET plan_cache_mode = force_custom_plan
  AS $$
DECLARE
  -- The numbers and records touched (NULL: not only those), as arrays: a condition on a
  -- constant array is planned as an index look-up per key.
  nums bigint[];
  recs uuid[];
  hashagg text := current_setting('enable_hashagg');
BEGIN
  IF touched THEN
    SELECT coalesce(array_agg(DISTINCT t.number_id) FILTER (WHERE t.number_id IS NOT NULL),
                    '{}'),
           coalesce(array_agg(DISTINCT t.record_id) FILTER (WHERE t.record_id IS NOT NULL),
                    '{}')
      INTO nums, recs
      FROM rollup_touch t;
    task_ids := NULL;
  END IF;
  TRUNCATE rollup_number_days;
  -- Each number's days, with the previous day it had an attempt (prev_day) and an answered
  -- one (prev_ok): the one sort of the attempts every part below reads them from. Sorted
  -- and grouped in one order, by the number first: hashing a first import's million
  -- number-days to sort them again took twice as long.
  PERFORM set_config('enable_hashagg', 'off', true);
  INSERT INTO rollup_number_days (task_id, number_id, day, ok, prev_day, prev_ok)
  SELECT d.task_id, d.number_id, d.day, d.ok, lag(d.day) OVER w,
         max(d.day) FILTER (WHERE d.ok) OVER (w ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING)
    FROM (SELECT h.number_id, h.call_time::date AS day, h.task_id, bool_or(h.status = 1) AS ok
            FROM call_histories h
           WHERE h.user_id = tenant
             AND (nums IS NULL OR h.number_id = ANY (nums))
             AND (task_ids IS NULL OR h.task_id = ANY (task_ids))
           GROUP BY 1, 2, 3) d
  WINDOW w AS (PARTITION BY d.number_id, d.task_id ORDER BY d.day);
  PERFORM set_config('enable_hashagg', hashagg, true);

  -- Per task and hour (rollup_hours), and per task and day (rollup_days: the hours added
  -- up, the numbers of the day, and those of them called on an earlier day too: the
  -- repeats, rollup_repeats). An hour's numbers counted by hashing them (not
  -- count(DISTINCT), a sort per hour).
  WITH a AS (
    SELECT x.task_id, x.hour, sum(x.n)::bigint AS attempts, sum(x.c)::bigint AS connected,
           count(*) AS dialled, count(*) FILTER (WHERE x.c > 0) AS answered
      FROM (SELECT h.task_id, date_trunc('hour', h.call_time) AS hour, h.number_id,
                   count(*) AS n, count(*) FILTER (WHERE h.status = 1) AS c
              FROM call_histories h
             WHERE h.user_id = tenant
               AND (nums IS NULL OR h.number_id = ANY (nums))
               AND (task_ids IS NULL OR h.task_id = ANY (task_ids))
             GROUP BY 1, 2, 3) x
     GROUP BY 1, 2),
  r AS (
    SELECT r.task_id, date_trunc('hour', r.calldate) AS hour, count(*) AS calls,
           count(*) FILTER (WHERE upper(left(l.name, 1)) = 'A') AS a_count,
           count(*) FILTER (WHERE upper(left(l.name, 1)) = 'B') AS b_count,
           coalesce(sum(r.bill), 0) AS bill_sum, count(r.bill) AS bill_n,
           coalesce(sum(r.rounds), 0) AS rounds_sum, count(r.rounds) AS rounds_n,
           sum(r.score) AS score_sum
      FROM records r
      LEFT JOIN levels l ON l.id = r.level_id AND l.user_id = tenant
     WHERE r.user_id = tenant
       AND (recs IS NULL OR r.id = ANY (recs))
       AND (task_ids IS NULL OR r.task_id = ANY (task_ids))
     GROUP BY 1, 2),
  k AS (
    SELECT k.task_id, k.hour, coalesce(a.attempts, 0) AS attempts,
           coalesce(a.connected, 0) AS connected, coalesce(a.dialled, 0) AS dialled,
           coalesce(a.answered, 0) AS answered, coalesce(r.calls, 0) AS calls,
           coalesce(r.a_count, 0) AS a_count, coalesce(r.b_count, 0) AS b_count,
           coalesce(r.bill_sum, 0) AS bill_sum, coalesce(r.bill_n, 0) AS bill_n,
           coalesce(r.rounds_sum, 0) AS rounds_sum, coalesce(r.rounds_n, 0) AS rounds_n,
           coalesce(r.score_sum, 0) AS score_sum
      FROM (SELECT a.task_id, a.hour FROM a UNION SELECT r.task_id, r.hour FROM r) k
      LEFT JOIN a ON a.task_id = k.task_id AND a.hour = k.hour
      LEFT JOIN r ON r.task_id = k.task_id AND r.hour = k.hour),
  kh AS (
    INSERT INTO rollup_delta_hours
    SELECT k.task_id, k.hour, sgn * k.attempts, sgn * k.connected, sgn * k.dialled,
           sgn * k.answered, sgn * k.calls, sgn * k.a_count, sgn * k.b_count,
           sgn * k.bill_sum, sgn * k.bill_n, sgn * k.rounds_sum, sgn * k.rounds_n,
           sgn * k.score_sum
      FROM k),
  rep AS (
    SELECT d.task_id, d.day, false AS answered, d.prev_day, count(*) AS n
      FROM rollup_number_days d WHERE d.prev_day IS NOT NULL
     GROUP BY 1, 2, 4
    UNION ALL
    SELECT d.task_id, d.day, true, d.prev_ok, count(*)
      FROM rollup_number_days d WHERE d.ok AND d.prev_ok IS NOT NULL
     GROUP BY 1, 2, 4),
  kr AS (
    INSERT INTO rollup_delta_repeats
    SELECT rep.task_id, rep.day, rep.answered, rep.prev_day, sgn * rep.n FROM rep)
  INSERT INTO rollup_delta_days
  SELECT x.task_id, x.day, sgn * x.attempts, sgn * x.connected, sgn * coalesce(n.dialled, 0),
         sgn * coalesce(n.answered, 0), sgn * x.calls, sgn * x.a_count, sgn * x.b_count,
         sgn * x.bill_sum, sgn * x.bill_n, sgn * coalesce(p.redialled, 0),
         sgn * coalesce(p.reanswered, 0), sgn * x.rounds_sum, sgn * x.rounds_n,
         sgn * x.score_sum
    FROM (SELECT k.task_id, k.hour::date AS day, sum(k.attempts) AS attempts,
                 sum(k.connected) AS connected, sum(k.calls) AS calls,
                 sum(k.a_count) AS a_count, sum(k.b_count) AS b_count,
                 sum(k.bill_sum) AS bill_sum, sum(k.bill_n) AS bill_n,
                 sum(k.rounds_sum) AS rounds_sum, sum(k.rounds_n) AS rounds_n,
                 sum(k.score_sum) AS score_sum
            FROM k GROUP BY 1, 2) x
    LEFT JOIN (
      SELECT d.task_id, d.day, count(*) AS dialled, count(*) FILTER (WHERE d.ok) AS answered
        FROM rollup_number_days d
       GROUP BY 1, 2) n ON n.task_id = x.task_id AND n.day = x.day
    LEFT JOIN (
      SELECT rep.task_id, rep.day, sum(rep.n) FILTER (WHERE NOT rep.answered) AS redialled,
             sum(rep.n) FILTER (WHERE rep.answered) AS reanswered
        FROM rep GROUP BY 1, 2) p ON p.task_id = x.task_id AND p.day = x.day;

  -- Each part reads records itself (not one CTE of them: in the import's transaction the
  -- statistics of a new tenant's tables say they are empty, and a join to a CTE so judged
  -- was planned as a scan of record_tags per record). A record's codes in its dimensions
  -- are counted in one pass (grouping sets, a hash table each): each a row of its own and
  -- sorted took a first import's rollups four seconds more. In a row of g, the dimension
  -- is the one column grouped (GROUPING 0); its code NULL: none, no row.
  INSERT INTO rollup_delta_counts (task_id, dim, day, code, n)
  SELECT g.task_id, g.dim, g.day, g.code, sgn * g.n
    FROM (SELECT c.task_id, c.day,
                 CASE WHEN GROUPING(c.level) = 0 THEN 'level'
                      WHEN GROUPING(c.cause) = 0 THEN 'cause'
                      WHEN GROUPING(c.operator) = 0 THEN 'operator'
                      WHEN GROUPING(c.province) = 0 THEN 'province'
                      WHEN GROUPING(c.bill_band) = 0 THEN 'bill_band'
                      WHEN GROUPING(c.rounds) = 0 THEN 'rounds'
                      WHEN GROUPING(c.disposition) = 0 THEN 'disposition'
                      ELSE 'dropoff' END AS dim,
                 coalesce(c.level, c.cause, c.operator, c.province, c.bill_band, c.rounds,
                          c.disposition, c.dropoff) AS code,
                 count(*) AS n
            FROM (SELECT r.task_id, r.calldate::date AS day,
                         coalesce(r.level_id::text, '') AS level,
                         coalesce(r.hangupcause, '') AS cause,
                         CASE WHEN r.operator IN (1, 2, 3) THEN r.operator::text ELSE '' END
                           AS operator,
                         coalesce(nullif(r.province_id, 0)::text, '') AS province,
                         callreport_bill_band(r.bill)::text AS bill_band,
                         CASE WHEN r.rounds IS NOT NULL THEN least(r.rounds, 10)::text END
                           AS rounds,
                         coalesce(r.hangup_disposition::text, '') AS disposition,
                         CASE WHEN r.hangup_disposition = 2
                              THEN callreport_dropoff(r.id, tenant) END AS dropoff
                    FROM records r
                   WHERE r.user_id = tenant AND (recs IS NULL OR r.id = ANY (recs))
                     AND (task_ids IS NULL OR r.task_id = ANY (task_ids))) c
           GROUP BY GROUPING SETS ((c.task_id, c.day, c.level), (c.task_id, c.day, c.cause),
             (c.task_id, c.day, c.operator), (c.task_id, c.day, c.province),
             (c.task_id, c.day, c.bill_band), (c.task_id, c.day, c.rounds),
             (c.task_id, c.day, c.disposition), (c.task_id, c.day, c.dropoff))) g
   WHERE g.code IS NOT NULL
  UNION ALL
  SELECT h.task_id, 'status', h.call_time::date, h.status::text, sgn * count(*)
    FROM call_histories h
   WHERE h.user_id = tenant
     AND (nums IS NULL OR h.number_id = ANY (nums))
     AND (task_ids IS NULL OR h.task_id = ANY (task_ids))
   GROUP BY 1, 3, 4
  UNION ALL
  SELECT r.task_id, 'tag', r.calldate::date, rt.tag_id::text, sgn * count(*)
    FROM records r
    JOIN record_tags rt ON rt.record_id = r.id AND rt.user_id = tenant
   WHERE r.user_id = tenant AND (recs IS NULL OR r.id = ANY (recs))
     AND (task_ids IS NULL OR r.task_id = ANY (task_ids))
   GROUP BY 1, 3, 4
  UNION ALL
  -- A record with two tags of a group counts once: its records by hashing, first.
  SELECT x.task_id, 'tag_group', x.day, x.code, sgn * count(*)
    FROM (SELECT r.task_id, r.calldate::date AS day, gt.tag_group_id::text AS code, r.id
            FROM records r
            JOIN record_tags rt ON rt.record_id = r.id AND rt.user_id = tenant
            JOIN tag_group_tags gt ON gt.tag_id = rt.tag_id AND gt.user_id = tenant
           WHERE r.user_id = tenant AND (recs IS NULL OR r.id = ANY (recs))
             AND (task_ids IS NULL OR r.task_id = ANY (task_ids))
           GROUP BY 1, 2, 3, 4) x
   GROUP BY 1, 3, 4;

  -- The numbers of each day by their status, operator and province (rollup_numbers), and
  -- their repeats: the number-days with the same previous day (prev_day; answered ones:
  -- prev_ok) together. The number-days added up by all their codes first (a few rows
  -- each), then by each dimension (grouping sets): each number-day a row per dimension
  -- took a first import's rollups five seconds more. Each number by its id alone, not a
  -- test of user_id: in the import's transaction a new tenant's statistics may say it
  -- has no rows, and such a test was planned as a walk of the tenant's numbers
  -- (numbers_number_rev) per row. The number of a tenant's attempt is the tenant's (the
  -- import checks it). In a row of g, rep 3: a day's numbers; 1: by prev_day; 2: by
  -- prev_ok.
  WITH x AS (
    SELECT d.task_id, d.day, d.prev_day, d.prev_ok, n.status::text AS status,
           CASE WHEN n.operator IN (1, 2, 3) THEN n.operator::text ELSE '' END AS operator,
           coalesce(nullif(n.province_id, 0)::text, '') AS province,
           count(*) AS dialled, count(*) FILTER (WHERE d.ok) AS answered
      FROM rollup_number_days d
      JOIN numbers n ON n.id = d.number_id
     GROUP BY 1, 2, 3, 4, 5, 6, 7),
  g AS MATERIALIZED (
    SELECT x.task_id, x.day,
           CASE WHEN GROUPING(x.status) = 0 THEN 'status'
                WHEN GROUPING(x.operator) = 0 THEN 'operator'
                ELSE 'province' END AS dim,
           coalesce(x.status, x.operator, x.province) AS code,
           GROUPING(x.prev_day, x.prev_ok) AS rep, x.prev_day, x.prev_ok,
           sum(x.dialled) AS dialled, sum(x.answered) AS answered
      FROM x
     GROUP BY GROUPING SETS (
       (x.task_id, x.day, x.status), (x.task_id, x.day, x.operator),
       (x.task_id, x.day, x.province),
       (x.task_id, x.day, x.status, x.prev_day), (x.task_id, x.day, x.operator, x.prev_day),
       (x.task_id, x.day, x.province, x.prev_day),
       (x.task_id, x.day, x.status, x.prev_ok), (x.task_id, x.day, x.operator, x.prev_ok),
       (x.task_id, x.day, x.province, x.prev_ok))),
  c AS (
    INSERT INTO rollup_delta_numbers (task_id, dim, day, code, dialled, answered)
    SELECT g.task_id, g.dim, g.day, g.code, sgn * g.dialled, sgn * g.answered
      FROM g WHERE g.rep = 3)
  INSERT INTO rollup_delta_number_repeats (task_id, dim, day, code, answered, prev_day, n)
  SELECT g.task_id, g.dim, g.day, g.code, false, g.prev_day, sgn * g.dialled
    FROM g WHERE g.rep = 1 AND g.prev_day IS NOT NULL
  UNION ALL
  SELECT g.task_id, g.dim, g.day, g.code, true, g.prev_ok, sgn * g.answered
    FROM g WHERE g.rep = 2 AND g.prev_ok IS NOT NULL AND g.answered > 0;
  TRUNCATE rollup_number_days;
END $$;

-- The figures of rollup_days, rollup_months and rollup_tenant_days (and of their parts,
-- rollup_delta_days): each added up as it is.
CREATE OR REPLACE FUNCTION callreport_rollup_figures() RETURNS text[]
  LANGUAGE sql IMMUTABLE
  AS $$ SELECT '{attempts,connected,dialled,answered,calls,a_count,b_count,bill_sum,bill_n,redialled,reanswered,rounds_sum,rounds_n,score_sum}'::text[] $$;

-- Makes rollup_months and rollup_tenant_days again from rollup_days (already merged) for the
-- months and days a write touched: those of its parts (rollup_delta_days) and of the rows a
-- recount of some tasks took away (rollup_derive_keys, filled by callreport_rollup); a
-- month or day left without a row of rollup_days goes.
CREATE OR REPLACE FUNCTION callreport_rollup_derive(tenant uuid)
  RETURNS void
  LANGUAGE plpgsql
  AS $$
DECLARE
  cols text := array_to_string(callreport_rollup_figures(), ', ');
  sums text := (SELECT string_agg('sum(d.' || c || ')', ', ')
                  FROM unnest(callreport_rollup_figures()) c);
BEGIN
  INSERT INTO rollup_derive_keys (task_id, day) SELECT DISTINCT d.task_id, d.day
    FROM rollup_delta_days d;
  DELETE FROM rollup_months x
   USING (SELECT DISTINCT k.task_id, date_trunc('month', k.day::timestamp)::date AS month
            FROM rollup_derive_keys k) k
   WHERE x.user_id = tenant AND x.task_id = k.task_id AND x.month = k.month;
  EXECUTE format('INSERT INTO rollup_months (user_id, task_id, month, %s)'
                 ' SELECT $1, d.task_id, k.month, %s'
                 ' FROM (SELECT DISTINCT k.task_id,'
                 ' date_trunc(''month'', k.day::timestamp)::date AS month'
                 ' FROM rollup_derive_keys k) k'
                 ' JOIN rollup_days d ON d.task_id = k.task_id AND d.day >= k.month'
                 ' AND d.day < (k.month + interval ''1 month'')::date AND d.user_id = $1'
                 ' GROUP BY d.task_id, k.month', cols, sums)
    USING tenant;
  DELETE FROM rollup_tenant_days x
   USING (SELECT DISTINCT k.day FROM rollup_derive_keys k) k
   WHERE x.user_id = tenant AND x.day = k.day;
  EXECUTE format('INSERT INTO rollup_tenant_days (user_id, day, %s)'
                 ' SELECT $1, d.day, %s FROM rollup_days d'
                 ' WHERE d.user_id = $1 AND d.day IN (SELECT k.day FROM rollup_derive_keys k)'
                 ' GROUP BY d.day', cols, sums)
    USING tenant;
  TRUNCATE rollup_derive_keys;
END $$;

-- An upgrade from a schema without them fills them once: every day of every tenant's
-- rollup_days, through callreport_rollup_derive.
DO $$
DECLARE t uuid;
BEGIN
  IF NOT EXISTS (SELECT FROM rollup_months) AND NOT EXISTS (SELECT FROM rollup_tenant_days) THEN
    PERFORM callreport_rollup_tables();
    FOR t IN SELECT DISTINCT d.user_id FROM rollup_days d LOOP
      INSERT INTO rollup_derive_keys (task_id, day)
      SELECT d.task_id, d.day FROM rollup_days d WHERE d.user_id = t;
      PERFORM callreport_rollup_derive(t);
    END LOOP;
  END IF;
END $$;

-- Adds the parts gathered (rollup_delta_*) to the tenant's rollups, each key once; a row
-- whose figures all come to nothing goes (a full recount makes no row for it), and keys
-- whose parts cancel out are not written. max_gap: exact, read from every repeat, when
-- exact; else at least the widest gap added (one too wide only makes a period read a few
-- more days of repeats).
CREATE OR REPLACE FUNCTION callreport_rollup_merge(tenant uuid, exact boolean)
  RETURNS void
  LANGUAGE plpgsql
  AS $$
BEGIN
  PERFORM callreport_merge_parts(tenant, 'rollup_hours', 'rollup_delta_hours',
    '{task_id,hour}', '{attempts,connected,dialled,answered,calls,a_count,b_count,bill_sum,bill_n,rounds_sum,rounds_n,score_sum}',
    'user_id, hour, task_id', 'x.attempts = 0 AND x.calls = 0');
  PERFORM callreport_merge_parts(tenant, 'rollup_days', 'rollup_delta_days',
    '{task_id,day}', callreport_rollup_figures(),
    'user_id, day, task_id', 'x.attempts = 0 AND x.calls = 0');
  PERFORM callreport_merge_parts(tenant, 'rollup_repeats', 'rollup_delta_repeats',
    '{task_id,day,answered,prev_day}', '{n}',
    'user_id, day, task_id, answered, prev_day', 'x.n = 0');
  PERFORM callreport_merge_parts(tenant, 'rollup_counts', 'rollup_delta_counts',
    '{task_id,dim,day,code}', '{n}', 'task_id, dim, day, code', 'x.n = 0');
  PERFORM callreport_merge_parts(tenant, 'rollup_numbers', 'rollup_delta_numbers',
    '{task_id,dim,day,code}', '{dialled,answered}', 'task_id, dim, day, code',
    'x.dialled = 0');
  PERFORM callreport_merge_parts(tenant, 'rollup_number_repeats',
    'rollup_delta_number_repeats', '{task_id,dim,day,code,answered,prev_day}', '{n}',
    'task_id, dim, day, code, answered, prev_day', 'x.n = 0');
  PERFORM callreport_rollup_derive(tenant);

  UPDATE rollup_zones z
     SET max_gap = CASE WHEN exact
                        THEN (SELECT coalesce(max(p.day - p.prev_day), 0) FROM rollup_repeats p
                               WHERE p.user_id = tenant)
                        ELSE greatest(z.max_gap,
                               (SELECT max(d.day - d.prev_day) FROM rollup_delta_repeats d
                                 WHERE d.n > 0)) END
   WHERE z.user_id = tenant;
  TRUNCATE rollup_delta_hours, rollup_delta_days, rollup_delta_repeats, rollup_delta_counts,
    rollup_delta_numbers, rollup_delta_number_repeats, rollup_touch;
END $$;

-- Every write of a tenant's rows takes it before it reads the rows it will change, until
-- its end: the rollups follow a write by the parts of its rows read before and after it,
-- and two writes of one tenant at once would take the same part away twice. Writes of
-- other tenants go on.
CREATE OR REPLACE FUNCTION callreport_write_lock(tenant uuid)
  RETURNS void
  LANGUAGE sql
  AS $$ SELECT pg_advisory_xact_lock(hashtext('callreport write'), hashtext(tenant::text)) $$;

-- Before a write: takes the parts of the numbers and records it will touch (rollup_touch,
-- filled by the writer) away; callreport_rollup(tenant, ..., true) adds their parts after
-- it. In the zone of the write.
CREATE OR REPLACE FUNCTION callreport_rollup_before(tenant uuid)
  RETURNS void
  LANGUAGE plpgsql
  AS $$
BEGIN
  PERFORM callreport_rollup_add(tenant, NULL, true, -1);
  PERFORM callreport_counts_add(tenant, -1);
END $$;

-- Makes the rollups of a tenant's tasks again (task_ids: those tasks; NULL: all of them)
-- from the raw rows, in the transaction's zone; or, touched, brings them up to date with a
-- write: the parts of the rows of rollup_touch after it added to what
-- callreport_rollup_before took away. Whole, for all tasks, when the rollups were made in
-- another zone or an older layout.
DROP FUNCTION IF EXISTS callreport_rollup(uuid, uuid[]);
CREATE OR REPLACE FUNCTION callreport_rollup(tenant uuid, task_ids uuid[] DEFAULT NULL,
    touched boolean DEFAULT false)
  RETURNS void
  LANGUAGE plpgsql
  SET plan_cache_mode = force_custom_plan
  AS $$
DECLARE
  tz text := current_setting('TimeZone');
BEGIN
  PERFORM callreport_rollup_tables();
  IF NOT EXISTS (SELECT FROM rollup_zones z
                  WHERE z.user_id = tenant AND z.zone = tz AND z.version = 2) THEN
    task_ids := NULL;
    touched := false;
    INSERT INTO rollup_zones (user_id, zone, version) VALUES (tenant, tz, 2)
      ON CONFLICT (user_id) DO UPDATE SET zone = excluded.zone, version = excluded.version;
  END IF;
  IF touched THEN
    PERFORM callreport_rollup_add(tenant, NULL, true, 1);
  ELSE
    -- What a write's first half took away is of no use to a recount.
    TRUNCATE rollup_delta_hours, rollup_delta_days, rollup_delta_repeats,
      rollup_delta_counts, rollup_delta_numbers, rollup_delta_number_repeats;
    DELETE FROM rollup_hours x
     WHERE x.user_id = tenant AND (task_ids IS NULL OR x.task_id = ANY (task_ids));
    -- The months and days of the tenant made again: whole, or those the tasks had.
    IF task_ids IS NULL THEN
      DELETE FROM rollup_months x WHERE x.user_id = tenant;
      DELETE FROM rollup_tenant_days x WHERE x.user_id = tenant;
    ELSE
      INSERT INTO rollup_derive_keys (task_id, day)
      SELECT x.task_id, x.day FROM rollup_days x
       WHERE x.user_id = tenant AND x.task_id = ANY (task_ids);
    END IF;
    DELETE FROM rollup_days x
     WHERE x.user_id = tenant AND (task_ids IS NULL OR x.task_id = ANY (task_ids));
    DELETE FROM rollup_repeats x
     WHERE x.user_id = tenant AND (task_ids IS NULL OR x.task_id = ANY (task_ids));
    DELETE FROM rollup_counts x
     WHERE x.user_id = tenant AND (task_ids IS NULL OR x.task_id = ANY (task_ids));
    DELETE FROM rollup_numbers x
     WHERE x.user_id = tenant AND (task_ids IS NULL OR x.task_id = ANY (task_ids));
    DELETE FROM rollup_number_repeats x
     WHERE x.user_id = tenant AND (task_ids IS NULL OR x.task_id = ANY (task_ids));
    PERFORM callreport_rollup_add(tenant, task_ids, false, 1);
  END IF;
  PERFORM callreport_rollup_merge(tenant, NOT touched);
END $$;

-- Whether the rollups answer for the days from s to e (inclusive whole seconds), cut at
-- m (a period and the previous one; m = s for one): s and m are the zone's midnights, e
-- the second before one, and the tenant's rollups were made in this zone. A statement's
-- rollup part is gated by it, its raw part by its negation. False when one is NULL.
-- (plpgsql: see callreport_label. A statement gates a part on it, a call site each: the
-- start page's statement has six.)
CREATE OR REPLACE FUNCTION callreport_rollup_days(tenant uuid, s timestamptz, m timestamptz,
    e timestamptz)
  RETURNS boolean
  LANGUAGE plpgsql STABLE
  AS $$
BEGIN
  RETURN coalesce(s = date_trunc('day', s) AND m = date_trunc('day', m)
     AND e + interval '1 second' = date_trunc('day', e + interval '1 second')
     AND s <= m AND m < e
     AND EXISTS (SELECT FROM rollup_zones z
                  WHERE z.user_id = tenant AND z.zone = current_setting('TimeZone')
                    AND z.version = 2), false);
END $$;

-- Whether the rollups answer for the period from s to e (callreport_rollup_days), or, when
-- both are NULL, for a task's whole life (every day of its rollups, made in this zone).
CREATE OR REPLACE FUNCTION callreport_rollup_span(tenant uuid, s timestamptz, e timestamptz)
  RETURNS boolean
  LANGUAGE plpgsql STABLE
  AS $$
BEGIN
  IF s IS NULL AND e IS NULL THEN
    RETURN EXISTS (SELECT FROM rollup_zones z
                    WHERE z.user_id = tenant AND z.zone = current_setting('TimeZone')
                      AND z.version = 2);
  END IF;
  RETURN callreport_rollup_days(tenant, s, s, e);
END $$;

-- A task's rollup_counts of one dimension, added up by code over the days from s to e (both
-- NULL: every day), when the rollups answer for them (callreport_rollup_span); no rows
-- otherwise, when the statement's raw part counts instead. Inlined by the planner into the
-- statement that calls it (one SELECT, STABLE), so that its bounds are index bounds.
CREATE OR REPLACE FUNCTION callreport_rollup_counts(tenant uuid, task uuid, d text,
    s timestamptz, e timestamptz)
  RETURNS TABLE (code text, n bigint)
  LANGUAGE sql STABLE
  AS $$
  SELECT x.code, sum(x.n)
    FROM rollup_counts x
   WHERE callreport_rollup_span(tenant, s, e)
     AND x.task_id = task AND x.user_id = tenant AND x.dim = d
     AND x.day >= CASE WHEN s IS NULL THEN '-infinity'::date ELSE s::date END
     AND x.day <= CASE WHEN e IS NULL THEN 'infinity'::date ELSE e::date END
   GROUP BY x.code $$;

-- What every write of a tenant's rows keeps besides them, in its transaction: the
-- per-task counts recomputed, and the data version bumped (cached answers of the
-- tenant are stale: their ETags carry it). Called by the import and the year of demo
-- data (sql/demo/year.sql).
-- task_ids: the tasks the write touched (NULL: all); touched: the writer took the parts of
-- the rows it touched away before it (callreport_rollup_before), so that the rollups take
-- those rows' new parts alone (callreport_rollup).
DROP FUNCTION IF EXISTS callreport_recount(uuid);
DROP FUNCTION IF EXISTS callreport_recount(uuid, uuid[]);
CREATE OR REPLACE FUNCTION callreport_recount(tenant uuid, task_ids uuid[] DEFAULT NULL,
    touched boolean DEFAULT false)
  RETURNS void
  LANGUAGE plpgsql
  AS $$
BEGIN
  UPDATE tenants SET data_version = data_version + 1, updated_at = now() WHERE id = tenant;
  -- By the parts of the rows written, as the rollups (callreport_counts_add).
  IF touched THEN
    PERFORM callreport_rollup_tables();
    PERFORM callreport_counts_add(tenant, 1);
    PERFORM callreport_counts_merge(tenant);
    PERFORM callreport_rollup(tenant, task_ids, touched);
    RETURN;
  END IF;
  -- The counts of the tasks written only (each is a function of its task's rows alone):
  -- on a year of data, counting every task again made each import, and each window of a
  -- sync, read millions of rows. (plpgsql, not sql: its statements are planned for the
  -- value of task_ids, so that a task's rows are read by the indexes on task_id.)
  DELETE FROM task_number_counts
   WHERE user_id = tenant AND (task_ids IS NULL OR task_id = ANY (task_ids));
  INSERT INTO task_number_counts (task_id, user_id, status, operator, n)
  SELECT task_id, user_id, status, coalesce(operator, 0), count(*)
    FROM numbers
   WHERE user_id = tenant AND (task_ids IS NULL OR task_id = ANY (task_ids))
   GROUP BY 1, 2, 3, 4;
  DELETE FROM task_record_counts
   WHERE user_id = tenant AND (task_ids IS NULL OR task_id = ANY (task_ids));
  INSERT INTO task_record_counts (task_id, user_id, n)
  SELECT task_id, user_id, count(*)
    FROM records
   WHERE user_id = tenant AND (task_ids IS NULL OR task_id = ANY (task_ids))
   GROUP BY 1, 2;
  DELETE FROM task_province_counts
   WHERE user_id = tenant AND (task_ids IS NULL OR task_id = ANY (task_ids));
  INSERT INTO task_province_counts (task_id, user_id, province_id, total, dialled, connected)
  SELECT task_id, user_id, coalesce(province_id, 0), count(*),
         count(*) FILTER (WHERE status <> 0), count(*) FILTER (WHERE status = 1)
    FROM numbers
   WHERE user_id = tenant AND (task_ids IS NULL OR task_id = ANY (task_ids))
   GROUP BY 1, 2, 3;
  PERFORM callreport_rollup(tenant, task_ids, touched);
END
  $$;

-- The task overview's charts (cgi/overview.c), computed by every import for the
-- tenant's tasks: each part's rows as {"names": [...], "rows": [[text or null, ...]]},
-- exactly the text PostgreSQL gave. Used while version is the tenant's data version
-- (an import bumps it); otherwise the page computes the part itself.
CREATE TABLE IF NOT EXISTS task_overview (
  task_id  uuid NOT NULL REFERENCES tasks(uuid) ON DELETE CASCADE,
  user_id  uuid NOT NULL REFERENCES tenants(id),
  part     text NOT NULL,
  version  bigint NOT NULL,
  result   jsonb NOT NULL,
  PRIMARY KEY (task_id, part)
);

-- The start page's marks (thresholds): a figure of a task is marked low (red) when it
-- is below `below` percent of the same task's figure in the previous period, high
-- (green) when above `above` percent. Set by `callreport threshold`; a tenant without a
-- row for a metric takes the defaults of callreport_thresholds() below (connect_rate:
-- below 80). A NULL bound marks nothing on that side.
CREATE TABLE IF NOT EXISTS thresholds (
  user_id  uuid NOT NULL REFERENCES tenants(id),
  metric   text NOT NULL CHECK (metric IN ('connect_rate', 'calls', 'a_rate', 'b_rate',
                                           'avg_bill')),
  below    numeric CHECK (below >= 0 AND below <= 1000),
  above    numeric CHECK (above >= 0 AND above <= 1000),
  PRIMARY KEY (user_id, metric)
);

-- A figure against the previous period's and two thresholds in percent of it: 'low'
-- below lo%, 'high' above hi%, else NULL (also when there is no previous figure).
CREATE OR REPLACE FUNCTION callreport_mark(cur numeric, prev numeric, lo numeric,
    hi numeric) RETURNS text
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  AS $$ SELECT CASE WHEN cur IS NULL OR prev IS NULL OR prev <= 0 THEN NULL
                    WHEN cur * 100 < lo * prev THEN 'low'
                    WHEN cur * 100 > hi * prev THEN 'high' END $$;

-- A tenant's thresholds, one row per metric the start page marks: the tenant's own
-- where it set one (is_set), else the default. The defaults live here only.
CREATE OR REPLACE FUNCTION callreport_thresholds(tenant uuid, OUT metric text,
    OUT below numeric, OUT above numeric, OUT is_set boolean)
  RETURNS SETOF record
  LANGUAGE sql STABLE
  AS $$ SELECT d.metric,
               CASE WHEN s.metric IS NULL THEN d.below ELSE s.below END,
               CASE WHEN s.metric IS NULL THEN d.above ELSE s.above END,
               s.metric IS NOT NULL
          FROM (VALUES (1, 'connect_rate', 80::numeric, NULL::numeric),
                       (2, 'calls', NULL, NULL), (3, 'a_rate', NULL, NULL),
                       (4, 'b_rate', NULL, NULL), (5, 'avg_bill', NULL, NULL))
               AS d (k, metric, below, above)
          LEFT JOIN thresholds s ON s.user_id = tenant AND s.metric = d.metric
         ORDER BY d.k $$;

-- Row-level security: the second wall under the application's own WHERE user_id.
DO $$
DECLARE t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['regions','levels','tag_scenes','tag_groups','tags','tag_group_tags',
      'groups','utterances','tasks','numbers','call_histories','records','record_tags',
      'record_details','record_detail_tags','task_number_counts','task_record_counts',
      'task_overview','thresholds','rollup_hours','rollup_days','rollup_repeats',
      'rollup_months','rollup_tenant_days',
      'rollup_counts','rollup_zones','rollup_numbers','rollup_number_repeats',
      'task_province_counts'] LOOP
    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
    IF NOT EXISTS (SELECT FROM pg_policies WHERE tablename = t AND policyname = 'tenant') THEN
      EXECUTE format('CREATE POLICY tenant ON %I USING (user_id = callreport_tenant())', t);
    END IF;
    EXECUTE format('GRANT SELECT ON %I TO callreport_web', t);
  END LOOP;
END $$;

GRANT SELECT ON status_labels, label_sets TO callreport_web;
GRANT EXECUTE ON FUNCTION callreport_tenant(), callreport_json(), callreport_label(text, text),
  callreport_ts(timestamptz), callreport_mark(numeric, numeric, numeric, numeric),
  callreport_thresholds(uuid), callreport_rollup_days(uuid, timestamptz, timestamptz,
    timestamptz), callreport_rollup_span(uuid, timestamptz, timestamptz),
  callreport_bill_bands(), callreport_bill_bounds(), callreport_bill_band(bigint),
  callreport_dropoff(uuid, uuid), callreport_month_from(date),
  callreport_month_to(date),
  callreport_rollup_counts(uuid, uuid, text, timestamptz, timestamptz)
  TO callreport_web;

-- Credentials are reached by the web role only through these functions
-- (SECURITY DEFINER: they run as the owner and see only what they return).

-- callreport_begin() replaced the five functions a request started with before it;
-- they stayed one release for the previous binary and go in 0.9 (docs/deploy.md
-- has the rule for SQL that older workers call). Dropped by name, so that
-- `callreport migrate` removes them from an existing database too.
DROP FUNCTION IF EXISTS callreport_auth_token(bytea), callreport_auth_session(bytea),
  callreport_data_version(uuid), callreport_tenant_name(uuid), callreport_tenant_name();

-- Returns the tenant id of a tenant name, or NULL.
CREATE OR REPLACE FUNCTION callreport_tenant_by_name(n text) RETURNS uuid
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public
  AS $$ SELECT id FROM tenants WHERE name = n $$;

-- The start of every request, in one call: who the credential is (kind 'token' or
-- 'session': the hex SHA-256 of a bearer token or session cookie; 'user': a tenant
-- name from the web server's REMOTE_USER; 'tenant': a tenant id, for the command
-- line; 'none': nobody), with that tenant's data version (for ETags; 0 for none) and
-- name. PL/pgSQL: its plans are kept for the session, where an SQL function's are
-- made again at every call; one call: one switch of the search_path, not three.
CREATE OR REPLACE FUNCTION callreport_begin(kind text, credential text,
    OUT tenant uuid, OUT version bigint, OUT name text)
  LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = public
  AS $$
BEGIN
  CASE kind
  WHEN 'token' THEN
    SELECT a.user_id INTO tenant FROM api_tokens a
     WHERE a.token_hash = decode(credential, 'hex') AND a.revoked_at IS NULL;
  WHEN 'session' THEN
    SELECT s.user_id INTO tenant FROM sessions s
     WHERE s.id_hash = decode(credential, 'hex') AND s.expires_at > now();
  WHEN 'user' THEN
    SELECT t.id INTO tenant FROM tenants t WHERE t.name = credential;
  WHEN 'tenant' THEN
    SELECT t.id INTO tenant FROM tenants t WHERE t.id = NULLIF(credential, '')::uuid;
  ELSE
    tenant := NULL;
  END CASE;
  SELECT t.data_version, t.name INTO version, name FROM tenants t WHERE t.id = tenant;
  version := coalesce(version, 0);
END $$;

-- Returns the password hash of a tenant name (for the sign-in check), or NULL.
CREATE OR REPLACE FUNCTION callreport_password_hash(n text) RETURNS text
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public
  AS $$ SELECT password_hash FROM tenants WHERE name = n $$;

-- Creates a session; returns its expiry.
CREATE OR REPLACE FUNCTION callreport_session_new(h bytea, uid uuid, ttl_seconds int)
  RETURNS timestamptz LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = public
  AS $$ INSERT INTO sessions (id_hash, user_id, expires_at)
        VALUES (h, uid, now() + make_interval(secs => ttl_seconds)) RETURNING expires_at $$;

-- Ends a session.
CREATE OR REPLACE FUNCTION callreport_session_end(h bytea) RETURNS void
  LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = public
  AS $$ DELETE FROM sessions WHERE id_hash = h OR expires_at < now() $$;

-- Takes one of max slots of key until the transaction ends (the request's,
-- or a worker's that died: its connection closes), or raises: SQLSTATE
-- CRBSY (a tenant's share of the workers: 429) or CRFUL (every export
-- slot: 503). Slots are transaction advisory locks, so nothing is left
-- taken by a crash. max <= 0: no limit.
CREATE OR REPLACE FUNCTION callreport_slot(key text, max int, busy text)
  RETURNS void LANGUAGE plpgsql VOLATILE
  AS $$
DECLARE
  k int;
BEGIN
  IF max <= 0 THEN
    RETURN;
  END IF;
  FOR k IN 1..max LOOP
    IF pg_try_advisory_xact_lock(hashtextextended('callreport_slot:' || key || ':' || k, 0)) THEN
      RETURN;
    END IF;
  END LOOP;
  RAISE EXCEPTION USING ERRCODE = busy, MESSAGE = format('all %s slots of %s are taken', max, key);
END $$;

-- Records a failed sign-in; returns how many failures the key had in the window.
-- (Workers of 0.8 count failures with these two; 0.9's use callreport_login_attempt.)
-- kept for workers before 0.9: remove in 0.10
CREATE OR REPLACE FUNCTION callreport_login_failure(k text, window_seconds int)
  RETURNS bigint LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = public
  AS $$
    DELETE FROM login_failures WHERE at < now() - make_interval(secs => window_seconds);
    INSERT INTO login_failures (key) VALUES (k);
    SELECT count(*) FROM login_failures WHERE key = k;
  $$;

-- Returns how many failed sign-ins a key had in the window.
-- kept for workers before 0.9: remove in 0.10
CREATE OR REPLACE FUNCTION callreport_login_failures(k text, window_seconds int)
  RETURNS bigint LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public
  AS $$ SELECT count(*) FROM login_failures
        WHERE key = k AND at > now() - make_interval(secs => window_seconds) $$;

-- Counts a sign-in attempt of key k before its password is checked, and
-- returns false (counting nothing) when k already has max_attempts in the
-- window. Attempts of one key wait for each other (an advisory lock until
-- the transaction ends), so that concurrent attempts cannot all pass the
-- count: 40 at once with a limit of 10 get 10 checks, not 13.
CREATE OR REPLACE FUNCTION callreport_login_attempt(k text, window_seconds int, max_attempts int)
  RETURNS boolean LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public
  AS $$
DECLARE
  n bigint;
BEGIN
  PERFORM pg_advisory_xact_lock(hashtextextended('callreport_login:' || k, 0));
  DELETE FROM login_failures WHERE key = k AND at < now() - make_interval(secs => window_seconds);
  SELECT count(*) INTO n FROM login_failures WHERE key = k;
  IF n >= max_attempts THEN
    RETURN false;
  END IF;
  INSERT INTO login_failures (key) VALUES (k);
  RETURN true;
END $$;

-- A sign-in succeeded: the attempts of its name and address are forgotten,
-- and the one it counted for its address.
CREATE OR REPLACE FUNCTION callreport_login_ok(pair text, addr text)
  RETURNS void LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = public
  AS $$
    DELETE FROM login_failures WHERE key = pair;
    DELETE FROM login_failures WHERE ctid = (SELECT ctid FROM login_failures
      WHERE key = addr ORDER BY at DESC LIMIT 1);
  $$;

REVOKE ALL ON FUNCTION callreport_begin(text, text),
  callreport_tenant_by_name(text), callreport_password_hash(text),
  callreport_session_new(bytea, uuid, int), callreport_session_end(bytea),
  callreport_login_failure(text, int), callreport_login_failures(text, int),
  callreport_login_attempt(text, int, int), callreport_login_ok(text, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION callreport_begin(text, text),
  callreport_tenant_by_name(text), callreport_password_hash(text),
  callreport_session_new(bytea, uuid, int), callreport_session_end(bytea),
  callreport_login_failure(text, int), callreport_login_failures(text, int),
  callreport_login_attempt(text, int, int), callreport_login_ok(text, text) TO callreport_web;

-- Export jobs (issue 20): a file of a selection over export_async_rows rows is
-- built by `callreport jobs` (the runner), outside the web workers. The web
-- role records a job and reads its state, for its own tenant only (the
-- policies); it may set nothing but the cancel flag afterwards. The runner
-- claims, runs, finishes and expires jobs through admin_db (the owner: every
-- tenant's queue), and runs each job's report as its tenant through db.
CREATE TABLE IF NOT EXISTS export_jobs (
  id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  user_id     uuid NOT NULL DEFAULT callreport_tenant() REFERENCES tenants(id) ON DELETE CASCADE,
  report      text NOT NULL,          -- the report's name (cgi/report/reports.c)
  title       text NOT NULL,          -- what it is, for the list
  format      text NOT NULL CHECK (format IN ('xlsx', 'csv')),
  -- The request that asked for it, replayed by the runner: its parameters are
  -- validated again by the same field tables, its period as of clock.
  method      text NOT NULL CHECK (method IN ('GET', 'POST')),
  path        text NOT NULL,
  query       text NOT NULL DEFAULT '',
  body        text,
  ctype       text,
  clock       bigint NOT NULL,        -- period_now() of the request (local seconds)
  total       bigint NOT NULL,        -- rows counted by the request
  state       text NOT NULL DEFAULT 'queued'
              CHECK (state IN ('queued', 'running', 'done', 'failed', 'cancelled', 'expired')),
  cancel      boolean NOT NULL DEFAULT false,
  rows_done   bigint NOT NULL DEFAULT 0,
  attempts    int NOT NULL DEFAULT 0, -- runs begun (a dead runner's counts)
  runner      text,                   -- host:pid:start of the runner holding it
  heartbeat   timestamptz,            -- its last sign of life
  created_at  timestamptz NOT NULL DEFAULT now(),
  started_at  timestamptz,
  finished_at timestamptz,
  size        bigint,                 -- bytes of the finished file
  disposition text,                   -- its Content-Disposition (the download name)
  error       text                    -- why it failed
);
CREATE INDEX IF NOT EXISTS export_jobs_user ON export_jobs (user_id, created_at DESC);
CREATE INDEX IF NOT EXISTS export_jobs_queue ON export_jobs (created_at) WHERE state = 'queued';
ALTER TABLE export_jobs ENABLE ROW LEVEL SECURITY;
DO $$ BEGIN
  IF NOT EXISTS (SELECT FROM pg_policies WHERE tablename = 'export_jobs' AND policyname = 'tenant') THEN
    CREATE POLICY tenant ON export_jobs USING (user_id = callreport_tenant())
      WITH CHECK (user_id = callreport_tenant());
  END IF;
END $$;
-- Column grants: the web role never writes a state, a size or a runner.
GRANT SELECT ON export_jobs TO callreport_web;
GRANT INSERT (report, title, format, method, path, query, body, ctype, clock, total)
  ON export_jobs TO callreport_web;
GRANT UPDATE (cancel) ON export_jobs TO callreport_web;

-- Where `callreport sync` (cgi/cli/sync.c) stands in each task of a tenant, written in
-- the transaction of the window it follows, so that a killed sync resumes there.
-- Call records are read newest first in passes: a pass reads the calls from
-- pass_start (the last pass's newest call less a look-back, or --since) to pass_end
-- (the newest call when the pass began), page by page; next_page is the first page
-- not yet written. high_water is the newest call of the last finished pass.
-- Numbers are read in ascending id a page at a time: numbers_page is the next page
-- of the current pass through them (1: a new pass). Times in the platform's words.
CREATE TABLE IF NOT EXISTS sync_state (
  user_id      uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  task_id      uuid NOT NULL,
  source       text NOT NULL,          -- the platform's URL the state is of
  high_water   text,                   -- YYYY-MM-DD HH:MM:SS, the platform's zone
  pass_start   text,
  pass_end     text,
  next_page    int NOT NULL DEFAULT 1,
  numbers_page int NOT NULL DEFAULT 1,
  updated_at   timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (user_id, task_id, source)
);
ALTER TABLE sync_state ENABLE ROW LEVEL SECURITY;
DO $$ BEGIN
  IF NOT EXISTS (SELECT FROM pg_policies WHERE tablename = 'sync_state' AND policyname = 'tenant') THEN
    CREATE POLICY tenant ON sync_state USING (user_id = callreport_tenant())
      WITH CHECK (user_id = callreport_tenant());
  END IF;
END $$;
