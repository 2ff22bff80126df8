/* config.h: the one configuration file (key = value) and its environment overrides. */
#ifndef CR_CONFIG_H
#define CR_CONFIG_H

#include <stddef.h>

/* Every key; docs/config.md describes each. Keep in step with config.c keys[]. */
struct config {
	char	*db;			/* libpq conninfo the web program reads with */
	char	*read_db;		/* conninfo for report reads (a standby); "" = db */
	char	*admin_db;		/* conninfo of the schema owner, for the CLI */
	char	*timezone;		/* deployment time zone, e.g. Asia/Shanghai */
	char	*template_dir;
	char	*static_dir;
	char	*recordings_root;	/* "" = recordings disabled */
	char	*tmp_dir;
	char	*base_path;		/* where the program is mounted, e.g. /reports */
	char	*static_url;		/* URL of static/, default base_path + "/static" */
	char	*trust_remote_user;	/* "1": trust REMOTE_USER as the tenant name */
	long	 max_body;		/* bytes; larger bodies get 413 */
	long	 statement_timeout;	/* ms */
	long	 lock_timeout;		/* ms a statement waits for a lock; 0 = no limit */
	long	 session_ttl;		/* seconds */
	long	 tenant_max_requests;	/* a tenant's report requests at once (429 past it); 0 = any */
	long	 export_max_per_tenant;	/* a tenant's XLSX/CSV files at once (429); 0 = any */
	long	 export_max;		/* everyone's files at once (503); 0 = any */
	long	 page_cache;		/* kept answers a tenant (report/pagecache.h); 0 = none */
	long	 max_offset;		/* rows a page may skip (deeper: 400 naming page); 0 = any */
	long	 max_requests;		/* a worker exits after this many answered below 500; 0 = never */
	long	 worker_max_rss;	/* MiB: a worker exits once its peak resident set passes it; 0 = never */
	long	 worker_max_age;	/* seconds (plus up to a quarter, by pid): a worker's life; 0 = any */
	long	 worker_min_age;	/* seconds: never recycled younger (a supervisor's failed start) */
	long	 login_max_failures;	/* per user and per address, per window */
	long	 login_window;		/* seconds */
	long	 prepare;		/* 1: prepared statements (generic plans); 0: behind PgBouncer < 1.21 */
	long	 export_async_rows;	/* a file of more rows is a job (the runner's); 0 = never */
	char	*jobs_dir;		/* the jobs' finished files, one directory a tenant */
	long	 jobs_max;		/* jobs the runner runs at once */
	long	 jobs_retention;	/* seconds a finished file is kept */
	long	 xlsx_rows_per_sheet;	/* test/ops knob: data rows a sheet; 0 = Excel's 1,048,575 */
	char	*path;			/* the file read, or NULL */
	/* sync.TENANT.KEY = VALUE lines (callreport sync): names and values, in pairs. */
	char	**sync;
	size_t	 nsync;			/* strings in sync (two a line) */
};

/*
 * Loads defaults, then the file ($CALLREPORT_CONF, else <exe>/../var/callreport.conf
 * when that exists, else /etc/callreport.conf), then CALLREPORT_<KEY> variables.
 * Returns 0, or -1 with a message on stderr.
 */
int	 config_load(struct config *);
/*
 * Applies the key = value lines of text[0..len) to c (config_load has set
 * the defaults; '#' starts a comment line). name is the file's, for
 * messages ("NAME:LINE: unknown key x"). Returns 0, or -1 with a message on
 * stderr at the first bad line.
 */
int	 config_parse(struct config *, const char *text, size_t len,
	    const char *name);
void	 config_free(struct config *);
/*
 * The value of sync.TENANT.KEY (callreport sync, docs/config.md), the last
 * line's when the file says it twice, or NULL.
 */
const char *config_sync(const struct config *, const char *tenant, const char *key);

#endif
