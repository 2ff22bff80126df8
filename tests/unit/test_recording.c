/* test_recording.c: the layout of recordings, one directory a tenant (store/recording.c). */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/arena.h"
#include "ctest.h"
#include "store/recording.h"

#define A "0b5f3c4e-1a2b-4c3d-8e9f-00112233aaaa"
#define B "0b5f3c4e-1a2b-4c3d-8e9f-00112233bbbb"

static char root[64];

static void
put(const char *rel, const char *text)
{
	char p[256], *s;
	int fd;

	snprintf(p, sizeof(p), "%s/%s", root, rel);
	for (s = strchr(p + 1, '/'); s; s = strchr(s + 1, '/')) {
		*s = '\0';
		mkdir(p, 0755);
		*s = '/';
	}
	fd = open(p, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	CHECK(fd >= 0 && write(fd, text, strlen(text)) == (ssize_t)strlen(text));
	close(fd);
}

/* Returns the path below the root (resolved) that the lookup gave, or "(none)". */
static const char *
below(const char *found)
{
	static char real[4096];

	if (found == NULL)
		return "(none)";
	if (realpath(root, real) == NULL)
		return "(no root)";
	return found + strlen(real) + 1;
}

static void
test_tenant_ids(void)
{
	struct arena *a = arena_new();

	CHECK(recording_tenant_ok(A));
	CHECK(!recording_tenant_ok("0B5F3C4E-1A2B-4C3D-8E9F-00112233AAAA"));	/* not as written */
	CHECK(!recording_tenant_ok(""));
	CHECK(!recording_tenant_ok(NULL));
	CHECK(!recording_tenant_ok(".."));
	CHECK(!recording_tenant_ok("../../../../../../../../../../../../etc"));
	CHECK(!recording_tenant_ok("0b5f3c4e-1a2b-4c3d-8e9f-00112233aaa/"));
	CHECK(!recording_tenant_ok("0b5f3c4e-1a2b-4c3d-8e9f-00112233aaaa/.."));
	CHECK(!recording_tenant_ok("0b5f3c4e11a2b-4c3d-8e9f-00112233aaaa"));
	CHECK_STR(recording_dir(a, "/srv/rec", A), "/srv/rec/" A);
	CHECK_STR(recording_dir(a, "/srv/rec/", A), "/srv/rec/" A);
	CHECK(recording_dir(a, "", A) == NULL);
	CHECK(recording_dir(a, "/srv/rec", "alpha") == NULL);
	CHECK(recording_dir(a, "/srv/rec", "../" A) == NULL);
	arena_free(a);
}

static void
test_lookup(void)
{
	struct arena *a = arena_new();
	char link[256];

	put(A "/2026-12-01/same.wav", "A");
	put(B "/2026-12-01/same.wav", "B");
	put(A "/mnt/x/2026-12-02/deep.wav", "A deep");
	put("2026-12-01/legacy.wav", "root");
	put(B "/2026-12-01/b-only.wav", "B only");
	/* a symlink in A's directory to B's file: resolves outside A's */
	snprintf(link, sizeof(link), "%s/%s/2026-12-01/to-b.wav", root, A);
	CHECK(symlink("../../" B "/2026-12-01/b-only.wav", link) == 0);

	/* The same stored path: each tenant its own file. */
	CHECK_STR(below(recording_path(a, root, A, "/mnt/smartivr/recordings/2026-12-01/same.wav")),
	    A "/2026-12-01/same.wav");
	CHECK_STR(below(recording_path(a, root, B, "/mnt/smartivr/recordings/2026-12-01/same.wav")),
	    B "/2026-12-01/same.wav");
	CHECK_STR(below(recording_path(a, root, A, "/mnt/x/2026-12-02/deep.wav")),
	    A "/mnt/x/2026-12-02/deep.wav");
	/* Never the root's files, another tenant's by any path, nor an unsafe tenant. */
	CHECK_STR(below(recording_path(a, root, A, "/2026-12-01/legacy.wav")), "(none)");
	CHECK_STR(below(recording_path(a, root, A, "/2026-12-01/b-only.wav")), "(none)");
	CHECK_STR(below(recording_path(a, root, A, "/" B "/2026-12-01/b-only.wav")), "(none)");
	CHECK_STR(below(recording_path(a, root, A, "../" B "/2026-12-01/b-only.wav")), "(none)");
	CHECK_STR(below(recording_path(a, root, A, "/2026-12-01/to-b.wav")), "(none)");
	CHECK_STR(below(recording_path(a, root, "", "/2026-12-01/legacy.wav")), "(none)");
	CHECK_STR(below(recording_path(a, root, ".", "/2026-12-01/legacy.wav")), "(none)");
	CHECK_STR(below(recording_path(a, root, "alpha", "/2026-12-01/legacy.wav")), "(none)");
	CHECK_STR(below(recording_path(a, "", A, "/2026-12-01/same.wav")), "(none)");
	/* The migration's lookup: the root's files only, never a tenant's. */
	CHECK_STR(below(recording_at_root(a, root, "/mnt/y/2026-12-01/legacy.wav")),
	    "2026-12-01/legacy.wav");
	CHECK_STR(below(recording_at_root(a, root, "/2026-12-01/same.wav")), "(none)");
	CHECK_STR(below(recording_at_root(a, root, "/x/" A "/2026-12-01/same.wav")), "(none)");
	CHECK_STR(below(recording_at_root(a, root, "/" B "/2026-12-01/b-only.wav")), "(none)");
	arena_free(a);
}

int
main(void)
{
	char cmd[128];

	snprintf(root, sizeof(root), "/tmp/cr-test-recording-XXXXXX");
	if (mkdtemp(root) == NULL)
		return 1;
	TEST(test_tenant_ids);
	TEST(test_lookup);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
	if (system(cmd) != 0)
		return 1;
	return ctest_done("recording");
}
