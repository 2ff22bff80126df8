/* export.h: bin/callreport export: a task's reports as a static site. */
#ifndef CR_EXPORT_H
#define CR_EXPORT_H

#include "base/config.h"

/* argv[0] is "export"; returns the exit code. */
int	 export_main(const struct config *, int argc, char **argv);
/* Copies the open file in to a new file at path (0644); returns 0 or -1 with errno. */
int	 export_copy_fd(int in, const char *path);

#endif
