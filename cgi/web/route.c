/* route.c: finding the route of a request's method and path in a route table. */
#include <stdio.h>
#include <string.h>

#include "base/arena.h"
#include "web/route.h"

/*
 * Matches path against pattern, filling req->args and the parameters of
 * ":name" segments. Returns 1 on a match, else 0 with req untouched: the
 * segments are kept aside until the whole path has matched (a route that
 * misses must not leave its names in req->params for the one that follows).
 */
int
route_match(struct req *req, const char *pattern, const char *path)
{
	const char *p = pattern, *s = path, *e;
	const char *name[4], *seg[4];
	size_t namelen[4], seglen[4], n = 0, i;
	struct val *v;

	while (*p && *s) {
		if (*p == ':') {
			const char *pe = strchr(p, '/');
			size_t plen = pe ? (size_t)(pe - p) : strlen(p);

			e = strchr(s, '/');
			if (e == NULL)
				e = s + strlen(s);
			if (e == s || n == 4)
				return 0;
			name[n] = p + 1;
			namelen[n] = plen - 1;
			seg[n] = s;
			seglen[n++] = (size_t)(e - s);
			p += plen;
			s = e;
			continue;
		}
		if (*p != *s)
			return 0;
		p++;
		s++;
	}
	if (*p != '\0' || *s != '\0')
		return 0;
	for (i = 0; i < n; i++) {
		req->args[i] = arena_strndup(req->a, seg[i], seglen[i]);
		v = val_new(req->a, V_STR);
		v->s = req->args[i];
		val_set(req->a, req->params, arena_strndup(req->a, name[i],
		    namelen[i]), v);
	}
	req->nargs = n;
	return 1;
}

const struct route *
route_find(struct req *req, const struct route *table, size_t n, char *allow,
    size_t allowlen)
{
	size_t i;

	*allow = '\0';
	for (i = 0; i < n; i++) {
		if (!route_match(req, table[i].pattern, req->path))
			continue;
		if (strstr(allow, table[i].method) == NULL)
			snprintf(allow + strlen(allow), allowlen - strlen(allow),
			    "%s%s", *allow ? ", " : "", table[i].method);
		if (strcmp(table[i].method, req->method) == 0 ||
		    (strcmp(req->method, "HEAD") == 0 &&
		    strcmp(table[i].method, "GET") == 0))
			return &table[i];
	}
	return NULL;
}
