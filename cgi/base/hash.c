/* hash.c: FNV-1a (see hash.h). */
#include <string.h>

#include "base/hash.h"

uint64_t
hash_fnv1a(uint64_t h, const void *p, size_t n)
{
	const unsigned char *s = p;
	size_t i;

	for (i = 0; i < n; i++)
		h = (h ^ s[i]) * 0x100000001b3ULL;
	return h;
}

uint64_t
hash_str(const char *s)
{
	return hash_fnv1a(HASH_INIT, s, strlen(s));
}
