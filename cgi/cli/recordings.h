/* recordings.h: bin/callreport recordings migrate: the files of the old layout (one
 * directory for every tenant) moved into each tenant's directory (store/recording.h). */
#ifndef CR_RECORDINGS_H
#define CR_RECORDINGS_H

#include <stdbool.h>

#include <libpq-fe.h>

#include "base/config.h"

/*
 * Moves every file below recordings_root, outside the tenants' directories,
 * that a record of one tenant names into that tenant's directory, at the same
 * place below it; copies one that records of several tenants name to each
 * only with copy_shared (else leaves it, served to none). Prints each step
 * and a summary; changes nothing without apply. Returns the exit code.
 */
int	 recordings_migrate(const struct config *, PGconn *, bool apply, bool copy_shared);

#endif
