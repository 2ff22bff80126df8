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

#include "cli/import.h"
#include "input/utf8.h"
#include "report/overview.h"

/* ---------------------------------------------------------------------- */
/* Field tables                                                           */

enum ftype {
	FT_STR,
	FT_INT,
	FT_NUM,
	FT_BOOL,
	FT_UUID,
	FT_TIME,
	FT_UUID_ARRAY,
	FT_JSON_ARRAY,
	FT__MAX
};

/* What a message says a field should be. */
static const char *const ftype_want[FT__MAX] = {
	"a string",               /* FT_STR */
	"an integer",             /* FT_INT */
	"a number",               /* FT_NUM */
	"a boolean",              /* FT_BOOL */
	"a UUID string",          /* FT_UUID */
	"a time string",          /* FT_TIME */
	"an array of UUID strings", /* FT_UUID_ARRAY */
	"an array",               /* FT_JSON_ARRAY */
};

/* The SQL type a staged value is cast to (integers narrow on assignment). */
static const char *const ftype_sql[FT__MAX] = {
	"text",        /* FT_STR */
	"int8",        /* FT_INT */
	"float8",      /* FT_NUM */
	"boolean",     /* FT_BOOL */
	"uuid",        /* FT_UUID */
	"timestamptz", /* FT_TIME */
	NULL,          /* FT_UUID_ARRAY: only feeds link tables */
	"jsonb",       /* FT_JSON_ARRAY */
};

#define F_REQ   0x01u /* required, not null */
#define F_ZERO  0x02u /* 0 means unknown: stored as NULL */
#define F_LINK  0x04u /* not a column: feeds a link table */
#define F_LEVEL 0x08u /* when absent, derived from score and the tenant's levels */

struct field {
	const char *name;  /* JSON key, and column name unless F_LINK */
	enum ftype  type;
	unsigned    flags;
	int64_t     lo, hi; /* FT_INT: allowed range */
	const char *dflt;   /* SQL default when null or absent (NOT NULL columns) */
};

#define FSTR(n, f)          { n, FT_STR, f, 0, 0, NULL }
#define FINT(n, f, lo, hi)  { n, FT_INT, f, lo, hi, NULL }
#define FI2(n, f)           FINT(n, f, INT16_MIN, INT16_MAX)
#define FI4(n, f)           FINT(n, f, INT32_MIN, INT32_MAX)
#define FI8(n, f)           FINT(n, f, INT64_MIN + 1, INT64_MAX - 1)
#define FNUM(n, f)          { n, FT_NUM, f, 0, 0, NULL }
#define FBOOL(n, f, d)      { n, FT_BOOL, f, 0, 0, d }
#define FUUID(n, f)         { n, FT_UUID, f, 0, 0, NULL }
#define FTIME(n, f)         { n, FT_TIME, f, 0, 0, NULL }
#define FUUIDS(n, f)        { n, FT_UUID_ARRAY, (f) | F_LINK, 0, 0, NULL }
#define FJSON(n, f, d)      { n, FT_JSON_ARRAY, f, 0, 0, d }

/* The first field of every table is the row's key. */

static const struct field region_fields[] = {
	FI4("id", F_REQ), FSTR("city", F_REQ), FI4("pid", 0),
	FSTR("area_code", 0), FSTR("post_code", 0),
	FTIME("created_at", 0), FTIME("updated_at", 0),
};

static const struct field level_fields[] = {
	FUUID("id", F_REQ), FSTR("name", F_REQ), FSTR("alias", F_REQ),
	FI4("score_min", F_REQ), FI4("score_max", F_REQ), FSTR("color", 0),
	FTIME("created_at", 0), FTIME("updated_at", 0),
};

static const struct field tag_scene_fields[] = {
	FUUID("id", F_REQ), FSTR("name", F_REQ),
	FTIME("created_at", 0), FTIME("updated_at", 0),
};

static const struct field tag_group_fields[] = {
	FUUID("id", F_REQ), FSTR("name", F_REQ), FUUID("tag_scene_id", F_REQ),
	FTIME("created_at", 0), FTIME("updated_at", 0),
};

static const struct field tag_fields[] = {
	FUUID("id", F_REQ), FSTR("name", F_REQ), FUUIDS("tag_group_ids", F_REQ),
	FSTR("description", 0), FSTR("color", 0), FBOOL("status", 0, "true"),
	FTIME("created_at", 0), FTIME("updated_at", 0),
};

static const struct field group_fields[] = {
	FI8("id", F_REQ), FSTR("name", F_REQ), FBOOL("debug", 0, "false"),
	FSTR("link_word_group_id", 0), FUUID("tag_scene_id", 0),
	FBOOL("default", 0, "false"), FTIME("deleted_at", 0),
	FTIME("created_at", 0), FTIME("updated_at", 0),
};

static const struct field utterance_fields[] = {
	FUUID("id", F_REQ), FI8("group_id", F_REQ), FSTR("name", F_REQ),
	FSTR("description", 0), FSTR("context_id", 0), FI4("priority", 0),
	FSTR("action", 0), FI4("word_class", 0), FI4("wait", 0), FI4("retry", 0),
	FI4("max_retry", 0), FI4("score", 0), FI4("play_ms", 0),
	FBOOL("enquire", 0, NULL), FSTR("customer_service_id", 0),
	FI4("identify_type", 0), FSTR("background_file_id", 0), FI4("block_asr", 0),
	FTIME("deleted_at", 0), FTIME("created_at", 0), FTIME("updated_at", 0),
};

static const struct field task_fields[] = {
	FUUID("uuid", F_REQ), FSTR("name", F_REQ), FI8("group_id", F_REQ),
	FTIME("create_datetime", 0), FTIME("alter_datetime", 0),
	{ "start", FT_INT, 0, INT32_MIN, INT32_MAX, "0" },
	FI4("maximumcall", 0), FI4("call_per_second", 0), FI4("recycle_limit", 0),
	FI4("random_assignment_number", 0), FSTR("disable_dial_timegroup", 0),
	FI8("destination_extension", 0), FSTR("destination_dialplan", 0),
	FSTR("destination_context", 0), FSTR("scheduling_policy_ratio", 0),
	FSTR("scheduling_queue", 0), FSTR("dial_format", 0), FSTR("domain", 0),
	FSTR("remark", 0), FI4("sort", 0), FSTR("originate_variables", 0),
	FI4("_originate_timeout", 0), FSTR("_origination_caller_id_number", 0),
	FSTR("caller_line_id", 0), FSTR("customer_service_id", 0),
	FSTR("call_notify_url", 0), FI4("call_notify_type", 0),
};

static const struct field number_fields[] = {
	FI8("id", F_REQ), FUUID("task_id", F_REQ), FSTR("number", F_REQ),
	FINT("status", F_REQ, 0, 12),
	FI4("province_id", F_ZERO), FI4("city_id", F_ZERO),
	FINT("operator", 0, 0, 3), FBOOL("is_blacklist", 0, "false"),
	FSTR("callid", 0), FTIME("calldate", 0), FI8("bill", 0), FI8("duration", 0),
	FSTR("hangupcause", 0), FTIME("hangupdate", 0), FTIME("answerdate", 0),
};

static const struct field call_history_fields[] = {
	FI8("id", F_REQ), FUUID("task_id", F_REQ), FI8("number_id", F_REQ),
	FSTR("number", F_REQ), FTIME("call_time", F_REQ), FINT("status", F_REQ, 0, 12),
	FSTR("call_id", 0), FI8("duration", 0), FSTR("hangup_cause", 0),
	FSTR("hangup_code", 0), FI8("bill", 0), FSTR("call_status", 0),
	FSTR("record_file", 0), FSTR("calling_number", 0),
	FI4("province_id", F_ZERO), FI4("city_id", F_ZERO), FINT("operator", 0, 0, 3),
	FTIME("created_at", 0), FTIME("updated_at", 0),
};

static const struct field record_fields[] = {
	FUUID("id", F_REQ), FUUID("task_id", F_REQ), FSTR("callee", F_REQ),
	FTIME("calldate", F_REQ), FI4("score", F_REQ),
	FI8("group_id", 0), FSTR("callid", 0), FSTR("caller_number", 0),
	FI8("duration", 0), FI4("error_code", 0), FINT("gender", 0, 0, 4),
	FUUID("level_id", F_LEVEL), FI8("bill", 0), FSTR("hangupcause", 0),
	FTIME("hangupdate", 0), FTIME("answerdate", 0), FSTR("recordfile", 0),
	FSTR("bridge_callid", 0), FSTR("bridge_number", 0),
	FTIME("bridge_calldate", 0), FTIME("bridge_answerdate", 0),
	FI2("hangup_disposition", 0), FTIME("created_at", 0), FTIME("updated_at", 0),
	FI4("rounds", 0), FSTR("bredge_number", 0), FTIME("read_at", 0),
	FI4("province_id", F_ZERO), FI4("city_id", F_ZERO), FINT("operator", 0, 0, 3),
	FUUIDS("tag_ids", 0),
};

static const struct field record_detail_fields[] = {
	FUUID("id", F_REQ), FUUID("record_id", F_REQ), FI4("sequence", F_REQ),
	FSTR("notify", F_REQ), FUUID("task_id", 0), FSTR("callid", 0),
	FI4("error_code", 0), FSTR("asrtype", 0), FSTR("callee", 0),
	FI2("gender", 0), FI4("asr_elapse", 0), FI4("record_ms", 0),
	FNUM("volume_gain", 0), FSTR("question", 0), FI4("question_index", 0),
	FI4("speak_ms", 0), FI4("play_ms", 0), FSTR("keyword", 0),
	FUUID("answer_id", 0), FSTR("answer_text", 0), FSTR("word_class", 0),
	FI4("score", 0), FTIME("created_at", 0), FTIME("updated_at", 0),
	FI4("bridge_status", 0), FSTR("answer_content", 0),
	FJSON("contents", 0, "'[]'::jsonb"), FUUIDS("tag_ids", 0),
};

struct kind {
	const char         *name;   /* value of "kind" */
	const char         *table;
	const struct field *fields; /* fields[0] is the key */
	size_t              nfields;
	bool                tenant; /* rows carry user_id (else shared, kept as found) */
};

#define KIND(n, t, f, ten) { n, t, f, sizeof(f) / sizeof((f)[0]), ten }

/* In dependency order: the order rows are inserted. */
static const struct kind kinds[] = {
	KIND("region", "regions", region_fields, false),
	KIND("level", "levels", level_fields, true),
	KIND("tag_scene", "tag_scenes", tag_scene_fields, true),
	KIND("tag_group", "tag_groups", tag_group_fields, true),
	KIND("tag", "tags", tag_fields, true),
	KIND("group", "groups", group_fields, true),
	KIND("utterance", "utterances", utterance_fields, true),
	KIND("task", "tasks", task_fields, true),
	KIND("number", "numbers", number_fields, true),
	KIND("call_history", "call_histories", call_history_fields, true),
	KIND("record", "records", record_fields, true),
	KIND("record_detail", "record_details", record_detail_fields, true),
};
#define NKINDS (sizeof(kinds) / sizeof(kinds[0]))

/* Staging columns v1..vNSLOTS hold fields 1.. of a kind (its key is in id). */
#define NSLOTS 32

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
/* Growing strings                                                        */

struct sbuf {
	char  *p;
	size_t len, cap;
	bool   oom; /* sticky: an allocation failed, the contents are cut */
};

/* Returns 0 when sb has room for n more bytes and a NUL, -1 (and sets oom). */
static int
sb_reserve(struct sbuf *sb, size_t n)
{
	size_t cap;
	char *p;

	if (sb->oom)
		return -1;
	if (sb->len + n + 1 <= sb->cap)
		return 0;
	cap = sb->cap ? sb->cap : 256;
	while (cap < sb->len + n + 1)
		cap *= 2;
	if ((p = realloc(sb->p, cap)) == NULL) {
		sb->oom = true;
		return -1;
	}
	sb->p = p;
	sb->cap = cap;
	return 0;
}

/* Appends n bytes of s. */
static void
sb_add(struct sbuf *sb, const char *s, size_t n)
{
	if (sb_reserve(sb, n) == -1)
		return;
	memcpy(sb->p + sb->len, s, n);
	sb->len += n;
	sb->p[sb->len] = '\0';
}

/* Appends the string s. */
static void
sb_puts(struct sbuf *sb, const char *s)
{
	sb_add(sb, s, strlen(s));
}

/* Appends one byte. */
static void
sb_putc(struct sbuf *sb, char c)
{
	if (sb_reserve(sb, 1) == -1)
		return;
	sb->p[sb->len++] = c;
	sb->p[sb->len] = '\0';
}

/* Appends printf-style text. */
static void
sb_printf(struct sbuf *sb, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0 || sb_reserve(sb, (size_t)n) == -1)
		return;
	va_start(ap, fmt);
	vsnprintf(sb->p + sb->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	sb->len += (size_t)n;
}

/* Empties sb, keeping its memory; clears oom. */
static void
sb_reset(struct sbuf *sb)
{
	sb->len = 0;
	sb->oom = false;
	if (sb->p)
		sb->p[0] = '\0';
}

/* Frees sb's memory. */
static void
sb_free(struct sbuf *sb)
{
	free(sb->p);
	memset(sb, 0, sizeof(*sb));
}

/* Appends s escaped for a field of COPY's text format. */
static void
sb_copy_escape(struct sbuf *sb, const char *s, size_t n)
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
		sb_add(sb, s + start, i - start);
		sb_add(sb, esc, 2);
		start = i + 1;
	}
	sb_add(sb, s + start, n - start);
}

/* ---------------------------------------------------------------------- */
/* Value shapes                                                           */

/* Returns true if s (n bytes) is a UUID written 8-4-4-4-12 in hex. */
static bool
valid_uuid(const char *s, size_t n)
{
	size_t i;

	if (n != 36)
		return false;
	for (i = 0; i < 36; i++) {
		if (i == 8 || i == 13 || i == 18 || i == 23) {
			if (s[i] != '-')
				return false;
		} else if (!isxdigit((unsigned char)s[i]))
			return false;
	}
	return true;
}

/* Returns the value of the n digits at *p and advances *p, or -1 if not digits. */
static int
take_digits(const char **p, const char *end, int n)
{
	int v = 0;

	if (end - *p < n)
		return -1;
	for (; n > 0; n--, (*p)++) {
		if (**p < '0' || **p > '9')
			return -1;
		v = v * 10 + (**p - '0');
	}
	return v;
}

/* Returns the number of days of month m (1-12) of year y. */
static int
days_in_month(int y, int m)
{
	static const int d[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };

	if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		return 29;
	return d[m - 1];
}

/*
 * Returns true if s (n bytes) is "YYYY-MM-DD HH:MM:SS" (read in the import's
 * zone) or ISO 8601 "YYYY-MM-DDTHH:MM:SS" with optional fraction and an
 * optional offset "Z", "+HH", "+HHMM" or "+HH:MM" ('T' or ' ' between date and time).
 */
static bool
valid_time(const char *s, size_t n)
{
	const char *p = s, *end = s + n;
	int y, mo, d, h, mi, se, oh, om;

	if ((y = take_digits(&p, end, 4)) < 1 || p == end || *p++ != '-' ||
	    (mo = take_digits(&p, end, 2)) < 1 || mo > 12 || p == end || *p++ != '-' ||
	    (d = take_digits(&p, end, 2)) < 1 || d > days_in_month(y, mo))
		return false;
	if (p == end || (*p != ' ' && *p != 'T'))
		return false;
	p++;
	if ((h = take_digits(&p, end, 2)) < 0 || h > 23 || p == end || *p++ != ':' ||
	    (mi = take_digits(&p, end, 2)) < 0 || mi > 59 || p == end || *p++ != ':' ||
	    (se = take_digits(&p, end, 2)) < 0 || se > 59)
		return false;
	if (p < end && *p == '.') {
		const char *f = ++p;

		while (p < end && *p >= '0' && *p <= '9')
			p++;
		if (p == f || p - f > 9)
			return false;
	}
	if (p == end)
		return true;
	if (*p == 'Z')
		return p + 1 == end;
	if (*p != '+' && *p != '-')
		return false;
	p++;
	if ((oh = take_digits(&p, end, 2)) < 0 || oh > 15)
		return false;
	if (p == end)
		return true;
	if (*p == ':')
		p++;
	if ((om = take_digits(&p, end, 2)) < 0 || om > 59)
		return false;
	return p == end;
}

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
	struct sbuf  copy;          /* COPY data not yet sent */
	struct sbuf  sql;
	struct sbuf  msg;           /* an error message being built */
	long long    counts[NKINDS];
	bool         unsorted[NKINDS]; /* ids did not come in ascending order */
	char         last[NKINDS][40]; /* the last id of each kind, if counts > 0 */
	long long    lines;
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

	sb_reset(&im->msg);
	sb_putc(&im->msg, '"');
	for (i = 0; i < n && i < 60; i++)
		sb_putc(&im->msg, (unsigned char)s[i] < 0x20 || s[i] == '"' ? '?' : s[i]);
	if (n > 60)
		sb_puts(&im->msg, "...");
	sb_putc(&im->msg, '"');
	return im->msg.oom ? "(value)" : im->msg.p;
}

/*
 * Runs sql with no parameters (or one, p1, if not NULL). Returns the result
 * when its status is want, else prints the error, frees it and returns NULL.
 */
static PGresult *
run(struct imp *im, const char *sql, const char *p1, ExecStatusType want)
{
	PGresult *res;

	if (p1 != NULL)
		res = PQexecParams(im->conn, sql, 1, NULL, &p1, NULL, NULL, 0);
	else
		res = PQexec(im->conn, sql);
	if (res == NULL || PQresultStatus(res) != want) {
		fail_db(im, res);
		PQclear(res);
		return NULL;
	}
	return res;
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
static const struct field *
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
	sb_reset(&im->copy);
	return 0;
}

/* Appends the 36 characters of UUID s, lower-cased, to sb. */
static void
sb_uuid(struct sbuf *sb, const char *s)
{
	char tmp[36];
	size_t i;

	for (i = 0; i < 36; i++)
		tmp[i] = (char)tolower((unsigned char)s[i]);
	sb_add(sb, tmp, 36);
}

/*
 * Validates value v of field f (present, not null) and appends its COPY text
 * to im->copy. Returns 0, or -1 after printing "PATH:LINE: field F: ...".
 */
static int
stage_value(struct imp *im, long long line, const struct field *f, struct json_object *v)
{
	struct sbuf *out = &im->copy;
	const char *s, *why;
	size_t n, i, len;
	int64_t iv;
	char tmp[32];
	int rc = -1;

	switch (f->type) {
	case FT_STR:
		if (!json_object_is_type(v, json_type_string))
			goto wrong_type;
		s = json_object_get_string(v);
		n = (size_t)json_object_get_string_len(v);
		if (strlen(s) != n) {
			fail(im, line, "field %s: contains a NUL character", f->name);
			goto out;
		}
		sb_copy_escape(out, s, n);
		break;
	case FT_INT:
		if (!json_object_is_type(v, json_type_int))
			goto wrong_type;
		iv = json_object_get_int64(v);
		if (iv < f->lo || iv > f->hi ||
		    (iv == INT64_MAX && json_object_get_uint64(v) != (uint64_t)INT64_MAX)) {
			fail(im, line, "field %s: %s is out of range %" PRId64 "..%" PRId64, f->name,
			     json_object_to_json_string_ext(v, JSON_C_TO_STRING_PLAIN), f->lo, f->hi);
			goto out;
		}
		len = (size_t)snprintf(tmp, sizeof(tmp), "%" PRId64, iv);
		sb_add(out, tmp, len);
		break;
	case FT_NUM:
		if (!json_object_is_type(v, json_type_int) && !json_object_is_type(v, json_type_double))
			goto wrong_type;
		if (!isfinite(json_object_get_double(v))) {
			fail(im, line, "field %s: not a finite number", f->name);
			goto out;
		}
		sb_puts(out, json_object_to_json_string_ext(v, JSON_C_TO_STRING_PLAIN));
		break;
	case FT_BOOL:
		if (!json_object_is_type(v, json_type_boolean))
			goto wrong_type;
		sb_putc(out, json_object_get_boolean(v) ? 't' : 'f');
		break;
	case FT_UUID:
		if (!json_object_is_type(v, json_type_string))
			goto wrong_type;
		s = json_object_get_string(v);
		n = (size_t)json_object_get_string_len(v);
		if (!valid_uuid(s, n)) {
			fail(im, line, "field %s: not a UUID: %s", f->name, show(im, s, n));
			goto out;
		}
		sb_uuid(out, s);
		break;
	case FT_TIME:
		if (!json_object_is_type(v, json_type_string))
			goto wrong_type;
		s = json_object_get_string(v);
		n = (size_t)json_object_get_string_len(v);
		if (!valid_time(s, n)) {
			fail(im, line, "field %s: not a time (YYYY-MM-DD HH:MM:SS or ISO 8601): %s",
			     f->name, show(im, s, n));
			goto out;
		}
		sb_add(out, s, n);
		break;
	case FT_UUID_ARRAY:
		/* An array literal: {uuid,uuid} */
		if (!json_object_is_type(v, json_type_array))
			goto wrong_type;
		len = json_object_array_length(v);
		sb_putc(out, '{');
		for (i = 0; i < len; i++) {
			struct json_object *e = json_object_array_get_idx(v, i);

			if (e == NULL || !json_object_is_type(e, json_type_string)) {
				fail(im, line, "field %s[%zu]: expected a UUID string, got %s",
				     f->name, i, e ? json_type_word(e) : "null");
				goto out;
			}
			s = json_object_get_string(e);
			n = (size_t)json_object_get_string_len(e);
			if (!valid_uuid(s, n)) {
				fail(im, line, "field %s[%zu]: not a UUID: %s", f->name, i, show(im, s, n));
				goto out;
			}
			if (i > 0)
				sb_putc(out, ',');
			sb_uuid(out, s);
		}
		sb_putc(out, '}');
		break;
	case FT_JSON_ARRAY:
		if (!json_object_is_type(v, json_type_array))
			goto wrong_type;
		if ((why = json_storable(v)) != NULL) {
			fail(im, line, "field %s: %s", f->name, why);
			goto out;
		}
		s = json_object_to_json_string_ext(v,
		    JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE);
		sb_copy_escape(out, s, strlen(s));
		break;
	case FT__MAX:
		break;
	}
	rc = 0;
	goto out;
wrong_type:
	fail(im, line, "field %s: expected %s, got %s", f->name, ftype_want[f->type],
	     json_type_word(v));
out:
	return rc;
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
		if (kinds[ki].fields[0].type == FT_INT)
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
	const char *s;
	size_t i, keypos = 0;
	int rc = -1;
	char num[32];

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
	sb_puts(&im->copy, k->name);
	sb_add(&im->copy, num, (size_t)snprintf(num, sizeof(num), "\t%lld", line));
	for (i = 0; i < NSLOTS + 1; i++) {
		const struct field *f = i < k->nfields ? &k->fields[i] : NULL;

		if (i == 1)
			note_order(im, (size_t)(k - kinds), im->copy.p + keypos, im->copy.len - keypos);
		else if (i == 0)
			keypos = im->copy.len + 1;

		sb_putc(&im->copy, '\t');
		if (f == NULL || !json_object_object_get_ex(obj, f->name, &v) || v == NULL) {
			if (f != NULL && (f->flags & F_REQ)) {
				fail(im, line, "field %s: %s", f->name,
				     json_object_object_get_ex(obj, f->name, NULL) ?
				     "must not be null" : "missing");
				goto out;
			}
			sb_add(&im->copy, "\\N", 2);
			continue;
		}
		if (stage_value(im, line, f, v) == -1)
			goto out;
	}
	sb_putc(&im->copy, '\n');
	if (im->copy.oom) {
		fail(im, 0, "out of memory");
		goto out;
	}
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
		 * file without saying which line. (p ends with a NUL at got.)
		 */
		if (!utf8_valid(p)) {
			fail(im, lineno, "not JSON: invalid utf-8 string");
			goto out;
		}
		json_tokener_reset(tok);
		obj = json_tokener_parse_ex(tok, p, (int)n);
		jerr = json_tokener_get_error(tok);
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
sql_slot(struct sbuf *sql, const char *alias, const struct kind *k, const struct field *f)
{
	size_t i = (size_t)(f - k->fields);

	if (i == 0)
		sb_printf(sql, "%s.id", alias);
	else
		sb_printf(sql, "%s.v%zu", alias, i);
}

/* Appends to sql the expression giving the column of field f of kind k from stage row s. */
static void
sql_value(struct imp *im, const struct kind *k, const struct field *f)
{
	struct sbuf *sql = &im->sql;
	const struct field *score;

	if (f->dflt || (f->flags & F_LEVEL))
		sb_puts(sql, "COALESCE(");
	if (f->flags & F_ZERO)
		sb_puts(sql, "NULLIF(");
	sql_slot(sql, "s", k, f);
	sb_printf(sql, "::%s", ftype_sql[f->type]);
	if (f->flags & F_ZERO)
		sb_puts(sql, ", 0)");
	if ((f->flags & F_LEVEL) && (score = field_by_name(k, "score")) != NULL) {
		sb_printf(sql, ", (SELECT l.id FROM levels l WHERE l.user_id = '%s' AND ", im->tenant);
		sql_slot(sql, "s", k, score);
		sb_puts(sql, "::int8 BETWEEN l.score_min AND l.score_max"
		        " ORDER BY l.score_min DESC, l.id LIMIT 1))");
	} else if (f->flags & F_LEVEL)
		sb_puts(sql, ", NULL)");
	else if (f->dflt)
		sb_printf(sql, ", %s)", f->dflt);
}

/* Returns 0 if no staged id of kind k belongs to another tenant, else -1 after printing which. */
static int
check_owner(struct imp *im, const struct kind *k)
{
	const struct field *key = &k->fields[0];
	PGresult *res = NULL;
	int rc = -1;

	sb_reset(&im->sql);
	sb_printf(&im->sql, "SELECT s.line, s.id FROM import_stage s JOIN %s t ON t.\"%s\" ="
	          " s.id::%s WHERE s.kind = '%s' AND t.user_id <> '%s' ORDER BY s.line LIMIT 1",
	          k->table, key->name, ftype_sql[key->type], k->name, im->tenant);
	if (im->sql.oom) {
		fail(im, 0, "out of memory");
		goto out;
	}
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
 * tenant, unless shared) in the database or in the file, else -1 after
 * printing the first line that does not.
 */
static int
check_ref(struct imp *im, const struct ref *r)
{
	const struct kind *src = kind_by_name(r->kind, strlen(r->kind));
	const struct kind *dst = kind_by_name(r->target, strlen(r->target));
	const struct field *f = src ? field_by_name(src, r->field) : NULL;
	struct sbuf *sql = &im->sql;
	PGresult *res = NULL;
	int rc = -1;

	if (src == NULL || dst == NULL || f == NULL) {
		fail(im, 0, "internal error: bad reference %s.%s", r->kind, r->field);
		goto out;
	}
	sb_reset(sql);
	sb_puts(sql, "SELECT s.line, e.v FROM import_stage s CROSS JOIN LATERAL ");
	sb_puts(sql, (r->flags & REF_ARRAY) ? "unnest(" : "(SELECT ");
	sql_slot(sql, "s", src, f);
	sb_printf(sql, "%s) AS e(v) WHERE s.kind = '%s' AND e.v IS NOT NULL",
	          (r->flags & REF_ARRAY) ? "::text[]" : "", r->kind);
	if (f->flags & F_ZERO)
		sb_puts(sql, " AND e.v <> '0'");
	sb_printf(sql, " AND NOT EXISTS (SELECT 1 FROM %s t WHERE t.\"%s\" = e.v::%s",
	          r->table, r->column, ftype_sql[dst->fields[0].type]);
	if (dst->tenant)
		sb_printf(sql, " AND t.user_id = '%s'", im->tenant);
	sb_printf(sql, ") AND NOT EXISTS (SELECT 1 FROM import_stage s2"
	          " WHERE s2.kind = '%s' AND s2.id = e.v) ORDER BY s.line LIMIT 1", dst->name);
	if (sql->oom) {
		fail(im, 0, "out of memory");
		goto out;
	}
	if ((res = run(im, sql->p, NULL, PGRES_TUPLES_OK)) == NULL)
		goto out;
	if (PQntuples(res) > 0) {
		fail(im, strtoll(PQgetvalue(res, 0, 0), NULL, 10), "field %s: unknown %s %s",
		     r->field, r->target, PQgetvalue(res, 0, 1));
		goto out;
	}
	rc = 0;
out:
	PQclear(res);
	return rc;
}

/* Appends "pfx1col, pfx2col, ..." for the column fields of k to sql. */
static void
sql_columns(struct sbuf *sql, const struct kind *k, const char *pfx)
{
	size_t i;
	bool first = true;

	for (i = 1; i < k->nfields; i++) {
		if (k->fields[i].flags & F_LINK)
			continue;
		sb_printf(sql, "%s%s\"%s\"", first ? "" : ", ", pfx, k->fields[i].name);
		first = false;
	}
}

/* Appends "WITH n AS (SELECT key, col, ... FROM the staged rows of k)" to im->sql. */
static void
sql_staged_rows(struct imp *im, const struct kind *k)
{
	struct sbuf *sql = &im->sql;
	size_t i;

	sb_printf(sql, "WITH n AS (SELECT s.id::%s AS \"%s\"",
	          ftype_sql[k->fields[0].type], k->fields[0].name);
	for (i = 1; i < k->nfields; i++) {
		if (k->fields[i].flags & F_LINK)
			continue;
		sb_puts(sql, ", ");
		sql_value(im, k, &k->fields[i]);
		sb_printf(sql, " AS \"%s\"", k->fields[i].name);
	}
	sb_printf(sql, " FROM import_stage s WHERE s.kind = '%s') ", k->name);
}

/*
 * Moves the staged rows of kind k into its table: rows of the tenant that
 * differ are updated (unchanged rows are not written), new rows inserted;
 * shared rows that exist are left as they are.
 * Returns 0 or -1 after printing the error.
 */
static int
insert_kind(struct imp *im, const struct kind *k)
{
	struct sbuf *sql = &im->sql;
	const char *key = k->fields[0].name;

	if (k->tenant) {
		sb_reset(sql);
		sql_staged_rows(im, k);
		sb_printf(sql, "UPDATE %s t SET (", k->table);
		sql_columns(sql, k, "");
		sb_puts(sql, ") = ROW(");
		sql_columns(sql, k, "n.");
		sb_printf(sql, ") FROM n WHERE t.\"%s\" = n.\"%s\" AND (", key, key);
		sql_columns(sql, k, "t.");
		sb_puts(sql, ") IS DISTINCT FROM (");
		sql_columns(sql, k, "n.");
		sb_puts(sql, ")");
		if (sql->oom)
			return fail(im, 0, "out of memory");
		if (run_cmd(im, sql->p, NULL) == -1)
			return -1;
	}
	sb_reset(sql);
	sql_staged_rows(im, k);
	sb_printf(sql, "INSERT INTO %s (\"%s\", %s", k->table, key, k->tenant ? "user_id, " : "");
	sql_columns(sql, k, "");
	sb_printf(sql, ") SELECT n.\"%s\", %s%s%s", key, k->tenant ? "'" : "",
	          k->tenant ? im->tenant : "", k->tenant ? "'::uuid, " : "");
	sql_columns(sql, k, "n.");
	sb_printf(sql, " FROM n WHERE NOT EXISTS (SELECT 1 FROM %s t WHERE t.\"%s\" = n.\"%s\")",
	          k->table, key, key);
	if (sql->oom)
		return fail(im, 0, "out of memory");
	return run_cmd(im, sql->p, NULL);
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
	const struct field *f = k ? field_by_name(k, l->field) : NULL;
	const struct field *cr = k ? field_by_name(k, "created_at") : NULL;
	const struct field *up = k ? field_by_name(k, "updated_at") : NULL;
	struct sbuf *sql = &im->sql;
	struct sbuf ts = { 0 };
	int rc = -1;

	if (f == NULL || cr == NULL || up == NULL) {
		fail(im, 0, "internal error: bad link %s.%s", l->kind, l->field);
		goto out;
	}
	sb_puts(&ts, "COALESCE(");
	sql_slot(&ts, "s", k, up);
	sb_puts(&ts, "::timestamptz, ");
	sql_slot(&ts, "s", k, cr);
	sb_puts(&ts, "::timestamptz)");

	sb_reset(sql);
	sb_printf(sql, "DELETE FROM %s l USING import_stage s WHERE s.kind = '%s'"
	          " AND l.%s = s.id::uuid AND NOT COALESCE(l.%s = ANY (", l->table, l->kind,
	          l->owner_col, l->target_col);
	sql_slot(sql, "s", k, f);
	sb_puts(sql, "::uuid[]), false)");
	if (sql->oom || ts.oom) {
		fail(im, 0, "out of memory");
		goto out;
	}
	if (run_cmd(im, sql->p, NULL) == -1)
		goto out;

	sb_reset(sql);
	sb_printf(sql, "INSERT INTO %s AS l (%s, %s, user_id%s) SELECT DISTINCT s.id::uuid,"
	          " e.v, '%s'::uuid", l->table, l->owner_col, l->target_col,
	          l->times ? ", created_at, updated_at" : "", im->tenant);
	if (l->times)
		sb_printf(sql, ", %s, %s", ts.p, ts.p);
	sb_puts(sql, " FROM import_stage s CROSS JOIN LATERAL unnest(");
	sql_slot(sql, "s", k, f);
	sb_printf(sql, "::uuid[]) AS e(v) WHERE s.kind = '%s' ON CONFLICT (%s, %s) DO ",
	          l->kind, l->owner_col, l->target_col);
	if (l->times)
		sb_puts(sql, "UPDATE SET created_at = EXCLUDED.created_at,"
		        " updated_at = EXCLUDED.updated_at WHERE (l.created_at, l.updated_at)"
		        " IS DISTINCT FROM (EXCLUDED.created_at, EXCLUDED.updated_at)");
	else
		sb_puts(sql, "NOTHING");
	if (sql->oom) {
		fail(im, 0, "out of memory");
		goto out;
	}
	if (run_cmd(im, sql->p, NULL) == -1)
		goto out;
	rc = 0;
out:
	sb_free(&ts);
	return rc;
}

/* Creates the tenant if missing and stores its id in im->tenant; returns 0 or -1. */
static int
ensure_tenant(struct imp *im, const char *name)
{
	PGresult *res = NULL;
	const char *id;
	int rc = -1;

	if (run_cmd(im, "INSERT INTO tenants (id, name) VALUES (gen_random_uuid(), $1)"
	            " ON CONFLICT (name) DO NOTHING", name) == -1)
		goto out;
	if ((res = run(im, "SELECT id FROM tenants WHERE name = $1", name, PGRES_TUPLES_OK)) == NULL)
		goto out;
	id = PQntuples(res) == 1 ? PQgetvalue(res, 0, 0) : "";
	if (!valid_uuid(id, strlen(id))) {
		fail(im, 0, "database: no tenant id for %s", name);
		goto out;
	}
	memcpy(im->tenant, id, 37);
	rc = 0;
out:
	PQclear(res);
	return rc;
}

/* Checks and moves the staged rows; returns 0 or -1 after printing the error. */
static int
apply_stage(struct imp *im)
{
	size_t i;

	/*
	 * A later line with the same kind and id replaces an earlier one. Only
	 * a kind whose ids did not come in ascending order can hold repeats.
	 */
	for (i = 0; i < NKINDS; i++) {
		if (!im->unsorted[i])
			continue;
		sb_reset(&im->sql);
		sb_printf(&im->sql, "DELETE FROM import_stage s USING (SELECT ctid AS c FROM"
		          " (SELECT ctid, row_number() OVER (PARTITION BY id COLLATE \"C\""
		          " ORDER BY line DESC) AS n FROM import_stage WHERE kind = '%s') w"
		          " WHERE w.n > 1) d WHERE s.ctid = d.c", kinds[i].name);
		if (im->sql.oom)
			return fail(im, 0, "out of memory");
		if (run_cmd(im, im->sql.p, NULL) == -1)
			return -1;
	}
	/* The checks of the small kinds read the stage through this index. */
	if (run_cmd(im, "CREATE INDEX ON import_stage (kind)", NULL) == -1 ||
	    run_cmd(im, "ANALYZE import_stage", NULL) == -1)
		return -1;
	for (i = 0; i < NKINDS; i++)
		if (kinds[i].tenant && im->counts[i] > 0 && check_owner(im, &kinds[i]) == -1)
			return -1;
	for (i = 0; i < sizeof(refs) / sizeof(refs[0]); i++) {
		const struct kind *k = kind_by_name(refs[i].kind, strlen(refs[i].kind));

		if (k != NULL && im->counts[k - kinds] == 0)
			continue;
		if (check_ref(im, &refs[i]) == -1)
			return -1;
	}
	for (i = 0; i < NKINDS; i++) {
		size_t j;

		if (im->counts[i] == 0)
			continue;
		if (insert_kind(im, &kinds[i]) == -1)
			return -1;
		for (j = 0; j < sizeof(links) / sizeof(links[0]); j++)
			if (strcmp(links[j].kind, kinds[i].name) == 0 &&
			    replace_links(im, &links[j]) == -1)
				return -1;
	}
	return 0;
}

/* Prints "PATH: N lines imported (kind=count, ...)" to progress. */
static void
print_progress(struct imp *im, FILE *progress)
{
	size_t i;
	bool first = true;

	if (progress == NULL)
		return;
	fprintf(progress, "%s: %lld lines imported", im->path, im->lines);
	for (i = 0; i < NKINDS; i++) {
		if (im->counts[i] == 0)
			continue;
		fprintf(progress, "%s%s=%lld", first ? " (" : ", ", kinds[i].name, im->counts[i]);
		first = false;
	}
	fputs(first ? "\n" : ")\n", progress);
	fflush(progress);
}

/* Imports one file in one transaction; returns 0, or -1 after printing the error and rolling back. */
/*
 * Computes the overview of each of the tenant's tasks ahead for the page
 * (cgi/overview.c, table task_overview): every part's rows, kept with the
 * tenant's new data version. It takes what the page took to compute them
 * (seconds for a million-number task), once an import instead of once a view.
 */
static int
store_overview(struct imp *im)
{
	PGresult *version = NULL, *tasks = NULL, *r;
	struct buf js = {0};
	const char *p[5];
	size_t k;
	int i, rc = -1;

	if (run_cmd(im, "DELETE FROM task_overview WHERE user_id = $1::uuid",
	    im->tenant) == -1 ||
	    (version = run(im, "SELECT data_version::text FROM tenants "
	    "WHERE id = $1::uuid", im->tenant, PGRES_TUPLES_OK)) == NULL ||
	    (tasks = run(im, "SELECT uuid::text FROM tasks WHERE user_id = $1::uuid",
	    im->tenant, PGRES_TUPLES_OK)) == NULL)
		goto out;
	p[0] = im->tenant;
	p[3] = PQgetvalue(version, 0, 0);
	for (i = 0; i < PQntuples(tasks); i++)
		for (k = 0; k < overview_nparts; k++) {
			p[1] = PQgetvalue(tasks, i, 0);
			r = PQexecParams(im->conn, overview_parts[k].sql, 2, NULL, p,
			    NULL, NULL, 0);
			if (PQresultStatus(r) != PGRES_TUPLES_OK) {
				fail_db(im, r);
				PQclear(r);
				goto out;
			}
			buf_reset(&js);
			overview_result_json(&js, r);
			PQclear(r);
			p[2] = overview_parts[k].section;
			p[4] = js.p;
			r = PQexecParams(im->conn, "INSERT INTO task_overview (user_id, "
			    "task_id, part, version, result) VALUES ($1::uuid, $2::uuid, "
			    "$3, $4::bigint, $5::jsonb)", 5, NULL, p, NULL, NULL, 0);
			if (PQresultStatus(r) != PGRES_COMMAND_OK) {
				fail_db(im, r);
				PQclear(r);
				goto out;
			}
			PQclear(r);
		}
	rc = 0;
out:
	PQclear(version);
	PQclear(tasks);
	buf_free(&js);
	return rc;
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
	memset(im->unsorted, 0, sizeof(im->unsorted));
	im->lines = 0;
	sb_reset(&im->copy);
	if ((fp = fopen(im->path, "r")) == NULL) {
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
	    run_cmd(im, "SET LOCAL work_mem = '64MB'", NULL) == -1)
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
	sb_reset(&im->sql);
	sb_puts(&im->sql, "CREATE TEMP TABLE import_stage (kind text NOT NULL, line bigint NOT NULL,"
	        " id text NOT NULL");
	for (i = 1; i <= NSLOTS; i++)
		sb_printf(&im->sql, ", v%d text", i);
	sb_puts(&im->sql, ") ON COMMIT DROP");
	if (im->sql.oom) {
		fail(im, 0, "out of memory");
		goto out;
	}
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
	if (copy_end(im, NULL) == -1 || apply_stage(im) == -1)
		goto out;
	/* Cached responses of this tenant are stale now (their ETags carry the version). */
	{
		char bump[160];

		snprintf(bump, sizeof(bump), "UPDATE tenants SET data_version = "
		    "data_version + 1, updated_at = now() WHERE id = '%s'", im->tenant);
		if (run_cmd(im, bump, NULL) == -1)
			goto out;
		/* The per-task number counts of the tenant, recomputed (see schema.sql). */
		if (run_cmd(im, "DELETE FROM task_number_counts WHERE user_id = $1::uuid",
		    im->tenant) == -1 ||
		    run_cmd(im, "INSERT INTO task_number_counts (task_id, user_id, status, "
		    "operator, n) SELECT task_id, user_id, status, coalesce(operator, 0), "
		    "count(*) FROM numbers WHERE user_id = $1::uuid GROUP BY 1, 2, 3, 4",
		    im->tenant) == -1 ||
		    run_cmd(im, "DELETE FROM task_record_counts WHERE user_id = $1::uuid",
		    im->tenant) == -1 ||
		    run_cmd(im, "INSERT INTO task_record_counts (task_id, user_id, n) "
		    "SELECT task_id, user_id, count(*) FROM records WHERE user_id = $1::uuid "
		    "GROUP BY 1, 2", im->tenant) == -1 ||
		    store_overview(im) == -1)
			goto out;
	}
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
	if (fp != NULL)
		fclose(fp);
	return rc;
}

int
import_files(PGconn *conn, const char *tenant, int nfiles, char *const files[],
             const char *timezone, FILE *err, FILE *progress)
{
	struct imp im;
	json_tokener *tok = NULL;
	int i, rc = 1;

	memset(&im, 0, sizeof(im));
	im.conn = conn;
	im.err = err;
	im.path = "import";
	if (tenant == NULL || *tenant == '\0') {
		fail(&im, 0, "empty tenant name");
		goto out;
	}
	if ((tok = json_tokener_new()) == NULL) {
		fail(&im, 0, "out of memory");
		goto out;
	}
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT | JSON_TOKENER_VALIDATE_UTF8);
	for (i = 0; i < nfiles; i++) {
		im.path = files[i];
		if (import_file(&im, tenant, timezone, tok, progress) == -1)
			goto out;
	}
	rc = 0;
out:
	if (tok != NULL)
		json_tokener_free(tok);
	sb_free(&im.copy);
	sb_free(&im.sql);
	sb_free(&im.msg);
	return rc;
}
