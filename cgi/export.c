/* export.c: the static export (not yet built; see the README). */
#include <stdio.h>

#include "export.h"

int
export_main(const struct config *cfg, int argc, char **argv)
{
	(void)cfg;
	(void)argc;
	(void)argv;
	fputs("callreport: export is not available in this version\n", stderr);
	return 2;
}
