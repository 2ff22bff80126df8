/* reportlist.c: bin/callreport reports: the report table (reports[]) as the program holds it. */
#include <stdio.h>
#include <string.h>

#include "base/json.h"
#include "base/buf.h"
#include "cli/reportlist.h"
#include "report/report.h"
#include "report/reports.h"

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

/*
 * The names of the enums, in their order: a value added to an enum without
 * its name here fails to compile.
 */
static const char *const ftypes[] = {
	"uuid", "uint", "digits", "text", "time", "flag", "intset", "codeset",
	"uuidset", "range", "ranges", "keys",
};
_Static_assert(NELEM(ftypes) == FT__MAX, "a name for every enum ftype");

static const char *const ctypes[] = {
	"text", "code", "id", "int", "num", "ms", "bool", "time", "json",
};
_Static_assert(NELEM(ctypes) == CT__MAX, "a name for every enum ctype");

static const char *const envelopes[] = {
	"page", "page_bare", "object", "list", "raw",
};
_Static_assert(NELEM(envelopes) == ENV__MAX, "a name for every enum envelope");

/* The name of the report a link field (alt, variant: a report_id + 1) names, or NULL. */
static const char *
linked(int id)
{
	return id > 0 && id <= REPORT__MAX ? reports[id - 1].name : NULL;
}

static void
key_str(struct json *j, const char *key, const char *s)
{
	json_key(j, key);
	json_str(j, s);
}

static void
field_json(struct json *j, const struct field *f)
{
	size_t k;

	json_obj_open(j);
	key_str(j, "name", f->name);
	key_str(j, "type", ftypes[f->type]);
	json_key(j, "required");
	json_boolean(j, f->flags & F_REQUIRED);
	/* F_NOSQL: the engine's (page, sort=), no SQL parameter. */
	json_key(j, "sql");
	json_boolean(j, !(f->flags & F_NOSQL));
	/* F_PAGE: HTML and the files only; the JSON never reads it. */
	json_key(j, "page_only");
	json_boolean(j, f->flags & F_PAGE);
	json_key(j, "min");
	json_int(j, f->min);
	json_key(j, "max");
	json_int(j, f->max);
	/* A code set's parameter is an array of these values, not of the codes. */
	if (f->codevals != NULL) {
		json_key(j, "codevals");
		json_arr_open(j);
		for (k = 0; f->codevals[k] != NULL; k++)
			json_str(j, f->codevals[k]);
		json_arr_close(j);
	}
	json_obj_close(j);
}

static void
column_json(struct json *j, const struct column *c)
{
	json_obj_open(j);
	key_str(j, "key", c->key);
	key_str(j, "type", ctypes[c->type]);
	json_key(j, "views");
	json_arr_open(j);
	if (c->views & VJ)
		json_str(j, "json");
	if (c->views & VH)
		json_str(j, "html");
	if (c->views & VX)
		json_str(j, "xlsx");
	json_arr_close(j);
	json_key(j, "omit_null");
	json_boolean(j, c->views & OMIT_NULL);
	json_obj_close(j);
}

/* A part (struct part): its statement, the fields of its $2, $3, ..., its columns. */
static void
part_json(struct json *j, const struct part *p)
{
	size_t i;

	json_obj_open(j);
	key_str(j, "key", p->key);
	key_str(j, "sql", p->sql);
	json_key(j, "params");
	json_arr_open(j);
	for (i = 0; p->params != NULL && p->params[i] != NULL; i++)
		json_str(j, p->params[i]);
	json_arr_close(j);
	json_key(j, "columns");
	json_arr_open(j);
	for (i = 0; i < p->ncols; i++)
		column_json(j, &p->cols[i]);
	json_arr_close(j);
	key_str(j, "sheet", p->sheet);
	key_str(j, "category", p->category);
	json_key(j, "lines");
	json_arr_open(j);
	for (i = 0; p->lines != NULL && p->lines[i] != NULL; i++)
		json_str(j, p->lines[i]);
	json_arr_close(j);
	json_obj_close(j);
}

static void
report_json(struct json *j, const struct report *r)
{
	const struct sort *s;
	size_t i;

	json_obj_open(j);
	key_str(j, "name", r->name);
	key_str(j, "title", r->title);
	key_str(j, "envelope", envelopes[r->env]);
	/* Paged: count_sql, and LIMIT and OFFSET the last two parameters. */
	json_key(j, "paged");
	json_boolean(j, r->count_sql != NULL);
	/* count_sql takes LIMIT and OFFSET too (struct report's count_paged). */
	json_key(j, "count_paged");
	json_boolean(j, r->count_paged);
	json_key(j, "needs_row");
	json_boolean(j, report_needs_row(r));
	key_str(j, "sql", r->sql);
	/* A page past the first: the same parameters and rows as sql. */
	key_str(j, "deep_sql", r->deep_sql);
	key_str(j, "count_sql", r->count_sql);
	key_str(j, "page_sql", r->page_sql);
	key_str(j, "page_key", r->page_key);
	key_str(j, "order_by", r->order_by);
	json_key(j, "sorts");
	json_arr_open(j);
	for (s = r->sorts; s != NULL && s->code != NULL; s++) {
		json_obj_open(j);
		key_str(j, "code", s->code);
		key_str(j, "asc", s->asc);
		key_str(j, "desc", s->desc);
		json_obj_close(j);
	}
	json_arr_close(j);
	json_key(j, "fields");
	json_arr_open(j);
	for (i = 0; i < r->nfields; i++)
		field_json(j, &r->fields[i]);
	json_arr_close(j);
	json_key(j, "columns");
	json_arr_open(j);
	for (i = 0; i < r->ncols; i++)
		column_json(j, &r->cols[i]);
	json_arr_close(j);
	key_str(j, "alt", linked(r->alt));
	key_str(j, "variant", linked(r->variant));
	key_str(j, "variant_field", r->variant_field);
	json_key(j, "scoped");
	json_boolean(j, r->scoped);
	key_str(j, "template", r->tpl);
	key_str(j, "sheet", r->sheet);
	key_str(j, "file", r->file);
	key_str(j, "page_path", r->page_path);
	json_key(j, "parts");
	json_arr_open(j);
	for (i = 0; i < r->nparts; i++)
		part_json(j, &r->parts[i]);
	json_arr_close(j);
	json_obj_close(j);
}

/* One line a report: its envelope and its statements' parameters by number. */
static void
report_line(struct buf *b, const struct report *r)
{
	size_t i;
	int k = 1;

	buf_printf(b, "%-16s %-10s $%d tenant", r->name, envelopes[r->env], k++);
	for (i = 0; i < r->nfields; i++)
		if (!(r->fields[i].flags & F_NOSQL))
			buf_printf(b, ", $%d %s", k++, r->fields[i].name);
	if (r->count_sql != NULL)
		buf_printf(b, ", $%d limit, $%d offset", k, k + 1);
	buf_putc(b, '\n');
	/* A part's statement takes the tenant and the fields it names. */
	for (i = 0; i < r->nparts; i++) {
		buf_printf(b, "%-16s %-10s $1 tenant", "", r->parts[i].key);
		for (k = 0; r->parts[i].params != NULL &&
		    r->parts[i].params[k] != NULL; k++)
			buf_printf(b, ", $%d %s", k + 2, r->parts[i].params[k]);
		buf_putc(b, '\n');
	}
}

int
reportlist_main(int argc, char **argv)
{
	struct buf b = {0};
	struct json j;
	size_t i;
	int rc = 0;

	if (argc > 2 || (argc == 2 && strcmp(argv[1], "--json") != 0)) {
		fputs("usage: callreport reports [--json]\n", stderr);
		return 2;
	}
	if (argc == 2) {
		json_init(&j, &b);
		json_obj_open(&j);
		json_key(&j, "reports");
		json_arr_open(&j);
		for (i = 0; i < REPORT__MAX; i++)
			report_json(&j, &reports[i]);
		json_arr_close(&j);
		json_obj_close(&j);
		buf_putc(&b, '\n');
	} else
		for (i = 0; i < REPORT__MAX; i++)
			report_line(&b, &reports[i]);
	if (fwrite(b.p, 1, b.len, stdout) != b.len || fflush(stdout) != 0) {
		perror("callreport: reports");
		rc = 1;
	}
	buf_free(&b);
	return rc;
}
