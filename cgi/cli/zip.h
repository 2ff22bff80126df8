/*
 * zip.h: a minimal zip writer for the static export: stored (uncompressed)
 * entries, as every unzip reads, names in UTF-8, every time 1980-01-01 00:00
 * (an archive of the same files in the same order is the same bytes).
 * No zip64: past 65535 entries or 4 GiB the counts and offsets are cut to
 * 16 and 32 bits and the archive is wrong.
 */
#ifndef CR_ZIP_H
#define CR_ZIP_H

#include <stddef.h>

struct zip;

/* Creates the archive path (replacing a file there); returns NULL with errno set. */
struct zip	*zip_open(const char *path);
/*
 * Adds the file at path as the entry name ('/' between folders); returns
 * 0 or -1. After a failure the archive is unusable: zip_close says so.
 */
int		 zip_add_file(struct zip *, const char *name, const char *path);
/* Writes the central directory, closes and frees; returns 0, or -1 if anything failed. */
int		 zip_close(struct zip *);

/* Writes every file under dir (dot files left out) to the archive path; returns 0 or -1. */
int		 zip_dir(const char *dir, const char *path);

#endif
