/* sync.c: bin/callreport sync, a tenant's data pulled from the platform's v1 API (issue 18). */
/*
 * The platform (the hosted one, or another callreport) is read through its v1
 * endpoints (cli/upstream.c: one kept-alive connection, a rate, retries) and
 * written through the import (cli/import.c, import_stream): what a request
 * brings is turned into the import's JSON Lines, a window at a time, and a
 * window is one import, so one transaction under the import's rules, written
 * whole or not at all. The window's checkpoint (sync_state, sql/schema.sql)
 * is written in the same transaction, so a killed sync resumes after the last
 * window written.
 *
 *   1. levels (record_level) and tags (usable_tags): one window;
 *   2. each task: its call records, newest first, one page a window, with the
 *      transcript (record_info) of each record not yet here; the records are
 *      read in passes from the last pass's newest call (less LOOKBACK, for
 *      calls written late) to the newest call when the pass began; a pass
 *      stops at a page of records all here already;
 *   3. then its numbers with their call attempts (task/number, call_history=1),
 *      NUMBERS_WINDOW numbers a window; the v1 API has no filter by time, so
 *      every pass reads them all, and a window that changes nothing writes
 *      nothing (import_stream's keep_unchanged).
 *
 * Bad input in a window (a wrong type, an unknown code, a record of another
 * task, an id held with another task, number or time, another tenant's id)
 * stops the task with the URL, the page and the field; nothing of the window
 * is written, and the next task goes on. Nothing is ever deleted.
 */
#include <ctype.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <json-c/json.h>
#include <libpq-fe.h>

#include "base/buf.h"
#include "base/clock.h"
#include "cli/import.h"
#include "cli/sync.h"
#include "cli/tenant.h"
#include "cli/upstream.h"

#define PER_PAGE       100   /* asked for; used only as the answers show it honoured */
#define LOOKBACK       3600  /* seconds a pass reads before the last pass's newest call */
#define NUMBERS_WINDOW 500   /* numbers a window (whole pages) */
#define MAX_TASKS      1000

static const char *const state_sql =
    "INSERT INTO sync_state (user_id, task_id, source, high_water, pass_start, pass_end,"
    " next_page, numbers_page) VALUES ($1::uuid, $2::uuid, $3, $4, $5, $6, $7::int, $8::int)"
    " ON CONFLICT (user_id, task_id, source) DO UPDATE SET high_water = EXCLUDED.high_water,"
    " pass_start = EXCLUDED.pass_start, pass_end = EXCLUDED.pass_end,"
    " next_page = EXCLUDED.next_page, numbers_page = EXCLUDED.numbers_page, updated_at = now()";

/* Where a task stands (a row of sync_state). */
struct state {
	char high[20], start[20], end[20]; /* "" for NULL */
	int  next_page, numbers_page;
};

/* A window being written: JSON Lines in memory, and where each line came from. */
struct win {
	FILE   *fp;
	char   *mem;
	size_t  size;
	long    lines;
	char  **srcs;   /* srcs[i]: the request line i+1 came from */
	struct json_object *seen; /* "kind id" of the lines written (one line a row) */
};

struct sync {
	const struct config *cfg;
	PGconn *conn;
	struct upstream up;
	const char *tenant, *from, *since;
	char tenant_id[37];
	bool have_tenant, dry_run, quiet, tty, denied, per_page_ok;
	double started;
	struct json_object *regions; /* "province|city" -> [province id, city id] */
	/* totals */
	long tasks, skipped, windows, records, transcripts, numbers;
	/* the task in hand, for progress */
	const char *task_name;
	long t_windows, t_records, t_transcripts, t_numbers;
	const char *phase;
	int page, last_page;
};

static void
usage(void)
{
	fputs("usage: callreport sync --user TENANT [--from URL] [--token TOKEN] [--task ID]...\n"
	    "           [--since 'YYYY-MM-DD HH:MM:SS'] [--rate N] [--timeout S] [--retries N]\n"
	    "           [--dry-run] [--quiet] [--insecure]\n"
	    "  Every option but --user may come from the configuration: sync.TENANT.from,\n"
	    "  sync.TENANT.token, sync.TENANT.tasks (ids, comma-separated), sync.TENANT.since,\n"
	    "  sync.TENANT.rate, sync.TENANT.timeout, sync.TENANT.retries, sync.TENANT.insecure.\n",
	    stderr);
}

/* ---------------------------------------------------------------------- */
/* Messages and progress                                                  */

static void
say(struct sync *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* An error line: always shown, on stderr (after clearing a progress line). */
static void
say(struct sync *s, const char *fmt, ...)
{
	va_list ap;

	if (s->tty && !s->quiet)
		fputs("\r\033[K", stderr);
	fputs("callreport: sync: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

/*
 * The task's line: on a terminal one line rewritten in place (done: ended with a
 * newline), else one line a window on stdout; nothing with --quiet. The
 * estimate: the pages left in the phase, at the requests a page has taken
 * (a page of call records and its transcripts; a page of numbers), at the rate
 * seen so far.
 */
static void
progress(struct sync *s, bool done)
{
	FILE *out = s->tty ? stderr : stdout;
	double el = clock_monotonic() - s->started, rate = el > 0 ? (double)s->up.requests / el : 0;
	long left = s->last_page > s->page ? s->last_page - s->page : 0;
	double per = 1.0;

	if (s->quiet)
		return;
	if (strcmp(s->phase, "call records") == 0 && s->t_windows > 0)
		per += (double)s->t_transcripts / (double)s->t_windows;
	fprintf(out, "%s%s: %s page %d/%d: %ld windows, %ld records, %ld transcripts,"
	    " %ld numbers; %ld requests, %.1f/s", s->tty ? "\r\033[K" : "", s->task_name,
	    s->phase, s->page, s->last_page, s->t_windows, s->t_records, s->t_transcripts,
	    s->t_numbers, s->up.requests, rate);
	if (left > 0 && rate > 0)
		fprintf(out, ", about %.0f s left in this phase", (double)left * per / rate);
	if (!s->tty || done)
		fputc('\n', out);
	fflush(out);
}

/* ---------------------------------------------------------------------- */
/* JSON helpers                                                           */

static struct json_object *
get(struct json_object *o, const char *key)
{
	struct json_object *v = NULL;

	if (o != NULL && json_object_is_type(o, json_type_object))
		json_object_object_get_ex(o, key, &v);
	return v;
}

static const char *
str(struct json_object *o, const char *key)
{
	struct json_object *v = get(o, key);

	return v != NULL && json_object_is_type(v, json_type_string) ? json_object_get_string(v) : NULL;
}

static bool
is_uuid(const char *p)
{
	int i;

	if (p == NULL || strlen(p) != 36)
		return false;
	for (i = 0; i < 36; i++)
		if ((i == 8 || i == 13 || i == 18 || i == 23) ? p[i] != '-' : !isxdigit((unsigned char)p[i]))
			return false;
	return true;
}

static bool
is_time(const char *p)
{
	struct tm tm;
	const char *e;

	if (p == NULL || strlen(p) != 19)
		return false;
	memset(&tm, 0, sizeof(tm));
	e = strptime(p, "%Y-%m-%d %H:%M:%S", &tm);
	return e != NULL && *e == '\0';
}

/* t less sec seconds, both "YYYY-MM-DD HH:MM:SS" (a local time: the platform's zone). */
static void
time_minus(const char *t, long sec, char out[20])
{
	struct tm tm;
	time_t v;

	memset(&tm, 0, sizeof(tm));
	strptime(t, "%Y-%m-%d %H:%M:%S", &tm);
	v = timegm(&tm) - sec;
	gmtime_r(&v, &tm);
	strftime(out, 20, "%Y-%m-%d %H:%M:%S", &tm);
}

/* ---------------------------------------------------------------------- */
/* Windows                                                                */

static void
win_open(struct win *w)
{
	memset(w, 0, sizeof(*w));
	w->fp = open_memstream(&w->mem, &w->size);
	if (w->fp == NULL) {
		perror("callreport: sync: open_memstream");
		exit(1);
	}
	w->seen = json_object_new_object();
}

static void
win_close(struct win *w)
{
	long i;

	if (w->fp != NULL)
		fclose(w->fp);
	free(w->mem);
	for (i = 0; i < w->lines; i++)
		free(w->srcs[i]);
	free(w->srcs);
	json_object_put(w->seen);
	memset(w, 0, sizeof(*w));
}

/*
 * Writes o as a line of kind (o gets the member "kind"), from the request
 * src; a row already written in this window (kind and key) is left out.
 */
static void
win_line(struct win *w, const char *kind, const char *keyname, struct json_object *o,
    const char *src)
{
	struct json_object *key = get(o, keyname);
	struct buf k = {0};

	if (key != NULL) {
		buf_printf(&k, "%s %s", kind, json_object_get_string(key));
		if (get(w->seen, k.p) != NULL) {
			buf_free(&k);
			return;
		}
		json_object_object_add(w->seen, k.p, json_object_new_boolean(1));
	}
	buf_free(&k);
	json_object_object_add(o, "kind", json_object_new_string(kind));
	fputs(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN |
	    JSON_C_TO_STRING_NOSLASHESCAPE), w->fp);
	fputc('\n', w->fp);
	w->srcs = xrealloc(w->srcs, (size_t)(w->lines + 1) * sizeof(*w->srcs));
	w->srcs[w->lines++] = xstrdup(src);
}

/* A copy of o's members named in keys (NULL-terminated), for a line. */
static struct json_object *
pick(struct json_object *o, const char *const *keys)
{
	struct json_object *r = json_object_new_object(), *v;

	for (; *keys != NULL; keys++)
		if ((v = get(o, *keys)) != NULL)
			json_object_object_add(r, *keys, json_object_get(v));
	return r;
}

static const char *const scene_keys[] = { "id", "name", "created_at", "updated_at", NULL };
static const char *const group_keys[] = { "id", "name", "tag_scene_id", "created_at",
	"updated_at", NULL };
static const char *const tag_keys[] = { "id", "name", "description", "color", "status",
	"created_at", "updated_at", NULL };
static const char *const region_keys[] = { "id", "pid", "city", "area_code", "post_code",
	"created_at", "updated_at", NULL };

/* A tag (of usable_tags, a record or a transcript row) with its groups and their scenes. */
static void
win_tag(struct win *w, struct json_object *tag, const char *src)
{
	struct json_object *groups = get(tag, "tag_group"), *ids, *line;
	size_t i, n;

	if (groups == NULL)
		groups = get(tag, "tag_groups");
	ids = json_object_new_array();
	n = groups != NULL && json_object_is_type(groups, json_type_array) ?
	    json_object_array_length(groups) : 0;
	for (i = 0; i < n; i++) {
		struct json_object *g = json_object_array_get_idx(groups, i), *sc = get(g, "tag_scene");

		if (sc != NULL) {
			win_line(w, "tag_scene", "id", line = pick(sc, scene_keys), src);
			json_object_put(line);
		}
		win_line(w, "tag_group", "id", line = pick(g, group_keys), src);
		json_object_put(line);
		if (get(g, "id") != NULL)
			json_object_array_add(ids, json_object_get(get(g, "id")));
	}
	line = pick(tag, tag_keys);
	json_object_object_add(line, "tag_group_ids", groups != NULL ? ids : (json_object_put(ids), NULL));
	win_line(w, "tag", "id", line, src);
	json_object_put(line);
}

/* The ids of the tags of o (o.tags[].id) as o's tag_ids; each tag as a line. */
static void
win_tags_of(struct win *w, struct json_object *o, const char *src)
{
	struct json_object *tags = get(o, "tags"), *ids = json_object_new_array();
	size_t i, n = tags != NULL && json_object_is_type(tags, json_type_array) ?
	    json_object_array_length(tags) : 0;

	for (i = 0; i < n; i++) {
		struct json_object *t = json_object_array_get_idx(tags, i);

		win_tag(w, t, src);
		if (get(t, "id") != NULL)
			json_object_array_add(ids, json_object_get(get(t, "id")));
	}
	json_object_object_add(o, "tag_ids", ids);
}

static void
win_region(struct win *w, struct json_object *r, const char *src)
{
	struct json_object *line;

	if (r == NULL || !json_object_is_type(r, json_type_object))
		return;
	line = pick(r, region_keys);
	win_line(w, "region", "id", line, src);
	json_object_put(line);
}

/*
 * Imports the window with the task's state st written in its transaction;
 * returns 0, or -1 after the message (the line's request named).
 */
static int
win_write(struct sync *s, struct win *w, const char *task, const struct state *st,
    const char *what)
{
	char np[16], nn[16];
	const char *p[7];
	struct import_stream is;
	char *emsg = NULL;
	size_t elen = 0;
	FILE *err;
	int rc;

	fflush(w->fp);
	if (s->dry_run)
		return 0;
	snprintf(np, sizeof(np), "%d", st->next_page);
	snprintf(nn, sizeof(nn), "%d", st->numbers_page);
	p[0] = task;
	p[1] = s->from;
	p[2] = st->high[0] ? st->high : NULL;
	p[3] = st->start[0] ? st->start : NULL;
	p[4] = st->end[0] ? st->end : NULL;
	p[5] = np;
	p[6] = nn;
	memset(&is, 0, sizeof(is));
	is.name = "window";
	is.commit_sql = state_sql;
	is.nparams = 7;
	is.params = p;
	is.keep_unchanged = true;
	if (w->lines == 0) {
		/* Nothing to write but where the task stands. */
		const char *q[8] = { s->tenant_id, p[0], p[1], p[2], p[3], p[4], p[5], p[6] };
		PGresult *r = PQexecParams(s->conn, state_sql, 8, NULL, q, NULL, NULL, 0);

		rc = PQresultStatus(r) == PGRES_COMMAND_OK ? 0 : -1;
		if (rc == -1)
			say(s, "%s: database: %s", what, PQerrorMessage(s->conn));
		PQclear(r);
		return rc;
	}
	is.fp = fmemopen(w->mem, w->size, "r");
	err = open_memstream(&emsg, &elen);
	rc = import_stream(s->conn, s->tenant, &is, s->cfg->timezone, err, NULL);
	fclose(err);
	fclose(is.fp);
	if (rc != 0) {
		/* "window:LINE: field F: ..." -> the request of line LINE. */
		long line = 0;
		const char *rest = emsg ? emsg : "";
		size_t n;

		if (strncmp(rest, "window:", 7) == 0) {
			rest += 7;
			line = strtol(rest, (char **)&rest, 10);
			if (*rest == ':')
				rest++;
			while (*rest == ' ')
				rest++;
		}
		n = strlen(rest);
		while (n > 0 && rest[n - 1] == '\n')
			n--;
		if (line > 0 && line <= w->lines)
			say(s, "%s: %s: %.*s; nothing of the window was written", what,
			    w->srcs[line - 1], (int)n, rest);
		else
			say(s, "%s: %s: %.*s; nothing of the window was written", what,
			    w->lines > 0 ? w->srcs[0] : "", (int)n, rest);
	}
	free(emsg);
	if (rc == 0 && !s->have_tenant) {
		PGresult *r = NULL;

		if (tenant_id(s->conn, s->tenant, false, s->tenant_id, &r) == 0)
			s->have_tenant = true;
		PQclear(r);
	}
	return rc == 0 ? 0 : -1;
}

/* ---------------------------------------------------------------------- */
/* Requests                                                               */

/* The answer of path (POST json when not NULL), parsed; NULL after a message. */
static struct json_object *
call(struct sync *s, const char *path, const char *json, const char *what)
{
	int rc;

	if (s->denied)
		return NULL;
	rc = upstream_call(&s->up, path, json);
	if (rc == UP_DENIED) {
		s->denied = true;
		say(s, "%s", s->up.err.p);
		return NULL;
	}
	if (rc != UP_OK) {
		say(s, "%s: %s", what, s->up.err.p);
		return NULL;
	}
	return json_tokener_parse(s->up.body.p);
}

/* data of a page answer: {data:[...], total, last_page} at top or under "data". */
static struct json_object *
page_rows(struct json_object *o, int *last_page)
{
	struct json_object *d = get(o, "data"), *lp;

	if (d != NULL && json_object_is_type(d, json_type_object))
		o = d, d = get(d, "data");
	lp = get(o, "last_page");
	*last_page = lp != NULL && json_object_is_type(lp, json_type_int) ? json_object_get_int(lp) : -1;
	return d != NULL && json_object_is_type(d, json_type_array) ? d : NULL;
}

/* Whether the answer shows per_page honoured: last_page is ceil(total / PER_PAGE). */
static void
note_per_page(struct sync *s, struct json_object *o)
{
	struct json_object *d = get(o, "data"), *t;
	long total, lp;

	if (d != NULL && json_object_is_type(d, json_type_object))
		o = d;
	t = get(o, "total");
	if (t == NULL || get(o, "last_page") == NULL)
		return;
	total = json_object_get_int64(t);
	lp = json_object_get_int64(get(o, "last_page"));
	if (total > 15 && lp != (total + PER_PAGE - 1) / PER_PAGE)
		s->per_page_ok = false;
}

/* ---------------------------------------------------------------------- */
/* Levels and tags                                                        */

static int
sync_levels_tags(struct sync *s)
{
	struct json_object *lv = NULL, *tg = NULL, *rows;
	struct win w;
	struct buf src = {0}, src2 = {0};
	int rc = -1;
	size_t i, n;

	win_open(&w);
	upstream_url(&s->up, "/v1/setting/record_level", &src);
	upstream_url(&s->up, "/v1/tag/usable_tags", &src2);
	if ((lv = call(s, "/v1/setting/record_level", NULL, "levels")) == NULL ||
	    (tg = call(s, "/v1/tag/usable_tags", NULL, "tags")) == NULL)
		goto out;
	rows = get(lv, "data");
	n = rows != NULL && json_object_is_type(rows, json_type_array) ? json_object_array_length(rows) : 0;
	for (i = 0; i < n; i++)
		win_line(&w, "level", "id", json_object_array_get_idx(rows, i), src.p);
	rows = get(tg, "data");
	n = rows != NULL && json_object_is_type(rows, json_type_array) ? json_object_array_length(rows) : 0;
	for (i = 0; i < n; i++)
		win_tag(&w, json_object_array_get_idx(rows, i), src2.p);
	if (w.lines == 0) {
		rc = 0;
		goto out;
	}
	/* Not a task's window: the statement before COMMIT is the import's alone. */
	fflush(w.fp);
	if (!s->dry_run) {
		struct import_stream is = { "window", NULL, NULL, 0, NULL, true };
		char *emsg = NULL;
		size_t elen = 0;
		FILE *err = open_memstream(&emsg, &elen);
		long line = 0;

		is.fp = fmemopen(w.mem, w.size, "r");
		rc = import_stream(s->conn, s->tenant, &is, s->cfg->timezone, err, NULL);
		fclose(err);
		fclose(is.fp);
		if (rc != 0) {
			if (emsg != NULL && strncmp(emsg, "window:", 7) == 0)
				line = strtol(emsg + 7, NULL, 10);
			say(s, "levels and tags: %s: %s", line > 0 && line <= w.lines ?
			    w.srcs[line - 1] : src.p, emsg ? emsg : "");
			free(emsg);
			rc = -1;
			goto out;
		}
		free(emsg);
		{
			PGresult *r = NULL;

			if (tenant_id(s->conn, s->tenant, false, s->tenant_id, &r) == 0)
				s->have_tenant = true;
			PQclear(r);
		}
	}
	rc = 0;
out:
	json_object_put(lv);
	json_object_put(tg);
	win_close(&w);
	buf_free(&src);
	buf_free(&src2);
	return rc;
}

/* ---------------------------------------------------------------------- */
/* Checkpoints                                                            */

static void
state_load(struct sync *s, const char *task, struct state *st)
{
	const char *p[3] = { s->tenant_id, task, s->from };
	PGresult *r;

	memset(st, 0, sizeof(*st));
	st->next_page = st->numbers_page = 1;
	if (!s->have_tenant)
		return;
	r = PQexecParams(s->conn, "SELECT coalesce(high_water, ''), coalesce(pass_start, ''),"
	    " coalesce(pass_end, ''), next_page, numbers_page FROM sync_state WHERE"
	    " user_id = $1::uuid AND task_id = $2::uuid AND source = $3", 3, NULL, p, NULL, NULL, 0);
	if (PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1) {
		snprintf(st->high, sizeof(st->high), "%s", PQgetvalue(r, 0, 0));
		snprintf(st->start, sizeof(st->start), "%s", PQgetvalue(r, 0, 1));
		snprintf(st->end, sizeof(st->end), "%s", PQgetvalue(r, 0, 2));
		st->next_page = atoi(PQgetvalue(r, 0, 3));
		st->numbers_page = atoi(PQgetvalue(r, 0, 4));
	}
	PQclear(r);
}

/* ---------------------------------------------------------------------- */
/* Call records                                                           */

/*
 * Which records of rows the database holds (an object id -> true); -1 after a
 * message naming the field when one is held with another task, number or time.
 */
static int
held_records(struct sync *s, struct json_object *rows, const char *task, const char *src,
    struct json_object *held)
{
	struct buf ids = {0};
	size_t i, n = json_object_array_length(rows);
	const char *p[2];
	PGresult *r;
	int j, rc = -1;

	buf_putc(&ids, '{');
	for (i = 0; i < n; i++) {
		struct json_object *o = json_object_array_get_idx(rows, i);
		const char *id = str(o, "id"), *t = str(o, "task_id");

		if (!is_uuid(id)) {
			say(s, "%s: record %zu of the page: field id: expected a UUID string", src, i + 1);
			goto out;
		}
		if (t == NULL || strcmp(t, task) != 0) {
			say(s, "%s: record %s: field task_id: %s is not the task asked for (%s);"
			    " nothing of the window was written", src, id, t ? t : "missing", task);
			goto out;
		}
		if (!is_time(str(o, "calldate"))) {
			say(s, "%s: record %s: field calldate: expected a time string "
			    "YYYY-MM-DD HH:MM:SS; nothing of the window was written", src, id);
			goto out;
		}
		buf_printf(&ids, "%s%s", i ? "," : "", id);
	}
	buf_putc(&ids, '}');
	if (!s->have_tenant) {
		rc = 0;
		goto out;
	}
	p[0] = s->tenant_id;
	p[1] = ids.p;
	r = PQexecParams(s->conn, "SELECT id::text, task_id::text, callee, callreport_ts(calldate)"
	    " FROM records WHERE user_id = $1::uuid AND id = ANY ($2::uuid[])", 2, NULL, p,
	    NULL, NULL, 0);
	if (PQresultStatus(r) != PGRES_TUPLES_OK) {
		say(s, "%s: database: %s", src, PQresultErrorMessage(r));
		PQclear(r);
		goto out;
	}
	for (j = 0; j < PQntuples(r); j++) {
		const char *id = PQgetvalue(r, j, 0), *bad = NULL, *have = NULL;

		for (i = 0; i < n; i++) {
			struct json_object *o = json_object_array_get_idx(rows, i);

			if (strcmp(str(o, "id"), id) != 0)
				continue;
			if (strcmp(PQgetvalue(r, j, 1), task) != 0)
				bad = "task_id", have = PQgetvalue(r, j, 1);
			else if (str(o, "callee") == NULL || strcmp(PQgetvalue(r, j, 2), str(o, "callee")) != 0)
				bad = "callee", have = PQgetvalue(r, j, 2);
			else if (strcmp(PQgetvalue(r, j, 3), str(o, "calldate")) != 0)
				bad = "calldate", have = PQgetvalue(r, j, 3);
			break;
		}
		if (bad != NULL) {
			say(s, "%s: record %s: field %s: the record is here already with %s %s;"
			    " nothing of the window was written", src, id, bad, bad, have);
			PQclear(r);
			goto out;
		}
		json_object_object_add(held, id, json_object_new_boolean(1));
	}
	PQclear(r);
	rc = 0;
out:
	buf_free(&ids);
	return rc;
}

/*
 * One page of call records as a window: the new records with their
 * transcripts, the task, its script group and utterances (from record_info),
 * regions, tags. *all_held: every record of the page was here already.
 */
static int
records_window(struct sync *s, const char *task, struct json_object *rows, const char *src,
    int page, struct state *st, bool *all_held)
{
	struct json_object *held = json_object_new_object();
	struct win w;
	struct buf path = {0}, isrc = {0};
	size_t i, n = json_object_array_length(rows);
	bool have_task = false;
	int rc = -1;
	char what[128];

	snprintf(what, sizeof(what), "%s: call records page %d", s->task_name, page);
	win_open(&w);
	if (held_records(s, rows, task, src, held) == -1)
		goto out;
	*all_held = true;
	for (i = 0; i < n; i++) {
		struct json_object *o = json_object_array_get_idx(rows, i), *info, *recs, *t, *g, *u;
		const char *id = str(o, "id");
		size_t k, m;

		if (get(held, id) != NULL)
			continue;
		*all_held = false;
		s->records++;
		s->t_records++;
		if (s->dry_run)
			continue;
		buf_reset(&path);
		buf_printf(&path, "/v1/task/record_info/%s/%s", task, id);
		buf_reset(&isrc);
		upstream_url(&s->up, path.p, &isrc);
		buf_printf(&isrc, " (a record of page %d)", page);
		if ((info = call(s, path.p, NULL, what)) == NULL)
			goto out;
		s->transcripts++;
		s->t_transcripts++;
		t = get(get(info, "info"), "task");
		if (!have_task && t != NULL && json_object_is_type(t, json_type_object)) {
			g = get(t, "group");
			if (g != NULL && get(g, "id") != NULL) {
				win_line(&w, "group", "id", g, isrc.p);
				json_object_object_add(t, "group_id", json_object_get(get(g, "id")));
			}
			if (str(t, "uuid") == NULL || strcmp(str(t, "uuid"), task) != 0) {
				say(s, "%s: field info.task.uuid: %s is not the task asked for (%s);"
				    " nothing of the window was written", isrc.p,
				    str(t, "uuid") ? str(t, "uuid") : "missing", task);
				json_object_put(info);
				goto out;
			}
			win_line(&w, "task", "uuid", t, isrc.p);
			u = get(info, "utterances");
			m = u != NULL && json_object_is_type(u, json_type_array) ? json_object_array_length(u) : 0;
			for (k = 0; k < m; k++)
				win_line(&w, "utterance", "id", json_object_array_get_idx(u, k), isrc.p);
			have_task = true;
		}
		recs = get(info, "records");
		m = recs != NULL && json_object_is_type(recs, json_type_array) ? json_object_array_length(recs) : 0;
		for (k = 0; k < m; k++) {
			struct json_object *d = json_object_array_get_idx(recs, k);

			if (str(d, "record_id") == NULL || strcmp(str(d, "record_id"), id) != 0) {
				say(s, "%s: transcript row %zu: field record_id: %s is not the record"
				    " asked for; nothing of the window was written", isrc.p, k + 1,
				    str(d, "record_id") ? str(d, "record_id") : "missing");
				json_object_put(info);
				goto out;
			}
			win_tags_of(&w, d, isrc.p);
			win_line(&w, "record_detail", "id", d, isrc.p);
		}
		json_object_put(info);
		win_region(&w, get(o, "province"), src);
		win_region(&w, get(o, "city"), src);
		win_tags_of(&w, o, src);
		win_line(&w, "record", "id", o, src);
	}
	rc = win_write(s, &w, task, st, what);
out:
	json_object_put(held);
	win_close(&w);
	buf_free(&path);
	buf_free(&isrc);
	return rc;
}

static int
sync_records(struct sync *s, const char *task, struct state *st)
{
	struct buf body = {0}, src = {0};
	struct json_object *ans = NULL, *rows;
	bool resumed = st->end[0] != '\0', all_held;
	char low[20];
	int page, last, rc = -1;

	s->phase = "call records";
	if (!resumed) {
		if (st->high[0])
			time_minus(st->high, LOOKBACK, st->start);
		else
			snprintf(st->start, sizeof(st->start), "%s", s->since ? s->since : "");
		st->next_page = 1;
	}
	for (page = st->next_page;; page++) {
		json_object_put(ans);
		ans = NULL;
		buf_reset(&body);
		buf_printf(&body, "{\"task_id\":\"%s\",\"page\":%d", task, page);
		if (s->per_page_ok)
			buf_printf(&body, ",\"per_page\":%d", PER_PAGE);
		if (st->start[0])
			buf_printf(&body, ",\"start_at\":\"%s\"", st->start);
		if (st->end[0])
			buf_printf(&body, ",\"end_at\":\"%s\"", st->end);
		buf_putc(&body, '}');
		upstream_url(&s->up, "/v1/task/query_done_task_phones", &src);
		buf_printf(&src, " (page %d)", page);
		if ((ans = call(s, "/v1/task/query_done_task_phones", body.p, s->task_name)) == NULL)
			goto out;
		if ((rows = page_rows(ans, &last)) == NULL || last < 1) {
			say(s, "%s: field data: expected {\"data\": [...], \"total\": N, \"last_page\": N}",
			    src.p);
			goto out;
		}
		note_per_page(s, ans);
		s->page = page;
		s->last_page = last;
		if (json_object_array_length(rows) == 0)
			break;
		if (page == 1 && !resumed) {
			const char *top = str(json_object_array_get_idx(rows, 0), "calldate");

			if (!is_time(top)) {
				say(s, "%s: record 1: field calldate: expected a time string", src.p);
				goto out;
			}
			snprintf(st->end, sizeof(st->end), "%s", top);
		}
		st->next_page = page + 1;
		snprintf(low, sizeof(low), "%s", str(json_object_array_get_idx(rows,
		    json_object_array_length(rows) - 1), "calldate") ?: "");
		if (page >= last) {
			/* The pass is whole: its newest call is the next pass's mark. */
			snprintf(st->high, sizeof(st->high), "%s", st->end);
			st->start[0] = st->end[0] = '\0';
			st->next_page = 1;
		}
		if (records_window(s, task, rows, src.p, page, st, &all_held) == -1)
			goto out;
		s->windows++;
		s->t_windows++;
		progress(s, false);
		if (page >= last)
			break;
		/* What is here already: a page of held records older than the last mark. */
		if (all_held && st->high[0] && strcmp(low, st->high) <= 0) {
			snprintf(st->high, sizeof(st->high), "%s", st->end);
			st->start[0] = st->end[0] = '\0';
			st->next_page = 1;
			if (!s->dry_run) {
				struct win w;

				win_open(&w);
				rc = win_write(s, &w, task, st, s->task_name);
				win_close(&w);
				if (rc == -1)
					goto out;
			}
			break;
		}
	}
	if (st->end[0] == '\0' || json_object_array_length(page_rows(ans, &last)) == 0) {
		/* Nothing in the pass, or it ended on an empty page. */
		if (st->end[0])
			snprintf(st->high, sizeof(st->high), "%s", st->end);
		st->start[0] = st->end[0] = '\0';
		st->next_page = 1;
	}
	rc = 0;
out:
	json_object_put(ans);
	buf_free(&body);
	buf_free(&src);
	return rc;
}

/* ---------------------------------------------------------------------- */
/* Numbers                                                                */

/* The tenant's regions by name, for the numbers (whose answers name them only). */
static void
load_regions(struct sync *s)
{
	const char *p[1] = { s->tenant_id };
	PGresult *r;
	int i;

	json_object_put(s->regions);
	s->regions = json_object_new_object();
	if (!s->have_tenant)
		return;
	r = PQexecParams(s->conn, "SELECT coalesce(p.city, c.city), CASE WHEN p.id IS NULL THEN ''"
	    " ELSE c.city END, coalesce(p.id, c.id), CASE WHEN p.id IS NULL THEN NULL ELSE c.id END"
	    " FROM regions c LEFT JOIN regions p ON p.id = c.pid AND p.user_id = c.user_id"
	    " WHERE c.user_id = $1::uuid ORDER BY c.id", 1, NULL, p, NULL, NULL, 0);
	for (i = 0; PQresultStatus(r) == PGRES_TUPLES_OK && i < PQntuples(r); i++) {
		struct buf k = {0};
		struct json_object *v = json_object_new_array();

		buf_printf(&k, "%s|%s", PQgetvalue(r, i, 0), PQgetvalue(r, i, 1));
		json_object_array_add(v, json_object_new_int64(atoll(PQgetvalue(r, i, 2))));
		json_object_array_add(v, PQgetisnull(r, i, 3) ? NULL :
		    json_object_new_int64(atoll(PQgetvalue(r, i, 3))));
		if (get(s->regions, k.p) == NULL)
			json_object_object_add(s->regions, k.p, v);
		else
			json_object_put(v);
		buf_free(&k);
	}
	PQclear(r);
}

/* A number's line from its answer: task, operator and region as the import has them. */
static int
number_line(struct sync *s, struct win *w, const char *task, struct json_object *o,
    const char *src)
{
	static const struct { const char *name; int code; } ops[] = {
		{ "移动", 1 }, { "联通", 2 }, { "电信", 3 },
	};
	struct json_object *hist = get(o, "call_history"), *line, *v;
	const char *mt = str(o, "mobile_type");
	size_t i, n;

	line = json_object_new_object();
	json_object_object_foreach(o, key, val) {
		if (strcmp(key, "call_history") != 0)
			json_object_object_add(line, key, json_object_get(val));
	}
	json_object_object_add(line, "task_id", json_object_new_string(task));
	if (get(o, "mobile_type") != NULL && !json_object_is_type(get(o, "mobile_type"), json_type_null)) {
		for (i = 0; i < 3 && (mt == NULL || strcmp(mt, ops[i].name) != 0); i++)
			;
		if (i == 3) {
			say(s, "%s: number %s: field mobile_type: %s is none of 移动, 联通, 电信;"
			    " nothing of the window was written", src,
			    json_object_get_string(get(o, "id")), json_object_get_string(get(o, "mobile_type")));
			json_object_put(line);
			return -1;
		}
		json_object_object_add(line, "operator", json_object_new_int(ops[i].code));
	}
	n = hist != NULL && json_object_is_type(hist, json_type_array) ? json_object_array_length(hist) : 0;
	if (n > 0) {
		struct json_object *h = json_object_array_get_idx(hist, 0);

		json_object_object_add(line, "province_id", json_object_get(get(h, "province_id")));
		json_object_object_add(line, "city_id", json_object_get(get(h, "city_id")));
	} else if (str(o, "pro") != NULL) {
		struct buf k = {0};

		buf_printf(&k, "%s|%s", str(o, "pro"), str(o, "city") ? str(o, "city") : "");
		if ((v = get(s->regions, k.p)) != NULL) {
			json_object_object_add(line, "province_id", json_object_get(json_object_array_get_idx(v, 0)));
			json_object_object_add(line, "city_id", json_object_get(json_object_array_get_idx(v, 1)));
		}
		buf_free(&k);
	}
	win_line(w, "number", "id", line, src);
	json_object_put(line);
	for (i = 0; i < n; i++) {
		struct json_object *h = json_object_array_get_idx(hist, i);
		const char *t = str(h, "task_id");

		if (t == NULL || strcmp(t, task) != 0) {
			say(s, "%s: number %s: call_history %zu: field task_id: %s is not the task"
			    " asked for (%s); nothing of the window was written", src,
			    json_object_get_string(get(o, "id")), i + 1, t ? t : "missing", task);
			return -1;
		}
		win_line(w, "call_history", "id", h, src);
	}
	return 0;
}

static int
sync_numbers(struct sync *s, const char *task, struct state *st)
{
	struct buf path = {0}, src = {0};
	struct json_object *ans = NULL, *rows;
	struct win w;
	int page, last = 1, rc = -1, first;
	size_t i, n;
	long in_win = 0;
	char what[160];

	s->phase = "numbers";
	load_regions(s);
	win_open(&w);
	first = st->numbers_page;
	for (page = st->numbers_page; page <= last; page++) {
		json_object_put(ans);
		buf_reset(&path);
		buf_printf(&path, "/v1/task/number?task_id=%s&page=%d&call_history=1%s", task, page,
		    s->per_page_ok ? "&per_page=100" : "");
		upstream_url(&s->up, path.p, &src);
		buf_printf(&src, " (page %d)", page);
		if ((ans = call(s, path.p, NULL, s->task_name)) == NULL)
			goto out;
		if ((rows = page_rows(ans, &last)) == NULL || last < 1) {
			say(s, "%s: field data: expected {\"data\": {\"data\": [...], \"total\": N,"
			    " \"last_page\": N}}", src.p);
			goto out;
		}
		note_per_page(s, ans);
		s->page = page;
		s->last_page = last;
		n = json_object_array_length(rows);
		for (i = 0; i < n; i++)
			if (number_line(s, &w, task, json_object_array_get_idx(rows, i), src.p) == -1)
				goto out;
		in_win += (long)n;
		s->numbers += (long)n;
		s->t_numbers += (long)n;
		if (in_win >= NUMBERS_WINDOW || page >= last || n == 0) {
			st->numbers_page = page >= last || n == 0 ? 1 : page + 1;
			snprintf(what, sizeof(what), "%s: numbers pages %d-%d", s->task_name, first, page);
			if (w.lines > 0 && win_write(s, &w, task, st, what) == -1)
				goto out;
			win_close(&w);
			win_open(&w);
			s->windows++;
			s->t_windows++;
			in_win = 0;
			first = page + 1;
			progress(s, false);
		}
		if (n == 0)
			break;
	}
	if (!s->dry_run && st->numbers_page != 1) {
		st->numbers_page = 1;
		if (win_write(s, &w, task, st, s->task_name) == -1)
			goto out;
	}
	rc = 0;
out:
	json_object_put(ans);
	win_close(&w);
	buf_free(&path);
	buf_free(&src);
	return rc;
}

/* ---------------------------------------------------------------------- */
/* Tasks                                                                  */

/* The tasks of the platform (GET /tasks?format=json: callreport's list, every page). */
static int
list_tasks(struct sync *s, char ***tasks, int *ntasks)
{
	struct buf path = {0};
	struct json_object *ans = NULL, *rows;
	int page, last = 1, rc = -1;
	size_t i;

	for (page = 1; page <= last && *ntasks < MAX_TASKS; page++) {
		json_object_put(ans);
		buf_reset(&path);
		buf_printf(&path, "/tasks?format=json&page=%d&per_page=100", page);
		if ((ans = call(s, path.p, NULL, "the task list")) == NULL)
			goto out;
		if ((rows = page_rows(ans, &last)) == NULL) {
			say(s, "the task list: %s%s: field data: expected the list of tasks (or name"
			    " them with --task)", s->up.base, path.p);
			goto out;
		}
		for (i = 0; i < json_object_array_length(rows); i++) {
			const char *id = str(json_object_array_get_idx(rows, i), "uuid");

			if (!is_uuid(id)) {
				say(s, "the task list: %s%s: task %zu: field uuid: expected a UUID string",
				    s->up.base, path.p, i + 1);
				goto out;
			}
			*tasks = xrealloc(*tasks, (size_t)(*ntasks + 1) * sizeof(**tasks));
			(*tasks)[(*ntasks)++] = xstrdup(id);
		}
	}
	rc = 0;
out:
	json_object_put(ans);
	buf_free(&path);
	return rc;
}

/*
 * Whether the task is in the database (after its call records): the v1 API
 * describes a task only in the record_info of its calls, so a task without a
 * call record cannot be written, nor its numbers. Says so when not.
 */
static bool
task_here(struct sync *s, const char *task)
{
	const char *p[2] = { s->tenant_id, task };
	PGresult *r;
	bool here;

	if (s->dry_run)
		return true;
	r = PQexecParams(s->conn, "SELECT FROM tasks WHERE user_id = $1::uuid AND uuid = $2::uuid",
	    2, NULL, p, NULL, NULL, 0);
	here = s->have_tenant && PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1;
	PQclear(r);
	if (!here)
		say(s, "%s: no call record of the task yet: the v1 API describes a task only in"
		    " its calls' record_info, so its numbers wait for its first call record", task);
	return here;
}

static void
sync_task(struct sync *s, const char *task)
{
	struct state st;
	double t0 = clock_monotonic();
	long req0 = s->up.requests;

	s->tasks++;
	s->task_name = task;
	s->t_windows = s->t_records = s->t_transcripts = s->t_numbers = 0;
	s->page = s->last_page = 0;
	state_load(s, task, &st);
	if (sync_records(s, task, &st) == -1 || s->denied || !task_here(s, task) ||
	    sync_numbers(s, task, &st) == -1) {
		s->skipped++;
		if (!s->denied)
			say(s, "%s: skipped (what was written before stays; the next sync goes on"
			    " from there)", task);
		return;
	}
	if (!s->quiet)
		fprintf(s->tty ? stderr : stdout, "%s%s: done: %ld windows, %ld new records,"
		    " %ld transcripts, %ld numbers; %ld requests in %.1f s\n",
		    s->tty ? "\r\033[K" : "", task, s->t_windows, s->t_records, s->t_transcripts,
		    s->t_numbers, s->up.requests - req0, clock_monotonic() - t0);
}

/* ---------------------------------------------------------------------- */

int
sync_main(const struct config *cfg, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "user", required_argument, NULL, 'u' },
		{ "from", required_argument, NULL, 'f' },
		{ "token", required_argument, NULL, 'k' },
		{ "task", required_argument, NULL, 't' },
		{ "since", required_argument, NULL, 's' },
		{ "rate", required_argument, NULL, 'r' },
		{ "timeout", required_argument, NULL, 'T' },
		{ "retries", required_argument, NULL, 'R' },
		{ "dry-run", no_argument, NULL, 'n' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "insecure", no_argument, NULL, 'i' },
		{ NULL, 0, NULL, 0 },
	};
	struct sync s;
	const char *token = NULL, *since = NULL, *rate = NULL, *timeout = NULL, *retries = NULL,
	    *v;
	char **tasks = NULL, *list = NULL;
	int ntasks = 0, ch, i, rc = 1;
	bool insecure = false;
	double r;
	char *end;

	memset(&s, 0, sizeof(s));
	s.cfg = cfg;
	s.per_page_ok = true;
	optind = 1;
	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (ch) {
		case 'u': s.tenant = optarg; break;
		case 'f': s.from = optarg; break;
		case 'k': token = optarg; break;
		case 't':
			tasks = xrealloc(tasks, (size_t)(ntasks + 1) * sizeof(*tasks));
			tasks[ntasks++] = xstrdup(optarg);
			break;
		case 's': since = optarg; break;
		case 'r': rate = optarg; break;
		case 'T': timeout = optarg; break;
		case 'R': retries = optarg; break;
		case 'n': s.dry_run = true; break;
		case 'q': s.quiet = true; break;
		case 'i': insecure = true; break;
		default: usage(); goto done;
		}
	}
	if (s.tenant == NULL || optind != argc) {
		usage();
		rc = 2;
		goto done;
	}
	/* What the command line does not say, the configuration's sync.TENANT.* lines may. */
	if (s.from == NULL)
		s.from = config_sync(cfg, s.tenant, "from");
	if (token == NULL)
		token = config_sync(cfg, s.tenant, "token");
	if (since == NULL)
		since = config_sync(cfg, s.tenant, "since");
	if (rate == NULL)
		rate = config_sync(cfg, s.tenant, "rate");
	if (timeout == NULL)
		timeout = config_sync(cfg, s.tenant, "timeout");
	if (retries == NULL)
		retries = config_sync(cfg, s.tenant, "retries");
	if (!insecure && (v = config_sync(cfg, s.tenant, "insecure")) != NULL)
		insecure = strcmp(v, "1") == 0 || strcmp(v, "true") == 0;
	if (ntasks == 0 && (v = config_sync(cfg, s.tenant, "tasks")) != NULL && *v) {
		char *save = NULL, *t;

		list = xstrdup(v);
		for (t = strtok_r(list, ", ", &save); t != NULL; t = strtok_r(NULL, ", ", &save)) {
			tasks = xrealloc(tasks, (size_t)(ntasks + 1) * sizeof(*tasks));
			tasks[ntasks++] = xstrdup(t);
		}
	}
	if (s.from == NULL || token == NULL || *token == '\0') {
		fprintf(stderr, "callreport: sync: %s: no %s (--%s, or sync.%s.%s in %s)\n",
		    s.tenant, s.from == NULL ? "platform URL" : "token", s.from == NULL ? "from" : "token",
		    s.tenant, s.from == NULL ? "from" : "token", cfg->path ? cfg->path : "the configuration");
		rc = 2;
		goto done;
	}
	r = rate != NULL ? strtod(rate, &end) : 5;
	if (rate != NULL && (*end != '\0' || !(r > 0) || r > 1000)) {
		fprintf(stderr, "callreport: sync: --rate: a number of requests a second, above 0\n");
		rc = 2;
		goto done;
	}
	if (since != NULL && !is_time(since)) {
		fprintf(stderr, "callreport: sync: --since: YYYY-MM-DD HH:MM:SS\n");
		rc = 2;
		goto done;
	}
	for (i = 0; i < ntasks; i++)
		if (!is_uuid(tasks[i])) {
			fprintf(stderr, "callreport: sync: --task %s: not a task id (a UUID)\n", tasks[i]);
			rc = 2;
			goto done;
		}
	if (upstream_open(&s.up, s.from, token, r, timeout ? atol(timeout) : 60, insecure) == -1) {
		fprintf(stderr, "callreport: sync: %s\n", s.up.err.p);
		goto done;
	}
	if (retries != NULL)
		s.up.retries = atoi(retries);
	s.tty = isatty(2) && !s.quiet;
	s.up.log = s.quiet ? NULL : stderr;
	s.started = clock_monotonic();
	s.conn = PQconnectdb(cfg->admin_db);
	if (PQstatus(s.conn) != CONNECTION_OK) {
		fprintf(stderr, "callreport: cannot connect to the database: %s", PQerrorMessage(s.conn));
		goto done;
	}
	{
		const char *p[1] = { cfg->timezone };
		PGresult *res = PQexecParams(s.conn, "SELECT set_config('TimeZone', $1, false)", 1,
		    NULL, p, NULL, NULL, 0);
		PGresult *tr = NULL;

		PQclear(res);
		if (tenant_id(s.conn, s.tenant, false, s.tenant_id, &tr) == 0)
			s.have_tenant = true;
		PQclear(tr);
	}
	/* --since: where the first pass of a task begins (a later pass starts at its mark). */
	s.since = since;
	if (sync_levels_tags(&s) == -1) {
		s.skipped++;
		goto summary;
	}
	if (ntasks == 0 && list_tasks(&s, &tasks, &ntasks) == -1) {
		s.skipped++;
		goto summary;
	}
	for (i = 0; i < ntasks && !s.denied; i++) {
		sync_task(&s, tasks[i]);
	}
	if (s.denied)
		s.skipped += ntasks - i; /* the tasks not begun */
	if (!s.dry_run && s.windows > 0) {
		PGresult *res = PQexec(s.conn, "ANALYZE numbers, call_histories, records, record_tags,"
		    " record_details");
		PQclear(res);
	}
summary:
	if (!s.quiet || s.skipped > 0)
		fprintf(s.quiet ? stderr : stdout, "callreport: sync %s from %s%s: %ld tasks, %ld skipped;"
		    " %ld windows, %ld new records, %ld transcripts, %ld numbers; %ld requests"
		    " (%ld retried) in %.1f s\n", s.tenant, s.from, s.dry_run ? " (dry run: nothing"
		    " written)" : "", s.tasks, s.skipped, s.windows, s.records, s.transcripts,
		    s.numbers, s.up.requests, s.up.retried, clock_monotonic() - s.started);
	rc = s.skipped > 0 || s.denied ? 1 : 0;
done:
	if (s.conn != NULL)
		PQfinish(s.conn);
	upstream_close(&s.up);
	json_object_put(s.regions);
	for (i = 0; i < ntasks; i++)
		free(tasks[i]);
	free(tasks);
	free(list);
	return rc;
}
