/* test_arena.c: the per-request allocator's strings (arena_cat, arena_printf). */
#include <stdlib.h>

#include "ctest.h"
#include "base/arena.h"

static void
test_cat(void)
{
	struct arena *a = arena_new();
	char big[5000];
	const char *s;

	CHECK_STR(arena_cat(a, NULL), "");
	CHECK_STR(arena_cat(a, "", "", NULL), "");
	CHECK_STR(arena_cat(a, "11-30", " ", "拨打号码", " ", "1283", NULL), "11-30 拨打号码 1283");
	/* The same as printf's "%s%s%s". */
	CHECK_STR(arena_cat(a, "a", "bc", "def", NULL), arena_printf(a, "%s%s%s", "a", "bc", "def"));
	/* A part longer than any chunk the arena had, and its parts kept as they were. */
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	s = arena_cat(a, "<", big, ">", NULL);
	CHECK(strlen(s) == sizeof(big) + 1 && s[0] == '<' && s[1] == 'x' &&
	    s[sizeof(big) - 1] == 'x' && s[sizeof(big)] == '>');
	CHECK(big[0] == 'x' && strlen(big) == sizeof(big) - 1);
	arena_free(a);
}

int
main(void)
{
	TEST(test_cat);
	return ctest_done("test_arena");
}
