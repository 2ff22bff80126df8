/* test_envelope.c: the v1 JSON envelopes, byte for byte, from results made without a server. */
#include <stdlib.h>

#include "ctest.h"
#include "render/envelope.h"

/*
 * Returns a result of the columns names[0..ncols) (all text) and the rows
 * cells[nrows][ncols], NULL being SQL NULL.
 */
static PGresult *
result(const char *const *names, int ncols, const char *const *cells, int nrows)
{
	PGresult *res = PQmakeEmptyPGresult(NULL, PGRES_TUPLES_OK);
	PGresAttDesc att[16];
	int c, row;

	memset(att, 0, sizeof(att));
	for (c = 0; c < ncols; c++) {
		att[c].name = (char *)names[c];
		att[c].typid = 25;		/* text */
		att[c].typlen = -1;
		att[c].atttypmod = -1;
	}
	if (res == NULL || !PQsetResultAttrs(res, ncols, att)) {
		fprintf(stderr, "cannot make a result\n");
		exit(2);
	}
	for (row = 0; row < nrows; row++)
		for (c = 0; c < ncols; c++) {
			const char *v = cells[row * ncols + c];

			if (!PQsetvalue(res, row, c, (char *)v, v ? (int)strlen(v) : -1)) {
				fprintf(stderr, "cannot set a value\n");
				exit(2);
			}
		}
	return res;
}

/* A column of every type; "html_only" is not JSON's, "gone" not in the result. */
static const struct column cols[] = {
	{ "number", "号码", CT_CODE, VALL, 0 },
	{ "id", "ID", CT_ID, VALL, 0 },
	{ "status", "状态", CT_INT, VALL, 0 },
	{ "score", "分数", CT_NUM, VALL, 0 },
	{ "bill", "时长", CT_MS, VALL, 0 },
	{ "answered", "接通", CT_BOOL, VALL, 0 },
	{ "calldate", "时间", CT_TIME, VALL, 0 },
	{ "tags", "标签", CT_JSON, VALL, 0 },
	{ "note", "备注", CT_TEXT, VJ, 0 },
	{ "html_only", "页面", CT_TEXT, VH | VX, 0 },
	{ "maybe", "可选", CT_TEXT, VJ | OMIT_NULL, 0 },
	{ "gone", "无", CT_INT, VJ, 0 },
	{ "gone_omitted", "无", CT_INT, VJ | OMIT_NULL, 0 },
};
#define NCOLS (int)(sizeof(cols) / sizeof(cols[0]))

static const char *const names[] = {
	"number", "id", "status", "score", "bill", "answered", "calldate", "tags",
	"note", "html_only", "maybe",
};
#define NNAMES (int)(sizeof(names) / sizeof(names[0]))

static const char *const cells[] = {
	"18651683344", "1234567890123456789", "3", "12.50", "61000", "t",
	"2019-05-08 19:02:00", "[{\"id\":1,\"name\":\"甲\"}]", "say \"hi\"\n\\中文",
	"not JSON's", NULL,
	NULL, "7", "-1", "NaN", NULL, "f", NULL, NULL, NULL, "x", "here",
};

/* The JSON of the two rows above. */
#define ROW0 "{\"number\":\"18651683344\",\"id\":1234567890123456789,\"status\":3," \
	"\"score\":12.50,\"bill\":61000,\"answered\":true," \
	"\"calldate\":\"2019-05-08 19:02:00\",\"tags\":[{\"id\":1,\"name\":\"甲\"}]," \
	"\"note\":\"say \\\"hi\\\"\\n\\\\中文\",\"gone\":null}"
#define ROW1 "{\"number\":null,\"id\":7,\"status\":-1,\"score\":null,\"bill\":null," \
	"\"answered\":false,\"calldate\":null,\"tags\":null,\"note\":null," \
	"\"maybe\":\"here\",\"gone\":null}"
#define HEAD "{\"code\":200,\"status\":\"ok\",\"message\":\"获取成功\","

/* Renders rows[0..nrows) of the cells above in envelope env; returns the body. */
static const char *
render(struct arena *a, enum envelope env, int nrows, long total, long last_page,
    int *status)
{
	static struct req req;
	struct report r = { .name = "t", .message = "获取成功", .env = env,
	    .cols = cols, .ncols = NCOLS };
	struct run run;
	const char *body;

	memset(&req, 0, sizeof(req));
	req.a = a;
	memset(&run, 0, sizeof(run));
	run.r = &r;
	run.rows = result(names, NNAMES, cells, nrows);
	run.total = total;
	run.last_page = last_page;
	*status = envelope_report(&req, &run);
	CHECK_STR(req.ctype, "application/json; charset=utf-8");
	body = arena_strdup(a, req.body_out.p ? req.body_out.p : "(no body)");
	buf_free(&req.body_out);
	PQclear(run.rows);
	return body;
}

static void
test_page(void)
{
	struct arena *a = arena_new();
	int status = -1;

	CHECK_STR(render(a, ENV_PAGE, 2, 17, 9, &status),
	    HEAD "\"data\":{\"data\":[" ROW0 "," ROW1 "],\"total\":17,\"last_page\":9}}");
	CHECK(status == 0);
	CHECK_STR(render(a, ENV_PAGE, 1, 1, 1, &status),
	    HEAD "\"data\":{\"data\":[" ROW0 "],\"total\":1,\"last_page\":1}}");
	CHECK_STR(render(a, ENV_PAGE, 0, 0, 1, &status),
	    HEAD "\"data\":{\"data\":[],\"total\":0,\"last_page\":1}}");
	CHECK(status == 0);
	arena_free(a);
}

static void
test_page_bare(void)
{
	struct arena *a = arena_new();
	int status = -1;

	CHECK_STR(render(a, ENV_PAGE_BARE, 2, 2, 1, &status),
	    "{\"data\":[" ROW0 "," ROW1 "],\"total\":2,\"last_page\":1}");
	CHECK(status == 0);
	CHECK_STR(render(a, ENV_PAGE_BARE, 0, 0, 1, &status),
	    "{\"data\":[],\"total\":0,\"last_page\":1}");
	arena_free(a);
}

static void
test_object_list(void)
{
	struct arena *a = arena_new();
	int status = -1;

	/* one object: the first row (the engine has made sure there is one) */
	CHECK_STR(render(a, ENV_OBJECT, 1, 0, 0, &status), HEAD "\"data\":" ROW0 "}");
	CHECK(status == 0);
	CHECK_STR(render(a, ENV_OBJECT, 2, 0, 0, &status), HEAD "\"data\":" ROW0 "}");
	CHECK_STR(render(a, ENV_LIST, 2, 0, 0, &status),
	    HEAD "\"data\":[" ROW0 "," ROW1 "]}");
	CHECK(status == 0);
	CHECK_STR(render(a, ENV_LIST, 0, 0, 0, &status), HEAD "\"data\":[]}");
	status = -1;
	render(a, ENV__MAX, 1, 0, 0, &status);
	CHECK(status == 500);
	arena_free(a);
}

static void
test_raw(void)
{
	static const char *const raw_names[] = { "doc", "other" };
	static const char *const raw_cells[] = {
		"{\"a\":[1,2],\"s\":\"\\u0001 中\"}", "ignored",
		"{\"second\":true}", "ignored",
	};
	struct arena *a = arena_new();
	struct report r = { .name = "raw", .message = "m", .env = ENV_RAW,
	    .cols = cols, .ncols = 1 };
	struct req req;
	struct run run;

	memset(&req, 0, sizeof(req));
	req.a = a;
	memset(&run, 0, sizeof(run));
	run.r = &r;
	run.rows = result(raw_names, 2, raw_cells, 2);
	/* the single JSON column of the first row, byte for byte, no envelope */
	CHECK(envelope_report(&req, &run) == 0);
	CHECK_STR(req.body_out.p, "{\"a\":[1,2],\"s\":\"\\u0001 中\"}");
	CHECK_STR(req.ctype, "application/json; charset=utf-8");
	buf_free(&req.body_out);
	PQclear(run.rows);
	arena_free(a);
}

static void
test_column(void)
{
	static const char *const one[] = { "v" };
	static const struct {
		enum ctype	 type;
		const char	*value;		/* NULL: SQL NULL */
		const char	*json;
	} cases[] = {
		{ CT_TEXT, "a\tb\x01</script>", "\"a\\tb\\u0001</script>\"" },
		{ CT_TEXT, "", "\"\"" },
		{ CT_TEXT, NULL, "null" },
		{ CT_CODE, "0086", "\"0086\"" },	/* stays text: leading zeros kept */
		{ CT_ID, "9007199254740993", "9007199254740993" },
		{ CT_INT, "0", "0" },
		{ CT_INT, "-42", "-42" },
		{ CT_INT, "", "null" },
		{ CT_NUM, "3.25", "3.25" },
		{ CT_NUM, "-0.5", "-0.5" },
		{ CT_NUM, "NaN", "null" },
		{ CT_NUM, "Infinity", "null" },
		{ CT_MS, "1500", "1500" },
		{ CT_MS, NULL, "null" },
		{ CT_BOOL, "t", "true" },
		{ CT_BOOL, "f", "false" },
		{ CT_BOOL, NULL, "null" },
		{ CT_TIME, "2026-11-24 15:30:36", "\"2026-11-24 15:30:36\"" },
		{ CT_JSON, "{\"k\":[null,1]}", "{\"k\":[null,1]}" },
		{ CT_JSON, "[]", "[]" },
		{ CT_JSON, "", "null" },
		{ CT_JSON, NULL, "null" },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct column c = { "v", "v", cases[i].type, VJ, 0 };
		PGresult *res = result(one, 1, &cases[i].value, 1);
		struct buf b = {0};
		struct json j;

		json_init(&j, &b);
		envelope_column(&j, &c, res, 0, 0);
		CHECK_STR(b.p, cases[i].json);
		buf_reset(&b);
		/* a column the result does not have: null, whatever its type */
		json_init(&j, &b);
		envelope_column(&j, &c, res, 0, -1);
		CHECK_STR(b.p, "null");
		buf_free(&b);
		PQclear(res);
	}
}

static void
test_error(void)
{
	struct arena *a = arena_new();
	struct req req;

	memset(&req, 0, sizeof(req));
	req.a = a;
	/* a body begun before the error is replaced, not appended to */
	buf_puts(&req.body_out, "{\"code\":200,");
	req.status = 404;
	req.err_msg = "not found";
	envelope_error(&req);
	CHECK_STR(req.body_out.p, "{\"code\":404,\"status\":\"error\",\"message\":\"not found\"}");
	CHECK_STR(req.ctype, "application/json; charset=utf-8");

	req.status = 400;
	req.err_msg = "task_id must be a UUID: \"x\\y\"\n";
	envelope_error(&req);
	CHECK_STR(req.body_out.p, "{\"code\":400,\"status\":\"error\","
	    "\"message\":\"task_id must be a UUID: \\\"x\\\\y\\\"\\n\"}");

	req.status = 503;
	req.err_msg = "数据库暂时不可用";
	envelope_error(&req);
	CHECK_STR(req.body_out.p, "{\"code\":503,\"status\":\"error\","
	    "\"message\":\"数据库暂时不可用\"}");

	req.status = 500;
	req.err_msg = NULL;
	envelope_error(&req);
	CHECK_STR(req.body_out.p, "{\"code\":500,\"status\":\"error\",\"message\":null}");
	buf_free(&req.body_out);
	arena_free(a);
}

/*
 * A report's parts follow "data" as members of their own, each an array
 * of objects of its JSON columns, in its column table's order (an XLSX-only
 * column left out, a column the result lacks null); a part that did not
 * run is an empty array.
 */
static void
test_parts(void)
{
	static const char *const pnames[] = { "label", "dialled", "rate", "xonly" };
	static const char *const pcells[] = {
		"10-14", "446", "15.2", "x",
		"10-15", "0", NULL, "y",
	};
	static const struct column pcols[] = {
		{ "label", "时间", CT_TEXT, VJ | VX, 0 },
		{ "dialled", "拨打号码", CT_INT, VJ | VX, 0 },
		{ "rate", "接通率", CT_NUM, VJ | VX | XPCT, 0 },
		{ "xonly", "表格", CT_TEXT, VX, 0 },
		{ "gone", "无", CT_INT, VJ, 0 },
	};
	static const struct part parts[] = {
		{ "trend", "", NULL, pcols, 5, NULL, NULL, NULL, NULL },
		{ "other", "", NULL, pcols, 1, NULL, NULL, NULL, NULL },
	};
	struct arena *a = arena_new();
	struct report r = { .name = "t", .message = "m", .env = ENV_LIST,
	    .cols = cols, .ncols = NCOLS, .parts = parts, .nparts = 2 };
	struct req req;
	struct run run;

	memset(&req, 0, sizeof(req));
	req.a = a;
	memset(&run, 0, sizeof(run));
	run.r = &r;
	run.rows = result(names, NNAMES, cells, 1);
	run.parts[0] = result(pnames, 4, pcells, 2);
	CHECK(envelope_report(&req, &run) == 0);
	CHECK_STR(req.body_out.p, "{\"code\":200,\"status\":\"ok\",\"message\":\"m\","
	    "\"data\":[" ROW0 "],\"trend\":["
	    "{\"label\":\"10-14\",\"dialled\":446,\"rate\":15.2,\"gone\":null},"
	    "{\"label\":\"10-15\",\"dialled\":0,\"rate\":null,\"gone\":null}],"
	    "\"other\":[]}");
	buf_free(&req.body_out);
	PQclear(run.rows);
	PQclear(run.parts[0]);
	arena_free(a);
}

int
main(void)
{
	TEST(test_page);
	TEST(test_page_bare);
	TEST(test_object_list);
	TEST(test_raw);
	TEST(test_column);
	TEST(test_parts);
	TEST(test_error);
	return ctest_done("test_envelope");
}
