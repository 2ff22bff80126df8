/*
 * fuzz_utf8.c: the UTF-8 checks (utf8_valid, utf8_param) against a
 * reference written from the Unicode standard's table of well-formed byte
 * sequences (Table 3-7), so no overlong form, surrogate or code point past
 * U+10FFFF passes. The input is checked as one text (up to a NUL byte), and
 * as the parameters of a query string and of a JSON body, as app_serve
 * checks them.
 */
#include "fuzz.h"
#include "input/utf8.h"

/* Table 3-7: returns 1 when the NUL-terminated s is well-formed UTF-8. */
static int
reference(const char *str)
{
	const unsigned char *s = (const unsigned char *)str;
	unsigned char lo, hi;
	int more, i;

	while (*s) {
		lo = 0x80, hi = 0xbf;
		if (*s <= 0x7f)
			more = 0;
		else if (*s >= 0xc2 && *s <= 0xdf)
			more = 1;
		else if (*s == 0xe0)
			more = 2, lo = 0xa0;
		else if ((*s >= 0xe1 && *s <= 0xec) || *s == 0xee || *s == 0xef)
			more = 2;
		else if (*s == 0xed)
			more = 2, hi = 0x9f;
		else if (*s == 0xf0)
			more = 3, lo = 0x90;
		else if (*s >= 0xf1 && *s <= 0xf3)
			more = 3;
		else if (*s == 0xf4)
			more = 3, hi = 0x8f;
		else
			return 0;
		for (i = 1; i <= more; i++) {
			/* Only the second byte has narrower bounds. */
			if (s[i] < (i == 1 ? lo : 0x80) || s[i] > (i == 1 ? hi : 0xbf))
				return 0;
		}
		s += more + 1;
	}
	return 1;
}

/* Returns 1 when every name and text in v is well-formed by the reference. */
static int
tree_ok(const struct val *v)
{
	size_t i;

	if ((v->type == V_STR || v->type == V_NUM) && !reference(v->s))
		return 0;
	if (v->type == V_ARR || v->type == V_OBJ)
		for (i = 0; i < v->n; i++)
			if ((v->type == V_OBJ && !reference(v->keys[i])) ||
			    !tree_ok(v->items[i]))
				return 0;
	return 1;
}

static void
check_tree(const struct val *params)
{
	const char *bad = utf8_param(params, NULL);
	size_t i;

	FUZZ_CHECK((bad == NULL) == tree_ok(params));
	if (bad == NULL || strcmp(bad, "a parameter name") == 0)
		return;
	/* Else the name of a parameter of the request (a top-level key). */
	for (i = 0; i < params->n; i++)
		if (strcmp(params->keys[i], bad) == 0)
			break;
	FUZZ_CHECK(i < params->n);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fuzz_text(data, size);
	struct arena *a = arena_new();
	struct val *params;
	const char *err;

	FUZZ_CHECK(utf8_valid(text) == reference(text));

	params = val_new(a, V_OBJ);
	if (val_parse_form(a, params, text, size, &err) == 0)
		check_tree(params);
	params = val_new(a, V_OBJ);
	if (val_parse_json(a, params, text, size, &err) == 0)
		check_tree(params);
	arena_free(a);
	free(text);
	return 0;
}
