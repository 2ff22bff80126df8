/* utf8.c: checks that text is well-formed UTF-8 (PostgreSQL refuses anything else). */
#include <stdint.h>
#include <string.h>

#include "input/utf8.h"

/*
 * Returns 1 when the n bytes at str are well-formed UTF-8 (no overlong forms,
 * surrogates or > U+10FFFF). Eight bytes at a time while they are ASCII: the
 * import checks every line of its file, and the byte at a time took a
 * twentieth of its reading.
 */
int
utf8_valid_n(const char *str, size_t n)
{
	const unsigned char *s = (const unsigned char *)str, *end = s + n;
	int len, i;
	unsigned long c;
	uint64_t w;

	while (s < end) {
		if (end - s >= 8) {
			memcpy(&w, s, 8);
			if ((w & UINT64_C(0x8080808080808080)) == 0) {
				s += 8;
				continue;
			}
		}
		if (*s < 0x80) {
			s++;
			continue;
		}
		if (*s >= 0xc2 && *s <= 0xdf)
			len = 1, c = *s & 0x1f;
		else if (*s >= 0xe0 && *s <= 0xef)
			len = 2, c = *s & 0x0f;
		else if (*s >= 0xf0 && *s <= 0xf4)
			len = 3, c = *s & 0x07;
		else
			return 0;
		if (end - s <= len)
			return 0;
		for (i = 1; i <= len; i++) {
			if ((s[i] & 0xc0) != 0x80)
				return 0;
			c = (c << 6) | (s[i] & 0x3f);
		}
		if ((len == 2 && (c < 0x800 || (c >= 0xd800 && c <= 0xdfff))) ||
		    (len == 3 && (c < 0x10000 || c > 0x10ffff)))
			return 0;
		s += len + 1;
	}
	return 1;
}

/* Returns 1 when s is well-formed UTF-8 (utf8_valid_n, up to its NUL). */
int
utf8_valid(const char *s)
{
	return utf8_valid_n(s, strlen(s));
}

/*
 * Returns the name of the first parameter whose name or value is not UTF-8
 * text (PostgreSQL would refuse it with an error), or NULL when all are.
 */
const char *
utf8_param(const struct val *v, const char *name)
{
	const char *bad;
	size_t i;

	if ((v->type == V_STR || v->type == V_NUM) && !utf8_valid(v->s))
		return name;
	if (v->type != V_OBJ && v->type != V_ARR)
		return NULL;
	for (i = 0; i < v->n; i++) {
		if (v->type == V_OBJ && !utf8_valid(v->keys[i]))
			return "a parameter name";
		if ((bad = utf8_param(v->items[i], name ? name :
		    v->type == V_OBJ ? v->keys[i] : "a parameter")) != NULL)
			return bad;
	}
	return NULL;
}
