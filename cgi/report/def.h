/*
 * def.h: what a report is (its fields, statements, columns and views) and
 * what running one gives (struct run): the contract between the report
 * table (reports.c), the engine (report.c) and the renderers (render/).
 * Types only: the one header of the project with no file of its name.
 */
#ifndef CR_DEF_H
#define CR_DEF_H

#include <stdbool.h>
#include <stddef.h>

#include <libpq-fe.h>

#include "input/req.h"
#include "input/valid.h"

enum ctype {
	CT_TEXT,	/* string */
	CT_CODE,	/* string that must stay text in XLSX: phone numbers, ids */
	CT_ID,		/* integer id: a JSON number, but text in XLSX (no 1.86E+15) */
	CT_INT,		/* integer */
	CT_NUM,		/* decimal */
	CT_MS,		/* milliseconds (integer); XLSX: one time value, [m]:ss */
	CT_BOOL,	/* t/f -> true/false, 是/否 */
	CT_TIME,	/* "YYYY-MM-DD HH:MM:SS" text made by SQL in the deployment zone */
	CT_JSON,	/* JSON text made by SQL (nested objects and arrays) */
	CT__MAX
};

/* Which views show a column. */
#define VJ	0x01	/* JSON */
#define VH	0x02	/* HTML */
#define VX	0x04	/* XLSX */
#define VALL	(VJ | VH | VX)
#define OMIT_NULL 0x10	/* JSON: leave the key out when the value is NULL */
#define XPCT	0x20	/* XLSX: a percentage (45.5 = 45.5%), a fraction in a percent format */
#define XSUM	0x40	/* XLSX: the summary counts the selection's rows by its values */
#define XSEC	0x80	/* XLSX: seconds (a decimal), a time value in [m]:ss */

struct column {
	const char	*key;	/* SQL column name = JSON key = template variable */
	const char	*label;	/* Chinese header for HTML and XLSX */
	enum ctype	 type;
	unsigned	 views;
	unsigned	 width;	/* XLSX column width, 0 = from the type */
};

enum envelope {
	ENV_PAGE,	/* {"code","status","message","data":{"data":[],"total","last_page"}} */
	ENV_PAGE_BARE,	/* {"data":[],"total","last_page"} */
	ENV_OBJECT,	/* {"code","status","message","data":{row}} */
	ENV_LIST,	/* {"code","status","message","data":[rows]} */
	ENV_RAW,	/* the single JSON column of the single row is the body */
	ENV__MAX
};


struct run;
struct tpl_dict;

/*
 * Fills what a report's page shows besides its rows; returns 0 or the HTTP
 * status of the error it set. It runs no statement (the request's
 * transaction has ended): what it needs from the database is the page
 * statement's result, run->extra (see page_sql), and its parts' rows,
 * run->parts (struct part).
 */
typedef int (*html_fn)(struct req *, struct run *, struct tpl_dict *);

/* An order a page may ask for: sort=code&dir=asc|desc (an index serves each). */
struct sort {
	const char	*code;
	const char	*asc;		/* the ORDER BY clause, ascending */
	const char	*desc;		/* and descending (the default) */
};

/*
 * A part of a report: a statement of its own beside the rows (the start
 * page's trend by day), run in the same round trip as the rows in each
 * format that shows parts (struct renderer's parts), with $1 the tenant
 * and then the values of the fields params names, in that order. Its rows
 * are run->parts[k] (k its place in the report's parts), and every view
 * shows them from this table: JSON as the member key beside "data" (its VJ
 * columns, as the rows'), XLSX as the sheet sheet (its VX columns) with a
 * native line chart of the columns lines over the column category, HTML
 * as the report's hook draws them (r->html). CSV is one table: the rows.
 */
struct part {
	const char		*key;		/* the JSON member */
	const char		*sql;
	const char *const	*params;	/* fields after the tenant, NULL-terminated */
	const struct column	*cols;
	size_t			 ncols;
	const char		*sheet;		/* XLSX sheet name */
	const char		*category;	/* the chart's x axis: a VX column's key */
	const char *const	*lines;		/* its lines: VX columns' keys, NULL-terminated */
	const char		*title;		/* the chart's title */
};

#define REPORT_PARTS	2	/* parts a report has at most (struct run's parts) */

/*
 * SQL parameters: $1 is the tenant id, then one per field without F_NOSQL in
 * declared order; paged reports add LIMIT and OFFSET as the last two.
 * count_sql (paged reports) returns one row with the total, or no row when
 * the scope (the task) is not the caller's: then the answer is 404.
 */
struct report {
	const char		*name;		/* file stem of the SQL and template */
	const char		*title;		/* Chinese page and sheet title */
	const char		*message;	/* the envelope's message */
	enum envelope		 env;
	const struct field	*fields;
	size_t			 nfields;
	const char		*sql;
	/*
	 * A paged report's statement for a page that skips rows (page 2 on):
	 * the same rows in the same order as sql, with the same parameters,
	 * the page's keys chosen first by an index-only scan and only its
	 * rows read. NULL: sql serves every page. A whole selection (a file)
	 * always reads sql.
	 */
	const char		*deep_sql;
	const char		*count_sql;
	/*
	 * count_sql takes the page's LIMIT and OFFSET too, as the last two
	 * parameters (LIMIT NULL: a file's whole selection), and may stop
	 * counting past the page: a boolean column "capped" before the total
	 * says the total is a bound, and there are more (run->total_capped).
	 */
	bool			 count_paged;
	const struct column	*cols;
	size_t			 ncols;
	const char		*tpl;		/* ctemplate file */
	const char		*sheet;		/* XLSX sheet name */
	const char		*file;		/* download file name stem */
	/*
	 * The workbook's columns in the order a person reads them (keys of
	 * VX columns, NULL-terminated); the VX columns not named (internal
	 * ids and codes) follow, in a collapsed outline group. JSON keeps the
	 * column table's order (the contract's). NULL: the table's order.
	 */
	const char *const	*xlsx_cols;
	/*
	 * When nonzero (an enum report_id + 1), HTML and XLSX of this report are
	 * that report's, with the same parameters: record_info's JSON is one
	 * document, its page and workbook are the transcript's rows.
	 */
	int			 alt;
	/*
	 * When nonzero (a report_id + 1), HTML and XLSX with the flag field
	 * variant_field at 1 are that report's, which takes the same fields:
	 * v1/task/number?attempts=1 gives one row per call attempt.
	 */
	int			 variant;
	const char		*variant_field;
	/*
	 * Its HTML and JSON are kept until the tenant's data changes
	 * (report/pagecache.h): a report of aggregates only, no person's data.
	 */
	bool			 cached;
	/*
	 * A list of one thing's parts (a call's transcript): no row means
	 * the thing is not the caller's, and the answer is 404 in every
	 * format, as for ENV_OBJECT and ENV_RAW.
	 */
	bool			 scoped;
	/* The GET page of a POST report (":task_id" filled in): HTML links go there. */
	const char		*page_path;
	/* The page's extras besides its rows (render/hook.c); NULL: none. */
	html_fn			 html;
	/*
	 * The page's own statement ($1 the tenant, $2 the value of the
	 * field page_key), run in the same round trip as the rows; its
	 * result is run->extra for html. NULL: none.
	 */
	const char		*page_sql;
	const char		*page_key;
	/*
	 * Orders a page may ask for besides the contract's (sort= and dir=,
	 * F_NOSQL fields): the chosen entry of sorts (ended by a NULL code)
	 * replaces every order_by of the SQL text (twice where a subquery
	 * picks the page first, three times in a deep_sql: the same words for
	 * each).
	 */
	const struct sort	*sorts;
	const char		*order_by;
	/*
	 * A report with the fields period, start_at and end_at (and the
	 * F_DERIVED prev_start_at, prev_end_at) takes a period
	 * (input/period.h): the engine resolves it into the four times. The
	 * shortcut taken when none is given; NULL: no period then.
	 */
	const char		*period_default;
	/*
	 * start_at and end_at are a v1 endpoint's own filters (the
	 * contract's: each bound optional, no other check): given, they are
	 * taken as they are; a shortcut fills them only on pages (HTML,
	 * XLSX), never in JSON, whose answers stay the contract's.
	 */
	bool			 period_open;
	/* Statements of its own beside the rows (struct part); NULL: none. */
	const struct part	*parts;
	size_t			 nparts;	/* at most REPORT_PARTS */
};

/*
 * A whole selection (XLSX), batch by batch, from a cursor the engine holds.
 * next returns the next batch (the caller clears it), or NULL at the end or
 * when the rows failed: failed is then set, the renderer gives up and
 * returns RENDER_ROWS_FAILED, and the engine answers for the failure. poll
 * lets the batch in flight arrive while the renderer works; it never blocks.
 */
struct rowsrc {
	PGresult	*(*next)(struct rowsrc *);
	void		 (*poll)(struct rowsrc *);
	bool		 failed;
};
#define RENDER_ROWS_FAILED	(-1)	/* a renderer's answer when src failed */

/* The index of the field named name of report r, or -1. */
#define REPORT_FIELD(r, name)	valid_field_index((r)->fields, (r)->nfields, (name))

/* The result of running a report for one request. */
struct run {
	const struct report	*r;
	struct pval		*pv;		/* [r->nfields] */
	const char		**params;	/* SQL parameters */
	int			 nparams;
	long			 page, per_page, total, last_page;
	bool			 total_capped;	/* more rows than total (count_paged) */
	long			 page_max;	/* the deepest page answered (max_offset), or 0: any */
	PGresult		*rows;		/* one page (JSON, HTML) */
	PGresult		*extra;		/* the page statement's rows (HTML), or NULL */
	/* The rows of each of r->parts (a format that shows them), or NULL. */
	PGresult		*parts[REPORT_PARTS];
	const char		*sql;		/* r->sql, or its variant for sort= */
	struct rowsrc		*src;		/* the whole selection (XLSX), or NULL */
	/*
	 * A file's columns (file_columns, render/file.h): the columns= asked
	 * for, or the VX columns in reading order, the first nread of them
	 * read by a person, the rest internal.
	 */
	const struct column	**fcols;
	size_t			 nfcols, nread;
	/*
	 * XLSX: the task's name and headline (NULL: none), and the names of
	 * the filters' ids and codes (filter_names.sql: field, code, name).
	 */
	PGresult		*task, *names;
	/*
	 * A page answering bad input (a 400 recorded, naming its field): no
	 * rows; pv holds each field that is valid on its own, the renderer
	 * shows the others as submitted and the message beside its field.
	 */
	bool			 bad;
	bool			 bad_shown;	/* its message is beside its field */
};

#endif
