/* db.c: connections that survive a database restart, and tenant-scoped transactions. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/db.h"
#include "base/buf.h"

static const char *const errs[DB__MAX] = {
	"ok",				/* DB_OK */
	"database unavailable",		/* DB_DOWN */
	"database timeout",		/* DB_TIMEOUT */
	"database error",		/* DB_ERROR */
	"credential changed",		/* DB_STALE */
	"tenant busy",			/* DB_BUSY */
	"exports busy",			/* DB_FULL */
};

const char *
db_strerror(enum db_err e)
{
	return e < DB__MAX ? errs[e] : "unknown";
}

void
db_init(struct db *d, const char *conninfo, const char *tz, long timeout_ms,
    long lock_ms, bool prepare)
{
	memset(d, 0, sizeof(*d));
	d->conninfo = conninfo;
	d->timezone = tz;
	d->timeout_ms = timeout_ms;
	d->prepare = prepare;
	/*
	 * One statement sets them for the transaction only: a request waits
	 * for a lock at most lock_ms (a table locked for minutes held every
	 * worker; then 503 at once), for a statement at most timeout_ms; and
	 * no JIT. A statement with a rollup part and a raw part (one of them
	 * gated off by its parameters) carries the raw part's estimate past
	 * jit_above_cost: compiling took 4.4 s of a 4.6 s start page over 365
	 * days of the year of demo data, whose statement reads 40,000 rollup
	 * rows. No request statement reads enough rows for JIT to pay.
	 */
	snprintf(d->begin_set, sizeof(d->begin_set),
	    "SELECT set_config('statement_timeout', '%ld', true), "
	    "set_config('lock_timeout', '%ld', true), set_config('jit', 'off', true)",
	    timeout_ms, lock_ms);
}

/* Forgets the statements prepared on the connection (gone with it). */
static void
stmts_forget(struct db *d)
{
	int i;

	for (i = 0; i < d->nstmts; i++)
		free(d->stmts[i].sql);
	d->nstmts = 0;
}

void
db_close(struct db *d)
{
	if (d->conn)
		PQfinish(d->conn);
	d->conn = NULL;
	d->in_tx = false;
	d->ending = false;
	d->pending = false;
	stmts_forget(d);
}

static void
quiet(void *arg, const PGresult *res)
{
	(void)arg;
	(void)res;
}

/* Reads the answer to an end sent by db_end_nowait. */
static void
drain(struct db *d)
{
	PGresult *r;

	if (!d->ending)
		return;
	d->ending = false;
	while ((r = PQgetResult(d->conn)) != NULL)
		PQclear(r);
}

enum db_err
db_connect(struct db *d)
{
	if (d->conn != NULL)
		drain(d);
	if (d->conn != NULL && PQstatus(d->conn) == CONNECTION_OK)
		return DB_OK;
	db_close(d);
	{
		/* A default connect_timeout; one in conninfo (later) wins. */
		static const char *const kw[] = { "connect_timeout", "dbname", NULL };
		const char *val[] = { "10", d->conninfo, NULL };

		d->conn = PQconnectdbParams(kw, val, 1);
	}
	if (PQstatus(d->conn) != CONNECTION_OK) {
		snprintf(d->errmsg, sizeof(d->errmsg), "%s",
		    PQerrorMessage(d->conn));
		d->errmsg[strcspn(d->errmsg, "\n")] = '\0';
		db_close(d);
		return DB_DOWN;
	}
	PQsetNoticeReceiver(d->conn, quiet, NULL);
	return DB_OK;
}

static enum db_err classify1(struct db *, PGresult *);

/*
 * Classifies a finished result; returns DB_OK for a command or tuples.
 * "Current transaction is aborted" (25P02) is classed as the failure that
 * aborted it: a statement timeout whose result went unread (a cursor's
 * CLOSE) still answers 503, not 500.
 */
static enum db_err
classify(struct db *d, PGresult *res)
{
	enum db_err e = classify1(d, res);

	if (e == DB_ERROR && strcmp(d->sqlstate, "25P02") == 0 &&
	    d->abort != DB_OK)
		return (enum db_err)d->abort;
	if (e != DB_OK && d->abort == DB_OK)
		d->abort = e;
	return e;
}

static enum db_err
classify1(struct db *d, PGresult *res)
{
	ExecStatusType st = res ? PQresultStatus(res) : PGRES_FATAL_ERROR;
	const char *state, *msg;

	if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK ||
	    st == PGRES_SINGLE_TUPLE)
		return DB_OK;
	state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
	msg = res ? PQresultErrorMessage(res) : PQerrorMessage(d->conn);
	snprintf(d->errmsg, sizeof(d->errmsg), "%s", msg ? msg : "");
	d->errmsg[strcspn(d->errmsg, "\n")] = '\0';
	snprintf(d->sqlstate, sizeof(d->sqlstate), "%s", state ? state : "");
	if (PQstatus(d->conn) != CONNECTION_OK)
		return DB_DOWN;
	if (state == NULL)
		return DB_DOWN;
	/*
	 * 57014 query_canceled (statement_timeout), 55P03 lock_not_available
	 * (lock_timeout), 57P0x shutdown, 08xxx connection.
	 */
	if (strcmp(state, "57014") == 0 || strcmp(state, "55P03") == 0)
		return DB_TIMEOUT;
	/* Raised by callreport_slot (sql/schema.sql): a budget is spent. */
	if (strcmp(state, "CRBSY") == 0)
		return DB_BUSY;
	if (strcmp(state, "CRFUL") == 0)
		return DB_FULL;
	if (strncmp(state, "57P", 3) == 0 ||
	    (strncmp(state, "08", 2) == 0 && strcmp(state, "08P01") != 0) ||
	    strcmp(state, "53300") == 0)
		return DB_DOWN;
	return DB_ERROR;
}

/* Runs a simple-protocol script (no parameters); returns the last result's class. */
static enum db_err
simple(struct db *d, const char *sql, PGresult **last)
{
	PGresult *res;
	enum db_err e = DB_OK, r;

	if (!PQsendQuery(d->conn, sql))
		return classify(d, NULL);
	while ((res = PQgetResult(d->conn)) != NULL) {
		r = classify(d, res);
		if (r != DB_OK && e == DB_OK)
			e = r;
		if (last && PQresultStatus(res) == PGRES_TUPLES_OK) {
			PQclear(*last);
			*last = res;
		} else
			PQclear(res);
	}
	return e;
}

static const char *const cred_kinds[DB_CRED__MAX] = {
	"none", "token", "session", "user", "tenant",
};

/*
 * The start of every request's transaction: begin, the statement timeout
 * (first, so that the authenticating SELECT is under it too), and who the
 * credential is, with the tenant's data version and name. Prepared
 * statements run their generic plan: no planning after a connection's first
 * call.
 */
static const char begin_select[] =
    "SELECT set_config('callreport.tenant', coalesce(a.tenant::text, ''), true), "
    "set_config('TimeZone', $1, true), set_config('plan_cache_mode', $2, true), "
    "a.version, a.name, set_config('callreport.json', $5, true) "
    "FROM callreport_begin($3, $4) a";
#define BEGIN_QS	3	/* BEGIN, SET LOCAL, begin_select */

/* Returns the remembered guess for a credential, or NULL. */
static struct db_guess *
guess_find(struct db *d, int kind, const char *cred)
{
	int i;

	for (i = 0; i < DB_GUESSES; i++)
		if (d->guesses[i].kind == kind &&
		    strcmp(d->guesses[i].cred, cred) == 0)
			return &d->guesses[i];
	return NULL;
}

/* Remembers (or with tenant NULL forgets) what a credential stands for. */
static void
guess_keep(struct db *d, int kind, const char *cred, const char *tenant)
{
	struct db_guess *g = guess_find(d, kind, cred);

	if (tenant == NULL || *tenant == '\0') {
		if (g != NULL)
			g->kind = 0;
		return;
	}
	if (g == NULL) {
		g = &d->guesses[d->guess_next];
		d->guess_next = (d->guess_next + 1) % DB_GUESSES;
		g->kind = kind;
		snprintf(g->cred, sizeof(g->cred), "%s", cred);
	}
	snprintf(g->tenant, sizeof(g->tenant), "%s", tenant);
}

static enum db_err batch(struct db *, struct db_q *, int, bool, char *);

enum db_err
db_begin(struct db *d, enum db_cred kind, const char *credential,
    char tenant[37], bool defer)
{
	struct db_guess *g;
	const char *guess;
	char got[37];
	enum db_err e;

	if ((e = db_connect(d)) != DB_OK)
		return e;
	d->abort = DB_OK;
	d->stale = false;
	d->version[0] = d->tenant_name[0] = '\0';
	if (credential == NULL || kind >= DB_CRED__MAX)
		credential = "", kind = DB_CRED_NONE;
	if (strlen(credential) > DB_CRED_LEN)
		defer = false;
	d->pending = true;
	d->pend_kind = kind;
	d->pend_credp = credential;	/* the caller's, for a begin sent now */
	d->guessed[0] = '\0';
	d->in_tx = true;
	/* A tenant id needs no memory: it stands for itself. */
	guess = kind == DB_CRED_TENANT ? credential :
	    kind == DB_CRED_NONE || (g = guess_find(d, kind, credential)) == NULL ?
	    NULL : g->tenant;
	if (defer && guess != NULL && *guess != '\0') {
		snprintf(d->pend_cred, sizeof(d->pend_cred), "%s", credential);
		d->pend_credp = d->pend_cred;
		snprintf(d->guessed, sizeof(d->guessed), "%s", guess);
		if (tenant != NULL)
			snprintf(tenant, 37, "%s", guess);
		return DB_OK;
	}
	if ((e = batch(d, NULL, 0, false, got)) != DB_OK) {
		db_end(d, false);
		if (e == DB_DOWN)
			db_close(d);
		return e;
	}
	if (tenant != NULL)
		snprintf(tenant, 37, "%s", got);
	return DB_OK;
}

enum db_err
db_settle(struct db *d, bool end)
{
	return d->pending ? batch(d, NULL, 0, end, NULL) : DB_OK;
}

enum db_err
db_end(struct db *d, bool ok)
{
	if (d->pending) {
		/* A deferred begin never sent: there is nothing to end. */
		d->pending = false;
		d->in_tx = false;
		return DB_OK;
	}
	if (d->conn == NULL || !d->in_tx)
		return DB_OK;
	d->in_tx = false;
	/* Drain any unfinished stream first. */
	if (PQisBusy(d->conn)) {
		PGcancel *c = PQgetCancel(d->conn);
		char err[64];
		PGresult *r;

		if (c) {
			PQcancel(c, err, sizeof(err));
			PQfreeCancel(c);
		}
		while ((r = PQgetResult(d->conn)) != NULL)
			PQclear(r);
	}
	/*
	 * A connection lost here stays (broken) until the next db_connect: the
	 * next request then knows that the server went away under it and may
	 * retry (app.c), where a connection that never came up is not retried.
	 */
	return simple(d, ok ? "COMMIT" : "ROLLBACK", NULL);
}

/* FNV-1a, 64 bits. */
static unsigned long long
text_hash(const char *s)
{
	unsigned long long h = 14695981039346656037ULL;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return h;
}

void
db_null_params(struct buf *out, const char *sql, unsigned long long nulls)
{
	const char *p = sql;
	char *end;
	unsigned long k;

	while (*p) {
		if (*p == '\'' || *p == '"') {
			const char *q = strchr(p + 1, *p);

			q = q ? q + 1 : p + strlen(p);
			buf_put(out, p, (size_t)(q - p));
			p = q;
		} else if (p[0] == '-' && p[1] == '-') {
			size_t l = strcspn(p, "\n");

			buf_put(out, p, l);
			p += l;
		} else if (*p == '$' && p[1] >= '1' && p[1] <= '9') {
			k = strtoul(p + 1, &end, 10);
			if (k <= 64 && (nulls >> (k - 1) & 1))
				buf_put(out, "NULL", 4);
			else
				buf_put(out, p, (size_t)(end - p));
			p = end;
		} else
			buf_put(out, p++, 1);
	}
}

/*
 * Returns the bits of params that are NULL (bit k-1: $k); fills types, when
 * not NULL, with their types for a Parse.
 */
static unsigned long long
null_mask(int n, const char *const *params, Oid *types)
{
	unsigned long long nulls = 0;
	int i;

	for (i = 0; i < n; i++) {
		if (params[i] == NULL)
			nulls |= 1ULL << i;
		/* 0: as the text says; a NULL is text, unused, but needs a type */
		if (types != NULL)
			types[i] = params[i] == NULL ? 25 : 0;
	}
	return nulls;
}

/*
 * Returns the slot of the prepared statement for sql with these NULL
 * parameters. When this connection has none, reserves a new slot and sets
 * *fresh: the caller prepares it (in the request's transaction, under its
 * statement timeout: parsing takes the tables' locks), and drops the slot
 * with stmts_drop_from when that fails. Returns -1 on an error (*e).
 */
static int
stmt_get(struct db *d, const char *sql, int n, const char *const *params,
    bool *fresh, enum db_err *e)
{
	unsigned long long h, nulls;
	int i;

	*fresh = false;
	nulls = null_mask(n, params, NULL);
	/*
	 * The same text comes at the same address (a constant) at every
	 * request: found by address first, checked with strcmp (vectorised),
	 * without hashing the text byte by byte.
	 */
	for (i = 0; i < d->nstmts; i++)
		if (d->stmts[i].at == sql && d->stmts[i].nulls == nulls &&
		    d->stmts[i].n == n && strcmp(d->stmts[i].sql, sql) == 0)
			return i;
	h = text_hash(sql);
	for (i = 0; i < d->nstmts; i++)
		if (d->stmts[i].hash == h && d->stmts[i].nulls == nulls &&
		    d->stmts[i].n == n && strcmp(d->stmts[i].sql, sql) == 0) {
			d->stmts[i].at = sql;
			return i;
		}
	if (d->nstmts == DB_STMTS) {
		/* Full (a deployment with unusually many shapes): start again. */
		if ((*e = simple(d, "DEALLOCATE ALL", NULL)) != DB_OK)
			return -1;
		stmts_forget(d);
		d->gen++;
	}
	i = d->nstmts++;
	d->stmts[i].sql = xstrdup(sql);
	d->stmts[i].at = sql;
	d->stmts[i].hash = h;
	d->stmts[i].nulls = nulls;
	d->stmts[i].n = n;
	*fresh = true;
	return i;
}

/* Forgets the slots from first on (reserved, but their prepare failed). */
static void
stmts_drop_from(struct db *d, int first)
{
	while (d->nstmts > first)
		free(d->stmts[--d->nstmts].sql);
}

/* Sends the Parse of slot i's statement (its NULL parameters written as NULL). */
static int
send_prepare(struct db *d, int i, const struct db_q *q)
{
	struct buf text = {0};
	Oid types[64];
	char name[16];
	int ok;

	null_mask(q->n, q->params, types);
	db_null_params(&text, q->sql, d->stmts[i].nulls);
	snprintf(name, sizeof(name), "cr%d", i);
	ok = PQsendPrepare(d->conn, name, text.p, q->n, types);
	buf_free(&text);
	return ok;
}

/* Reads what one query of a pipeline answered: its result, or NULL when nothing came. */
static PGresult *
pipeline_result(struct db *d)
{
	PGresult *res = PQgetResult(d->conn), *r;

	/* A query's results end with a NULL; a failed connection gives more. */
	while (res != NULL && (r = PQgetResult(d->conn)) != NULL) {
		if (PQresultStatus(r) == PGRES_PIPELINE_SYNC) {
			PQclear(r);
			break;	/* not expected here: nothing is left to read */
		}
		PQclear(res);
		res = r;
	}
	return res;
}

/*
 * Sends q[0..n-1] with one Sync and reads their results into q[i].res. A
 * statement this connection has not prepared yet is prepared in the same
 * pipeline, just before it. Returns the first failure's class; a statement
 * after a failure is skipped by the server and keeps res NULL.
 */
static enum db_err
pipeline(struct db *d, struct db_q *q, int n)
{
	int idx[DB_BATCH + BEGIN_QS + 1], i, st, bad = -1;
	bool fresh[DB_BATCH + BEGIN_QS + 1];
	unsigned gen;
	enum db_err e = DB_OK, r;
	char name[16];
	PGresult *res;

	for (i = 0; i < n; i++) {
		q[i].res = NULL;
		idx[i] = -1;
		fresh[i] = false;
	}
	if (d->prepare) {
again:
		gen = d->gen;
		for (i = 0; i < n; i++) {
			if (q[i].n > 64)
				continue;
			if ((idx[i] = stmt_get(d, q[i].sql, q[i].n, q[i].params,
			    &fresh[i], &e)) < 0)
				return e;
			/*
			 * All were dropped (DEALLOCATE ALL: the table was full),
			 * those before too. The slot just made for this one is
			 * not prepared yet: forgotten as well, so that the pass
			 * again finds it fresh and sends its Parse (kept, it
			 * was run unprepared: "prepared statement cr0 does
			 * not exist" after 128 shapes on one connection).
			 */
			if (d->gen != gen) {
				stmts_forget(d);
				goto again;
			}
		}
	}
	if (!PQenterPipelineMode(d->conn))
		return classify(d, NULL);
	for (i = 0; i < n; i++) {
		if (fresh[i] && !send_prepare(d, idx[i], &q[i]))
			break;
		if (idx[i] >= 0) {
			snprintf(name, sizeof(name), "cr%d", idx[i]);
			st = PQsendQueryPrepared(d->conn, name, q[i].n, q[i].params,
			    NULL, NULL, 0);
		} else
			st = PQsendQueryParams(d->conn, q[i].sql, q[i].n, NULL,
			    q[i].params, NULL, NULL, 0);
		if (!st)
			break;
	}
	if (i < n || !PQpipelineSync(d->conn)) {
		e = classify(d, NULL);
		db_close(d);	/* a half-sent pipeline: the connection is unusable */
		return e;
	}
	for (i = 0; i < n; i++) {
		if (fresh[i]) {
			/* The Parse's answer: a failed one leaves its slot unused. */
			if ((res = pipeline_result(d)) == NULL) {
				if (e == DB_OK)
					e = classify(d, NULL);
				break;
			}
			if (PQresultStatus(res) != PGRES_COMMAND_OK) {
				if (bad < 0 || idx[i] < bad)
					bad = idx[i];
				if (PQresultStatus(res) != PGRES_PIPELINE_ABORTED &&
				    (r = classify(d, res)) != DB_OK && e == DB_OK)
					e = r;
			}
			PQclear(res);
		}
		if ((res = pipeline_result(d)) == NULL) {
			if (e == DB_OK)
				e = classify(d, NULL);
			break;
		}
		if (PQresultStatus(res) == PGRES_PIPELINE_ABORTED) {
			PQclear(res);	/* skipped after a failure */
			continue;
		}
		if ((r = classify(d, res)) != DB_OK) {
			if (e == DB_OK)
				e = r;
			PQclear(res);
		} else
			q[i].res = res;
	}
	for (; i < n; i++)	/* (left unread: a lost connection) */
		if (fresh[i] && (bad < 0 || idx[i] < bad))
			bad = idx[i];
	if (bad >= 0)
		stmts_drop_from(d, bad);
	/* The Sync's answer; then the connection leaves pipeline mode. */
	while ((res = PQgetResult(d->conn)) != NULL) {
		st = PQresultStatus(res) == PGRES_PIPELINE_SYNC;
		PQclear(res);
		if (st)
			break;
	}
	if (!PQexitPipelineMode(d->conn)) {
		if (e == DB_OK)
			e = classify(d, NULL);
		db_close(d);
	}
	return e;
}

/*
 * Runs a deferred begin (if pending) + q + ROLLBACK (if end) in one round
 * trip. The begin's tenant is copied into got (when not NULL) and checked
 * against the guess of a deferred begin.
 */
static enum db_err
batch(struct db *d, struct db_q *q, int nq, bool end, char *got)
{
	struct db_q all[BEGIN_QS + DB_BATCH + 1];
	const char *bp[5];
	bool begun = d->pending;
	int n = 0, i, first;
	enum db_err e;
	PGresult *b;

	if (nq > DB_BATCH || d->conn == NULL)
		return d->conn == NULL ? DB_DOWN : DB_ERROR;
	if (begun) {
		bp[0] = d->timezone;
		bp[1] = d->prepare ? "force_generic_plan" : "auto";
		bp[2] = cred_kinds[d->pend_kind];
		bp[3] = d->pend_credp;
		bp[4] = d->no_json ? "off" : "on";
		all[n++] = (struct db_q){ "BEGIN", 0, NULL, NULL };
		all[n++] = (struct db_q){ d->begin_set, 0, NULL, NULL };
		all[n++] = (struct db_q){ begin_select, 5, bp, NULL };
		d->pending = false;
	}
	first = n;
	for (i = 0; i < nq; i++)
		all[n++] = q[i];
	if (end)
		all[n++] = (struct db_q){ "ROLLBACK", 0, NULL, NULL };
	e = pipeline(d, all, n);
	/*
	 * The begin's answer is checked even when a statement after it
	 * failed: a credential that changed is answered as such (DB_STALE,
	 * run again), not with that statement's failure.
	 */
	if (begun && (b = all[BEGIN_QS - 1].res) != NULL) {
		if (PQntuples(b) != 1) {
			if (e == DB_OK)
				e = DB_ERROR;
		} else {
			const char *t = PQgetvalue(b, 0, 0);

			snprintf(d->version, sizeof(d->version), "%s",
			    PQgetvalue(b, 0, 3));
			snprintf(d->tenant_name, sizeof(d->tenant_name), "%s",
			    PQgetvalue(b, 0, 4));
			if (got != NULL)
				snprintf(got, 37, "%s", t);
			if (d->guessed[0] != '\0' && strcmp(t, d->guessed) != 0) {
				e = DB_STALE;
				d->stale = true;
			}
			if (d->pend_kind != DB_CRED_NONE &&
			    d->pend_kind != DB_CRED_TENANT &&
			    strlen(d->pend_credp) <= DB_CRED_LEN)
				guess_keep(d, d->pend_kind, d->pend_credp, t);
		}
	}
	/* In a transaction or not: as the server's last ReadyForQuery said. */
	if (d->conn != NULL)
		d->in_tx = PQtransactionStatus(d->conn) != PQTRANS_IDLE;
	for (i = 0; i < n; i++) {
		if (e == DB_OK && i >= first && i < first + nq)
			q[i - first].res = all[i].res;
		else
			PQclear(all[i].res);
	}
	return e;
}

enum db_err
db_batch(struct db *d, struct db_q *q, int nq, bool end)
{
	return batch(d, q, nq, end, NULL);
}

void
db_end_nowait(struct db *d)
{
	if (d->conn == NULL || !d->in_tx || d->pending || PQisBusy(d->conn)) {
		db_end(d, false);
		return;
	}
	d->in_tx = false;
	if (PQsendQuery(d->conn, "ROLLBACK"))
		d->ending = true;
}

enum db_err
db_exec(struct db *d, const char *sql, int n, const char *const *params,
    PGresult **res)
{
	struct db_q q = { sql, n, params, NULL };
	enum db_err e = batch(d, &q, 1, false, NULL);

	*res = q.res;
	return e;
}

#define CURSOR_NAME	"callreport_rows"

/* Asks for the next n rows without waiting for them. */
static enum db_err
cursor_send(struct db_cursor *c, long n)
{
	char sql[64];

	snprintf(sql, sizeof(sql), "FETCH %ld FROM " CURSOR_NAME, n);
	if (!PQsendQuery(c->d->conn, sql))
		return classify(c->d, NULL);
	c->asked = n;
	c->pending = true;
	return DB_OK;
}

enum db_err
db_cursor_open(struct db_cursor *c, struct db *d, const char *sql, int n,
    const char *const *params, long batch)
{
	struct buf q = {0};
	PGresult *res;
	enum db_err e;

	memset(c, 0, sizeof(*c));
	c->d = d;
	if ((e = db_settle(d, false)) != DB_OK)
		return e;
	c->batch = batch > 0 ? batch : 10000;
	/*
	 * Every row is read: plan for all of them, as the plain statement
	 * would. Without JIT: compiling a big plan holds back the first row
	 * by half a second, while the caller could be writing, for no gain
	 * over the whole read (the rows' work is function calls).
	 */
	if ((e = simple(d, "SET LOCAL cursor_tuple_fraction = 1; "
	    "SET LOCAL jit = off", NULL)) != DB_OK)
		return e;
	/* Unnamed: a DECLARE is planned when run, with its parameters. */
	buf_printf(&q, "DECLARE " CURSOR_NAME " NO SCROLL CURSOR FOR\n%s", sql);
	res = PQexecParams(d->conn, q.p, n, NULL, params, NULL, NULL, 0);
	buf_free(&q);
	if ((e = classify(d, res)) != DB_OK) {
		PQclear(res);
		return e;
	}
	PQclear(res);
	c->open = true;
	/* A small first batch: the caller starts writing sooner. */
	return cursor_send(c, c->batch > 1000 ? c->batch / 10 : c->batch);
}

PGresult *
db_cursor_next(struct db_cursor *c, enum db_err *err)
{
	PGresult *res, *r;

	*err = DB_OK;
	if (!c->pending)
		return NULL;
	res = PQgetResult(c->d->conn);
	while ((r = PQgetResult(c->d->conn)) != NULL) {
		/*
		 * An error after the rows (statement_timeout striking while
		 * they were still being sent) aborted the transaction: it is
		 * the answer, not the rows.
		 */
		if (PQresultStatus(r) == PGRES_FATAL_ERROR) {
			PQclear(res);
			res = r;
		} else
			PQclear(r);
	}
	c->pending = false;
	if ((*err = classify(c->d, res)) != DB_OK || PQntuples(res) == 0) {
		PQclear(res);
		c->done = true;
		return NULL;
	}
	if (PQntuples(res) < c->asked)
		c->done = true;
	else if ((*err = cursor_send(c, c->batch)) != DB_OK) {
		PQclear(res);
		return NULL;
	}
	return res;
}

void
db_cursor_poll(struct db_cursor *c)
{
	if (c->pending)
		PQconsumeInput(c->d->conn);
}

void
db_cursor_close(struct db_cursor *c)
{
	PGresult *r;

	if (c->pending) {
		while ((r = PQgetResult(c->d->conn)) != NULL)
			PQclear(r);
		c->pending = false;
	}
	if (c->open && PQstatus(c->d->conn) == CONNECTION_OK &&
	    PQtransactionStatus(c->d->conn) == PQTRANS_INTRANS)
		simple(c->d, "CLOSE " CURSOR_NAME, NULL);
	c->open = false;
}
