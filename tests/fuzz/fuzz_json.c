/*
 * fuzz_json.c: JSON request bodies (input_json, json-c behind it: strict,
 * UTF-8 checked, one object, depth and item limits), then what the
 * parameters go through in web/app.c (params.h).
 */
#include "params.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct arena *a = arena_new();
	struct val *params = val_new(a, V_OBJ);
	char *text = fuzz_text(data, size);	/* read_body ends a body with a NUL */
	const char *err = NULL;

	if (val_parse_json(a, params, text, size, &err) == 0) {
		FUZZ_CHECK(params->type == V_OBJ);
		/* from_json refuses a depth over 8 below the body's object. */
		fuzz_check_tree(params, 0, 9);
		fuzz_after_parse(a, params);
	} else
		FUZZ_CHECK(err != NULL && *err != '\0');
	free(text);
	arena_free(a);
	return 0;
}
