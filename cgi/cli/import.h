/* import.h: load JSON Lines exports into the callreport database */
#ifndef CALLREPORT_IMPORT_H
#define CALLREPORT_IMPORT_H

#include <stdbool.h>
#include <stdio.h>
#include <libpq-fe.h>

/*
 * Imports each file in its own transaction, in the given order, as rows of
 * the tenant named tenant (created with a random id if missing). conn must be
 * idle and connected as the owner of the schema; timezone (may be NULL: the
 * server's) is the zone of times written without an offset.
 * Returns 0 when every file imported. On the first failing file prints
 * "FILE:LINE: field FIELD: what is wrong" (or "FILE: ..." for file-level
 * errors, "FILE: database: MESSAGE" for errors raised by the server) to err,
 * rolls that file back completely and returns 1 (files before it stay
 * committed). A file without data fails; so does one that gives an id twice
 * with different fields, and one that moves a number to another task unless
 * move_numbers. progress (may be NULL) gets one line per imported file:
 * "FILE: N rows stored (kind=count, ...): A new, C changed, U unchanged; L lines".
 */
int import_files(PGconn *conn, const char *tenant, int nfiles, char *const files[],
                 const char *timezone, bool move_numbers, FILE *err, FILE *progress);

#endif
