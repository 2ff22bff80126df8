/* mask.h: masking phone numbers in text. */
#ifndef CR_MASK_H
#define CR_MASK_H

#include "base/buf.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Masks a phone-like run of 7+ digits in s: 18651683344 -> 186****3344. */
void	 mask_digits(struct buf *, const char *);
/*
 * Appends p[0..n) with phone numbers masked (18651683344 -> 186****3344):
 * runs of 7 to 12 digits not touching a '-' or a hex letter (so ids, UUIDs
 * and dates stay as they are).
 */
void	 mask_phones(struct buf *, const char *, size_t);

#ifdef __cplusplus
}
#endif

#endif
