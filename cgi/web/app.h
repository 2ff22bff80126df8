/* app.h: one request of callreport.fcgi: routing, authentication, the handler, the answer. */
#ifndef CR_APP_H
#define CR_APP_H

#include "input/req.h"

/* Serves one request whose environment is set: route, authenticate, run, send. */
void	 app_serve(struct req *);
/* Sets the connection that write routes use (db, not read_db); app_req_init's by default. */
void	 app_set_primary(struct db *);
/* Resets req for a new request of this process. */
void	 app_req_init(struct req *, struct arena *, const struct config *, struct db *);

#endif
