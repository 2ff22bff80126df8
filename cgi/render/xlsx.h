/* xlsx.h: a report's whole selection as an XLSX workbook, in constant memory. */
#ifndef CR_XLSX_H
#define CR_XLSX_H

#include "report/def.h"

/* Writes run's rows (run->src) and summary to a workbook sent as the answer. */
int	 xlsx_report(struct req *, struct run *);
/* Returns the bytes of tmp_dir a workbook of rows rows of r takes at its peak (an estimate). */
unsigned long long xlsx_space(const struct report *, long rows);

#endif
