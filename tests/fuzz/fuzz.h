/*
 * fuzz.h: what the libFuzzer harnesses of tests/fuzz/ share. Each harness is
 * one file fuzz_NAME.c with LLVMFuzzerTestOneInput, built with clang
 * -fsanitize=fuzzer,address,undefined against the program's sources built
 * the same way (make fuzz-build; docs/security.md, "Fuzzing").
 */
#ifndef CR_FUZZ_H
#define CR_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/arena.h"
#include "base/buf.h"
#include "base/log.h"
#include "input/val.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/*
 * A property the code under test must keep; a broken one aborts, which
 * libFuzzer reports like a crash (and keeps the input). Written to file
 * descriptor 2 directly: a harness may point stdio's stderr elsewhere.
 */
#define FUZZ_CHECK(cond) do {						\
	if (!(cond)) {							\
		dprintf(2, "%s:%d: property broken: %s\n",		\
		    __FILE__, __LINE__, #cond);				\
		abort();						\
	}								\
} while (0)

/* Returns data[0..size) and a NUL (malloc'd): the text as a request's body has it. */
static inline char *
fuzz_text(const uint8_t *data, size_t size)
{
	char *s = xmalloc(size + 1);

	memcpy(s, data, size);
	s[size] = '\0';
	return s;
}

/* Checks the shape of a value tree: nothing NULL where a value is, depth bounded. */
static inline void
fuzz_check_tree(const struct val *v, int depth, int maxdepth)
{
	size_t i;

	FUZZ_CHECK(v != NULL);
	FUZZ_CHECK(depth <= maxdepth);
	FUZZ_CHECK(v->n <= v->cap || v->n == 0);
	switch (v->type) {
	case V_STR:
	case V_NUM:
	case V_BOOL:
		FUZZ_CHECK(v->s != NULL);
		break;
	case V_ARR:
	case V_OBJ:
		for (i = 0; i < v->n; i++) {
			if (v->type == V_OBJ)
				FUZZ_CHECK(v->keys[i] != NULL);
			fuzz_check_tree(v->items[i], depth + 1, maxdepth);
		}
		break;
	case V_NULL:
		break;
	}
}

#endif
