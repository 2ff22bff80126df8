/* valid.c: validators, one per field type, driven by a table of fields. */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/arena.h"
#include "base/buf.h"
#include "input/valid.h"
#include "input/req.h"

bool
valid_color(const char *s)
{
	size_t i;

	if (s == NULL || s[0] != '#' || (strlen(s) != 7 && strlen(s) != 4))
		return false;
	for (i = 1; s[i] != '\0'; i++)
		if (!isxdigit((unsigned char)s[i]))
			return false;
	return true;
}

bool
valid_uuid(const char *s)
{
	size_t i;

	if (s == NULL || strlen(s) != 36)
		return false;
	for (i = 0; i < 36; i++) {
		if (i == 8 || i == 13 || i == 18 || i == 23) {
			if (s[i] != '-')
				return false;
		} else if (!isxdigit((unsigned char)s[i]))
			return false;
	}
	return true;
}

/* Returns the value of the n digits at *p and advances *p, or -1 if not digits. */
static int
take_digits(const char **p, const char *end, int n)
{
	int v = 0;

	if (end - *p < n)
		return -1;
	for (; n > 0; n--, (*p)++) {
		if (**p < '0' || **p > '9')
			return -1;
		v = v * 10 + (**p - '0');
	}
	return v;
}

/*
 * Reads a real calendar time "YYYY-MM-DD HH:MM:SS" ('T' or ' ' between date
 * and time) at *p, advancing *p past it; returns its year (1 or more) or -1.
 */
static int
take_datetime(const char **p, const char *end)
{
	static const int mdays[] = {31,29,31,30,31,30,31,31,30,31,30,31};
	int y, mo, d, h, mi, se;

	if ((y = take_digits(p, end, 4)) < 1 || *p == end || *(*p)++ != '-' ||
	    (mo = take_digits(p, end, 2)) < 1 || mo > 12 || *p == end ||
	    *(*p)++ != '-' || (d = take_digits(p, end, 2)) < 1 || d > mdays[mo - 1])
		return -1;
	if (mo == 2 && d == 29 && !((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		return -1;
	if (*p == end || (**p != ' ' && **p != 'T'))
		return -1;
	(*p)++;
	if ((h = take_digits(p, end, 2)) < 0 || h > 23 || *p == end ||
	    *(*p)++ != ':' || (mi = take_digits(p, end, 2)) < 0 || mi > 59 ||
	    *p == end || *(*p)++ != ':' || (se = take_digits(p, end, 2)) < 0 ||
	    se > 59)
		return -1;
	return y;
}

/* Returns true for a real calendar time "YYYY-MM-DD HH:MM:SS" from 1970 on. */
bool
valid_time(const char *s)
{
	const char *p = s;

	if (s == NULL || strlen(s) != 19)
		return false;
	return take_datetime(&p, s + 19) >= 1970;
}

/*
 * Returns true if s (n bytes) is a time as valid_time, of any year from 1,
 * or ISO 8601 with an optional fraction (1 to 9 digits) and an optional
 * offset "Z", "+HH", "+HHMM" or "+HH:MM" (up to 15 hours).
 */
bool
valid_timestamp(const char *s, size_t n)
{
	const char *p = s, *end = s + n, *f;
	int oh, om;

	if (take_datetime(&p, end) < 0)
		return false;
	if (p < end && *p == '.') {
		f = ++p;
		while (p < end && *p >= '0' && *p <= '9')
			p++;
		if (p == f || p - f > 9)
			return false;
	}
	if (p == end)
		return true;
	if (*p == 'Z')
		return p + 1 == end;
	if (*p != '+' && *p != '-')
		return false;
	p++;
	if ((oh = take_digits(&p, end, 2)) < 0 || oh > 15)
		return false;
	if (p == end)
		return true;
	if (*p == ':')
		p++;
	if ((om = take_digits(&p, end, 2)) < 0 || om > 59)
		return false;
	return p == end;
}

/* Parses a scalar integer (JSON number or decimal string); returns 0 or -1. */
static int
scalar_long(const struct val *v, long *out)
{
	const char *s;
	char *end;
	long l;

	if (v == NULL || (v->type != V_STR && v->type != V_NUM))
		return -1;
	s = v->s;
	if (*s == '+' || isspace((unsigned char)*s) || *s == '\0')
		return -1;
	errno = 0;
	l = strtol(s, &end, 10);
	if (errno || *end != '\0' || end == s)
		return -1;
	*out = l;
	return 0;
}

/* Returns the items of an array value; a lone scalar counts as one item. */
static size_t
items_of(const struct val *v, const struct val *const **items,
    const struct val **one)
{
	if (v->type == V_ARR) {
		*items = (const struct val *const *)v->items;
		return v->n;
	}
	*one = v;
	*items = one;
	return 1;
}

static const char *
msg(struct arena *a, const struct field *f, const char *what)
{
	return arena_printf(a, "%s %s", f->name, what);
}

/* Validates one present value; returns 0 or -1 with *err. */
static int
check(struct arena *a, const struct field *f, const struct val *v,
    struct pval *p, const char **err)
{
	const struct val *const *items, *one;
	struct buf b = {0};
	size_t n, i, k;
	long l, *ints;
	const char **strs;
	int rc = -1;

	switch (f->type) {
	case FT_UUID:
		if (v->type != V_STR || !valid_uuid(v->s)) {
			*err = msg(a, f, "must be a UUID");
			return -1;
		}
		p->text = arena_strdup(a, v->s);
		for (char *c = (char *)p->text; *c; c++)
			*c = (char)tolower((unsigned char)*c);
		break;
	case FT_UINT:
	case FT_FLAG:
		if (scalar_long(v, &l) || l < f->min || l > f->max) {
			*err = f->type == FT_FLAG ? msg(a, f, "must be 0 or 1") :
			    f->min == 1 ? msg(a, f, "must be a positive integer") :
			    arena_printf(a, "%s must be an integer from %ld to %ld",
			    f->name, f->min, f->max);
			return -1;
		}
		p->i = l;
		p->text = arena_printf(a, "%ld", l);
		break;
	case FT_DIGITS:
		if (v->type != V_STR && v->type != V_NUM)
			goto digits;
		if (v->s[0] == '\0')
			return 1;	/* empty: absent */
		if (strlen(v->s) > (size_t)f->max || strlen(v->s) < (size_t)f->min)
			goto digits;
		for (i = 0; v->s[i]; i++)
			if (!isdigit((unsigned char)v->s[i]))
				goto digits;
		p->text = v->s;
		break;
	digits:
		if (f->min > 1)
			*err = arena_printf(a, "%s must be a string of %ld to %ld digits",
			    f->name, f->min, f->max);
		else
			*err = arena_printf(a, "%s must be a string of at most %ld digits",
			    f->name, f->max);
		return -1;
	case FT_TEXT:
		if (v->type != V_STR || strlen(v->s) > (size_t)f->max) {
			*err = arena_printf(a, "%s must be a string of at most %ld bytes",
			    f->name, f->max);
			return -1;
		}
		p->text = v->s;
		break;
	case FT_TIME:
		if (v->type == V_STR && v->s[0] == '\0')
			return 1;	/* empty: absent */
		if (v->type != V_STR || !valid_time(v->s)) {
			*err = msg(a, f, "must be a time as YYYY-MM-DD HH:MM:SS");
			return -1;
		}
		p->text = v->s;
		break;
	case FT_INTSET:
	case FT_CODESET:
	case FT_UUIDSET:
		if (v->type == V_OBJ || v->type == V_NULL || v->type == V_BOOL)
			goto set;
		n = items_of(v, &items, &one);
		if (n == 0)
			return 1;	/* empty array: no filter */
		if (n > VALID_MAX_SET)
			goto many;
		ints = arena_alloc(a, n * sizeof(*ints));
		strs = arena_alloc(a, n * sizeof(*strs));
		buf_putc(&b, '{');
		for (i = 0; i < n; i++) {
			if (i)
				buf_putc(&b, ',');
			if (f->type == FT_INTSET) {
				if (scalar_long(items[i], &l) || l < f->min || l > f->max)
					goto set;
				ints[i] = l;
				buf_printf(&b, "%ld", l);
			} else if (f->type == FT_UUIDSET) {
				if (items[i]->type != V_STR || !valid_uuid(items[i]->s))
					goto set;
				strs[i] = items[i]->s;
				buf_puts(&b, items[i]->s);
			} else {
				if (items[i]->type != V_STR)
					goto set;
				for (k = 0; f->codes[k]; k++)
					if (strcmp(f->codes[k], items[i]->s) == 0)
						break;
				if (f->codes[k] == NULL)
					goto set;
				strs[i] = f->codes[k];
				buf_puts(&b, f->codevals[k]);
			}
		}
		buf_putc(&b, '}');
		/* A set of things to show side by side: min to max, each once. */
		if (f->type == FT_UUIDSET && f->max > 0) {
			bool dup = false;

			for (i = 0; i < n; i++)
				for (k = 0; k < i; k++)
					dup |= strcasecmp(strs[i], strs[k]) == 0;
			if (dup || n < (size_t)f->min || n > (size_t)f->max) {
				*err = arena_printf(a, "%s must be %ld to %ld different UUIDs",
				    f->name, f->min, f->max);
				goto out;
			}
		}
		p->n = n;
		p->ints = ints;
		p->strs = strs;
		p->text = arena_strdup(a, b.p);
		break;
	set:
		if (f->type == FT_INTSET)
			*err = arena_printf(a, "%s must be an array of integers from %ld to %ld",
			    f->name, f->min, f->max);
		else if (f->type == FT_UUIDSET)
			*err = msg(a, f, "must be an array of UUIDs");
		else {
			struct buf c = {0};

			for (k = 0; f->codes[k]; k++)
				buf_printf(&c, "%s%s", k ? ", " : "", f->codes[k]);
			*err = arena_printf(a, "%s must be an array of: %s", f->name, c.p);
			buf_free(&c);
		}
		goto out;
	case FT_RANGE:
	case FT_RANGES: {
		const struct val *const *pairs;
		const struct val *pv;
		size_t np;

		if (v->type != V_ARR)
			goto range;
		if (v->n == 0)
			return 1;
		if (f->type == FT_RANGE) {
			pv = v;
			pairs = &pv;
			np = 1;
		} else {
			pairs = (const struct val *const *)v->items;
			np = v->n;
			if (np > VALID_MAX_SET)
				goto many;
		}
		ints = arena_alloc(a, 2 * np * sizeof(*ints));
		buf_putc(&b, '{');
		for (i = 0; i < np; i++) {
			const struct val *r = pairs[i];
			long lo, hi;

			if (r->type != V_ARR || r->n != 2 ||
			    scalar_long(r->items[0], &lo) ||
			    scalar_long(r->items[1], &hi) ||
			    lo < f->min || hi > f->max || lo > hi)
				goto range;
			ints[2 * i] = lo;
			ints[2 * i + 1] = hi;
			if (f->type == FT_RANGE)
				buf_printf(&b, "%ld,%ld", lo, hi);
			else
				buf_printf(&b, "%s{%ld,%ld}", i ? "," : "", lo, hi);
		}
		buf_putc(&b, '}');
		p->n = np;
		p->ints = ints;
		p->text = arena_strdup(a, b.p);
		break;
	range:
		*err = arena_printf(a, f->type == FT_RANGE ?
		    "%s must be [min, max], integers from %ld to %ld, min <= max" :
		    "%s must be an array of [min, max], integers from %ld to %ld, min <= max",
		    f->name, f->min, f->max);
		goto out;
	}
	case FT_KEYS:
		if (v->type == V_OBJ || v->type == V_NULL || v->type == V_BOOL)
			goto keys;
		n = items_of(v, &items, &one);
		strs = arena_alloc(a, (VALID_MAX_SET + 1) * sizeof(*strs));
		for (i = 0, k = 0; i < n; i++) {
			const char *s0, *e;

			if (items[i]->type != V_STR)
				goto keys;
			for (s0 = items[i]->s; *s0; s0 = *e ? e + 1 : e) {
				e = s0 + strcspn(s0, ",");
				if (e == s0 || (long)(e - s0) > f->max ||
				    strspn(s0, "abcdefghijklmnopqrstuvwxyz0123456789_") <
				    (size_t)(e - s0))
					goto keys;
				if (k == VALID_MAX_SET)
					goto many;
				strs[k] = arena_strndup(a, s0, (size_t)(e - s0));
				buf_printf(&b, "%s%s", k ? "," : "", strs[k]);
				k++;
			}
		}
		if (k == 0)
			return 1;	/* empty: absent */
		p->n = k;
		p->strs = strs;
		p->text = arena_strdup(a, b.p);
		break;
	keys:
		*err = arena_printf(a, "%s must be names (a-z, 0-9, _) separated "
		    "by commas", f->name);
		goto out;
	case FT__MAX:
		break;
	}
	p->set = true;
	rc = 0;
	goto out;
many:
	*err = arena_printf(a, "%s takes at most %d values", f->name, VALID_MAX_SET);
out:
	buf_free(&b);
	return rc;
}

int
valid_fields(struct arena *a, const struct field *fields, size_t n,
    const struct val *in, struct pval *out, const char **err)
{
	return valid_fields_but(a, fields, n, in, 0, out, err);
}

int
valid_fields_but(struct arena *a, const struct field *fields, size_t n,
    const struct val *in, unsigned skip, struct pval *out, const char **err)
{
	const struct field *f;
	const struct val *v;
	size_t i;
	int rc;

	for (i = 0; i < n; i++) {
		f = &fields[i];
		memset(&out[i], 0, sizeof(out[i]));
		if (f->flags & (F_DERIVED | skip))
			continue;
		v = val_get(in, f->name);
		if (v != NULL && v->type == V_NULL)
			v = NULL;
		if (v != NULL && v->type == V_ARR && f->type <= FT_FLAG) {
			*err = arena_printf(a, "%s must be a single value", f->name);
			return -1;
		}
		if (v != NULL && v->type == V_OBJ) {
			*err = arena_printf(a, "%s must not be an object", f->name);
			return -1;
		}
		rc = v ? check(a, f, v, &out[i], err) : 1;
		if (rc < 0)
			return -1;
		if (rc == 1) {	/* absent */
			if (f->flags & F_REQUIRED) {
				*err = arena_printf(a, "%s is required", f->name);
				return -1;
			}
			if (f->flags & F_DEFAULT) {
				out[i].set = true;
				out[i].i = f->min;
				out[i].text = arena_printf(a, "%ld", f->min);
			}
		}
	}
	return 0;
}

int
valid_field_index(const struct field *fields, size_t n, const char *name)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(fields[i].name, name) == 0)
			return (int)i;
	return -1;
}

int
valid_fail(struct req *req, const struct field *fields, size_t n,
    const char *err)
{
	size_t i, len;

	req_error(req, 400, err);
	for (i = 0; i < n; i++) {
		len = strlen(fields[i].name);
		if (strncmp(err, fields[i].name, len) == 0 && err[len] == ' ') {
			req->err_field = fields[i].name;
			req->err_label = fields[i].label;
			break;
		}
	}
	return 400;
}
