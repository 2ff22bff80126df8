/* upstream.c: the platform's v1 API over one kept-alive HTTP connection (libcurl), politely. */
/*
 * One easy handle for the whole sync: libcurl keeps its connection open
 * between requests (HTTP/1.1 keep-alive), so the platform sees one client on
 * one connection. Requests start at most rate a second, retries included. A
 * timeout, a broken connection, 429, 5xx or a 2xx body that is not JSON (a
 * truncated answer) is retried after a pause that doubles each time, with
 * jitter (half to the whole of it), or after the Retry-After the platform
 * sent; 401 and 403 end at once: the token is wrong, and asking again will
 * not change that.
 */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>
#include <json-c/json.h>

#include "base/clock.h"
#include "cli/upstream.h"

#define UP_BACKOFF_MAX 60.0 /* seconds: the longest pause between two attempts */

static size_t
on_body(char *p, size_t size, size_t n, void *arg)
{
	buf_put((struct buf *)arg, p, size * n);
	return size * n;
}

static void
pause_for(double s)
{
	struct timespec ts;

	if (s <= 0)
		return;
	ts.tv_sec = (time_t)s;
	ts.tv_nsec = (long)((s - (double)ts.tv_sec) * 1e9);
	while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
		;
}

int
upstream_open(struct upstream *u, const char *base, const char *token, double rate,
    long timeout, bool insecure)
{
	struct buf h = {0};
	CURL *c;
	size_t n;

	memset(u, 0, sizeof(*u));
	if (strncmp(base, "http://", 7) != 0 && strncmp(base, "https://", 8) != 0) {
		buf_printf(&u->err, "%s: not an http:// or https:// URL", base);
		return -1;
	}
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK || (c = curl_easy_init()) == NULL) {
		buf_puts(&u->err, "libcurl cannot start");
		return -1;
	}
	u->curl = c;
	u->base = xstrdup(base);
	n = strlen(u->base);
	while (n > 0 && u->base[n - 1] == '/')
		u->base[--n] = '\0';
	u->interval = rate > 0 ? 1.0 / rate : 0;
	u->retries = 6;
	u->backoff = 0.5;
	buf_printf(&h, "Authorization: Bearer %s", token);
	u->headers = curl_slist_append(NULL, h.p);
	u->headers = curl_slist_append(u->headers, "Accept: application/json");
	u->post_headers = curl_slist_append(NULL, h.p);
	u->post_headers = curl_slist_append(u->post_headers, "Accept: application/json");
	u->post_headers = curl_slist_append(u->post_headers, "Content-Type: application/json");
	/* The token lives in the header lists only. */
	memset(h.p, 0, h.len);
	buf_free(&h);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, &u->body);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, timeout > 0 ? timeout : 60L);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, 15L);
	curl_easy_setopt(c, CURLOPT_TCP_KEEPALIVE, 1L);
	curl_easy_setopt(c, CURLOPT_ACCEPT_ENCODING, "");
	curl_easy_setopt(c, CURLOPT_USERAGENT, "callreport-sync");
	curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
	if (insecure) {
		curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 0L);
		curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 0L);
	}
	srand48((long)getpid() ^ (long)time(NULL));
	return 0;
}

const char *
upstream_url(struct upstream *u, const char *path, struct buf *out)
{
	buf_reset(out);
	buf_printf(out, "%s%s", u->base, path);
	return out->p;
}

/* The platform's message of an error answer ({"message": ...}), or "". */
static const char *
answer_message(struct upstream *u, struct buf *out)
{
	struct json_object *o = json_tokener_parse(u->body.p ? u->body.p : "");
	struct json_object *m;

	buf_reset(out);
	if (o != NULL && json_object_object_get_ex(o, "message", &m) &&
	    json_object_is_type(m, json_type_string))
		buf_printf(out, ": %s", json_object_get_string(m));
	else
		buf_puts(out, "");
	json_object_put(o);
	return out->p;
}

/* Whether the body is one whole JSON value (a truncated answer is not). */
static bool
whole_json(struct upstream *u)
{
	struct json_object *o;

	if (u->body.len == 0)
		return false;
	o = json_tokener_parse(u->body.p);
	if (o == NULL)
		return false;
	json_object_put(o);
	return true;
}

int
upstream_call(struct upstream *u, const char *path, const char *json)
{
	CURL *c = u->curl;
	struct buf url = {0}, msg = {0};
	int attempt, rc = UP_FAIL;

	upstream_url(u, path, &url);
	curl_easy_setopt(c, CURLOPT_URL, url.p);
	if (json != NULL) {
		curl_easy_setopt(c, CURLOPT_POSTFIELDS, json);
		curl_easy_setopt(c, CURLOPT_HTTPHEADER, (struct curl_slist *)u->post_headers);
	} else {
		curl_easy_setopt(c, CURLOPT_HTTPGET, 1L);
		curl_easy_setopt(c, CURLOPT_HTTPHEADER, (struct curl_slist *)u->headers);
	}
	for (attempt = 0;; attempt++) {
		double now = clock_monotonic(), wait;
		curl_off_t after = -1;
		CURLcode cc;

		pause_for(u->next_at - now);
		u->next_at = clock_monotonic() + u->interval;
		buf_reset(&u->body);
		buf_reset(&u->err);
		u->status = 0;
		u->requests++;
		if (attempt > 0)
			u->retried++;
		cc = curl_easy_perform(c);
		buf_putc(&u->body, '\0');
		u->body.len--;
		if (cc != CURLE_OK) {
			buf_printf(&u->err, "%s: %s", url.p, curl_easy_strerror(cc));
		} else {
			curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &u->status);
			if (u->status >= 200 && u->status < 300) {
				if (whole_json(u)) {
					rc = UP_OK;
					break;
				}
				buf_printf(&u->err, "%s: HTTP %ld with a body that is not whole JSON "
				    "(%zu bytes)", url.p, u->status, u->body.len);
			} else if (u->status == 401 || u->status == 403) {
				buf_printf(&u->err, "%s: HTTP %ld%s: the platform refuses the token "
				    "(--token or sync.TENANT.token); nothing more is asked",
				    url.p, u->status, answer_message(u, &msg));
				rc = UP_DENIED;
				break;
			} else if (u->status == 429 || u->status >= 500) {
				buf_printf(&u->err, "%s: HTTP %ld%s", url.p, u->status,
				    answer_message(u, &msg));
				curl_easy_getinfo(c, CURLINFO_RETRY_AFTER, &after);
			} else {
				buf_printf(&u->err, "%s: HTTP %ld%s", url.p, u->status,
				    answer_message(u, &msg));
				break;
			}
		}
		if (attempt >= u->retries) {
			buf_printf(&u->err, " (gave up after %d attempts)", attempt + 1);
			break;
		}
		wait = u->backoff * (double)(1L << attempt);
		if (wait > UP_BACKOFF_MAX)
			wait = UP_BACKOFF_MAX;
		wait = wait / 2 + drand48() * wait / 2;
		if (after >= 0)
			wait = after > (curl_off_t)UP_BACKOFF_MAX * 5 ? UP_BACKOFF_MAX * 5 : (double)after;
		if (u->log != NULL)
			fprintf(u->log, "callreport: sync: %s; again in %.1f s\n", u->err.p, wait);
		u->next_at = clock_monotonic() + wait;
	}
	buf_free(&url);
	buf_free(&msg);
	return rc;
}

void
upstream_close(struct upstream *u)
{
	if (u->curl != NULL)
		curl_easy_cleanup(u->curl);
	curl_slist_free_all(u->headers);
	curl_slist_free_all(u->post_headers);
	free(u->base);
	buf_free(&u->body);
	buf_free(&u->err);
	memset(u, 0, sizeof(*u));
}
