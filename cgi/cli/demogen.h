/* demogen.h: deterministic demo data for "callreport import" (JSON Lines). */
#ifndef CR_DEMOGEN_H
#define CR_DEMOGEN_H

#include <stdio.h>

/* The largest --numbers accepted (phone numbers stay unique within a task). */
#define DEMOGEN_NUMBERS_MAX 100000000UL

struct demogen_opts {
	const char	*tenant;	/* "demo", "acme" or anything: seeds differ by name */
	unsigned long	 numbers;	/* numbers in the big task; 0 = no big task */
	unsigned long	 seed;
	/*
	 * NULL, or a recordings_root: a short WAV is written there for each
	 * call record with a transcript (demogen_recording_file says where),
	 * so that a demo's player plays.
	 */
	const char	*recordings;
};

/*
 * Writes the whole data set of one tenant to out, one JSON object a line,
 * streaming (constant memory whatever o->numbers is). The same options give
 * byte-identical output. Returns 0, or -1 on a write error (errno as left by
 * stdio) or on options out of range (errno EINVAL).
 */
int	demogen_write(FILE *out, const struct demogen_opts *o);

/*
 * Sets out to the file of a demo call's recording below root, for the
 * platform's path of it, day ("2026-10-03") and name ("186...wav"): where
 * store/recording.c looks for it (root/day/name). Returns 0, or -1 when
 * the path is too long.
 */
int	demogen_recording_file(char *out, size_t n, const char *root,
	    const char *day, const char *name);

/*
 * The "demo-data" command: --tenant NAME, --numbers N, --seed N,
 * --recordings DIR; writes to
 * stdout. Returns the exit code (0 ok, 1 write error, 2 usage).
 */
int	demogen_main(int argc, char **argv);

#endif /* !CR_DEMOGEN_H */
