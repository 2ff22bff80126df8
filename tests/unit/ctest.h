/* ctest.h: a tiny header-only test harness; each test file is one program. */
#ifndef CTEST_H
#define CTEST_H

#include <stdio.h>
#include <string.h>

static int ctest_pass, ctest_fail;
static const char *ctest_name;

#define CHECK(cond) do { \
	if (cond) ctest_pass++; \
	else { ctest_fail++; fprintf(stderr, "%s:%d: %s: CHECK(%s) failed\n", \
	    __FILE__, __LINE__, ctest_name, #cond); } \
} while (0)

#define CHECK_STR(a, b) do { \
	const char *ca_ = (a), *cb_ = (b); \
	if (ca_ && cb_ && strcmp(ca_, cb_) == 0) ctest_pass++; \
	else { ctest_fail++; fprintf(stderr, "%s:%d: %s: \"%s\" != \"%s\"\n", \
	    __FILE__, __LINE__, ctest_name, ca_ ? ca_ : "(null)", cb_ ? cb_ : "(null)"); } \
} while (0)

#define TEST(fn) do { ctest_name = #fn; fn(); } while (0)

/* Prints the closing line CI reads and returns the exit code. */
static int
ctest_done(const char *suite)
{
	printf("%s: %d passed, %d failed\n", suite, ctest_pass, ctest_fail);
	return ctest_fail != 0;
}

#endif
