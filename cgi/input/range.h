/* range.h: the Range header of a request for one file. */
#ifndef CR_RANGE_H
#define CR_RANGE_H

/*
 * Parses a Range header h (NULL: none) against a file of size bytes.
 * Returns 1 with [*off, *off + *len) for one satisfiable range, 0 to send
 * the whole file (no header, several ranges, a syntax not taken), -1 when
 * the range cannot be satisfied (416).
 */
int	 range_parse(const char *h, long long size, long long *off, long long *len);

#endif
