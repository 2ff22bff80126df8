/* csv.h: a report's whole selection as CSV for Excel and LibreOffice, in constant memory. */
#ifndef CR_CSV_H
#define CR_CSV_H

#include "report/def.h"

/* Writes run's rows (run->src) as CSV to a file sent as the answer. */
int	 csv_report(struct req *, struct run *);
/* Returns the bytes of tmp_dir a CSV of rows rows of r takes (an estimate). */
unsigned long long csv_space(const struct report *, long rows);

#endif
