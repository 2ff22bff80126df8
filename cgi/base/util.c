/* util.c: buffers, arena, logging. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/util.h"

void *
xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (p == NULL) {
		fputs("callreport: out of memory\n", stderr);
		abort();
	}
	return p;
}

void *
xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);

	if (q == NULL) {
		fputs("callreport: out of memory\n", stderr);
		abort();
	}
	return q;
}

char *
xstrdup(const char *s)
{
	size_t n = strlen(s) + 1;

	return memcpy(xmalloc(n), s, n);
}

void
buf_grow(struct buf *b, size_t need)
{
	size_t cap;

	if (b->len + need + 1 <= b->cap)
		return;
	cap = b->cap ? b->cap : 256;
	while (cap < b->len + need + 1)
		cap *= 2;
	b->p = xrealloc(b->p, cap);
	b->cap = cap;
}

void
buf_put(struct buf *b, const void *p, size_t n)
{
	buf_grow(b, n);
	memcpy(b->p + b->len, p, n);
	b->len += n;
	b->p[b->len] = '\0';
}

void
buf_puts(struct buf *b, const char *s)
{
	buf_put(b, s, strlen(s));
}

void
buf_putc(struct buf *b, char c)
{
	buf_grow(b, 1);
	b->p[b->len++] = c;
	b->p[b->len] = '\0';
}

void
buf_printf(struct buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	buf_grow(b, (size_t)n);
	va_start(ap, fmt);
	vsnprintf(b->p + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

void
buf_reset(struct buf *b)
{
	b->len = 0;
	if (b->p)
		b->p[0] = '\0';
}

void
buf_free(struct buf *b)
{
	free(b->p);
	b->p = NULL;
	b->len = b->cap = 0;
}

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

void
mask_digits(struct buf *out, const char *s)
{
	const char *p = s, *q;
	size_t n;

	while (*p) {
		if (!isdigit((unsigned char)*p)) {
			buf_putc(out, *p++);
			continue;
		}
		for (q = p; isdigit((unsigned char)*q); q++)
			;
		n = (size_t)(q - p);
		if (n >= 7) {
			buf_put(out, p, 3);
			buf_put(out, "****", 4);
			buf_put(out, q - 4, 4);
		} else
			buf_put(out, p, n);
		p = q;
	}
}

void
log_line(const char *reqid, const char *fmt, ...)
{
	struct buf raw = {0}, masked = {0};
	va_list ap;
	char ts[32];
	time_t now = time(NULL);
	struct tm tm;
	size_t i;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	buf_grow(&raw, (size_t)n);
	va_start(ap, fmt);
	vsnprintf(raw.p, (size_t)n + 1, fmt, ap);
	va_end(ap);
	raw.len = (size_t)n;
	for (i = 0; i < raw.len; i++)
		if ((unsigned char)raw.p[i] < 0x20 || raw.p[i] == 0x7f)
			raw.p[i] = ' ';
	/* An API token or session id (crt_..., crs_...) keeps only its kind. */
	for (i = 0; i + 4 < raw.len; i++)
		if (strncmp(raw.p + i, "crt_", 4) == 0 ||
		    strncmp(raw.p + i, "crs_", 4) == 0) {
			size_t j = i + 4;

			while (j < raw.len && isalnum((unsigned char)raw.p[j]))
				j++;
			if (j - i - 4 >= 4) {
				memcpy(raw.p + i + 4, "****", 4);
				memmove(raw.p + i + 8, raw.p + j, raw.len - j + 1);
				raw.len -= j - i - 8;
				i += 7;
			}
		}
	mask_digits(&masked, raw.p);
	gmtime_r(&now, &tm);
	strftime(ts, sizeof(ts), "%Y-%m-%dT%H:%M:%SZ", &tm);
	fprintf(stderr, "%s callreport[%s]: %s\n", ts,
	    reqid ? reqid : "-", masked.p ? masked.p : "");
	fflush(stderr);
	buf_free(&raw);
	buf_free(&masked);
}

/* Returns true for characters that make a digit run part of an id or a date. */
static int
glued(char c)
{
	return c == '-' || isxdigit((unsigned char)c);
}

void
mask_phones(struct buf *out, const char *p, size_t n)
{
	size_t i = 0, j, len;

	buf_grow(out, n);
	while (i < n) {
		if (!isdigit((unsigned char)p[i])) {
			buf_putc(out, p[i++]);
			continue;
		}
		for (j = i; j < n && isdigit((unsigned char)p[j]); j++)
			;
		len = j - i;
		if (len >= 7 && len <= 12 && (i == 0 || !glued(p[i - 1])) &&
		    (j == n || !glued(p[j]))) {
			buf_put(out, p + i, 3);
			buf_put(out, "****", 4);
			buf_put(out, p + j - 4, 4);
		} else
			buf_put(out, p + i, len);
		i = j;
	}
}

double
monotonic_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}
