/* overview.c: the task overview's parts, shared by the page and the importer. */
#include <stdint.h>
#include <stdio.h>

#include "base/buf.h"
#include "base/json.h"
#include "report/overview.h"
#include "sqltext.h"

const struct overview_part overview_parts[] = {
	{ "TASK", sql_overview_task },		/* the headline: one row, not a chart */
	{ "STATUS", sql_overview_status },
	{ "LEVEL", sql_overview_levels },
	{ "TAG", sql_overview_tags },
	{ "TAG_GROUP", sql_overview_tag_groups },
	{ "BILL", sql_overview_bills },
	{ "ROUND", sql_overview_rounds },
	{ "OPERATOR", sql_overview_operators },
	{ "PROVINCE", sql_overview_provinces },
	{ "HOUR", sql_overview_hours },
	{ "HANGUP", sql_overview_hangup },
	{ "TREND", sql_overview_trend },
	{ "CAUSE", sql_overview_causes },
};
const size_t overview_nparts = sizeof(overview_parts) / sizeof(overview_parts[0]);

void
overview_digest(const struct overview_part *pt, char out[OVERVIEW_DIGEST])
{
	uint32_t h = 2166136261u;
	const unsigned char *s;

	for (s = (const unsigned char *)pt->sql; *s != '\0'; s++)
		h = (h ^ *s) * 16777619u;
	snprintf(out, OVERVIEW_DIGEST, "%08x", (unsigned)h);
}

void
overview_result_json(struct buf *out, const struct overview_part *pt,
    const PGresult *res)
{
	char digest[OVERVIEW_DIGEST];
	struct json j;
	int i, c;

	overview_digest(pt, digest);
	json_init(&j, out);
	json_obj_open(&j);
	json_key(&j, "sql");
	json_str(&j, digest);
	json_key(&j, "names");
	json_arr_open(&j);
	for (c = 0; c < PQnfields(res); c++)
		json_str(&j, PQfname(res, c));
	json_arr_close(&j);
	json_key(&j, "rows");
	json_arr_open(&j);
	for (i = 0; i < PQntuples(res); i++) {
		json_arr_open(&j);
		for (c = 0; c < PQnfields(res); c++)
			json_str(&j, PQgetisnull(res, i, c) ? NULL :
			    PQgetvalue(res, i, c));
		json_arr_close(&j);
	}
	json_arr_close(&j);
	json_obj_close(&j);
}
