/* test_route.c: matching a path against a pattern (route_match), finding a route (route_find). */
#include <stdlib.h>

#include "ctest.h"
#include "web/route.h"

/* A request with an arena and empty parameters, as app_serve makes it. */
static struct req
new_req(struct arena *a, const char *method, const char *path)
{
	struct req req;

	memset(&req, 0, sizeof(req));
	req.a = a;
	req.method = method;
	req.path = path;
	req.params = val_new(a, V_OBJ);
	return req;
}

/* Returns the text of parameter name of req, or NULL when it has none. */
static const char *
param(const struct req *req, const char *name)
{
	const struct val *v = val_get(req->params, name);

	return v != NULL && v->type == V_STR ? v->s : NULL;
}

static void
test_literal(void)
{
	static const struct {
		const char	*pattern, *path;
		int		 match;
	} cases[] = {
		{ "/", "/", 1 },
		{ "/healthz", "/healthz", 1 },
		{ "/v1/task/number", "/v1/task/number", 1 },
		{ "/healthz", "/healthZ", 0 },		/* case counts */
		{ "/healthz", "/healthz/", 0 },		/* a trailing slash is another path */
		{ "/tasks/", "/tasks", 0 },
		{ "/healthz", "/health", 0 },		/* the path is a prefix of the pattern */
		{ "/health", "/healthz", 0 },		/* the pattern is a prefix of the path */
		{ "/v1/task", "/v1/task/number", 0 },
		{ "/", "", 0 },
		{ "", "", 1 },
		{ "/a//b", "/a//b", 1 },		/* an empty literal segment is a literal */
		{ "/a/b", "/a//b", 0 },
	};
	struct arena *a = arena_new();
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct req req = new_req(a, "GET", cases[i].path);

		req.nargs = 99;
		CHECK(route_match(&req, cases[i].pattern, cases[i].path) == cases[i].match);
		/* a literal pattern has no arguments: a match says so, a miss leaves it */
		CHECK(req.nargs == (cases[i].match ? 0 : 99));
		CHECK(req.params->n == 0);
	}
	arena_free(a);
}

static void
test_segments(void)
{
	struct arena *a = arena_new();
	struct req req;

	/* one segment: req->args[0] and the parameter of its name */
	req = new_req(a, "GET", "/v1/record/R-17");
	CHECK(route_match(&req, "/v1/record/:record_id", req.path) == 1);
	CHECK(req.nargs == 1);
	CHECK_STR(req.args[0], "R-17");
	CHECK_STR(param(&req, "record_id"), "R-17");
	CHECK(req.params->n == 1);

	/* two segments, the second at the end */
	req = new_req(a, "GET", "/v1/task/record_info/T1/R2");
	CHECK(route_match(&req, "/v1/task/record_info/:task_id/:record_id", req.path) == 1);
	CHECK(req.nargs == 2);
	CHECK_STR(req.args[0], "T1");
	CHECK_STR(req.args[1], "R2");
	CHECK_STR(param(&req, "task_id"), "T1");
	CHECK_STR(param(&req, "record_id"), "R2");

	/* a segment in the middle, followed by a literal */
	req = new_req(a, "GET", "/tasks/abc/numbers");
	CHECK(route_match(&req, "/tasks/:task_id/numbers", req.path) == 1);
	CHECK(req.nargs == 1);
	CHECK_STR(param(&req, "task_id"), "abc");
	req = new_req(a, "GET", "/tasks/abc/records");
	CHECK(route_match(&req, "/tasks/:task_id/numbers", req.path) == 0);

	/* a segment takes everything up to the next '/', any bytes */
	req = new_req(a, "GET", "/r/a.b%20c:d");
	CHECK(route_match(&req, "/r/:id", req.path) == 1);
	CHECK_STR(param(&req, "id"), "a.b%20c:d");

	/* the path's value replaces a parameter of the same name (the query's) */
	req = new_req(a, "GET", "/tasks/from-path");
	val_set(a, req.params, "task_id", val_string(a, "from-query"));
	CHECK(route_match(&req, "/tasks/:task_id", req.path) == 1);
	CHECK_STR(param(&req, "task_id"), "from-path");
	CHECK(req.params->n == 1);
	arena_free(a);
}

static void
test_segment_misses(void)
{
	static const struct {
		const char	*pattern, *path;
	} misses[] = {
		{ "/tasks/:task_id", "/tasks/" },		/* an empty segment at the end */
		{ "/tasks/:task_id", "/tasks" },
		{ "/tasks/:task_id/numbers", "/tasks//numbers" },	/* an empty one inside */
		{ "/tasks/:task_id", "/tasks/abc/" },		/* a trailing slash */
		{ "/tasks/:task_id", "/tasks/abc/numbers" },	/* the pattern is a prefix */
		{ "/tasks/:task_id/numbers", "/tasks/abc" },	/* the path is a prefix */
		{ "/tasks/:task_id/numbers", "/tasks/abc/numbersx" },
		{ "/tasks/:task_id/numbers", "/tasks/abc/number" },
		{ "/:a/:b", "/x" },
		{ "/:a/:b", "/x/" },
		{ "/:a/:b", "/x/y/z" },
	};
	struct arena *a = arena_new();
	size_t i;

	for (i = 0; i < sizeof(misses) / sizeof(misses[0]); i++) {
		struct req req = new_req(a, "GET", misses[i].path);

		req.nargs = 99;
		CHECK(route_match(&req, misses[i].pattern, misses[i].path) == 0);
		/* a miss leaves the request as it was: no argument, no parameter */
		CHECK(req.nargs == 99);
		CHECK(req.params->n == 0);
		if (req.params->n != 0)
			fprintf(stderr, "  after %s against %s\n", misses[i].path,
			    misses[i].pattern);
	}
	arena_free(a);
}

static void
test_four_segments(void)
{
	struct arena *a = arena_new();
	struct req req;

	req = new_req(a, "GET", "/1/2/3/4");
	CHECK(route_match(&req, "/:a/:b/:c/:d", req.path) == 1);
	CHECK(req.nargs == 4);
	CHECK_STR(req.args[0], "1");
	CHECK_STR(req.args[3], "4");
	CHECK_STR(param(&req, "a"), "1");
	CHECK_STR(param(&req, "d"), "4");

	/* a fifth is refused, not written past args[4] */
	req = new_req(a, "GET", "/1/2/3/4/5");
	req.nargs = 99;
	CHECK(route_match(&req, "/:a/:b/:c/:d/:e", req.path) == 0);
	CHECK(req.nargs == 99);
	CHECK(param(&req, "e") == NULL);
	arena_free(a);
}

/* A table of our own: GET and POST on one path, a GET-only and a POST-only one. */
static const struct route table[] = {
	{ "GET", "/items", 0, NULL, 0 },
	{ "POST", "/items", 1, NULL, R_WRITE },
	{ "GET", "/items/:id", 2, NULL, 0 },
	{ "POST", "/items/:id/delete", 3, NULL, R_WRITE },
	{ "PUT", "/items/:id", 4, NULL, 0 },
	{ "GET", "/", 5, NULL, R_PUBLIC },
};
#define NT (sizeof(table) / sizeof(table[0]))

static void
test_find(void)
{
	static const struct {
		const char	*method, *path;
		int		 report;	/* the route found, -1 none */
		const char	*allow;
	} cases[] = {
		{ "GET", "/items", 0, "GET" },
		{ "POST", "/items", 1, "GET, POST" },
		{ "HEAD", "/items", 0, "GET" },		/* HEAD takes GET's */
		{ "DELETE", "/items", -1, "GET, POST" },	/* a 405 with its Allow */
		{ "GET", "/items/7", 2, "GET" },
		{ "HEAD", "/items/7", 2, "GET" },
		{ "PUT", "/items/7", 4, "GET, PUT" },
		{ "POST", "/items/7", -1, "GET, PUT" },
		{ "POST", "/items/7/delete", 3, "POST" },
		{ "GET", "/items/7/delete", -1, "POST" },
		{ "HEAD", "/items/7/delete", -1, "POST" },	/* HEAD takes only GET's */
		{ "GET", "/", 5, "GET" },
		{ "GET", "/nothing", -1, "" },		/* a 404: no path matches */
		{ "GET", "/items/", -1, "" },
		{ "GET", "/items//delete", -1, "" },
		{ "get", "/items", -1, "GET, POST" },	/* methods are case-sensitive */
	};
	struct arena *a = arena_new();
	const struct route *rt;
	char allow[64];
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct req req = new_req(a, cases[i].method, cases[i].path);

		memset(allow, 'x', sizeof(allow));
		rt = route_find(&req, table, NT, allow, sizeof(allow));
		if (cases[i].report < 0)
			CHECK(rt == NULL);
		else
			CHECK(rt == &table[cases[i].report]);
		CHECK_STR(allow, cases[i].allow);
	}

	/* the route found has its arguments in the request */
	{
		struct req req = new_req(a, "GET", "/items/42");

		rt = route_find(&req, table, NT, allow, sizeof(allow));
		CHECK(rt == &table[2]);
		CHECK(req.nargs == 1);
		CHECK_STR(req.args[0], "42");
		CHECK_STR(param(&req, "id"), "42");
	}

	/* an allow list that does not fit is cut, still NUL-terminated */
	{
		struct req req = new_req(a, "DELETE", "/items");
		char small[6];

		rt = route_find(&req, table, NT, small, sizeof(small));
		CHECK(rt == NULL);
		CHECK_STR(small, "GET, ");
	}

	/* an empty table: nothing, and an empty allow list */
	{
		struct req req = new_req(a, "GET", "/");

		allow[0] = 'x';
		CHECK(route_find(&req, table, 0, allow, sizeof(allow)) == NULL);
		CHECK_STR(allow, "");
	}
	arena_free(a);
}

int
main(void)
{
	TEST(test_literal);
	TEST(test_segments);
	TEST(test_segment_misses);
	TEST(test_four_segments);
	TEST(test_find);
	return ctest_done("test_route");
}
