/* recordings.c: bin/callreport recordings: each tenant's directory of recordings, and the
 * move of the files of the old layout (one directory for every tenant) into them. */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <libpq-fe.h>

#include "base/arena.h"
#include "cli/export.h"
#include "cli/recordings.h"
#include "store/recording.h"

/* A file of the old layout that a tenant's record names. */
struct found {
	char	*rel;		/* below the root (resolved) */
	char	 tenant[37];
};

static int
by_rel(const void *x, const void *y)
{
	const struct found *a = x, *b = y;
	int c = strcmp(a->rel, b->rel);

	return c ? c : strcmp(a->tenant, b->tenant);
}

/* Makes the directories of path's parent, as mkdir -p; returns 0 or -1 with errno. */
static int
make_parents(char *path)
{
	char *s;

	for (s = strchr(path + 1, '/'); s != NULL; s = strchr(s + 1, '/')) {
		*s = '\0';
		if (mkdir(path, 0777) != 0 && errno != EEXIST) {
			*s = '/';
			return -1;
		}
		*s = '/';
	}
	return 0;
}

/* Copies file from to a new file to with from's mode; returns 0 or -1 with errno. */
static int
copy_file(const char *from, const char *to)
{
	struct stat st;
	int in, rc;

	if ((in = open(from, O_RDONLY)) < 0)
		return -1;
	rc = fstat(in, &st) == 0 && export_copy_fd(in, to) == 0 &&
	    chmod(to, st.st_mode & 07777) == 0 ? 0 : -1;
	close(in);
	return rc;
}

/* Puts n files of the same rel (one a tenant) in place; returns the errors. */
static int
place(struct arena *a, const char *root, const char *real_root, struct found *f,
    size_t n, bool apply, bool copy_shared, long long counts[3])
{
	const char *src = arena_printf(a, "%s/%s", real_root, f[0].rel);
	size_t i;
	int errors = 0;

	if (n > 1 && !copy_shared) {
		printf("shared %s: named by %zu tenants, left where it is (served to none); "
		    "--copy-shared copies it to each:", f[0].rel, n);
		for (i = 0; i < n; i++)
			printf(" %s", f[i].tenant);
		putchar('\n');
		counts[2]++;
		return 0;
	}
	for (i = 0; i < n; i++) {
		char *dst = arena_printf(a, "%s/%s", recording_dir(a, root, f[i].tenant),
		    f[0].rel);
		struct stat st;

		printf("%s %s -> %s/%s\n", n > 1 ? "copy" : "move", f[0].rel,
		    f[i].tenant, f[0].rel);
		if (lstat(dst, &st) == 0) {
			fprintf(stderr, "callreport: recordings: %s exists: %s left as it is\n",
			    dst, src);
			errors++;
			continue;
		}
		if (!apply)
			continue;
		if (make_parents(dst) != 0 ||
		    (n > 1 ? copy_file(src, dst) : rename(src, dst)) != 0) {
			fprintf(stderr, "callreport: recordings: %s: %s\n", dst, strerror(errno));
			errors++;
		}
	}
	counts[n > 1] += errors == 0;
	if (n > 1 && apply && errors == 0 && unlink(src) != 0) {
		fprintf(stderr, "callreport: recordings: %s: %s\n", src, strerror(errno));
		errors++;
	}
	return errors;
}

/*
 * callreport recordings migrate: every file below the root, outside the tenants'
 * directories, that a record names (found as the old layout found it) goes
 * to the directory of the record's tenant, at the same place below it. A
 * file that records of several tenants name is left where it is, unless
 * copy_shared (then each gets a copy and the original goes): the migration
 * cannot tell whose it is, and one tenant naming another's path is how the
 * old layout leaked. Without apply, prints what it would do.
 */
int
recordings_migrate(const struct config *cfg, PGconn *c, bool apply, bool copy_shared)
{
	struct arena *a = arena_new(), *row = arena_new();
	struct found *f = NULL;
	size_t n = 0, cap = 0, i, j;
	long long in_place = 0, missing = 0, counts[3] = { 0, 0, 0 };
	char *real_root = NULL;
	PGresult *r;
	int errors = 0;

	if ((real_root = realpath(cfg->recordings_root, NULL)) == NULL) {
		fprintf(stderr, "callreport: recordings: %s: %s\n", cfg->recordings_root,
		    strerror(errno));
		errors = 1;
		goto out;
	}
	if (!PQsendQuery(c, "SELECT DISTINCT user_id::text, recordfile FROM records "
	    "WHERE recordfile <> ''") || !PQsetSingleRowMode(c)) {
		fprintf(stderr, "callreport: %s", PQerrorMessage(c));
		errors = 1;
		goto out;
	}
	while ((r = PQgetResult(c)) != NULL) {
		const char *t, *real;

		if (PQresultStatus(r) != PGRES_SINGLE_TUPLE) {
			if (PQresultStatus(r) != PGRES_TUPLES_OK) {
				fprintf(stderr, "callreport: %s", PQresultErrorMessage(r));
				errors = 1;
			}
			PQclear(r);
			continue;
		}
		arena_reset(row);
		t = PQgetvalue(r, 0, 0);
		if (recording_path(row, cfg->recordings_root, t, PQgetvalue(r, 0, 1)))
			in_place++;
		else if ((real = recording_at_root(row, cfg->recordings_root,
		    PQgetvalue(r, 0, 1))) == NULL)
			missing++;
		else {
			if (n == cap) {
				cap = cap ? 2 * cap : 256;
				if ((f = realloc(f, cap * sizeof(*f))) == NULL) {
					perror("callreport");
					exit(1);
				}
			}
			f[n].rel = arena_strdup(a, real + strlen(real_root) + 1);
			memcpy(f[n].tenant, t, 37);
			n++;
		}
		PQclear(r);
	}
	if (errors)
		goto out;
	if (n > 0)	/* (f is NULL when no record names a file) */
		qsort(f, n, sizeof(*f), by_rel);
	for (i = 0; i < n; i = j) {
		size_t k = i + 1;

		/* One group: the records of every tenant naming this file, each tenant once. */
		for (j = i + 1; j < n && strcmp(f[j].rel, f[i].rel) == 0; j++)
			if (strcmp(f[j].tenant, f[k - 1].tenant) != 0)
				f[k++] = f[j];
		arena_reset(row);
		errors += place(row, cfg->recordings_root, real_root, f + i, k - i, apply,
		    copy_shared, counts);
	}
	printf("%lld moved, %lld copied, %lld shared left, %lld already in place, "
	    "%lld not found below %s%s\n", counts[0], counts[1], counts[2], in_place,
	    missing, cfg->recordings_root,
	    apply ? "" : " (a dry run: nothing was changed; --apply does it)");
out:
	free(f);
	free(real_root);
	arena_free(a);
	arena_free(row);
	return errors ? 1 : 0;
}
