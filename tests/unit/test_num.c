/* test_num.c: num_tenths and num_int write what printf writes, faster. */
#include <inttypes.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctest.h"
#include "base/num.h"

static int
same(double v)
{
	char want[NUM_TENTHS], got[NUM_TENTHS];

	snprintf(want, sizeof(want), "%.1f", v);
	num_tenths(got, v);
	if (strcmp(want, got) != 0) {
		fprintf(stderr, "num_tenths(%.17g) = \"%s\", printf \"%s\"\n", v, got, want);
		return 0;
	}
	return 1;
}

static void
test_known(void)
{
	char b[NUM_TENTHS];

	CHECK_STR(num_tenths(b, 0), "0.0");
	CHECK_STR(num_tenths(b, 198), "198.0");
	CHECK_STR(num_tenths(b, 44.04), "44.0");
	CHECK_STR(num_tenths(b, 1283.95), "1284.0");	/* 1283.95 is a bit above */
	CHECK_STR(num_tenths(b, 0.25), "0.2");		/* an exact tie: the even digit */
	CHECK_STR(num_tenths(b, 0.75), "0.8");
	CHECK_STR(num_tenths(b, 0.35), "0.3");		/* 0.34999999999999997...: below */
	CHECK_STR(num_tenths(b, 2.675), "2.7");
	CHECK_STR(num_tenths(b, -0.01), "-0.0");
	CHECK_STR(num_tenths(b, -0.0), "-0.0");
	CHECK_STR(num_tenths(b, -12.25), "-12.2");
	/* Near and past the edge of the exact range, where printf's own way takes over. */
	CHECK(same(99999999999999.95) && same(99999999999999.98) && same(-99999999999999.95));
	CHECK(same(999999999999999.9) && same(1e15) && same(1e300) && same(-1.7976931348623157e308));
	CHECK_STR(num_tenths(b, INFINITY), "inf");
}

static void
test_like_printf(void)
{
	int i, ok = 1;
	double v;

	/* Every tie and near-tie of hundredths and thousandths up to 2000. */
	for (i = -200000; i <= 200000 && ok; i++)
		ok = same(i / 100.0) && same(i / 1000.0) && same(i * 0.05);
	CHECK(ok);
	/* Chart coordinates: fractions of widths as the trend computes them. */
	for (i = 1; i <= 400 && ok; i++)
		ok = same(44 + 1240.0 * (i + 0.5) / 365) && same(198 - 180.0 * i / 377) &&
		    same(1240.0 / i) && same(100.0 * i / 7);
	CHECK(ok);
	/* Random doubles of every magnitude the pages write, and a few beyond. */
	srand(7);
	for (i = 0; i < 1000000 && ok; i++) {
		v = ((double)rand() / RAND_MAX - 0.5) * pow(10, rand() % 20 - 2);
		ok = same(v);
	}
	CHECK(ok);
}

/* num_int: what printf's "%" PRId64 writes, at the edges and at random. */
static void
test_int(void)
{
	static const int64_t known[] = { 0, 1, -1, 9, 10, -10, 99, 100, 12345678,
	    INT64_MAX, INT64_MIN, INT64_MAX - 1, INT64_MIN + 1, 1000000000000000000 };
	char got[NUM_INT], want[32];
	size_t i;
	int ok = 1;
	int64_t v;

	for (i = 0; i < sizeof(known) / sizeof(known[0]); i++) {
		snprintf(want, sizeof(want), "%" PRId64, known[i]);
		CHECK(num_int(got, known[i]) == strlen(want) && strcmp(got, want) == 0);
	}
	srand(11);
	for (i = 0; i < 1000000 && ok; i++) {
		v = (int64_t)(((uint64_t)rand() << 42) ^ ((uint64_t)rand() << 21) ^ (uint64_t)rand());
		v >>= rand() % 63;
		if (rand() % 2)
			v = -v;
		snprintf(want, sizeof(want), "%" PRId64, v);
		ok = num_int(got, v) == strlen(want) && strcmp(got, want) == 0;
		if (!ok)
			fprintf(stderr, "num_int(%s) = \"%s\"\n", want, got);
	}
	CHECK(ok);
}

int
main(void)
{
	TEST(test_known);
	TEST(test_int);
	TEST(test_like_printf);
	return ctest_done("test_num");
}
