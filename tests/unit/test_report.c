/* test_report.c: the engine's pure parts: the ETag of an answer, the SQL text of sort=, the table's parts. */
#include <ctype.h>
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include "ctest.h"
#include "render/file.h"
#include "report/report.h"
#include "report/reports.h"
#include "store/db.h"

static struct db db;

/* A request as the engine sees it once routed and begun. */
static struct req
new_req(struct arena *a)
{
	struct req req;

	memset(&req, 0, sizeof(req));
	req.a = a;
	req.db = &db;
	strcpy(req.tenant, "1bcecc13-e873-4910-913c-d9246a891280");
	req.method = "GET";
	req.path = "/v1/task/number";
	req.query = "task_id=x&page=2";
	req.fmt = FMT_JSON;
	return req;
}

static const struct report r_numbers = { .name = "task_number" };
static const struct report r_tasks = { .name = "tasks" };

/* Returns true when s is "v<version>-<16 lower-case hex digits>" in double quotes. */
static bool
etag_form(const char *s, const char *version)
{
	size_t vl = strlen(version), i;

	if (strlen(s) != 1 + 1 + vl + 1 + 16 + 1 || s[0] != '"' || s[1] != 'v' ||
	    strncmp(s + 2, version, vl) != 0 || s[2 + vl] != '-' ||
	    s[strlen(s) - 1] != '"')
		return false;
	for (i = 3 + vl; i < 3 + vl + 16; i++)
		if (!isxdigit((unsigned char)s[i]) || isupper((unsigned char)s[i]))
			return false;
	return true;
}

static void
test_etag(void)
{
	struct arena *a = arena_new();
	struct req req = new_req(a), o;
	const char *base, *e;
	char path[32], tenant[37];
	size_t nvar = 0, i, k;
	const char *seen[20];

	strcpy(db.version, "42");
	base = report_etag(&req, &r_numbers);
	CHECK(etag_form(base, "42"));
	/* stable: the same inputs, held elsewhere, give the same tag */
	strcpy(path, req.path);
	strcpy(tenant, req.tenant);
	o = req;
	o.path = path;
	strcpy(o.tenant, tenant);
	o.query = arena_strdup(a, req.query);
	CHECK_STR(report_etag(&o, &r_numbers), base);
	CHECK_STR(report_etag(&req, &r_numbers), base);
	/* a body is its first body_len bytes: NULL and "" are the same empty body */
	o = req;
	o.body = "";
	CHECK_STR(report_etag(&o, &r_numbers), base);
	o.body = "ignored";
	o.body_len = 0;
	CHECK_STR(report_etag(&o, &r_numbers), base);

	/* each input changes it; every variant differs from every other */
	seen[nvar++] = base;
	o = req;
	o.tenant[0] = '2';
	seen[nvar++] = report_etag(&o, &r_numbers);
	seen[nvar++] = report_etag(&req, &r_tasks);
	o = req;
	o.path = "/tasks/x/numbers";
	seen[nvar++] = report_etag(&o, &r_numbers);
	o = req;
	o.query = "task_id=x&page=3";
	seen[nvar++] = report_etag(&o, &r_numbers);
	o = req;
	o.query = "";
	seen[nvar++] = report_etag(&o, &r_numbers);
	o = req;
	o.body = "{\"page\":2}";
	o.body_len = strlen(o.body);
	seen[nvar++] = report_etag(&o, &r_numbers);
	o.body_len = 1;				/* only "{" of it */
	seen[nvar++] = report_etag(&o, &r_numbers);
	o = req;
	o.fmt = FMT_HTML;
	seen[nvar++] = report_etag(&o, &r_numbers);
	o.fmt = FMT_XLSX;
	seen[nvar++] = report_etag(&o, &r_numbers);
	/* where one input ends and the next begins counts: "/a"+"bc" is not "/ab"+"c" */
	o = req;
	o.path = "/a";
	o.query = "bc";
	seen[nvar++] = report_etag(&o, &r_numbers);
	o.path = "/ab";
	o.query = "c";
	seen[nvar++] = report_etag(&o, &r_numbers);
	/* the same with the boundary's bytes xor 0xff: one tag while the parts
	 * were told apart by a byte xor-ed in between them */
	o.path = "/a";
	o.query = "\x9d\x9c";
	seen[nvar++] = report_etag(&o, &r_numbers);
	/* an empty part is a part: "" then "x" is not "x" then "" */
	o = req;
	o.query = "";
	o.body = "x";
	o.body_len = 1;
	seen[nvar++] = report_etag(&o, &r_numbers);
	o.query = "x";
	o.body = "";
	o.body_len = 0;
	seen[nvar++] = report_etag(&o, &r_numbers);
	/* the query moved into the body is another request */
	o = req;
	o.query = "";
	o.body = req.query;
	o.body_len = strlen(req.query);
	seen[nvar++] = report_etag(&o, &r_numbers);
	for (i = 0; i < nvar; i++) {
		CHECK(etag_form(seen[i], "42"));
		for (k = i + 1; k < nvar; k++)
			if (strcmp(seen[i], seen[k]) == 0) {
				CHECK_STR(seen[i], "(a different tag)");
				fprintf(stderr, "  variants %zu and %zu\n", i, k);
			}
	}
	CHECK(nvar == 16);

	/* the data version: the hash stays, the version before it changes */
	strcpy(db.version, "43");
	e = report_etag(&req, &r_numbers);
	CHECK(etag_form(e, "43"));
	CHECK(strcmp(e, base) != 0);
	CHECK_STR(e + strlen("\"v43"), base + strlen("\"v42"));
	strcpy(db.version, "1234567890123");
	CHECK(etag_form(report_etag(&req, &r_numbers), "1234567890123"));
	arena_free(a);
}

/* The pieces of a report with sort= and dir= (as reports.c writes them). */
static const char *const codes[] = { "id", "status", NULL };
static const char *const dirs[] = { "asc", "desc", NULL };

static const struct field f_sorted[] = {
	{ "task_id", FT_UUID, F_REQUIRED, 0, 0, NULL, NULL, NULL },
	{ "sort", FT_CODESET, F_NOSQL, 0, 0, codes, codes, NULL },
	{ "dir", FT_CODESET, F_NOSQL, 0, 0, dirs, dirs, NULL },
};
static const struct sort sorts[] = {
	{ "id", "ORDER BY n.id", "ORDER BY n.id DESC" },
	{ "status", "ORDER BY n.status, n.id", "ORDER BY n.status DESC, n.id DESC" },
	{ NULL, NULL, NULL },
};
#define BY	"ORDER BY n.task_id, n.id"

static const struct report r_once = {
	.name = "once", .fields = f_sorted, .nfields = 3,
	.sql = "SELECT * FROM n WHERE t = $2 " BY " LIMIT $3",
	.sorts = sorts, .order_by = BY,
};
static const struct report r_twice = {
	.name = "twice", .fields = f_sorted, .nfields = 3,
	.sql = "SELECT * FROM (SELECT id FROM n " BY " LIMIT $3) p JOIN n USING (id) " BY,
	.sorts = sorts, .order_by = BY,
};
static const struct report r_lacking = {
	.name = "lacking", .fields = f_sorted, .nfields = 3,
	.sql = "SELECT * FROM n ORDER BY n.id",
	.sorts = sorts, .order_by = BY,
};
static const struct report r_unsorted = {
	.name = "unsorted", .fields = f_sorted, .nfields = 3,
	.sql = "SELECT * FROM n " BY,
};
static const struct report r_nofield = {
	.name = "nofield", .fields = f_sorted, .nfields = 1,
	.sql = "SELECT * FROM n " BY, .sorts = sorts, .order_by = BY,
};

/* Sets pv[0..3) as the validator would: sort and dir absent when NULL. */
static void
choose(struct pval *pv, const char **sort, const char **dir)
{
	memset(pv, 0, 3 * sizeof(*pv));
	pv[0].set = true;
	pv[0].text = "1bcecc13-e873-4910-913c-d9246a891280";
	if (sort != NULL) {
		pv[1].set = true;
		pv[1].n = 1;
		pv[1].strs = sort;
		pv[1].text = "{}";
	}
	if (dir != NULL) {
		pv[2].set = true;
		pv[2].n = 1;
		pv[2].strs = dir;
		pv[2].text = "{}";
	}
}

/* report_order_sql with its log line (stderr) thrown away. */
static const char *
quietly(struct req *req, const struct report *r, const struct pval *pv)
{
	const char *sql;
	int save = dup(2), null = open("/dev/null", O_WRONLY);

	fflush(stderr);
	dup2(null, 2);
	sql = report_order_sql(req, r, r->sql, pv);
	fflush(stderr);
	dup2(save, 2);
	close(null);
	close(save);
	return sql;
}

static void
test_order_sql(void)
{
	static const char *s_id[] = { "id" }, *s_status[] = { "status" },
	    *s_bad[] = { "nosuch" }, *d_asc[] = { "asc" }, *d_desc[] = { "desc" };
	struct arena *a = arena_new();
	struct req req = new_req(a);
	struct pval pv[3];

	/* no sort=: the report's own text, the very pointer */
	choose(pv, NULL, NULL);
	CHECK(report_order_sql(&req, &r_once, r_once.sql, pv) == r_once.sql);
	choose(pv, NULL, d_asc);
	CHECK(report_order_sql(&req, &r_once, r_once.sql, pv) == r_once.sql);
	/* a report without sorts, or without a sort field, keeps its text */
	choose(pv, s_id, d_asc);
	CHECK(report_order_sql(&req, &r_unsorted, r_unsorted.sql, pv) == r_unsorted.sql);
	CHECK(report_order_sql(&req, &r_nofield, r_nofield.sql, pv) == r_nofield.sql);
	/* a code the table does not have (the validator refuses it first) */
	choose(pv, s_bad, NULL);
	CHECK(report_order_sql(&req, &r_once, r_once.sql, pv) == r_once.sql);

	/* sort= replaces order_by; desc is the default */
	choose(pv, s_id, NULL);
	CHECK_STR(report_order_sql(&req, &r_once, r_once.sql, pv),
	    "SELECT * FROM n WHERE t = $2 ORDER BY n.id DESC LIMIT $3");
	choose(pv, s_id, d_desc);
	CHECK_STR(report_order_sql(&req, &r_once, r_once.sql, pv),
	    "SELECT * FROM n WHERE t = $2 ORDER BY n.id DESC LIMIT $3");
	choose(pv, s_id, d_asc);
	CHECK_STR(report_order_sql(&req, &r_once, r_once.sql, pv),
	    "SELECT * FROM n WHERE t = $2 ORDER BY n.id LIMIT $3");
	choose(pv, s_status, d_asc);
	CHECK_STR(report_order_sql(&req, &r_once, r_once.sql, pv),
	    "SELECT * FROM n WHERE t = $2 ORDER BY n.status, n.id LIMIT $3");
	choose(pv, s_status, NULL);
	CHECK_STR(report_order_sql(&req, &r_once, r_once.sql, pv),
	    "SELECT * FROM n WHERE t = $2 ORDER BY n.status DESC, n.id DESC LIMIT $3");
	CHECK_STR(r_once.sql, "SELECT * FROM n WHERE t = $2 " BY " LIMIT $3");

	/* a text that orders twice (the page in a subquery): both replaced, alike */
	choose(pv, s_status, d_asc);
	CHECK_STR(report_order_sql(&req, &r_twice, r_twice.sql, pv),
	    "SELECT * FROM (SELECT id FROM n ORDER BY n.status, n.id LIMIT $3) p "
	    "JOIN n USING (id) ORDER BY n.status, n.id");
	choose(pv, s_id, NULL);
	CHECK_STR(report_order_sql(&req, &r_twice, r_twice.sql, pv),
	    "SELECT * FROM (SELECT id FROM n ORDER BY n.id DESC LIMIT $3) p "
	    "JOIN n USING (id) ORDER BY n.id DESC");

	/* another text of the report (its deep_sql) in the report's order, the same way */
	choose(pv, NULL, NULL);
	{
		static const char deep[] = "SELECT * FROM (SELECT id FROM n " BY " LIMIT $3) k "
		    "JOIN n USING (id) " BY;

		CHECK(report_order_sql(&req, &r_once, deep, pv) == deep);
		choose(pv, s_status, d_asc);
		CHECK_STR(report_order_sql(&req, &r_once, deep, pv),
		    "SELECT * FROM (SELECT id FROM n ORDER BY n.status, n.id LIMIT $3) k "
		    "JOIN n USING (id) ORDER BY n.status, n.id");
	}

	/* a text lacking order_by: NULL (the engine answers 500), logged */
	choose(pv, s_id, d_asc);
	CHECK(quietly(&req, &r_lacking, pv) == NULL);
	/* but only when a sort is asked for */
	choose(pv, NULL, NULL);
	CHECK(report_order_sql(&req, &r_lacking, r_lacking.sql, pv) == r_lacking.sql);
	arena_free(a);
}

/*
 * Every key of a report's xlsx_cols is a workbook (VX) column of it, named
 * once; file_columns puts them first, the other VX columns after them, and
 * takes columns= in its order, refusing a key that is not a VX column.
 */
static void
test_file_columns(void)
{
	struct arena *a = arena_new();
	struct req req = new_req(a);
	static const char *const want[] = { "bill", "callee", "bill" };
	static const char *const bad[] = { "tags" };	/* JSON only */
	struct pval pv[64];
	struct run run;
	const char *b = NULL;
	size_t i, k, j, vx;
	int r, f;

	for (r = 0; r < REPORT__MAX; r++) {
		const struct report *rp = &reports[r];

		for (k = 0; rp->xlsx_cols != NULL && rp->xlsx_cols[k] != NULL; k++) {
			for (i = 0; i < rp->ncols; i++)
				if (strcmp(rp->cols[i].key, rp->xlsx_cols[k]) == 0)
					break;
			CHECK(i < rp->ncols && (rp->cols[i].views & VX));
			for (j = 0; j < k; j++)
				CHECK(strcmp(rp->xlsx_cols[j], rp->xlsx_cols[k]) != 0);
		}
		if (rp->ncols == 0)
			continue;
		memset(&run, 0, sizeof(run));
		memset(pv, 0, sizeof(pv));
		run.r = rp;
		run.pv = pv;
		CHECK(file_columns(&req, &run, &b) == 0);
		for (i = 0, vx = 0; i < rp->ncols; i++)
			vx += (rp->cols[i].views & VX) != 0;
		CHECK(run.nfcols == vx && run.nread == (rp->xlsx_cols ? k : vx));
		for (i = 0; i < run.nread && rp->xlsx_cols; i++)
			CHECK(strcmp(run.fcols[i]->key, rp->xlsx_cols[i]) == 0);
	}
	memset(&run, 0, sizeof(run));
	memset(pv, 0, sizeof(pv));
	run.r = &reports[REPORT_DONE_PHONES];
	run.pv = pv;
	f = REPORT_FIELD(run.r, "columns");
	CHECK(f >= 0);
	pv[f].set = true;
	pv[f].strs = want;
	pv[f].n = 3;
	CHECK(file_columns(&req, &run, &b) == 0 && run.nfcols == 2 && run.nread == 2);
	CHECK_STR(run.fcols[0]->key, "bill");
	CHECK_STR(run.fcols[1]->key, "callee");
	pv[f].strs = bad;
	pv[f].n = 1;
	CHECK(file_columns(&req, &run, &b) == -1);
	CHECK_STR(b, "tags");
	arena_free(a);
}

/*
 * A report's parts (struct part) are at most REPORT_PARTS (the engine runs
 * no more), each named once, each parameter a field of the report (the
 * engine binds a name that is none as NULL), and its chart's category and
 * lines are columns of its sheet (VX).
 */
static void
test_parts(void)
{
	size_t k, j, i, c;
	int r;

	for (r = 0; r < REPORT__MAX; r++) {
		const struct report *rp = &reports[r];

		CHECK(rp->nparts <= REPORT_PARTS);
		CHECK((rp->parts == NULL) == (rp->nparts == 0));
		for (k = 0; k < rp->nparts; k++) {
			const struct part *p = &rp->parts[k];

			CHECK(p->key != NULL && p->sql != NULL && p->ncols > 0);
			for (j = 0; j < k; j++)
				CHECK(strcmp(rp->parts[j].key, p->key) != 0);
			for (i = 0; p->params != NULL && p->params[i] != NULL; i++)
				CHECK(REPORT_FIELD(rp, p->params[i]) >= 0);
			for (i = 0; p->lines != NULL && p->lines[i] != NULL; i++) {
				for (c = 0; c < p->ncols; c++)
					if (strcmp(p->cols[c].key, p->lines[i]) == 0)
						break;
				CHECK(c < p->ncols && (p->cols[c].views & VX));
			}
			for (c = 0; p->category != NULL && c < p->ncols; c++)
				if (strcmp(p->cols[c].key, p->category) == 0)
					break;
			CHECK(p->category == NULL ||
			    (c < p->ncols && (p->cols[c].views & VX)));
		}
	}
	/* The start page's trend: the tenant, start_at and end_at. */
	CHECK(reports[REPORT_START].nparts == 1);
	CHECK_STR(reports[REPORT_START].parts[0].key, "trend");
	CHECK_STR(reports[REPORT_START].parts[0].params[0], "start_at");
	CHECK_STR(reports[REPORT_START].parts[0].params[1], "end_at");
	CHECK(reports[REPORT_START].parts[0].params[2] == NULL);
}

int
main(void)
{
	TEST(test_etag);
	TEST(test_file_columns);
	TEST(test_parts);
	TEST(test_order_sql);
	return ctest_done("test_report");
}
