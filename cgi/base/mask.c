/* mask.c: masking phone numbers in text (the static export, logs). */
#include <ctype.h>
#include <string.h>

#include "base/buf.h"
#include "base/mask.h"

void
mask_digits(struct buf *out, const char *s)
{
	const char *p = s, *q;
	size_t n;

	while (*p) {
		if (!isdigit((unsigned char)*p)) {
			buf_putc(out, *p++);
			continue;
		}
		for (q = p; isdigit((unsigned char)*q); q++)
			;
		n = (size_t)(q - p);
		if (n >= 7) {
			buf_put(out, p, 3);
			buf_put(out, "****", 4);
			buf_put(out, q - 4, 4);
		} else
			buf_put(out, p, n);
		p = q;
	}
}

/* Returns true for characters that make a digit run part of an id or a date. */
static int
glued(char c)
{
	return c == '-' || isxdigit((unsigned char)c);
}

void
mask_phones(struct buf *out, const char *p, size_t n)
{
	size_t i = 0, j, len;

	buf_grow(out, n);
	while (i < n) {
		if (!isdigit((unsigned char)p[i])) {
			buf_putc(out, p[i++]);
			continue;
		}
		for (j = i; j < n && isdigit((unsigned char)p[j]); j++)
			;
		len = j - i;
		if (len >= 7 && len <= 12 && (i == 0 || !glued(p[i - 1])) &&
		    (j == n || !glued(p[j]))) {
			buf_put(out, p + i, 3);
			buf_put(out, "****", 4);
			buf_put(out, p + j - 4, 4);
		} else
			buf_put(out, p + i, len);
		i = j;
	}
}
