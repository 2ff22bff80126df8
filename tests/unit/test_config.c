/* test_config.c: the sync.TENANT.KEY lines of the configuration (config_parse, config_sync). */
#include <stdlib.h>
#include <string.h>

#include "base/config.h"
#include "ctest.h"

static void
test_sync_lines(void)
{
	static const char text[] =
	    "timezone = UTC\n"
	    "sync.alpha.from = https://platform.example.com\n"
	    "sync.alpha.token = t0k\n"
	    "sync.a.b.rate = 2\n"        /* a tenant named a.b: the key is the last part */
	    "sync.alpha.token = t1k\n";  /* the last line wins */
	struct config c;

	CHECK(config_load(&c) == 0);
	CHECK(config_parse(&c, text, strlen(text), "t.conf") == 0);
	CHECK_STR(c.timezone, "UTC");
	CHECK_STR(config_sync(&c, "alpha", "from"), "https://platform.example.com");
	CHECK_STR(config_sync(&c, "alpha", "token"), "t1k");
	CHECK_STR(config_sync(&c, "a.b", "rate"), "2");
	CHECK(config_sync(&c, "a", "rate") == NULL);
	CHECK(config_sync(&c, "alph", "from") == NULL);
	CHECK(config_sync(&c, "alpha", "rate") == NULL);
	CHECK(config_sync(&c, "beta", "from") == NULL);
	config_free(&c);
}

static void
test_sync_line_needs_a_key(void)
{
	struct config c;

	CHECK(config_load(&c) == 0);
	/* No tenant, or no key: an unknown key as before. */
	CHECK(config_parse(&c, "sync.alpha = x\n", 15, "t.conf") == -1);
	CHECK(config_parse(&c, "sync..from = x\n", 15, "t.conf") == -1);
	CHECK(config_parse(&c, "sync.alpha. = x\n", 16, "t.conf") == -1);
	CHECK(c.nsync == 0);
	config_free(&c);
}

int
main(void)
{
	/* The defaults alone, whatever file the machine has. */
	setenv("CALLREPORT_CONF", "/dev/null", 1);
	TEST(test_sync_lines);
	TEST(test_sync_line_needs_a_key);
	return ctest_done("test_config");
}
