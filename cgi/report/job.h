/*
 * job.h: export jobs (issue 20). A file of a selection over
 * export_async_rows rows is not built by the web worker that is asked for
 * it: the engine records a job (the table export_jobs, sql/schema.sql) and
 * answers at once; `callreport jobs` (cli/jobs.c) builds it later through
 * the same engine and renderers. This is what the engine and the pages of
 * the jobs (web/jobs_page.c) share: recording one, and a job row as JSON.
 */
#ifndef CR_JOB_H
#define CR_JOB_H

#include "base/json.h"
#include "report/def.h"

/* The columns of a job's row as job_cols selects them. */
enum job_col {
	JC_ID, JC_REPORT, JC_TITLE, JC_FORMAT, JC_STATE, JC_ROWS, JC_TOTAL,
	JC_CREATED, JC_STARTED, JC_FINISHED, JC_ELAPSED, JC_SIZE, JC_DISP,
	JC_ERROR, JC_EXPIRES, JC__MAX
};

/*
 * Returns the select list of a job's row (enum job_col), its expiry taken
 * from parameter $ret (jobs_retention in seconds, as text). The state of a
 * job asked to stop and not yet stopped reads "cancelling".
 */
const char	*job_cols(struct arena *, int ret);
/*
 * Records a job of run's whole selection (run->total rows counted) in the
 * request's format, for the request's tenant, committed on the primary;
 * then answers: a browser 303 to the job's page, an API client 202 with
 * the job's URL in Location and in the envelope. Returns the status.
 */
int		 job_create(struct req *, const struct run *);
/* Writes row i of res (job_cols) as a job object: its state, progress and links. */
void		 job_json(struct req *, struct json *, PGresult *, int i);
/* Returns the job's URL (below base_path), "/exports/ID". */
const char	*job_path(struct req *, const char *id);
/* Returns the seconds a running job still needs at its pace, or -1: unknown. */
long		 job_eta(PGresult *, int i);

#endif
