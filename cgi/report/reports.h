/* reports.h: the report table: every report, defined once (reports.c). */
#ifndef CR_REPORTS_H
#define CR_REPORTS_H

#include "report/def.h"

enum report_id {
	REPORT_TASK_NUMBER,
	REPORT_TASKS,
	REPORT_DONE_PHONES,
	REPORT_RECORD,
	REPORT_RECORD_INFO,
	REPORT_RECORD_LEVEL,
	REPORT_USABLE_TAGS,
	REPORT_TRANSCRIPT,
	REPORT_TASK_ATTEMPTS,
	REPORT_NUMBER_HISTORY,
	REPORT_SEARCH,
	REPORT_START,
	REPORT_COMPARE,
	REPORT_CALLBACKS,
	REPORT__MAX
};

extern const struct report reports[REPORT__MAX];

#endif
