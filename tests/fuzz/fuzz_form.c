/*
 * fuzz_form.c: query strings and form bodies (input_form: %-escapes, '+',
 * PHP-style subscripts a[]=1, a[0][]=2, repeated keys), then what the
 * parameters go through in web/app.c (params.h). The input is the bytes of
 * a query string or an application/x-www-form-urlencoded body.
 */
#include <ctype.h>

#include "params.h"

/* Decodes s in place (%XX, '+'); returns 0, or -1 on a bad escape or %00. */
static int
decode(char *s)
{
	char *w = s;

	for (; *s; s++) {
		if (*s == '%') {
			unsigned v;

			if (!isxdigit((unsigned char)s[1]) || !isxdigit((unsigned char)s[2]) ||
			    sscanf(s + 1, "%2x", &v) != 1 || v == 0)
				return -1;
			*w++ = (char)v;
			s += 2;
		} else
			*w++ = *s == '+' ? ' ' : *s;
	}
	*w = '\0';
	return 0;
}

/*
 * Returns what the refusal of a malformed %-escape must say: the first pair
 * with one names its parameter (decoded), or "a parameter name" when the
 * escape is in the name.
 */
static char *
escape_error(const char *text)
{
	char *copy = xstrdup(text), *pair, *save = NULL, *eq, *out = NULL;

	for (pair = strtok_r(copy, "&", &save); pair != NULL && out == NULL;
	    pair = strtok_r(NULL, "&", &save)) {
		if ((eq = strchr(pair, '=')) != NULL)
			*eq++ = '\0';
		else
			eq = pair + strlen(pair);
		if (decode(pair) != 0)
			out = xstrdup("a parameter name has a malformed %-escape");
		else if (decode(eq) != 0) {
			out = xmalloc(strlen(pair) + 32);
			sprintf(out, "%s has a malformed %%-escape", pair);
		}
	}
	free(copy);
	return out;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct arena *a = arena_new();
	struct val *params = val_new(a, V_OBJ);
	char *text = fuzz_text(data, size);
	const char *err = NULL;
	int rc;

	rc = val_parse_form(a, params, text, size, &err);
	/* A NUL byte (never in a query string, maybe in a body) is refused. */
	if (memchr(data, '\0', size) != NULL)
		FUZZ_CHECK(rc == -1);
	if (rc == 0) {
		FUZZ_CHECK(params->type == V_OBJ);
		/* A key, and up to 3 subscripts below it. */
		fuzz_check_tree(params, 0, 4);
		fuzz_after_parse(a, params);
	} else {
		FUZZ_CHECK(err != NULL && *err != '\0');
		/* A bad %-escape: the message names the right parameter. */
		if (strstr(err, " has a malformed %-escape") != NULL &&
		    memchr(data, '\0', size) == NULL) {
			char *want = escape_error(text);

			FUZZ_CHECK(want != NULL && strcmp(err, want) == 0);
			free(want);
		}
	}
	free(text);
	arena_free(a);
	return 0;
}
