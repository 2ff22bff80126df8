/* tpl.h: a C face for Google ctemplate (the one C++ file is tpl.cc). */
#ifndef CR_TPL_H
#define CR_TPL_H

#include <stdbool.h>

#include "base/buf.h"

#ifdef __cplusplus
extern "C" {
#endif

struct tpl_dict;

/* A new top-level dictionary; free it with tpl_dict_free. */
struct tpl_dict	*tpl_dict_new(void);
void		 tpl_dict_free(struct tpl_dict *);
/* Values are copied; the template's AUTOESCAPE pragma escapes them. */
void		 tpl_set(struct tpl_dict *, const char *key, const char *value);
void		 tpl_setn(struct tpl_dict *, const char *key, const char *value, size_t);
void		 tpl_set_int(struct tpl_dict *, const char *key, long value);
/* Sets key to value with one decimal, as "%.1f" writes it (base/num.h). */
void		 tpl_set_1(struct tpl_dict *, const char *key, double value);
/* Returns a new repetition of a section, owned by its parent. */
struct tpl_dict	*tpl_section(struct tpl_dict *, const char *name);
void		 tpl_show(struct tpl_dict *, const char *name);
/*
 * A name resolved once a process, for the loops that set the same names on
 * every row: the *_key calls skip the lookup of the name.
 */
struct tpl_key;
const struct tpl_key *tpl_key(const char *name);
void		 tpl_set_key(struct tpl_dict *, const struct tpl_key *, const char *value);
struct tpl_dict	*tpl_section_key(struct tpl_dict *, const struct tpl_key *);
void		 tpl_show_key(struct tpl_dict *, const struct tpl_key *);
/* Returns the dictionary of an include of file at marker name, owned by the parent. */
struct tpl_dict	*tpl_include(struct tpl_dict *, const char *name, const char *file);

/*
 * Sets the template directory and learns the names its templates mention;
 * returns 0 or -1. A name no template mentions is never registered: setting
 * it, or adding a section by it, goes to a name no template shows.
 */
int		 tpl_root(const char *dir);
/*
 * Returns whether file names name, as a variable or a section (its own
 * text, not the templates it includes); true when it cannot be read. Read
 * once a process: for the loops that need not set what a page never shows.
 */
bool		 tpl_mentions(const char *file, const char *name);
/* Expands file with dict, appending to out; returns 0, or -1 (template missing or bad). */
int		 tpl_render(const char *file, const struct tpl_dict *, struct buf *out);

#ifdef __cplusplus
}
#endif

#endif
