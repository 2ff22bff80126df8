/* num.h: numbers as text where a page writes thousands of them (a chart's coordinates). */
#ifndef CR_NUM_H
#define CR_NUM_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define NUM_TENTHS	320	/* the room num_tenths needs (-DBL_MAX), its NUL included */

/*
 * Writes v with one decimal into b, exactly as printf's "%.1f" does (the
 * nearest tenth of v's exact value, a tie to the even digit; "-0.0" for a
 * negative v that rounds to 0), and returns b. Without printf's general
 * float conversion, which took a third of the worker's time on a year's
 * trend (365 points, some 6,500 numbers).
 */
char	*num_tenths(char b[NUM_TENTHS], double v);

#define NUM_INT	21	/* the room num_int needs (INT64_MIN), its NUL included */

/*
 * Writes v in decimal into b, as printf's "%" PRId64 does, and returns its
 * length. The import writes two a line of its file (5.6 million for a
 * million numbers), the JSON writer every integer of an answer.
 */
size_t	 num_int(char b[NUM_INT], int64_t v);

#ifdef __cplusplus
}
#endif

#endif
