/* form.h: a browser form's GET parameters, made into a report's fields. */
#ifndef CR_FORM_H
#define CR_FORM_H

#include "report/def.h"

/*
 * Turns a browser form's GET parameters (req->params) into r's fields, in
 * place, leaving the judging to the validator (routes flagged R_FORM).
 */
void	 form_decode(struct req *, const struct report *r);

#endif
