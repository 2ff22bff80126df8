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
};

/*
 * Writes the whole data set of one tenant to out, one JSON object a line,
 * streaming (constant memory whatever o->numbers is). The same options give
 * byte-identical output. Returns 0, or -1 on a write error (errno as left by
 * stdio) or on options out of range (errno EINVAL).
 */
int	demogen_write(FILE *out, const struct demogen_opts *o);

/*
 * The "demo-data" command: --tenant NAME, --numbers N, --seed N; writes to
 * stdout. Returns the exit code (0 ok, 1 write error, 2 usage).
 */
int	demogen_main(int argc, char **argv);

#endif /* !CR_DEMOGEN_H */
