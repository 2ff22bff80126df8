/*
 * fuzz_cookie.c: the Cookie header (req_cookie, which finds the session
 * cookie crsid). The input is the header's value as the web server passes
 * it (HTTP_COOKIE: text up to the first NUL byte). The value found is
 * compared with a plain reading of the header: pairs separated by ';',
 * spaces before a pair ignored, the first pair that starts with "NAME="
 * wins and its value runs to the next ';'.
 */
#include "fuzz.h"
#include "input/req.h"

/* The plain reading; returns the value (malloc'd) or NULL. */
static char *
reference(const char *header, const char *name)
{
	size_t n = strlen(name);
	const char *seg = header, *end;

	for (;;) {
		end = strchr(seg, ';');
		if (end == NULL)
			end = seg + strlen(seg);
		while (seg < end && *seg == ' ')
			seg++;
		if ((size_t)(end - seg) > n && memcmp(seg, name, n) == 0 &&
		    seg[n] == '=')
			return strndup(seg + n + 1, (size_t)(end - seg - n - 1));
		if (*end == '\0')
			return NULL;
		seg = end + 1;
	}
}

static void
lookup(struct req *req, const char *header, const char *name)
{
	const char *got = req_cookie(req, name);
	char *want = reference(header, name);

	FUZZ_CHECK((got == NULL) == (want == NULL));
	if (got != NULL && want != NULL)
		FUZZ_CHECK(strcmp(got, want) == 0);
	free(want);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct arena *a = arena_new();
	char *text = fuzz_text(data, size), *env[3];
	struct req req;

	/* The environment as FastCGI gives it: NAME=value strings. */
	env[0] = "HTTP_ACCEPT=text/html";
	env[1] = arena_printf(a, "HTTP_COOKIE=%s", text);
	env[2] = NULL;
	memset(&req, 0, sizeof(req));
	req.a = a;
	req.envp = env;
	lookup(&req, text, "crsid");
	lookup(&req, text, "c");
	free(text);
	arena_free(a);
	return 0;
}
