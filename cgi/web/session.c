/*
 * session.c: signing in and out of the browser pages: the form, the
 * password check with its limit on failures, the session cookie.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/arena.h"
#include "base/log.h"
#include "base/auth.h"
#include "input/valid.h"
#include "render/html.h"
#include "store/db.h"
#include "web/session.h"

/* A client address may make this many times login_max_failures attempts, over all names. */
#define ADDR_FACTOR	5

/* Returns the session cookie header value for sid ("" clears it). */
static const char *
session_cookie(struct req *req, const char *sid, long ttl)
{
	return arena_printf(req->a, "crsid=%s; Path=%s/; Max-Age=%ld; HttpOnly; "
	    "SameSite=Lax%s", sid, req->cfg->base_path, sid[0] ? ttl : 0,
	    req->https ? "; Secure" : "");
}


/* Returns "\x<hex>" of the SHA-256 of s, a bytea parameter, in the arena. */
static const char *
hash_param(struct req *req, const char *s)
{
	char hex[65];

	return arena_printf(req->a, "\\x%s", auth_sha256_hex(s, strlen(s), hex));
}

static const struct field f_login[] = {
	{ "name", FT_TEXT, 0, 0, 128, NULL, NULL, "用户名" },
	{ "password", FT_TEXT, 0, 0, 1024, NULL, NULL, "密码" },
	{ "next", FT_TEXT, 0, 0, 2048, NULL, NULL, NULL },
};

/* Renders the sign-in form with an optional message; returns status. */
static int
login_form(struct req *req, int status, const char *message, const char *next,
    const char *name)
{
	struct tpl_dict *d = html_page(req, "登录");

	req->status = status;
	if (message) {
		tpl_set(d, "MESSAGE", message);
		tpl_show(d, "MSG");
	}
	tpl_set(d, "NEXT", next ? next : "");
	tpl_set(d, "NAME", name ? name : "");
	req_header(req, "Cache-Control", "no-store");
	return html_finish(req, d, "login.tpl") ? 500 : status;
}

/*
 * Counts an attempt of key before the password is checked (atomically:
 * concurrent attempts of one key wait for each other). Returns 1 when it
 * may go on, 0 when the key has had max attempts in the window (429), -1
 * on a database failure (*dberr).
 */
static int
attempt(struct req *req, const char *key, long max, int *dberr)
{
	const char *p[3] = { key, arena_printf(req->a, "%ld", req->cfg->login_window),
	    arena_printf(req->a, "%ld", max) };
	PGresult *res;
	int ok;

	*dberr = db_exec(req->db, "SELECT callreport_login_attempt($1, $2::int, $3::int)",
	    3, p, &res);
	if (*dberr != DB_OK)
		return -1;
	ok = PQgetvalue(res, 0, 0)[0] == 't';
	PQclear(res);
	return ok;
}

/*
 * Returns next when it is a path of this site made of printable ASCII
 * ("/tasks?page=2"), else "": no scheme, no "//host", no backslash, no
 * control character or byte past ASCII (a browser drops some of them and
 * follows "/\v/evil.example" to another site).
 */
static const char *
safe_next(const char *next)
{
	const unsigned char *p;

	if (next[0] != '/' || next[1] == '/')
		return "";
	for (p = (const unsigned char *)next; *p; p++)
		if (*p <= 0x20 || *p >= 0x7f || *p == '\\')
			return "";
	return next;
}

/*
 * GET: the sign-in form. POST: checks name and password (rate-limited per
 * name and per address), starts a session and returns 303 to next (a path
 * of this site only).
 */
int
session_login(struct req *req)
{
	struct pval pv[3];
	const char *err, *name, *pass, *next, *addr, *p[3], *hash, *pair, *akey;
	char sid[TOKEN_LEN + 1];
	PGresult *res, *ok_res;
	int e, ok;

	if (valid_fields(req->a, f_login, 3, req->params, pv, &err))
		return login_form(req, 400, err, NULL, NULL);
	next = safe_next(pv[2].set ? pv[2].text : "");
	if (strcmp(req->method, "POST") != 0)
		return login_form(req, 200, NULL, next, NULL);
	name = pv[0].set ? pv[0].text : "";
	pass = pv[1].set ? pv[1].text : "";
	addr = req_env(req, "REMOTE_ADDR");
	/*
	 * Attempts are counted before the password is checked, per name and
	 * address (an attacker elsewhere cannot lock the owner out) and per
	 * address over all names (ADDR_FACTOR times as many: a guesser trying
	 * many names). A success forgets its name and address's attempts.
	 */
	pair = arena_printf(req->a, "pair:%s|%s", name, addr ? addr : "-");
	akey = arena_printf(req->a, "addr:%s", addr ? addr : "-");
	if ((ok = attempt(req, pair, req->cfg->login_max_failures, &e)) == 1)
		ok = attempt(req, akey, ADDR_FACTOR * req->cfg->login_max_failures, &e);
	if (ok < 0)
		return req_db_fail(req, e);
	if (ok == 0) {
		req_header(req, "Retry-After", arena_printf(req->a, "%ld",
		    req->cfg->login_window));
		log_line(req->id, "sign-in refused: too many failures");
		return login_form(req, 429, "登录失败次数过多, 请稍后再试", next, name);
	}
	p[0] = name;
	if ((e = db_exec(req->db, "SELECT callreport_password_hash($1), "
	    "callreport_tenant_by_name($1)", 1, p, &res)) != DB_OK)
		return req_db_fail(req, e);
	hash = PQgetisnull(res, 0, 0) ? NULL : PQgetvalue(res, 0, 0);
	/* Without a hash, check against a dummy one: the same time either way. */
	ok = auth_password_check(pass, hash ? hash : "$y$j9T$aaaaaaaaaaaaaaaaaaaaaa$"
	    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa");
	if (!ok || hash == NULL) {
		PQclear(res);
		log_line(req->id, "sign-in failed");	/* its attempts stay counted */
		return login_form(req, 401, "用户名或密码错误", next, name);
	}
	if (auth_token_new(sid, "crs_")) {
		PQclear(res);
		req_error(req, 500, "internal error");
		return 500;
	}
	p[0] = pair;
	p[1] = akey;
	if ((e = db_exec(req->db, "SELECT callreport_login_ok($1, $2)", 2, p,
	    &ok_res)) != DB_OK) {
		PQclear(res);
		return req_db_fail(req, e);
	}
	PQclear(ok_res);
	p[0] = hash_param(req, sid);
	p[1] = arena_strdup(req->a, PQgetvalue(res, 0, 1));
	p[2] = arena_printf(req->a, "%ld", req->cfg->session_ttl);
	PQclear(res);
	if ((e = db_exec(req->db, "SELECT callreport_session_new($1::bytea, "
	    "$2::uuid, $3::int)", 3, p, &res)) != DB_OK)
		return req_db_fail(req, e);
	PQclear(res);
	req_header(req, "Set-Cookie", session_cookie(req, sid, req->cfg->session_ttl));
	req_header(req, "Cache-Control", "no-store");
	if (next[0] == '\0')
		next = "/";	/* the start page */
	else if (req->cfg->base_path[0] != '\0' &&
	    strncmp(next, req->cfg->base_path, strlen(req->cfg->base_path)) == 0)
		next += strlen(req->cfg->base_path);
	return req_redirect(req, next[0] == '/' ? next : "/");
}

/* Ends the session on the server, clears the cookie, returns 303 to sign-in. */
int
session_logout(struct req *req)
{
	const char *sid = req_cookie(req, "crsid"), *p[1];
	PGresult *res;
	int e;

	if (sid != NULL && *sid) {
		p[0] = hash_param(req, sid);
		if ((e = db_exec(req->db, "SELECT callreport_session_end($1::bytea)",
		    1, p, &res)) != DB_OK)
			return req_db_fail(req, e);
		PQclear(res);
	}
	req_header(req, "Set-Cookie", session_cookie(req, "", 0));
	req_header(req, "Cache-Control", "no-store");
	return req_redirect(req, "/login");
}

