/* test_valid.c: the validators, driven by tables of good and bad input (kcgi style). */
#include <stdlib.h>

#include "ctest.h"
#include "input/val.h"
#include "input/valid.h"

static const char *const ops[] = { "yd", "lt", "dx", NULL };
static const char *const opv[] = { "1", "2", "3", NULL };

static const struct field fields[] = {
	{ "task_id", FT_UUID, F_REQUIRED, 0, 0, NULL, NULL, NULL },
	{ "page", FT_UINT, F_DEFAULT | F_NOSQL, 1, 1000000000, NULL, NULL, NULL },
	{ "status", FT_INTSET, 0, 0, 12, NULL, NULL, NULL },
	{ "keyword", FT_DIGITS, 0, 0, 20, NULL, NULL, NULL },
	{ "type", FT_CODESET, 0, 0, 0, ops, opv, NULL },
	{ "bills", FT_RANGE, 0, 0, 86400, NULL, NULL, NULL },
	{ "levels", FT_RANGES, 0, 0, 100000, NULL, NULL, NULL },
	{ "tags", FT_UUIDSET, 0, 0, 0, NULL, NULL, NULL },
	{ "start_at", FT_TIME, 0, 0, 0, NULL, NULL, NULL },
	{ "call_history", FT_FLAG, 0, 0, 1, NULL, NULL, NULL },
	{ "q", FT_DIGITS, 0, 4, 20, NULL, NULL, NULL },	/* at least 4 digits */
	{ "columns", FT_KEYS, F_NOSQL, 0, 64, NULL, NULL, NULL },
};
#define NF (sizeof(fields) / sizeof(fields[0]))
#define UUID "1bcecc13-e873-4910-913c-d9246a891280"

struct vcase {
	const char	*query;		/* form-encoded */
	const char	*json;		/* or a JSON body */
	const char	*err;		/* expected error, NULL = valid */
	int		 field;		/* field to check when valid */
	const char	*text;		/* its SQL text */
};

static const struct vcase cases[] = {
	{ "task_id=" UUID, NULL, NULL, 1, "1" },
	{ "task_id=" UUID "&page=3", NULL, NULL, 1, "3" },
	{ "task_id=" UUID "&status[]=1&status[]=3", NULL, NULL, 2, "{1,3}" },
	{ "task_id=" UUID "&status=1&status=12", NULL, NULL, 2, "{1,12}" },
	{ "task_id=" UUID "&status=4", NULL, NULL, 2, "{4}" },
	{ "task_id=" UUID "&type[]=lt&type[]=yd", NULL, NULL, 4, "{2,1}" },
	{ "task_id=" UUID "&keyword=1865", NULL, NULL, 3, "1865" },
	{ "task_id=" UUID "&q=5678", NULL, NULL, 10, "5678" },
	{ "task_id=" UUID "&q=13812345678", NULL, NULL, 10, "13812345678" },
	{ "task_id=" UUID "&bills[]=0&bills[]=200", NULL, NULL, 5, "{0,200}" },
	{ "task_id=" UUID "&levels[0][]=0&levels[0][]=100&levels[1][]=100&levels[1][]=500",
	    NULL, NULL, 6, "{{0,100},{100,500}}" },
	{ NULL, "{\"task_id\":\"" UUID "\",\"page\":2,\"levels\":[[0,100],[200,300]]}",
	    NULL, 6, "{{0,100},{200,300}}" },
	{ NULL, "{\"task_id\":\"" UUID "\",\"page\":\"2\"}", NULL, 1, "2" },
	{ NULL, "{\"task_id\":\"" UUID "\",\"tags\":[\"" UUID "\"]}", NULL, 7, "{" UUID "}" },
	{ NULL, "{\"task_id\":\"" UUID "\",\"start_at\":\"2019-05-23 23:59:59\"}",
	    NULL, 8, "2019-05-23 23:59:59" },
	{ NULL, "{\"task_id\":\"" UUID "\",\"unknown\":{\"x\":1}}", NULL, 1, "1" },
	{ "task_id=" UUID "&columns=callee,level_name", NULL, NULL, 11, "callee,level_name" },
	{ "task_id=" UUID "&columns[]=bill&columns[]=a_1,b", NULL, NULL, 11, "bill,a_1,b" },
	{ NULL, "{\"task_id\":\"" UUID "\",\"columns\":[\"x\",\"y\"]}", NULL, 11, "x,y" },
	{ "task_id=" UUID "&columns=callee,", NULL, NULL, 11, "callee" },
	{ "task_id=" UUID "&columns=", NULL, NULL, 1, "1" },	/* empty: absent */
	{ "task_id=" UUID "&columns=Callee", NULL,
	    "columns must be names (a-z, 0-9, _) separated by commas", 0, NULL },
	{ "task_id=" UUID "&columns=a,,b", NULL,
	    "columns must be names (a-z, 0-9, _) separated by commas", 0, NULL },
	{ "task_id=" UUID "&columns=a;b", NULL,
	    "columns must be names (a-z, 0-9, _) separated by commas", 0, NULL },
	{ NULL, "{\"task_id\":\"" UUID "\",\"columns\":[1]}",
	    "columns must be names (a-z, 0-9, _) separated by commas", 0, NULL },
	/* Bad input: every message names the field. */
	{ "", NULL, "task_id is required", 0, NULL },
	{ "task_id=abc", NULL, "task_id must be a UUID", 0, NULL },
	{ "task_id=" UUID "&page=0", NULL, "page must be a positive integer", 0, NULL },
	{ "task_id=" UUID "&page=-1", NULL, "page must be a positive integer", 0, NULL },
	{ "task_id=" UUID "&page=1x", NULL, "page must be a positive integer", 0, NULL },
	{ "task_id=" UUID "&page=99999999999999999999", NULL, "page must be a positive integer", 0, NULL },
	{ "task_id=" UUID "&page[]=1", NULL, "page must be a single value", 0, NULL },
	{ "task_id=" UUID "&status[]=13", NULL, "status must be an array of integers from 0 to 12", 0, NULL },
	{ "task_id=" UUID "&status[]=a", NULL, "status must be an array of integers from 0 to 12", 0, NULL },
	{ "task_id=" UUID "&type[]=xx", NULL, "type must be an array of: yd, lt, dx", 0, NULL },
	{ "task_id=" UUID "&keyword=18a", NULL, "keyword must be a string of at most 20 digits", 0, NULL },
	{ "task_id=" UUID "&q=567", NULL, "q must be a string of 4 to 20 digits", 0, NULL },
	{ "task_id=" UUID "&q=56a8", NULL, "q must be a string of 4 to 20 digits", 0, NULL },
	{ "task_id=" UUID "&bills[]=5&bills[]=1", NULL,
	    "bills must be [min, max], integers from 0 to 86400, min <= max", 0, NULL },
	{ "task_id=" UUID "&bills=5", NULL,
	    "bills must be [min, max], integers from 0 to 86400, min <= max", 0, NULL },
	{ NULL, "{\"task_id\":\"" UUID "\",\"levels\":[1,2]}",
	    "levels must be an array of [min, max], integers from 0 to 100000, min <= max", 0, NULL },
	{ NULL, "{\"task_id\":\"" UUID "\",\"page\":1.5}", "page must be a positive integer", 0, NULL },
	{ NULL, "{\"task_id\":\"" UUID "\",\"page\":true}", "page must be a positive integer", 0, NULL },
	{ NULL, "{\"task_id\":[\"" UUID "\"]}", "task_id must be a single value", 0, NULL },
	{ NULL, "{\"task_id\":\"" UUID "\",\"start_at\":\"2019-02-30 00:00:00\"}",
	    "start_at must be a time as YYYY-MM-DD HH:MM:SS", 0, NULL },
	{ NULL, "{\"task_id\":\"" UUID "\",\"tags\":[\"x\"]}", "tags must be an array of UUIDs", 0, NULL },
	{ NULL, "{\"task_id\":\"" UUID "\",\"call_history\":2}", "call_history must be 0 or 1", 0, NULL },
};

static void
test_table(void)
{
	struct arena *a = arena_new();
	struct pval pv[NF];
	const char *err;
	size_t i;
	int rc;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct vcase *c = &cases[i];
		struct val *in = val_new(a, V_OBJ);

		err = NULL;
		if (c->query)
			CHECK(val_parse_form(a, in, c->query, strlen(c->query), &err) == 0);
		else
			CHECK(val_parse_json(a, in, c->json, strlen(c->json), &err) == 0);
		rc = valid_fields(a, fields, NF, in, pv, &err);
		if (c->err) {
			CHECK(rc == -1);
			CHECK_STR(rc ? err : "(valid)", c->err);
		} else {
			CHECK(rc == 0);
			if (rc == 0) {
				CHECK(pv[c->field].set);
				CHECK_STR(pv[c->field].text, c->text);
			} else
				CHECK_STR(err, "(no error expected)");
		}
	}
	arena_free(a);
}

static void
test_empty_arrays_are_absent(void)
{
	struct arena *a = arena_new();
	struct val *in = val_new(a, V_OBJ);
	struct pval pv[NF];
	const char *err = NULL, *j = "{\"task_id\":\"" UUID "\",\"status\":[],\"levels\":[],"
	    "\"bills\":[],\"tags\":[],\"keyword\":\"\",\"start_at\":\"\"}";

	CHECK(val_parse_json(a, in, j, strlen(j), &err) == 0);
	CHECK(valid_fields(a, fields, NF, in, pv, &err) == 0);
	CHECK(!pv[2].set && !pv[3].set && !pv[5].set && !pv[6].set && !pv[7].set && !pv[8].set);
	arena_free(a);
}

static void
test_times(void)
{
	CHECK(valid_time("2020-02-29 23:59:59"));
	CHECK(!valid_time("2019-02-29 00:00:00"));
	CHECK(!valid_time("2019-13-01 00:00:00"));
	CHECK(!valid_time("2019-01-01 24:00:00"));
	CHECK(!valid_time("2019-01-01"));
	CHECK(valid_uuid(UUID));
	CHECK(!valid_uuid("1bcecc13-e873-4910-913c-d9246a89128"));
	CHECK(!valid_uuid("1bcecc13xe873-4910-913c-d9246a891280"));
}

/* The colours a page draws as a swatch: hex only, 3 or 6 digits. */
static void
test_colors(void)
{
	static const char *const good[] = { "#19be6b", "#ABCDEF", "#000", "#fFf", NULL };
	static const char *const bad[] = { "", "#", "19be6b", "#19be6", "#19be6bb",
	    "#19be6g", "#00", "red", "#000;x", "#000000 ", "url(#a)", NULL };
	size_t i;

	for (i = 0; good[i] != NULL; i++)
		CHECK(valid_color(good[i]));
	for (i = 0; bad[i] != NULL; i++)
		CHECK(!valid_color(bad[i]));
	CHECK(!valid_color(NULL));
}

/*
 * A page's filter (F_PAGE) skipped, as the JSON of a contract's report skips
 * it: absent whatever its value, a bad one included; read otherwise.
 */
static void
test_skipped_fields_are_absent(void)
{
	static const struct field pf[] = {
		{ "task_id", FT_UUID, F_REQUIRED, 0, 0, NULL, NULL, NULL },
		{ "province", FT_INTSET, F_PAGE, 1, 99, NULL, NULL, NULL },
	};
	struct arena *a = arena_new();
	struct val *in = val_new(a, V_OBJ);
	struct pval pv[2];
	const char *err = NULL, *good = "task_id=" UUID "&province[]=3",
	    *bad = "task_id=" UUID "&province[]=x";

	CHECK(val_parse_form(a, in, good, strlen(good), &err) == 0);
	CHECK(valid_fields_but(a, pf, 2, in, F_PAGE, pv, &err) == 0);
	CHECK(pv[0].set && !pv[1].set);
	CHECK(valid_fields_but(a, pf, 2, in, 0, pv, &err) == 0);
	CHECK(pv[1].set && pv[1].n == 1 && pv[1].ints[0] == 3);
	in = val_new(a, V_OBJ);
	CHECK(val_parse_form(a, in, bad, strlen(bad), &err) == 0);
	CHECK(valid_fields_but(a, pf, 2, in, F_PAGE, pv, &err) == 0);
	CHECK(!pv[1].set);
	CHECK(valid_fields(a, pf, 2, in, pv, &err) == -1);
	CHECK_STR(err, "province must be an array of integers from 1 to 99");
	arena_free(a);
}

int
main(void)
{
	TEST(test_table);
	TEST(test_skipped_fields_are_absent);
	TEST(test_empty_arrays_are_absent);
	TEST(test_colors);
	TEST(test_times);
	return ctest_done("test_valid");
}
