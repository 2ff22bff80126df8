/*
 * fuzz_config.c: the configuration file (config_parse: key = value lines,
 * '#' comments, spaces around both, integers that must be non-negative).
 * The input is the file's bytes. A file that parses sets only its keys; a
 * refused one says why on stderr, which this harness sends to /dev/null
 * (libFuzzer and the sanitizers write to file descriptor 2 directly).
 */
#include "fuzz.h"
#include "base/config.h"

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	FILE *null = fopen("/dev/null", "w");

	(void)argc;
	(void)argv;
	if (null != NULL)
		stderr = null;
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct config c;
	int rc;

	memset(&c, 0, sizeof(c));
	rc = config_parse(&c, (const char *)data, size, "fuzz.conf");
	FUZZ_CHECK(rc == 0 || rc == -1);
	/* The integers taken are never negative. */
	FUZZ_CHECK(c.max_body >= 0 && c.statement_timeout >= 0 &&
	    c.session_ttl >= 0 && c.max_requests >= 0 && c.worker_min_age >= 0 &&
	    c.login_max_failures >= 0 && c.login_window >= 0 && c.prepare >= 0 &&
	    c.xlsx_rows_per_sheet >= 0);
	config_free(&c);
	return 0;
}
