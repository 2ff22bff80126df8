/* message.h: an error's message in Chinese for a page (the table is message.c's). */
#ifndef CR_MESSAGE_H
#define CR_MESSAGE_H

#include "base/arena.h"

/*
 * Returns the Chinese of en, an error's English message; name and label:
 * the parameter it names and that parameter's Chinese label, or NULL. A
 * message the table does not know is returned as it is.
 */
const char	*message_zh(struct arena *, const char *en, const char *name,
		    const char *label);

#endif
