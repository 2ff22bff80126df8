/* config.c: read the key = value configuration and environment overrides. */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/config.h"
#include "base/buf.h"

enum ktype { K_STR, K_LONG };

static const struct key {
	const char	*name;
	enum ktype	 type;
	size_t		 off;
	const char	*def;
} keys[] = {
	{ "db", K_STR, offsetof(struct config, db), "dbname=callreport" },
	{ "read_db", K_STR, offsetof(struct config, read_db), "" },
	{ "admin_db", K_STR, offsetof(struct config, admin_db), "" },
	{ "timezone", K_STR, offsetof(struct config, timezone), "Asia/Shanghai" },
	{ "template_dir", K_STR, offsetof(struct config, template_dir), DATADIR "/templates" },
	{ "static_dir", K_STR, offsetof(struct config, static_dir), DATADIR "/static" },
	{ "recordings_root", K_STR, offsetof(struct config, recordings_root), "" },
	{ "tmp_dir", K_STR, offsetof(struct config, tmp_dir), "/tmp" },
	{ "base_path", K_STR, offsetof(struct config, base_path), "" },
	{ "static_url", K_STR, offsetof(struct config, static_url), "" },
	{ "trust_remote_user", K_STR, offsetof(struct config, trust_remote_user), "0" },
	{ "max_body", K_LONG, offsetof(struct config, max_body), "65536" },
	{ "statement_timeout", K_LONG, offsetof(struct config, statement_timeout), "5000" },
	{ "lock_timeout", K_LONG, offsetof(struct config, lock_timeout), "1000" },
	{ "session_ttl", K_LONG, offsetof(struct config, session_ttl), "28800" },
	{ "tenant_max_requests", K_LONG, offsetof(struct config, tenant_max_requests), "2" },
	{ "export_max_per_tenant", K_LONG, offsetof(struct config, export_max_per_tenant), "1" },
	{ "export_max", K_LONG, offsetof(struct config, export_max), "2" },
	{ "page_cache", K_LONG, offsetof(struct config, page_cache), "32" },
	{ "max_offset", K_LONG, offsetof(struct config, max_offset), "100000" },
	{ "max_requests", K_LONG, offsetof(struct config, max_requests), "0" },
	{ "worker_max_rss", K_LONG, offsetof(struct config, worker_max_rss), "128" },
	{ "worker_max_age", K_LONG, offsetof(struct config, worker_max_age), "3600" },
	{ "worker_min_age", K_LONG, offsetof(struct config, worker_min_age), "60" },
	{ "login_max_failures", K_LONG, offsetof(struct config, login_max_failures), "10" },
	{ "login_window", K_LONG, offsetof(struct config, login_window), "900" },
	{ "prepare", K_LONG, offsetof(struct config, prepare), "1" },
	{ "export_async_rows", K_LONG, offsetof(struct config, export_async_rows), "50000" },
	{ "jobs_dir", K_STR, offsetof(struct config, jobs_dir), "/var/lib/callreport/jobs" },
	{ "jobs_max", K_LONG, offsetof(struct config, jobs_max), "1" },
	{ "jobs_retention", K_LONG, offsetof(struct config, jobs_retention), "86400" },
	{ "xlsx_rows_per_sheet", K_LONG, offsetof(struct config, xlsx_rows_per_sheet), "0" },
};
#define NKEYS (sizeof(keys) / sizeof(keys[0]))

/*
 * Keys that earlier versions read and this one does not: a file that still has
 * one loads (an upgrade must not stop the workers over a line that does
 * nothing), with a message saying so.
 */
static const char *const obsolete[] = {
	"sql_dir",		/* 0.9: nothing read it; the SQL is compiled in */
};

/* Sets key k from text; returns 0 or -1 on a bad number. */
static int
set(struct config *c, const struct key *k, const char *v)
{
	char *end;
	long l;

	if (k->type == K_STR) {
		char **p = (char **)((char *)c + k->off);

		free(*p);
		*p = xstrdup(v);
		return 0;
	}
	errno = 0;
	l = strtol(v, &end, 10);
	if (errno || *v == '\0' || *end != '\0' || l < 0)
		return -1;
	*(long *)((char *)c + k->off) = l;
	return 0;
}

static const struct key *
find(const char *name)
{
	size_t i;

	for (i = 0; i < NKEYS; i++)
		if (strcmp(keys[i].name, name) == 0)
			return &keys[i];
	return NULL;
}

static int
is_obsolete(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(obsolete) / sizeof(obsolete[0]); i++)
		if (strcmp(obsolete[i], name) == 0)
			return 1;
	return 0;
}

static char *
trim(char *s)
{
	char *e;

	while (isspace((unsigned char)*s))
		s++;
	e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = '\0';
	return s;
}

/* Returns the file to read, malloc'd, or NULL when there is none. */
static char *
conf_path(void)
{
	const char *env = getenv("CALLREPORT_CONF");
	char exe[PATH_MAX], *slash;
	ssize_t n;
	struct buf b = {0};

	if (env != NULL && *env)
		return xstrdup(env);
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n > 0) {
		exe[n] = '\0';
		if ((slash = strrchr(exe, '/')) != NULL) {
			*slash = '\0';
			buf_printf(&b, "%s/../var/callreport.conf", exe);
			if (access(b.p, R_OK) == 0)
				return b.p;
			buf_free(&b);
		}
	}
	if (access("/etc/callreport.conf", R_OK) == 0)
		return xstrdup("/etc/callreport.conf");
	return NULL;
}

int
config_parse(struct config *c, const char *text, size_t len, const char *name)
{
	const char *start = text, *end = text + len, *nl;
	char *line, *p, *eq;
	size_t lineno = 0, n;
	const struct key *k;

	while (start < end) {
		/* One line with its '\n', read as a C string (as getline's was). */
		nl = memchr(start, '\n', (size_t)(end - start));
		nl = nl != NULL ? nl + 1 : end;
		n = (size_t)(nl - start);
		line = memcpy(xmalloc(n + 1), start, n);
		line[n] = '\0';
		start = nl;
		lineno++;
		p = trim(line);
		if (*p == '#' || *p == '\0') {
			free(line);
			continue;
		}
		if ((eq = strchr(p, '=')) == NULL) {
			fprintf(stderr, "callreport: %s:%zu: expected key = value\n",
			    name, lineno);
			goto out;
		}
		*eq++ = '\0';
		p = trim(p);
		eq = trim(eq);
		if (strncmp(p, "sync.", 5) == 0 && strchr(p + 5, '.') != NULL &&
		    strchr(p + 5, '.') != p + 5 && strchr(p + 5, '.')[1] != '\0') {
			c->sync = xrealloc(c->sync, (c->nsync + 2) * sizeof(*c->sync));
			c->sync[c->nsync++] = xstrdup(p + 5);
			c->sync[c->nsync++] = xstrdup(eq);
			free(line);
			continue;
		}
		if ((k = find(p)) == NULL) {
			if (is_obsolete(p)) {
				fprintf(stderr, "callreport: %s:%zu: %s is "
				    "obsolete, ignored\n", name, lineno, p);
				free(line);
				continue;
			}
			fprintf(stderr, "callreport: %s:%zu: unknown key %s\n",
			    name, lineno, p);
			goto out;
		}
		if (set(c, k, eq)) {
			fprintf(stderr, "callreport: %s:%zu: %s must be a "
			    "non-negative integer\n", name, lineno, p);
			goto out;
		}
		free(line);
	}
	return 0;
out:
	free(line);
	return -1;
}

int
config_load(struct config *c)
{
	FILE *fp = NULL;
	char *p, *path;
	char envname[64], chunk[4096];
	struct buf text = {0};
	size_t i, n;
	const char *v;
	int rc = -1;

	memset(c, 0, sizeof(*c));
	for (i = 0; i < NKEYS; i++)
		set(c, &keys[i], keys[i].def);
	if ((path = conf_path()) != NULL) {
		c->path = path;
		if ((fp = fopen(path, "r")) == NULL) {
			fprintf(stderr, "callreport: %s: %s\n", path, strerror(errno));
			goto out;
		}
		while ((n = fread(chunk, 1, sizeof(chunk), fp)) > 0)
			buf_put(&text, chunk, n);
		if (config_parse(c, text.p ? text.p : "", text.len, path))
			goto out;
	}
	for (i = 0; i < NKEYS; i++) {
		snprintf(envname, sizeof(envname), "CALLREPORT_%s", keys[i].name);
		for (p = envname; *p; p++)
			*p = (char)toupper((unsigned char)*p);
		if ((v = getenv(envname)) != NULL && set(c, &keys[i], v)) {
			fprintf(stderr, "callreport: %s must be a non-negative "
			    "integer\n", envname);
			goto out;
		}
	}
	if (c->admin_db[0] == '\0')
		set(c, find("admin_db"), c->db);
	if (c->static_url[0] == '\0') {
		struct buf b = {0};

		buf_printf(&b, "%s/static", c->base_path);
		set(c, find("static_url"), b.p);
		buf_free(&b);
	}
	rc = 0;
out:
	buf_free(&text);
	if (fp)
		fclose(fp);
	return rc;
}

void
config_free(struct config *c)
{
	size_t i;

	for (i = 0; i < NKEYS; i++)
		if (keys[i].type == K_STR)
			free(*(char **)((char *)c + keys[i].off));
	free(c->path);
	for (i = 0; i < c->nsync; i++)
		free(c->sync[i]);
	free(c->sync);
	memset(c, 0, sizeof(*c));
}

const char *
config_sync(const struct config *c, const char *tenant, const char *key)
{
	size_t i, n = strlen(tenant);
	const char *v = NULL;

	for (i = 0; i + 1 < c->nsync; i += 2)
		if (strncmp(c->sync[i], tenant, n) == 0 && c->sync[i][n] == '.' &&
		    strcmp(c->sync[i] + n + 1, key) == 0)
			v = c->sync[i + 1];
	return v;
}
