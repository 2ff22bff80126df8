/* recording.h: where a tenant's call recordings are, below recordings_root. */
#ifndef CR_RECORDING_H
#define CR_RECORDING_H

#include <stdbool.h>

#include "base/arena.h"

/* Returns whether s is a tenant id as the database writes it (a lower-case UUID). */
bool		 recording_tenant_ok(const char *s);
/*
 * Returns the directory of tenant's recordings, root_dir/<tenant id> (in
 * the arena); NULL when root_dir is "" (recordings off) or tenant is not a
 * tenant id. The one place that knows the layout: serving, the migration
 * (bin/callreport recordings) and whatever puts recordings in place use it.
 */
const char	*recording_dir(struct arena *, const char *root_dir, const char *tenant);
/*
 * Returns the file (resolved, in the arena) of the recording that tenant's
 * record stored as file, looked for in recording_dir(); NULL when there is
 * none. Never a file outside the tenant's directory.
 */
const char	*recording_path(struct arena *, const char *root_dir, const char *tenant,
		    const char *file);
/*
 * For the migration from the old layout (every tenant's files in root_dir) only, never for serving:
 * the file directly below root_dir (outside every tenant's directory) that
 * file names, looked for as recording_path() does; NULL when none.
 */
const char	*recording_at_root(struct arena *, const char *root_dir, const char *file);
/* Returns the media type of a recording by its name. */
const char	*recording_type(const char *path);

#endif
