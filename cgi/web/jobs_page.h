/* jobs_page.h: the pages of export jobs (report/job.h): the list, a job, its file, its cancel. */
#ifndef CR_JOBS_PAGE_H
#define CR_JOBS_PAGE_H

#include "input/req.h"

/* GET /exports: the tenant's recent jobs (HTML, JSON). */
int	 jobs_page_list(struct req *);
/* GET /exports/{job_id}: a job's state and progress; JSON of a finished one: 303 to its file. */
int	 jobs_page_show(struct req *);
/* POST or DELETE /exports/{job_id}: asks a queued or running job to stop. */
int	 jobs_page_cancel(struct req *);
/* GET /exports/{job_id}/file: a finished job's file, one byte range at a time if asked. */
int	 jobs_page_file(struct req *);

#endif
