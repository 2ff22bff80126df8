/* export.h: bin/callreport export: a task's reports as a static site. */
#ifndef CR_EXPORT_H
#define CR_EXPORT_H

#include "base/config.h"

/* argv[0] is "export"; returns the exit code. */
int	 export_main(const struct config *, int argc, char **argv);

#endif
