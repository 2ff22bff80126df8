/* http.h: the answer to the web server (FastCGI, or stdout for plain CGI). */
#ifndef CR_HTTP_H
#define CR_HTTP_H

#include "input/req.h"

/* The reason phrase of an HTTP status. */
const char	*http_reason(int);
/*
 * Writes the answer (status line, headers, body or file) to the client. An
 * error's body must have been made (render_error) before.
 */
void		 http_send(struct req *);

#endif
