/* pagecache.c: kept answers of the reports of aggregates (see pagecache.h). */
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/arena.h"
#include "base/buf.h"
#include "base/config.h"
#include "base/hash.h"
#include "base/log.h"
#include "base/version.h"
#include "input/period.h"
#include "input/req.h"
#include "render/render.h"
#include "report/pagecache.h"
#include "store/db.h"

#define PAGE_DIR	"pages"
#define STAMP_MAX	4096	/* files of a tenant's directory looked at to trim it */

/*
 * The stamp of what renders a page besides its data: the program's file and
 * the newest template, read once a process (a worker renders with the
 * templates it loaded: a new one starts with the new stamp).
 */
static long long
stamp(const struct config *cfg)
{
	static long long s = -1;
	struct stat st;
	struct dirent *e;
	DIR *d;

	if (s >= 0)
		return s;
	s = stat("/proc/self/exe", &st) == 0 ? (long long)st.st_mtime : 0;
	if ((d = opendir(cfg->template_dir)) != NULL) {
		while ((e = readdir(d)) != NULL)
			if (e->d_name[0] != '.' && fstatat(dirfd(d), e->d_name, &st, 0) == 0 &&
			    (long long)st.st_mtime > s)
				s = st.st_mtime;
		closedir(d);
	}
	return s;
}

/* The tenant's directory (made with mkdir -p when make), in req's arena. */
static const char *
tenant_dir(struct req *req, bool make)
{
	const char *top = arena_printf(req->a, "%s/" PAGE_DIR, req->cfg->tmp_dir);
	const char *dir = arena_printf(req->a, "%s/%s", top, req->tenant);

	if (make && (mkdir(top, 0700) == -1 && errno != EEXIST))
		return NULL;
	if (make && (mkdir(dir, 0700) == -1 && errno != EEXIST))
		return NULL;
	return dir;
}

bool
pagecache_wanted(const struct req *req, const struct report *r)
{
	return r->cached && req->cfg->page_cache > 0 && !renderers[req->fmt].whole &&
	    !req->capture && !req->exporting;
}

const char *
pagecache_key(struct req *req, const struct run *run)
{
	const struct report *r = run->r;
	long long now = req->now ? req->now : period_now(req->cfg->timezone);
	struct buf k = {0};
	const char *key, *user = req_user(req);
	int i;

	if (!pagecache_wanted(req, r) || req->tenant[0] == '\0' ||
	    req->db->version[0] == '\0')
		return NULL;
	/* The database by a hash of its connection string (a password stays out of the file). */
	buf_printf(&k, "callreport page\n%s %lld\n%016llx %s\n%s\n%s\n%s\n%d\n%s\n%s\n%s\n%lld\n%d %s\n%s\n%s\n",
	    CALLREPORT_VERSION, stamp(req->cfg), (unsigned long long)hash_str(req->cfg->db),
	    req->cfg->template_dir, req->tenant, req->db->version,
	    renderers[req->fmt].name, (int)req->fmt, r->name, req->path,
	    req->query ? req->query : "", now / 86400, (int)req->authby,
	    user ? user : "", req->cfg->base_path, req->cfg->static_url);
	for (i = 0; i < run->nparams; i++)
		buf_printf(&k, "%s%s\n", run->params[i] ? "=" : "-",
		    run->params[i] ? run->params[i] : "");
	key = arena_strdup(req->a, k.p);
	buf_free(&k);
	return key;
}

bool
pagecache_get(struct req *req, const char *key)
{
	const char *dir = tenant_dir(req, false), *p, *nl;
	size_t klen = strlen(key), hlen;
	struct stat st;
	ssize_t n;
	size_t got = 0;
	int fd;

	fd = open(arena_printf(req->a, "%s/%016llx", dir, (unsigned long long)hash_str(key)),
	    O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd == -1)
		return false;
	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode) || st.st_size <= (off_t)klen) {
		close(fd);
		return false;
	}
	buf_reset(&req->body_out);
	buf_grow(&req->body_out, (size_t)st.st_size + 1);
	while (got < (size_t)st.st_size &&
	    (n = read(fd, req->body_out.p + got, (size_t)st.st_size - got)) > 0)
		got += (size_t)n;
	close(fd);
	/* The key, its ctype line, then the answer. */
	p = req->body_out.p;
	if (got != (size_t)st.st_size || memcmp(p, key, klen) != 0 ||
	    (nl = memchr(p + klen, '\n', got - klen)) == NULL) {
		buf_reset(&req->body_out);
		return false;
	}
	hlen = (size_t)(nl - p) + 1;
	req->ctype = arena_strndup(req->a, p + klen, (size_t)(nl - p) - klen);
	memmove(req->body_out.p, p + hlen, got - hlen);
	req->body_out.len = got - hlen;
	req->body_out.p[req->body_out.len] = '\0';
	req_header(req, "X-Page-Cache", "hit");
	return true;
}

/* Removes the oldest files of dir until at most keep are left. */
static void
trim(struct req *req, const char *dir, long keep)
{
	struct { char name[32]; long long t; } *f;
	struct dirent *e;
	struct stat st;
	size_t n = 0, i, old;
	DIR *d;

	if ((d = opendir(dir)) == NULL)
		return;
	f = arena_alloc(req->a, STAMP_MAX * sizeof(*f));
	while (n < STAMP_MAX && (e = readdir(d)) != NULL)
		if (e->d_name[0] != '.' && strlen(e->d_name) < sizeof(f[0].name) &&
		    fstatat(dirfd(d), e->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
		    S_ISREG(st.st_mode)) {
			snprintf(f[n].name, sizeof(f[n].name), "%s", e->d_name);
			f[n++].t = (long long)st.st_mtim.tv_sec * 1000000000LL +
			    st.st_mtim.tv_nsec;
		}
	while ((long)n > keep) {
		for (old = 0, i = 1; i < n; i++)
			if (f[i].t < f[old].t)
				old = i;
		unlinkat(dirfd(d), f[old].name, 0);
		f[old] = f[--n];
	}
	closedir(d);
}

void
pagecache_put(struct req *req, const char *key)
{
	const char *dir, *tmp, *to;
	struct buf head = {0};
	int fd;
	bool ok;

	if (req->ctype == NULL || req->body_out.len == 0 || req->file != NULL ||
	    (dir = tenant_dir(req, true)) == NULL)
		return;
	tmp = arena_printf(req->a, "%s/.%ld", dir, (long)getpid());
	to = arena_printf(req->a, "%s/%016llx", dir, (unsigned long long)hash_str(key));
	if ((fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC,
	    0600)) == -1) {
		log_line(req->id, "page cache: %s: %s", tmp, strerror(errno));
		return;
	}
	buf_printf(&head, "%s%s\n", key, req->ctype);
	ok = write(fd, head.p, head.len) == (ssize_t)head.len &&
	    write(fd, req->body_out.p, req->body_out.len) == (ssize_t)req->body_out.len;
	buf_free(&head);
	if (close(fd) == -1 || !ok || rename(tmp, to) == -1) {
		log_line(req->id, "page cache: %s not kept: %s", to, strerror(errno));
		unlink(tmp);
		return;
	}
	req_header(req, "X-Page-Cache", "stored");
	trim(req, dir, req->cfg->page_cache);
}
