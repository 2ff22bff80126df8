/* test_range.c: the Range header of a request for one file (range_parse). */
#include <stdlib.h>

#include "ctest.h"
#include "input/range.h"

static const struct {
	const char	*h;
	long long	 size;
	int		 rc;
	long long	 off, len;	/* when rc is 1 */
} cases[] = {
	/* no header, or not one we take: the whole file */
	{ NULL, 1000, 0, 0, 0 },
	{ "", 1000, 0, 0, 0 },
	/* bytes=a- : from a to the end */
	{ "bytes=0-", 1000, 1, 0, 1000 },
	{ "bytes=500-", 1000, 1, 500, 500 },
	{ "bytes=999-", 1000, 1, 999, 1 },
	{ "bytes= 7-", 1000, 1, 7, 993 },	/* spaces after "=" */
	/* bytes=a-b */
	{ "bytes=0-0", 1000, 1, 0, 1 },
	{ "bytes=0-499", 1000, 1, 0, 500 },
	{ "bytes=500-999", 1000, 1, 500, 500 },
	{ "bytes=3-3", 1000, 1, 3, 1 },
	{ "bytes=0-0", 1, 1, 0, 1 },
	/* b past the end: cut at the end */
	{ "bytes=500-1000", 1000, 1, 500, 500 },
	{ "bytes=500-5000", 1000, 1, 500, 500 },
	{ "bytes=0-9223372036854775807", 1000, 1, 0, 1000 },
	/* a past the end: cannot be satisfied */
	{ "bytes=1000-", 1000, -1, 0, 0 },
	{ "bytes=1000-1000", 1000, -1, 0, 0 },
	{ "bytes=5000-6000", 1000, -1, 0, 0 },
	{ "bytes=9223372036854775807-", 1000, -1, 0, 0 },
	/* the suffix -N: the last N bytes, all of them when N is more */
	{ "bytes=-500", 1000, 1, 500, 500 },
	{ "bytes=-1", 1000, 1, 999, 1 },
	{ "bytes=-1000", 1000, 1, 0, 1000 },
	{ "bytes=-5000", 1000, 1, 0, 1000 },
	{ "bytes=-0", 1000, -1, 0, 0 },		/* no bytes: unsatisfiable */
	/* several ranges: the whole file */
	{ "bytes=0-1,5-6", 1000, 0, 0, 0 },
	{ "bytes=-1,-2", 1000, 0, 0, 0 },
	{ "bytes=0-1, 5000-6000", 1000, 0, 0, 0 },
	{ "bytes=,", 1000, 0, 0, 0 },
	/* junk: the whole file */
	{ "bytes=", 1000, 0, 0, 0 },
	{ "bytes=-", 1000, 0, 0, 0 },
	{ "bytes=--5", 1000, 0, 0, 0 },
	{ "bytes=-+5", 1000, 0, 0, 0 },
	{ "bytes=- 5", 1000, 0, 0, 0 },
	{ "bytes=-5x", 1000, 0, 0, 0 },
	{ "bytes=5", 1000, 0, 0, 0 },
	{ "bytes=a-b", 1000, 0, 0, 0 },
	{ "bytes=5-x", 1000, 0, 0, 0 },
	{ "bytes=5--9", 1000, 0, 0, 0 },
	{ "bytes=5- 9", 1000, 0, 0, 0 },
	{ "bytes=1-2-3", 1000, 0, 0, 0 },
	{ "bytes=+5-9", 1000, 0, 0, 0 },
	{ "bytes=0-9 ", 1000, 0, 0, 0 },
	{ "bytes=5-4", 1000, 0, 0, 0 },		/* b before a */
	{ "bytes=5000-4", 1000, 0, 0, 0 },	/* invalid before unsatisfiable */
	{ "bytes 0-9", 1000, 0, 0, 0 },
	{ "items=0-9", 1000, 0, 0, 0 },
	{ " bytes=0-9", 1000, 0, 0, 0 },
	{ "bytes=0x10-", 1000, 0, 0, 0 },
	/* overflow: not a number we take, the whole file */
	{ "bytes=99999999999999999999-", 1000, 0, 0, 0 },
	{ "bytes=0-99999999999999999999", 1000, 0, 0, 0 },
	{ "bytes=-99999999999999999999", 1000, 0, 0, 0 },
	/* an empty file has no byte to send */
	{ "bytes=0-", 0, -1, 0, 0 },
	{ "bytes=0-0", 0, -1, 0, 0 },
	{ "bytes=0-100", 0, -1, 0, 0 },
	{ "bytes=-5", 0, -1, 0, 0 },
	{ "bytes=-0", 0, -1, 0, 0 },
	{ NULL, 0, 0, 0, 0 },
	{ "bytes=x", 0, 0, 0, 0 },
};

static void
test_cases(void)
{
	long long off, len;
	size_t i;
	int rc;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int failed = ctest_fail;

		off = len = -7;
		rc = range_parse(cases[i].h, cases[i].size, &off, &len);
		CHECK(rc == cases[i].rc);
		if (cases[i].rc == 1) {
			CHECK(off == cases[i].off);
			CHECK(len == cases[i].len);
			/* always within the file */
			CHECK(off >= 0 && len >= 1 && off + len <= cases[i].size);
		} else
			CHECK(off == -7 && len == -7);	/* untouched */
		if (ctest_fail != failed)
			fprintf(stderr, "  \"%s\" of %lld bytes: %d [%lld, +%lld)\n",
			    cases[i].h ? cases[i].h : "(none)", cases[i].size, rc, off, len);
	}
}

/* Every a-b and -N over a small file: within the file, or the right refusal. */
static void
test_small_file(void)
{
	char h[64];
	long long off, len, size = 5, a, b;
	int rc, bad = 0;

	for (a = 0; a < 8; a++)
		for (b = a; b < 8; b++) {
			snprintf(h, sizeof(h), "bytes=%lld-%lld", a, b);
			rc = range_parse(h, size, &off, &len);
			if (a >= size ? rc != -1 :
			    rc != 1 || off != a || len != (b < size ? b : size - 1) - a + 1)
				bad++;
		}
	for (b = 1; b < 8; b++) {
		snprintf(h, sizeof(h), "bytes=-%lld", b);
		rc = range_parse(h, size, &off, &len);
		if (rc != 1 || len != (b < size ? b : size) || off + len != size)
			bad++;
	}
	CHECK(bad == 0);
}

int
main(void)
{
	TEST(test_cases);
	TEST(test_small_file);
	return ctest_done("test_range");
}
