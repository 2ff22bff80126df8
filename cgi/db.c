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
db_init(struct db *d, const char *conninfo, const char *tz, long timeout_ms)
{
	memset(d, 0, sizeof(*d));
	d->conninfo = conninfo;
	d->timezone = tz;
	d->timeout_ms = timeout_ms;
}

void
db_close(struct db *d)
{
	if (d->conn)
		PQfinish(d->conn);
	d->conn = NULL;
	d->in_tx = false;
}

static void
quiet(void *arg, const PGresult *res)
{
	(void)arg;
	(void)res;
}

enum db_err
db_connect(struct db *d)
{
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

/* Begins with the given first statement of the set_config select. */
static enum db_err
begin(struct db *d, const char *tenant_expr, char tenant[37])
{
	struct buf sql = {0};
	PGresult *res = NULL;
	char *tz = NULL;
	enum db_err e;

	if ((e = db_connect(d)) != DB_OK)
		return e;
	d->abort = DB_OK;
	tz = PQescapeLiteral(d->conn, d->timezone, strlen(d->timezone));
	if (tz == NULL) {
		e = DB_DOWN;
		goto out;
	}
	/*
	 * One round trip: begin, authenticate, scope, and the tenant's data
	 * version. The SET LOCAL comes first so that the authenticating SELECT
	 * is under the timeout too (each statement of a multi-statement query
	 * gets its own timer, from the setting in force when it starts).
	 */
	buf_printf(&sql, "BEGIN; SET LOCAL statement_timeout = %ld; "
	    "SELECT set_config('callreport.tenant', "
	    "coalesce(a.t::text, ''), true), set_config('TimeZone', %s, true), "
	    "set_config('statement_timeout', '%ld', true), "
	    "callreport_data_version(a.t), callreport_tenant_name(a.t) "
	    "FROM (SELECT (%s)::uuid AS t) a",
	    d->timeout_ms, tz, d->timeout_ms, tenant_expr);
	e = simple(d, sql.p, &res);
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
	PQclear(res);
	buf_free(&sql);
	return e;
}

enum db_err
db_begin_auth(struct db *d, const char *fn, const unsigned char hash[32],
    char tenant[37])
{
	char expr[160];
	int i, n;

	n = snprintf(expr, sizeof(expr), "%s('\\x", fn);
	for (i = 0; i < 32; i++)
		n += snprintf(expr + n, sizeof(expr) - (size_t)n, "%02x", hash[i]);
	snprintf(expr + n, sizeof(expr) - (size_t)n, "'::bytea)");
	return begin(d, expr, tenant);
}

enum db_err
db_begin_tenant(struct db *d, const char *tenant)
{
	char expr[64];
	size_t i;

	/* The tenant id comes from the database, but check its alphabet anyway. */
	for (i = 0; tenant[i]; i++)
		if (!strchr("0123456789abcdef-", tenant[i]) || i > 36)
			return DB_ERROR;
	snprintf(expr, sizeof(expr), "NULLIF('%s', '')", tenant);
	return begin(d, expr, NULL);
}

enum db_err
db_begin_user(struct db *d, const char *name, char tenant[37])
{
	char *lit, *expr;
	enum db_err e;

	if ((e = db_connect(d)) != DB_OK)
		return e;
	if ((lit = PQescapeLiteral(d->conn, name, strlen(name))) == NULL)
		return DB_ERROR;
	expr = xmalloc(strlen(lit) + 64);
	sprintf(expr, "callreport_tenant_by_name(%s)", lit);
	e = begin(d, expr, tenant);
	free(expr);
	PQfreemem(lit);
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

enum db_err
db_exec(struct db *d, const char *sql, int n, const char *const *params,
    PGresult **res)
{
	enum db_err e;

	*res = PQexecParams(d->conn, sql, n, NULL, params, NULL, NULL, 0);
	if ((e = classify(d, *res)) != DB_OK) {
		PQclear(*res);
		*res = NULL;
	}
	return e;
}

enum db_err
db_stream(struct db *d, const char *sql, int n, const char *const *params)
{
	if (!PQsendQueryParams(d->conn, sql, n, NULL, params, NULL, NULL, 0))
		return classify(d, NULL);
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
	buf_printf(&q, "DECLARE " CURSOR_NAME " NO SCROLL CURSOR FOR\n%s", sql);
	e = db_exec(d, q.p, n, params, &res);
	buf_free(&q);
	if (e != DB_OK)
		return e;
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
