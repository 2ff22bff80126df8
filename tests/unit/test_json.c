/* test_json.c: the one JSON writer and escaper (base/json.c), byte for byte. */
#include <stdint.h>
#include <stdlib.h>

#include "ctest.h"
#include "base/json.h"

/* Returns json_escape of s[0..n) (static storage, for one comparison). */
static const char *
escaped(const char *s, size_t n)
{
	static struct buf b;

	buf_reset(&b);
	json_escape(&b, s, n);
	buf_putc(&b, '\0');
	return b.p;
}

static void
test_escape(void)
{
	static const char *const ctl[32] = {
		"\\u0000", "\\u0001", "\\u0002", "\\u0003", "\\u0004", "\\u0005",
		"\\u0006", "\\u0007", "\\u0008", "\\t", "\\n", "\\u000b", "\\u000c",
		"\\r", "\\u000e", "\\u000f", "\\u0010", "\\u0011", "\\u0012", "\\u0013",
		"\\u0014", "\\u0015", "\\u0016", "\\u0017", "\\u0018", "\\u0019",
		"\\u001a", "\\u001b", "\\u001c", "\\u001d", "\\u001e", "\\u001f",
	};
	char c[2];
	int i, plain = 0;

	/* every control character, NUL included (json_strn takes a length) */
	for (i = 0; i < 32; i++) {
		c[0] = (char)i;
		CHECK_STR(escaped(c, 1), ctl[i]);
	}
	CHECK_STR(escaped("\x7f", 1), "\\u007f");
	CHECK_STR(escaped("\"", 1), "\\\"");
	CHECK_STR(escaped("\\", 1), "\\\\");
	/* every other ASCII character is itself, '/' included */
	for (i = 0x20; i < 0x7f; i++) {
		if (i == '"' || i == '\\')
			continue;
		c[0] = (char)i;
		c[1] = '\0';
		plain += strcmp(escaped(c, 1), c) == 0;
	}
	CHECK(plain == 0x7f - 0x20 - 2);
	CHECK_STR(escaped("</script>", 9), "</script>");
	/* runs between escapes are kept whole, in order */
	CHECK_STR(escaped("a\"b\\c\nd\x01" "e", 9), "a\\\"b\\\\c\\nd\\u0001e");
	CHECK_STR(escaped("\"\"\n\n", 4), "\\\"\\\"\\n\\n");
	CHECK_STR(escaped("", 0), "");
	/* the length counts, not a NUL */
	CHECK_STR(escaped("ab\0cd", 5), "ab\\u0000cd");
	CHECK_STR(escaped("abcdef", 3), "abc");
	/* UTF-8 passes through as it is, U+2028 and U+2029 too (no JSON goes into a <script>) */
	CHECK_STR(escaped("中文 é 😀", strlen("中文 é 😀")), "中文 é 😀");
	CHECK_STR(escaped("\xe2\x80\xa8|\xe2\x80\xa9", 7), "\xe2\x80\xa8|\xe2\x80\xa9");
	CHECK_STR(escaped("\xc2\x80\xc2\x9f", 4), "\xc2\x80\xc2\x9f");	/* C1 controls: UTF-8 text */
}

static void
test_strings(void)
{
	struct buf b = {0};
	struct json j;

	json_init(&j, &b);
	json_arr_open(&j);
	json_str(&j, "x\ty");
	json_str(&j, NULL);			/* NULL writes null */
	json_str(&j, "");
	json_strn(&j, "abc", 2);
	json_strn(&j, "a\0b", 3);
	json_arr_close(&j);
	CHECK_STR(b.p, "[\"x\\ty\",null,\"\",\"ab\",\"a\\u0000b\"]");
	buf_free(&b);

	/* keys are escaped as strings are */
	json_init(&j, &b);
	json_obj_open(&j);
	json_key(&j, "a\"b");
	json_int(&j, 1);
	json_key(&j, "\n");
	json_int(&j, 2);
	json_key(&j, "中");
	json_int(&j, 3);
	json_key(&j, "");
	json_int(&j, 4);
	json_obj_close(&j);
	CHECK_STR(b.p, "{\"a\\\"b\":1,\"\\n\":2,\"中\":3,\"\":4}");
	buf_free(&b);
}

/* A key quoted once (json_key_quote) and written many times is json_key's text. */
static void
test_quoted_keys(void)
{
	static const char *const keys[] = { "a\"b", "\n", "中", "", "dialled" };
	struct buf b = {0}, q = {0};
	size_t at[6], i;
	int row;
	struct json j;

	for (i = 0; i < 5; i++) {
		at[i] = q.len;
		json_key_quote(&q, keys[i]);
	}
	at[5] = q.len;
	CHECK_STR(q.p, "\"a\\\"b\":\"\\n\":\"中\":\"\":\"dialled\":");
	json_init(&j, &b);
	json_arr_open(&j);
	for (row = 0; row < 2; row++) {
		json_obj_open(&j);
		for (i = 0; i < 5; i++) {
			json_key_text(&j, q.p + at[i], at[i + 1] - at[i]);
			json_int(&j, (int64_t)i);
		}
		json_obj_close(&j);
	}
	json_arr_close(&j);
	CHECK_STR(b.p, "[{\"a\\\"b\":0,\"\\n\":1,\"中\":2,\"\":3,\"dialled\":4},"
	    "{\"a\\\"b\":0,\"\\n\":1,\"中\":2,\"\":3,\"dialled\":4}]");
	buf_free(&b);
	buf_free(&q);
}

static void
test_nesting(void)
{
	struct buf b = {0};
	struct json j;
	int i;

	json_init(&j, &b);
	json_obj_open(&j);
	json_key(&j, "a");
	json_arr_open(&j);
	json_arr_close(&j);
	json_key(&j, "b");
	json_obj_open(&j);
	json_obj_close(&j);
	json_key(&j, "c");
	json_arr_open(&j);
	json_arr_open(&j);
	json_arr_close(&j);
	json_arr_open(&j);
	json_int(&j, 1);
	json_obj_open(&j);
	json_obj_close(&j);
	json_arr_close(&j);
	json_arr_close(&j);
	json_key(&j, "d");
	json_obj_open(&j);
	json_key(&j, "e");
	json_obj_open(&j);
	json_key(&j, "f");
	json_null(&j);
	json_key(&j, "g");
	json_boolean(&j, false);
	json_obj_close(&j);
	json_obj_close(&j);
	json_key(&j, "h");
	json_boolean(&j, true);
	json_obj_close(&j);
	CHECK_STR(b.p, "{\"a\":[],\"b\":{},\"c\":[[],[1,{}]],"
	    "\"d\":{\"e\":{\"f\":null,\"g\":false}},\"h\":true}");
	buf_free(&b);

	/* values side by side at the top of an array: one comma between each */
	json_init(&j, &b);
	json_arr_open(&j);
	json_int(&j, 0);
	json_str(&j, "s");
	json_boolean(&j, true);
	json_null(&j);
	json_raw(&j, "{\"r\":[1]}");
	json_number_text(&j, "2.5");
	json_arr_open(&j);
	json_arr_close(&j);
	json_obj_open(&j);
	json_obj_close(&j);
	json_arr_close(&j);
	CHECK_STR(b.p, "[0,\"s\",true,null,{\"r\":[1]},2.5,[],{}]");
	buf_free(&b);

	/* deep nesting, to JSON_DEPTH - 1 levels: every bracket and comma in place */
	json_init(&j, &b);
	for (i = 0; i < JSON_DEPTH - 1; i++) {
		json_arr_open(&j);
		json_int(&j, i);
	}
	for (i = 0; i < JSON_DEPTH - 1; i++) {
		json_arr_close(&j);
		json_int(&j, i);
	}
	{
		struct buf want = {0};

		for (i = 0; i < JSON_DEPTH - 1; i++)
			buf_printf(&want, "%s[%d", i ? "," : "", i);
		for (i = 0; i < JSON_DEPTH - 1; i++)
			buf_printf(&want, "],%d", i);
		CHECK_STR(b.p, want.p);
		buf_free(&want);
	}
	buf_free(&b);

	/* a writer appends to what its buffer holds */
	buf_puts(&b, "x=");
	json_init(&j, &b);
	json_obj_open(&j);
	json_obj_close(&j);
	CHECK_STR(b.p, "x={}");
	buf_free(&b);
}

static void
test_numbers(void)
{
	static const struct {
		const char	*text;		/* NULL: a NULL pointer */
		const char	*json;
	} cases[] = {
		/* PostgreSQL's integer, numeric and float texts are JSON numbers */
		{ "0", "0" },
		{ "-0", "-0" },
		{ "7", "7" },
		{ "-42", "-42" },
		{ "9223372036854775807", "9223372036854775807" },
		{ "123456789012345678901234567890", "123456789012345678901234567890" },
		{ "12.50", "12.50" },
		{ "-0.001", "-0.001" },
		{ "0.5", "0.5" },
		{ "1e+100", "1e+100" },
		{ "1.5e-05", "1.5e-05" },
		{ "-2.5E3", "-2.5E3" },
		{ "1e5", "1e5" },
		/* anything else is null: never a byte that is not JSON */
		{ NULL, "null" },
		{ "", "null" },
		{ "-", "null" },
		{ "+1", "null" },
		{ ".5", "null" },
		{ "-.5", "null" },
		{ "NaN", "null" },
		{ "Infinity", "null" },
		{ "-Infinity", "null" },
		{ " 1", "null" },
		{ "1 ", "null" },
		{ "0x10", "null" },
		{ "1,5", "null" },
		{ "abc", "null" },
		{ "1.", "null" },
		{ "1.e5", "null" },
		{ "1.2.3", "null" },
		{ "1e", "null" },
		{ "1e+", "null" },
		{ "1e5.5", "null" },
		{ "1e5e5", "null" },
		{ "1-2", "null" },
		{ "1+2", "null" },
		{ "--1", "null" },
		{ "01", "null" },
		{ "-01", "null" },
		{ "00.5", "null" },
	};
	struct buf b = {0};
	struct json j;
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		buf_reset(&b);
		json_init(&j, &b);
		json_number_text(&j, cases[i].text);
		CHECK_STR(b.p, cases[i].json);
	}
	/* a null in an array takes its comma like any value */
	buf_reset(&b);
	json_init(&j, &b);
	json_arr_open(&j);
	json_number_text(&j, "1");
	json_number_text(&j, "x");
	json_number_text(&j, "2");
	json_arr_close(&j);
	CHECK_STR(b.p, "[1,null,2]");

	buf_reset(&b);
	json_init(&j, &b);
	json_arr_open(&j);
	json_int(&j, 0);
	json_int(&j, -1);
	json_int(&j, INT64_MAX);
	json_int(&j, INT64_MIN);
	json_arr_close(&j);
	CHECK_STR(b.p, "[0,-1,9223372036854775807,-9223372036854775808]");

	/* raw JSON is written as it is; nothing at all is null */
	buf_reset(&b);
	json_init(&j, &b);
	json_arr_open(&j);
	json_raw(&j, "[1,{\"a\":\"\\u2028\"}]");
	json_raw(&j, "");
	json_raw(&j, NULL);
	json_arr_close(&j);
	CHECK_STR(b.p, "[[1,{\"a\":\"\\u2028\"}],null,null]");
	buf_free(&b);
}

int
main(void)
{
	TEST(test_escape);
	TEST(test_strings);
	TEST(test_quoted_keys);
	TEST(test_nesting);
	TEST(test_numbers);
	return ctest_done("test_json");
}
