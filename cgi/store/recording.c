/* recording.c: finding a call's recording below recordings_root. */
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "base/arena.h"
#include "base/buf.h"
#include "store/recording.h"

/*
 * Returns the file of a recording below recordings_root (resolved, in the
 * arena), or NULL. The platform stores a path of its own
 * ("/mnt/smartivr/recordings/2019-05-08/x.wav"): the file is looked for
 * under the root by that path's trailing parts, longest first
 * (mnt/smartivr/recordings/2019-05-08/x.wav, ..., 2019-05-08/x.wav, x.wav),
 * so a copy of the whole tree, of the recordings directory or of the day
 * directories all work. A path with a ".." part is never looked up, and a
 * file that resolves (through symlinks) outside the root is never served.
 */
const char *
recording_path(struct arena *a, const char *root_dir, const char *file)
{
	char root[PATH_MAX], *real, *copy, *part, *save = NULL;
	const char *parts[64], *found = NULL;
	struct buf b = {0};
	struct stat st;
	size_t np = 0, k, j, rl;

	if (file == NULL || *file == '\0' || root_dir[0] == '\0' ||
	    realpath(root_dir, root) == NULL)
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
		    stat(real, &st) == 0 && S_ISREG(st.st_mode))
			found = arena_strdup(a, real);
		free(real);
	}
	buf_free(&b);
	return found;
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

