/*
 * test_message_fill.c: render/message.c's match() and fill(), included whole
 * for its static functions (test_message.c tests message_zh through its
 * header). The analyzer found fill() could read parts match() never set.
 */
#include "ctest.h"
#include "render/message.c"

static int
stars(const char *s)
{
	int n = 0;

	for (; *s; s++)
		n += *s == '*';
	return n;
}

/* Every translation has as many "*" as its English: each part has its place. */
static void
test_tables(void)
{
	const struct msg *const tables[] = { whole, field };
	const struct msg *t;
	size_t i;

	for (i = 0; i < sizeof(tables) / sizeof(tables[0]); i++)
		for (t = tables[i]; t->en != NULL; t++) {
			CHECK(stars(t->zh) == stars(t->en));
			CHECK(stars(t->en) <= MAX_PARTS);
		}
}

/* A "*" past the parts stays as it is. */
static void
test_more_stars_than_parts(void)
{
	const char *part[MAX_PARTS];
	size_t plen[MAX_PARTS];
	struct buf b = {0};
	int n;

	n = match("from * to *", "from 1 to 12", part, plen, 0);
	CHECK(n == 2);
	fill(&b, "* 到 * (*)", part, plen, n);
	CHECK_STR(b.p, "1 到 12 (*)");
	buf_free(&b);
	CHECK(match("no parts", "no parts", part, plen, 0) == 0);
	CHECK(match("from * to *", "from 1", part, plen, 0) == -1);
	CHECK(match("a*b*c*d*e*", "a1b2c3d4e5", part, plen, 0) == -1);
}

int
main(void)
{
	TEST(test_tables);
	TEST(test_more_stars_than_parts);
	return ctest_done("test_message_fill");
}
