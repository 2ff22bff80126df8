/*
 * fuzz_range.c: the Range header of a recording (range_parse). The first 8
 * bytes of the input are the file's size (a regular file's: 0 or more),
 * the rest the header's value (up to a NUL byte); fewer than 8 bytes: no
 * header at all. A range taken must lie inside the file and not be empty.
 */
#include <limits.h>

#include "fuzz.h"
#include "input/range.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	unsigned long long u = 0;
	long long fsize, off = -7, len = -7;
	char *h = NULL;
	size_t i;
	int rc;

	for (i = 0; i < 8 && i < size; i++)
		u = u << 8 | data[i];
	/* Small sizes are the interesting ones: the first byte's top bit picks. */
	fsize = (long long)(u & LLONG_MAX);
	if (size > 0 && !(data[0] & 0x80))
		fsize = (long long)(u % 1000);
	if (size >= 8)
		h = fuzz_text(data + 8, size - 8);
	rc = range_parse(h, fsize, &off, &len);
	FUZZ_CHECK(rc >= -1 && rc <= 1);
	if (h == NULL)
		FUZZ_CHECK(rc == 0);
	if (rc == 1) {
		FUZZ_CHECK(off >= 0 && len >= 1 && off < fsize);
		FUZZ_CHECK(len <= fsize - off);
	} else
		FUZZ_CHECK(off == -7 && len == -7);
	free(h);
	return 0;
}
