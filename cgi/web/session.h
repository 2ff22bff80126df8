/* session.h: signing in and out of the browser pages (POST /login, POST /logout). */
#ifndef CR_SESSION_H
#define CR_SESSION_H

#include "input/req.h"

/* GET /login: the form; POST /login: checks the password, starts a session. */
int	 session_login(struct req *);
/* POST /logout: ends the session, clears its cookie. */
int	 session_logout(struct req *);

#endif
