/* val.h: request parameters as a small value tree (query string, form, JSON). */
#ifndef CR_VAL_H
#define CR_VAL_H

#include <stddef.h>

#include "base/arena.h"

enum vtype { V_NULL, V_STR, V_NUM, V_BOOL, V_ARR, V_OBJ };

/* A value; strings live in the request arena. V_NUM keeps JSON number text. */
struct val {
	enum vtype	  type;
	const char	 *s;		/* V_STR, V_NUM, V_BOOL ("true"/"false") */
	struct val	**items;	/* V_ARR, V_OBJ */
	const char	**keys;		/* V_OBJ */
	size_t		  n, cap;
};

struct val	*val_new(struct arena *, enum vtype);
/* Returns a string value (copied into the arena). */
struct val	*val_string(struct arena *, const char *);
/* Returns the text of a string or number value, else "". */
const char	*val_text(const struct val *);
/* Appends item (and key, for objects) to v; returns -1 past its limit of items. */
int		 val_push(struct arena *, struct val *v, const char *key, struct val *item);
struct val	*val_get(const struct val *obj, const char *key);
void		 val_set(struct arena *, struct val *obj, const char *key, struct val *);


/*
 * Adds the pairs of an application/x-www-form-urlencoded string (PHP-style
 * arrays: a[]=1, a[0][]=2, repeated keys) to obj.
 * Returns 0, or -1 with *err set to a message naming the field.
 */
int	 val_parse_form(struct arena *, struct val *obj, const char *s, size_t len,
	    const char **err);
/*
 * Adds the members of a JSON object body to obj.
 * Returns 0, or -1 with *err set ("body must be a JSON object", ...).
 */
int	 val_parse_json(struct arena *, struct val *obj, const char *s, size_t len,
	    const char **err);

#endif
