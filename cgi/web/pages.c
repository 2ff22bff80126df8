/*
 * pages.c: the browser pages that are not reports (sign-in, sign-out, one
 * call, its recording) and the extras of the report pages: form choices,
 * sortable heads, a call's facts and turns.
 */
#include <sys/stat.h>

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "web/app.h"
#include "base/auth.h"
#include "store/db.h"
#include "render/html.h"
#include "report/report.h"
#include "sqltext.h"
#include "input/valid.h"

/* Sets a 303 redirect to a path below the base path. */
static int
redirect(struct req *req, const char *to)
{
	req_header(req, "Location", arena_printf(req->a, "%s%s",
	    req->cfg->base_path, to));
	req->status = 303;
	req->ctype = "text/plain; charset=utf-8";
	buf_puts(&req->body_out, "see other\n");
	return 303;
}

/* Returns 303 to the task list. */
int
page_index(struct req *req)
{
	return redirect(req, "/tasks");
}

/* Returns the session cookie header value for sid ("" clears it). */
static const char *
session_cookie(struct req *req, const char *sid, long ttl)
{
	return arena_printf(req->a, "crsid=%s; Path=%s/; Max-Age=%ld; HttpOnly; "
	    "SameSite=Lax%s", sid, req->cfg->base_path, sid[0] ? ttl : 0,
	    req->https ? "; Secure" : "");
}


/* Returns "\x<hex>" of the SHA-256 of s, a bytea parameter, in the arena. */
static const char *
hash_param(struct req *req, const char *s)
{
	char hex[65];

	return arena_printf(req->a, "\\x%s", sha256_hex(s, strlen(s), hex));
}

static const struct field f_login[] = {
	{ "name", FT_TEXT, 0, 0, 128, NULL, NULL, "用户名" },
	{ "password", FT_TEXT, 0, 0, 1024, NULL, NULL, "密码" },
	{ "next", FT_TEXT, 0, 0, 2048, NULL, NULL, NULL },
};

/* Renders the sign-in form with an optional message; returns status. */
static int
login_form(struct req *req, int status, const char *message, const char *next,
    const char *name)
{
	struct tpl_dict *d = html_page(req, "登录");

	req->status = status;
	if (message) {
		tpl_set(d, "MESSAGE", message);
		tpl_show(d, "MSG");
	}
	tpl_set(d, "NEXT", next ? next : "");
	tpl_set(d, "NAME", name ? name : "");
	req_header(req, "Cache-Control", "no-store");
	return html_finish(req, d, "login.tpl") ? 500 : status;
}

/* Returns how many failures key had recently (after adding one when add). */
static long
failures(struct req *req, const char *key, int add, int *dberr)
{
	const char *p[2] = { key, arena_printf(req->a, "%ld", req->cfg->login_window) };
	PGresult *res;
	long n;

	*dberr = db_exec(req->db, add ? "SELECT callreport_login_failure($1, $2::int)" :
	    "SELECT callreport_login_failures($1, $2::int)", 2, p, &res);
	if (*dberr != DB_OK)
		return -1;
	n = atol(PQgetvalue(res, 0, 0));
	PQclear(res);
	return n;
}

/*
 * GET: the sign-in form. POST: checks name and password (rate-limited per
 * name and per address), starts a session and returns 303 to next (a path
 * of this site only).
 */
int
page_login(struct req *req)
{
	struct pval pv[3];
	const char *err, *name, *pass, *next, *addr, *p[3], *hash;
	char sid[TOKEN_LEN + 1];
	PGresult *res;
	int e, ok;
	long fu, fa;

	if (validate(req->a, f_login, 3, req->params, pv, &err))
		return login_form(req, 400, err, NULL, NULL);
	next = pv[2].set ? pv[2].text : "";
	if (next[0] != '/' || next[1] == '/' || strchr(next, '\\') ||
	    strpbrk(next, "\r\n\t") != NULL)
		next = "";
	if (strcmp(req->method, "POST") != 0)
		return login_form(req, 200, NULL, next, NULL);
	name = pv[0].set ? pv[0].text : "";
	pass = pv[1].set ? pv[1].text : "";
	addr = req_env(req, "REMOTE_ADDR");
	fu = failures(req, arena_printf(req->a, "user:%s", name), 0, &e);
	fa = fu < 0 ? -1 : failures(req, arena_printf(req->a, "addr:%s",
	    addr ? addr : "-"), 0, &e);
	if (fu < 0 || fa < 0)
		return req_db_fail(req, e);
	if (fu >= req->cfg->login_max_failures || fa >= req->cfg->login_max_failures) {
		req_header(req, "Retry-After", arena_printf(req->a, "%ld",
		    req->cfg->login_window));
		log_line(req->id, "sign-in refused: too many failures");
		return login_form(req, 429, "登录失败次数过多, 请稍后再试", next, name);
	}
	p[0] = name;
	if ((e = db_exec(req->db, "SELECT callreport_password_hash($1), "
	    "callreport_tenant_by_name($1)", 1, p, &res)) != DB_OK)
		return req_db_fail(req, e);
	hash = PQgetisnull(res, 0, 0) ? NULL : PQgetvalue(res, 0, 0);
	/* Without a hash, check against a dummy one: the same time either way. */
	ok = password_check(pass, hash ? hash : "$y$j9T$aaaaaaaaaaaaaaaaaaaaaa$"
	    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa");
	if (!ok || hash == NULL) {
		PQclear(res);
		failures(req, arena_printf(req->a, "user:%s", name), 1, &e);
		failures(req, arena_printf(req->a, "addr:%s", addr ? addr : "-"), 1, &e);
		log_line(req->id, "sign-in failed");
		return login_form(req, 401, "用户名或密码错误", next, name);
	}
	if (token_new(sid, "crs_")) {
		PQclear(res);
		req_error(req, 500, "internal error");
		return 500;
	}
	p[0] = hash_param(req, sid);
	p[1] = arena_strdup(req->a, PQgetvalue(res, 0, 1));
	p[2] = arena_printf(req->a, "%ld", req->cfg->session_ttl);
	PQclear(res);
	if ((e = db_exec(req->db, "SELECT callreport_session_new($1::bytea, "
	    "$2::uuid, $3::int)", 3, p, &res)) != DB_OK)
		return req_db_fail(req, e);
	PQclear(res);
	req_header(req, "Set-Cookie", session_cookie(req, sid, req->cfg->session_ttl));
	req_header(req, "Cache-Control", "no-store");
	if (next[0] == '\0')
		next = "/tasks";
	else if (req->cfg->base_path[0] != '\0' &&
	    strncmp(next, req->cfg->base_path, strlen(req->cfg->base_path)) == 0)
		next += strlen(req->cfg->base_path);
	return redirect(req, next[0] == '/' ? next : "/tasks");
}

/* Ends the session on the server, clears the cookie, returns 303 to sign-in. */
int
page_logout(struct req *req)
{
	const char *sid = req_cookie(req, "crsid"), *p[1];
	PGresult *res;
	int e;

	if (sid != NULL && *sid) {
		p[0] = hash_param(req, sid);
		if ((e = db_exec(req->db, "SELECT callreport_session_end($1::bytea)",
		    1, p, &res)) != DB_OK)
			return req_db_fail(req, e);
		PQclear(res);
	}
	req_header(req, "Set-Cookie", session_cookie(req, "", 0));
	req_header(req, "Cache-Control", "no-store");
	return redirect(req, "/login");
}

/* ------------------------------------------------------------------ */
/* Browser forms                                                       */

/* Returns true when v is absent, null or an empty string. */
static bool
blank(const struct val *v)
{
	return v == NULL || v->type == V_NULL ||
	    (v->type == V_STR && v->s[0] == '\0');
}

/* Returns a string value in the arena. */
static struct val *
str_val(struct req *req, const char *s)
{
	struct val *v = val_new(req->a, V_STR);

	v->s = arena_strdup(req->a, s);
	return v;
}

/* Appends item to the array a (whose storage is the arena's). */
static void
push(struct req *req, struct val *a, struct val *item)
{
	struct val **items;

	if (a->n == a->cap) {
		a->cap = a->cap ? a->cap * 2 : 4;
		items = arena_alloc(req->a, a->cap * sizeof(*items));
		if (a->n)
			memcpy(items, a->items, a->n * sizeof(*items));
		a->items = items;
	}
	a->items[a->n++] = item;
}

/* Returns the pair [lo, hi] of strings (an empty end is the field's limit). */
static struct val *
pair(struct req *req, const struct field *f, const char *lo, const char *hi)
{
	struct val *a = val_new(req->a, V_ARR);

	push(req, a, str_val(req, *lo ? lo : arena_printf(req->a, "%ld", f->min)));
	push(req, a, str_val(req, *hi ? hi : arena_printf(req->a, "%ld", f->max)));
	return a;
}

/* Returns the string of a form value that is one (else ""). */
static const char *
sval(const struct val *v)
{
	return v != NULL && (v->type == V_STR || v->type == V_NUM) ? v->s : "";
}

/*
 * Turns a browser form's GET parameters into the report's fields: an empty
 * input is an absent filter; NAME_min and NAME_max make the range NAME (an
 * empty end is open); a checkbox levels[]="lo,hi" is the interval [lo, hi]
 * and levels_min/levels_max add one; a datetime-local value
 * ("2019-05-08T19:02") is a time "2019-05-08 19:02:00". Anything else is left
 * for the validator to judge, so a bad value still answers 400.
 */
void
page_form(struct req *req, const struct report *r)
{
	struct val *v, *out, *item;
	const char *lo, *hi, *s;
	size_t i, k;

	for (i = 0; i < r->nfields; i++) {
		const struct field *f = &r->fields[i];

		v = val_get(req->params, f->name);
		switch (f->type) {
		case FT_RANGE:
			lo = sval(val_get(req->params, arena_printf(req->a, "%s_min", f->name)));
			hi = sval(val_get(req->params, arena_printf(req->a, "%s_max", f->name)));
			if (v != NULL && v->type == V_ARR) {
				for (k = 0; k < v->n && blank(v->items[k]); k++)
					;
				if (k < v->n)
					break;	/* a range given: the validator's */
				v = NULL;
			}
			if (!blank(v))
				break;
			val_set(req->a, req->params, f->name, *lo || *hi ?
			    pair(req, f, lo, hi) : val_new(req->a, V_NULL));
			break;
		case FT_RANGES:
			out = val_new(req->a, V_ARR);
			for (k = 0; v != NULL && v->type == V_ARR && k < v->n; k++) {
				item = v->items[k];
				if (blank(item))
					continue;
				if (item->type == V_STR && (s = strchr(item->s, ',')) != NULL)
					item = pair(req, f, arena_strndup(req->a,
					    item->s, (size_t)(s - item->s)), s + 1);
				else if (item->type == V_ARR && item->n == 2 &&
				    blank(item->items[0]) && blank(item->items[1]))
					continue;
				push(req, out, item);
			}
			if (v != NULL && v->type != V_ARR && !blank(v))
				break;	/* not a form's: the validator's */
			lo = sval(val_get(req->params, arena_printf(req->a, "%s_min", f->name)));
			hi = sval(val_get(req->params, arena_printf(req->a, "%s_max", f->name)));
			if (*lo || *hi)
				push(req, out, pair(req, f, lo, hi));
			val_set(req->a, req->params, f->name, out->n ? out :
			    val_new(req->a, V_NULL));
			break;
		case FT_TIME:
			if (v == NULL || v->type != V_STR)
				break;
			if (strlen(v->s) == 16 && v->s[10] == 'T')
				v->s = arena_printf(req->a, "%.10s %s:00", v->s, v->s + 11);
			else if (strlen(v->s) == 19 && v->s[10] == 'T')
				v->s = arena_printf(req->a, "%.10s %s", v->s, v->s + 11);
			break;
		case FT_INTSET:
		case FT_CODESET:
		case FT_UUIDSET:
			if (v == NULL || v->type != V_ARR) {
				if (v != NULL && blank(v))
					val_set(req->a, req->params, f->name,
					    val_new(req->a, V_NULL));
				break;
			}
			out = val_new(req->a, V_ARR);
			for (k = 0; k < v->n; k++)
				if (!blank(v->items[k]))
					push(req, out, v->items[k]);
			val_set(req->a, req->params, f->name, out);
			break;
		default:
			if (v != NULL && blank(v))
				val_set(req->a, req->params, f->name,
				    val_new(req->a, V_NULL));
			break;
		}
	}
}

/* ------------------------------------------------------------------ */
/* The extras of report pages                                          */

/* Returns the index of the field named name in r, or -1. */
static int
fidx(const struct report *r, const char *name)
{
	size_t i;

	for (i = 0; i < r->nfields; i++)
		if (strcmp(r->fields[i].name, name) == 0)
			return (int)i;
	return -1;
}

/* Returns the validated text of field name of a run, or NULL. */
static const char *
ftext(const struct run *run, const char *name)
{
	int i = fidx(run->r, name);

	return i >= 0 && run->pv[i].set ? run->pv[i].text : NULL;
}

/*
 * Runs sql ($1 the tenant, $2 id) into *res. Returns 0, 404 (no row; the
 * error is set, *res cleared) or the status of a database failure.
 */
static int
one_row(struct req *req, const char *sql, const char *id, PGresult **res)
{
	const char *p[2] = { req->tenant, id };
	enum db_err e;

	if ((e = db_exec(req->db, sql, 2, p, res)) != DB_OK)
		return req_db_fail(req, e);
	if (PQntuples(*res) == 0) {
		PQclear(*res);
		*res = NULL;
		req_error(req, 404, "not found");
		return 404;
	}
	return 0;
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
	int is = fidx(run->r, "sort"), id = fidx(run->r, "dir");
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
	tpl_set(d, "SORT_QUERY", run_query(req, run, 0, NULL));
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
html_task_number(struct req *req, struct run *run, struct tpl_dict *d)
{
	int st;

	if ((st = task_heading(req, run, d)) != 0)
		return st;
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
html_done_phones(struct req *req, struct run *run, struct tpl_dict *d)
{
	const char *kind;
	const struct pval *lv = NULL, *tg = NULL;
	struct tpl_dict *s;
	PGresult *res;
	size_t k, m;
	int i, il = fidx(run->r, "levels"), it = fidx(run->r, "tags");
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
	sort_heads(req, run, d, "calldate", true);
	return 0;
}

/* ------------------------------------------------------------------ */
/* One call: its transcript page and its recording                     */

/*
 * Returns the file of a recording below recordings_root (resolved, in the
 * arena), or NULL. The platform stores a path of its own
 * ("/mnt/smartivr/recordings/2019-05-08/x.wav"): the file is looked for
 * under the root by that path's trailing parts, longest first
 * (mnt/smartivr/recordings/2019-05-08/x.wav, ..., 2019-05-08/x.wav, x.wav),
 * so a copy of the whole tree, of the recordings directory or of the day
 * directories all work. A path with a ".." part is never looked up, and a
 * file that resolves (through symlinks) outside the root is never served.
 */
static const char *
recording_path(struct req *req, const char *file)
{
	char root[PATH_MAX], *real, *copy, *part, *save = NULL;
	const char *parts[64], *found = NULL;
	struct buf b = {0};
	struct stat st;
	size_t np = 0, k, j, rl;

	if (file == NULL || *file == '\0' || req->cfg->recordings_root[0] == '\0' ||
	    realpath(req->cfg->recordings_root, root) == NULL)
		return NULL;
	rl = strlen(root);
	copy = arena_strdup(req->a, file);
	for (part = strtok_r(copy, "/", &save); part != NULL;
	    part = strtok_r(NULL, "/", &save)) {
		if (strcmp(part, "..") == 0 || np == sizeof(parts) / sizeof(parts[0]))
			return NULL;
		if (strcmp(part, ".") != 0)
			parts[np++] = part;
	}
	for (k = 0; k < np && found == NULL; k++) {
		buf_reset(&b);
		buf_puts(&b, root);
		for (j = k; j < np; j++) {
			buf_putc(&b, '/');
			buf_puts(&b, parts[j]);
		}
		if (b.len >= PATH_MAX || (real = realpath(b.p, NULL)) == NULL)
			continue;
		if (strncmp(real, root, rl) == 0 && (rl == 1 || real[rl] == '/') &&
		    stat(real, &st) == 0 && S_ISREG(st.st_mode))
			found = arena_strdup(req->a, real);
		free(real);
	}
	buf_free(&b);
	return found;
}

/* Returns the media type of a recording by its name. */
static const char *
audio_type(const char *path)
{
	const char *dot = strrchr(path, '.');

	if (dot == NULL)
		return "application/octet-stream";
	if (strcasecmp(dot, ".wav") == 0)
		return "audio/wav";
	if (strcasecmp(dot, ".mp3") == 0)
		return "audio/mpeg";
	if (strcasecmp(dot, ".ogg") == 0 || strcasecmp(dot, ".opus") == 0)
		return "audio/ogg";
	if (strcasecmp(dot, ".m4a") == 0)
		return "audio/mp4";
	return "application/octet-stream";
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
html_transcript(struct req *req, struct run *run, struct tpl_dict *d)
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
	else if ((path = recording_path(req, file)) == NULL)
		tpl_show(d, "AUDIO_MISSING");
	else {
		t = tpl_section(d, "AUDIO");
		tpl_set(t, "src", arena_printf(req->a, "%s/records/%s/recording",
		    req->cfg->base_path, rid));
		tpl_set(t, "type", audio_type(path));
	}
	return 0;
}

/* The history of one number: its facts (num_*). */
int
html_number_history(struct req *req, struct run *run, struct tpl_dict *d)
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
 * GET /records/{record_id}: the transcript page of a call of any of the
 * caller's tasks (the v1 record_info page without the task in the path).
 * Returns 404 when the record is not the caller's, as the v1 endpoints do.
 */
int
page_record(struct req *req)
{
	const char *id = sval(val_get(req->params, "record_id"));
	PGresult *res;
	int st;

	if (!valid_uuid(id)) {
		req_error(req, 400, "record_id must be a UUID");
		return 400;
	}
	if ((st = one_row(req, sql_record_task, id, &res)) != 0)
		return st;
	val_set(req->a, req->params, "task_id", str_val(req, PQgetvalue(res, 0, 0)));
	PQclear(res);
	return report_serve(req, &reports[REPORT_TRANSCRIPT]);
}

/*
 * Parses a Range header against a file of size bytes. Returns 1 with
 * [*off, *off + *len) for one satisfiable range, 0 to send the whole file
 * (no header, several ranges, or a syntax we do not take), -1 when the
 * range cannot be satisfied (416).
 */
static int
parse_range(const char *h, long long size, long long *off, long long *len)
{
	long long a, b;
	char *end;

	if (h == NULL || strncmp(h, "bytes=", 6) != 0 || strchr(h, ',') != NULL)
		return 0;
	h += 6;
	while (*h == ' ')
		h++;
	if (*h == '-') {		/* the last N bytes */
		if (!isdigit((unsigned char)h[1]))
			return 0;
		errno = 0;
		b = strtoll(h + 1, &end, 10);
		if (errno || *end != '\0')
			return 0;
		if (b == 0 || size == 0)
			return -1;
		*len = b < size ? b : size;
		*off = size - *len;
		return 1;
	}
	if (!isdigit((unsigned char)*h))
		return 0;
	errno = 0;
	a = strtoll(h, &end, 10);
	if (errno || *end != '-')
		return 0;
	h = end + 1;
	if (*h == '\0')
		b = size - 1;
	else {
		if (!isdigit((unsigned char)*h))
			return 0;
		b = strtoll(h, &end, 10);
		if (errno || *end != '\0' || b < a)
			return 0;
		if (b >= size)
			b = size - 1;
	}
	if (a >= size)
		return -1;
	*off = a;
	*len = b - a + 1;
	return 1;
}

/*
 * GET /records/{record_id}/recording: the call's recording, after the same
 * tenant check as its page (404 for another tenant's record, a record
 * without a file, or recordings switched off). Answers one byte range
 * (206) so that players can seek; several ranges get the whole file.
 */
int
page_recording(struct req *req)
{
	const char *id = sval(val_get(req->params, "record_id")), *path, *tag, *h;
	long long off = 0, len = 0, size;
	PGresult *res;
	struct stat st;
	int rc;

	if (!valid_uuid(id)) {
		req_error(req, 400, "record_id must be a UUID");
		return 400;
	}
	if ((rc = one_row(req, sql_record_task, id, &res)) != 0)
		return rc;
	path = recording_path(req, PQgetisnull(res, 0, 1) ? NULL :
	    PQgetvalue(res, 0, 1));
	PQclear(res);
	if (path == NULL || stat(path, &st) != 0) {
		req_error(req, 404, "not found");
		return 404;
	}
	size = (long long)st.st_size;
	tag = arena_printf(req->a, "\"rec-%llx-%llx\"", size,
	    (long long)st.st_mtime);
	req_header(req, "Accept-Ranges", "bytes");
	req_header(req, "ETag", tag);
	req_header(req, "Cache-Control", "private, max-age=86400");
	if ((h = req_env(req, "HTTP_IF_NONE_MATCH")) != NULL && strstr(h, tag)) {
		req->status = 304;
		return 304;
	}
	/* A Range for another version of the file (If-Range): the whole file. */
	h = req_env(req, "HTTP_IF_RANGE");
	rc = h != NULL && strcmp(h, tag) != 0 ? 0 :
	    parse_range(req_env(req, "HTTP_RANGE"), size, &off, &len);
	if (rc < 0) {
		req_error(req, 416, "range not satisfiable");
		req_header(req, "Content-Range", arena_printf(req->a,
		    "bytes */%lld", size));
		return 416;
	}
	req->file = path;
	req->ctype = audio_type(path);
	if (rc == 1) {
		req->file_off = (off_t)off;
		req->file_len = (off_t)len;
		req_header(req, "Content-Range", arena_printf(req->a,
		    "bytes %lld-%lld/%lld", off, off + len - 1, size));
		req->status = 206;
		return 206;
	}
	req->file_len = (off_t)size;
	req->status = 200;
	return 200;
}
