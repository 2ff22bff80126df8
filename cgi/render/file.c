/* file.c: an answer that is a file the renderer wrote (a workbook, a CSV). */
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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
