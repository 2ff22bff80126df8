/*
 * fuzz_import.c: the JSON Lines reader of `callreport import` (cli/import.c,
 * included whole for its static functions). stage_file is the whole of the
 * import that needs no database: it splits the file into lines (CR LF, a
 * byte order mark, blank lines), parses each line with json-c and checks
 * it against its kind's field table (types, ranges, UUIDs, times, NUL
 * characters, arrays), and writes the staging rows of COPY's text format.
 * The database is stood in for by PQputCopyData below, which takes those
 * rows and checks their shape: one line a row, the 35 columns of
 * import_stage (kind, line, id, v1..v32) and no raw CR, tab or LF inside a
 * value, so no value can add a row or shift a column. What follows in the
 * database (references, ownership, the moves into the tables) is SQL over
 * those rows, not parsing, and is not fuzzed.
 */
#include "fuzz.h"
#include "input/utf8.h"
#include "cli/import.c"

/* The COPY rows of one input. */
static struct buf copied;

int
PQputCopyData(PGconn *conn, const char *buffer, int nbytes)
{
	(void)conn;
	FUZZ_CHECK(nbytes > 0);
	buf_put(&copied, buffer, (size_t)nbytes);
	return 1;
}

/* Checks the COPY rows; returns how many there are. */
static long long
check_rows(const char *p, size_t len)
{
	const char *end, *nl, *f;
	long long rows = 0;
	size_t tabs, klen;

	if (len == 0)
		return 0;
	end = p + len;
	FUZZ_CHECK(end[-1] == '\n');
	for (; p < end; p = nl + 1) {
		nl = memchr(p, '\n', (size_t)(end - p));
		FUZZ_CHECK(nl != NULL);
		FUZZ_CHECK(memchr(p, '\r', (size_t)(nl - p)) == NULL);
		FUZZ_CHECK(memchr(p, '\0', (size_t)(nl - p)) == NULL);
		/* UTF-8 (the file's was checked; COPY would refuse anything else). */
		{
			char *row = strndup(p, (size_t)(nl - p));

			FUZZ_CHECK(row != NULL && utf8_valid(row));
			free(row);
		}
		for (tabs = 0, f = p; f < nl; f++)
			tabs += *f == '\t';
		FUZZ_CHECK(tabs == NSLOTS + 2);
		/* A kind, a line number, a key that is not null. */
		klen = strcspn(p, "\t");
		FUZZ_CHECK(kind_by_name(p, klen) != NULL);
		f = p + klen + 1;
		FUZZ_CHECK(*f >= '1' && *f <= '9');
		f += strspn(f, "0123456789");
		FUZZ_CHECK(*f == '\t' && f[1] != '\t' && strncmp(f + 1, "\\N\t", 3) != 0);
		/* The key: a UUID in lower case, or an integer. */
		f++;
		klen = strcspn(f, "\t");
		if (klen == 36)
			FUZZ_CHECK(strspn(f, "0123456789abcdef-") == 36);
		else
			FUZZ_CHECK(klen >= 1 && strspn(f + (*f == '-'), "0123456789") ==
			    klen - (*f == '-'));
		rows++;
	}
	return rows;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct imp im;
	json_tokener *tok;
	FILE *in;
	char *errtext = NULL;
	size_t errlen = 0, i;
	long long sum = 0;
	int rc;

	if (size == 0)
		return 0;
	if ((in = fmemopen((void *)data, size, "r")) == NULL)
		abort();
	tok = json_tokener_new();
	/* The flags of import_files (cli/import.c). */
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT);
	memset(&im, 0, sizeof(im));
	im.path = "f.jsonl";
	im.err = open_memstream(&errtext, &errlen);
	buf_reset(&copied);

	rc = stage_file(&im, in, tok);
	fclose(im.err);

	FUZZ_CHECK(rc == 0 || rc == -1);
	if (rc == 0) {
		/* Every line staged went to the database, and nothing else. */
		FUZZ_CHECK(errlen == 0);
		FUZZ_CHECK(im.copy.len == 0);
		FUZZ_CHECK(check_rows(copied.p, copied.len) == im.lines);
		for (i = 0; i < NKINDS; i++)
			sum += im.counts[i];
		FUZZ_CHECK(sum == im.lines);
	} else {
		/* One message naming the file: "f.jsonl:LINE: ..." or "f.jsonl: ...". */
		FUZZ_CHECK(errlen > 0 && strncmp(errtext, "f.jsonl:", 8) == 0);
		FUZZ_CHECK(errtext[errlen - 1] == '\n' &&
		    memchr(errtext, '\n', errlen) == errtext + errlen - 1);
		check_rows(copied.p, copied.len);
	}
	free(errtext);
	fclose(in);
	json_tokener_free(tok);
	buf_free(&im.copy);
	buf_free(&im.sql);
	buf_free(&im.msg);
	return 0;
}
