/* hook.h: the extras of report pages (struct report's html), one a page. */
#ifndef CR_HOOK_H
#define CR_HOOK_H

#include "render/tpl.h"
#include "report/def.h"

int	 hook_task_number(struct req *, struct run *, struct tpl_dict *);
int	 hook_done_phones(struct req *, struct run *, struct tpl_dict *);
int	 hook_transcript(struct req *, struct run *, struct tpl_dict *);
int	 hook_number_history(struct req *, struct run *, struct tpl_dict *);
int	 hook_tasks(struct req *, struct run *, struct tpl_dict *);
int	 hook_start(struct req *, struct run *, struct tpl_dict *);
int	 hook_compare(struct req *, struct run *, struct tpl_dict *);
int	 hook_callbacks(struct req *, struct run *, struct tpl_dict *);

#endif
