/* record.h: one call by its id, for the browser. */
#ifndef CR_RECORD_H
#define CR_RECORD_H

#include "input/req.h"

/* GET /records/{record_id}: the call's transcript page. */
int	 record_page(struct req *);
/* GET /records/{record_id}/recording: its recording, with byte ranges. */
int	 record_recording(struct req *);

#endif
