/* val.c: parse query strings, form bodies and JSON bodies into one value tree. */
#include <ctype.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "base/arena.h"
#include "base/url.h"
#include "input/val.h"

#define MAX_ITEMS 10000
#define MAX_NEST 3

struct val *
val_new(struct arena *a, enum vtype t)
{
	struct val *v = arena_alloc(a, sizeof(*v));

	memset(v, 0, sizeof(*v));
	v->type = t;
	return v;
}

int
val_push(struct arena *a, struct val *v, const char *key, struct val *item)
{
	struct val **items;
	const char **keys;
	size_t cap;

	if (v->n >= MAX_ITEMS)
		return -1;
	if (v->n == v->cap) {
		cap = v->cap ? v->cap * 2 : 4;
		items = arena_alloc(a, cap * sizeof(*items));
		keys = arena_alloc(a, cap * sizeof(*keys));
		if (v->n) {
			memcpy(items, v->items, v->n * sizeof(*items));
			memcpy(keys, v->keys, v->n * sizeof(*keys));
		}
		v->items = items;
		v->keys = keys;
		v->cap = cap;
	}
	v->keys[v->n] = key;
	v->items[v->n++] = item;
	return 0;
}

struct val *
val_string(struct arena *a, const char *s)
{
	struct val *v = val_new(a, V_STR);

	v->s = arena_strdup(a, s);
	return v;
}

const char *
val_text(const struct val *v)
{
	return v != NULL && (v->type == V_STR || v->type == V_NUM) ? v->s : "";
}

struct val *
val_get(const struct val *obj, const char *key)
{
	size_t i;

	if (obj == NULL || obj->type != V_OBJ)
		return NULL;
	for (i = obj->n; i-- > 0;)
		if (strcmp(obj->keys[i], key) == 0)
			return obj->items[i];
	return NULL;
}

void
val_set(struct arena *a, struct val *obj, const char *key, struct val *v)
{
	size_t i;

	for (i = 0; i < obj->n; i++)
		if (strcmp(obj->keys[i], key) == 0) {
			obj->items[i] = v;
			return;
		}
	val_push(a, obj, arena_strdup(a, key), v);
}

/* Adds one decoded key=value pair with PHP-style subscripts to obj. */
static int
form_pair(struct arena *a, struct val *obj, char *key, char *value,
    const char **err)
{
	char *sub[MAX_NEST + 1], *p, *q;
	size_t nsub = 0, i;
	struct val *cur, *next, *leaf;
	unsigned long idx;

	if ((p = strchr(key, '[')) != NULL) {
		*p++ = '\0';
		while (p != NULL) {
			if ((q = strchr(p, ']')) == NULL || nsub == MAX_NEST) {
				*err = arena_printf(a,
				    "%s has a malformed array subscript", key);
				return -1;
			}
			*q = '\0';
			sub[nsub++] = p;
			p = q[1] == '[' ? q + 2 : NULL;
		}
	}
	if (*key == '\0') {
		*err = "a parameter has an empty name";
		return -1;
	}
	/* A new name past the limit is refused, never dropped without a word. */
	if (obj->n >= MAX_ITEMS && val_get(obj, key) == NULL) {
		*err = arena_printf(a, "too many parameters (at most %d)", MAX_ITEMS);
		return -1;
	}
	leaf = val_new(a, V_STR);
	leaf->s = value;
	cur = val_get(obj, key);
	if (nsub == 0) {
		if (cur == NULL)
			val_push(a, obj, key, leaf);
		else if (cur->type == V_STR) {
			/* A repeated key becomes an array: status=1&status=3. */
			next = val_new(a, V_ARR);
			val_push(a, next, NULL, cur);
			val_push(a, next, NULL, leaf);
			val_set(a, obj, key, next);
		} else if (cur->type == V_ARR && val_push(a, cur, NULL, leaf))
			goto toomany;
		return 0;
	}
	if (cur == NULL || cur->type != V_ARR) {
		cur = val_new(a, V_ARR);
		val_set(a, obj, key, cur);
	}
	for (i = 0; i < nsub; i++) {
		bool last = i + 1 == nsub;

		if (sub[i][0] == '\0')
			idx = cur->n;
		else {
			char *end;

			idx = strtoul(sub[i], &end, 10);
			if (*end != '\0' || !isdigit((unsigned char)sub[i][0])) {
				*err = arena_printf(a,
				    "%s has a non-numeric array subscript", key);
				return -1;
			}
		}
		if (last) {
			if (idx < cur->n)
				cur->items[idx] = leaf;
			else if (val_push(a, cur, NULL, leaf))
				goto toomany;
		} else {
			if (idx < cur->n && cur->items[idx]->type == V_ARR)
				next = cur->items[idx];
			else {
				next = val_new(a, V_ARR);
				if (idx < cur->n)
					cur->items[idx] = next;
				else if (val_push(a, cur, NULL, next))
					goto toomany;
			}
			cur = next;
		}
	}
	return 0;
toomany:
	*err = arena_printf(a, "%s has too many items", key);
	return -1;
}

int
val_parse_form(struct arena *a, struct val *obj, const char *s, size_t len,
    const char **err)
{
	char *copy = arena_strndup(a, s, len), *pair, *eq, *save = NULL;

	if (memchr(s, '\0', len) != NULL) {
		*err = "the parameters contain a NUL byte";
		return -1;
	}
	for (pair = strtok_r(copy, "&", &save); pair != NULL;
	    pair = strtok_r(NULL, "&", &save)) {
		if ((eq = strchr(pair, '=')) != NULL)
			*eq++ = '\0';
		else
			eq = pair + strlen(pair);
		if (url_decode(pair)) {
			*err = "a parameter name has a malformed %-escape";
			return -1;
		}
		/* pair is decoded now: the name as the client meant it. */
		if (url_decode(eq)) {
			*err = arena_printf(a, "%s has a malformed %%-escape", pair);
			return -1;
		}
		if (form_pair(a, obj, pair, eq, err))
			return -1;
	}
	return 0;
}

/* Converts a json-c value to a val; returns NULL when nested too deep. */
static struct val *
from_json(struct arena *a, struct json_object *j, int depth, const char *name,
    const char **nul)
{
	struct val *v;
	size_t i, n;

	if (depth > 8)
		return NULL;
	switch (json_object_get_type(j)) {
	case json_type_null:
		return val_new(a, V_NULL);
	case json_type_boolean:
		v = val_new(a, V_BOOL);
		v->s = json_object_get_boolean(j) ? "true" : "false";
		return v;
	case json_type_int:
	case json_type_double:
		v = val_new(a, V_NUM);
		v->s = arena_strdup(a, json_object_to_json_string_ext(j,
		    JSON_C_TO_STRING_PLAIN));
		return v;
	case json_type_string:
		/* "1\u0000x" would be read as "1", as a C string: refused. */
		if (memchr(json_object_get_string(j), '\0',
		    (size_t)json_object_get_string_len(j)) != NULL) {
			*nul = name;
			return NULL;
		}
		v = val_new(a, V_STR);
		v->s = arena_strndup(a, json_object_get_string(j),
		    (size_t)json_object_get_string_len(j));
		return v;
	case json_type_array:
		v = val_new(a, V_ARR);
		n = json_object_array_length(j);
		for (i = 0; i < n; i++) {
			struct val *it = from_json(a,
			    json_object_array_get_idx(j, i), depth + 1, name, nul);

			if (it == NULL || val_push(a, v, NULL, it))
				return NULL;
		}
		return v;
	case json_type_object: {
		v = val_new(a, V_OBJ);
		json_object_object_foreach(j, key, child) {
			struct val *it = from_json(a, child, depth + 1,
			    depth == 0 ? key : name, nul);

			if (it == NULL ||
			    val_push(a, v, arena_strdup(a, key), it))
				return NULL;
		}
		return v;
	}
	}
	return NULL;
}

/*
 * What json-c lets through and JSON does not, read off the text: a single
 * quote outside double-quoted strings (json-c takes 'name' as an object key
 * even in strict mode). Sets *nul when a string has a \u0000 escape: json-c
 * keeps a key as a C string ("a\u0000b" would be read as "a"); a value's NUL
 * from_json finds again, with its field.
 */
static bool
stray_quote(const char *s, size_t len, bool *nul)
{
	bool in = false;
	size_t i;

	*nul = false;
	for (i = 0; i < len; i++) {
		if (in && s[i] == '\\') {
			*nul |= len - i >= 6 && s[i + 1] == 'u' &&
			    memcmp(s + i + 2, "0000", 4) == 0;
			i++;
		} else if (s[i] == '"')
			in = !in;
		else if (!in && s[i] == '\'')
			return true;
	}
	return false;
}

int
val_parse_json(struct arena *a, struct val *obj, const char *s, size_t len,
    const char **err)
{
	struct json_tokener *tok;
	struct json_object *j = NULL;
	struct val *v;
	const char *nul = NULL;
	bool nul_escape;
	size_t i;
	int rc = -1;

	if ((tok = json_tokener_new_ex(16)) == NULL) {
		*err = "body could not be parsed";
		return -1;
	}
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT | JSON_TOKENER_VALIDATE_UTF8);
	j = json_tokener_parse_ex(tok, s, (int)len);
	if (j != NULL && stray_quote(s, len, &nul_escape)) {
		*err = "body is not valid JSON";
		goto out;
	}
	if (j == NULL || json_tokener_get_error(tok) != json_tokener_success ||
	    (size_t)json_tokener_get_parse_end(tok) != len) {
		/* Trailing white space after the object is fine. */
		size_t end = j ? json_tokener_get_parse_end(tok) : 0;

		while (j != NULL && end < len && isspace((unsigned char)s[end]))
			end++;
		if (j == NULL || end != len) {
			*err = "body is not valid JSON";
			goto out;
		}
	}
	if (!json_object_is_type(j, json_type_object)) {
		*err = "body must be a JSON object";
		goto out;
	}
	if ((v = from_json(a, j, 0, "body", &nul)) == NULL) {
		*err = nul != NULL ? arena_printf(a, "%s must not contain a NUL "
		    "character", nul) : "body is nested too deeply or has too many items";
		goto out;
	}
	if (nul_escape) {
		*err = "a name in the body must not contain a NUL character";
		goto out;
	}
	for (i = 0; i < v->n; i++)
		val_set(a, obj, v->keys[i], v->items[i]);
	rc = 0;
out:
	json_object_put(j);
	json_tokener_free(tok);
	return rc;
}
