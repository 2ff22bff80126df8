/* jobs.h: bin/callreport jobs, the export job runner (issue 20). */
#ifndef CR_JOBS_H
#define CR_JOBS_H

#include "base/config.h"

/* argv[0] is "jobs"; runs until SIGTERM (--once: until the queue is empty); returns the exit code. */
int	 jobs_main(const struct config *, int argc, char **argv);

#endif
