/* file.c: an answer that is a file the renderer wrote (a workbook, a CSV). */
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
	path = arena_printf(req->a, "%s/callreport-%ld-XXXXXX.%s", req->cfg->tmp_dir,
	    (long)getpid(), ext);
	if ((fd = mkstemps(path, (int)strlen(ext) + 1)) < 0) {
		log_line(req->id, "%s: %s: %s", ext, path, strerror(errno));
		req_error(req, 500, "could not write the file");
		return NULL;
	}
	close(fd);
	return path;
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
		if (kill((pid_t)pid, 0) == 0 || errno != ESRCH)
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

void
file_attach(struct req *req, const struct report *r, const char *path,
    const char *ext, const char *ctype)
{
	struct buf cd = {0};
	const unsigned char *p;

	req->file = path;
	req->file_tmp = true;
	req->ctype = ctype;
	buf_printf(&cd, "attachment; filename=\"%s.%s\"; filename*=UTF-8''",
	    r->file, ext);
	for (p = (const unsigned char *)r->title; *p; p++)
		buf_printf(&cd, "%%%02X", *p);
	buf_printf(&cd, ".%s", ext);
	req_header(req, "Content-Disposition", cd.p);
	buf_free(&cd);
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
file_columns(const struct report *r)
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

	if (statvfs(req->cfg->tmp_dir, &sv) != 0)
		return 0;	/* nothing to go by: file_temp will say what is wrong */
	have = (unsigned long long)sv.f_bavail * sv.f_frsize;
	if (have >= need)
		return 0;
	log_line(req->id, "tmp_dir %s: %llu MB free, the file needs about %llu MB: "
	    "refused", req->cfg->tmp_dir, have >> 20, mb(need));
	req_error(req, 507, arena_printf(req->a, "not enough temporary space for "
	    "this export: it needs about %llu MB, %llu MB are free; narrow the "
	    "filters, or try again later", mb(need), have >> 20));
	return 507;
}
