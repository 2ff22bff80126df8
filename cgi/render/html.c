/* html.c: the frame of every page, a report page from its template, an error page. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/arena.h"
#include "base/buf.h"
#include "base/log.h"
#include "base/url.h"
#include "input/val.h"
#include "input/valid.h"
#include "render/envelope.h"
#include "render/html.h"
#include "render/message.h"

/* Where the parameters of a run's links go: a query string, or a form's hidden inputs. */
struct emit {
	struct req	*req;
	struct buf	*b;		/* "&name=value", both encoded */
	struct tpl_dict	*d;		/* or a HIDDEN section each (name, value) */
};

static void
emit(struct emit *e, const char *name, const char *value)
{
	struct tpl_dict *s;

	if (e->d != NULL) {
		s = tpl_section(e->d, "HIDDEN");
		tpl_set(s, "name", name);
		tpl_set(s, "value", value);
		return;
	}
	if (e->b->len)
		buf_putc(e->b, '&');
	buf_puts(e->b, name);	/* names are ours: letters, digits, [] */
	buf_putc(e->b, '=');
	url_encode(e->b, value);
}

/*
 * Emits the run's valid parameters but page, the derived ones and the
 * route's task_id, each as its form sends it.
 */
static void
params(struct emit *e, const struct run *run)
{
	const struct report *r = run->r;
	size_t i, k;
	char num[32], name[64];

	for (i = 0; i < r->nfields; i++) {
		const struct field *f = &r->fields[i];
		const struct pval *p = &run->pv[i];

		if (!p->set || strcmp(f->name, "page") == 0 || (f->flags & F_DERIVED) ||
		    (e->req->args[0] && strcmp(f->name, "task_id") == 0))
			continue;
		switch (f->type) {
		case FT_INTSET:
		case FT_CODESET:
		case FT_UUIDSET:
			snprintf(name, sizeof(name), "%s[]", f->name);
			for (k = 0; k < p->n; k++) {
				if (f->type == FT_INTSET)
					snprintf(num, sizeof(num), "%ld", p->ints[k]);
				emit(e, name, f->type == FT_INTSET ? num : p->strs[k]);
			}
			break;
		case FT_RANGE:
		case FT_RANGES:
			for (k = 0; k < p->n * 2; k++) {
				if (f->type == FT_RANGE)
					snprintf(name, sizeof(name), "%s[]", f->name);
				else
					snprintf(name, sizeof(name), "%s[%zu][]", f->name, k / 2);
				snprintf(num, sizeof(num), "%ld", p->ints[k]);
				emit(e, name, num);
			}
			break;
		default:
			emit(e, f->name, p->text);
			break;
		}
	}
}

const char *
html_query(struct req *req, const struct run *run, long page, const char *format)
{
	struct buf b = {0};
	struct emit e = { req, &b, NULL };
	const char *out;
	char num[32];

	params(&e, run);
	if (page > 0) {
		snprintf(num, sizeof(num), "%ld", page);
		emit(&e, "page", num);
	}
	if (format)
		emit(&e, "format", format);
	out = arena_strdup(req->a, b.p ? b.p : "");
	buf_free(&b);
	return out;
}

/* Sets MESSAGE and MESSAGE_EN of an error's section s. */
static void
error_message(struct req *req, struct tpl_dict *s)
{
	tpl_set(s, "MESSAGE", message_zh(req->a, req->err_msg, req->err_field,
	    req->err_label));
	tpl_set(s, "MESSAGE_EN", req->err_msg);
}

void
html_bad_fields(struct req *req, struct run *run, struct tpl_dict *d,
    const char *file)
{
	const struct report *r = run->r;
	const char *err;
	size_t i;

	if (!run->bad)
		return;
	for (i = 0; i < r->nfields; i++) {
		const struct field *f = &r->fields[i];

		if (run->pv[i].set || (f->flags & F_DERIVED))
			continue;
		if (f->type == FT_RANGE || f->type == FT_RANGES) {
			/* The form's two inputs (web/form.c made the range of them). */
			tpl_set(d, arena_printf(req->a, "f_%s_min", f->name),
			    val_text(val_get(req->params, arena_printf(req->a,
			    "%s_min", f->name))));
			tpl_set(d, arena_printf(req->a, "f_%s_max", f->name),
			    val_text(val_get(req->params, arena_printf(req->a,
			    "%s_max", f->name))));
		} else
			tpl_set(d, arena_printf(req->a, "f_%s", f->name),
			    val_text(val_get(req->params, f->name)));
	}
	if (req->err_field == NULL)
		return;
	err = arena_printf(req->a, "ERR_%s", req->err_field);
	if (!tpl_mentions(file, err))
		return;
	error_message(req, tpl_section(d, err));
	run->bad_shown = true;
}

struct tpl_dict *
html_page(struct req *req, const char *title)
{
	return html_page_refresh(req, title, 0);
}

struct tpl_dict *
html_page_refresh(struct req *req, const char *title, int refresh)
{
	struct tpl_dict *d = tpl_dict_new(), *h, *s;
	const char *q;

	/* Included templates see only their own dictionary: set the frame on both. */
	h = tpl_include(d, "HEADER", "header.tpl");
	if (refresh > 0)
		tpl_set_int(tpl_section(h, "REFRESH"), "SECS", refresh);
	tpl_set(d, "BASE", req->cfg->base_path);
	tpl_set(d, "STATIC", req->cfg->static_url);
	tpl_set(d, "TITLE", title);
	tpl_set(h, "BASE", req->cfg->base_path);
	tpl_set(h, "STATIC", req->cfg->static_url);
	tpl_set(h, "TITLE", title);
	/* LIVE: forms, sign-out, recordings; the static export shows EXPORT instead. */
	tpl_show(d, req->exporting ? "EXPORT" : "LIVE");
	tpl_show(h, req->exporting ? "EXPORT" : "LIVE");
	/*
	 * The number search's box, in every page's header: it keeps what was
	 * asked, and a bad value's message (in Chinese) beside it.
	 */
	if (req->path != NULL && strcmp(req->path, "/search") == 0 &&
	    (q = val_text(val_get(req->params, "q"))) != NULL)
		tpl_set(h, "Q", q);
	if (req->err_msg != NULL && req->err_field != NULL &&
	    strcmp(req->err_field, "q") == 0) {
		s = tpl_section(h, "Q_ERROR");
		error_message(req, s);
	}
	if (req_user(req) != NULL) {
		tpl_set(h, "USER", req_user(req));
		tpl_show(h, "SIGNED_IN");
		if (req->authby == AUTH_SESSION)
			tpl_show(h, "CAN_SIGN_OUT");
	}
	tpl_include(d, "FOOTER", "footer.tpl");
	return d;
}

int
html_finish(struct req *req, struct tpl_dict *d, const char *file)
{
	int rc = 0;

	if (tpl_render(file, d, &req->body_out)) {
		log_line(req->id, "template %s failed to expand", file);
		buf_reset(&req->body_out);
		req_error(req, 500, "internal error");
		rc = 500;
	} else
		req->ctype = "text/html; charset=utf-8";
	tpl_dict_free(d);
	return rc;
}

/* Returns the display text of a cell (NULL: empty); secs is scratch for milliseconds. */
static const char *
display(const struct column *col, const char *v, char *secs, size_t n)
{
	if (v == NULL)
		return NULL;
	switch (col->type) {
	case CT_BOOL:
		return v[0] == 't' ? "是" : "否";
	case CT_MS:
		snprintf(secs, n, "%.1f", strtod(v, NULL) / 1000.0);
		return secs;
	default:
		return v;
	}
}

/*
 * The names a column sets on each row, resolved once a process for each
 * report: its value by its key, its display text as <key>_text, a section
 * <key>_set when it has a value, and a CELL of the generic table (HEAD and
 * CELL: templates that list every column). What the report's template
 * never names is not set.
 */
struct colkeys {
	const struct tpl_key	*raw, *text, *set;	/* NULL: not named */
	const struct tpl_key	*color;	/* <key>_color: a section when it is #rrggbb */
	bool			 cell;	/* a HEAD and CELL of the generic table */
};

struct pagekeys {
	const struct report	*r;
	struct colkeys		*cols;		/* [r->ncols], kept for the process */
	/*
	 * The template tests LIVE or EXPORT: each row shows it too (a section
	 * of the page's own would read its variables from the page, not the row).
	 */
	bool			 live;
};

/* Returns the key of name when tpl names it, else NULL. */
static const struct tpl_key *
named(const char *tpl, const char *name)
{
	return tpl_mentions(tpl, name) ? tpl_key(name) : NULL;
}

/* Returns the keys of r's page, worked out at its first page (reports are few and static). */
static const struct pagekeys *
page_keys(const struct report *r)
{
	static struct pagekeys *keys;
	static size_t nkeys;
	struct pagekeys *pk;
	char name[128];
	size_t k;
	bool cells;

	for (k = 0; k < nkeys; k++)
		if (keys[k].r == r)
			return &keys[k];
	keys = xrealloc(keys, (nkeys + 1) * sizeof(*keys));
	pk = &keys[nkeys++];
	pk->r = r;
	cells = tpl_mentions(r->tpl, "CELL") || tpl_mentions(r->tpl, "HEAD");
	pk->live = tpl_mentions(r->tpl, "LIVE") || tpl_mentions(r->tpl, "EXPORT");
	pk->cols = xmalloc((r->ncols + 1) * sizeof(*pk->cols));
	for (k = 0; k < r->ncols; k++) {
		pk->cols[k].cell = cells && (r->cols[k].views & VH);
		pk->cols[k].raw = named(r->tpl, r->cols[k].key);
		snprintf(name, sizeof(name), "%s_text", r->cols[k].key);
		pk->cols[k].text = named(r->tpl, name);
		/* A template tests a value with {{#<key>_set}}. */
		snprintf(name, sizeof(name), "%s_set", r->cols[k].key);
		pk->cols[k].set = named(r->tpl, name);
		/* A colour is drawn (a swatch) only as #rrggbb: valid_color. */
		snprintf(name, sizeof(name), "%s_color", r->cols[k].key);
		pk->cols[k].color = named(r->tpl, name);
	}
	return pk;
}

/* Fills the ROW sections: every column by key (raw), and CELL repetitions (display). */
static void
rows(struct req *req, struct tpl_dict *d, struct run *run)
{
	const struct report *r = run->r;
	const struct pagekeys *pk = page_keys(r);
	const struct tpl_key *k_row = tpl_key("ROW"), *k_cell = tpl_key("CELL"),
	    *k_value = tpl_key("VALUE"), *k_numeric = tpl_key("NUMERIC"),
	    *k_live = tpl_key(req->exporting ? "EXPORT" : "LIVE");
	int n = PQntuples(run->rows), i, *no;
	struct tpl_dict *row, *c;
	const char *v, *disp;
	char secs[32];
	size_t k;

	no = arena_alloc(req->a, (r->ncols + 1) * sizeof(*no));
	for (k = 0; k < r->ncols; k++) {
		no[k] = PQfnumber(run->rows, r->cols[k].key);
		if (!pk->cols[k].cell)
			continue;
		c = tpl_section(d, "HEAD");
		tpl_set(c, "LABEL", r->cols[k].label);
	}
	for (i = 0; i < n; i++) {
		row = tpl_section_key(d, k_row);
		if (pk->live)
			tpl_show_key(row, k_live);
		for (k = 0; k < r->ncols; k++) {
			const struct column *col = &r->cols[k];
			const struct colkeys *ck = &pk->cols[k];

			if (col->type == CT_JSON)
				continue;
			v = no[k] >= 0 && !PQgetisnull(run->rows, i, no[k]) ?
			    PQgetvalue(run->rows, i, no[k]) : NULL;
			if (ck->raw != NULL)
				tpl_set_key(row, ck->raw, v);
			if (ck->set != NULL && v != NULL && *v)
				tpl_show_key(row, ck->set);
			if (ck->color != NULL && valid_color(v))
				tpl_show_key(row, ck->color);
			if (ck->text == NULL && !ck->cell)
				continue;
			disp = display(col, v, secs, sizeof(secs));
			if (ck->text != NULL)
				tpl_set_key(row, ck->text, disp);
			if (!ck->cell)
				continue;
			c = tpl_section_key(row, k_cell);
			tpl_set_key(c, k_value, disp);
			if (col->type == CT_INT || col->type == CT_MS ||
			    col->type == CT_NUM)
				tpl_show_key(c, k_numeric);
		}
	}
	if (n == 0)
		tpl_show(d, run->bad ? "BAD" : "EMPTY");
}

/* Sets f_<name> for every field and shows <name>_<value> for each set member. */
static void
filters(struct req *req, struct tpl_dict *d, struct run *run)
{
	const struct report *r = run->r;
	char key[96];
	size_t i, k;

	for (i = 0; i < r->nfields; i++) {
		const struct field *f = &r->fields[i];
		const struct pval *p = &run->pv[i];

		if (!p->set)
			continue;
		snprintf(key, sizeof(key), "f_%s", f->name);
		switch (f->type) {
		case FT_INTSET:
			for (k = 0; k < p->n; k++) {
				snprintf(key, sizeof(key), "%s_%ld", f->name, p->ints[k]);
				tpl_show(d, key);
			}
			break;
		case FT_CODESET:
		case FT_UUIDSET:
			for (k = 0; k < p->n; k++) {
				snprintf(key, sizeof(key), "%s_%s", f->name, p->strs[k]);
				tpl_show(d, key);
			}
			break;
		case FT_RANGE:
			/* An end at the field's limit is open: the form shows it empty. */
			if (p->ints[0] != f->min)
				tpl_set_int(d, arena_printf(req->a, "f_%s_min",
				    f->name), p->ints[0]);
			if (p->ints[1] != f->max)
				tpl_set_int(d, arena_printf(req->a, "f_%s_max",
				    f->name), p->ints[1]);
			break;
		case FT_RANGES:
			for (k = 0; k < p->n; k++) {
				snprintf(key, sizeof(key), "%s_%ld_%ld", f->name,
				    p->ints[2 * k], p->ints[2 * k + 1]);
				tpl_show(d, key);
			}
			break;
		case FT_FLAG:
			if (p->i)
				tpl_show(d, arena_printf(req->a, "%s_on", f->name));
			/* FALLTHROUGH */
		default:
			tpl_set(d, key, p->text);
			break;
		}
	}
}

int
html_report(struct req *req, struct run *run)
{
	const struct report *r = run->r;
	struct tpl_dict *d, *s, *pager;
	const char *task = NULL, *path, *colon, *total, *title = r->title;
	size_t i;
	int status, is = REPORT_FIELD(r, "start_at"), ie = REPORT_FIELD(r, "end_at");

	/* Bad input on a page without a form: the error page (html_error). */
	if (run->bad && !tpl_mentions(r->tpl, "FORM_ERROR"))
		return 400;
	/* A page of a period says which in its title. */
	if (REPORT_FIELD(r, "period") >= 0 && is >= 0 && ie >= 0 &&
	    run->pv[is].set && run->pv[ie].set)
		title = arena_printf(req->a, "%s %s 至 %s", r->title,
		    run->pv[is].text, run->pv[ie].text);
	d = html_page(req, title);

	for (i = 0; i < r->nfields; i++)
		if (strcmp(r->fields[i].name, "task_id") == 0 && run->pv[i].set)
			task = run->pv[i].text;
	if (task)
		tpl_set(d, "TASK_ID", task);
	/* A POST report's links (pager, XLSX) go to its GET page. */
	if (r->page_path != NULL && task != NULL &&
	    strcmp(req->method, "POST") == 0 &&
	    (colon = strstr(r->page_path, ":task_id")) != NULL)
		path = arena_printf(req->a, "%s%.*s%s%s", req->cfg->base_path,
		    (int)(colon - r->page_path), r->page_path, task, colon + 8);
	else
		path = arena_printf(req->a, "%s%s", req->cfg->base_path, req->path);
	total = run->total_capped ? arena_printf(req->a, "%ld+", run->total) :
	    arena_printf(req->a, "%ld", run->total);
	tpl_set(d, "TOTAL", total);
	tpl_set_int(d, "PAGE", run->page);
	tpl_set_int(d, "LAST_PAGE", run->last_page);
	tpl_set(d, "PATH", path);
	tpl_set(d, "XLSX_QUERY", html_query(req, run, 0, "xlsx"));
	pager = tpl_include(d, "PAGER", "pager.tpl");
	tpl_set(pager, "PATH", path);
	tpl_set(pager, "TOTAL", total);
	tpl_set_int(pager, "PAGE", run->page);
	tpl_set_int(pager, "LAST_PAGE", run->last_page);
	if (run->page > 1) {
		s = tpl_section(pager, "PREV");
		tpl_set(s, "QUERY", html_query(req, run, run->page - 1, NULL));
		s = tpl_section(pager, "FIRST");
		tpl_set(s, "QUERY", html_query(req, run, 1, NULL));
	}
	/* No link to a page deeper than max_offset: the engine refuses it. */
	if (run->page < run->last_page &&
	    (run->page_max == 0 || run->page < run->page_max)) {
		s = tpl_section(pager, "NEXT");
		tpl_set(s, "QUERY", html_query(req, run, run->page + 1, NULL));
	}
	if (run->page < run->last_page &&
	    (run->page_max == 0 || run->last_page <= run->page_max)) {
		s = tpl_section(pager, "LAST");
		tpl_set(s, "QUERY", html_query(req, run, run->last_page, NULL));
	}
	if (run->last_page > 1 && !req->exporting) {
		/* A page number to go to, the filters kept as hidden inputs. */
		struct emit e = { req, NULL, tpl_section(pager, "JUMP") };

		params(&e, run);
	}
	filters(req, d, run);
	rows(req, d, run);
	if (r->html != NULL && (status = r->html(req, run, d)) != 0) {
		tpl_dict_free(d);
		return status;
	}
	if (run->bad) {
		/* The form as filled, the message beside its field or above the form. */
		html_bad_fields(req, run, d, r->tpl);
		if (!run->bad_shown)
			error_message(req, tpl_section(d, "FORM_ERROR"));
	}
	return html_finish(req, d, r->tpl);
}

/*
 * The page of an error recorded by req_error: the sign-in form for a 401
 * (it comes back to this address), else the error page. When the template
 * cannot be expanded, the JSON envelope says it.
 */
void
html_error(struct req *req)
{
	struct tpl_dict *d;
	const char *uri = req_env(req, "REQUEST_URI");

	d = html_page(req, req->status == 401 ? "登录" : "出错了");
	tpl_set_int(d, "CODE", req->status);
	/* A person reads Chinese; the English (the JSON's) stays in a title. */
	error_message(req, d);
	tpl_show(d, "MSG");
	tpl_set(d, "NEXT", uri ? uri : "");
	buf_reset(&req->body_out);
	if (tpl_render(req->status == 401 ? "login.tpl" : "error.tpl", d,
	    &req->body_out) == 0)
		req->ctype = "text/html; charset=utf-8";
	else
		envelope_error(req);
	tpl_dict_free(d);
}
