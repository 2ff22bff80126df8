/* upstream.h: the platform's v1 API over one kept-alive HTTP connection (libcurl), politely. */
#ifndef CR_UPSTREAM_H
#define CR_UPSTREAM_H

#include <stdbool.h>
#include <stdio.h>

#include "base/buf.h"

/* What upstream_call gives. */
enum {
	UP_OK = 0,     /* 2xx: the body in u->body */
	UP_FAIL = 1,   /* gave up on this request (retries spent, another 4xx): u->err says why */
	UP_DENIED = 2, /* 401 or 403: the token is refused; ask nothing more */
};

struct upstream {
	void       *curl;      /* the one easy handle: its connection is kept alive */
	void       *headers;   /* struct curl_slist *: Authorization, Accept */
	void       *post_headers;
	char       *base;      /* the platform's URL, no trailing slash */
	double      interval;  /* seconds between the starts of two requests (1 / rate) */
	double      next_at;   /* clock_monotonic() before which no request starts */
	int         retries;   /* attempts after the first, on timeouts, 429 and 5xx */
	double      backoff;   /* seconds before the first retry (doubled each time, jittered) */
	long        requests;  /* requests made, retries included */
	long        retried;   /* of them, retries */
	long        status;    /* the last answer's HTTP status (0: none) */
	struct buf  body;      /* the last answer's body, NUL-terminated */
	struct buf  err;       /* why the last call failed */
	FILE       *log;       /* where a retry is said (may be NULL) */
};

/*
 * Opens a client of the platform at base (http:// or https://) with token;
 * at most rate requests a second; timeout seconds a request; TLS verified
 * unless insecure. Returns 0, or -1 with a message in u->err.
 */
int	 upstream_open(struct upstream *u, const char *base, const char *token, double rate,
	    long timeout, bool insecure);
/*
 * GET path (below base, with its query) or, when json is not NULL, POST it as
 * application/json. Waits for the rate, retries with exponential backoff and
 * jitter on a timeout, a transport error, a body that is not JSON, 429 (its
 * Retry-After honoured) and 5xx. Returns UP_OK, UP_FAIL or UP_DENIED.
 */
int	 upstream_call(struct upstream *u, const char *path, const char *json);
/* The URL of path, for messages (never the token). */
const char *upstream_url(struct upstream *u, const char *path, struct buf *out);
void	 upstream_close(struct upstream *u);

#endif
