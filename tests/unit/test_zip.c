/* test_zip.c: the zip writer, its archives read back by a parser of the format here. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <zlib.h>

#include "ctest.h"
#include "cli/zip.h"

/* An entry the tests write, and what the archive must say of it. */
struct want {
	const char	*name;
	const char	*data;
	size_t		 len;
};

static const char big_seed[] = "0123456789abcdef";
static char big[200000];	/* more than the writer's chunk of 64 KiB */

static struct want wants[] = {
	{ "index.html", "<!doctype html><p>hello</p>\n", 0 },
	{ "empty", "", 0 },
	{ "calls/通话记录-1.html", "<p>中文</p>", 0 },
	{ "big.bin", big, sizeof(big) },
};
#define NWANTS (sizeof(wants) / sizeof(wants[0]))

static unsigned
rd16(const unsigned char *p)
{
	return (unsigned)p[0] | (unsigned)p[1] << 8;
}

static uint32_t
rd32(const unsigned char *p)
{
	return (uint32_t)rd16(p) | (uint32_t)rd16(p + 2) << 16;
}

/* Reads a whole file (malloc'd, caller frees); NULL if it cannot. */
static unsigned char *
slurp(const char *path, size_t *n)
{
	FILE *f = fopen(path, "rb");
	unsigned char *p = NULL;
	long len;

	if (f == NULL)
		return NULL;
	if (fseek(f, 0, SEEK_END) == 0 && (len = ftell(f)) >= 0 &&
	    fseek(f, 0, SEEK_SET) == 0 && (p = malloc((size_t)len + 1)) != NULL &&
	    fread(p, 1, (size_t)len, f) != (size_t)len) {
		free(p);
		p = NULL;
	}
	if (p != NULL)
		*n = (size_t)len;
	fclose(f);
	return p;
}

static void
put_file(const char *path, const char *data, size_t len)
{
	FILE *f = fopen(path, "wb");

	CHECK(f != NULL);
	if (f == NULL)
		return;
	CHECK(fwrite(data, 1, len, f) == len);
	CHECK(fclose(f) == 0);
}

static const struct want *
want_named(const char *name, size_t n)
{
	size_t i;

	for (i = 0; i < NWANTS; i++)
		if (strlen(wants[i].name) == n && memcmp(wants[i].name, name, n) == 0)
			return &wants[i];
	return NULL;
}

/*
 * Parses the archive at path as an unzip would, from the end: the end
 * record, each central directory entry and the local header and data it
 * points at, and checks every field against wants[] (each entry once).
 */
static void
check_archive(const char *path)
{
	unsigned char *z, *e, *c, *l;
	size_t n, i, cdoff, cdlen, cnt, nlen, seen = 0;
	const struct want *w;
	uint32_t crc, size, off;

	if ((z = slurp(path, &n)) == NULL) {
		CHECK(!"archive readable");
		return;
	}
	CHECK(n >= 22);
	if (n < 22)
		goto out;
	e = z + n - 22;			/* no archive comment: the end record is last */
	CHECK(rd32(e) == 0x06054b50);
	CHECK(rd16(e + 4) == 0 && rd16(e + 6) == 0);
	cnt = rd16(e + 10);
	CHECK(rd16(e + 8) == cnt);
	CHECK(cnt == NWANTS);
	cdlen = rd32(e + 12);
	cdoff = rd32(e + 16);
	CHECK(rd16(e + 20) == 0);
	CHECK(cdoff + cdlen == n - 22);
	if (cdoff + cdlen != n - 22)
		goto out;
	c = z + cdoff;
	for (i = 0; i < cnt; i++) {
		if (c + 46 > e) {
			CHECK(!"central entry inside the directory");
			goto out;
		}
		CHECK(rd32(c) == 0x02014b50);
		CHECK(rd16(c + 4) == 20 && rd16(c + 6) == 10);
		CHECK(rd16(c + 8) == 0x0800);	/* UTF-8 names */
		CHECK(rd16(c + 10) == 0);	/* stored */
		CHECK(rd16(c + 12) == 0 && rd16(c + 14) == 0x21);
		crc = rd32(c + 16);
		size = rd32(c + 20);
		CHECK(rd32(c + 24) == size);
		nlen = rd16(c + 28);
		CHECK(rd16(c + 30) == 0 && rd16(c + 32) == 0);
		off = rd32(c + 42);
		w = want_named((const char *)c + 46, nlen);
		ctest_name = w ? w->name : "(unknown entry)";
		CHECK(w != NULL);
		if (w == NULL)
			goto out;
		seen |= (size_t)1 << (w - wants);
		CHECK(size == w->len);
		CHECK(crc == (uint32_t)crc32(crc32(0L, Z_NULL, 0),
		    (const Bytef *)w->data, (uInt)w->len));
		/* The local header repeats the central one and is followed by the data. */
		l = z + off;
		CHECK(off + 30 + nlen + size <= cdoff);
		if (off + 30 + nlen + size > cdoff)
			goto out;
		CHECK(rd32(l) == 0x04034b50);
		CHECK(rd16(l + 4) == 10 && rd16(l + 6) == 0x0800 && rd16(l + 8) == 0);
		CHECK(rd16(l + 10) == 0 && rd16(l + 12) == 0x21);
		CHECK(rd32(l + 14) == crc && rd32(l + 18) == size && rd32(l + 22) == size);
		CHECK(rd16(l + 26) == nlen && rd16(l + 28) == 0);
		CHECK(memcmp(l + 30, w->name, nlen) == 0);
		CHECK(memcmp(l + 30 + nlen, w->data, size) == 0);
		c += 46 + nlen;
	}
	ctest_name = path;
	CHECK(c == e);
	CHECK(seen == ((size_t)1 << NWANTS) - 1);
out:
	free(z);
}

/* Another reader's opinion, when the machine has one: Python's zipfile checks every CRC. */
static void
check_python(const char *path)
{
	char cmd[512];

	if (access("/usr/bin/python3", X_OK) != 0)
		return;
	snprintf(cmd, sizeof(cmd), "/usr/bin/python3 -m zipfile -t '%s' >/dev/null", path);
	CHECK(system(cmd) == 0);
}

/* Entries added one by one, in the order given. */
static void
test_add(const char *tmp)
{
	char src[512], zp[512];
	struct zip *z;
	size_t i;

	snprintf(zp, sizeof(zp), "%s/add.zip", tmp);
	CHECK((z = zip_open(zp)) != NULL);
	if (z == NULL)
		return;
	for (i = 0; i < NWANTS; i++) {
		snprintf(src, sizeof(src), "%s/src-%zu", tmp, i);
		put_file(src, wants[i].data, wants[i].len);
		CHECK(zip_add_file(z, wants[i].name, src) == 0);
	}
	CHECK(zip_close(z) == 0);
	check_archive(zp);
	check_python(zp);
}

/* A folder: names are paths below it, subfolders walked, dot files left out. */
static void
test_dir(const char *tmp)
{
	char p[512], zp[512], site[512];
	size_t i;

	snprintf(site, sizeof(site), "%s/site", tmp);
	CHECK(mkdir(site, 0755) == 0);
	snprintf(p, sizeof(p), "%s/calls", site);
	CHECK(mkdir(p, 0755) == 0);
	for (i = 0; i < NWANTS; i++) {
		snprintf(p, sizeof(p), "%s/%s", site, wants[i].name);
		put_file(p, wants[i].data, wants[i].len);
	}
	snprintf(p, sizeof(p), "%s/.hidden", site);
	put_file(p, "x", 1);
	snprintf(zp, sizeof(zp), "%s/site.zip", tmp);
	CHECK(zip_dir(site, zp) == 0);
	check_archive(zp);
	check_python(zp);
}

/* A failure sticks and zip_close reports it. */
static void
test_fail(const char *tmp)
{
	char zp[512];
	struct zip *z;

	snprintf(zp, sizeof(zp), "%s/no/such/dir.zip", tmp);
	CHECK(zip_open(zp) == NULL);
	snprintf(zp, sizeof(zp), "%s/fail.zip", tmp);
	CHECK((z = zip_open(zp)) != NULL);
	if (z == NULL)
		return;
	CHECK(zip_add_file(z, "missing", "/nonexistent/file") == -1);
	CHECK(zip_add_file(z, "index.html", zp) == -1);
	CHECK(zip_close(z) == -1);
	snprintf(zp, sizeof(zp), "%s/none.zip", tmp);
	CHECK(zip_dir("/nonexistent/dir", zp) == -1);
}

int
main(void)
{
	char tmp[] = "/tmp/test_zip.XXXXXX", cmd[64];
	size_t i;

	for (i = 0; i < sizeof(big); i++)
		big[i] = big_seed[(i * 7 + i / 4096) % 16];
	for (i = 0; i < NWANTS; i++)
		if (wants[i].len == 0)
			wants[i].len = strlen(wants[i].data);
	if (mkdtemp(tmp) == NULL) {
		perror("mkdtemp");
		return 1;
	}
	ctest_name = "test_add";
	test_add(tmp);
	ctest_name = "test_dir";
	test_dir(tmp);
	ctest_name = "test_fail";
	test_fail(tmp);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmp);
	if (system(cmd) != 0)
		fprintf(stderr, "test_zip: could not remove %s\n", tmp);
	return ctest_done("test_zip");
}
