/* reportlist.h: bin/callreport reports: the report table (reports[]) as the program holds it. */
#ifndef CR_REPORTLIST_H
#define CR_REPORTLIST_H

/*
 * The "reports" command: without options one line a report (its statements'
 * parameters by number); with --json the whole table, statement texts
 * included, for tests/functional/test_report_contract.py. argv[0] is
 * "reports"; returns the exit code (0 ok, 1 write error, 2 usage).
 */
int	 reportlist_main(int argc, char **argv);

#endif
