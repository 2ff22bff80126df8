/*
 * render.h: the renderers, one a format, chosen from one table indexed by
 * enum fmt (input/req.h). A renderer only renders: (report definition, its
 * rows, the request's options) -> bytes (req->body_out) or a file
 * (req->file); the engine (report/report.c) has run every statement first.
 *
 * A new format: one renderer file (report and error functions), one enum
 * fmt value, one row in renderers[] (render.c).
 */
#ifndef CR_RENDER_H
#define CR_RENDER_H

#include "report/def.h"

struct renderer {
	const char	*name;		/* its format= value */
	/* A file of the whole selection (the engine's cursor, run->src), not a page. */
	bool		 whole;
	/* It shows the task's summary (run->task, status_counts, level_counts). */
	bool		 summary;
	/* It shows the report's parts (struct part, run->parts): the engine runs them. */
	bool		 parts;
	/* Renders a run's rows into the answer: 0, a status set, or RENDER_ROWS_FAILED. */
	int		(*report)(struct req *, struct run *);
	/* Makes the body of the error recorded by req_error. */
	void		(*error)(struct req *);
	/*
	 * A whole selection's file: the bytes of tmp_dir it takes at its peak
	 * for rows rows of a report (an estimate), checked before it is built.
	 */
	unsigned long long (*space)(const struct report *, long rows);
};

extern const struct renderer renderers[FMT__MAX];

/* Returns the formats' names, "json, html, xlsx, csv" (in the arena). */
const char	*render_names(struct arena *);
/* Returns the format named name (format=), or FMT__MAX. */
enum fmt	 render_format(const char *name);
/* Renders run in req->fmt; returns what the renderer's report function returns. */
int		 render_report(struct req *, struct run *);
/* Makes the body of a recorded error (req->err_msg) in req->fmt, once. */
void		 render_error(struct req *);

#endif
