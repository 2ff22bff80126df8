/* arena.c: the per-request bump allocator: everything a request allocates, freed at once. */
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/arena.h"
#include "base/buf.h"

struct chunk {
	struct chunk	*next;
	size_t		 used, size;
	max_align_t	 data[];
};

struct arena {
	struct chunk	*head;
};

struct arena *
arena_new(void)
{
	struct arena *a = xmalloc(sizeof(*a));

	a->head = NULL;
	return a;
}

void *
arena_alloc(struct arena *a, size_t n)
{
	struct chunk *c = a->head;
	size_t al = sizeof(max_align_t), size;

	n = (n + al - 1) / al * al;
	if (c == NULL || c->size - c->used < n) {
		size = n > 16384 ? n : 16384;
		c = xmalloc(sizeof(*c) + size);
		c->size = size;
		c->used = 0;
		c->next = a->head;
		a->head = c;
	}
	c->used += n;
	return (char *)c->data + c->used - n;
}

char *
arena_strndup(struct arena *a, const char *s, size_t n)
{
	char *p = arena_alloc(a, n + 1);

	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *
arena_strdup(struct arena *a, const char *s)
{
	return arena_strndup(a, s, strlen(s));
}

char *
arena_printf(struct arena *a, const char *fmt, ...)
{
	va_list ap;
	int n;
	char *p;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		n = 0;
	p = arena_alloc(a, (size_t)n + 1);
	va_start(ap, fmt);
	vsnprintf(p, (size_t)n + 1, fmt, ap);
	va_end(ap);
	return p;
}

char *
arena_cat(struct arena *a, ...)
{
	va_list ap;
	const char *s;
	size_t n = 0, l;
	char *p, *at;

	va_start(ap, a);
	while ((s = va_arg(ap, const char *)) != NULL)
		n += strlen(s);
	va_end(ap);
	at = p = arena_alloc(a, n + 1);
	va_start(ap, a);
	while ((s = va_arg(ap, const char *)) != NULL) {
		l = strlen(s);
		memcpy(at, s, l);
		at += l;
	}
	va_end(ap);
	*at = '\0';
	return p;
}

void
arena_reset(struct arena *a)
{
	struct chunk *c, *next;

	for (c = a->head; c != NULL; c = next) {
		next = c->next;
		free(c);
	}
	a->head = NULL;
}

void
arena_free(struct arena *a)
{
	if (a == NULL)
		return;
	arena_reset(a);
	free(a);
}
