/*
 * fuzz_route.c: routing (route_find, route_match) with the program's own
 * route table (routes.h, made from cgi/web/app.c's routes[]). The first
 * byte of the input picks the method and whether the program is mounted
 * below a base path; the rest is the request URI, taken as app_serve takes
 * it (up to '?', %-decoded, the base path cut off). Checked: a route
 * matched gives its ":name" segments back, non-empty and without '/', so
 * that the pattern with them filled in is the path again; route_find
 * returns the first route of the method (HEAD: GET's) whose pattern
 * matches, and Allow names the methods of the patterns that match.
 */
#include "params.h"
#include "base/url.h"

static const char *const methods[] = {
	"GET", "POST", "HEAD", "PUT", "DELETE", "OPTIONS", "get", "",
};

/* Checks what a match of pattern against path must give. */
static void
check_match(struct req *req, const char *pattern, const char *path)
{
	struct buf b = {0};
	const char *p = pattern, *e;
	size_t k = 0;

	FUZZ_CHECK(req->nargs <= 4);
	while (*p) {
		if (*p != ':') {
			buf_putc(&b, *p++);
			continue;
		}
		e = strchr(p, '/');
		if (e == NULL)
			e = p + strlen(p);
		FUZZ_CHECK(k < req->nargs);
		FUZZ_CHECK(req->args[k][0] != '\0' && strchr(req->args[k], '/') == NULL);
		/* The parameter of the segment's name holds it. */
		{
			char *name = arena_strndup(req->a, p + 1, (size_t)(e - p - 1));

			FUZZ_CHECK(strcmp(val_text(val_get(req->params, name)),
			    req->args[k]) == 0);
		}
		buf_puts(&b, req->args[k++]);
		p = e;
	}
	FUZZ_CHECK(k == req->nargs);
	FUZZ_CHECK(strcmp(b.p ? b.p : "", path) == 0);
	buf_free(&b);
}

static bool
method_takes(const char *route_method, const char *method)
{
	return strcmp(route_method, method) == 0 ||
	    (strcmp(method, "HEAD") == 0 && strcmp(route_method, "GET") == 0);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct arena *a;
	struct req req;
	const struct route *rt;
	char allow[32], want[64] = "", *text, *uri, *q, *path;
	const char *base;
	size_t i, first = FUZZ_NROUTES;
	int matched[FUZZ_NROUTES];

	if (size < 1)
		return 0;
	a = arena_new();
	memset(&req, 0, sizeof(req));
	req.a = a;
	req.method = methods[data[0] % (sizeof(methods) / sizeof(methods[0]))];
	base = data[0] & 0x80 ? "/reports" : "";
	text = fuzz_text(data + 1, size - 1);
	uri = arena_strdup(a, text);
	free(text);
	q = strchr(uri, '?');
	path = arena_strndup(a, uri, q ? (size_t)(q - uri) : strlen(uri));
	if (strlen(path) > 2048 || url_decode(path))
		goto out;
	if (*base && strncmp(path, base, strlen(base)) == 0 &&
	    (path[strlen(base)] == '/' || path[strlen(base)] == '\0'))
		path += strlen(base);
	req.path = *path ? path : "/";

	/* Each pattern alone. */
	for (i = 0; i < FUZZ_NROUTES; i++) {
		req.params = val_new(a, V_OBJ);
		req.nargs = 0;
		matched[i] = route_match(&req, fuzz_routes[i].pattern, req.path);
		FUZZ_CHECK(matched[i] == 0 || matched[i] == 1);
		if (matched[i]) {
			check_match(&req, fuzz_routes[i].pattern, req.path);
			if (strstr(want, fuzz_routes[i].method) == NULL)
				snprintf(want + strlen(want), sizeof(want) - strlen(want),
				    "%s%s", *want ? ", " : "", fuzz_routes[i].method);
			if (first == FUZZ_NROUTES &&
			    method_takes(fuzz_routes[i].method, req.method))
				first = i;
		}
	}

	/* The table. */
	req.params = val_new(a, V_OBJ);
	req.nargs = 0;
	rt = route_find(&req, fuzz_routes, FUZZ_NROUTES, allow, sizeof(allow));
	if (first == FUZZ_NROUTES) {
		FUZZ_CHECK(rt == NULL);
		FUZZ_CHECK(strcmp(allow, want) == 0);
	} else {
		FUZZ_CHECK(rt == &fuzz_routes[first]);
		check_match(&req, rt->pattern, req.path);
		FUZZ_CHECK(*allow != '\0');
	}
out:
	arena_free(a);
	return 0;
}
