/*
 * hook.c: what a report's page shows besides its rows (struct report's
 * html): the task's heading, the filter form's choices, sortable heads, a
 * call's facts and turns, the start page's trend. A hook runs no statement:
 * what it needs from the database came with the rows (run->extra, the
 * report's page_sql; run->parts, its parts).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/arena.h"
#include "base/buf.h"
#include "base/num.h"
#include "base/url.h"
#include "input/period.h"
#include "input/val.h"
#include "input/valid.h"
#include "render/hook.h"
#include "render/html.h"
#include "store/recording.h"

static void	period_chooser(struct req *, struct run *, struct tpl_dict *, bool);

/* Returns the validated text of field name of a run, or NULL. */
static const char *
ftext(const struct run *run, const char *name)
{
	int i = REPORT_FIELD(run->r, name);

	return i >= 0 && run->pv[i].set ? run->pv[i].text : NULL;
}

/* Sets every column of row i of res on d as prefix + its name (NULL: ""). */
static void
set_row(struct req *req, struct tpl_dict *d, PGresult *res, int i,
    const char *prefix)
{
	int c;

	for (c = 0; c < PQnfields(res); c++)
		tpl_set(d, *prefix ? arena_cat(req->a, prefix, PQfname(res, c), NULL) :
		    PQfname(res, c), PQgetisnull(res, i, c) ? "" : PQgetvalue(res, i, c));
}

/* Returns the value of column c of row i, or NULL (c < 0: no column; NULL). */
static const char *
cell(PGresult *res, int i, int c)
{
	return c < 0 || PQgetisnull(res, i, c) ? NULL : PQgetvalue(res, i, c);
}

/* The same, "" for none (a part of a text arena_cat joins). */
static const char *
cell_text(PGresult *res, int i, int c)
{
	const char *v = cell(res, i, c);

	return v != NULL ? v : "";
}

/* Returns the value of column name of row i, or NULL (no column, or NULL). */
static const char *
col(PGresult *res, int i, const char *name)
{
	return cell(res, i, PQfnumber(res, name));
}

/*
 * Returns 0 when the page statement gave a row (run->extra), else sets 404:
 * the thing the page is about is not the caller's.
 */
static int
extra_row(struct req *req, struct run *run)
{
	if (run->extra != NULL && PQntuples(run->extra) > 0)
		return 0;
	req_error(req, 404, "not found");
	return 404;
}

/* Sets TASK_NAME and TASK_GROUP from the task of the run's task_id (run->extra). */
static int
task_heading(struct req *req, struct run *run, struct tpl_dict *d)
{
	int st;

	if (ftext(run, "task_id") == NULL)
		return 0;
	if ((st = extra_row(req, run)) != 0)
		return st;
	tpl_set(d, "TASK_NAME", col(run->extra, 0, "name"));
	tpl_set(d, "TASK_GROUP", col(run->extra, 0, "group_str"));
	return 0;
}

/*
 * Sets what sortable column heads need: SORT_QUERY, the run's query without
 * sort, dir and page; and for each order c of the report, sort_c_dir (the
 * direction its head asks for: the other one when the page is sorted by c,
 * else descending), aria_c ("ascending", "descending" or "none") and a
 * section sorted_c_asc or sorted_c_desc on the current order. def, defdesc:
 * the order without sort=. Also shows pp_N for the page size N.
 */
static void
sort_heads(struct req *req, struct run *run, struct tpl_dict *d,
    const char *def, bool defdesc)
{
	const struct sort *s;
	int is = REPORT_FIELD(run->r, "sort"), id = REPORT_FIELD(run->r, "dir");
	const char *cur = def;
	bool desc = defdesc, ss = false, ds = false;

	tpl_show(d, arena_printf(req->a, "pp_%ld", run->per_page));
	if (run->r->sorts == NULL || is < 0 || id < 0)
		return;
	if (run->pv[is].set) {
		cur = run->pv[is].strs[0];
		desc = !(run->pv[id].set && strcmp(run->pv[id].strs[0], "asc") == 0);
	}
	ss = run->pv[is].set;
	ds = run->pv[id].set;
	run->pv[is].set = run->pv[id].set = false;
	tpl_set(d, "SORT_QUERY", html_query(req, run, 0, NULL));
	run->pv[is].set = ss;
	run->pv[id].set = ds;
	for (s = run->r->sorts; s->code != NULL; s++) {
		bool on = strcmp(s->code, cur) == 0;

		tpl_set(d, arena_printf(req->a, "sort_%s_dir", s->code),
		    on && desc ? "asc" : "desc");
		tpl_set(d, arena_printf(req->a, "aria_%s", s->code),
		    !on ? "none" : desc ? "descending" : "ascending");
		if (on)
			tpl_show(d, arena_printf(req->a, "sorted_%s_%s", s->code,
			    desc ? "desc" : "asc"));
	}
}

/* The numbers page: the task's name, sortable heads. */
int
hook_task_number(struct req *req, struct run *run, struct tpl_dict *d)
{
	int st;

	if ((st = task_heading(req, run, d)) != 0)
		return st;
	period_chooser(req, run, d, false);
	sort_heads(req, run, d, "id", false);
	return 0;
}

/* The attempts view of the numbers: the period, for its breadcrumbs' links. */
int
hook_task_attempts(struct req *req, struct run *run, struct tpl_dict *d)
{
	period_chooser(req, run, d, false);
	return 0;
}

/* Returns true when [lo, hi] is one of the intervals of a FT_RANGES value. */
static bool
has_range(const struct pval *p, long lo, long hi)
{
	size_t k;

	for (k = 0; p->set && k < p->n; k++)
		if (p->ints[2 * k] == lo && p->ints[2 * k + 1] == hi)
			return true;
	return false;
}

/* Returns true when text is one of the values of the set field name (UUIDs: either case). */
static bool
in_set(const struct run *run, const char *name, const char *text)
{
	int i = REPORT_FIELD(run->r, name);
	const struct pval *p = i >= 0 ? &run->pv[i] : NULL;
	size_t k;

	for (k = 0; p != NULL && p->set && k < p->n; k++)
		if (run->r->fields[i].type == FT_INTSET ? p->ints[k] == atol(text) :
		    strcasecmp(p->strs[k], text) == 0)
			return true;
	return false;
}

/*
 * The filter form's choices from the page statement's rows (run->extra:
 * kind, id, name, alias, lo, hi, color), each checked when selected: the
 * tenant's levels (LEVEL; a selected interval that is no level stays as a
 * checked "自定义" choice, LEVEL_OTHER), tags (TAG), tasks (TASK: kind
 * task_option; kind task is the page's own task, TASK_NAME) and provinces
 * (PROVINCE).
 */
static void
form_choices(struct req *req, struct run *run, struct tpl_dict *d)
{
	const char *kind;
	int il = REPORT_FIELD(run->r, "levels");
	const struct pval *lv = il >= 0 ? &run->pv[il] : NULL;
	struct tpl_dict *s;
	PGresult *res = run->extra;
	size_t k;
	int i;
	bool *matched = NULL;

	if (lv != NULL && lv->set) {
		matched = arena_alloc(req->a, lv->n * sizeof(*matched) + 1);
		memset(matched, 0, lv->n * sizeof(*matched) + 1);
	}
	for (i = 0; i < PQntuples(res); i++) {
		kind = col(res, i, "kind");
		if (strcmp(kind, "task") == 0) {
			tpl_set(d, "TASK_NAME", col(res, i, "name"));
			continue;
		}
		s = tpl_section(d, strcmp(kind, "level") == 0 ? "LEVEL" :
		    strcmp(kind, "tag") == 0 ? "TAG" :
		    strcmp(kind, "task_option") == 0 ? "TASK" : "PROVINCE");
		set_row(req, s, res, i, "");
		if (valid_color(col(res, i, "color")))
			tpl_show(s, "COLOR");
		if (strcmp(kind, "level") == 0) {
			long lo = atol(col(res, i, "lo")), hi = atol(col(res, i, "hi"));

			for (k = 0; lv != NULL && lv->set && k < lv->n; k++)
				if (lv->ints[2 * k] == lo && lv->ints[2 * k + 1] == hi)
					matched[k] = true;
			if (lv != NULL && has_range(lv, lo, hi))
				tpl_show(s, "CHECKED");
		} else if (in_set(run, strcmp(kind, "tag") == 0 ? "tags" :
		    strcmp(kind, "task_option") == 0 ? "tasks" : "province",
		    col(res, i, "id")))
			tpl_show(s, "CHECKED");
	}
	for (k = 0; lv != NULL && lv->set && k < lv->n; k++) {
		if (matched[k])
			continue;
		s = tpl_section(d, "LEVEL_OTHER");
		tpl_set_int(s, "lo", lv->ints[2 * k]);
		tpl_set_int(s, "hi", lv->ints[2 * k + 1]);
	}
}

/* The call records page: the task's name, the filter form's choices, sortable heads. */
int
hook_done_phones(struct req *req, struct run *run, struct tpl_dict *d)
{
	if (run->extra == NULL)
		return 0;	/* no task_id: the validator has answered 400 */
	form_choices(req, run, d);
	period_chooser(req, run, d, false);
	sort_heads(req, run, d, "calldate", true);
	/* A call's page knows this list (from=): 上一通 / 下一通 and the way back. */
	tpl_set(d, "FROM", url_encoded(req->a, html_query(req, run, run->page, NULL)));
	return 0;
}

/* Keyword separators of a transcript row ("价格,多少钱" or "价格、多少钱"). */
static const char *const kw_seps[] = { ",", "，", "、", "|", ";", "；", " ", NULL };

/* Splits a row's keyword into words (in the arena); returns how many (at most max). */
static size_t
keywords(struct req *req, const char *kw, const char **out, size_t max)
{
	char *s = arena_strdup(req->a, kw), *w = s, *p;
	size_t n = 0, k, len;

	while (*w && n < max) {
		p = NULL;
		len = 0;
		for (k = 0; kw_seps[k]; k++) {
			char *q = strstr(w, kw_seps[k]);

			if (q != NULL && (p == NULL || q < p)) {
				p = q;
				len = strlen(kw_seps[k]);
			}
		}
		if (p != NULL)
			*p = '\0';
		if (*w)
			out[n++] = w;
		if (p == NULL)
			break;
		w = p + len;
	}
	return n;
}

/*
 * Adds SEG sections to d for text, with HIT shown on each occurrence of a
 * word of kw (the longest at a place), PLAIN on the rest.
 */
static void
highlight(struct req *req, struct tpl_dict *d, const char *text, const char *kw)
{
	const char *words[16], *at, *best;
	size_t nw = kw ? keywords(req, kw, words, 16) : 0, k, blen;
	struct tpl_dict *s;

	while (*text) {
		best = NULL;
		blen = 0;
		for (k = 0; k < nw; k++) {
			at = strstr(text, words[k]);
			if (at != NULL && (best == NULL || at < best ||
			    (at == best && strlen(words[k]) > blen))) {
				best = at;
				blen = strlen(words[k]);
			}
		}
		if (best == NULL)
			best = text + strlen(text);
		if (best > text) {
			s = tpl_section(d, "SEG");
			tpl_setn(s, "t", text, (size_t)(best - text));
			tpl_show(s, "PLAIN");
		}
		if (blen > 0) {
			s = tpl_section(d, "SEG");
			tpl_setn(s, "t", best, blen);
			tpl_show(s, "HIT");
			tpl_show(d, "HAS_HIT");
		}
		text = best + blen;
	}
}

/* Adds a TAG section for each name of a "、"-joined list. */
static void
tag_list(struct req *req, struct tpl_dict *d, const char *tags)
{
	char *s, *w, *p;

	if (tags == NULL || *tags == '\0')
		return;
	s = arena_strdup(req->a, tags);
	for (w = s; w != NULL; w = p) {
		if ((p = strstr(w, "、")) != NULL) {
			*p = '\0';
			p += strlen("、");
		}
		if (*w)
			tpl_set(tpl_section(d, "TAG"), "name", w);
	}
	tpl_show(d, "HAS_TAGS");
}

/* Sets name to milliseconds ms as seconds with one decimal ("31.3"). */
static void
set_secs(struct tpl_dict *d, const char *name, const char *ms)
{
	char b[32];

	snprintf(b, sizeof(b), "%.1f", ms ? strtod(ms, NULL) / 1000.0 : 0.0);
	tpl_set(d, name, ms ? b : "");
}

/*
 * The transcript page: the call's facts (call_*), its turns (TURN: robot on
 * one side, customer on the other, keyword hits marked, tags), the link to
 * the number's history, and the recording when its file is there.
 */
int
hook_transcript(struct req *req, struct run *run, struct tpl_dict *d)
{
	PGresult *res = run->rows;
	struct tpl_dict *t;
	const char *v, *rid, *file, *path;
	int i, n = PQntuples(res), turns = 0;

	if (n == 0)
		return 0;	/* (scoped: answered 404 before) */
	set_row(req, d, res, 0, "call_");
	set_secs(d, "call_bill_s", col(res, 0, "bill"));
	if (col(res, 0, "number_id") != NULL)
		tpl_show(d, "HAS_NUMBER");
	if (col(res, 0, "level_name") != NULL)
		tpl_show(d, "HAS_LEVEL");
	for (i = 0; i < n; i++) {
		if (col(res, i, "sequence") == NULL)
			continue;
		t = tpl_section(d, "TURN");
		turns++;
		tpl_set(t, "sequence", col(res, i, "sequence"));
		v = col(res, i, "speaker");
		tpl_set(t, "speaker", v);
		if (v != NULL && strcmp(v, "客户") == 0)
			tpl_show(t, "CUSTOMER");
		else {
			tpl_show(t, "ROBOT");
			if ((v = col(res, i, "answer_text")) != NULL && *v) {
				tpl_set(t, "answer_text", v);
				tpl_show(t, "HAS_ANSWER");
			}
		}
		tpl_set(t, "side", col(res, i, "speaker") != NULL &&
		    strcmp(col(res, i, "speaker"), "客户") == 0 ? "customer" : "robot");
		highlight(req, t, col(res, i, "text") ? col(res, i, "text") : "",
		    col(res, i, "keyword"));
		if ((v = col(res, i, "keyword")) != NULL && *v) {
			tpl_set(t, "keyword", v);
			tpl_show(t, "HAS_KEYWORD");
		}
		if ((v = col(res, i, "score")) != NULL && strcmp(v, "0") != 0) {
			tpl_set(t, "score", v);
			tpl_show(t, "HAS_SCORE");
		}
		tag_list(req, t, col(res, i, "tags"));
	}
	if (req->nav != NULL) {
		/* Opened from a list (web/record.c): its neighbours, the way back. */
		if (req->nav->prev != NULL) {
			t = tpl_section(d, "PREV_CALL");
			tpl_set(t, "id", req->nav->prev);
			tpl_set(t, "from", req->nav->from);
		}
		if (req->nav->next != NULL) {
			t = tpl_section(d, "NEXT_CALL");
			tpl_set(t, "id", req->nav->next);
			tpl_set(t, "from", req->nav->from);
		}
		tpl_set(tpl_section(d, "BACK"), "back", req->nav->back);
		if (req->nav->pos > 0)
			tpl_set_int(tpl_section(d, "IN_LIST"), "pos", req->nav->pos);
	} else
		tpl_show(d, "NO_BACK");
	tpl_set_int(d, "TURNS", turns);
	if (turns == 0)
		tpl_show(d, "NO_TURNS");

	rid = col(res, 0, "record_id");
	file = col(res, 0, "recordfile");
	if (req->cfg->recordings_root[0] == '\0')
		tpl_show(d, "AUDIO_OFF");
	else if ((path = recording_path(req->a, req->cfg->recordings_root,
	    req->tenant, file)) == NULL)
		tpl_show(d, "AUDIO_MISSING");
	else {
		t = tpl_section(d, "AUDIO");
		tpl_set(t, "src", arena_printf(req->a, "%s/records/%s/recording",
		    req->cfg->base_path, rid));
		tpl_set(t, "type", recording_type(path));
	}
	return 0;
}

/* The history of one number: its facts (num_*). */
int
hook_number_history(struct req *req, struct run *run, struct tpl_dict *d)
{
	PGresult *res;
	int st;

	if ((st = extra_row(req, run)) != 0)
		return st;
	res = run->extra;
	set_row(req, d, res, 0, "num_");
	tpl_set(d, "num_is_blacklist_text",
	    strcmp(col(res, 0, "is_blacklist"), "t") == 0 ? "是" : "否");
	return 0;
}


/*
 * The period of a page (hook.h). A shortcut's link carries its two times,
 * as every link of a page does (the contract): what it shows stays what it
 * showed.
 */
struct tpl_dict *
hook_periods(struct req *req, struct tpl_dict *d, const char *path,
    const char *code, const char *start, const char *end, bool custom,
    period_query_fn qf, void *ctx)
{
	struct tpl_dict *s, *ch;
	struct buf q = {0};
	struct period p;
	const char *err, *cur = NULL;
	char b[2][PERIOD_TEXT], w[PERIOD_WORDS];
	long long now;
	size_t i;

	/* The included chooser sees only its own dictionary. */
	ch = tpl_include(d, "PERIODS", "periods.tpl");
	tpl_show(ch, req->exporting ? "EXPORT" : "LIVE");
	tpl_set(ch, "PATH", path);
	if (custom)
		tpl_show(ch, "CUSTOM");
	now = period_now(req->cfg->timezone);
	for (i = 0; period_codes[i] != NULL; i++) {
		if (period_parse(period_codes[i], NULL, NULL, now, &p, &err) != 0)
			continue;
		period_format(p.start, b[0]);
		period_format(p.end, b[1]);
		s = tpl_section(ch, "PERIOD");
		tpl_set(s, "name", period_names[i]);
		tpl_set(s, "code", period_codes[i]);
		tpl_set(s, "query", qf(req, ctx, period_codes[i], b[0], b[1]));
		/* Chosen, and still the shortcut's times (a link of yesterday's 今天 is not). */
		if (code != NULL && start != NULL && end != NULL &&
		    strcmp(code, period_codes[i]) == 0 &&
		    strcmp(start, b[0]) == 0 && strcmp(end, b[1]) == 0) {
			tpl_show(s, "CURRENT");
			cur = period_codes[i];
			tpl_set(d, "PERIOD_NAME", period_names[i]);
			tpl_show(d, "HAS_PERIOD_NAME");
		} else
			tpl_show(s, "OTHER");
	}
	if (start == NULL || end == NULL)
		return ch;
	tpl_set(ch, "f_start_at", start);
	tpl_set(ch, "f_end_at", end);
	/* Links to other pages: the shortcut's code while it is still its times, and the times. */
	if (cur != NULL) {
		buf_puts(&q, "period=");
		buf_puts(&q, cur);
		buf_puts(&q, "&");
	}
	buf_puts(&q, "start_at=");
	url_encode(&q, start);
	buf_puts(&q, "&end_at=");
	url_encode(&q, end);
	tpl_set(d, "PERIOD_QUERY", arena_printf(req->a, "?%s", q.p));
	tpl_set(d, "PERIOD_AMP", arena_printf(req->a, "&%s", q.p));
	buf_free(&q);
	tpl_show(d, "HAS_PERIOD");
	tpl_set(d, "PERIOD_START", start);
	tpl_set(d, "PERIOD_END", end);
	period_words(cur, start, end, w);
	tpl_set(d, "PERIOD_WORDS", w);
	return ch;
}

/*
 * A report page's query for a shortcut's times: its own, with the period
 * replaced (code NULL: start..end alone, no shortcut).
 */
static const char *
run_query(struct req *req, void *ctx, const char *code, const char *start,
    const char *end)
{
	struct run *run = ctx;
	const struct report *r = run->r;
	int f[3] = { REPORT_FIELD(r, "period"), REPORT_FIELD(r, "start_at"),
	    REPORT_FIELD(r, "end_at") };
	const char *v[3] = { code, start, end }, *q;
	struct pval keep[3];
	int k;

	for (k = 0; k < 3; k++) {
		keep[k] = run->pv[f[k]];
		run->pv[f[k]].set = v[k] != NULL;
		run->pv[f[k]].text = v[k];
	}
	q = html_query(req, run, 0, NULL);
	for (k = 0; k < 3; k++)
		run->pv[f[k]] = keep[k];
	return q;
}

/*
 * The period of a report page that takes one: hook_periods with the
 * report's fields; custom: the chooser's own form for a custom range (a
 * page whose filter form has start_at and end_at has no need of it).
 */
static void
period_chooser(struct req *req, struct run *run, struct tpl_dict *d, bool custom)
{
	const struct report *r = run->r;
	struct tpl_dict *ch, *k;
	size_t i, j;

	if (REPORT_FIELD(r, "period") < 0 || REPORT_FIELD(r, "start_at") < 0 ||
	    REPORT_FIELD(r, "end_at") < 0)
		return;

	ch = hook_periods(req, d, arena_printf(req->a, "%s%s", req->cfg->base_path,
	    req->path), ftext(run, "period"), ftext(run, "start_at"),
	    ftext(run, "end_at"), custom, run_query, run);
	/* The custom range keeps the page's chosen tasks (the comparison's). */
	for (i = 0; i < r->nfields; i++)
		for (j = 0; r->fields[i].type == FT_UUIDSET && run->pv[i].set &&
		    j < run->pv[i].n; j++) {
			k = tpl_section(ch, "KEEP");
			tpl_set(k, "name", arena_printf(req->a, "%s[]", r->fields[i].name));
			tpl_set(k, "value", run->pv[i].strs[j]);
		}
	/* Bad input: the message beside its field; a valid bound kept alone. */
	html_bad_fields(req, run, ch, "periods.tpl");
	if (ftext(run, "start_at") != NULL)
		tpl_set(ch, "f_start_at", ftext(run, "start_at"));
	if (ftext(run, "end_at") != NULL)
		tpl_set(ch, "f_end_at", ftext(run, "end_at"));
	tpl_set(d, "PREV_START", ftext(run, "prev_start_at"));
	tpl_set(d, "PREV_END", ftext(run, "prev_end_at"));
}

/* The task list: the period chooser. */
int
hook_tasks(struct req *req, struct run *run, struct tpl_dict *d)
{
	period_chooser(req, run, d, true);
	return 0;
}

/* Returns the rows of the part key of a run's report (struct part), or NULL. */
static PGresult *
part_rows(const struct run *run, const char *key)
{
	size_t k;

	for (k = 0; k < run->r->nparts && k < REPORT_PARTS; k++)
		if (strcmp(run->r->parts[k].key, key) == 0)
			return run->parts[k];
	return NULL;
}

/*
 * The trend's line chart, in the units of its viewBox: the plot TREND_PH
 * high below a margin TREND_TOP (room for the values above the highest
 * points), right of TREND_LEFT (the value axis' labels), above
 * TREND_BOTTOM (the time axis' labels); a point TREND_STEP wide, the plot
 * TREND_PW_MIN to TREND_PW_MAX wide. Every point has its label and its
 * values (but 0) written while there are at most TREND_ALL points (a month
 * by day, a day by hour); beyond, every k-th label, no dots, and the values
 * in the points' titles (and the table) only.
 */
#define TREND_LEFT	44
#define TREND_RIGHT	12
#define TREND_TOP	18
#define TREND_PH	180
#define TREND_BOTTOM	24
#define TREND_STEP	40
#define TREND_PW_MIN	480
#define TREND_PW_MAX	1240
#define TREND_ALL	31
#define TREND_TICKS	4	/* steps of the value axis */

/* The trend's lines: a column of start_trend.sql, its name, its class (colour). */
static const struct trend_line {
	const char	*key, *name, *class;
	bool		 below;		/* its values under its points */
} trend_lines[] = {
	{ "dialled", "拨打号码", "t1", false },
	{ "answered", "接通号码", "t2", false },
	/* Below its points: the calls are often the numbers answered, once each. */
	{ "calls", "通话记录", "t3", true },
};
#define TREND_LINES	(sizeof(trend_lines) / sizeof(trend_lines[0]))

/*
 * Returns the step of a value axis of ticks steps from 0 that holds max:
 * 1, 2 or 5 times a power of ten (a count: at least 1), so that its labels
 * are round numbers.
 */
static long
nice_step(long max, int ticks)
{
	long raw = (max + ticks - 1) / ticks, m = 1;

	if (raw <= 1)
		return 1;
	while (m <= raw / 10)
		m *= 10;
	return raw <= m ? m : raw <= 2 * m ? 2 * m : raw <= 5 * m ? 5 * m : 10 * m;
}

/*
 * The start page's trend (the part "trend", sql/reports/start_trend.sql): a
 * line chart drawn here as SVG (no JavaScript; it prints as it shows) with
 * its axes, a line a figure of trend_lines with the value at each point,
 * and the data table of the same points (POINT: every column by name, the
 * start page of the point as query). Shows TREND_ANY when the part ran.
 *
 * Sections: YTICK (y, ty, value: the value axis), POINT (x, bx, bw: the
 * point's band, TICK on the labels written, title: every figure of the
 * point), LINE (name, class, points: the polyline; DOT, at most TREND_ALL
 * points: cx, cy, vy, value, title, VALUE on the values written).
 */
static void
trend(struct req *req, struct run *run, struct tpl_dict *d)
{
	/* The columns read at every point, found once (365 points a year by day). */
	enum { LABEL, DIALLED, ANSWERED, RATE, CALLS, A_COUNT, B_COUNT, LO, HI, NCOLS };
	static const char *const names[NCOLS] = { "label", "dialled", "answered",
	    "connect_rate", "calls", "a_count", "b_count", "lo", "hi" };
	PGresult *res = part_rows(run, "trend");
	struct tpl_dict *p, *l, *t;
	struct buf pts = {0};
	char num[NUM_TENTHS];
	const char *rate;
	double pw, x, y, base = TREND_TOP + TREND_PH;
	long max = 0, v, step, top;
	int n, i, c, every, ci[TREND_LINES], at[NCOLS];
	size_t k;

	if (res == NULL)
		return;
	for (k = 0; k < NCOLS; k++)
		at[k] = PQfnumber(res, names[k]);
	n = PQntuples(res);
	for (k = 0; k < TREND_LINES; k++) {
		ci[k] = PQfnumber(res, trend_lines[k].key);
		for (i = 0; ci[k] >= 0 && i < n; i++)
			if ((v = atol(PQgetvalue(res, i, ci[k]))) > max)
				max = v;
	}
	step = nice_step(max, TREND_TICKS);
	top = step * TREND_TICKS;
	pw = (double)n * TREND_STEP;
	pw = pw < TREND_PW_MIN ? TREND_PW_MIN : pw > TREND_PW_MAX ? TREND_PW_MAX : pw;
	every = n > TREND_ALL ? (n + TREND_ALL - 1) / TREND_ALL : 1;

	tpl_show(d, "TREND_ANY");
	tpl_set(d, "TREND_UNIT", n > 0 && col(res, 0, "unit") != NULL &&
	    strcmp(col(res, 0, "unit"), "hour") == 0 ? "按小时" : "按天");
	tpl_set_int(d, "TREND_W", (long)(TREND_LEFT + pw + TREND_RIGHT));
	tpl_set_int(d, "TREND_H", TREND_TOP + TREND_PH + TREND_BOTTOM);
	tpl_set_int(d, "TREND_X0", TREND_LEFT);
	tpl_set_1(d, "TREND_X1", TREND_LEFT + pw);
	tpl_set_int(d, "TREND_Y0", TREND_TOP);
	tpl_set_int(d, "TREND_Y1", (long)base);
	tpl_set_int(d, "TREND_PH", TREND_PH);
	tpl_set_int(d, "TREND_XY", (long)base + 16);
	for (i = 0; i <= TREND_TICKS; i++) {
		t = tpl_section(d, "YTICK");
		y = base - (double)TREND_PH * i / TREND_TICKS;
		tpl_set_1(t, "y", y);
		tpl_set_1(t, "ty", y + 3);
		tpl_set_int(t, "value", step * i);
	}
	for (i = 0; i < n; i++) {
		p = tpl_section(d, "POINT");
		set_row(req, p, res, i, "");
		if ((rate = cell(res, i, at[RATE])) != NULL)
			tpl_show(p, "connect_rate_set");
		x = TREND_LEFT + pw * (i + 0.5) / n;
		tpl_set_1(p, "x", x);
		tpl_set_1(p, "bx", TREND_LEFT + pw * i / n);
		tpl_set_1(p, "bw", pw / n);
		if (i % every == 0)
			tpl_show(p, "TICK");
		tpl_set(p, "title", arena_cat(req->a, cell_text(res, i, at[LABEL]), ": 拨打号码 ",
		    cell_text(res, i, at[DIALLED]), ", 接通号码 ", cell_text(res, i, at[ANSWERED]),
		    ", 接通率 ", rate != NULL ? rate : "-", rate != NULL ? "%" : "",
		    ", 通话记录 ", cell_text(res, i, at[CALLS]), ", A类意向 ",
		    cell_text(res, i, at[A_COUNT]), ", B类意向 ", cell_text(res, i, at[B_COUNT]),
		    NULL));
		/* The start page of the point: the same page over its day or hour. */
		tpl_set(p, "query", run_query(req, run, NULL, cell(res, i, at[LO]),
		    cell(res, i, at[HI])));
	}
	for (k = 0; k < TREND_LINES; k++) {
		if ((c = ci[k]) < 0)
			continue;
		l = tpl_section(d, "LINE");
		tpl_set(l, "name", trend_lines[k].name);
		tpl_set(l, "class", trend_lines[k].class);
		buf_reset(&pts);
		for (i = 0; i < n; i++) {
			v = atol(PQgetvalue(res, i, c));
			x = TREND_LEFT + pw * (i + 0.5) / n;
			y = base - (double)TREND_PH * v / top;
			if (i > 0)
				buf_putc(&pts, ' ');
			buf_puts(&pts, num_tenths(num, x));
			buf_putc(&pts, ',');
			buf_puts(&pts, num_tenths(num, y));
			/*
			 * Dots only where each can be told apart (TREND_ALL points
			 * at most): over a longer period they were a smear 3 px
			 * apart, a fifth of the page's bytes; each point's band
			 * and the table still say its every figure.
			 */
			if (n > TREND_ALL)
				continue;
			t = tpl_section(l, "DOT");
			tpl_set_1(t, "cx", x);
			tpl_set_1(t, "cy", y);
			/* Below when there is room above the time axis' labels. */
			tpl_set_1(t, "vy", trend_lines[k].below && y + 13 < base - 2 ?
			    y + 13 : y - 5);
			tpl_set(t, "value", PQgetvalue(res, i, c));
			tpl_set(t, "title", arena_cat(req->a, cell_text(res, i, at[LABEL]), " ",
			    trend_lines[k].name, " ", PQgetvalue(res, i, c), NULL));
			/* A 0 is on the axis (and in the title): no row of 0s along it. */
			if (v > 0)
				tpl_show(t, "VALUE");
		}
		tpl_set(l, "points", pts.p ? pts.p : "");
	}
	buf_free(&pts);
}

/*
 * The start page: the period chooser, the trend over the period, sortable
 * heads (calls, most first, by default).
 */
int
hook_start(struct req *req, struct run *run, struct tpl_dict *d)
{
	period_chooser(req, run, d, true);
	trend(req, run, d);
	sort_heads(req, run, d, "calls", true);
	return 0;
}

/* A figure of the comparison: its column, its label, what follows a value. */
struct figure {
	const char	*key, *label, *unit, *mark;
};

static const struct figure compare_figures[] = {
	{ "dialled", "呼叫号码", "", NULL },
	{ "answered", "接通号码", "", NULL },
	{ "connect_rate", "接通率", "%", "connect_rate_mark" },
	{ "connect_rate_vs", "接通率较上期(百分点)", "", NULL },
	{ "calls", "通话数", "", "calls_mark" },
	{ "calls_vs", "通话数较上期", "", NULL },
	{ "a_count", "A类意向", "", NULL },
	{ "a_rate", "A类占比", "%", "a_rate_mark" },
	{ "b_count", "B类意向", "", NULL },
	{ "b_rate", "B类占比", "%", "b_rate_mark" },
	{ "avg_bill", "平均通话时长(秒)", "", "avg_bill_mark" },
};

/*
 * Adds one METRIC row (kind, label) with a CELL per task: the j-th item of
 * list of each task's dist (NULL: none), its count and, with rates, its rate.
 * Leaves out a row whose counts are all 0 when skip_zero.
 */
static void
dist_row(struct req *req, struct tpl_dict *d, struct val **dists, int n,
    const char *list, size_t j, const char *kind, const char *label, bool skip_zero)
{
	struct tpl_dict *m, *c;
	const struct val *l, *it;
	const char *count, *rate;
	bool any = false;
	int i;

	for (i = 0; i < n && !any; i++) {
		l = dists[i] ? val_get(dists[i], list) : NULL;
		it = l && j < l->n ? l->items[j] : NULL;
		any = it && strcmp(val_text(val_get(it, "count")), "0") != 0;
	}
	if (skip_zero && !any)
		return;
	m = tpl_section(d, "METRIC");
	tpl_set(m, "kind", kind);
	tpl_set(m, "label", label);
	for (i = 0; i < n; i++) {
		l = dists[i] ? val_get(dists[i], list) : NULL;
		it = l && j < l->n ? l->items[j] : NULL;
		c = tpl_section(m, "FIGURE");
		count = it ? val_text(val_get(it, "count")) : "";
		rate = it && val_get(it, "rate") ? val_text(val_get(it, "rate")) : "";
		tpl_set(c, "value", *rate ? arena_printf(req->a, "%s (%s%%)", count, rate) :
		    count);
	}
}

/*
 * The task comparison: the tasks as columns, a row a figure (marked as on
 * the start page), then a row a level and a row a call result (those no
 * task had left out), from each row's dist.
 */
int
hook_compare(struct req *req, struct run *run, struct tpl_dict *d)
{
	PGresult *res = run->rows;
	int n = res ? PQntuples(res) : 0, i;
	struct val **dists = arena_alloc(req->a, (size_t)(n + 1) * sizeof(*dists));
	struct tpl_dict *m, *c;
	const struct val *first;
	const char *v, *mark, *err;
	size_t f, j;

	period_chooser(req, run, d, true);
	for (i = 0; i < n; i++) {
		c = tpl_section(d, "TASK");
		tpl_set(c, "task_id", col(res, i, "task_id"));
		tpl_set(c, "name", col(res, i, "name"));
		dists[i] = val_new(req->a, V_OBJ);
		v = col(res, i, "dist");
		if (v == NULL || val_parse_json(req->a, dists[i], v, strlen(v), &err) != 0)
			dists[i] = NULL;
	}
	for (f = 0; f < sizeof(compare_figures) / sizeof(compare_figures[0]); f++) {
		m = tpl_section(d, "METRIC");
		tpl_set(m, "kind", "figure");
		tpl_set(m, "label", compare_figures[f].label);
		for (i = 0; i < n; i++) {
			c = tpl_section(m, "FIGURE");
			v = col(res, i, compare_figures[f].key);
			tpl_set(c, "value", v ? arena_printf(req->a, "%s%s", v,
			    compare_figures[f].unit) : "");
			mark = compare_figures[f].mark ? col(res, i, compare_figures[f].mark) :
			    NULL;
			if (mark != NULL) {
				tpl_set(c, "mark", mark);
				tpl_show(c, "mark_set");
			}
		}
	}
	/* Levels and statuses: every task's lists have the same items in the same order. */
	first = n > 0 && dists[0] ? val_get(dists[0], "levels") : NULL;
	for (j = 0; first && j < first->n; j++)
		dist_row(req, d, dists, n, "levels", j, "level",
		    arena_printf(req->a, "等级 %s", val_text(val_get(first->items[j], "level"))),
		    false);
	first = n > 0 && dists[0] ? val_get(dists[0], "statuses") : NULL;
	for (j = 0; first && j < first->n; j++)
		dist_row(req, d, dists, n, "statuses", j, "status",
		    arena_printf(req->a, "呼叫结果 %s", val_text(val_get(first->items[j], "label"))),
		    true);
	return 0;
}

/* The call-back list: the period chooser, the filter form's choices. */
int
hook_callbacks(struct req *req, struct run *run, struct tpl_dict *d)
{
	period_chooser(req, run, d, true);
	if (run->extra != NULL)
		form_choices(req, run, d);
	return 0;
}
