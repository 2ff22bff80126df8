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
	DB_STALE,	/* a deferred begin's credential did not stand for the
			   tenant guessed: run the request again, not deferred */
	DB_BUSY,	/* the tenant's share of the workers is taken: 429 */
	DB_FULL,	/* every export slot is taken: 503 */
	DB__MAX
};

/*
 * A statement prepared on the connection: one per SQL text and set of NULL
 * parameters (its "shape"); see db_exec.
 */
struct db_stmt {
	char		*sql;		/* the caller's text (a copy) */
	const char	*at;		/* where the caller's text was, last time */
	unsigned long long hash;	/* of the text */
	unsigned long long nulls;	/* bit k-1: $k was NULL */
	int		 n;
};

#define DB_STMTS	128		/* shapes kept a connection (then all are dropped) */
#define DB_GUESSES	16		/* credentials remembered for deferred begins */
#define DB_CRED_LEN	128		/* longer credentials are never deferred */
#define DB_BATCH	12		/* statements in one db_batch */

/* A credential and the tenant it stood for the last time it was checked. */
struct db_guess {
	int		 kind;		/* enum db_cred; 0: an empty slot */
	char		 cred[DB_CRED_LEN + 1];
	char		 tenant[37];
};

/* A statement of a db_batch. */
struct db_q {
	const char		*sql;
	int			 n;
	const char *const	*params;
	PGresult		*res;	/* set when the batch returns DB_OK: PQclear it */
};

struct db {
	PGconn		*conn;
	const char	*conninfo;
	const char	*timezone;
	long		 timeout_ms;
	bool		 prepare;	/* named statements with generic plans */
	bool		 in_tx;
	bool		 ending;	/* an end sent, its answer not yet read */
	struct db_stmt	 stmts[DB_STMTS];
	int		 nstmts;
	unsigned	 gen;		/* counts DEALLOCATE ALLs */
	char		 errmsg[256];	/* first line of the last error */
	char		 sqlstate[6];
	int		 abort;		/* enum db_err of the first failure in this transaction */
	char		 version[24];	/* the tenant's data version, for ETags */
	char		 tenant_name[130];	/* the tenant's name, for the pages */
	char		 begin_set[192];	/* the timeouts and no JIT, for the transaction */
	/*
	 * The answer is no JSON (HTML, XLSX, CSV): the next begin sets
	 * callreport.json off, and statements leave out the work of the
	 * columns only JSON shows (callreport_json(), sql/schema.sql).
	 */
	bool		 no_json;
	/* A begin deferred to go with the first statements (see db_begin). */
	bool		 pending;
	bool		 stale;		/* a batch answered DB_STALE */
	int		 pend_kind;
	char		 pend_cred[DB_CRED_LEN + 1];	/* a deferred begin's copy */
	const char	*pend_credp;
	char		 guessed[37];
	struct db_guess	 guesses[DB_GUESSES];
	int		 guess_next;
};

/*
 * prepare: run statements as named prepared statements, planned once a
 * connection (generic plans), instead of parsed and planned at every call.
 * Off behind a pooler that cannot keep them (PgBouncer before 1.21 in
 * transaction pooling).
 */
void		 db_init(struct db *, const char *conninfo, const char *tz, long timeout_ms,
		    long lock_ms,
		    bool prepare);
void		 db_close(struct db *);
/* Connects if needed (or after a broken connection); returns DB_OK or DB_DOWN. */
enum db_err	 db_connect(struct db *);

/* Who a request is: the kinds of callreport_begin() (sql/schema.sql). */
enum db_cred {
	DB_CRED_NONE,		/* nobody (public routes) */
	DB_CRED_TOKEN,		/* credential: hex SHA-256 of a bearer token */
	DB_CRED_SESSION,	/* credential: hex SHA-256 of a session cookie */
	DB_CRED_USER,		/* credential: a tenant name (REMOTE_USER, the CLI) */
	DB_CRED_TENANT,		/* credential: a tenant id */
	DB_CRED__MAX
};

/*
 * Begins a transaction and authenticates in the same round trip. Sets
 * callreport.tenant, TimeZone and statement_timeout for this transaction
 * only, and d->version and d->tenant_name. On success copies the tenant id
 * into tenant (37 bytes, may be NULL) or "" when the credential is unknown.
 *
 * With defer, when this connection has seen the credential before, nothing
 * is sent yet: tenant is set to the tenant it stood for then, and the begin
 * goes in the same round trip as the first statements (db_batch), which
 * check it. When it no longer stands for that tenant (a revoked token, a
 * signed-out session) the batch answers DB_STALE, having returned no rows:
 * the caller runs the request again without defer. d->version and
 * d->tenant_name are set only once the begin has been answered
 * (db_settle). A deferred statement is safe: the rows are scoped by the
 * tenant that the begin sets (row-level security), whatever was guessed.
 */
enum db_err	 db_begin(struct db *, enum db_cred, const char *credential,
		    char tenant[37], bool defer);
/*
 * Sends a deferred begin, if any, and checks it (DB_STALE as db_batch);
 * with end, the transaction it began ends in the same round trip.
 */
enum db_err	 db_settle(struct db *, bool end);
/* Ends the transaction (COMMIT when ok, else ROLLBACK). */
enum db_err	 db_end(struct db *, bool ok);
/*
 * Ends a transaction that wrote nothing without waiting for the server's
 * answer: the response goes out meanwhile, and the answer is read before
 * the connection's next use (a read-only transaction has nothing to lose).
 */
void		 db_end_nowait(struct db *);

/*
 * Runs a parameterized statement; *res is set on DB_OK (PQclear it).
 * With d->prepare the statement is prepared once a connection for each set
 * of NULL parameters, with every $k that is NULL written as NULL in its
 * text: a generic plan then has no "$k IS NULL OR ..." left to guess at.
 */
enum db_err	 db_exec(struct db *, const char *sql, int n,
		    const char *const *params, PGresult **res);
/*
 * Runs statements in one round trip (a libpq pipeline), after a deferred
 * begin if there is one; with end, the transaction ends in the same round
 * trip (ROLLBACK: for a request that has nothing left to ask). On DB_OK
 * every q[i].res is set; on an error none is, and the first failure is
 * the answer. At most DB_BATCH statements.
 */
enum db_err	 db_batch(struct db *, struct db_q *q, int nq, bool end);
/*
 * Appends sql to out with every $k whose bit k-1 is set in nulls written as
 * NULL (outside quoted literals and comments; the $1 of $12 is not $1).
 * Dollar-quoted strings are not recognised: report SQL has none.
 */
struct buf;
void		 db_null_params(struct buf *out, const char *sql, unsigned long long nulls);

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
