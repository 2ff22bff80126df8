/* db.c: connections that survive a database restart, and tenant-scoped transactions. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "util.h"

static const char *const errs[DB__MAX] = {
	"ok",				/* DB_OK */
	"database unavailable",		/* DB_DOWN */
	"database timeout",		/* DB_TIMEOUT */
	"database error",		/* DB_ERROR */
};

const char *
db_strerror(enum db_err e)
{
	return e < DB__MAX ? errs[e] : "unknown";
}

void
db_init(struct db *d, const char *conninfo, const char *tz, long timeout_ms,
    bool prepare)
{
	memset(d, 0, sizeof(*d));
	d->conninfo = conninfo;
	d->timezone = tz;
	d->timeout_ms = timeout_ms;
	d->prepare = prepare;
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
	/* 57014 query_canceled (statement_timeout), 57P0x shutdown, 08xxx connection. */
	if (strcmp(state, "57014") == 0)
		return DB_TIMEOUT;
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

enum db_err
db_begin(struct db *d, enum db_cred kind, const char *credential,
    char tenant[37])
{
	struct buf sql = {0};
	PGresult *res = NULL;
	char *tz = NULL, *cred = NULL;
	enum db_err e;

	if ((e = db_connect(d)) != DB_OK)
		return e;
	d->abort = DB_OK;
	if (credential == NULL || kind >= DB_CRED__MAX)
		credential = "";
	tz = PQescapeLiteral(d->conn, d->timezone, strlen(d->timezone));
	cred = PQescapeLiteral(d->conn, credential, strlen(credential));
	if (tz == NULL || cred == NULL) {
		e = DB_DOWN;
		goto out;
	}
	/*
	 * One round trip: begin, authenticate, scope, and the tenant's data
	 * version and name. The SET LOCAL comes first so that the
	 * authenticating SELECT is under the timeout too (each statement of a
	 * multi-statement query gets its own timer, from the setting in force
	 * when it starts). Prepared statements run their generic plan (see
	 * db_exec): no planning at all after the first call.
	 */
	buf_printf(&sql, "BEGIN; SET LOCAL statement_timeout = %ld; "
	    "SELECT set_config('callreport.tenant', coalesce(a.tenant::text, ''), true), "
	    "set_config('TimeZone', %s, true), "
	    "set_config('plan_cache_mode', '%s', true), "
	    "a.version, a.name FROM callreport_begin('%s', %s) a",
	    d->timeout_ms, tz, d->prepare ? "force_generic_plan" : "auto",
	    cred_kinds[kind < DB_CRED__MAX ? kind : DB_CRED_NONE], cred);
	e = simple(d, sql.p, &res);
	if (e == DB_OK && (res == NULL || PQntuples(res) != 1))
		e = DB_ERROR;
	if (e == DB_OK) {
		d->in_tx = true;
		if (tenant != NULL)
			snprintf(tenant, 37, "%s", PQgetvalue(res, 0, 0));
		snprintf(d->version, sizeof(d->version), "%s", PQgetvalue(res, 0, 3));
		snprintf(d->tenant_name, sizeof(d->tenant_name), "%s",
		    PQgetvalue(res, 0, 4));
	} else {
		simple(d, "ROLLBACK", NULL);
		if (e == DB_DOWN)
			db_close(d);
	}
out:
	PQfreemem(tz);
	PQfreemem(cred);
	PQclear(res);
	buf_free(&sql);
	return e;
}

enum db_err
db_end(struct db *d, bool ok)
{
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
 * Returns the index of the prepared statement for sql with these NULL
 * parameters, preparing it first when this connection has not; -1 on an
 * error (classified into *e).
 */
static int
stmt_get(struct db *d, const char *sql, int n, const char *const *params,
    enum db_err *e)
{
	unsigned long long h = text_hash(sql), nulls = 0;
	Oid types[64];
	struct buf text = {0};
	char name[16];
	PGresult *res;
	int i;

	for (i = 0; i < n; i++) {
		types[i] = 0;	/* as the text says */
		if (params[i] == NULL) {
			nulls |= 1ULL << i;
			types[i] = 25;	/* text: unused, but it needs a type */
		}
	}
	for (i = 0; i < d->nstmts; i++)
		if (d->stmts[i].hash == h && d->stmts[i].nulls == nulls &&
		    d->stmts[i].n == n && strcmp(d->stmts[i].sql, sql) == 0)
			return i;
	if (d->nstmts == DB_STMTS) {
		/* Full (a deployment with unusually many shapes): start again. */
		if ((*e = simple(d, "DEALLOCATE ALL", NULL)) != DB_OK)
			return -1;
		stmts_forget(d);
	}
	i = d->nstmts;
	db_null_params(&text, sql, nulls);
	snprintf(name, sizeof(name), "cr%d", i);
	res = PQprepare(d->conn, name, text.p, n, types);
	buf_free(&text);
	if ((*e = classify(d, res)) != DB_OK) {
		PQclear(res);
		return -1;
	}
	PQclear(res);
	d->stmts[i].sql = xstrdup(sql);
	d->stmts[i].hash = h;
	d->stmts[i].nulls = nulls;
	d->stmts[i].n = n;
	d->nstmts++;
	return i;
}

/* Sends sql (prepared when d->prepare) without waiting; DB_OK or why not. */
static enum db_err
send_stmt(struct db *d, const char *sql, int n, const char *const *params)
{
	enum db_err e = DB_OK;
	char name[16];
	int i;

	if (!d->prepare || n > 64) {
		if (!PQsendQueryParams(d->conn, sql, n, NULL, params, NULL, NULL, 0))
			return classify(d, NULL);
		return DB_OK;
	}
	if ((i = stmt_get(d, sql, n, params, &e)) < 0)
		return e;
	snprintf(name, sizeof(name), "cr%d", i);
	if (!PQsendQueryPrepared(d->conn, name, n, params, NULL, NULL, 0))
		return classify(d, NULL);
	return DB_OK;
}

/* Waits for the result of what send_stmt() sent: the last one, classified. */
static enum db_err
wait_result(struct db *d, PGresult **res)
{
	PGresult *r;
	enum db_err e;

	*res = NULL;
	while ((r = PQgetResult(d->conn)) != NULL) {
		PQclear(*res);
		*res = r;
	}
	if ((e = classify(d, *res)) != DB_OK) {
		PQclear(*res);
		*res = NULL;
	}
	return e;
}

void
db_end_nowait(struct db *d)
{
	if (d->conn == NULL || !d->in_tx || PQisBusy(d->conn)) {
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
	enum db_err e;

	*res = NULL;
	if ((e = send_stmt(d, sql, n, params)) != DB_OK)
		return e;
	return wait_result(d, res);
}

enum db_err
db_stream(struct db *d, const char *sql, int n, const char *const *params)
{
	enum db_err e;

	if ((e = send_stmt(d, sql, n, params)) != DB_OK)
		return e;
	if (!PQsetSingleRowMode(d->conn))
		return DB_ERROR;
	return DB_OK;
}

PGresult *
db_next_row(struct db *d, enum db_err *err)
{
	PGresult *res;

	*err = DB_OK;
	while ((res = PQgetResult(d->conn)) != NULL) {
		if (PQresultStatus(res) == PGRES_SINGLE_TUPLE)
			return res;
		*err = classify(d, res);
		PQclear(res);
		if (*err != DB_OK) {
			/* Drain the rest. */
			while ((res = PQgetResult(d->conn)) != NULL)
				PQclear(res);
			return NULL;
		}
	}
	return NULL;
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
