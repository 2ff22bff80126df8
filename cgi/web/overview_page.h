/* overview_page.h: a task at a glance, GET /tasks/{task_id}. */
#ifndef CR_OVERVIEW_PAGE_H
#define CR_OVERVIEW_PAGE_H

#include "input/req.h"

int	 overview_page(struct req *);

#endif
