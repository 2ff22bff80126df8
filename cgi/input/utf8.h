/* utf8.h: checks that text is well-formed UTF-8. */
#ifndef CR_UTF8_H
#define CR_UTF8_H

#include <stddef.h>

#include "input/val.h"

/* Returns 1 when s is well-formed UTF-8 (no overlong forms, surrogates or > U+10FFFF). */
int		 utf8_valid(const char *s);
/* The same of the n bytes at s (a NUL among them is U+0000, well-formed). */
int		 utf8_valid_n(const char *s, size_t n);
/*
 * Returns the name of the first parameter in v (name: v's own, NULL at the
 * top) whose name or text is not UTF-8 ("a parameter name" for a name),
 * or NULL when all are.
 */
const char	*utf8_param(const struct val *v, const char *name);

#endif
