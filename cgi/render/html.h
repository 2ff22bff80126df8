/* html.h: the frame every HTML page shares, and URL building for links. */
#ifndef CR_HTML_H
#define CR_HTML_H

#include "web/http.h"
#include "render/tpl.h"

struct run;

/* Returns a page dictionary with the frame (base, static, user, title) set; caller frees. */
struct tpl_dict	*html_page(struct req *, const char *title);
/* Renders file with d into the response; returns 0 or 500. Frees d. */
int		 html_finish(struct req *, struct tpl_dict *d, const char *file);
/* Returns the query string of a run's valid parameters with page replaced (0 = none). */
const char	*run_query(struct req *, const struct run *, long page, const char *format);

#endif
