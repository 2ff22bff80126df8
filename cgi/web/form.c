/* form.c: a browser form's GET parameters, made into a report's fields. */
#include <stdio.h>
#include <string.h>

#include "base/arena.h"
#include "web/form.h"

/* Returns true when v is absent, null or an empty string. */
static bool
blank(const struct val *v)
{
	return v == NULL || v->type == V_NULL ||
	    (v->type == V_STR && v->s[0] == '\0');
}

/* Returns the pair [lo, hi] of strings (an empty end is the field's limit). */
static struct val *
pair(struct req *req, const struct field *f, const char *lo, const char *hi)
{
	struct val *a = val_new(req->a, V_ARR);

	val_push(req->a, a, NULL, val_string(req->a,
	    *lo ? lo : arena_printf(req->a, "%ld", f->min)));
	val_push(req->a, a, NULL, val_string(req->a,
	    *hi ? hi : arena_printf(req->a, "%ld", f->max)));
	return a;
}

/*
 * Turns a browser form's GET parameters into the report's fields: an empty
 * input is an absent filter; NAME_min and NAME_max make the range NAME (an
 * empty end is open); a checkbox levels[]="lo,hi" is the interval [lo, hi]
 * and levels_min/levels_max add one; a datetime-local value
 * ("2019-05-08T19:02") is a time "2019-05-08 19:02:00". Anything else is left
 * for the validator to judge, so a bad value still answers 400.
 */
void
form_decode(struct req *req, const struct report *r)
{
	struct val *v, *out, *item;
	const char *lo, *hi, *s;
	size_t i, k;

	for (i = 0; i < r->nfields; i++) {
		const struct field *f = &r->fields[i];

		v = val_get(req->params, f->name);
		switch (f->type) {
		case FT_RANGE:
			lo = val_text(val_get(req->params, arena_printf(req->a, "%s_min", f->name)));
			hi = val_text(val_get(req->params, arena_printf(req->a, "%s_max", f->name)));
			if (v != NULL && v->type == V_ARR) {
				for (k = 0; k < v->n && blank(v->items[k]); k++)
					;
				if (k < v->n)
					break;	/* a range given: the validator's */
				v = NULL;
			}
			if (!blank(v))
				break;
			val_set(req->a, req->params, f->name, *lo || *hi ?
			    pair(req, f, lo, hi) : val_new(req->a, V_NULL));
			break;
		case FT_RANGES:
			out = val_new(req->a, V_ARR);
			for (k = 0; v != NULL && v->type == V_ARR && k < v->n; k++) {
				item = v->items[k];
				if (blank(item))
					continue;
				if (item->type == V_STR && (s = strchr(item->s, ',')) != NULL)
					item = pair(req, f, arena_strndup(req->a,
					    item->s, (size_t)(s - item->s)), s + 1);
				else if (item->type == V_ARR && item->n == 2 &&
				    blank(item->items[0]) && blank(item->items[1]))
					continue;
				val_push(req->a, out, NULL, item);
			}
			if (v != NULL && v->type != V_ARR && !blank(v))
				break;	/* not a form's: the validator's */
			lo = val_text(val_get(req->params, arena_printf(req->a, "%s_min", f->name)));
			hi = val_text(val_get(req->params, arena_printf(req->a, "%s_max", f->name)));
			if (*lo || *hi)
				val_push(req->a, out, NULL, pair(req, f, lo, hi));
			val_set(req->a, req->params, f->name, out->n ? out :
			    val_new(req->a, V_NULL));
			break;
		case FT_TIME:
			if (v == NULL || v->type != V_STR)
				break;
			if (strlen(v->s) == 16 && v->s[10] == 'T')
				v->s = arena_printf(req->a, "%.10s %s:00", v->s, v->s + 11);
			else if (strlen(v->s) == 19 && v->s[10] == 'T')
				v->s = arena_printf(req->a, "%.10s %s", v->s, v->s + 11);
			break;
		case FT_INTSET:
		case FT_CODESET:
		case FT_UUIDSET:
			if (v == NULL || v->type != V_ARR) {
				if (v != NULL && blank(v))
					val_set(req->a, req->params, f->name,
					    val_new(req->a, V_NULL));
				break;
			}
			out = val_new(req->a, V_ARR);
			for (k = 0; k < v->n; k++)
				if (!blank(v->items[k]))
					val_push(req->a, out, NULL, v->items[k]);
			val_set(req->a, req->params, f->name, out);
			break;
		default:
			if (v != NULL && blank(v))
				val_set(req->a, req->params, f->name,
				    val_new(req->a, V_NULL));
			break;
		}
	}
}

