/*
 * hook.c: what a report's page shows besides its rows (struct report's
 * html): the task's heading, the filter form's choices, sortable heads, a
 * call's facts and turns. A hook runs no statement: what it needs from the
 * database came with the rows (run->extra, the report's page_sql).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/arena.h"
#include "base/buf.h"
#include "base/url.h"
#include "input/period.h"
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
		tpl_set(d, arena_printf(req->a, "%s%s", prefix, PQfname(res, c)),
		    PQgetisnull(res, i, c) ? "" : PQgetvalue(res, i, c));
}

/* Returns the value of column name of row i, or NULL (no column, or NULL). */
static const char *
col(PGresult *res, int i, const char *name)
{
	int c = PQfnumber(res, name);

	return c < 0 || PQgetisnull(res, i, c) ? NULL : PQgetvalue(res, i, c);
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

/*
 * The call records page: the task's name, the filter form's choices (the
 * tenant's levels and tags, checked when selected; a selected interval that
 * is no level stays as a checked "自定义" choice), sortable heads.
 */
int
hook_done_phones(struct req *req, struct run *run, struct tpl_dict *d)
{
	const char *kind;
	const struct pval *lv = NULL, *tg = NULL;
	struct tpl_dict *s;
	PGresult *res;
	size_t k, m;
	int i, il = REPORT_FIELD(run->r, "levels"), it = REPORT_FIELD(run->r, "tags");
	bool *matched = NULL;

	if (il >= 0)
		lv = &run->pv[il];
	if (it >= 0)
		tg = &run->pv[it];
	if ((res = run->extra) == NULL)
		return 0;	/* no task_id: the validator has answered 400 */
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
		s = tpl_section(d, strcmp(kind, "level") == 0 ? "LEVEL" : "TAG");
		set_row(req, s, res, i, "");
		if (col(res, i, "color") != NULL)
			tpl_show(s, "COLOR");
		if (strcmp(kind, "level") == 0) {
			long lo = atol(col(res, i, "lo")), hi = atol(col(res, i, "hi"));

			for (k = 0; lv != NULL && lv->set && k < lv->n; k++)
				if (lv->ints[2 * k] == lo && lv->ints[2 * k + 1] == hi)
					matched[k] = true;
			if (lv != NULL && has_range(lv, lo, hi))
				tpl_show(s, "CHECKED");
		} else {
			for (m = 0; tg != NULL && tg->set && m < tg->n; m++)
				if (strcasecmp(tg->strs[m], col(res, i, "id")) == 0)
					tpl_show(s, "CHECKED");
		}
	}
	for (k = 0; lv != NULL && lv->set && k < lv->n; k++) {
		if (matched[k])
			continue;
		s = tpl_section(d, "LEVEL_OTHER");
		tpl_set_int(s, "lo", lv->ints[2 * k]);
		tpl_set_int(s, "hi", lv->ints[2 * k + 1]);
	}
	period_chooser(req, run, d, false);
	sort_heads(req, run, d, "calldate", true);
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
	tpl_set_int(d, "TURNS", turns);
	if (turns == 0)
		tpl_show(d, "NO_TURNS");

	rid = col(res, 0, "record_id");
	file = col(res, 0, "recordfile");
	if (req->cfg->recordings_root[0] == '\0')
		tpl_show(d, "AUDIO_OFF");
	else if ((path = recording_path(req->a, req->cfg->recordings_root, file)) == NULL)
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
void
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
		return;
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
}

/* A report page's query for a shortcut's times: its own, with the period replaced. */
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
		run->pv[f[k]].set = true;
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

	if (REPORT_FIELD(r, "period") < 0 || REPORT_FIELD(r, "start_at") < 0 ||
	    REPORT_FIELD(r, "end_at") < 0)
		return;
	hook_periods(req, d, arena_printf(req->a, "%s%s", req->cfg->base_path,
	    req->path), ftext(run, "period"), ftext(run, "start_at"),
	    ftext(run, "end_at"), custom, run_query, run);
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

/* The start page: the period chooser, sortable heads (calls, most first, by default). */
int
hook_start(struct req *req, struct run *run, struct tpl_dict *d)
{
	period_chooser(req, run, d, true);
	sort_heads(req, run, d, "calls", true);
	return 0;
}
