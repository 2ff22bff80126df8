/*
 * overview.h: the parts of the task overview page (cgi/overview.c). The
 * importer computes them ahead for every task (cgi/import.c, the table
 * task_overview), so that the page does not aggregate a million rows a view.
 */
#ifndef CR_OVERVIEW_H
#define CR_OVERVIEW_H

#include <stddef.h>

#include <libpq-fe.h>

#include "base/buf.h"

/*
 * One part of the page: a statement ($1 tenant, $2 task, $3 start_at, $4
 * end_at: the period, inclusive; both NULL for the task's whole life) whose rows have a
 * label and a count (and optionally base, the denominator of the share;
 * else the sum of the counts), shown as repetitions of a template section.
 */
struct overview_part {
	const char	*section;	/* also its name in task_overview */
	const char	*sql;
};

/* The first part is the headline (one row; none when the task is not the caller's). */
extern const struct overview_part overview_parts[];
extern const size_t overview_nparts;

/*
 * The digest of part pt's statement, 8 hex digits (FNV-1a) and a NUL: a part
 * kept by a program whose statement was another (its columns, what its links
 * mean) is not used, but computed again.
 */
#define OVERVIEW_DIGEST	9
void	overview_digest(const struct overview_part *, char out[OVERVIEW_DIGEST]);

/*
 * Appends res, the rows of part pt, as {"sql": its digest, "names": [...],
 * "rows": [[...], ...]}: every value the text PostgreSQL gave, null for NULL
 * (how task_overview keeps a part).
 */
void	overview_result_json(struct buf *, const struct overview_part *,
	    const PGresult *);

#endif
