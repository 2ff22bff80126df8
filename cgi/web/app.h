/* app.h: request handlers and the route table of callreport.fcgi. */
#ifndef CR_APP_H
#define CR_APP_H

#include "web/http.h"

/* Serves one request whose environment is set: route, authenticate, run, send. */
void	 app_serve(struct req *);
/* Sets the connection that write routes use (db, not read_db); app_req_init's by default. */
void	 app_set_primary(struct db *);
/* Resets req for a new request of this process. */
void	 app_req_init(struct req *, struct arena *, const struct config *, struct db *);

/* A handler fills the response of req; returns the HTTP status it set. */
typedef int (*handler_fn)(struct req *);


/* Pages (pages.c) */
int	 page_index(struct req *);
int	 page_login(struct req *);
int	 page_logout(struct req *);
int	 page_record(struct req *);
int	 page_recording(struct req *);
/* The task overview (overview.c) */
int	 page_overview(struct req *);

struct report;
/* Turns a browser form's GET parameters into r's fields (pages.c). */
void	 page_form(struct req *, const struct report *r);

#endif
