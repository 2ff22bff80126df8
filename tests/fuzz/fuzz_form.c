/*
 * fuzz_form.c: query strings and form bodies (input_form: %-escapes, '+',
 * PHP-style subscripts a[]=1, a[0][]=2, repeated keys), then what the
 * parameters go through in web/app.c (params.h). The input is the bytes of
 * a query string or an application/x-www-form-urlencoded body.
 */
#include "params.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct arena *a = arena_new();
	struct val *params = val_new(a, V_OBJ);
	char *text = fuzz_text(data, size);
	const char *err = NULL;
	int rc;

	rc = input_form(a, params, text, size, &err);
	/* A NUL byte (never in a query string, maybe in a body) is refused. */
	if (memchr(data, '\0', size) != NULL)
		FUZZ_CHECK(rc == -1);
	if (rc == 0) {
		FUZZ_CHECK(params->type == V_OBJ);
		/* A key, and up to 3 subscripts below it. */
		fuzz_check_tree(params, 0, 4);
		fuzz_after_parse(a, params);
	} else
		FUZZ_CHECK(err != NULL && *err != '\0');
	free(text);
	arena_free(a);
	return 0;
}
