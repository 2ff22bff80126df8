/* csv.h: a report's whole selection as CSV for Excel and LibreOffice, in constant memory. */
#ifndef CR_CSV_H
#define CR_CSV_H

#include "report/def.h"

/* Writes run's rows (run->src) as CSV to a file sent as the answer. */
int	 csv_report(struct req *, struct run *);

#endif
