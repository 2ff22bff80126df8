/* envelope.c: the v1 JSON answers (the platform's envelopes), by the one JSON writer. */
#include <stdlib.h>
#include <string.h>

#include "base/arena.h"
#include "base/buf.h"
#include "render/envelope.h"

void
envelope_column(struct json *j, const struct column *c, PGresult *res, int row,
    int col)
{
	const char *v;

	if (col < 0 || PQgetisnull(res, row, col)) {
		json_null(j);
		return;
	}
	v = PQgetvalue(res, row, col);
	switch (c->type) {
	case CT_ID:
	case CT_INT:
	case CT_NUM:
	case CT_MS:
		json_number_text(j, v);
		break;
	case CT_BOOL:
		json_boolean(j, v[0] == 't');
		break;
	case CT_JSON:
		json_raw(j, v);
		break;
	default:
		json_str(j, v);
		break;
	}
}

/*
 * The keys of n columns as JSON texts ("key":), escaped once for all the
 * rows: column i's is k->b.p from k->at[i] to k->at[i + 1]. Free k->b.
 */
struct keys {
	struct buf	 b;
	size_t		*at;
};

static void
keys_quote(struct req *req, struct keys *k, const struct column *cols, size_t n)
{
	size_t i;

	memset(&k->b, 0, sizeof(k->b));
	k->at = arena_alloc(req->a, (n + 1) * sizeof(*k->at));
	for (i = 0; i < n; i++) {
		k->at[i] = k->b.len;
		json_key_quote(&k->b, cols[i].key);
	}
	k->at[n] = k->b.len;
}

static void
key(struct json *j, const struct keys *k, size_t i)
{
	json_key_text(j, k->b.p + k->at[i], k->at[i + 1] - k->at[i]);
}

/* Writes the rows of a run as JSON objects of their JSON columns. */
static void
rows(struct json *j, struct req *req, struct run *run, int *colno, bool array)
{
	const struct report *r = run->r;
	int n = PQntuples(run->rows), row;
	struct keys k;
	size_t i;

	keys_quote(req, &k, r->cols, r->ncols);
	if (array)
		json_arr_open(j);
	for (row = 0; row < n; row++) {
		json_obj_open(j);
		for (i = 0; i < r->ncols; i++) {
			if (!(r->cols[i].views & VJ))
				continue;
			if ((r->cols[i].views & OMIT_NULL) &&
			    (colno[i] < 0 || PQgetisnull(run->rows, row, colno[i])))
				continue;
			key(j, &k, i);
			envelope_column(j, &r->cols[i], run->rows, row, colno[i]);
		}
		json_obj_close(j);
		if (!array)
			break;
	}
	if (array)
		json_arr_close(j);
	buf_free(&k.b);
}

/*
 * Writes the rows of each part of a run's report (struct part) as a member
 * of the object open: its key, an array of objects of its JSON columns
 * (NULL for a part that did not run: an empty array).
 */
static void
parts(struct json *j, struct req *req, struct run *run)
{
	const struct report *r = run->r;
	const struct part *p;
	struct keys keys;
	PGresult *res;
	int *colno, n, row;
	size_t k, i;

	for (k = 0; k < r->nparts && k < REPORT_PARTS; k++) {
		p = &r->parts[k];
		res = run->parts[k];
		n = res != NULL ? PQntuples(res) : 0;
		colno = arena_alloc(req->a, (p->ncols + 1) * sizeof(int));
		for (i = 0; i < p->ncols; i++)
			colno[i] = res != NULL ? PQfnumber(res, p->cols[i].key) : -1;
		json_key(j, p->key);
		keys_quote(req, &keys, p->cols, p->ncols);
		json_arr_open(j);
		for (row = 0; row < n; row++) {
			json_obj_open(j);
			for (i = 0; i < p->ncols; i++) {
				if (!(p->cols[i].views & VJ))
					continue;
				key(j, &keys, i);
				envelope_column(j, &p->cols[i], res, row, colno[i]);
			}
			json_obj_close(j);
		}
		json_arr_close(j);
		buf_free(&keys.b);
	}
}

static void
ok_head(struct json *j, const struct report *r)
{
	json_key(j, "code");
	json_int(j, 200);
	json_key(j, "status");
	json_str(j, "ok");
	json_key(j, "message");
	json_str(j, r->message);
}

static void
paged(struct json *j, struct req *req, struct run *run, int *colno)
{
	json_obj_open(j);
	json_key(j, "data");
	rows(j, req, run, colno, true);
	json_key(j, "total");
	json_int(j, run->total);
	/* A bound, not the count: there are more rows (struct report's count_paged). */
	if (run->total_capped) {
		json_key(j, "total_capped");
		json_boolean(j, true);
	}
	json_key(j, "last_page");
	json_int(j, run->last_page);
	json_obj_close(j);
}

int
envelope_report(struct req *req, struct run *run)
{
	const struct report *r = run->r;
	struct json j;
	int *colno;
	size_t i;

	colno = arena_alloc(req->a, (r->ncols + 1) * sizeof(int));
	for (i = 0; i < r->ncols; i++)
		colno[i] = PQfnumber(run->rows, r->cols[i].key);
	req->ctype = "application/json; charset=utf-8";
	json_init(&j, &req->body_out);
	switch (r->env) {
	case ENV_RAW:
		buf_puts(&req->body_out, PQgetvalue(run->rows, 0, 0));
		return 0;
	case ENV_PAGE_BARE:
		paged(&j, req, run, colno);
		return 0;
	case ENV_PAGE:
	case ENV_OBJECT:
	case ENV_LIST:
		json_obj_open(&j);
		ok_head(&j, r);
		json_key(&j, "data");
		if (r->env == ENV_PAGE)
			paged(&j, req, run, colno);
		else
			rows(&j, req, run, colno, r->env == ENV_LIST);
		/* A report's parts beside its data (the contract's keys stay first). */
		parts(&j, req, run);
		json_obj_close(&j);
		return 0;
	case ENV__MAX:
		break;
	}
	return 500;
}

void
envelope_error(struct req *req)
{
	struct json j;

	buf_reset(&req->body_out);
	req->ctype = "application/json; charset=utf-8";
	json_init(&j, &req->body_out);
	json_obj_open(&j);
	json_key(&j, "code");
	json_int(&j, req->status);
	json_key(&j, "status");
	json_str(&j, "error");
	json_key(&j, "message");
	json_str(&j, req->err_msg);
	json_obj_close(&j);
}
