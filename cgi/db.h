/* db.h: the worker's PostgreSQL connections and per-request tenant transactions. */
#ifndef CR_DB_H
#define CR_DB_H

#include <stdbool.h>

#include <libpq-fe.h>

enum db_err {
	DB_OK,
	DB_DOWN,	/* cannot connect or the connection broke: 503 */
	DB_TIMEOUT,	/* statement_timeout or cancel: 503 */
	DB_ERROR,	/* anything else: 500, logged */
	DB__MAX
};

struct db {
	PGconn		*conn;
	const char	*conninfo;
	const char	*timezone;
	long		 timeout_ms;
	bool		 in_tx;
	char		 errmsg[256];	/* first line of the last error */
	char		 sqlstate[6];
	int		 abort;		/* enum db_err of the first failure in this transaction */
	char		 version[24];	/* the tenant's data version, for ETags */
	char		 tenant_name[130];	/* the tenant's name, for the pages */
};

void		 db_init(struct db *, const char *conninfo, const char *tz, long timeout_ms);
void		 db_close(struct db *);
/* Connects if needed (or after a broken connection); returns DB_OK or DB_DOWN. */
enum db_err	 db_connect(struct db *);

/*
 * Begins a transaction and authenticates in the same round trip: fn is
 * "callreport_auth_token" or "callreport_auth_session", hash the 32-byte
 * SHA-256 of the credential. Sets callreport.tenant, TimeZone and
 * statement_timeout for this transaction only. On success copies the tenant
 * id into tenant (37 bytes) or "" when the credential is unknown.
 */
enum db_err	 db_begin_auth(struct db *, const char *fn,
		    const unsigned char hash[32], char tenant[37]);
/* Begins a transaction as the tenant named name (REMOTE_USER); tenant as above. */
enum db_err	 db_begin_user(struct db *, const char *name, char tenant[37]);
/* Begins a transaction scoped to a known tenant id ("" for none). */
enum db_err	 db_begin_tenant(struct db *, const char *tenant);
/* Ends the transaction (COMMIT when ok, else ROLLBACK). */
enum db_err	 db_end(struct db *, bool ok);

/* Runs a parameterized statement; *res is set on DB_OK (PQclear it). */
enum db_err	 db_exec(struct db *, const char *sql, int n,
		    const char *const *params, PGresult **res);
/* Sends a statement for row-by-row reading with db_next_row. */
enum db_err	 db_stream(struct db *, const char *sql, int n,
		    const char *const *params);
/* Returns the next row (a 1-row PGresult to PQclear), NULL at the end; *err tells why. */
PGresult	*db_next_row(struct db *, enum db_err *err);

/*
 * A statement read in batches from a cursor (the XLSX export). Each FETCH is
 * a statement of its own, so statement_timeout bounds a batch, not the whole
 * download; the next batch is asked for before the current one is handed
 * out, so the server works while the caller writes.
 */
struct db_cursor {
	struct db	*d;
	long		 batch;		/* rows per FETCH */
	long		 asked;		/* rows the FETCH in flight asked for */
	bool		 open, pending, done;
};

/* Declares the cursor (in the request's transaction); returns DB_OK or why not. */
enum db_err	 db_cursor_open(struct db_cursor *, struct db *, const char *sql,
		    int n, const char *const *params, long batch);
/* Returns the next batch (PQclear it), NULL at the end or on an error (*err). */
PGresult	*db_cursor_next(struct db_cursor *, enum db_err *err);
/* Lets the batch in flight arrive while the caller works (never blocks). */
void		 db_cursor_poll(struct db_cursor *);
/* Closes the cursor, draining a batch in flight; harmless when not open. */
void		 db_cursor_close(struct db_cursor *);

const char	*db_strerror(enum db_err);

#endif
