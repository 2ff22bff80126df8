/* import.c: load JSON Lines exports into the callreport database */
/*
 * One file, one transaction. Every line is parsed and validated in C against
 * the field table of its kind and copied with COPY into one temporary staging
 * table: (kind, line, id, v1..v32), the text of field i of the kind in column
 * vi, cast on the way out (not a jsonb document: parsing jsonb and extracting its
 * keys again doubled the server's time on large files). When the file has
 * been read, superseded lines (same kind and id, earlier line) are dropped,
 * ids owned by another tenant and references to unknown rows are looked for
 * with one query per entry of the tables below, then each kind's rows are
 * moved into its table with one UPDATE (changed rows only) and one INSERT
 * (new rows), both set-based.
 *
 * What an import costs beyond COPY of its rows into the same tables
 * (bench/import.sh measures both) is kept to passes over the stage that
 * scale with the file, not with what it repeats: a reference is checked once
 * per distinct value (a million numbers name five tasks), repeated lines are
 * looked for in full only when some id comes twice, the stage's kind and id
 * compare as bytes (COLLATE "C"), and the links of new rows are not looked
 * for to be deleted.
 *
 * The buffers are util.h's, with its policy: out of memory ends the program.
 * The file stays all or nothing: the server rolls back the open transaction
 * when the connection goes.
 */
#define _POSIX_C_SOURCE 200809L

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>
#include <libpq-fe.h>

#include "base/buf.h"
#include "base/hash.h"
#include "base/num.h"
#include "cli/import.h"
#include "cli/tenant.h"
#include "input/valid.h"
#include "input/utf8.h"
#include "report/overview.h"

/* ---------------------------------------------------------------------- */
/* Field tables                                                           */

/*
 * A line's fields are typed JSON values checked against the type of their
 * column, so they have types of their own: valid.h's (enum ftype, struct
 * field) describe request parameters, text from a query or a JSON body read
 * as filters (sets, ranges, "" for absent). Both use valid.h's validators of
 * a UUID and a time.
 */
enum imp_type {
	IT_STR,
	IT_INT,
	IT_NUM,
	IT_BOOL,
	IT_UUID,
	IT_TIME,
	IT_UUID_ARRAY,
	IT_JSON_ARRAY,
	IT__MAX
};

/* What a message says a field should be. */
static const char *const imp_type_want[IT__MAX] = {
	"a string",               /* IT_STR */
	"an integer",             /* IT_INT */
	"a number",               /* IT_NUM */
	"a boolean",              /* IT_BOOL */
	"a UUID string",          /* IT_UUID */
	"a time string",          /* IT_TIME */
	"an array of UUID strings", /* IT_UUID_ARRAY */
	"an array",               /* IT_JSON_ARRAY */
};

/* The SQL type a staged value is cast to (integers narrow on assignment). */
static const char *const imp_type_sql[IT__MAX] = {
	"text",        /* IT_STR */
	"int8",        /* IT_INT */
	"float8",      /* IT_NUM */
	"boolean",     /* IT_BOOL */
	"uuid",        /* IT_UUID */
	"timestamptz", /* IT_TIME */
	NULL,          /* IT_UUID_ARRAY: only feeds link tables */
	"jsonb",       /* IT_JSON_ARRAY */
};

#define IMP_REQ   0x01u /* required, not null */
#define IMP_ZERO  0x02u /* 0 means unknown: stored as NULL */
#define IMP_LINK  0x04u /* not a column: feeds a link table */
#define IMP_LEVEL 0x08u /* when absent, derived from score and the tenant's levels */

struct imp_field {
	const char    *name;   /* JSON key, and column name unless IMP_LINK */
	enum imp_type  type;
	unsigned       flags;
	int64_t        lo, hi; /* IT_INT: allowed range; IT_STR: hi, the most characters */
	const char    *dflt;   /* SQL default when null or absent (NOT NULL columns) */
};

/*
 * The most characters a text field takes (README, "Import limits"): a
 * workbook cell holds 32,767 (Excel's limit, which libxlsxwriter enforces by
 * cutting), so no field may be longer; names, codes and numbers are shown in
 * one line of a page or a column and need far less; a path or a URL, what a
 * file system or a browser takes.
 */
#define LIM_NAME 255
#define LIM_PATH 4096
#define LIM_TEXT 32767

#define FSTR(n, f)          { n, IT_STR, f, 0, LIM_NAME, NULL }
#define FPATH(n, f)         { n, IT_STR, f, 0, LIM_PATH, NULL }
#define FTEXT(n, f)         { n, IT_STR, f, 0, LIM_TEXT, NULL }
#define FINT(n, f, lo, hi)  { n, IT_INT, f, lo, hi, NULL }
#define FI2(n, f)           FINT(n, f, INT16_MIN, INT16_MAX)
#define FI4(n, f)           FINT(n, f, INT32_MIN, INT32_MAX)
#define FI8(n, f)           FINT(n, f, INT64_MIN + 1, INT64_MAX - 1)
#define FNUM(n, f)          { n, IT_NUM, f, 0, 0, NULL }
#define FBOOL(n, f, d)      { n, IT_BOOL, f, 0, 0, d }
#define FUUID(n, f)         { n, IT_UUID, f, 0, 0, NULL }
#define FTIME(n, f)         { n, IT_TIME, f, 0, 0, NULL }
#define FUUIDS(n, f)        { n, IT_UUID_ARRAY, (f) | IMP_LINK, 0, 0, NULL }
#define FJSON(n, f, d)      { n, IT_JSON_ARRAY, f, 0, 0, d }

/* The first field of every table is the row's key. */

static const struct imp_field region_fields[] = {
	FI4("id", IMP_REQ), FSTR("city", IMP_REQ), FI4("pid", 0),
	FSTR("area_code", 0), FSTR("post_code", 0),
	FTIME("created_at", 0), FTIME("updated_at", 0),
};

static const struct imp_field level_fields[] = {
	FUUID("id", IMP_REQ), FSTR("name", IMP_REQ), FSTR("alias", IMP_REQ),
	FI4("score_min", IMP_REQ), FI4("score_max", IMP_REQ), FSTR("color", 0),
	FTIME("created_at", 0), FTIME("updated_at", 0),
};

static const struct imp_field tag_scene_fields[] = {
	FUUID("id", IMP_REQ), FSTR("name", IMP_REQ),
	FTIME("created_at", 0), FTIME("updated_at", 0),
};

static const struct imp_field tag_group_fields[] = {
	FUUID("id", IMP_REQ), FSTR("name", IMP_REQ), FUUID("tag_scene_id", IMP_REQ),
	FTIME("created_at", 0), FTIME("updated_at", 0),
};

static const struct imp_field tag_fields[] = {
	FUUID("id", IMP_REQ), FSTR("name", IMP_REQ), FUUIDS("tag_group_ids", IMP_REQ),
	FTEXT("description", 0), FSTR("color", 0), FBOOL("status", 0, "true"),
	FTIME("created_at", 0), FTIME("updated_at", 0),
};

static const struct imp_field group_fields[] = {
	FI8("id", IMP_REQ), FSTR("name", IMP_REQ), FBOOL("debug", 0, "false"),
	FSTR("link_word_group_id", 0), FUUID("tag_scene_id", 0),
	FBOOL("default", 0, "false"), FTIME("deleted_at", 0),
	FTIME("created_at", 0), FTIME("updated_at", 0),
};

static const struct imp_field utterance_fields[] = {
	FUUID("id", IMP_REQ), FI8("group_id", IMP_REQ), FSTR("name", IMP_REQ),
	FTEXT("description", 0), FSTR("context_id", 0), FI4("priority", 0),
	FSTR("action", 0), FI4("word_class", 0), FI4("wait", 0), FI4("retry", 0),
	FI4("max_retry", 0), FI4("score", 0), FI4("play_ms", 0),
	FBOOL("enquire", 0, NULL), FSTR("customer_service_id", 0),
	FI4("identify_type", 0), FSTR("background_file_id", 0), FI4("block_asr", 0),
	FTIME("deleted_at", 0), FTIME("created_at", 0), FTIME("updated_at", 0),
};

static const struct imp_field task_fields[] = {
	FUUID("uuid", IMP_REQ), FSTR("name", IMP_REQ), FI8("group_id", IMP_REQ),
	FTIME("create_datetime", 0), FTIME("alter_datetime", 0),
	{ "start", IT_INT, 0, INT32_MIN, INT32_MAX, "0" },
	FI4("maximumcall", 0), FI4("call_per_second", 0), FI4("recycle_limit", 0),
	FI4("random_assignment_number", 0), FSTR("disable_dial_timegroup", 0),
	FI8("destination_extension", 0), FSTR("destination_dialplan", 0),
	FSTR("destination_context", 0), FSTR("scheduling_policy_ratio", 0),
	FSTR("scheduling_queue", 0), FSTR("dial_format", 0), FSTR("domain", 0),
	FTEXT("remark", 0), FI4("sort", 0), FTEXT("originate_variables", 0),
	FI4("_originate_timeout", 0), FSTR("_origination_caller_id_number", 0),
	FSTR("caller_line_id", 0), FSTR("customer_service_id", 0),
	FPATH("call_notify_url", 0), FI4("call_notify_type", 0),
};

static const struct imp_field number_fields[] = {
	FI8("id", IMP_REQ), FUUID("task_id", IMP_REQ), FSTR("number", IMP_REQ),
	FINT("status", IMP_REQ, 0, 12),
	FI4("province_id", IMP_ZERO), FI4("city_id", IMP_ZERO),
	FINT("operator", 0, 0, 3), FBOOL("is_blacklist", 0, "false"),
	FSTR("callid", 0), FTIME("calldate", 0), FI8("bill", 0), FI8("duration", 0),
	FSTR("hangupcause", 0), FTIME("hangupdate", 0), FTIME("answerdate", 0),
};

static const struct imp_field call_history_fields[] = {
	FI8("id", IMP_REQ), FUUID("task_id", IMP_REQ), FI8("number_id", IMP_REQ),
	FSTR("number", IMP_REQ), FTIME("call_time", IMP_REQ), FINT("status", IMP_REQ, 0, 12),
	FSTR("call_id", 0), FI8("duration", 0), FSTR("hangup_cause", 0),
	FSTR("hangup_code", 0), FI8("bill", 0), FSTR("call_status", 0),
	FPATH("record_file", 0), FSTR("calling_number", 0),
	FI4("province_id", IMP_ZERO), FI4("city_id", IMP_ZERO), FINT("operator", 0, 0, 3),
	FTIME("created_at", 0), FTIME("updated_at", 0),
};

static const struct imp_field record_fields[] = {
	FUUID("id", IMP_REQ), FUUID("task_id", IMP_REQ), FSTR("callee", IMP_REQ),
	FTIME("calldate", IMP_REQ), FI4("score", IMP_REQ),
	FI8("group_id", 0), FSTR("callid", 0), FSTR("caller_number", 0),
	FI8("duration", 0), FI4("error_code", 0), FINT("gender", 0, 0, 4),
	FUUID("level_id", IMP_LEVEL), FI8("bill", 0), FSTR("hangupcause", 0),
	FTIME("hangupdate", 0), FTIME("answerdate", 0), FPATH("recordfile", 0),
	FSTR("bridge_callid", 0), FSTR("bridge_number", 0),
	FTIME("bridge_calldate", 0), FTIME("bridge_answerdate", 0),
	FI2("hangup_disposition", 0), FTIME("created_at", 0), FTIME("updated_at", 0),
	FI4("rounds", 0), FSTR("bredge_number", 0), FTIME("read_at", 0),
	FI4("province_id", IMP_ZERO), FI4("city_id", IMP_ZERO), FINT("operator", 0, 0, 3),
	FUUIDS("tag_ids", 0),
};

static const struct imp_field record_detail_fields[] = {
	FUUID("id", IMP_REQ), FUUID("record_id", IMP_REQ), FI4("sequence", IMP_REQ),
	FTEXT("notify", IMP_REQ), FUUID("task_id", 0), FSTR("callid", 0),
	FI4("error_code", 0), FSTR("asrtype", 0), FSTR("callee", 0),
	FI2("gender", 0), FI4("asr_elapse", 0), FI4("record_ms", 0),
	FNUM("volume_gain", 0), FTEXT("question", 0), FI4("question_index", 0),
	FI4("speak_ms", 0), FI4("play_ms", 0), FTEXT("keyword", 0),
	FUUID("answer_id", 0), FTEXT("answer_text", 0), FSTR("word_class", 0),
	FI4("score", 0), FTIME("created_at", 0), FTIME("updated_at", 0),
	FI4("bridge_status", 0), FTEXT("answer_content", 0),
	FJSON("contents", 0, "'[]'::jsonb"), FUUIDS("tag_ids", 0),
};

struct kind {
	const char             *name;   /* value of "kind" */
	const char             *table;
	const struct imp_field *fields; /* fields[0] is the key */
	size_t                  nfields;
	bool                    own_ids; /* ids are each tenant's own (else unique to all) */
	bool                    many;    /* a file may hold millions: a stage partition of its own */
};

#define KIND(n, t, f, own, many) { n, t, f, sizeof(f) / sizeof((f)[0]), own, many }

/*
 * In dependency order: the order rows are inserted. Every row is the
 * tenant's (user_id). A region's id is the tenant's own (its platform's
 * region table): another tenant's region 12 is another row. Every other id
 * is unique to all: one that another tenant holds is an error.
 */
static const struct kind kinds[] = {
	KIND("region", "regions", region_fields, true, false),
	KIND("level", "levels", level_fields, false, false),
	KIND("tag_scene", "tag_scenes", tag_scene_fields, false, false),
	KIND("tag_group", "tag_groups", tag_group_fields, false, false),
	KIND("tag", "tags", tag_fields, false, false),
	KIND("group", "groups", group_fields, false, false),
	KIND("utterance", "utterances", utterance_fields, false, false),
	KIND("task", "tasks", task_fields, false, false),
	KIND("number", "numbers", number_fields, false, true),
	KIND("call_history", "call_histories", call_history_fields, false, true),
	KIND("record", "records", record_fields, false, true),
	KIND("record_detail", "record_details", record_detail_fields, false, true),
};
#define NKINDS (sizeof(kinds) / sizeof(kinds[0]))

/* Rows an import writes, at least, before it analyzes the tables it wrote. */
#define ANALYZE_ROWS 10000

/*
 * The tables analyzed: the big ones, and the small ones the rollups join
 * (a group's tags, planned as five rows, were 448,000 index look-ups).
 */
#define ANALYZE_SQL "ANALYZE numbers, call_histories, records, record_tags, " \
	"record_details, tags, tag_group_tags"

/* Staging columns v1..vNSLOTS hold fields 1.. of a kind (its key is in id). */
#define NSLOTS 32

/* The places of a line's keys whose field is remembered (stage_object). */
#define KEYS_HINTED 48

#define REF_ARRAY 0x01u

/* A field that names a row of another kind: checked before inserting. */
struct ref {
	const char *kind, *field;
	const char *target;        /* kind named */
	const char *table, *column;
	unsigned    flags;
};

static const struct ref refs[] = {
	{ "region", "pid", "region", "regions", "id", 0 },
	{ "tag_group", "tag_scene_id", "tag_scene", "tag_scenes", "id", 0 },
	{ "tag", "tag_group_ids", "tag_group", "tag_groups", "id", REF_ARRAY },
	{ "group", "tag_scene_id", "tag_scene", "tag_scenes", "id", 0 },
	{ "utterance", "group_id", "group", "groups", "id", 0 },
	{ "task", "group_id", "group", "groups", "id", 0 },
	{ "number", "task_id", "task", "tasks", "uuid", 0 },
	{ "number", "province_id", "region", "regions", "id", 0 },
	{ "number", "city_id", "region", "regions", "id", 0 },
	{ "call_history", "task_id", "task", "tasks", "uuid", 0 },
	{ "call_history", "number_id", "number", "numbers", "id", 0 },
	{ "call_history", "province_id", "region", "regions", "id", 0 },
	{ "call_history", "city_id", "region", "regions", "id", 0 },
	{ "record", "task_id", "task", "tasks", "uuid", 0 },
	{ "record", "group_id", "group", "groups", "id", 0 },
	{ "record", "level_id", "level", "levels", "id", 0 },
	{ "record", "tag_ids", "tag", "tags", "id", REF_ARRAY },
	{ "record", "province_id", "region", "regions", "id", 0 },
	{ "record", "city_id", "region", "regions", "id", 0 },
	{ "record_detail", "record_id", "record", "records", "id", 0 },
	{ "record_detail", "task_id", "task", "tasks", "uuid", 0 },
	{ "record_detail", "tag_ids", "tag", "tags", "id", REF_ARRAY },
};

#define NREFS (sizeof(refs) / sizeof(refs[0]))

/*
 * The values of a reference that the file holds, each with the first line
 * naming it, gathered as the file is read: the check looks those up (a
 * million numbers name five tasks and a few dozen regions) instead of
 * grouping the stage's million values again, which took 7 s of a million
 * numbers' import. A reference of more values than REFSET_MAX (the numbers
 * of call histories) is checked from the stage.
 */
#define REFSET_MAX   512
#define REFSET_SLOTS 1024 /* open addressing: a power of two, twice REFSET_MAX */

struct refval {
	long long line;   /* 0: a free slot */
	size_t    n;
	char      v[40];  /* the stage's text: a UUID, or an integer */
};

struct refset {
	struct refval *slot;  /* REFSET_SLOTS of them, NULL until a value comes */
	size_t         count;
	bool           many;  /* more than REFSET_MAX: checked from the stage */
};

/* A link table filled from an array field; the file's links replace the old. */
struct link {
	const char *kind, *field;
	const char *table, *owner_col, *target_col;
	bool        times; /* has created_at/updated_at: the owner row's times */
};

static const struct link links[] = {
	{ "tag", "tag_group_ids", "tag_group_tags", "tag_id", "tag_group_id", false },
	{ "record", "tag_ids", "record_tags", "record_id", "tag_id", true },
	{ "record_detail", "tag_ids", "record_detail_tags", "record_detail_id", "tag_id", true },
};

/* ---------------------------------------------------------------------- */
/* COPY text                                                              */

/* Appends s escaped for a field of COPY's text format. */
static void
copy_escape(struct buf *b, const char *s, size_t n)
{
	size_t i, start = 0;

	for (i = 0; i < n; i++) {
		const char *esc;

		switch (s[i]) {
		case '\\': esc = "\\\\"; break;
		case '\t': esc = "\\t"; break;
		case '\n': esc = "\\n"; break;
		case '\r': esc = "\\r"; break;
		default: continue;
		}
		buf_put(b, s + start, i - start);
		buf_put(b, esc, 2);
		start = i + 1;
	}
	buf_put(b, s + start, n - start);
}

/* ---------------------------------------------------------------------- */
/* Value shapes                                                           */

/* Returns the name a message uses for the JSON type of v. */
static const char *
json_type_word(struct json_object *v)
{
	switch (json_object_get_type(v)) {
	case json_type_null: return "null";
	case json_type_boolean: return "a boolean";
	case json_type_double: return "a fractional number";
	case json_type_int: return "an integer";
	case json_type_object: return "an object";
	case json_type_array: return "an array";
	case json_type_string: return "a string";
	}
	return "something else";
}

/*
 * Returns NULL if every string inside v is free of NUL characters and every
 * number is finite (what jsonb can store), else what is wrong.
 */
static const char *
json_storable(struct json_object *v)
{
	const char *why = NULL;
	size_t i, n;

	switch (json_object_get_type(v)) {
	case json_type_string:
		if (strlen(json_object_get_string(v)) != (size_t)json_object_get_string_len(v))
			return "contains a NUL character";
		return NULL;
	case json_type_double:
		return isfinite(json_object_get_double(v)) ? NULL : "contains a non-finite number";
	case json_type_array:
		n = json_object_array_length(v);
		for (i = 0; i < n && why == NULL; i++)
			why = json_storable(json_object_array_get_idx(v, i));
		return why;
	case json_type_object: {
		json_object_object_foreach(v, key, val) {
			if (val != NULL && (why = json_storable(val)) != NULL)
				return why;
			(void)key;
		}
		return NULL;
	}
	default:
		return NULL;
	}
}

/* ---------------------------------------------------------------------- */
/* The import of one file                                                 */

struct imp {
	PGconn      *conn;
	FILE        *err;
	const char  *path;
	char         tenant[37];    /* the tenant's id, canonical */
	struct buf   copy;          /* COPY data not yet sent */
	struct buf   sql;
	struct buf   msg;           /* an error message being built */
	long long    counts[NKINDS];
	bool         unsorted[NKINDS]; /* ids did not come in ascending order */
	char         last[NKINDS][40]; /* the last id of each kind, if counts > 0 */
	long long    lines;
	long long    rows[NKINDS];  /* counts less the repeated lines: the rows stored */
	long long    added, changed; /* rows inserted, rows updated */
	long long    kind_added;    /* rows inserted by the last insert_kind */
	bool         move_numbers;  /* a number may go to another task */
	struct buf   touched;       /* the tasks the file writes, as a uuid[] literal */
	bool         touched_all;   /* or all of the tenant's (levels changed) */
	bool         overview_all;  /* every task's overview again (not rows alone) */
	long long    written[NKINDS]; /* rows (and links) of each kind added or changed */
	const struct import_stream *stream; /* import_stream's: an open file and a hook */
	long long    links_changed; /* link rows deleted or written */
	bool         analyzed;      /* the file's transaction analyzed what it wrote */
	struct refset refsets[NREFS]; /* the file's values of each reference */
	unsigned char ref_of[NKINDS][NSLOTS + 1]; /* field i of a kind: its ref + 1, or 0 */
	unsigned char key_field[NKINDS][KEYS_HINTED]; /* key p of a kind's last line: its field + 1 */
};

/* Prints "PATH:LINE: " (LINE 0: "PATH: ") and the message to err; returns -1. */
static int
fail(struct imp *im, long long line, const char *fmt, ...)
{
	va_list ap;

	if (line > 0)
		fprintf(im->err, "%s:%lld: ", im->path, line);
	else
		fprintf(im->err, "%s: ", im->path);
	va_start(ap, fmt);
	vfprintf(im->err, fmt, ap);
	va_end(ap);
	fputc('\n', im->err);
	return -1;
}

/* Prints the server's message of res (or of the connection) as "PATH: database: ..."; returns -1. */
static int
fail_db(struct imp *im, const PGresult *res)
{
	const char *m = res ? PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY) : NULL;
	size_t n;

	if (m == NULL)
		m = res && *PQresultErrorMessage(res) ? PQresultErrorMessage(res) : PQerrorMessage(im->conn);
	n = strcspn(m, "\n");
	return fail(im, 0, "database: %.*s", (int)n, m);
}

/* Returns s (a value from the file) quoted, cut and made printable, in im->msg. */
static const char *
show(struct imp *im, const char *s, size_t n)
{
	size_t i;

	buf_reset(&im->msg);
	buf_putc(&im->msg, '"');
	for (i = 0; i < n && i < 60; i++)
		buf_putc(&im->msg, (unsigned char)s[i] < 0x20 || s[i] == '"' ? '?' : s[i]);
	if (n > 60)
		buf_puts(&im->msg, "...");
	buf_putc(&im->msg, '"');
	return im->msg.p;
}

/*
 * Returns res when its status is want, else prints the error, frees it and
 * returns NULL.
 */
static PGresult *
checked(struct imp *im, PGresult *res, ExecStatusType want)
{
	if (res == NULL || PQresultStatus(res) != want) {
		fail_db(im, res);
		PQclear(res);
		return NULL;
	}
	return res;
}

/* Runs sql with the n parameters p; the result as checked() returns it. */
static PGresult *
run_n(struct imp *im, const char *sql, int n, const char *const *p,
      ExecStatusType want)
{
	return checked(im, PQexecParams(im->conn, sql, n, NULL, p, NULL, NULL, 0),
	    want);
}

/* As run_n, with one parameter p1, or none (NULL: PQexec, several statements). */
static PGresult *
run(struct imp *im, const char *sql, const char *p1, ExecStatusType want)
{
	/* The connection is read before the test of p1: the callers pass
	 * im->tenant (an array in *im) as p1, and the analyzer, seeing p1 tested
	 * against NULL first, took that for a doubt that im is NULL. */
	PGconn *conn = im->conn;

	return checked(im, p1 != NULL ? PQexecParams(conn, sql, 1, NULL, &p1,
	    NULL, NULL, 0) : PQexec(conn, sql), want);
}

/* Runs a command; returns 0, or -1 after printing the error. */
static int
run_cmd(struct imp *im, const char *sql, const char *p1)
{
	PGresult *res = run(im, sql, p1, PGRES_COMMAND_OK);

	if (res == NULL)
		return -1;
	PQclear(res);
	return 0;
}

/* Returns the kind named name (n bytes), or NULL. */
static const struct kind *
kind_by_name(const char *name, size_t n)
{
	size_t i;

	for (i = 0; i < NKINDS; i++)
		if (strlen(kinds[i].name) == n && memcmp(kinds[i].name, name, n) == 0)
			return &kinds[i];
	return NULL;
}

/* Returns the field of kind k named name, or NULL. */
static const struct imp_field *
field_by_name(const struct kind *k, const char *name)
{
	size_t i;

	for (i = 0; i < k->nfields; i++)
		if (strcmp(k->fields[i].name, name) == 0)
			return &k->fields[i];
	return NULL;
}

/* Sends the pending COPY data; returns 0 or -1 after printing the error. */
static int
copy_flush(struct imp *im)
{
	if (im->copy.len == 0)
		return 0;
	if (PQputCopyData(im->conn, im->copy.p, (int)im->copy.len) != 1)
		return fail_db(im, NULL);
	buf_reset(&im->copy);
	return 0;
}

/*
 * Appends UUID s (n bytes), lower-cased, to the COPY data of field f (at:
 * "" or an array element's "[i]"). n is a JSON string's length: one may
 * hold a NUL, where valid_uuid would stop reading. Returns 0, or -1 after
 * printing "PATH:LINE: field F: not a UUID: ...".
 */
static int
stage_uuid(struct imp *im, long long line, const struct imp_field *f, const char *at,
           const char *s, size_t n)
{
	char tmp[36];
	size_t i;

	if (strlen(s) != n || !valid_uuid(s))
		return fail(im, line, "field %s%s: not a UUID: %s", f->name, at, show(im, s, n));
	for (i = 0; i < 36; i++)
		tmp[i] = (char)tolower((unsigned char)s[i]);
	buf_put(&im->copy, tmp, 36);
	return 0;
}

/*
 * Returns the characters of UTF-8 text s (n bytes, valid: the tokener
 * checked) as a workbook counts them, in UTF-16 units: a character beyond
 * U+FFFF (an emoji) counts two.
 */
static size_t
text_chars(const char *s, size_t n)
{
	size_t i, u = 0;

	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if ((c & 0xc0) != 0x80)
			u += c >= 0xf0 ? 2 : 1;
	}
	return u;
}

/*
 * Validates value v of field f (present, not null) and appends its COPY text
 * to im->copy. Returns 0, or -1 after printing "PATH:LINE: field F: ...".
 */
static int
stage_value(struct imp *im, long long line, const struct imp_field *f, struct json_object *v)
{
	struct buf *out = &im->copy;
	const char *s = NULL, *why;
	size_t n = 0, i, len;
	int64_t iv;
	char tmp[32];
	int rc = -1;

	/* A string's text and its length: JSON's, which counts a NUL inside. */
	if (f->type == IT_STR || f->type == IT_UUID || f->type == IT_TIME) {
		if (!json_object_is_type(v, json_type_string))
			goto wrong_type;
		s = json_object_get_string(v);
		n = (size_t)json_object_get_string_len(v);
	}
	/*
	 * One case a type, alike in shape (the JSON type, then the value, then
	 * its COPY text) but each checking what its own column takes.
	 */
	switch (f->type) {
	case IT_STR:
		if (strlen(s) != n) {
			fail(im, line, "field %s: contains a NUL character", f->name);
			goto out;
		}
		if ((len = text_chars(s, n)) > (size_t)f->hi) {
			fail(im, line, "field %s: %zu characters, longer than the limit of %"
			     PRId64, f->name, len, f->hi);
			goto out;
		}
		copy_escape(out, s, n);
		break;
	case IT_INT:
		if (!json_object_is_type(v, json_type_int))
			goto wrong_type;
		iv = json_object_get_int64(v);
		if (iv < f->lo || iv > f->hi ||
		    (iv == INT64_MAX && json_object_get_uint64(v) != (uint64_t)INT64_MAX)) {
			fail(im, line, "field %s: %s is out of range %" PRId64 "..%" PRId64, f->name,
			     json_object_to_json_string_ext(v, JSON_C_TO_STRING_PLAIN), f->lo, f->hi);
			goto out;
		}
		buf_put(out, tmp, num_int(tmp, iv));
		break;
	case IT_NUM:
		if (!json_object_is_type(v, json_type_int) && !json_object_is_type(v, json_type_double))
			goto wrong_type;
		if (!isfinite(json_object_get_double(v))) {
			fail(im, line, "field %s: not a finite number", f->name);
			goto out;
		}
		buf_puts(out, json_object_to_json_string_ext(v, JSON_C_TO_STRING_PLAIN));
		break;
	case IT_BOOL:
		if (!json_object_is_type(v, json_type_boolean))
			goto wrong_type;
		buf_putc(out, json_object_get_boolean(v) ? 't' : 'f');
		break;
	case IT_UUID:
		if (stage_uuid(im, line, f, "", s, n) == -1)
			goto out;
		break;
	case IT_TIME:
		if (!valid_timestamp(s, n)) {
			fail(im, line, "field %s: not a time (YYYY-MM-DD HH:MM:SS or ISO 8601): %s",
			     f->name, show(im, s, n));
			goto out;
		}
		buf_put(out, s, n);
		break;
	case IT_UUID_ARRAY:
		/* An array literal: {uuid,uuid} */
		if (!json_object_is_type(v, json_type_array))
			goto wrong_type;
		len = json_object_array_length(v);
		buf_putc(out, '{');
		for (i = 0; i < len; i++) {
			struct json_object *e = json_object_array_get_idx(v, i);

			if (e == NULL || !json_object_is_type(e, json_type_string)) {
				fail(im, line, "field %s[%zu]: expected a UUID string, got %s",
				     f->name, i, e ? json_type_word(e) : "null");
				goto out;
			}
			if (i > 0)
				buf_putc(out, ',');
			snprintf(tmp, sizeof(tmp), "[%zu]", i);
			if (stage_uuid(im, line, f, tmp, json_object_get_string(e),
			    (size_t)json_object_get_string_len(e)) == -1)
				goto out;
		}
		buf_putc(out, '}');
		break;
	case IT_JSON_ARRAY:
		if (!json_object_is_type(v, json_type_array))
			goto wrong_type;
		if ((why = json_storable(v)) != NULL) {
			fail(im, line, "field %s: %s", f->name, why);
			goto out;
		}
		s = json_object_to_json_string_ext(v,
		    JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE);
		copy_escape(out, s, strlen(s));
		break;
	case IT__MAX:
		break;
	}
	rc = 0;
	goto out;
wrong_type:
	fail(im, line, "field %s: expected %s, got %s", f->name, imp_type_want[f->type],
	     json_type_word(v));
out:
	return rc;
}

/* Adds value v (n bytes) of a reference, first named on line, to its set s. */
static void
refset_add(struct refset *s, long long line, const char *v, size_t n)
{
	uint64_t h = hash_fnv1a(HASH_INIT, v, n);
	size_t i;

	if (s->many)
		return;
	if (n >= sizeof(s->slot[0].v)) {
		s->many = true;
		return;
	}
	if (s->slot == NULL) {
		s->slot = xmalloc(REFSET_SLOTS * sizeof(*s->slot));
		memset(s->slot, 0, REFSET_SLOTS * sizeof(*s->slot));
	}
	for (i = h & (REFSET_SLOTS - 1); s->slot[i].line != 0; i = (i + 1) & (REFSET_SLOTS - 1))
		if (s->slot[i].n == n && memcmp(s->slot[i].v, v, n) == 0)
			return;
	if (s->count == REFSET_MAX) {
		s->many = true;
		return;
	}
	s->slot[i].line = line;
	s->slot[i].n = n;
	memcpy(s->slot[i].v, v, n);
	s->count++;
}

/*
 * Adds the COPY text t (n bytes) of field f, a reference, on line to its set
 * s: a value, or an array's ("{a,b}"); 0 of a field where it means unknown
 * is none.
 */
static void
refset_note(struct refset *s, const struct imp_field *f, long long line, const char *t,
            size_t n)
{
	const char *end = t + n, *e;

	if (f->type != IT_UUID_ARRAY) {
		if (!(n == 1 && *t == '0' && (f->flags & IMP_ZERO)))
			refset_add(s, line, t, n);
		return;
	}
	for (t++, end--; t < end; t = e + 1) {
		if ((e = memchr(t, ',', (size_t)(end - t))) == NULL)
			e = end;
		refset_add(s, line, t, (size_t)(e - t));
	}
}

/* Notes whether id (n bytes), the key of a line of kind ki, comes after the previous key of that kind. */
static void
note_order(struct imp *im, size_t ki, const char *id, size_t n)
{
	char *last = im->last[ki];
	bool after;

	if (n >= sizeof(im->last[ki]))
		n = sizeof(im->last[ki]) - 1;
	if (im->counts[ki] > 0 && !im->unsorted[ki]) {
		if (kinds[ki].fields[0].type == IT_INT)
			after = strtoll(id, NULL, 10) > strtoll(last, NULL, 10);
		else
			after = strlen(last) != n || memcmp(id, last, n) > 0;
		if (!after)
			im->unsorted[ki] = true;
	}
	memcpy(last, id, n);
	last[n] = '\0';
}

/*
 * Validates the object of one line and appends its staging row (kind, line,
 * key, then one slot per field, \N when null or absent) to the COPY data.
 * Returns 0, or -1 after printing the error.
 */
static int
stage_object(struct imp *im, long long line, struct json_object *obj)
{
	const struct kind *k;
	struct json_object *v;
	struct json_object *vals[NSLOTS + 1];
	bool seen[NSLOTS + 1];
	const char *s;
	size_t i, keypos = 0, at, place = 0;
	unsigned r;
	int rc = -1;
	char num[NUM_INT];

	if (!json_object_object_get_ex(obj, "kind", &v) || v == NULL) {
		fail(im, line, "field kind: missing");
		goto out;
	}
	if (!json_object_is_type(v, json_type_string)) {
		fail(im, line, "field kind: expected a string, got %s", json_type_word(v));
		goto out;
	}
	s = json_object_get_string(v);
	if ((k = kind_by_name(s, (size_t)json_object_get_string_len(v))) == NULL) {
		fail(im, line, "field kind: unknown kind %s",
		     show(im, s, (size_t)json_object_get_string_len(v)));
		goto out;
	}
	buf_puts(&im->copy, k->name);
	buf_putc(&im->copy, '\t');
	buf_put(&im->copy, num, num_int(num, line));
	/*
	 * The line's values by field, its keys read once, in their order: the
	 * lines of a kind come with their keys in one order, so each key is
	 * compared first with the field its place held on the kind's previous
	 * line (a hash look-up a field took a tenth of the reading of a file).
	 * A key of no field is left out.
	 */
	memset(vals, 0, sizeof(vals));
	memset(seen, 0, sizeof(seen));
	json_object_object_foreach(obj, key, val) {
		unsigned char *h = place < KEYS_HINTED ? &im->key_field[k - kinds][place] : NULL;
		const struct imp_field *f;

		place++;
		if (h != NULL && *h != 0 && strcmp(key, k->fields[*h - 1].name) == 0)
			f = &k->fields[*h - 1];
		else if (strcmp(key, "kind") == 0)
			continue;
		else if ((f = field_by_name(k, key)) != NULL && h != NULL)
			*h = (unsigned char)(f - k->fields + 1);
		if (f != NULL) {
			vals[f - k->fields] = val;
			seen[f - k->fields] = true;
		}
	}
	for (i = 0; i < NSLOTS + 1; i++) {
		const struct imp_field *f = i < k->nfields ? &k->fields[i] : NULL;

		if (i == 1)
			note_order(im, (size_t)(k - kinds), im->copy.p + keypos, im->copy.len - keypos);
		else if (i == 0)
			keypos = im->copy.len + 1;

		buf_putc(&im->copy, '\t');
		if (f == NULL || !seen[i] || (v = vals[i]) == NULL) {
			if (f != NULL && (f->flags & IMP_REQ)) {
				fail(im, line, "field %s: %s", f->name,
				     seen[i] ? "must not be null" : "missing");
				goto out;
			}
			buf_put(&im->copy, "\\N", 2);
			continue;
		}
		at = im->copy.len;
		if (stage_value(im, line, f, v) == -1)
			goto out;
		if ((r = im->ref_of[k - kinds][i]) != 0)
			refset_note(&im->refsets[r - 1], f, line, im->copy.p + at, im->copy.len - at);
	}
	buf_putc(&im->copy, '\n');
	im->counts[k - kinds]++;
	im->lines++;
	rc = 0;
out:
	return rc;
}

/* Reads fp line by line into the COPY; returns 0 or -1 after printing the error. */
static int
stage_file(struct imp *im, FILE *fp, json_tokener *tok)
{
	struct json_object *obj = NULL;
	char *line = NULL;
	size_t cap = 0, n, end;
	ssize_t got;
	long long lineno = 0;
	int rc = -1;

	while ((got = getline(&line, &cap, fp)) != -1) {
		char *p = line;
		enum json_tokener_error jerr;

		lineno++;
		n = (size_t)got;
		while (n > 0 && (p[n - 1] == '\n' || p[n - 1] == '\r'))
			n--;
		if (lineno == 1 && n >= 3 && memcmp(p, "\xef\xbb\xbf", 3) == 0) {
			p += 3;
			n -= 3;
		}
		if (strspn(p, " \t\r") >= n)
			continue;
		if (n > INT_MAX) {
			fail(im, lineno, "line too long");
			goto out;
		}
		if (memchr(p, '\0', n) != NULL) {
			fail(im, lineno, "not JSON: contains a NUL byte");
			goto out;
		}
		/*
		 * json-c's UTF-8 check lets overlong forms, surrogates and code
		 * points past U+10FFFF through; COPY would then fail the whole
		 * file without saying which line.
		 */
		if (!utf8_valid_n(p, n)) {
			fail(im, lineno, "not JSON: invalid utf-8 string");
			goto out;
		}
		json_tokener_reset(tok);
		obj = json_tokener_parse_ex(tok, p, (int)n);
		jerr = json_tokener_get_error(tok);
		/*
		 * A bare literal (null, 1) is not complete until something follows
		 * it: parsed again with the line's end as a NUL, which the tokener
		 * takes for the end of the text, it is what it is (a JSON null is
		 * no object, NULL). An object is parsed once: this way would also
		 * refuse text after it with a vaguer message than the one below.
		 */
		if (jerr == json_tokener_continue && n < (size_t)INT_MAX) {
			p[n] = '\0';
			json_tokener_reset(tok);
			obj = json_tokener_parse_ex(tok, p, (int)n + 1);
			jerr = json_tokener_get_error(tok);
			if (jerr == json_tokener_error_parse_eof)
				jerr = json_tokener_continue;
		}
		if (jerr == json_tokener_success && obj == NULL) {
			fail(im, lineno, "not a JSON object but null");
			goto out;
		}
		if (obj == NULL || jerr != json_tokener_success) {
			fail(im, lineno, "not JSON: %s", jerr == json_tokener_continue ?
			     "unexpected end of line" : json_tokener_error_desc(jerr));
			goto out;
		}
		end = json_tokener_get_parse_end(tok);
		if (end < n && strspn(p + end, " \t\r") < n - end) {
			fail(im, lineno, "not JSON: text after the object");
			goto out;
		}
		if (!json_object_is_type(obj, json_type_object)) {
			fail(im, lineno, "not a JSON object but %s", json_type_word(obj));
			goto out;
		}
		if (stage_object(im, lineno, obj) == -1)
			goto out;
		json_object_put(obj);
		obj = NULL;
		if (im->copy.len >= (1u << 15) && copy_flush(im) == -1)
			goto out;
	}
	if (ferror(fp)) {
		fail(im, 0, "read error: %s", strerror(errno));
		goto out;
	}
	if (copy_flush(im) == -1)
		goto out;
	rc = 0;
out:
	json_object_put(obj);
	free(line);
	return rc;
}

/* Ends the COPY (aborting it if why is not NULL); returns 0 or -1 after printing the error. */
static int
copy_end(struct imp *im, const char *why)
{
	PGresult *res;
	int rc = 0;

	if (PQputCopyEnd(im->conn, why) != 1)
		rc = why ? -1 : fail_db(im, NULL);
	while ((res = PQgetResult(im->conn)) != NULL) {
		if (PQresultStatus(res) != PGRES_COMMAND_OK && why == NULL && rc == 0)
			rc = fail_db(im, res);
		PQclear(res);
	}
	return why ? -1 : rc;
}

/* Appends to sql the staging column holding field f of kind k: s.id or s.vN. */
static void
sql_slot(struct buf *sql, const char *alias, const struct kind *k, const struct imp_field *f)
{
	size_t i = (size_t)(f - k->fields);

	if (i == 0)
		buf_printf(sql, "%s.id", alias);
	else
		buf_printf(sql, "%s.v%zu", alias, i);
}

/* Appends to sql the expression giving the column of field f of kind k from stage row s. */
static void
sql_value(struct imp *im, const struct kind *k, const struct imp_field *f)
{
	struct buf *sql = &im->sql;
	const struct imp_field *score;

	if (f->dflt || (f->flags & IMP_LEVEL))
		buf_puts(sql, "COALESCE(");
	if (f->flags & IMP_ZERO)
		buf_puts(sql, "NULLIF(");
	sql_slot(sql, "s", k, f);
	buf_printf(sql, "::%s", imp_type_sql[f->type]);
	if (f->flags & IMP_ZERO)
		buf_puts(sql, ", 0)");
	if ((f->flags & IMP_LEVEL) && (score = field_by_name(k, "score")) != NULL) {
		buf_printf(sql, ", (SELECT l.id FROM levels l WHERE l.user_id = '%s' AND ", im->tenant);
		sql_slot(sql, "s", k, score);
		buf_puts(sql, "::int8 BETWEEN l.score_min AND l.score_max"
		        " ORDER BY l.score_min DESC, l.id LIMIT 1))");
	} else if (f->flags & IMP_LEVEL)
		buf_puts(sql, ", NULL)");
	else if (f->dflt)
		buf_printf(sql, ", %s)", f->dflt);
}

/* Returns 0 if no staged id of kind k belongs to another tenant, else -1 after printing which. */
static int
check_owner(struct imp *im, const struct kind *k)
{
	const struct imp_field *key = &k->fields[0];
	PGresult *res = NULL;
	int rc = -1;

	buf_reset(&im->sql);
	buf_printf(&im->sql, "SELECT s.line, s.id FROM import_stage s JOIN %s t ON t.\"%s\" ="
	          " s.id::%s WHERE s.kind = '%s' AND t.user_id <> '%s' ORDER BY s.line LIMIT 1",
	          k->table, key->name, imp_type_sql[key->type], k->name, im->tenant);
	if ((res = run(im, im->sql.p, NULL, PGRES_TUPLES_OK)) == NULL)
		goto out;
	if (PQntuples(res) > 0) {
		fail(im, strtoll(PQgetvalue(res, 0, 0), NULL, 10),
		     "field %s: %s %s belongs to another tenant", key->name, k->name,
		     PQgetvalue(res, 0, 1));
		goto out;
	}
	rc = 0;
out:
	PQclear(res);
	return rc;
}

/*
 * Returns 0 if every value of ref r names a row of its target kind (of this
 * tenant) in the database or in the file, else -1 after
 * printing the first line that does not.
 */
static int
check_ref(struct imp *im, const struct ref *r)
{
	const struct kind *src = kind_by_name(r->kind, strlen(r->kind));
	const struct kind *dst = kind_by_name(r->target, strlen(r->target));
	const struct imp_field *f = src ? field_by_name(src, r->field) : NULL;
	const struct refset *set = &im->refsets[r - refs];
	struct buf *sql = &im->sql, lines = { 0 }, values = { 0 };
	const char *p[2];
	PGresult *res = NULL;
	size_t i;
	int rc = -1;

	if (src == NULL || dst == NULL || f == NULL) {
		fail(im, 0, "internal error: bad reference %s.%s", r->kind, r->field);
		goto out;
	}
	/*
	 * Each value once, with the first line that names it: a million
	 * numbers name five tasks, so five look-ups, not a million. The values
	 * gathered as the file was read (refset_add), or, too many for that,
	 * grouped from the stage.
	 */
	buf_reset(sql);
	if (!set->many) {
		if (set->count == 0) {
			rc = 0;
			goto out;
		}
		buf_putc(&lines, '{');
		buf_putc(&values, '{');
		for (i = 0; i < REFSET_SLOTS; i++) {
			if (set->slot[i].line == 0)
				continue;
			if (lines.len > 1) {
				buf_putc(&lines, ',');
				buf_putc(&values, ',');
			}
			buf_printf(&lines, "%lld", set->slot[i].line);
			buf_put(&values, set->slot[i].v, set->slot[i].n);
		}
		buf_putc(&lines, '}');
		buf_putc(&values, '}');
		buf_puts(sql, "SELECT d.line, d.v FROM unnest($1::int8[], $2::text[]) AS d(line, v)"
		        " WHERE");
	} else {
		buf_puts(sql, "SELECT d.line, d.v FROM (SELECT min(s.line) AS line, e.v"
		        " FROM import_stage s CROSS JOIN LATERAL ");
		buf_puts(sql, (r->flags & REF_ARRAY) ? "unnest(" : "(SELECT ");
		sql_slot(sql, "s", src, f);
		buf_printf(sql, "%s) AS e(v) WHERE s.kind = '%s' AND e.v IS NOT NULL",
		          (r->flags & REF_ARRAY) ? "::text[]" : "", r->kind);
		if (f->flags & IMP_ZERO)
			buf_puts(sql, " AND e.v <> '0'");
		buf_puts(sql, " GROUP BY e.v) d WHERE");
	}
	buf_printf(sql, " NOT EXISTS (SELECT 1 FROM %s t WHERE"
	          " t.\"%s\" = d.v::%s", r->table, r->column, imp_type_sql[dst->fields[0].type]);
	buf_printf(sql, " AND t.user_id = '%s'", im->tenant);
	buf_printf(sql, ") AND NOT EXISTS (SELECT 1 FROM import_stage s2"
	          " WHERE s2.kind = '%s' AND s2.id = d.v COLLATE \"C\") ORDER BY d.line LIMIT 1",
	          dst->name);
	p[0] = lines.p;
	p[1] = values.p;
	if ((res = set->many ? run(im, sql->p, NULL, PGRES_TUPLES_OK) :
	    run_n(im, sql->p, 2, p, PGRES_TUPLES_OK)) == NULL)
		goto out;
	if (PQntuples(res) > 0) {
		fail(im, strtoll(PQgetvalue(res, 0, 0), NULL, 10), "field %s: unknown %s %s",
		     r->field, r->target, PQgetvalue(res, 0, 1));
		goto out;
	}
	rc = 0;
out:
	PQclear(res);
	buf_free(&lines);
	buf_free(&values);
	return rc;
}

/* Appends "pfx1col, pfx2col, ..." for the column fields of k to sql. */
static void
sql_columns(struct buf *sql, const struct kind *k, const char *pfx)
{
	size_t i;
	bool first = true;

	for (i = 1; i < k->nfields; i++) {
		if (k->fields[i].flags & IMP_LINK)
			continue;
		buf_printf(sql, "%s%s\"%s\"", first ? "" : ", ", pfx, k->fields[i].name);
		first = false;
	}
}

/* Appends "WITH n AS (SELECT key, col, ... FROM the staged rows of k)" to im->sql. */
static void
sql_staged_rows(struct imp *im, const struct kind *k)
{
	struct buf *sql = &im->sql;
	size_t i;

	buf_printf(sql, "WITH n AS (SELECT s.id::%s AS \"%s\"",
	          imp_type_sql[k->fields[0].type], k->fields[0].name);
	for (i = 1; i < k->nfields; i++) {
		if (k->fields[i].flags & IMP_LINK)
			continue;
		buf_puts(sql, ", ");
		sql_value(im, k, &k->fields[i]);
		buf_printf(sql, " AS \"%s\"", k->fields[i].name);
	}
	buf_printf(sql, " FROM import_stage s WHERE s.kind = '%s') ", k->name);
}

/*
 * Moves the staged rows of kind k into its table: rows of the tenant that
 * differ are updated (unchanged rows are not written), new rows inserted;
 * only the tenant's own rows are looked at.
 * Returns 0 or -1 after printing the error.
 */
static int
insert_kind(struct imp *im, const struct kind *k)
{
	struct buf *sql = &im->sql;
	const char *key = k->fields[0].name;
	PGresult *res;

	buf_reset(sql);
	sql_staged_rows(im, k);
	buf_printf(sql, "UPDATE %s t SET (", k->table);
	sql_columns(sql, k, "");
	buf_puts(sql, ") = ROW(");
	sql_columns(sql, k, "n.");
	buf_printf(sql, ") FROM n WHERE t.\"%s\" = n.\"%s\" AND t.user_id = '%s' AND (",
	          key, key, im->tenant);
	sql_columns(sql, k, "t.");
	buf_puts(sql, ") IS DISTINCT FROM (");
	sql_columns(sql, k, "n.");
	buf_puts(sql, ")");
	if ((res = run(im, sql->p, NULL, PGRES_COMMAND_OK)) == NULL)
		return -1;
	im->changed += strtoll(PQcmdTuples(res), NULL, 10);
	PQclear(res);

	buf_reset(sql);
	sql_staged_rows(im, k);
	buf_printf(sql, "INSERT INTO %s (\"%s\", user_id, ", k->table, key);
	sql_columns(sql, k, "");
	buf_printf(sql, ") SELECT n.\"%s\", '%s'::uuid, ", key, im->tenant);
	sql_columns(sql, k, "n.");
	buf_printf(sql, " FROM n WHERE NOT EXISTS (SELECT 1 FROM %s t WHERE t.\"%s\" = n.\"%s\""
	          " AND t.user_id = '%s')", k->table, key, key, im->tenant);
	if ((res = run(im, sql->p, NULL, PGRES_COMMAND_OK)) == NULL)
		return -1;
	im->kind_added = strtoll(PQcmdTuples(res), NULL, 10);
	im->added += im->kind_added;
	PQclear(res);
	return 0;
}

/* Runs a command on a link table, counting the rows it changed; returns 0 or -1. */
static int
link_cmd(struct imp *im, const char *sql)
{
	PGresult *res = run(im, sql, NULL, PGRES_COMMAND_OK);

	if (res == NULL)
		return -1;
	im->links_changed += strtoll(PQcmdTuples(res), NULL, 10);
	PQclear(res);
	return 0;
}

/*
 * Replaces the links of the staged owners of l by the file's (link times:
 * the owner's updated_at, else created_at). Returns 0 or -1 after printing
 * the error.
 */
static int
replace_links(struct imp *im, const struct link *l)
{
	const struct kind *k = kind_by_name(l->kind, strlen(l->kind));
	const struct imp_field *f = k ? field_by_name(k, l->field) : NULL;
	const struct imp_field *cr = k ? field_by_name(k, "created_at") : NULL;
	const struct imp_field *up = k ? field_by_name(k, "updated_at") : NULL;
	struct buf *sql = &im->sql;
	struct buf ts = { 0 };
	bool all_new;
	int rc = -1;

	if (f == NULL || cr == NULL || up == NULL) {
		fail(im, 0, "internal error: bad link %s.%s", l->kind, l->field);
		goto out;
	}
	buf_puts(&ts, "COALESCE(");
	sql_slot(&ts, "s", k, up);
	buf_puts(&ts, "::timestamptz, ");
	sql_slot(&ts, "s", k, cr);
	buf_puts(&ts, "::timestamptz)");

	/*
	 * When every owner was new (a first import), none had links: there is
	 * nothing to delete, and no link to meet (each owner is staged once).
	 */
	if ((all_new = im->kind_added == im->rows[k - kinds]))
		goto insert;
	buf_reset(sql);
	buf_printf(sql, "DELETE FROM %s l USING import_stage s WHERE s.kind = '%s'"
	          " AND l.%s = s.id::uuid AND NOT COALESCE(l.%s = ANY (", l->table, l->kind,
	          l->owner_col, l->target_col);
	sql_slot(sql, "s", k, f);
	buf_puts(sql, "::uuid[]), false)");
	if (link_cmd(im, sql->p) == -1)
		goto out;

insert:
	buf_reset(sql);
	buf_printf(sql, "INSERT INTO %s AS l (%s, %s, user_id%s) SELECT DISTINCT s.id::uuid,"
	          " e.v, '%s'::uuid", l->table, l->owner_col, l->target_col,
	          l->times ? ", created_at, updated_at" : "", im->tenant);
	if (l->times)
		buf_printf(sql, ", %s, %s", ts.p, ts.p);
	buf_puts(sql, " FROM import_stage s CROSS JOIN LATERAL unnest(");
	sql_slot(sql, "s", k, f);
	buf_printf(sql, "::uuid[]) AS e(v) WHERE s.kind = '%s'", l->kind);
	if (!all_new) {
		buf_printf(sql, " ON CONFLICT (%s, %s) DO ", l->owner_col, l->target_col);
		if (l->times)
			buf_puts(sql, "UPDATE SET created_at = EXCLUDED.created_at,"
			        " updated_at = EXCLUDED.updated_at WHERE (l.created_at,"
			        " l.updated_at) IS DISTINCT FROM (EXCLUDED.created_at,"
			        " EXCLUDED.updated_at)");
		else
			buf_puts(sql, "NOTHING");
	}
	if (link_cmd(im, sql->p) == -1)
		goto out;
	rc = 0;
out:
	buf_free(&ts);
	return rc;
}

/* Creates the tenant if missing and stores its id in im->tenant; returns 0 or -1. */
static int
ensure_tenant(struct imp *im, const char *name)
{
	PGresult *res;

	switch (tenant_id(im->conn, name, true, im->tenant, &res)) {
	case 0:
		return 0;
	case 1:
		return fail(im, 0, "database: no tenant id for %s", name);
	default:
		fail_db(im, res);
		PQclear(res);
		return -1;
	}
}

/*
 * Returns 0 if every id of kind k that the file holds twice or more comes
 * with the same fields each time, else -1 after printing the first line that
 * differs from an earlier one, that line and the first field that differs.
 */
static int
check_repeats(struct imp *im, const struct kind *k)
{
	struct buf *sql = &im->sql;
	PGresult *res = NULL, *two = NULL;
	const char *p[2];
	size_t i;
	int rc = -1;

	buf_reset(sql);
	buf_puts(sql, "WITH d AS (SELECT line, id, ROW(");
	for (i = 1; i <= NSLOTS; i++)
		buf_printf(sql, "%sv%zu", i > 1 ? ", " : "", i);
	buf_printf(sql, ")::text AS r FROM import_stage WHERE kind = '%s'),"
	          " f AS (SELECT DISTINCT ON (id) id, line, r FROM d ORDER BY id, line)"
	          " SELECT f.line, d.line, d.id FROM d JOIN f USING (id)"
	          " WHERE d.r IS DISTINCT FROM f.r ORDER BY d.line LIMIT 1", k->name);
	if ((res = run(im, sql->p, NULL, PGRES_TUPLES_OK)) == NULL)
		goto out;
	if (PQntuples(res) == 0) {
		rc = 0;
		goto out;
	}
	/* The field: the first slot in which the two lines differ. */
	p[0] = PQgetvalue(res, 0, 0);
	p[1] = PQgetvalue(res, 0, 1);
	buf_reset(sql);
	buf_puts(sql, "SELECT ");
	for (i = 1; i < k->nfields && i <= NSLOTS; i++)
		buf_printf(sql, "%sv%zu", i > 1 ? ", " : "", i);
	buf_printf(sql, " FROM import_stage WHERE kind = '%s' AND line IN"
	          " ($1::bigint, $2::bigint) ORDER BY line", k->name);
	two = PQexecParams(im->conn, sql->p, 2, NULL, p, NULL, NULL, 0);
	if (PQresultStatus(two) != PGRES_TUPLES_OK || PQntuples(two) != 2) {
		fail_db(im, two);
		goto out;
	}
	for (i = 0; i < (size_t)PQnfields(two); i++)
		if (PQgetisnull(two, 0, (int)i) != PQgetisnull(two, 1, (int)i) ||
		    strcmp(PQgetvalue(two, 0, (int)i), PQgetvalue(two, 1, (int)i)) != 0)
			break;
	fail(im, strtoll(p[1], NULL, 10), "%s %s again, with field %s other than on line %s"
	     " (a file may repeat a row, not change it)", k->name, PQgetvalue(res, 0, 2),
	     i + 1 < k->nfields ? k->fields[i + 1].name : "?", p[0]);
out:
	PQclear(res);
	PQclear(two);
	return rc;
}

/*
 * Returns 0 if no number of the file is in the database under another task,
 * else -1 after printing the first: a number moved between tasks leaves its
 * calls behind, so it takes --move-numbers to say it is meant.
 */
static int
check_moves(struct imp *im)
{
	const struct kind *k = kind_by_name("number", 6);
	PGresult *res;
	int rc = -1;

	if (k == NULL || im->rows[k - kinds] == 0)
		return 0;
	buf_reset(&im->sql);
	buf_printf(&im->sql, "SELECT s.line, s.id, t.task_id FROM import_stage s JOIN numbers t"
	          " ON t.id = s.id::int8 AND t.user_id = '%s' WHERE s.kind = 'number'"
	          " AND t.task_id <> ", im->tenant);
	sql_slot(&im->sql, "s", k, field_by_name(k, "task_id"));
	buf_puts(&im->sql, "::uuid ORDER BY s.line LIMIT 1");
	if ((res = run(im, im->sql.p, NULL, PGRES_TUPLES_OK)) == NULL)
		return -1;
	if (PQntuples(res) > 0)
		fail(im, strtoll(PQgetvalue(res, 0, 0), NULL, 10), "field task_id: number %s is"
		     " in task %s: moving it to another task takes --move-numbers",
		     PQgetvalue(res, 0, 1), PQgetvalue(res, 0, 2));
	else
		rc = 0;
	PQclear(res);
	return rc;
}

/* Checks and moves the staged rows; returns 0 or -1 after printing the error. */
static int
apply_stage(struct imp *im)
{
	size_t i;

	/*
	 * A line repeating an earlier one of the same kind and id is left out;
	 * one that says something else about the row is an error, as a file
	 * cannot say which of its lines is right. Only a kind whose ids did not
	 * come in ascending order can hold repeats.
	 */
	memcpy(im->rows, im->counts, sizeof(im->rows));
	for (i = 0; i < NKINDS; i++) {
		PGresult *res;

		if (!im->unsorted[i])
			continue;
		/*
		 * Whether any id comes twice, first: comparing every line's
		 * fields as text and sorting them costs ten times as much, and
		 * a file rarely repeats a row (ids in random order, UUIDs, are
		 * "unsorted" without any repeat).
		 */
		buf_reset(&im->sql);
		buf_printf(&im->sql, "SELECT EXISTS (SELECT FROM import_stage WHERE kind = '%s'"
		          " GROUP BY id HAVING count(*) > 1)", kinds[i].name);
		if ((res = run(im, im->sql.p, NULL, PGRES_TUPLES_OK)) == NULL)
			return -1;
		if (strcmp(PQgetvalue(res, 0, 0), "t") != 0) {
			PQclear(res);
			continue;
		}
		PQclear(res);
		if (check_repeats(im, &kinds[i]) == -1)
			return -1;
		buf_reset(&im->sql);
		buf_printf(&im->sql, "DELETE FROM import_stage s USING (SELECT ctid AS c FROM"
		          " (SELECT ctid, row_number() OVER (PARTITION BY id COLLATE \"C\""
		          " ORDER BY line DESC) AS n FROM import_stage WHERE kind = '%s') w"
		          " WHERE w.n > 1) d WHERE s.kind = '%s' AND s.ctid = d.c", kinds[i].name,
		          kinds[i].name);
		if ((res = run(im, im->sql.p, NULL, PGRES_COMMAND_OK)) == NULL)
			return -1;
		im->rows[i] -= strtoll(PQcmdTuples(res), NULL, 10);
		PQclear(res);
	}
	if (!im->move_numbers && check_moves(im) == -1)
		return -1;
	for (i = 0; i < NKINDS; i++)
		if (!kinds[i].own_ids && im->counts[i] > 0 && check_owner(im, &kinds[i]) == -1)
			return -1;
	for (i = 0; i < sizeof(refs) / sizeof(refs[0]); i++) {
		const struct kind *k = kind_by_name(refs[i].kind, strlen(refs[i].kind));

		if (k != NULL && im->counts[k - kinds] == 0)
			continue;
		if (check_ref(im, &refs[i]) == -1)
			return -1;
	}
	for (i = 0; i < NKINDS; i++) {
		long long before = im->added + im->changed + im->links_changed;
		size_t j;

		if (im->counts[i] == 0)
			continue;
		if (insert_kind(im, &kinds[i]) == -1)
			return -1;
		for (j = 0; j < sizeof(links) / sizeof(links[0]); j++)
			if (strcmp(links[j].kind, kinds[i].name) == 0 &&
			    replace_links(im, &links[j]) == -1)
				return -1;
		im->written[i] = im->added + im->changed + im->links_changed - before;
	}
	/*
	 * Any task's overview may show a row of another kind (a task's name, a
	 * region, a tag, a tag group...): one written, not only one in the file
	 * (a sync brings a window's tags again), makes store_overview compute
	 * every task's again.
	 */
	im->overview_all = im->touched_all;
	for (i = 0; i < NKINDS; i++)
		if (im->written[i] > 0 && strcmp(kinds[i].name, "number") != 0 &&
		    strcmp(kinds[i].name, "call_history") != 0 &&
		    strcmp(kinds[i].name, "record") != 0 &&
		    strcmp(kinds[i].name, "record_detail") != 0)
			im->overview_all = true;
	return 0;
}

/*
 * Prints "PATH: N rows stored (kind=count, ...): A new, C changed, U
 * unchanged; L lines" to progress: rows, not lines, as a line may repeat
 * another; unchanged, rows the database held already as the file says.
 */
static void
print_progress(struct imp *im, FILE *progress)
{
	long long total = 0;
	size_t i;
	bool first = true;

	if (progress == NULL)
		return;
	for (i = 0; i < NKINDS; i++)
		total += im->rows[i];
	fprintf(progress, "%s: %lld rows stored", im->path, total);
	for (i = 0; i < NKINDS; i++) {
		if (im->rows[i] == 0)
			continue;
		fprintf(progress, "%s%s=%lld", first ? " (" : ", ", kinds[i].name, im->rows[i]);
		first = false;
	}
	fprintf(progress, "): %lld new, %lld changed, %lld unchanged; %lld lines\n",
	    im->added, im->changed, total - im->added - im->changed, im->lines);
	fflush(progress);
}

/* Imports one file in one transaction; returns 0, or -1 after printing the error and rolling back. */
/*
 * Computes the overview of each of the tenant's tasks ahead for the page
 * (cgi/overview.c, table task_overview): every part's rows, kept with the
 * tenant's new data version. It takes what the page took to compute them
 * (seconds for a million-number task), once an import instead of once a view.
 * Of the tasks the file wrote only, when it wrote rows of tasks alone
 * (overview_all false): the others' kept parts are still theirs, and take
 * the new version as they are (every task again took 30 s of a one-line
 * import on a year of data: 205 tasks).
 */
static int
store_overview(struct imp *im)
{
	PGresult *version = NULL, *tasks = NULL, *r;
	struct buf js = {0};
	const char *p[5], *q[4] = { NULL, NULL, NULL, NULL };
	size_t k;
	int i, rc = -1;

	p[0] = im->tenant;
	p[1] = im->overview_all ? NULL : im->touched.p;
	/*
	 * Without JIT, as the pages run them: a part's gated raw half is
	 * estimated at millions of rows, and compiling it took 0.5 s of a
	 * part that runs in 2 ms (the trend of a million-number task). The
	 * import's own statements keep it (the rollups took less CPU with it).
	 */
	if (run_cmd(im, "SET LOCAL jit = off", NULL) == -1)
		goto out;
	if ((version = run(im, "SELECT data_version::text FROM tenants "
	    "WHERE id = $1::uuid", im->tenant, PGRES_TUPLES_OK)) == NULL)
		goto out;
	p[2] = PQgetvalue(version, 0, 0);
	if ((r = run_n(im, "UPDATE task_overview SET version = $3::bigint "
	    "WHERE user_id = $1::uuid AND $2::uuid[] IS NOT NULL "
	    "AND task_id <> ALL ($2::uuid[])", 3, p, PGRES_COMMAND_OK)) == NULL)
		goto out;
	PQclear(r);
	if ((r = run_n(im, "DELETE FROM task_overview WHERE user_id = $1::uuid "
	    "AND ($2::uuid[] IS NULL OR task_id = ANY ($2::uuid[]))", 2, p,
	    PGRES_COMMAND_OK)) == NULL)
		goto out;
	PQclear(r);
	if ((tasks = run_n(im, "SELECT uuid::text FROM tasks WHERE user_id = $1::uuid "
	    "AND ($2::uuid[] IS NULL OR uuid = ANY ($2::uuid[]))", 2, p,
	    PGRES_TUPLES_OK)) == NULL)
		goto out;
	p[3] = PQgetvalue(version, 0, 0);
	for (i = 0; i < PQntuples(tasks); i++)
		for (k = 0; k < overview_nparts; k++) {
			p[1] = PQgetvalue(tasks, i, 0);
			/* The task's whole life: no period ($3, $4 NULL). */
			q[0] = p[0];
			q[1] = p[1];
			if ((r = run_n(im, overview_parts[k].sql, 4, q,
			    PGRES_TUPLES_OK)) == NULL)
				goto out;
			buf_reset(&js);
			overview_result_json(&js, &overview_parts[k], r);
			PQclear(r);
			p[2] = overview_parts[k].section;
			p[4] = js.p;
			if ((r = run_n(im, "INSERT INTO task_overview (user_id, "
			    "task_id, part, version, result) VALUES ($1::uuid, $2::uuid, "
			    "$3, $4::bigint, $5::jsonb)", 5, p, PGRES_COMMAND_OK)) == NULL)
				goto out;
			PQclear(r);
		}
	rc = 0;
out:
	PQclear(version);
	PQclear(tasks);
	buf_free(&js);
	return rc;
}

/*
 * The numbers and records the staged file writes (rollup_touch), and their parts
 * of the rollups taken away before it does (callreport_rollup_before,
 * sql/schema.sql): callreport_recount adds their parts after it. The numbers of
 * its number lines, and of its call attempts, before and after (an attempt may
 * go to another number); the records of its record lines, and of its transcript
 * rows, before and after. Runs before the stage is applied.
 */
static int
touch_rows(struct imp *im)
{
	const struct kind *h = kind_by_name("call_history", 12);
	const struct kind *d = kind_by_name("record_detail", 13);
	PGresult *res;

	if ((res = run(im, "SELECT callreport_rollup_tables()", NULL, PGRES_TUPLES_OK)) == NULL)
		return -1;
	PQclear(res);
	buf_reset(&im->sql);
	buf_puts(&im->sql, "INSERT INTO rollup_touch (number_id, record_id)"
	    " SELECT s.id::int8, NULL::uuid FROM import_stage s WHERE s.kind = 'number'"
	    " UNION ALL SELECT (");
	sql_slot(&im->sql, "s", h, field_by_name(h, "number_id"));
	buf_printf(&im->sql, ")::int8, NULL FROM import_stage s WHERE s.kind = 'call_history'"
	    " UNION ALL SELECT x.number_id, NULL FROM import_stage s JOIN call_histories x ON"
	    " x.id = s.id::int8 AND x.user_id = '%s' WHERE s.kind = 'call_history'"
	    " UNION ALL SELECT NULL, s.id::uuid FROM import_stage s WHERE s.kind = 'record'"
	    " UNION ALL SELECT NULL, (", im->tenant);
	sql_slot(&im->sql, "s", d, field_by_name(d, "record_id"));
	buf_printf(&im->sql, ")::uuid FROM import_stage s WHERE s.kind = 'record_detail'"
	    " UNION ALL SELECT NULL, x.record_id FROM import_stage s JOIN record_details x ON"
	    " x.id = s.id::uuid AND x.user_id = '%s' WHERE s.kind = 'record_detail'",
	    im->tenant);
	if (run_cmd(im, im->sql.p, NULL) == -1)
		return -1;
	if ((res = run(im, "SELECT callreport_rollup_before($1::uuid)", im->tenant,
	    PGRES_TUPLES_OK)) == NULL)
		return -1;
	PQclear(res);
	return 0;
}

/*
 * Finds the tasks the staged file writes, for their rollups (callreport_recount,
 * sql/schema.sql): the tasks its numbers, call attempts and records name, and
 * those the same rows named before (a number may move), and the tasks of the
 * records its transcript rows belong to; and the rows whose parts of the
 * rollups change (touch_rows); all of the tenant's when a level is new or
 * renamed (the rollups count the A and B levels) or a stored tag comes with
 * other groups (the rollups count records by tag group; a new tag is on no
 * stored record). A sync brings the tags of the records of each window again:
 * as they were, they leave the other tasks alone. Runs before the stage is
 * applied. Returns 0, or -1 after printing the error.
 */
static int
touched_tasks(struct imp *im)
{
	static const struct { const char *kind, *table, *type; } rows[] = {
		{ "number", "numbers", "int8" },
		{ "call_history", "call_histories", "int8" },
		{ "record", "records", "uuid" },
	};
	const struct kind *k;
	PGresult *res;
	size_t i;

	/* One write of the tenant at a time from here (callreport_write_lock, schema.sql). */
	if ((res = run(im, "SELECT callreport_write_lock($1::uuid)", im->tenant,
	    PGRES_TUPLES_OK)) == NULL)
		return -1;
	PQclear(res);
	buf_reset(&im->sql);
	buf_printf(&im->sql, "SELECT EXISTS (SELECT FROM import_stage s LEFT JOIN levels l"
	          " ON l.id = s.id::uuid AND l.user_id = '%s' WHERE s.kind = 'level' AND"
	          " l.name IS DISTINCT FROM ", im->tenant);
	k = kind_by_name("level", 5);
	sql_slot(&im->sql, "s", k, field_by_name(k, "name"));
	buf_printf(&im->sql, ") OR EXISTS (SELECT FROM import_stage s JOIN tags t ON"
	    " t.id = s.id::uuid AND t.user_id = '%s' WHERE s.kind = 'tag' AND ARRAY(SELECT"
	    " g.tag_group_id FROM tag_group_tags g WHERE g.tag_id = t.id ORDER BY 1)"
	    " IS DISTINCT FROM ARRAY(SELECT DISTINCT e FROM unnest(coalesce((", im->tenant);
	k = kind_by_name("tag", 3);
	sql_slot(&im->sql, "s", k, field_by_name(k, "tag_group_ids"));
	buf_puts(&im->sql, ")::uuid[], '{}')) e ORDER BY 1))");
	if ((res = run(im, im->sql.p, NULL, PGRES_TUPLES_OK)) == NULL)
		return -1;
	im->touched_all = strcmp(PQgetvalue(res, 0, 0), "t") == 0;
	PQclear(res);
	buf_reset(&im->touched);
	/* All of them: the list is not needed (a first import's, which names every row). */
	if (im->touched_all)
		return 0;
	buf_reset(&im->sql);
	buf_puts(&im->sql, "SELECT coalesce(array_agg(DISTINCT t.t), '{}')::text FROM (");
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		k = kind_by_name(rows[i].kind, strlen(rows[i].kind));
		buf_printf(&im->sql, "%sSELECT ", i ? " UNION ALL " : "");
		sql_slot(&im->sql, "s", k, field_by_name(k, "task_id"));
		buf_printf(&im->sql, "::uuid FROM import_stage s WHERE s.kind = '%s'"
		          " UNION ALL SELECT x.task_id FROM import_stage s JOIN %s x ON"
		          " x.id = s.id::%s AND x.user_id = '%s' WHERE s.kind = '%s'",
		          rows[i].kind, rows[i].table, rows[i].type, im->tenant, rows[i].kind);
	}
	/* A transcript's task is its record's (the drop-off: rollups and overview). */
	k = kind_by_name("record_detail", 13);
	buf_puts(&im->sql, " UNION ALL SELECT x.task_id FROM import_stage s JOIN records x"
	    " ON x.id = (");
	sql_slot(&im->sql, "s", k, field_by_name(k, "record_id"));
	buf_printf(&im->sql, ")::uuid AND x.user_id = '%s' WHERE s.kind = 'record_detail'",
	    im->tenant);
	buf_puts(&im->sql, ") AS t(t)");
	if ((res = run(im, im->sql.p, NULL, PGRES_TUPLES_OK)) == NULL)
		return -1;
	buf_puts(&im->touched, PQgetvalue(res, 0, 0));
	PQclear(res);
	return touch_rows(im);
}

/* Runs import_stream's statement before COMMIT ($1 the tenant); returns 0 or -1. */
static int
stream_hook(struct imp *im)
{
	const struct import_stream *st = im->stream;
	const char *p[IMPORT_STREAM_PARAMS + 1];
	PGresult *res;
	int i;

	if (st->commit_sql == NULL)
		return 0;
	p[0] = im->tenant;
	for (i = 0; i < st->nparams && i < IMPORT_STREAM_PARAMS; i++)
		p[i + 1] = st->params[i];
	res = PQexecParams(im->conn, st->commit_sql, i + 1, NULL, p, NULL, NULL, 0);
	if (PQresultStatus(res) != PGRES_COMMAND_OK && PQresultStatus(res) != PGRES_TUPLES_OK) {
		fail_db(im, res);
		PQclear(res);
		return -1;
	}
	PQclear(res);
	return 0;
}

static int
import_file(struct imp *im, const char *tenant, const char *timezone, json_tokener *tok,
            FILE *progress)
{
	FILE *fp = NULL;
	PGresult *res = NULL;
	bool in_txn = false, in_copy = false;
	int i, rc = -1;

	memset(im->counts, 0, sizeof(im->counts));
	memset(im->rows, 0, sizeof(im->rows));
	memset(im->unsorted, 0, sizeof(im->unsorted));
	memset(im->written, 0, sizeof(im->written));
	im->lines = im->added = im->changed = im->links_changed = 0;
	im->analyzed = false;
	for (i = 0; i < (int)NREFS; i++) {
		if (im->refsets[i].slot != NULL)
			memset(im->refsets[i].slot, 0, REFSET_SLOTS * sizeof(struct refval));
		im->refsets[i].count = 0;
		im->refsets[i].many = false;
	}
	buf_reset(&im->copy);
	if (im->stream != NULL)
		fp = im->stream->fp;
	else if ((fp = fopen(im->path, "r")) == NULL) {
		fail(im, 0, "cannot open: %s", strerror(errno));
		goto out;
	}
	if (PQtransactionStatus(im->conn) != PQTRANS_IDLE) {
		fail(im, 0, "database: connection not idle");
		goto out;
	}
	if (run_cmd(im, "BEGIN", NULL) == -1)
		goto out;
	in_txn = true;
	if (run_cmd(im, "SET LOCAL client_encoding = 'UTF8'", NULL) == -1 ||
	    run_cmd(im, "SET LOCAL work_mem = '256MB'", NULL) == -1)
		goto out;
	if (timezone != NULL) {
		if ((res = run(im, "SELECT set_config('TimeZone', $1, true)", timezone,
		               PGRES_TUPLES_OK)) == NULL)
			goto out;
		PQclear(res);
		res = NULL;
	}
	if (ensure_tenant(im, tenant) == -1)
		goto out;
	buf_reset(&im->sql);
	/*
	 * kind and id in the C collation: the sorts and groupings of ids
	 * compare bytes, not text by the database's locale. A partition for
	 * each kind a file may hold millions of, one for the others: every
	 * statement below reads the stage kind by kind, a scan of its
	 * partition (an index on kind took 2.4 s to build on a million numbers,
	 * and its scans read the other kinds' pages too). Not one a kind: each
	 * partition made and dropped cost every import, and every sync
	 * window, a millisecond or two.
	 */
	buf_puts(&im->sql, "CREATE TEMP TABLE import_stage (kind text COLLATE \"C\" NOT NULL,"
	        " line bigint NOT NULL, id text COLLATE \"C\" NOT NULL");
	for (i = 1; i <= NSLOTS; i++)
		buf_printf(&im->sql, ", v%d text", i);
	buf_puts(&im->sql, ") PARTITION BY LIST (kind) ON COMMIT DROP;"
	        " CREATE TEMP TABLE import_stage_rest PARTITION OF import_stage DEFAULT");
	for (i = 0; i < (int)NKINDS; i++)
		if (kinds[i].many)
			buf_printf(&im->sql, "; CREATE TEMP TABLE import_stage_%s PARTITION OF"
			          " import_stage FOR VALUES IN ('%s')", kinds[i].name, kinds[i].name);
	if (run_cmd(im, im->sql.p, NULL) == -1)
		goto out;
	if ((res = run(im, "COPY import_stage FROM STDIN", NULL, PGRES_COPY_IN)) == NULL)
		goto out;
	PQclear(res);
	res = NULL;
	in_copy = true;
	if (stage_file(im, fp, tok) == -1)
		goto out;
	in_copy = false;
	if (copy_end(im, NULL) == -1)
		goto out;
	/*
	 * A file without a line of data is a mistake (a truncated download, the
	 * wrong name), not an import of nothing: it fails, and the tenant it
	 * would have created goes with the rollback.
	 */
	if (im->lines == 0) {
		fail(im, 0, "no data: the file holds no JSON object");
		goto out;
	}
	/*
	 * The planner needs to know how many lines each kind has, and how many
	 * ids, which a tenth of ANALYZE's usual sample tells.
	 */
	if (run_cmd(im, "ALTER TABLE import_stage ALTER kind SET STATISTICS 10,"
	    " ALTER id SET STATISTICS 10", NULL) == -1 ||
	    run_cmd(im, "ANALYZE import_stage (kind, id)", NULL) == -1)
		goto out;
	if (touched_tasks(im) == -1 || apply_stage(im) == -1)
		goto out;
	if (im->stream != NULL && stream_hook(im) == -1)
		goto out;
	/* import_stream's: nothing written, nothing to recompute (nor a data version to bump). */
	if (im->stream != NULL && im->stream->keep_unchanged && im->added == 0 &&
	    im->changed == 0 && im->links_changed == 0)
		goto commit;
	/*
	 * The planner's statistics of what was written, in the transaction
	 * (ANALYZE sees its rows): the rollups below read it all back, and were
	 * planned on a new tenant's tables as empty (a first import's took 24 s,
	 * 14 s so planned). Pages asked after the import need them too. Not for
	 * a few rows (a sync's window, a correction): they move no statistic a
	 * plan depends on, and sampling a year of data's tables took 4 s of a
	 * one-line import (autovacuum counts them towards its own).
	 */
	if (im->added + im->changed + im->links_changed >= ANALYZE_ROWS) {
		if (run_cmd(im, ANALYZE_SQL, NULL) == -1)
			goto out;
		im->analyzed = true;
	}
	/*
	 * The per-task counts and the rollups of the tasks written recomputed,
	 * and the data version bumped (cached answers carry it in their ETags):
	 * callreport_recount, schema.sql.
	 */
	PQclear(res);
	buf_reset(&im->sql);
	buf_printf(&im->sql, "SELECT callreport_recount($1::uuid, %s)",
	    im->touched_all ? "NULL" : "$2::uuid[], true");
	{
		const char *p[2] = { im->tenant, im->touched.p };

		res = PQexecParams(im->conn, im->sql.p, im->touched_all ? 1 : 2, NULL, p,
		    NULL, NULL, 0);
	}
	if (PQresultStatus(res) != PGRES_TUPLES_OK) {
		fail_db(im, res);
		goto out;
	}
	if (store_overview(im) == -1)
		goto out;
commit:
	if (run_cmd(im, "COMMIT", NULL) == -1)
		goto out;
	in_txn = false;
	print_progress(im, progress);
	rc = 0;
out:
	if (in_copy)
		copy_end(im, "import aborted");
	if (in_txn && PQtransactionStatus(im->conn) != PQTRANS_IDLE)
		PQclear(PQexec(im->conn, "ROLLBACK"));
	PQclear(res);
	if (fp != NULL && im->stream == NULL)
		fclose(fp);
	return rc;
}

/*
 * imp_begin: im set up for conn, err and the path its failures name, and the tokener
 * every file of one call is read with; NULL (the failure said, as for a file) when tenant
 * is empty or memory is out.
 * Not JSON_TOKENER_VALIDATE_UTF8: stage_file checks each line with utf8_valid first, which
 * refuses more (overlong forms, surrogates); the tokener's check was a second pass over
 * every byte.
 */
static json_tokener *
imp_begin(struct imp *im, PGconn *conn, const char *tenant, const char *path, FILE *err)
{
	json_tokener *tok;
	size_t r;

	memset(im, 0, sizeof(*im));
	im->conn = conn;
	im->err = err;
	im->path = path;
	for (r = 0; r < NREFS; r++) {
		const struct kind *k = kind_by_name(refs[r].kind, strlen(refs[r].kind));
		const struct imp_field *f = k ? field_by_name(k, refs[r].field) : NULL;

		if (f != NULL)
			im->ref_of[k - kinds][f - k->fields] = (unsigned char)(r + 1);
	}
	if (tenant == NULL || *tenant == '\0') {
		fail(im, 0, "empty tenant name");
		return NULL;
	}
	if ((tok = json_tokener_new()) == NULL) {
		fail(im, 0, "out of memory");
		return NULL;
	}
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT);
	return tok;
}

/* imp_end: what imp_begin and the files of the call took. */
static void
imp_end(struct imp *im, json_tokener *tok)
{
	size_t r;

	if (tok != NULL)
		json_tokener_free(tok);
	for (r = 0; r < NREFS; r++)
		free(im->refsets[r].slot);
	buf_free(&im->copy);
	buf_free(&im->sql);
	buf_free(&im->msg);
	buf_free(&im->touched);
}

int
import_files(PGconn *conn, const char *tenant, int nfiles, char *const files[],
             const char *timezone, bool move_numbers, FILE *err, FILE *progress)
{
	struct imp im;
	json_tokener *tok;
	PGresult *res;
	long long written = 0; /* by files that did not analyze it */
	int i, rc = 1;

	if ((tok = imp_begin(&im, conn, tenant, "import", err)) == NULL)
		goto out;
	im.move_numbers = move_numbers;
	for (i = 0; i < nfiles; i++) {
		im.path = files[i];
		if (import_file(&im, tenant, timezone, tok, progress) == -1)
			goto out;
		if (!im.analyzed)
			written += im.added + im.changed + im.links_changed;
	}
	/*
	 * Files each too small to analyze what it wrote (import_file) may be
	 * many: the planner's statistics of them all, now rather than when
	 * autovacuum comes by (a page asked right after an import was planned on
	 * the tables as they were before it). Committed already: a failure here
	 * is only a warning.
	 */
	if (written < ANALYZE_ROWS) {
		rc = 0;
		goto out;
	}
	res = PQexec(conn, ANALYZE_SQL);
	if (PQresultStatus(res) != PGRES_COMMAND_OK)
		fprintf(err, "callreport: import: ANALYZE failed (autovacuum will do it): %s",
		    PQresultErrorMessage(res));
	PQclear(res);
	rc = 0;
out:
	imp_end(&im, tok);
	return rc;
}

int
import_stream(PGconn *conn, const char *tenant, const struct import_stream *st,
              const char *timezone, FILE *err, FILE *progress)
{
	struct imp im;
	json_tokener *tok;
	int rc = 1;

	if ((tok = imp_begin(&im, conn, tenant, st->name, err)) != NULL) {
		im.stream = st;
		if (import_file(&im, tenant, timezone, tok, progress) == 0)
			rc = 0;
	}
	imp_end(&im, tok);
	return rc;
}
