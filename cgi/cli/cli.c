/* cli.c: bin/callreport, the command-line tool: import, token, passwd, threshold, migrate,
 * demo-data, export, jobs, reports, recordings. */
#include <errno.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include <libpq-fe.h>

#include "base/auth.h"
#include "base/config.h"
#include "base/version.h"
#include "cli/demogen.h"
#include "cli/export.h"
#include "cli/import.h"
#include "cli/jobs.h"
#include "cli/recordings.h"
#include "cli/sync.h"
#include "cli/tenant.h"
#include "cli/reportlist.h"
#include "sqltext.h"
#include "base/buf.h"
#include "base/arena.h"
#include "store/recording.h"

static void
usage(void)
{
	fputs("usage: callreport --version\n"
	    "       callreport import --user NAME [--move-numbers] FILE...\n"
	    "       callreport token --user NAME [--list | --revoke ID]\n"
	    "       callreport passwd --user NAME   (password read from standard input)\n"
	    "       callreport threshold --user NAME [--metric M [--below PCT|none]\n"
	    "                            [--above PCT|none] | --metric M --reset]\n"
	    "       callreport migrate\n"
	    "       callreport demo-data --tenant NAME [--numbers N] [--seed N]\n"
	    "       callreport export --user NAME --task TASK_ID [--out DIR] [--zip]\n"
	    "                         [--mask-numbers] [--quiet] [filters]\n"
	    "       callreport jobs [--once]\n"
	    "       callreport reports [--json]\n"
	    "       callreport recordings dir --user NAME\n"
	    "       callreport recordings migrate [--apply] [--copy-shared]\n", stderr);
}

/* Connects as the schema owner (admin_db); returns NULL after a message. */
static PGconn *
admin(const struct config *cfg)
{
	PGconn *c = PQconnectdb(cfg->admin_db);

	if (PQstatus(c) != CONNECTION_OK) {
		fprintf(stderr, "callreport: cannot connect to the database: %s",
		    PQerrorMessage(c));
		PQfinish(c);
		return NULL;
	}
	return c;
}

/* Runs sql with params; returns the result (PQclear it) or NULL after a message. */
static PGresult *
run(PGconn *c, const char *sql, int n, const char *const *p)
{
	PGresult *r = PQexecParams(c, sql, n, NULL, p, NULL, NULL, 0);

	if (PQresultStatus(r) != PGRES_TUPLES_OK &&
	    PQresultStatus(r) != PGRES_COMMAND_OK) {
		fprintf(stderr, "callreport: %s", PQresultErrorMessage(r));
		PQclear(r);
		return NULL;
	}
	return r;
}

/* Puts the id of tenant name in id, creating the tenant if create; returns 0, or -1 after a message. */
static int
user_id(PGconn *c, const char *name, bool create, char id[37])
{
	PGresult *r;

	switch (tenant_id(c, name, create, id, &r)) {
	case 0:
		return 0;
	case 1:
		fprintf(stderr, "callreport: no tenant named %s\n", name);
		return -1;
	default:
		fprintf(stderr, "callreport: %s", PQresultErrorMessage(r));
		PQclear(r);
		return -1;
	}
}

static int
cmd_token(const struct config *cfg, const char *user, int list, const char *revoke)
{
	char tok[TOKEN_LEN + 1], hex[65], id[37];
	const char *p[3];
	PGconn *c;
	PGresult *r = NULL;
	int i, rc = 1;

	if ((c = admin(cfg)) == NULL)
		return 1;
	if (user_id(c, user, !list && !revoke, id) == -1)
		goto out;
	p[0] = id;
	if (list) {
		if ((r = run(c, "SELECT id, prefix || '…', to_char(created_at, "
		    "'YYYY-MM-DD HH24:MI:SS'), coalesce(to_char(revoked_at, "
		    "'YYYY-MM-DD HH24:MI:SS'), '-') FROM api_tokens WHERE user_id = $1 "
		    "ORDER BY id", 1, p)) == NULL)
			goto out;
		printf("%-6s %-14s %-20s %s\n", "ID", "TOKEN", "CREATED", "REVOKED");
		for (i = 0; i < PQntuples(r); i++)
			printf("%-6s %-14s %-20s %s\n", PQgetvalue(r, i, 0),
			    PQgetvalue(r, i, 1), PQgetvalue(r, i, 2), PQgetvalue(r, i, 3));
		rc = 0;
		goto out;
	}
	if (revoke) {
		p[1] = revoke;
		if (strspn(revoke, "0123456789") != strlen(revoke) || !*revoke) {
			fprintf(stderr, "callreport: --revoke takes a token ID (see --list)\n");
			goto out;
		}
		if ((r = run(c, "UPDATE api_tokens SET revoked_at = now() WHERE user_id = $1 "
		    "AND id = $2::bigint AND revoked_at IS NULL", 2, p)) == NULL)
			goto out;
		if (strcmp(PQcmdTuples(r), "1") != 0) {
			fprintf(stderr, "callreport: no live token %s for %s\n", revoke, user);
			goto out;
		}
		printf("revoked token %s\n", revoke);
		rc = 0;
		goto out;
	}
	if (auth_token_new(tok, "crt_")) {
		fprintf(stderr, "callreport: no randomness\n");
		goto out;
	}
	p[1] = auth_sha256_hex(tok, strlen(tok), hex);
	p[2] = tok;
	if ((r = run(c, "INSERT INTO api_tokens (user_id, token_hash, prefix) VALUES "
	    "($1, decode($2, 'hex'), left($3, 10))", 3, p)) == NULL)
		goto out;
	printf("%s\n", tok);
	rc = 0;
out:
	PQclear(r);
	PQfinish(c);
	return rc;
}

/* A bound of --below or --above: "none", or a percent from 0 to 1000. */
static bool
bound_ok(const char *v)
{
	char *end;
	double d;

	if (v == NULL || strcmp(v, "none") == 0)
		return true;
	errno = 0;
	d = strtod(v, &end);
	return *v != '\0' && *end == '\0' && errno == 0 && d >= 0 && d <= 1000;
}

/*
 * The tenant's data version bumped by the statement that changes a threshold:
 * the start page's marks change with it, so its validators and its kept
 * answers (report/pagecache.h) must.
 */
#define BUMP	"WITH bump AS (UPDATE tenants SET data_version = data_version + 1, " \
		"updated_at = now() WHERE id = $1::uuid) "

/*
 * threshold: the start page's marks of a tenant (table thresholds). Without
 * --metric, lists every metric with its bounds; with it, sets the bounds given
 * (the other kept) or, with --reset, goes back to the default.
 */
static int
cmd_threshold(const struct config *cfg, const char *user, const char *metric,
    const char *below, const char *above, int reset)
{
	char id[37];
	const char *p[4];
	PGconn *c;
	PGresult *r = NULL;
	int i, rc = 1;

	if (!bound_ok(below) || !bound_ok(above)) {
		fprintf(stderr, "callreport: --below and --above take a percent of the "
		    "previous period's figure (0 to 1000) or none\n");
		return 2;
	}
	if ((c = admin(cfg)) == NULL)
		return 1;
	if (user_id(c, user, false, id) == -1)
		goto out;
	p[0] = id;
	p[1] = metric;
	p[2] = below ? below : "keep";
	p[3] = above ? above : "keep";
	if (metric != NULL && reset)
		r = run(c, BUMP "DELETE FROM thresholds WHERE user_id = $1::uuid AND metric = $2 "
		    "AND EXISTS (SELECT FROM callreport_thresholds($1::uuid) t "
		    "WHERE t.metric = $2)", 2, p);
	else if (metric != NULL)
		r = run(c, BUMP "INSERT INTO thresholds (user_id, metric, below, above) "
		    "SELECT $1::uuid, t.metric, "
		    "CASE $3 WHEN 'keep' THEN t.below WHEN 'none' THEN NULL "
		    "ELSE $3::numeric END, "
		    "CASE $4 WHEN 'keep' THEN t.above WHEN 'none' THEN NULL "
		    "ELSE $4::numeric END "
		    "FROM callreport_thresholds($1::uuid) t WHERE t.metric = $2 "
		    "ON CONFLICT (user_id, metric) DO UPDATE "
		    "SET below = excluded.below, above = excluded.above", 4, p);
	if (metric != NULL) {
		if (r == NULL)
			goto out;
		/* (A reset of a metric left at its default deletes nothing: fine.) */
		if (!reset && strcmp(PQcmdTuples(r), "1") != 0) {
			fprintf(stderr, "callreport: no metric %s (callreport threshold "
			    "--user %s lists them)\n", metric, user);
			goto out;
		}
		PQclear(r);
	}
	if ((r = run(c, "SELECT metric, coalesce(below::text, 'none'), "
	    "coalesce(above::text, 'none'), CASE WHEN is_set THEN 'set' ELSE "
	    "'default' END FROM callreport_thresholds($1::uuid)", 1, p)) == NULL)
		goto out;
	printf("%-14s %-8s %-8s %s\n", "METRIC", "BELOW%", "ABOVE%", "FROM");
	for (i = 0; i < PQntuples(r); i++)
		printf("%-14s %-8s %-8s %s\n", PQgetvalue(r, i, 0), PQgetvalue(r, i, 1),
		    PQgetvalue(r, i, 2), PQgetvalue(r, i, 3));
	rc = 0;
out:
	PQclear(r);
	PQfinish(c);
	return rc;
}

/* Reads one line from standard input (echo off on a terminal); returns it malloc'd. */
static char *
read_password(void)
{
	struct termios t, quiet;
	int tty = isatty(0);
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;

	if (tty) {
		fputs("password: ", stderr);
		tcgetattr(0, &t);
		quiet = t;
		quiet.c_lflag &= ~(tcflag_t)ECHO;
		tcsetattr(0, TCSAFLUSH, &quiet);
	}
	n = getline(&line, &cap, stdin);
	if (tty) {
		tcsetattr(0, TCSAFLUSH, &t);
		fputc('\n', stderr);
	}
	if (n <= 0) {
		free(line);
		return NULL;
	}
	line[strcspn(line, "\r\n")] = '\0';
	return line;
}

static int
cmd_passwd(const struct config *cfg, const char *user)
{
	char *pw = NULL, *hash = NULL, id[37];
	const char *p[2];
	PGconn *c = NULL;
	PGresult *r = NULL;
	int rc = 1;

	if ((pw = read_password()) == NULL || strlen(pw) < 8) {
		fprintf(stderr, "callreport: the password must have 8 characters or more\n");
		goto out;
	}
	if ((hash = auth_password_hash(pw)) == NULL) {
		fprintf(stderr, "callreport: cannot hash the password\n");
		goto out;
	}
	if ((c = admin(cfg)) == NULL || user_id(c, user, true, id) == -1)
		goto out;
	p[0] = id;
	p[1] = hash;
	if ((r = run(c, "UPDATE tenants SET password_hash = $2, updated_at = now() "
	    "WHERE id = $1", 2, p)) == NULL)
		goto out;
	PQclear(r);
	r = run(c, "DELETE FROM sessions WHERE user_id = $1", 1, p);
	printf("password set for %s\n", user);
	rc = 0;
out:
	PQclear(r);
	if (pw)
		memset(pw, 0, strlen(pw));
	free(pw);
	free(hash);
	PQfinish(c);
	return rc;
}

static void
no_notice(void *arg, const char *msg)
{
	(void)arg;
	(void)msg;
}

static int
cmd_migrate(const struct config *cfg)
{
	PGconn *c;
	PGresult *r;
	int rc = 1;

	if ((c = admin(cfg)) == NULL)
		return 1;
	PQsetNoticeProcessor(c, no_notice, NULL);
	r = PQexec(c, sql_schema);
	if (PQresultStatus(r) != PGRES_COMMAND_OK && PQresultStatus(r) != PGRES_TUPLES_OK)
		fprintf(stderr, "callreport: migrate: %s", PQresultErrorMessage(r));
	else {
		printf("schema is up to date\n");
		rc = 0;
	}
	PQclear(r);
	PQfinish(c);
	return rc;
}

/*
 * recordings dir --user NAME: prints the directory of the tenant's
 * recordings (store/recording.c has the layout); recordings migrate: moves
 * the files of the old layout into them (cli/recordings.c).
 */
static int
cmd_recordings(const struct config *cfg, const char *sub, const char *user,
    bool apply, bool copy_shared)
{
	struct arena *a;
	PGconn *c;
	char id[37];
	int rc = 1;

	if (!(strcmp(sub, "dir") == 0 && user != NULL && !apply && !copy_shared) &&
	    !(strcmp(sub, "migrate") == 0 && user == NULL)) {
		usage();
		return 2;
	}
	if (cfg->recordings_root[0] == '\0') {
		fprintf(stderr, "callreport: recordings_root is not set (docs/config.md)\n");
		return 1;
	}
	if ((c = admin(cfg)) == NULL)
		return 1;
	if (user == NULL)
		rc = recordings_migrate(cfg, c, apply, copy_shared);
	else if (user_id(c, user, false, id) == 0) {
		a = arena_new();
		printf("%s\n", recording_dir(a, cfg->recordings_root, id));
		arena_free(a);
		rc = 0;
	}
	PQfinish(c);
	return rc;
}

static int
cmd_import(const struct config *cfg, const char *user, bool move_numbers, int n,
    char **files)
{
	PGconn *c;
	int rc;

	if (n == 0) {
		usage();
		return 2;
	}
	if ((c = admin(cfg)) == NULL)
		return 1;
	rc = import_files(c, user, n, files, cfg->timezone, move_numbers, stderr,
	    stdout);
	PQfinish(c);
	return rc;
}

int
main(int argc, char *argv[])
{
	static const struct option opts[] = {
		{ "user", required_argument, NULL, 'u' },
		{ "list", no_argument, NULL, 'l' },
		{ "revoke", required_argument, NULL, 'r' },
		{ "move-numbers", no_argument, NULL, 'm' },
		{ "metric", required_argument, NULL, 'M' },
		{ "below", required_argument, NULL, 'B' },
		{ "above", required_argument, NULL, 'A' },
		{ "reset", no_argument, NULL, 'R' },
		{ "apply", no_argument, NULL, 'a' },
		{ "copy-shared", no_argument, NULL, 's' },
		{ NULL, 0, NULL, 0 },
	};
	struct config cfg;
	const char *cmd, *user = NULL, *revoke = NULL, *metric = NULL, *below = NULL,
	    *above = NULL;
	int ch, list = 0, move_numbers = 0, reset = 0, apply = 0, copy_shared = 0, rc;

	if (argc < 2) {
		usage();
		return 2;
	}
	cmd = argv[1];
	/* Before the configuration: the version is the binary's, whatever the file says. */
	if (strcmp(cmd, "--version") == 0) {
		printf("callreport %s\n", CALLREPORT_VERSION);
		return 0;
	}
	if (strcmp(cmd, "demo-data") == 0)
		return demogen_main(argc - 1, argv + 1);
	if (strcmp(cmd, "reports") == 0)
		return reportlist_main(argc - 1, argv + 1);
	if (config_load(&cfg))
		return 1;
	if (strcmp(cmd, "export") == 0) {
		rc = export_main(&cfg, argc - 1, argv + 1);
		config_free(&cfg);
		return rc;
	}
	if (strcmp(cmd, "sync") == 0) {
		rc = sync_main(&cfg, argc - 1, argv + 1);
		config_free(&cfg);
		return rc;
	}
	if (strcmp(cmd, "jobs") == 0) {
		rc = jobs_main(&cfg, argc - 1, argv + 1);
		config_free(&cfg);
		return rc;
	}
	optind = 2;
	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (ch) {
		case 'u': user = optarg; break;
		case 'l': list = 1; break;
		case 'm': move_numbers = 1; break;
		case 'r': revoke = optarg; break;
		case 'M': metric = optarg; break;
		case 'B': below = optarg; break;
		case 'A': above = optarg; break;
		case 'R': reset = 1; break;
		case 'a': apply = 1; break;
		case 's': copy_shared = 1; break;
		default: usage(); config_free(&cfg); return 2;
		}
	}
	if (strcmp(cmd, "migrate") == 0)
		rc = cmd_migrate(&cfg);
	else if (strcmp(cmd, "recordings") == 0)
		rc = optind + 1 == argc ? cmd_recordings(&cfg, argv[optind], user,
		    apply, copy_shared) : (usage(), 2);
	else if (user == NULL) {
		usage();
		rc = 2;
	} else if (strcmp(cmd, "import") == 0)
		rc = cmd_import(&cfg, user, move_numbers, argc - optind,
		    argv + optind);
	else if (strcmp(cmd, "token") == 0)
		rc = cmd_token(&cfg, user, list, revoke);
	else if (strcmp(cmd, "passwd") == 0)
		rc = cmd_passwd(&cfg, user);
	else if (strcmp(cmd, "threshold") == 0 && (metric != NULL ||
	    (below == NULL && above == NULL && !reset)) &&
	    !(reset && (below != NULL || above != NULL)))
		rc = cmd_threshold(&cfg, user, metric, below, above, reset);
	else {
		usage();
		rc = 2;
	}
	config_free(&cfg);
	return rc;
}
