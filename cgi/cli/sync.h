/* sync.h: bin/callreport sync, a tenant's data pulled from the platform's v1 API (issue 18). */
#ifndef CR_SYNC_H
#define CR_SYNC_H

#include "base/config.h"

/* argv[0] is "sync"; returns the exit code (1 when anything was skipped). */
int	 sync_main(const struct config *, int argc, char **argv);

#endif
