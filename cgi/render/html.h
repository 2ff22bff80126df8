/* html.h: the frame every HTML page shares, a report's page, an error's page. */
#ifndef CR_HTML_H
#define CR_HTML_H

#include "render/tpl.h"
#include "report/def.h"

/* Returns a page dictionary with the frame (base, static, user, title) set; caller frees. */
struct tpl_dict	*html_page(struct req *, const char *title);
/* The same, reloading itself every refresh seconds (a meta refresh: no script). */
struct tpl_dict	*html_page_refresh(struct req *, const char *title, int refresh);
/* Renders file with d into the response; returns 0 or 500. Frees d. */
int		 html_finish(struct req *, struct tpl_dict *d, const char *file);
/* Returns the query string of a run's valid parameters with page replaced (0 = none). */
const char	*html_query(struct req *, const struct run *, long page, const char *format);
/*
 * On a page answering bad input (run->bad), in d, the dictionary of
 * template file (the page's, or a form it includes): f_<name> for each
 * field that is not valid on its own, as submitted (f_<name>_min and _max
 * for a range's two inputs), and, when file has a place beside the field
 * the error names (a section ERR_<name>), the message there in Chinese
 * (MESSAGE, the English as MESSAGE_EN); run->bad_shown then tells so.
 */
void		 html_bad_fields(struct req *, struct run *, struct tpl_dict *d,
		    const char *file);
/* A run as its report's page (r->tpl, r->html's extras). */
int		 html_report(struct req *, struct run *);
/* The page of a recorded error (the sign-in form for 401). */
void		 html_error(struct req *);

#endif
