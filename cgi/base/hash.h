/*
 * hash.h: FNV-1a, 64 bits, the one hash of the program's keys and names (an
 * ETag, a kept page's file, a refset's slot, the demo's derived values). Not
 * for anything an attacker must not forge or collide (auth.h is): a user of
 * it compares the whole key where a collision would matter.
 */
#ifndef CR_HASH_H
#define CR_HASH_H

#include <stddef.h>
#include <stdint.h>

#define HASH_INIT	0xcbf29ce484222325ULL	/* FNV-1a's offset basis */

/* FNV-1a over n bytes of p, continuing from h (HASH_INIT to start). */
uint64_t	 hash_fnv1a(uint64_t h, const void *p, size_t n);
/* FNV-1a of a string. */
uint64_t	 hash_str(const char *);

#endif
