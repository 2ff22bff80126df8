/* envelope.h: the v1 JSON answers (the platform's envelopes), by the one JSON writer. */
#ifndef CR_ENVELOPE_H
#define CR_ENVELOPE_H

#include "base/json.h"
#include "report/def.h"

/* Writes row's value of column c (column col of res, -1: none) as JSON: the rule for every type. */
void	 envelope_column(struct json *, const struct column *c, PGresult *res, int row, int col);
/* A run as its report's envelope (enum envelope). */
int	 envelope_report(struct req *, struct run *);
/* An error as {"code","status":"error","message"}. */
void	 envelope_error(struct req *);

#endif
