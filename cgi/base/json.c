/* json.c: a streaming JSON writer into a buffer. */
#include <ctype.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "base/buf.h"
#include "base/json.h"
#include "base/num.h"

void
json_init(struct json *j, struct buf *out)
{
	memset(j, 0, sizeof(*j));
	j->out = out;
	j->first[0] = true;
}

/* Writes the comma between values of an array or object when needed. */
static void
sep(struct json *j)
{
	if (j->after_key) {
		j->after_key = false;
		return;
	}
	if (!j->first[j->depth])
		buf_putc(j->out, ',');
	j->first[j->depth] = false;
}

static void
open(struct json *j, char c)
{
	sep(j);
	buf_putc(j->out, c);
	if (j->depth + 1 < JSON_DEPTH)
		j->depth++;
	j->first[j->depth] = true;
}

static void
close_(struct json *j, char c)
{
	if (j->depth > 0)
		j->depth--;
	buf_putc(j->out, c);
}

void json_obj_open(struct json *j) { open(j, '{'); }
void json_obj_close(struct json *j) { close_(j, '}'); }
void json_arr_open(struct json *j) { open(j, '['); }
void json_arr_close(struct json *j) { close_(j, ']'); }

void
json_escape(struct buf *b, const char *s, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	size_t i, run = 0;
	unsigned char c;

	for (i = 0; i < n; i++) {
		c = (unsigned char)s[i];
		if (c >= 0x20 && c != '"' && c != '\\' && c != 0x7f)
			continue;
		buf_put(b, s + run, i - run);
		run = i + 1;
		switch (c) {
		case '"':  buf_put(b, "\\\"", 2); break;
		case '\\': buf_put(b, "\\\\", 2); break;
		case '\n': buf_put(b, "\\n", 2); break;
		case '\r': buf_put(b, "\\r", 2); break;
		case '\t': buf_put(b, "\\t", 2); break;
		default: {
			char u[6] = { '\\', 'u', '0', '0', hex[c >> 4], hex[c & 15] };
			buf_put(b, u, 6);
		}
		}
	}
	buf_put(b, s + run, n - run);
}

void
json_key_quote(struct buf *b, const char *k)
{
	buf_putc(b, '"');
	json_escape(b, k, strlen(k));
	buf_put(b, "\":", 2);
}

void
json_key(struct json *j, const char *k)
{
	sep(j);
	json_key_quote(j->out, k);
	j->after_key = true;
}

void
json_key_text(struct json *j, const char *text, size_t n)
{
	sep(j);
	buf_put(j->out, text, n);
	j->after_key = true;
}

void
json_strn(struct json *j, const char *s, size_t n)
{
	sep(j);
	buf_putc(j->out, '"');
	json_escape(j->out, s, n);
	buf_putc(j->out, '"');
}

void
json_str(struct json *j, const char *s)
{
	if (s == NULL)
		json_null(j);
	else
		json_strn(j, s, strlen(s));
}

void
json_int(struct json *j, int64_t v)
{
	char b[NUM_INT];

	sep(j);
	buf_put(j->out, b, num_int(b, v));
}

void
json_boolean(struct json *j, bool v)
{
	sep(j);
	buf_puts(j->out, v ? "true" : "false");
}

void
json_null(struct json *j)
{
	sep(j);
	buf_puts(j->out, "null");
}

void
json_raw(struct json *j, const char *s)
{
	sep(j);
	buf_puts(j->out, s && *s ? s : "null");
}

/*
 * Returns true when s is a JSON number (RFC 8259): -?(0|[1-9][0-9]*)
 * (.[0-9]+)?([eE][+-]?[0-9]+)?. PostgreSQL's integer, numeric and float
 * texts all are, but NaN and Infinity.
 */
static bool
json_number(const char *p)
{
	if (*p == '-')
		p++;
	if (*p == '0')
		p++;
	else if (*p >= '1' && *p <= '9')
		while (isdigit((unsigned char)*p))
			p++;
	else
		return false;
	if (*p == '.') {
		if (!isdigit((unsigned char)*++p))
			return false;
		while (isdigit((unsigned char)*p))
			p++;
	}
	if (*p == 'e' || *p == 'E') {
		if (*++p == '+' || *p == '-')
			p++;
		if (!isdigit((unsigned char)*p))
			return false;
		while (isdigit((unsigned char)*p))
			p++;
	}
	return *p == '\0';
}

void
json_number_text(struct json *j, const char *s)
{
	if (s == NULL || !json_number(s)) {
		json_null(j);
		return;
	}
	sep(j);
	buf_puts(j->out, s);
}
