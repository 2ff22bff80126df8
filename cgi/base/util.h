/* util.h: growable byte buffers, a per-request arena, small string helpers. */
#ifndef CR_UTIL_H
#define CR_UTIL_H

#include <stddef.h>
#include <stdarg.h>

#ifdef __cplusplus
extern "C" {
#endif

/* A growable byte buffer; always NUL-terminated after the first append. */
struct buf {
	char	*p;
	size_t	 len;
	size_t	 cap;
};

void	 buf_grow(struct buf *, size_t);
void	 buf_put(struct buf *, const void *, size_t);
void	 buf_puts(struct buf *, const char *);
void	 buf_putc(struct buf *, char);
void	 buf_printf(struct buf *, const char *, ...)
	    __attribute__((format(printf, 2, 3)));
void	 buf_reset(struct buf *);
void	 buf_free(struct buf *);

/* A bump allocator: everything a request allocates, freed at once. */
struct arena;

struct arena	*arena_new(void);
void		*arena_alloc(struct arena *, size_t);
char		*arena_strdup(struct arena *, const char *);
char		*arena_strndup(struct arena *, const char *, size_t);
char		*arena_printf(struct arena *, const char *, ...)
		    __attribute__((format(printf, 2, 3)));
void		 arena_reset(struct arena *);
void		 arena_free(struct arena *);

/* Dies with a message on allocation failure (the only sane response). */
void	*xmalloc(size_t);
void	*xrealloc(void *, size_t);
char	*xstrdup(const char *);

/* Masks a phone-like run of 7+ digits in s: 18651683344 -> 186****3344. */
void	 mask_digits(struct buf *, const char *);
/*
 * Appends p[0..n) with phone numbers masked (18651683344 -> 186****3344):
 * runs of 7 to 12 digits not touching a '-' or a hex letter (so ids, UUIDs
 * and dates stay as they are).
 */
void	 mask_phones(struct buf *, const char *, size_t);
/* Seconds on the monotonic clock (for ages and durations, never dates). */
double	 monotonic_s(void);
/* Writes one line to stderr with CR/LF and control bytes neutralized. */
void	 log_line(const char *reqid, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));

#ifdef __cplusplus
}
#endif

#endif
