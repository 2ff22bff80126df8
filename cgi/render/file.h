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
 * Returns the download name of run's file: "<task>-<title>-YYYYMMDD-YYYYMMDD.ext"
 * (the task's name when run->task has one, the period's ends when set),
 * made safe (no '/', '\\', quotes, control characters...); ascii: the
 * report's file stem in place of the names.
 */
const char	*file_name(struct req *, const struct run *, const char *ext, bool ascii);
/*
 * Sends path as the answer, removed once sent: its media type, and its
 * download name (file_name) as RFC 6266 has it: filename= the ASCII name,
 * filename*=UTF-8'' the name percent-encoded.
 */
void		 file_attach(struct req *, const struct run *, const char *path,
		    const char *ext, const char *ctype);
/*
 * Sets run->fcols, nfcols and nread: the columns columns= names (each a
 * VX column of the report, in the order given; named twice: once), else
 * the report's xlsx_cols then its other VX columns (internal, after the
 * nread a person reads). Returns 0, or -1 with *bad the unknown name.
 */
int		 file_columns(struct req *, struct run *, const char **bad);
/*
 * Returns the columns of r's file (its VX columns; a milliseconds column
 * adds its seconds column): what the renderers' space estimates count.
 */
long		 file_width(const struct report *);
/*
 * Returns 0 when tmp_dir has need bytes free (or cannot be asked: the
 * renderer's own checks then stand), else sets 507 with a message saying
 * what is needed and what is free, and returns 507.
 */
int		 file_room(struct req *, unsigned long long need);
/* Returns the label of a milliseconds column's seconds column ("通话时长(秒)"). */
const char	*file_secs_label(struct arena *, const struct column *);

#endif
