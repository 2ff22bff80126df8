/* test_val.c: query strings, PHP-style arrays, JSON bodies, the JSON writer, masking. */
#include <stdlib.h>
#include <string.h>

#include "ctest.h"
#include "input/val.h"
#include "base/json.h"
#include "base/arena.h"
#include "base/buf.h"
#include "base/mask.h"

static void
test_form(void)
{
	struct arena *a = arena_new();
	struct val *o = val_new(a, V_OBJ), *v;
	const char *err = NULL, *q = "a=1&b[]=x&b[]=y&c%5B0%5D%5B%5D=5&c[0][]=6&d=%E4%B8%AD+x&e";

	CHECK(val_parse_form(a, o, q, strlen(q), &err) == 0);
	v = val_get(o, "a");
	CHECK(v && v->type == V_STR);
	CHECK_STR(v ? v->s : NULL, "1");
	v = val_get(o, "b");
	CHECK(v && v->type == V_ARR && v->n == 2);
	v = val_get(o, "c");
	CHECK(v && v->type == V_ARR && v->n == 1 && v->items[0]->type == V_ARR &&
	    v->items[0]->n == 2);
	CHECK_STR(val_get(o, "d")->s, "中 x");
	CHECK_STR(val_get(o, "e")->s, "");
	CHECK(val_parse_form(a, o, "x=%zz", 5, &err) == -1);
	CHECK_STR(err, "x has a malformed %-escape");
	/* The name is decoded once: "%25" is "%", and the bad escape is the value's. */
	CHECK(val_parse_form(a, o, "%25=%", 5, &err) == -1);
	CHECK_STR(err, "% has a malformed %-escape");
	CHECK(val_parse_form(a, o, "a%2541=%zz", 10, &err) == -1);
	CHECK_STR(err, "a%41 has a malformed %-escape");
	CHECK(val_parse_form(a, o, "a%zz=1", 6, &err) == -1);
	CHECK_STR(err, "a parameter name has a malformed %-escape");
	CHECK(val_parse_form(a, o, "x=%00", 5, &err) == -1);
	CHECK(val_parse_form(a, o, "x[a]=1", 6, &err) == -1);
	arena_free(a);
}

/* 10,000 names are taken; the next new one is an error, not dropped without a word. */
static void
test_form_limit(void)
{
	struct arena *a = arena_new();
	struct val *o = val_new(a, V_OBJ);
	struct buf q = {0};
	const char *err = NULL;
	int i;

	for (i = 0; i < 10000; i++)
		buf_printf(&q, "%sk%d=1", i ? "&" : "", i);
	CHECK(val_parse_form(a, o, q.p, q.len, &err) == 0);
	CHECK(o->n == 10000);
	CHECK(val_get(o, "k9999") != NULL);
	/* A name already there still takes values (a repeated key becomes an array). */
	CHECK(val_parse_form(a, o, "k0=2", 4, &err) == 0);
	CHECK(val_get(o, "k0")->type == V_ARR);
	CHECK(val_parse_form(a, o, "k10000=1", 8, &err) == -1);
	CHECK_STR(err, "too many parameters (at most 10000)");
	CHECK(val_parse_form(a, o, "new[]=1", 7, &err) == -1);
	buf_free(&q);
	arena_free(a);
}

static void
test_json_in(void)
{
	struct arena *a = arena_new();
	struct val *o = val_new(a, V_OBJ);
	const char *err = NULL;

	CHECK(val_parse_json(a, o, "{\"a\":[1,2]} \n", 13, &err) == 0);
	CHECK(val_get(o, "a")->n == 2);
	CHECK(val_parse_json(a, o, "[1]", 3, &err) == -1);
	CHECK_STR(err, "body must be a JSON object");
	CHECK(val_parse_json(a, o, "{\"a\":1,}", 8, &err) == -1);
	CHECK_STR(err, "body is not valid JSON");
	CHECK(val_parse_json(a, o, "{\"a\":1} x", 9, &err) == -1);
	CHECK(val_parse_json(a, o, "", 0, &err) == -1);
	/* json-c takes a single-quoted key even when strict; JSON does not. */
	CHECK(val_parse_json(a, o, "{'a':1}", 7, &err) == -1);
	CHECK_STR(err, "body is not valid JSON");
	/* NUL: in a value, named by its field; in a name (json-c would cut it there), refused. */
	CHECK(val_parse_json(a, o, "{\"k\":\"1\\u0000x\"}", strlen("{\"k\":\"1\\u0000x\"}"), &err) == -1);
	CHECK_STR(err, "k must not contain a NUL character");
	CHECK(val_parse_json(a, o, "{\"task_id\\u0000x\":1}", strlen("{\"task_id\\u0000x\":1}"), &err) == -1);
	CHECK_STR(err, "a name in the body must not contain a NUL character");
	/* An escaped backslash before u0000 is text, not a NUL. */
	CHECK(val_parse_json(a, o, "{\"k\\\\u0000\":1}", strlen("{\"k\\\\u0000\":1}"), &err) == 0);
	CHECK(val_parse_json(a, o, "{\"a'\":\"b\\\"'\"}", 13, &err) == 0);
	CHECK(val_parse_json(a, o, "{\"a\":\"\xff\"}", 9, &err) == -1);
	arena_free(a);
}

static void
test_json_out(void)
{
	struct buf b = {0};
	struct json j;

	json_init(&j, &b);
	json_obj_open(&j);
	json_key(&j, "s");
	json_str(&j, "a\"b\\c\n\x01</script>中");
	json_key(&j, "n");
	json_int(&j, -5);
	json_key(&j, "a");
	json_arr_open(&j);
	json_boolean(&j, 1);
	json_null(&j);
	json_number_text(&j, "1.5");
	json_number_text(&j, "x");
	json_arr_close(&j);
	json_obj_close(&j);
	CHECK_STR(b.p, "{\"s\":\"a\\\"b\\\\c\\n\\u0001</script>中\",\"n\":-5,\"a\":[true,null,1.5,null]}");
	buf_free(&b);
}

static void
test_mask(void)
{
	struct buf b = {0};

	mask_digits(&b, "call 18651683344 at 12:30, id 123456");
	CHECK_STR(b.p, "call 186****3344 at 12:30, id 123456");
	buf_free(&b);
}

int
main(void)
{
	TEST(test_form);
	TEST(test_form_limit);
	TEST(test_json_in);
	TEST(test_json_out);
	TEST(test_mask);
	return ctest_done("test_val");
}
