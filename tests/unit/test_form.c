/* test_form.c: a browser form's GET parameters made into a report's fields (form_decode). */
#include <stdlib.h>

#include "ctest.h"
#include "input/valid.h"
#include "web/form.h"

static const char *const ops[] = { "yd", "lt", "dx", NULL };
static const char *const opv[] = { "1", "2", "3", NULL };

static const struct field fields[] = {
	{ "task_id", FT_UUID, F_REQUIRED, 0, 0, NULL, NULL, NULL },
	{ "page", FT_UINT, F_DEFAULT | F_NOSQL, 1, 1000000000, NULL, NULL, NULL },
	{ "keyword", FT_DIGITS, 0, 0, 20, NULL, NULL, NULL },
	{ "status", FT_INTSET, 0, 0, 12, NULL, NULL, NULL },
	{ "type", FT_CODESET, 0, 0, 0, ops, opv, NULL },
	{ "tags", FT_UUIDSET, 0, 0, 0, NULL, NULL, NULL },
	{ "bills", FT_RANGE, 0, 0, 86400, NULL, NULL, NULL },
	{ "levels", FT_RANGES, 0, 0, 100000, NULL, NULL, NULL },
	{ "start_at", FT_TIME, 0, 0, 0, NULL, NULL, NULL },
	{ "call_history", FT_FLAG, 0, 0, 1, NULL, NULL, NULL },
};
#define NF (sizeof(fields) / sizeof(fields[0]))
enum { TASK, PAGE, KEYWORD, STATUS, TYPE, TAGS, BILLS, LEVELS, START, FLAG };

static const struct report r = { .name = "form", .fields = fields, .nfields = NF };

#define UUID	"1bcecc13-e873-4910-913c-d9246a891280"
#define UUID2	"2bcecc13-e873-4910-913c-d9246a891280"
#define Q	"task_id=" UUID "&"

/*
 * Decodes query as app_serve does (input_form), then as a page's form
 * (form_decode), then validates it into pv. Returns the parameters; *err is
 * the validator's message, NULL when valid.
 */
static struct val *
decode(struct arena *a, const char *query, struct pval *pv, const char **err)
{
	struct req req;
	const char *ferr = NULL;

	memset(&req, 0, sizeof(req));
	req.a = a;
	req.params = val_new(a, V_OBJ);
	if (val_parse_form(a, req.params, query, strlen(query), &ferr) != 0) {
		CHECK_STR(ferr, "(a query input_form takes)");
		*err = "(input_form)";
		return req.params;
	}
	form_decode(&req, &r);
	*err = NULL;
	if (valid_fields(a, fields, NF, req.params, pv, err) == 0)
		*err = NULL;
	return req.params;
}

/* Every empty input is an absent filter: the validator sees none of them. */
static void
test_empty(void)
{
	static const char *const queries[] = {
		Q "page=&keyword=&status=&type=&tags=&bills=&levels=&start_at=&call_history=",
		Q "status[]=&type[]=&tags[]=&bills[]=&bills[]=&levels[]=&levels[]=",
		Q "bills_min=&bills_max=&levels_min=&levels_max=",
		Q "levels[0][]=&levels[0][]=&levels[1][]=&levels[1][]=",
		Q "status[]=&status[]=&type[]=&type[]=",
		("task_id=" UUID),	/* (parenthesized: one string, says clang) */
	};
	struct arena *a = arena_new();
	struct pval pv[NF];
	const char *err;
	struct val *p, *v;
	size_t i, k;

	for (i = 0; i < sizeof(queries) / sizeof(queries[0]); i++) {
		p = decode(a, queries[i], pv, &err);
		CHECK_STR(err ? err : "(valid)", "(valid)");
		for (k = 0; k < NF; k++)
			if (k != TASK && k != PAGE && pv[k].set) {
				CHECK_STR(fields[k].name, "(absent)");
				fprintf(stderr, "  in %s\n", queries[i]);
			}
		CHECK(pv[PAGE].set && pv[PAGE].i == 1);	/* the default, not "" */
		CHECK_STR(pv[TASK].text, UUID);
		/* what stays in the parameters is null or an empty array, never "" */
		for (k = 1; k < NF; k++) {
			v = val_get(p, fields[k].name);
			if (v == NULL || fields[k].type == FT_TIME)
				continue;
			CHECK(v->type == V_NULL || (v->type == V_ARR && v->n == 0));
		}
	}
	/* a time left "" is the validator's absent time */
	p = decode(a, Q "start_at=", pv, &err);
	CHECK(err == NULL && !pv[START].set);
	/* the empty inputs are gone, the others kept */
	p = decode(a, Q "keyword=&status[]=&status[]=4&status[]=&status[]=7", pv, &err);
	CHECK(err == NULL);
	CHECK(val_get(p, "keyword")->type == V_NULL);
	v = val_get(p, "status");
	CHECK(v->type == V_ARR && v->n == 2);
	CHECK_STR(pv[STATUS].text, "{4,7}");
	p = decode(a, Q "type[]=&type[]=lt&tags[]=" UUID2 "&tags[]=", pv, &err);
	CHECK(err == NULL);
	CHECK_STR(pv[TYPE].text, "{2}");
	CHECK_STR(pv[TAGS].text, "{" UUID2 "}");
	/* parameters that are no field's are left as they are */
	p = decode(a, Q "other=&bills_min=", pv, &err);
	v = val_get(p, "other");
	CHECK(v != NULL && v->type == V_STR && v->s[0] == '\0');
	arena_free(a);
}

/* A form's text value and the validator's SQL text of one field, or its error. */
struct fcase {
	const char	*query;
	int		 field;
	const char	*text;		/* NULL: absent */
	const char	*err;		/* the validator's error, NULL: valid */
};

/* Checks one case: the field's SQL text, or the validator's error. */
static void
check_case(struct arena *a, const struct fcase *c)
{
	struct pval pv[NF];
	const char *err;

	decode(a, c->query, pv, &err);
	if (c->err != NULL) {
		CHECK_STR(err ? err : "(valid)", c->err);
		return;
	}
	CHECK_STR(err ? err : "(valid)", "(valid)");
	if (err != NULL)
		return;
	if (c->text == NULL)
		CHECK(!pv[c->field].set);
	else
		CHECK_STR(pv[c->field].set ? pv[c->field].text : "(absent)", c->text);
}

static void
run_cases(const struct fcase *cases, size_t n)
{
	struct arena *a = arena_new();
	size_t i;

	for (i = 0; i < n; i++) {
		int failed = ctest_fail;

		check_case(a, &cases[i]);
		if (ctest_fail != failed)
			fprintf(stderr, "  in %s\n", cases[i].query);
	}
	arena_free(a);
}

static void
test_range(void)
{
	static const struct fcase cases[] = {
		/* NAME_min and NAME_max make the range; an empty end is the field's limit */
		{ Q "bills_min=10&bills_max=20", BILLS, "{10,20}", NULL },
		{ Q "bills_min=10", BILLS, "{10,86400}", NULL },
		{ Q "bills_min=10&bills_max=", BILLS, "{10,86400}", NULL },
		{ Q "bills_max=20", BILLS, "{0,20}", NULL },
		{ Q "bills_min=&bills_max=20", BILLS, "{0,20}", NULL },
		{ Q "bills=&bills_min=5&bills_max=5", BILLS, "{5,5}", NULL },
		{ Q "bills[]=&bills[]=&bills_min=3", BILLS, "{3,86400}", NULL },
		/* a range given as the contract's wins over _min and _max */
		{ Q "bills[]=1&bills[]=2&bills_min=7", BILLS, "{1,2}", NULL },
		/* bad values are the validator's: still a 400 */
		{ Q "bills_min=abc", BILLS, NULL,
		  "bills must be [min, max], integers from 0 to 86400, min <= max" },
		{ Q "bills_min=9&bills_max=3", BILLS, NULL,
		  "bills must be [min, max], integers from 0 to 86400, min <= max" },
		{ Q "bills_max=86401", BILLS, NULL,
		  "bills must be [min, max], integers from 0 to 86400, min <= max" },
		{ Q "bills=5", BILLS, NULL,
		  "bills must be [min, max], integers from 0 to 86400, min <= max" },
		{ Q "bills[]=&bills[]=5", BILLS, NULL,
		  "bills must be [min, max], integers from 0 to 86400, min <= max" },
	};

	run_cases(cases, sizeof(cases) / sizeof(cases[0]));
}

static void
test_levels(void)
{
	static const struct fcase cases[] = {
		/* checkboxes levels[]="lo,hi" */
		{ Q "levels[]=0,100", LEVELS, "{{0,100}}", NULL },
		{ Q "levels[]=0%2C100&levels[]=100%2C500", LEVELS, "{{0,100},{100,500}}", NULL },
		{ Q "levels[]=1000,", LEVELS, "{{1000,100000}}", NULL },	/* open above */
		{ Q "levels[]=,50", LEVELS, "{{0,50}}", NULL },		/* open below */
		{ Q "levels[]=&levels[]=0,100&levels[]=", LEVELS, "{{0,100}}", NULL },
		/* levels_min and levels_max add one interval, last */
		{ Q "levels[]=0,100&levels_min=200&levels_max=300", LEVELS,
		  "{{0,100},{200,300}}", NULL },
		{ Q "levels_min=5", LEVELS, "{{5,100000}}", NULL },
		{ Q "levels_max=5", LEVELS, "{{0,5}}", NULL },
		{ Q "levels=&levels_min=7&levels_max=8", LEVELS, "{{7,8}}", NULL },
		/* the contract's nested arrays pass; an empty pair is dropped */
		{ Q "levels[0][]=1&levels[0][]=2", LEVELS, "{{1,2}}", NULL },
		{ Q "levels[0][]=&levels[0][]=&levels[1][]=3&levels[1][]=4", LEVELS,
		  "{{3,4}}", NULL },
		/* the rest is the validator's */
		{ Q "levels=5", LEVELS, NULL, "levels must be an array of [min, max], "
		  "integers from 0 to 100000, min <= max" },
		{ Q "levels[]=5", LEVELS, NULL, "levels must be an array of [min, max], "
		  "integers from 0 to 100000, min <= max" },
		{ Q "levels[]=a,b", LEVELS, NULL, "levels must be an array of [min, max], "
		  "integers from 0 to 100000, min <= max" },
		{ Q "levels[]=5,1", LEVELS, NULL, "levels must be an array of [min, max], "
		  "integers from 0 to 100000, min <= max" },
		{ Q "levels[]=0,100&levels_min=x", LEVELS, NULL, "levels must be an array "
		  "of [min, max], integers from 0 to 100000, min <= max" },
		{ Q "levels[0][]=&levels[0][]=9", LEVELS, NULL, "levels must be an array "
		  "of [min, max], integers from 0 to 100000, min <= max" },
	};

	run_cases(cases, sizeof(cases) / sizeof(cases[0]));
}

static void
test_time(void)
{
	static const struct fcase cases[] = {
		/* datetime-local, with and without seconds */
		{ Q "start_at=2019-05-08T19:02", START, "2019-05-08 19:02:00", NULL },
		{ Q "start_at=2019-05-08T19%3A02", START, "2019-05-08 19:02:00", NULL },
		{ Q "start_at=2019-05-08T19:02:07", START, "2019-05-08 19:02:07", NULL },
		/* the contract's own form is kept */
		{ Q "start_at=2019-05-08+19:02:07", START, "2019-05-08 19:02:07", NULL },
		/* anything else is the validator's */
		{ Q "start_at=2019-05-08+19:02", START, NULL,
		  "start_at must be a time as YYYY-MM-DD HH:MM:SS" },
		{ Q "start_at=2019-05-08T19", START, NULL,
		  "start_at must be a time as YYYY-MM-DD HH:MM:SS" },
		{ Q "start_at=2019-05-08T19:02:07.5", START, NULL,
		  "start_at must be a time as YYYY-MM-DD HH:MM:SS" },
		{ Q "start_at=2019-02-30T19:02", START, NULL,
		  "start_at must be a time as YYYY-MM-DD HH:MM:SS" },
		{ Q "start_at=2019-05-08X19:02", START, NULL,
		  "start_at must be a time as YYYY-MM-DD HH:MM:SS" },
		{ Q "start_at[]=2019-05-08T19:02", START, NULL,
		  "start_at must be a single value" },
	};
	struct arena *a = arena_new();
	struct pval pv[NF];
	const char *err;
	struct val *p;

	run_cases(cases, sizeof(cases) / sizeof(cases[0]));
	/* the value itself is rewritten in the parameters */
	p = decode(a, Q "start_at=2019-05-08T19:02", pv, &err);
	CHECK_STR(val_get(p, "start_at")->s, "2019-05-08 19:02:00");
	arena_free(a);
}

static void
test_others(void)
{
	static const struct fcase cases[] = {
		{ Q "keyword=1865", KEYWORD, "1865", NULL },
		{ Q "keyword=18a", KEYWORD, NULL, "keyword must be a string of at most 20 digits" },
		{ Q "status=4", STATUS, "{4}", NULL },
		{ Q "status=x", STATUS, NULL, "status must be an array of integers from 0 to 12" },
		{ Q "status[]=1&status[]=&status[]=13", STATUS, NULL,
		  "status must be an array of integers from 0 to 12" },
		{ Q "type[]=zz&type[]=", TYPE, NULL, "type must be an array of: yd, lt, dx" },
		{ Q "call_history=1", FLAG, "1", NULL },
		{ Q "call_history=", FLAG, NULL, NULL },
		{ Q "call_history=2", FLAG, NULL, "call_history must be 0 or 1" },
		{ Q "page=3", PAGE, "3", NULL },
		{ Q "page=0", PAGE, NULL, "page must be a positive integer" },
		{ "task_id=", TASK, NULL, "task_id is required" },
		{ "task_id=x", TASK, NULL, "task_id must be a UUID" },
	};

	run_cases(cases, sizeof(cases) / sizeof(cases[0]));
}

int
main(void)
{
	TEST(test_empty);
	TEST(test_range);
	TEST(test_levels);
	TEST(test_time);
	TEST(test_others);
	return ctest_done("test_form");
}
