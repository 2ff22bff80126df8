/* app.h: request handlers and the route table of callreport.fcgi. */
#ifndef CR_APP_H
#define CR_APP_H

#include "http.h"

/* A handler fills the response of req; returns the HTTP status it set. */
typedef int (*handler_fn)(struct req *);


/* Pages (pages.c) */
int	 page_index(struct req *);
int	 page_login(struct req *);
int	 page_logout(struct req *);

#endif
