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

/* The most parameters of import_stream's statement, besides the tenant. */
#define IMPORT_STREAM_PARAMS 8

/*
 * One import from an open stream (callreport sync: a window of the platform's
 * data written as JSON Lines), with the rules and the one transaction of
 * import_files (no move of numbers between tasks). name stands for the file in
 * messages. commit_sql (may be NULL) runs in the transaction after the rows are
 * written and before COMMIT, with $1 the tenant's id and $2.. params. With
 * keep_unchanged, an import that adds, changes and unlinks nothing leaves the
 * rollups, overviews and data version as they were. fp is not closed.
 */
struct import_stream {
	const char         *name;
	FILE               *fp;
	const char         *commit_sql;
	int                 nparams;
	const char *const  *params;
	bool                keep_unchanged;
};

int import_stream(PGconn *conn, const char *tenant, const struct import_stream *st,
                  const char *timezone, FILE *err, FILE *progress);

#endif
