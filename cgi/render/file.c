/* file.c: an answer that is a file the renderer wrote (a workbook, a CSV). */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "base/arena.h"
#include "base/buf.h"
#include "base/log.h"
#include "render/file.h"

char *
file_temp(struct req *req, const char *ext)
{
	char *path;
	int fd;

	/* The pid: a file of a killed process is known for one (file_clean). */
	/*
	 * A job's file is made in its final directory (file_dir), under a
	 * temporary name the runner renames when it is whole: never a copy
	 * across file systems, never a half file under the final name.
	 */
	path = arena_printf(req->a, "%s/callreport-%ld-XXXXXX.%s",
	    req->file_dir ? req->file_dir : req->cfg->tmp_dir, (long)getpid(), ext);
	if ((fd = mkstemps(path, (int)strlen(ext) + 1)) < 0) {
		log_line(req->id, "%s: %s: %s", ext, path, strerror(errno));
		req_error(req, 500, "could not write the file");
		return NULL;
	}
	close(fd);
	return path;
}

/*
 * Returns true when process pid has ended but is not yet reaped: a job
 * runner's child killed with it stays a zombie until its new parent (init,
 * or a container's first process, which may never) reaps it.
 */
static bool
zombie(long pid)
{
	char path[64], b[512], *p;
	bool z = false;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%ld/stat", pid);
	if ((f = fopen(path, "r")) == NULL)
		return false;
	if (fgets(b, sizeof(b), f) != NULL && (p = strrchr(b, ')')) != NULL)
		z = p[1] == ' ' && (p[2] == 'Z' || p[2] == 'X');
	fclose(f);
	return z;
}

int
file_clean(const char *dir)
{
	struct dirent *e;
	DIR *d;
	char *end, path[4096];
	long pid;
	int n = 0;

	if ((d = opendir(dir)) == NULL)
		return 0;
	while ((e = readdir(d)) != NULL) {
		if (strncmp(e->d_name, "callreport-", 11) != 0)
			continue;
		errno = 0;
		pid = strtol(e->d_name + 11, &end, 10);
		if (errno || end == e->d_name + 11 || *end != '-' || pid <= 0 ||
		    pid == (long)getpid())
			continue;
		/* Alive (or another user's: EPERM), or a pid used again: its own. */
		if ((kill((pid_t)pid, 0) == 0 || errno != ESRCH) && !zombie(pid))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		if (unlink(path) == 0) {
			log_line(NULL, "removed %s, left by process %ld", path, pid);
			n++;
		}
	}
	closedir(d);
	return n;
}

/* Appends s with every byte a file name must not hold (RFC 6266 s. 4.3) as '_'. */
static void
safe_name(struct buf *b, const char *s)
{
	const unsigned char *p;

	for (p = (const unsigned char *)s; *p; p++)
		buf_putc(b, *p < 0x20 || *p == 0x7F || strchr("/\\\"'`:*?<>|%;", *p) ?
		    '_' : (char)*p);
}

/* Appends the period of run as "-YYYYMMDD-YYYYMMDD" (each end it has). */
static void
period_part(struct buf *b, const struct run *run)
{
	static const char *const ends[] = { "start_at", "end_at" };
	const struct pval *p;
	int i, k;

	for (k = 0; k < 2; k++) {
		if ((i = REPORT_FIELD(run->r, ends[k])) < 0 || !(p = &run->pv[i])->set ||
		    strlen(p->text) < 10)
			continue;
		buf_printf(b, "-%.4s%.2s%.2s", p->text, p->text + 5, p->text + 8);
	}
}

const char *
file_name(struct req *req, const struct run *run, const char *ext, bool ascii)
{
	struct buf b = {0};
	const char *out;

	if (ascii)
		buf_puts(&b, run->r->file);
	else {
		if (run->task != NULL && PQntuples(run->task) > 0 &&
		    *PQgetvalue(run->task, 0, 0)) {
			safe_name(&b, PQgetvalue(run->task, 0, 0));
			buf_putc(&b, '-');
		}
		safe_name(&b, run->r->title);
	}
	period_part(&b, run);
	buf_printf(&b, ".%s", ext);
	out = arena_strdup(req->a, b.p);
	buf_free(&b);
	return out;
}

void
file_attach(struct req *req, const struct run *run, const char *path,
    const char *ext, const char *ctype)
{
	struct buf cd = {0};
	const unsigned char *p;

	req->file = path;
	req->file_tmp = true;
	req->ctype = ctype;
	/* RFC 6266: an ASCII filename= for old agents, the name in filename*. */
	buf_printf(&cd, "attachment; filename=\"%s\"; filename*=UTF-8''",
	    file_name(req, run, ext, true));
	for (p = (const unsigned char *)file_name(req, run, ext, false); *p; p++)
		if (isalnum(*p) || strchr("!#$&+-.^_`|~", *p))
			buf_putc(&cd, (char)*p);	/* attr-char, RFC 8187 */
		else
			buf_printf(&cd, "%%%02X", *p);
	req_header(req, "Content-Disposition", cd.p);
	buf_free(&cd);
}

/* Returns r's workbook column of key, or NULL. */
static const struct column *
xcol(const struct report *r, const char *key)
{
	size_t i;

	for (i = 0; i < r->ncols; i++)
		if ((r->cols[i].views & VX) && strcmp(r->cols[i].key, key) == 0)
			return &r->cols[i];
	return NULL;
}

/* Appends c to out[*n] unless it is there. */
static void
add_col(const struct column **out, size_t *n, const struct column *c)
{
	size_t i;

	for (i = 0; i < *n; i++)
		if (out[i] == c)
			return;
	out[(*n)++] = c;
}

int
file_columns(struct req *req, struct run *run, const char **bad)
{
	const struct report *r = run->r;
	const struct column **out, *c;
	const struct pval *want = NULL;
	size_t i, n = 0;
	int f = REPORT_FIELD(r, "columns");

	out = arena_alloc(req->a, (r->ncols + 1) * sizeof(*out));
	if (f >= 0 && run->pv[f].set)
		want = &run->pv[f];
	for (i = 0; want != NULL && i < want->n; i++) {
		if ((c = xcol(r, want->strs[i])) == NULL) {
			*bad = want->strs[i];
			return -1;
		}
		add_col(out, &n, c);
	}
	if (want == NULL) {
		for (i = 0; r->xlsx_cols != NULL && r->xlsx_cols[i] != NULL; i++)
			if ((c = xcol(r, r->xlsx_cols[i])) != NULL)
				add_col(out, &n, c);
		run->nread = n;
		for (i = 0; i < r->ncols; i++)
			if (r->cols[i].views & VX)
				add_col(out, &n, &r->cols[i]);
		if (r->xlsx_cols == NULL)
			run->nread = n;
	} else
		run->nread = n;
	run->fcols = out;
	run->nfcols = n;
	return 0;
}

const char *
file_secs_label(struct arena *a, const struct column *c)
{
	size_t n = strlen(c->label), m = strlen("(毫秒)");

	if (n > m && strcmp(c->label + n - m, "(毫秒)") == 0)
		return arena_printf(a, "%.*s(秒)", (int)(n - m), c->label);
	return arena_printf(a, "%s(秒)", c->label);
}

long
file_width(const struct report *r)
{
	long n = 0;
	size_t i;

	for (i = 0; i < r->ncols; i++)
		if (r->cols[i].views & VX)
			n += r->cols[i].type == CT_MS ? 2 : 1;
	return n;
}

/* Returns bytes as MB for a message, rounded up: "needs 1 MB", never 0. */
static unsigned long long
mb(unsigned long long bytes)
{
	return (bytes + (1ULL << 20) - 1) >> 20;
}

int
file_room(struct req *req, unsigned long long need)
{
	struct statvfs sv;
	unsigned long long have;
	const char *dir = req->file_dir ? req->file_dir : req->cfg->tmp_dir;

	if (statvfs(dir, &sv) != 0)
		return 0;	/* nothing to go by: file_temp will say what is wrong */
	have = (unsigned long long)sv.f_bavail * sv.f_frsize;
	if (have >= need)
		return 0;
	log_line(req->id, "%s %s: %llu MB free, the file needs about %llu MB: "
	    "refused", req->file_dir ? "jobs_dir" : "tmp_dir", dir, have >> 20, mb(need));
	req_error(req, 507, arena_printf(req->a, "not enough temporary space for "
	    "this export: it needs about %llu MB, %llu MB are free; narrow the "
	    "filters, or try again later", mb(need), have >> 20));
	return 507;
}
