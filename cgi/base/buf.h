/* buf.h: growable byte buffers, and allocation that never fails (it dies). */
#ifndef CR_BUF_H
#define CR_BUF_H

#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#ifdef __cplusplus
extern "C" {
#endif

/* A growable byte buffer; always NUL-terminated after the first append. */
struct buf {
	char	*p;
	size_t	 len;
	size_t	 cap;
};

/* Makes room for need more bytes and the NUL. */
void	 buf_grow(struct buf *, size_t);
void	 buf_puts(struct buf *, const char *);
void	 buf_vprintf(struct buf *, const char *, va_list);
void	 buf_printf(struct buf *, const char *, ...)
	    __attribute__((format(printf, 2, 3)));
void	 buf_reset(struct buf *);
void	 buf_free(struct buf *);

/*
 * Appends n bytes of p (buf_put) or one byte (buf_putc). Inline: every
 * writer of an answer (JSON, the page, CSV) calls them for each value, and
 * a call to each, and one more to buf_grow, was a third of the JSON writer's
 * instructions. (p == NULL first: a buffer not yet written has no room, and
 * the static analyzer, which does not see into buf_grow, must know it.)
 */
static inline void
buf_put(struct buf *b, const void *p, size_t n)
{
	if (b->p == NULL || b->len + n + 1 > b->cap)
		buf_grow(b, n);
	memcpy(b->p + b->len, p, n);
	b->len += n;
	b->p[b->len] = '\0';
}

static inline void
buf_putc(struct buf *b, char c)
{
	if (b->p == NULL || b->len + 2 > b->cap)
		buf_grow(b, 1);
	b->p[b->len++] = c;
	b->p[b->len] = '\0';
}

/* Dies with a message on allocation failure (the only sane response). */
void	*xmalloc(size_t);
void	*xrealloc(void *, size_t);
char	*xstrdup(const char *);

#ifdef __cplusplus
}
#endif

#endif
