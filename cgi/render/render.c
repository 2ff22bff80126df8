/* render.c: the table of renderers, indexed by format. */
#include <string.h>

#include "base/arena.h"

#include "render/csv.h"
#include "render/envelope.h"
#include "render/html.h"
#include "render/render.h"
#include "render/xlsx.h"

const struct renderer renderers[FMT__MAX] = {
	/* (space: NULL, an answer in memory needs no room in tmp_dir) */
	[FMT_JSON] = { "json", false, false, true, envelope_report, envelope_error,
	    NULL },
	[FMT_HTML] = { "html", false, false, true, html_report, html_error, NULL },
	/*
	 * A file that cannot be made answers in the JSON envelope, or as a
	 * page when a page's link asked for it (render_error). A CSV file is
	 * one table: the rows without the parts.
	 */
	[FMT_XLSX] = { "xlsx", true, true, true, xlsx_report, envelope_error,
	    xlsx_space },
	[FMT_CSV] = { "csv", true, false, false, csv_report, envelope_error,
	    csv_space },
};

const char *
render_names(struct arena *a)
{
	const char *s = "";
	int f;

	for (f = 0; f < FMT__MAX; f++)
		s = arena_printf(a, "%s%s%s", s, f ? ", " : "", renderers[f].name);
	return s;
}

enum fmt
render_format(const char *name)
{
	int f;

	for (f = 0; f < FMT__MAX; f++)
		if (strcmp(renderers[f].name, name) == 0)
			return (enum fmt)f;
	return FMT__MAX;
}

int
render_report(struct req *req, struct run *run)
{
	return renderers[req->fmt].report(req, run);
}

void
render_error(struct req *req)
{
	if (req->err_msg == NULL || req->body_out.len > 0 || req->ctype != NULL)
		return;
	/* A browser following a page's XLSX or CSV link gets a page. */
	if (renderers[req->fmt].whole && req->page_route && !req->capture)
		html_error(req);
	else
		renderers[req->fmt].error(req);
}
