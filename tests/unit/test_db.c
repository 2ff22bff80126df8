/* test_db.c: the statement text of a prepared "shape" (db_null_params). */
#include <stdlib.h>

#include "ctest.h"
#include "store/db.h"
#include "base/buf.h"

static const struct {
	const char		*sql;
	unsigned long long	 nulls;
	const char		*want;
} cases[] = {
	{ "SELECT $1", 0, "SELECT $1" },
	{ "SELECT $1", 1, "SELECT NULL" },
	{ "WHERE ($2::int[] IS NULL OR s = ANY ($2::int[]))", 2,
	  "WHERE (NULL::int[] IS NULL OR s = ANY (NULL::int[]))" },
	/* $1 of $12 is not $1; $12 is bit 11 */
	{ "$1,$12,$2", 1, "NULL,$12,$2" },
	{ "$1,$12,$2", 1ULL << 11, "$1,NULL,$2" },
	/* literals, quoted names and comments are left as they are */
	{ "'$1' || $1 || \"$1\"", 1, "'$1' || NULL || \"$1\"" },
	{ "x ~ '^#[0-9]{3,8}$' AND y = $1", 1, "x ~ '^#[0-9]{3,8}$' AND y = NULL" },
	{ "-- $1 tenant\nSELECT $1", 1, "-- $1 tenant\nSELECT NULL" },
	{ "a - $1 -- $1\n- $1", 1, "a - NULL -- $1\n- NULL" },
	/* an unterminated literal runs to the end */
	{ "$1 'abc $1", 1, "NULL 'abc $1" },
	/* $0 and a lone $ are not parameters; $64 is the last there is */
	{ "$0 $ $1", 1, "$0 $ NULL" },
	{ "$64 $65", ~0ULL, "NULL $65" },
};

static void
test_null_params(void)
{
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct buf b = {0};

		db_null_params(&b, cases[i].sql, cases[i].nulls);
		CHECK_STR(b.p, cases[i].want);
		buf_free(&b);
	}
}

int
main(void)
{
	TEST(test_null_params);
	return ctest_done("test_db");
}
