/* test_utf8.c: well-formed UTF-8 (utf8_valid, utf8_valid_n) and the parameter that is not (utf8_param). */
#include <stdlib.h>
#include <string.h>

#include "ctest.h"
#include "input/utf8.h"

static const struct {
	const char	*s;
	int		 ok;
} cases[] = {
	{ "", 1 },
	{ "plain ASCII \x01\x7f", 1 },
	{ "\xc2\x80", 1 },			/* U+0080, the first 2-byte form */
	{ "é", 1 },
	{ "\xdf\xbf", 1 },			/* U+07FF, the last */
	{ "\xe0\xa0\x80", 1 },			/* U+0800, the first 3-byte form */
	{ "中文", 1 },
	{ "\xed\x9f\xbf", 1 },			/* U+D7FF, just before the surrogates */
	{ "\xee\x80\x80", 1 },			/* U+E000, just after */
	{ "\xe2\x80\xa8\xe2\x80\xa9", 1 },	/* U+2028, U+2029 */
	{ "\xef\xbf\xbf", 1 },			/* U+FFFF */
	{ "\xf0\x90\x80\x80", 1 },		/* U+10000, the first 4-byte form */
	{ "😀", 1 },
	{ "\xf4\x8f\xbf\xbf", 1 },		/* U+10FFFF, the last there is */
	{ "a中😀é z", 1 },
	/* overlong forms */
	{ "\xc0\x80", 0 },			/* NUL in two bytes */
	{ "\xc0\xaf", 0 },			/* '/' in two bytes */
	{ "\xc1\xbf", 0 },
	{ "\xe0\x80\xaf", 0 },			/* '/' in three */
	{ "\xe0\x9f\xbf", 0 },			/* U+07FF in three */
	{ "\xf0\x80\x80\xaf", 0 },		/* '/' in four */
	{ "\xf0\x8f\xbf\xbf", 0 },		/* U+FFFF in four */
	/* surrogates U+D800..DFFF */
	{ "\xed\xa0\x80", 0 },
	{ "\xed\xad\xbf", 0 },
	{ "\xed\xbf\xbf", 0 },
	{ "\xed\xa0\xbd\xed\xb8\x80", 0 },	/* a CESU-8 pair for U+1F600 */
	/* past U+10FFFF, and bytes that never begin anything */
	{ "\xf4\x90\x80\x80", 0 },
	{ "\xf5\x80\x80\x80", 0 },
	{ "\xf7\xbf\xbf\xbf", 0 },
	{ "\xf8\x88\x80\x80\x80", 0 },		/* the old 5-byte form */
	{ "\xfc\x84\x80\x80\x80\x80", 0 },
	{ "\xfe", 0 },
	{ "\xff", 0 },
	/* truncated sequences */
	{ "\xc3", 0 },
	{ "a\xc3", 0 },
	{ "\xe4\xb8", 0 },
	{ "\xf0\x9f\x98", 0 },
	{ "\xf0\x9f", 0 },
	{ "中\xe4", 0 },
	{ "\xc3" "a", 0 },			/* a lead byte, then not a continuation */
	{ "\xe4\xb8" "a", 0 },
	{ "\xf0\x9f\x98" "a", 0 },
	{ "\xe4\xc3\xa9", 0 },
	/* stray continuation bytes */
	{ "\x80", 0 },
	{ "\xbf", 0 },
	{ "a\x80" "b", 0 },
	{ "\xc3\xa9\xa9", 0 },			/* one too many */
	{ "中\x80", 0 },
	{ "😀\xbf", 0 },
};

static void
test_table(void)
{
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		if (utf8_valid(cases[i].s) != cases[i].ok) {
			CHECK(utf8_valid(cases[i].s) == cases[i].ok);
			fprintf(stderr, "  case %zu\n", i);
		} else
			CHECK(1);
}

/*
 * utf8_valid_n: each case, between ASCII runs of every length up to 17 (so
 * that it falls in and across the eight-byte steps), is taken as the case
 * is; a character cut by n is not; a NUL within n is a character.
 */
static void
test_counted(void)
{
	char b[64];
	size_t i, l, r, n;
	int ok = 1;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		for (l = 0; l <= 17; l++)
			for (r = 0; r <= 17; r++) {
				n = strlen(cases[i].s);
				memset(b, 'x', sizeof(b));
				memcpy(b + l, cases[i].s, n);
				if (utf8_valid_n(b, l + n + r) != cases[i].ok) {
					fprintf(stderr, "  case %zu at %zu, %zu after\n", i, l, r);
					ok = 0;
				}
			}
	CHECK(ok);
	CHECK(utf8_valid_n("abcdefgh\xe4\xb8\xad", 11) == 1);
	CHECK(utf8_valid_n("abcdefgh\xe4\xb8\xad", 10) == 0);
	CHECK(utf8_valid_n("abcdefgh\xe4\xb8\xad", 9) == 0);
	CHECK(utf8_valid_n("\xf0\x9f\x98\x80", 3) == 0);
	CHECK(utf8_valid_n("a\0b", 3) == 1);
	CHECK(utf8_valid_n("", 0) == 1);
}

/* Writes the UTF-8 of code point c into s (NUL-terminated); returns its length. */
static int
encode(unsigned long c, unsigned char *s)
{
	int n;

	if (c < 0x80) {
		s[0] = (unsigned char)c;
		n = 1;
	} else if (c < 0x800) {
		s[0] = (unsigned char)(0xc0 | c >> 6);
		s[1] = (unsigned char)(0x80 | (c & 0x3f));
		n = 2;
	} else if (c < 0x10000) {
		s[0] = (unsigned char)(0xe0 | c >> 12);
		s[1] = (unsigned char)(0x80 | (c >> 6 & 0x3f));
		s[2] = (unsigned char)(0x80 | (c & 0x3f));
		n = 3;
	} else {
		s[0] = (unsigned char)(0xf0 | c >> 18);
		s[1] = (unsigned char)(0x80 | (c >> 12 & 0x3f));
		s[2] = (unsigned char)(0x80 | (c >> 6 & 0x3f));
		s[3] = (unsigned char)(0x80 | (c & 0x3f));
		n = 4;
	}
	s[n] = '\0';
	return n;
}

/*
 * Every code point but the surrogates is taken, and nothing else: among all
 * strings of one, two and three bytes (no NUL), and among every four-byte
 * string of a lead byte and three continuation bytes, exactly as many are
 * taken as there are strings of characters of that length.
 */
static void
test_exhaustive(void)
{
	unsigned char s[8];
	unsigned long c, bad = 0, n1 = 0, n2 = 0, n3 = 0, n4 = 0;
	unsigned a, b, d, e;

	for (c = 1; c <= 0x10ffff; c++) {
		if (c >= 0xd800 && c <= 0xdfff)
			continue;
		encode(c, s);
		if (!utf8_valid((const char *)s))
			bad++;
	}
	CHECK(bad == 0);

	for (a = 1; a < 256; a++) {
		s[0] = (unsigned char)a;
		s[1] = '\0';
		n1 += utf8_valid((const char *)s);
		for (b = 1; b < 256; b++) {
			s[1] = (unsigned char)b;
			s[2] = '\0';
			n2 += utf8_valid((const char *)s);
			for (d = 1; d < 256; d++) {
				s[2] = (unsigned char)d;
				s[3] = '\0';
				n3 += utf8_valid((const char *)s);
			}
		}
	}
	/* 127 ASCII bytes; 1920 two-byte characters (U+0080..07FF) */
	CHECK(n1 == 127);
	CHECK(n2 == 127 * 127 + 1920);
	/* three ASCII, ASCII and a two-byte one either way, or one of 61440 (U+0800..FFFF less 2048 surrogates) */
	CHECK(n3 == 127UL * 127 * 127 + 2 * 127 * 1920 + 61440);

	for (a = 0x80; a < 256; a++)
		for (b = 0x80; b < 0xc0; b++)
			for (d = 0x80; d < 0xc0; d++)
				for (e = 0x80; e < 0xc0; e++) {
					s[0] = (unsigned char)a;
					s[1] = (unsigned char)b;
					s[2] = (unsigned char)d;
					s[3] = (unsigned char)e;
					s[4] = '\0';
					n4 += utf8_valid((const char *)s);
				}
	/* U+10000..10FFFF */
	CHECK(n4 == 0x100000);
}

/* Returns utf8_param of the parameters of a query string (input_form, as app_serve). */
static const char *
bad_param(struct arena *a, const char *query)
{
	struct val *o = val_new(a, V_OBJ);
	const char *err = NULL;

	if (val_parse_form(a, o, query, strlen(query), &err) != 0) {
		CHECK_STR(err, "(a query input_form takes)");
		return "(input_form)";
	}
	return utf8_param(o, NULL);
}

static void
test_param(void)
{
	struct arena *a = arena_new();
	struct val *o, *inner, *arr, *v;

	CHECK(bad_param(a, "") == NULL);
	CHECK(bad_param(a, "a=1&b=%E4%B8%AD&c[]=x&c[]=%C3%A9&d[0][]=1&d[0][]=2") == NULL);
	/* a value names its parameter */
	CHECK_STR(bad_param(a, "a=1&bad=%FF"), "bad");
	CHECK_STR(bad_param(a, "a=1&bad=x%C0%AFy"), "bad");		/* overlong */
	CHECK_STR(bad_param(a, "a=1&bad=%ED%A0%80"), "bad");	/* a surrogate */
	CHECK_STR(bad_param(a, "a=1&bad=%E4%B8"), "bad");		/* truncated */
	/* the first bad one, in the query's order */
	CHECK_STR(bad_param(a, "z=%FF&a=%FE"), "z");
	/* in an array, or an array of arrays: the array's name */
	CHECK_STR(bad_param(a, "status[]=1&status[]=%80"), "status");
	CHECK_STR(bad_param(a, "levels[0][]=1&levels[0][]=2&levels[1][]=%F8"), "levels");
	CHECK_STR(bad_param(a, "keyword=1&keyword=%C3"), "keyword");	/* repeated */
	/* a bad name is not repeated back: "a parameter name" */
	CHECK_STR(bad_param(a, "ok=1&%FF=1"), "a parameter name");
	CHECK_STR(bad_param(a, "x%C3[]=1"), "a parameter name");

	/* JSON bodies can nest objects: a value deep inside is its top-level name's */
	o = val_new(a, V_OBJ);
	inner = val_new(a, V_OBJ);
	arr = val_new(a, V_ARR);
	val_push(a, o, "fine", val_string(a, "中"));
	val_push(a, o, "outer", inner);
	val_push(a, inner, "list", arr);
	val_push(a, arr, NULL, val_new(a, V_NULL));
	v = val_new(a, V_BOOL);
	v->s = "true";
	val_push(a, arr, NULL, v);
	val_push(a, arr, NULL, val_string(a, "ok"));
	CHECK(utf8_param(o, NULL) == NULL);
	val_push(a, arr, NULL, val_string(a, "\xe4"));
	CHECK_STR(utf8_param(o, NULL), "outer");
	/* a bad key inside is "a parameter name" too */
	o = val_new(a, V_OBJ);
	inner = val_new(a, V_OBJ);
	val_push(a, o, "outer", inner);
	val_push(a, inner, "\xc0\xaf", val_string(a, "x"));
	CHECK_STR(utf8_param(o, NULL), "a parameter name");
	/* a number's text is checked as a string's */
	o = val_new(a, V_OBJ);
	v = val_new(a, V_NUM);
	v->s = "1\xff";
	val_push(a, o, "n", v);
	CHECK_STR(utf8_param(o, NULL), "n");
	/* an array at the top: "a parameter" */
	arr = val_new(a, V_ARR);
	val_push(a, arr, NULL, val_string(a, "ok"));
	CHECK(utf8_param(arr, NULL) == NULL);
	val_push(a, arr, NULL, val_string(a, "\xff"));
	CHECK_STR(utf8_param(arr, NULL), "a parameter");
	/* a value with the name given */
	CHECK_STR(utf8_param(val_string(a, "\xff"), "given"), "given");
	CHECK(utf8_param(val_string(a, "ok"), "given") == NULL);
	arena_free(a);
}

int
main(void)
{
	TEST(test_table);
	TEST(test_counted);
	TEST(test_exhaustive);
	TEST(test_param);
	return ctest_done("test_utf8");
}
