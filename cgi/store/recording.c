/* recording.c: where a tenant's call recordings are, below recordings_root. */
#include <limits.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "base/arena.h"
#include "base/buf.h"
#include "store/recording.h"

/*
 * The layout (docs/deploy.md, "Recordings"): each tenant's recordings are
 * below recordings_root/<tenant id>/, the tenant's id as the database
 * writes it (a UUID in lower case: 36 characters of [0-9a-f-]). The id, not
 * the name: a name is free text ('/', "..", case that a file system may
 * fold), an id is a safe path component and never changes or comes back.
 */

/* Returns whether s is a tenant id as the database writes it (lower case). */
bool
recording_tenant_ok(const char *s)
{
	size_t i;

	if (s == NULL || strlen(s) != 36)
		return false;
	for (i = 0; i < 36; i++)
		if (i == 8 || i == 13 || i == 18 || i == 23 ? s[i] != '-' :
		    !((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return false;
	return true;
}

const char *
recording_dir(struct arena *a, const char *root_dir, const char *tenant)
{
	if (root_dir == NULL || root_dir[0] == '\0' || !recording_tenant_ok(tenant))
		return NULL;
	return arena_printf(a, "%s%s%s", root_dir,
	    root_dir[strlen(root_dir) - 1] == '/' ? "" : "/", tenant);
}

/*
 * Returns the regular file below dir (resolved, in the arena) that file
 * names, or NULL. The platform stores a path of its own
 * ("/mnt/smartivr/recordings/2019-05-08/x.wav"): the file is looked for
 * below dir by that path's trailing parts, longest first
 * (mnt/smartivr/recordings/2019-05-08/x.wav, ..., 2019-05-08/x.wav, x.wav),
 * so a copy of the whole tree, of the recordings directory or of the day
 * directories all work. A path with a ".." part is never looked up, and a
 * file that resolves (through symlinks) outside dir is never found. With
 * skip_tenants, a file that resolves into a tenant's directory of dir (a
 * first part that is a tenant id) is not found either.
 */
static const char *
find_below(struct arena *a, const char *dir, const char *file, bool skip_tenants)
{
	char root[PATH_MAX], top[37], *real, *copy, *part, *save = NULL;
	const char *parts[64], *found = NULL;
	struct buf b = {0};
	struct stat st;
	size_t np = 0, k, j, rl;

	if (file == NULL || *file == '\0' || dir == NULL || realpath(dir, root) == NULL)
		return NULL;
	rl = strlen(root);
	copy = arena_strdup(a, file);
	for (part = strtok_r(copy, "/", &save); part != NULL;
	    part = strtok_r(NULL, "/", &save)) {
		if (strcmp(part, "..") == 0 || np == sizeof(parts) / sizeof(parts[0]))
			return NULL;
		if (strcmp(part, ".") != 0)
			parts[np++] = part;
	}
	for (k = 0; k < np && found == NULL; k++) {
		buf_reset(&b);
		buf_puts(&b, root);
		for (j = k; j < np; j++) {
			buf_putc(&b, '/');
			buf_puts(&b, parts[j]);
		}
		if (b.len >= PATH_MAX || (real = realpath(b.p, NULL)) == NULL)
			continue;
		if (strncmp(real, root, rl) == 0 && (rl == 1 || real[rl] == '/') &&
		    stat(real, &st) == 0 && S_ISREG(st.st_mode)) {
			const char *rel = real + (rl == 1 ? 1 : rl + 1);
			size_t tl = strcspn(rel, "/");

			memcpy(top, rel, tl < 36 ? tl : 36);
			top[tl < 36 ? tl : 36] = '\0';
			if (!skip_tenants || tl != 36 || !recording_tenant_ok(top))
				found = arena_strdup(a, real);
		}
		free(real);
	}
	buf_free(&b);
	return found;
}

const char *
recording_path(struct arena *a, const char *root_dir, const char *tenant,
    const char *file)
{
	return find_below(a, recording_dir(a, root_dir, tenant), file, false);
}

const char *
recording_at_root(struct arena *a, const char *root_dir, const char *file)
{
	if (root_dir == NULL || root_dir[0] == '\0')
		return NULL;
	return find_below(a, root_dir, file, true);
}

/* Returns the media type of a recording by its name. */
const char *
recording_type(const char *path)
{
	const char *dot = strrchr(path, '.');

	if (dot == NULL)
		return "application/octet-stream";
	if (strcasecmp(dot, ".wav") == 0)
		return "audio/wav";
	if (strcasecmp(dot, ".mp3") == 0)
		return "audio/mpeg";
	if (strcasecmp(dot, ".ogg") == 0 || strcasecmp(dot, ".opus") == 0)
		return "audio/ogg";
	if (strcasecmp(dot, ".m4a") == 0)
		return "audio/mp4";
	return "application/octet-stream";
}
