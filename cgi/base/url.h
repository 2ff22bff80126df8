/* url.h: percent-encoding for query strings and path segments. */
#ifndef CR_URL_H
#define CR_URL_H

#include "base/arena.h"
#include "base/buf.h"

/* Appends s %-encoded: every byte but letters, digits and -_.~ (RFC 3986 unreserved). */
void	 url_encode(struct buf *, const char *);
/* Returns s %-encoded as url_encode does, in the arena: a parameter's value. */
const char *url_encoded(struct arena *, const char *s);
/*
 * Decodes s in place (%XX and '+' as a space); returns 0, or -1 on a bad
 * escape or an encoded NUL byte.
 */
int	 url_decode(char *);

#endif
