/*
 * params.h: what a request's parameters go through after parsing, as
 * web/app.c does it: the UTF-8 check, a browser form's decoding (routes
 * flagged R_FORM) and the validation against each report's field table;
 * with the properties each step promises checked.
 */
#ifndef CR_FUZZ_PARAMS_H
#define CR_FUZZ_PARAMS_H

#include "fuzz.h"
#include "input/utf8.h"
#include "input/valid.h"
#include "report/reports.h"
#include "web/form.h"
#include "web/route.h"

/* The program's routes (cgi/web/app.c), handlers left out. */
static const struct route fuzz_routes[] = {
#include "routes.h"
};
#define FUZZ_NROUTES (sizeof(fuzz_routes) / sizeof(fuzz_routes[0]))

/* Validates in against r's fields and checks what a success promises. */
static inline void
fuzz_validate(struct arena *a, const struct report *r, const struct val *in)
{
	struct pval *out = arena_alloc(a, (r->nfields + 1) * sizeof(*out));
	const char *err = NULL;
	size_t i, k;

	if (valid_fields(a, r->fields, r->nfields, in, out, &err) != 0) {
		FUZZ_CHECK(err != NULL && *err != '\0');
		return;
	}
	for (i = 0; i < r->nfields; i++) {
		const struct field *f = &r->fields[i];
		const struct pval *p = &out[i];

		if (!p->set) {
			FUZZ_CHECK(!(f->flags & (F_REQUIRED | F_DEFAULT)));
			continue;
		}
		FUZZ_CHECK(p->text != NULL);
		switch (f->type) {
		case FT_UUID:
			FUZZ_CHECK(valid_uuid(p->text));
			break;
		case FT_UINT:
		case FT_FLAG:
			FUZZ_CHECK(p->i >= f->min && p->i <= f->max);
			break;
		case FT_INTSET:
			for (k = 0; k < p->n; k++)
				FUZZ_CHECK(p->ints[k] >= f->min && p->ints[k] <= f->max);
			break;
		case FT_UUIDSET:
			for (k = 0; k < p->n; k++)
				FUZZ_CHECK(valid_uuid(p->strs[k]));
			break;
		case FT_RANGE:
		case FT_RANGES:
			FUZZ_CHECK(p->n >= 1);
			for (k = 0; k < p->n; k++)
				FUZZ_CHECK(p->ints[2 * k] >= f->min &&
				    p->ints[2 * k] <= p->ints[2 * k + 1] &&
				    p->ints[2 * k + 1] <= f->max);
			break;
		case FT_TIME:
			FUZZ_CHECK(valid_time(p->text));
			break;
		default:
			break;
		}
	}
}

/* Everything after parsing: UTF-8, forms, every report's validation. */
static inline void
fuzz_after_parse(struct arena *a, struct val *params)
{
	struct req req;
	size_t i;

	(void)utf8_param(params, NULL);
	for (i = 0; i < REPORT__MAX; i++)
		fuzz_validate(a, &reports[i], params);
	memset(&req, 0, sizeof(req));
	req.a = a;
	req.params = params;
	for (i = 0; i < FUZZ_NROUTES; i++)
		if (fuzz_routes[i].flags & R_FORM) {
			form_decode(&req, &reports[fuzz_routes[i].report]);
			fuzz_validate(a, &reports[fuzz_routes[i].report], params);
		}
}

#endif
