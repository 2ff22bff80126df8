/* zip.c: a minimal zip writer: stored entries, CRC-32 from zlib. */
#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <zlib.h>

#include "cli/zip.h"
#include "base/buf.h"

/*
 * The fields every header repeats (APPNOTE.TXT 4.3.7, 4.3.12): version 1.0
 * reads stored entries; bit 11 says the names are UTF-8; the time is 0:00
 * and the date 1980-01-01, the first a zip can hold.
 */
#define ZIP_NEEDED	10
#define ZIP_MADE_BY	20
#define ZIP_UTF8	0x0800
#define ZIP_DATE	0x21

#define ZIP_LOCAL	0x04034b50
#define ZIP_CENTRAL	0x02014b50
#define ZIP_END		0x06054b50

/* What the central directory says of an entry written. */
struct zip_ent {
	char		*name;
	uint32_t	 crc, size, off;
};

struct zip {
	FILE		*f;
	struct zip_ent	*ents;
	size_t		 n, cap;
	int		 err;	/* sticky: the errno of the first read or write that failed */
};

static unsigned char *
zip_le16(unsigned char *p, unsigned v)
{
	p[0] = (unsigned char)(v & 0xff);
	p[1] = (unsigned char)((v >> 8) & 0xff);
	return p + 2;
}

static unsigned char *
zip_le32(unsigned char *p, uint32_t v)
{
	return zip_le16(zip_le16(p, v & 0xffff), v >> 16);
}

/* Writes n bytes of p to the archive; a failure sticks. */
static void
zip_write(struct zip *z, const void *p, size_t n)
{
	if (!z->err && fwrite(p, 1, n, z->f) != n)
		z->err = errno ? errno : EIO;
}

/*
 * Reads in to its end, adding its CRC-32 to *crc; writes what it reads to
 * the archive when out. Returns the bytes read, or -1.
 */
static long long
zip_pass(struct zip *z, FILE *in, uLong *crc, int out)
{
	char chunk[65536];
	long long total = 0;
	size_t r;

	while ((r = fread(chunk, 1, sizeof(chunk), in)) > 0) {
		*crc = crc32(*crc, (const Bytef *)chunk, (uInt)r);
		if (out)
			zip_write(z, chunk, r);
		total += (long long)r;
	}
	return ferror(in) ? -1 : total;
}

struct zip *
zip_open(const char *path)
{
	struct zip *z = xmalloc(sizeof(*z));

	memset(z, 0, sizeof(*z));
	if ((z->f = fopen(path, "wb")) == NULL) {
		free(z);
		return NULL;
	}
	return z;
}

int
zip_add_file(struct zip *z, const char *name, const char *path)
{
	unsigned char h[30], *p;
	struct zip_ent *e;
	FILE *in;
	uLong crc = crc32(0L, Z_NULL, 0), again = crc;
	long long size, copied;
	long off;

	if (z->err)
		return -1;
	if ((in = fopen(path, "rb")) == NULL) {
		z->err = errno ? errno : EIO;
		return -1;
	}
	/* The CRC and size come first in the header: one pass for them, one to copy. */
	size = zip_pass(z, in, &crc, 0);
	rewind(in);
	if (size < 0 || (off = ftell(z->f)) < 0) {
		fclose(in);
		z->err = errno ? errno : EIO;
		return -1;
	}
	if (z->n == z->cap) {
		z->cap = z->cap ? z->cap * 2 : 256;
		z->ents = xrealloc(z->ents, z->cap * sizeof(*z->ents));
	}
	e = &z->ents[z->n++];
	e->name = xstrdup(name);
	e->crc = (uint32_t)crc;
	e->size = (uint32_t)size;
	e->off = (uint32_t)off;

	p = zip_le32(h, ZIP_LOCAL);
	p = zip_le16(p, ZIP_NEEDED);
	p = zip_le16(p, ZIP_UTF8);
	p = zip_le16(p, 0);		/* stored */
	p = zip_le16(p, 0);
	p = zip_le16(p, ZIP_DATE);
	p = zip_le32(p, e->crc);
	p = zip_le32(p, e->size);	/* compressed: the same */
	p = zip_le32(p, e->size);
	p = zip_le16(p, (unsigned)strlen(name));
	zip_le16(p, 0);			/* no extra field */
	zip_write(z, h, sizeof(h));
	zip_write(z, name, strlen(name));
	/* A file that changed between the passes would not match its header. */
	copied = zip_pass(z, in, &again, 1);
	if (copied != size || again != crc)
		z->err = errno ? errno : EIO;
	fclose(in);
	return z->err ? -1 : 0;
}

int
zip_close(struct zip *z)
{
	unsigned char h[46], *p;
	size_t i;
	long cd, end;
	int err;

	if (z == NULL)
		return -1;
	if ((cd = ftell(z->f)) < 0)
		z->err = errno ? errno : EIO;
	for (i = 0; i < z->n; i++) {
		struct zip_ent *e = &z->ents[i];

		p = zip_le32(h, ZIP_CENTRAL);
		p = zip_le16(p, ZIP_MADE_BY);
		p = zip_le16(p, ZIP_NEEDED);
		p = zip_le16(p, ZIP_UTF8);
		p = zip_le16(p, 0);
		p = zip_le16(p, 0);
		p = zip_le16(p, ZIP_DATE);
		p = zip_le32(p, e->crc);
		p = zip_le32(p, e->size);
		p = zip_le32(p, e->size);
		p = zip_le16(p, (unsigned)strlen(e->name));
		p = zip_le16(p, 0);	/* extra field */
		p = zip_le16(p, 0);	/* comment */
		p = zip_le16(p, 0);	/* disk */
		p = zip_le16(p, 0);	/* internal attributes */
		p = zip_le32(p, 0);	/* external attributes */
		zip_le32(p, e->off);
		zip_write(z, h, sizeof(h));
		zip_write(z, e->name, strlen(e->name));
		free(e->name);
	}
	if ((end = ftell(z->f)) < 0)
		z->err = errno ? errno : EIO;
	p = zip_le32(h, ZIP_END);
	p = zip_le16(p, 0);		/* this disk */
	p = zip_le16(p, 0);		/* the central directory's disk */
	p = zip_le16(p, (unsigned)z->n);
	p = zip_le16(p, (unsigned)z->n);
	p = zip_le32(p, (uint32_t)(end - cd));
	p = zip_le32(p, (uint32_t)cd);
	zip_le16(p, 0);			/* comment */
	zip_write(z, h, 22);
	if (fclose(z->f) && !z->err)
		z->err = errno ? errno : EIO;
	err = z->err;
	free(z->ents);
	free(z);
	/* errno for the caller to say why (a full disk, a size limit). */
	if (err)
		errno = err;
	return err ? -1 : 0;
}

/* Adds every file under dir/rel, named by its path below dir; returns 0 or -1. */
static int
zip_tree(struct zip *z, const char *dir, const char *rel)
{
	char path[4096], sub[4096];
	struct dirent *e;
	struct stat st;
	DIR *d;
	int rc = 0;

	snprintf(path, sizeof(path), "%s%s%s", dir, *rel ? "/" : "", rel);
	if ((d = opendir(path)) == NULL)
		return -1;
	while (rc == 0 && (e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		if ((size_t)snprintf(sub, sizeof(sub), "%s%s%s", rel, *rel ? "/" : "",
		    e->d_name) >= sizeof(sub) ||
		    (size_t)snprintf(path, sizeof(path), "%s/%s", dir, sub) >= sizeof(path)) {
			rc = -1;
			break;
		}
		/* Gone since it was listed: not part of the archive. */
		if (stat(path, &st))
			continue;
		if (S_ISDIR(st.st_mode))
			rc = zip_tree(z, dir, sub);
		else
			rc = zip_add_file(z, sub, path);
	}
	closedir(d);
	return rc;
}

int
zip_dir(const char *dir, const char *path)
{
	struct zip *z;
	int rc;

	if ((z = zip_open(path)) == NULL)
		return -1;
	rc = zip_tree(z, dir, "");
	return zip_close(z) || rc ? -1 : 0;
}
