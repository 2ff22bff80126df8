/* recording.h: finding a call's recording below recordings_root. */
#ifndef CR_RECORDING_H
#define CR_RECORDING_H

#include "base/arena.h"

/*
 * Returns the file (resolved, in the arena) of the recording the platform
 * stored as file, looked for below root_dir; NULL when there is none, or
 * root_dir is "" (recordings off). Never a file outside root_dir.
 */
const char	*recording_path(struct arena *, const char *root_dir, const char *file);
/* Returns the media type of a recording by its name. */
const char	*recording_type(const char *path);

#endif
