/* test_import.c: the importer's validators, field tables and staging rows (no database). */
#include <stdlib.h>

#include "ctest.h"
#include "cli/import.c"

static void
test_uuid(void)
{
	static const char *const good[] = {
		"840a4346-d0ac-4800-9c73-3d06275a9158",
		"F7EBA8DD-3721-4E15-B197-6B0C16639EEC",
		"00000000-0000-0000-0000-000000000000",
	};
	static const char *const bad[] = {
		"", "b1e91cb9-597cc-a5d25c339a99", "840a4346d0ac48009c733d06275a9158",
		"{840a4346-d0ac-4800-9c73-3d06275a9158}", "840a4346-d0ac-4800-9c73-3d06275a915g",
		"840a4346-d0ac-4800-9c73-3d06275a91580", "840a4346-d0ac-4800-9c73_3d06275a9158",
	};
	size_t i;

	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		CHECK(valid_uuid(good[i]));
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		CHECK(!valid_uuid(bad[i]));
}

static void
test_time(void)
{
	static const char *const good[] = {
		"2019-05-08 19:02:58", "2020-02-29 00:00:00", "2000-02-29 23:59:59",
		"2019-05-08T19:02:58Z", "2019-05-08T19:02:58+08:00", "2019-05-08T19:02:58-0530",
		"2019-05-08T19:02:58+08", "2019-05-08 19:02:58.123456+08:00", "2019-05-08T19:02:58",
	};
	static const char *const bad[] = {
		"", "2019-05-08", "2019-05-08 19:02", "2019-02-29 10:00:00", "1900-02-29 10:00:00",
		"2019-13-01 00:00:00", "2019-00-01 00:00:00", "2019-04-31 00:00:00",
		"2019-05-08 24:00:00", "2019-05-08 19:60:00", "2019-05-08 19:02:60",
		"2019-05-08  19:02:58", "2019-05-08 19:02:58 ", "2019-05-08T19:02:58+8:00",
		"2019-05-08T19:02:58+08:0", "2019-05-08T19:02:58Zx", "0000-01-01 00:00:00",
		"2019/05/08 19:02:58", "2019-05-08 19:02:58.", "19-05-08 19:02:58",
		"2019-05-08T19:02:58+16:00", "now",
	};
	size_t i;

	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		ctest_name = good[i];
		CHECK(valid_timestamp(good[i], strlen(good[i])));
	}
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		ctest_name = bad[i];
		CHECK(!valid_timestamp(bad[i], strlen(bad[i])));
	}
	/* The import takes any year; a filter (valid_time) starts at 1970. */
	ctest_name = "years";
	CHECK(valid_timestamp("0001-01-01 00:00:00", 19));
	CHECK(valid_timestamp("1969-12-31 23:59:59", 19));
	CHECK(!valid_time("1969-12-31 23:59:59"));
	CHECK(valid_time("1970-01-01T00:00:00"));
	/* n bytes are read, not up to a NUL. */
	CHECK(!valid_timestamp("2019-05-08 19:02:58\0Z", 21));
	CHECK(valid_timestamp("2019-05-08 19:02:58Zx", 20));
}

static void
test_copy_escape(void)
{
	struct buf b = { 0 };
	const char in[] = "a\\b\tc\nd\re\"f中";

	copy_escape(&b, in, sizeof(in) - 1);
	CHECK_STR(b.p, "a\\\\b\\tc\\nd\\re\"f中");
	buf_reset(&b);
	copy_escape(&b, "", 0);
	CHECK(b.len == 0);
	buf_free(&b);
}

/* Every table entry names things that exist, with matching types. */
static void
test_tables(void)
{
	size_t i, j;

	for (i = 0; i < NKINDS; i++) {
		const struct kind *k = &kinds[i];

		ctest_name = k->name;
		CHECK(k->nfields <= NSLOTS + 1);
		CHECK(k->fields[0].flags & IMP_REQ);
		CHECK(k->fields[0].type == IT_INT || k->fields[0].type == IT_UUID);
		CHECK(kind_by_name(k->name, strlen(k->name)) == k);
		for (j = 0; j < k->nfields; j++) {
			const struct imp_field *f = &k->fields[j];

			CHECK(field_by_name(k, f->name) == f);
			CHECK(f->type != IT_INT || f->lo < f->hi);
			CHECK(((f->flags & IMP_LINK) != 0) == (f->type == IT_UUID_ARRAY));
			CHECK(!(f->flags & IMP_ZERO) || f->type == IT_INT);
		}
	}
	for (i = 0; i < sizeof(refs) / sizeof(refs[0]); i++) {
		const struct ref *r = &refs[i];
		const struct kind *src = kind_by_name(r->kind, strlen(r->kind));
		const struct kind *dst = kind_by_name(r->target, strlen(r->target));
		const struct imp_field *f = src ? field_by_name(src, r->field) : NULL;

		ctest_name = r->field;
		CHECK(src && dst && f);
		if (!src || !dst || !f)
			continue;
		CHECK(strcmp(dst->table, r->table) == 0);
		CHECK(strcmp(dst->fields[0].name, r->column) == 0);
		if (r->flags & REF_ARRAY)
			CHECK(f->type == IT_UUID_ARRAY && dst->fields[0].type == IT_UUID);
		else
			CHECK(f->type == dst->fields[0].type);
		/* A kind is inserted after the kinds it names (regions name regions). */
		CHECK(dst <= src);
	}
	for (i = 0; i < sizeof(links) / sizeof(links[0]); i++) {
		const struct kind *k = kind_by_name(links[i].kind, strlen(links[i].kind));
		const struct imp_field *f = k ? field_by_name(k, links[i].field) : NULL;

		ctest_name = links[i].table;
		CHECK(f && (f->flags & IMP_LINK));
	}
}

/* Runs stage_file over text; returns what it printed to err (caller frees) and sets *rc. */
static char *
stage_text(struct imp *im, const char *text, int *rc)
{
	json_tokener *tok = json_tokener_new();
	FILE *in = fmemopen((void *)text, strlen(text), "r");
	char *errtext = NULL;
	size_t errlen = 0;

	json_tokener_set_flags(tok, JSON_TOKENER_STRICT | JSON_TOKENER_VALIDATE_UTF8);
	im->err = open_memstream(&errtext, &errlen);
	im->path = "f.jsonl";
	memset(im->counts, 0, sizeof(im->counts));
	memset(im->unsorted, 0, sizeof(im->unsorted));
	im->lines = 0;
	buf_reset(&im->copy);
	*rc = stage_file(im, in, tok);
	fclose(im->err);
	fclose(in);
	json_tokener_free(tok);
	return errtext;
}

/* Checks that text fails with exactly the message want. */
static void
check_error(const char *text, const char *want)
{
	struct imp im;
	char *got;
	int rc;

	memset(&im, 0, sizeof(im));
	got = stage_text(&im, text, &rc);
	CHECK(rc == -1);
	CHECK_STR(got, want);
	free(got);
	buf_free(&im.copy);
	buf_free(&im.msg);
}

static void
test_errors(void)
{
	check_error("\n{\"kind\":\"region\",\"id\":1,\"city\":\"x\"}\n{\"kind\":\"region\",\"id\":2\n",
	            "f.jsonl:3: not JSON: unexpected end of line\n");
	check_error("{\"kind\":\"region\",\"id\":1,\"city\":\"x\"} x\n",
	            "f.jsonl:1: not JSON: unexpected character\n");
	check_error("[1]\n", "f.jsonl:1: not a JSON object but an array\n");
	check_error("{\"id\":1}\n", "f.jsonl:1: field kind: missing\n");
	check_error("{\"kind\":7}\n", "f.jsonl:1: field kind: expected a string, got an integer\n");
	check_error("{\"kind\":\"crm\"}\n", "f.jsonl:1: field kind: unknown kind \"crm\"\n");
	check_error("{\"kind\":\"region\",\"id\":\"1\",\"city\":\"x\"}\n",
	            "f.jsonl:1: field id: expected an integer, got a string\n");
	check_error("{\"kind\":\"region\",\"id\":1.5,\"city\":\"x\"}\n",
	            "f.jsonl:1: field id: expected an integer, got a fractional number\n");
	check_error("{\"kind\":\"region\",\"id\":1}\n", "f.jsonl:1: field city: missing\n");
	check_error("{\"kind\":\"region\",\"id\":1,\"city\":null}\n",
	            "f.jsonl:1: field city: must not be null\n");
	check_error("{\"kind\":\"region\",\"id\":1,\"city\":\"a\\u0000b\"}\n",
	            "f.jsonl:1: field city: contains a NUL character\n");
	check_error("{\"kind\":\"region\",\"id\":3000000000,\"city\":\"x\"}\n",
	            "f.jsonl:1: field id: 3000000000 is out of range -2147483648..2147483647\n");
	check_error("{\"kind\":\"group\",\"id\":99999999999999999999,\"name\":\"x\"}\n",
	            "f.jsonl:1: field id: 18446744073709551615 is out of range "
	            "-9223372036854775807..9223372036854775806\n");
	check_error("{\"kind\":\"number\",\"id\":1,\"task_id\":\"840a4346-d0ac-4800-9c73-3d06275a9158\","
	            "\"number\":\"1\",\"status\":13}\n",
	            "f.jsonl:1: field status: 13 is out of range 0..12\n");
	check_error("{\"kind\":\"number\",\"id\":1,\"task_id\":\"840a4346\",\"number\":\"1\",\"status\":1}\n",
	            "f.jsonl:1: field task_id: not a UUID: \"840a4346\"\n");
	/* valid_uuid reads to the first NUL: what follows one must not pass. */
	check_error("{\"kind\":\"number\",\"id\":1,\"task_id\":"
	            "\"840a4346-d0ac-4800-9c73-3d06275a9158\\u0000x\",\"number\":\"1\",\"status\":1}\n",
	            "f.jsonl:1: field task_id: not a UUID: \"840a4346-d0ac-4800-9c73-3d06275a9158?x\"\n");
	check_error("{\"kind\":\"tag\",\"id\":\"ee109a20-6b98-4463-94fe-ea730e2188c7\",\"name\":\"x\","
	            "\"tag_group_ids\":[\"fbe408c5-f77f-49cd-9bd1-85ca0b434bcc\\u0000\"]}\n",
	            "f.jsonl:1: field tag_group_ids[0]: not a UUID: "
	            "\"fbe408c5-f77f-49cd-9bd1-85ca0b434bcc?\"\n");
	check_error("{\"kind\":\"number\",\"id\":1,\"task_id\":\"840a4346-d0ac-4800-9c73-3d06275a9158\","
	            "\"number\":\"1\",\"status\":1,\"is_blacklist\":0}\n",
	            "f.jsonl:1: field is_blacklist: expected a boolean, got an integer\n");
	check_error("{\"kind\":\"number\",\"id\":1,\"task_id\":\"840a4346-d0ac-4800-9c73-3d06275a9158\","
	            "\"number\":\"1\",\"status\":1,\"calldate\":\"2019-5-8 1:2:3\"}\n",
	            "f.jsonl:1: field calldate: not a time (YYYY-MM-DD HH:MM:SS or ISO 8601): "
	            "\"2019-5-8 1:2:3\"\n");
	check_error("{\"kind\":\"tag\",\"id\":\"ee109a20-6b98-4463-94fe-ea730e2188c7\",\"name\":\"x\","
	            "\"tag_group_ids\":[\"fbe408c5-f77f-49cd-9bd1-85ca0b434bcc\",1]}\n",
	            "f.jsonl:1: field tag_group_ids[1]: expected a UUID string, got an integer\n");
	check_error("{\"kind\":\"tag\",\"id\":\"ee109a20-6b98-4463-94fe-ea730e2188c7\",\"name\":\"x\"}\n",
	            "f.jsonl:1: field tag_group_ids: missing\n");
	check_error("{\"kind\":\"record_detail\",\"id\":\"ee109a20-6b98-4463-94fe-ea730e2188c7\","
	            "\"record_id\":\"ee109a20-6b98-4463-94fe-ea730e2188c7\",\"sequence\":1,"
	            "\"notify\":\"enter\",\"volume_gain\":NaN}\n",
	            "f.jsonl:1: field volume_gain: not a finite number\n");
	check_error("{\"kind\":\"record_detail\",\"id\":\"ee109a20-6b98-4463-94fe-ea730e2188c7\","
	            "\"record_id\":\"ee109a20-6b98-4463-94fe-ea730e2188c7\",\"sequence\":1,"
	            "\"notify\":\"enter\",\"contents\":{}}\n",
	            "f.jsonl:1: field contents: expected an array, got an object\n");
	check_error("{\"kind\":\"record_detail\",\"id\":\"ee109a20-6b98-4463-94fe-ea730e2188c7\","
	            "\"record_id\":\"ee109a20-6b98-4463-94fe-ea730e2188c7\",\"sequence\":1,"
	            "\"notify\":\"enter\",\"contents\":[{\"t\":\"\\u0000\"}]}\n",
	            "f.jsonl:1: field contents: contains a NUL character\n");
	check_error("{\"kind\":\"region\",\"id\":1,\"city\":\"\xff\"}\n",
	            "f.jsonl:1: not JSON: invalid utf-8 string\n");
	/* What json-c takes but PostgreSQL refuses: overlong, surrogate, past U+10FFFF. */
	check_error("{\"kind\":\"region\",\"id\":1,\"city\":\"\xe0\x98\xaf\"}\n",
	            "f.jsonl:1: not JSON: invalid utf-8 string\n");
	check_error("\n{\"kind\":\"region\",\"id\":1,\"city\":\"x\",\"\xed\xa0\x80\":1}\n",
	            "f.jsonl:2: not JSON: invalid utf-8 string\n");
	check_error("{\"kind\":\"region\",\"id\":1,\"city\":\"\xf4\x90\x80\x80\"}\n",
	            "f.jsonl:1: not JSON: invalid utf-8 string\n");
}

/* Stages one valid line; returns its COPY row. */
static void
check_row(const char *line, const char *want)
{
	struct imp im;
	json_tokener *tok = json_tokener_new();
	struct json_object *obj = json_tokener_parse_ex(tok, line, (int)strlen(line));
	char *errtext = NULL;
	size_t errlen = 0;

	memset(&im, 0, sizeof(im));
	im.err = open_memstream(&errtext, &errlen);
	im.path = "f.jsonl";
	CHECK(obj != NULL);
	CHECK(obj && stage_object(&im, 7, obj) == 0);
	fclose(im.err);
	CHECK_STR(errtext, "");
	CHECK_STR(im.copy.p, want);
	free(errtext);
	json_object_put(obj);
	json_tokener_free(tok);
	buf_free(&im.copy);
	buf_free(&im.msg);
}

/* "\t\\N" n times. */
static const char *
nulls(int n)
{
	static char buf[4 * NSLOTS + 1];
	int i;

	buf[0] = '\0';
	for (i = 0; i < n; i++)
		strcat(buf, "\t\\N");
	return buf;
}

static void
test_rows(void)
{
	char want[1024];

	snprintf(want, sizeof(want), "region\t7\t12\t南京\t3\t025\\t\\\\x\\n%s\n", nulls(NSLOTS - 3));
	check_row("{\"kind\":\"region\",\"id\":12,\"city\":\"南京\",\"pid\":3,\"area_code\":\"025\\t\\\\x\\n\","
	          "\"user_id\":\"x\",\"extra\":{\"a\":[1]}}", want);
	snprintf(want, sizeof(want), "tag\t7\tee109a20-6b98-4463-94fe-ea730e2188c7\tx"
	         "\t{f7eba8dd-3721-4e15-b197-6b0c16639eec,fbe408c5-f77f-49cd-9bd1-85ca0b434bcc}"
	         "\t\\N\t\\N\tf\t2020-01-16T11:07:13+08:00%s\n", nulls(NSLOTS - 6));
	check_row("{\"kind\":\"tag\",\"id\":\"EE109A20-6B98-4463-94FE-EA730E2188C7\",\"name\":\"x\","
	          "\"tag_group_ids\":[\"F7EBA8DD-3721-4E15-B197-6B0C16639EEC\","
	          "\"fbe408c5-f77f-49cd-9bd1-85ca0b434bcc\"],\"description\":null,\"status\":false,"
	          "\"created_at\":\"2020-01-16T11:07:13+08:00\"}", want);
	snprintf(want, sizeof(want), "tag\t7\tee109a20-6b98-4463-94fe-ea730e2188c7\tx\t{}%s\n",
	         nulls(NSLOTS - 2));
	check_row("{\"kind\":\"tag\",\"id\":\"ee109a20-6b98-4463-94fe-ea730e2188c7\",\"name\":\"x\","
	          "\"tag_group_ids\":[]}", want);
}

static void
test_order(void)
{
	struct imp im;
	char *e;
	int rc;

	memset(&im, 0, sizeof(im));
	/* stage_file stops at the final flush (no connection): the order is noted by then. */
	e = stage_text(&im, "{\"kind\":\"region\",\"id\":2,\"city\":\"x\"}\n"
	               "{\"kind\":\"region\",\"id\":10,\"city\":\"x\"}\n"
	               "{\"kind\":\"group\",\"id\":10,\"name\":\"x\"}\n"
	               "{\"kind\":\"group\",\"id\":9,\"name\":\"x\"}\n", &rc);
	CHECK(rc == -1);
	CHECK(im.counts[0] == 2 && !im.unsorted[0]);
	CHECK(im.counts[5] == 2 && im.unsorted[5]);
	CHECK(im.lines == 4);
	free(e);
	buf_free(&im.copy);
	buf_free(&im.msg);
}

int
main(void)
{
	TEST(test_uuid);
	TEST(test_time);
	TEST(test_copy_escape);
	TEST(test_tables);
	TEST(test_errors);
	TEST(test_rows);
	TEST(test_order);
	return ctest_done("test_import");
}
