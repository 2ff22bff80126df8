/* file.h: an answer that is a file the renderer wrote (a workbook, a CSV). */
#ifndef CR_FILE_H
#define CR_FILE_H

#include "report/def.h"

/*
 * Makes an empty temporary file tmp_dir/callreport-PID-XXXXXX.ext; returns
 * its path (in the arena), or NULL (logged; the error answer is set).
 */
char		*file_temp(struct req *, const char *ext);
/*
 * Removes the files callreport-PID-* in dir whose process no longer exists
 * (killed while it built or sent them), logging each; returns how many.
 * A worker calls it when it starts, and so does an export.
 */
int		 file_clean(const char *dir);
/*
 * Sends path as the answer, removed once sent: its media type, and a
 * download name made of the report's file stem (ASCII) and its title
 * (UTF-8, RFC 6266 filename*).
 */
void		 file_attach(struct req *, const struct report *, const char *path,
		    const char *ext, const char *ctype);
/*
 * Returns the columns of r's file (its VX columns; a milliseconds column
 * adds its seconds column): what the renderers' space estimates count.
 */
long		 file_columns(const struct report *);
/*
 * Returns 0 when tmp_dir has need bytes free (or cannot be asked: the
 * renderer's own checks then stand), else sets 507 with a message saying
 * what is needed and what is free, and returns 507.
 */
int		 file_room(struct req *, unsigned long long need);
/* Returns the label of a milliseconds column's seconds column ("通话时长(秒)"). */
const char	*file_secs_label(struct arena *, const struct column *);

#endif
