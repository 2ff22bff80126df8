/* range.c: the Range header of a request for one file (RFC 9110, one range). */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "input/range.h"

/*
 * Parses a Range header against a file of size bytes. Returns 1 with
 * [*off, *off + *len) for one satisfiable range, 0 to send the whole file
 * (no header, several ranges, or a syntax we do not take), -1 when the
 * range cannot be satisfied (416).
 */
int
range_parse(const char *h, long long size, long long *off, long long *len)
{
	long long a, b;
	char *end;

	if (h == NULL || strncmp(h, "bytes=", 6) != 0 || strchr(h, ',') != NULL)
		return 0;
	h += 6;
	while (*h == ' ')
		h++;
	if (*h == '-') {		/* the last N bytes */
		if (!isdigit((unsigned char)h[1]))
			return 0;
		errno = 0;
		b = strtoll(h + 1, &end, 10);
		if (errno || *end != '\0')
			return 0;
		if (b == 0 || size == 0)
			return -1;
		*len = b < size ? b : size;
		*off = size - *len;
		return 1;
	}
	if (!isdigit((unsigned char)*h))
		return 0;
	errno = 0;
	a = strtoll(h, &end, 10);
	if (errno || *end != '-')
		return 0;
	h = end + 1;
	if (*h == '\0')
		b = size - 1;
	else {
		if (!isdigit((unsigned char)*h))
			return 0;
		b = strtoll(h, &end, 10);
		if (errno || *end != '\0' || b < a)
			return 0;
		if (b >= size)
			b = size - 1;
	}
	if (a >= size)
		return -1;
	*off = a;
	*len = b - a + 1;
	return 1;
}

