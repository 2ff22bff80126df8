/* arena.h: the per-request bump allocator. */
#ifndef CR_ARENA_H
#define CR_ARENA_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* A bump allocator: everything a request allocates, freed at once. */
struct arena;

struct arena	*arena_new(void);
void		*arena_alloc(struct arena *, size_t);
char		*arena_strdup(struct arena *, const char *);
char		*arena_strndup(struct arena *, const char *, size_t);
char		*arena_printf(struct arena *, const char *, ...)
		    __attribute__((format(printf, 2, 3)));
/*
 * Returns the strings up to a NULL, one after the other, in a: printf's
 * "%s%s..." without its parsing (a page's titles of a year's points).
 */
char		*arena_cat(struct arena *, ...) __attribute__((sentinel));
void		 arena_reset(struct arena *);
void		 arena_free(struct arena *);

#ifdef __cplusplus
}
#endif

#endif
