/* log.c: one line to stderr per event, with control bytes neutralized. */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "base/buf.h"
#include "base/log.h"
#include "base/mask.h"

void
log_line(const char *reqid, const char *fmt, ...)
{
	struct buf raw = {0}, masked = {0};
	va_list ap;
	char ts[32];
	time_t now = time(NULL);
	struct tm tm;
	size_t i;

	va_start(ap, fmt);
	buf_vprintf(&raw, fmt, ap);
	va_end(ap);
	if (raw.p == NULL)
		return;
	for (i = 0; i < raw.len; i++)
		if ((unsigned char)raw.p[i] < 0x20 || raw.p[i] == 0x7f)
			raw.p[i] = ' ';
	/* An API token or session id (crt_..., crs_...) keeps only its kind. */
	for (i = 0; i + 4 < raw.len; i++)
		if (strncmp(raw.p + i, "crt_", 4) == 0 ||
		    strncmp(raw.p + i, "crs_", 4) == 0) {
			size_t j = i + 4;

			while (j < raw.len && isalnum((unsigned char)raw.p[j]))
				j++;
			if (j - i - 4 >= 4) {
				memcpy(raw.p + i + 4, "****", 4);
				memmove(raw.p + i + 8, raw.p + j, raw.len - j + 1);
				raw.len -= j - i - 8;
				i += 7;
			}
		}
	mask_digits(&masked, raw.p);
	gmtime_r(&now, &tm);
	strftime(ts, sizeof(ts), "%Y-%m-%dT%H:%M:%SZ", &tm);
	fprintf(stderr, "%s callreport[%s]: %s\n", ts,
	    reqid ? reqid : "-", masked.p ? masked.p : "");
	fflush(stderr);
	buf_free(&raw);
	buf_free(&masked);
}
