/* json.h: the one JSON writer; every JSON byte callreport emits goes through it. */
#ifndef CR_JSON_H
#define CR_JSON_H

#include <stdbool.h>
#include <stdint.h>

#include "base/buf.h"

#define JSON_DEPTH 32

struct json {
	struct buf	*out;
	int		 depth;
	bool		 first[JSON_DEPTH];
	bool		 after_key;
};

void	json_init(struct json *, struct buf *);
void	json_obj_open(struct json *);
void	json_obj_close(struct json *);
void	json_arr_open(struct json *);
void	json_arr_close(struct json *);
void	json_key(struct json *, const char *);
/*
 * A key escaped once for many objects: json_key_quote appends its JSON text
 * ("key":) to a buffer, json_key_text writes such a text as the next key.
 */
void	json_key_quote(struct buf *, const char *);
void	json_key_text(struct json *, const char *, size_t);
void	json_str(struct json *, const char *);	/* NULL writes null */
void	json_strn(struct json *, const char *, size_t);
void	json_int(struct json *, int64_t);
void	json_boolean(struct json *, bool);
void	json_null(struct json *);
/* Writes text that is already JSON (from PostgreSQL's json functions). */
void	json_raw(struct json *, const char *);
/* Writes a PostgreSQL numeric text as a JSON number, or null if not numeric. */
void	json_number_text(struct json *, const char *);

/* Appends s as the body of a JSON string (no quotes), escaped. */
void	json_escape(struct buf *, const char *, size_t);

#endif
