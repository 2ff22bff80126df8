/*
 * options.c: the sanitizers' defaults, linked into the sanitized build alone
 * (build/san/, Makefile; tests/sanitize/run.sh). The environment's
 * ASAN_OPTIONS and UBSAN_OPTIONS still override any of them.
 *
 * Reports go to files, SAN_LOG/SAN_PROG.PID, never to stderr: the FastCGI
 * program's stderr is the web server's log, and the tests read what the
 * programs print. tests/sanitize/run.sh fails when any such file exists.
 *
 * UBSan stops at the first report (halt_on_error; the build's
 * -fno-sanitize-recover makes every check fatal).
 *
 * Leaks are looked for in the command-line tool and the unit tests, which
 * end by returning from main. Not in the FastCGI program (SAN_LEAKS 0): a
 * worker lives for max_requests requests and ends by a signal (SIGTERM from
 * multiwatch, the web server) or _exit, where LeakSanitizer never runs, and
 * what it allocates once (the configuration, the templates, the connection)
 * is meant to live as long as it does; per-request memory is the arena's,
 * freed whole after each request.
 */
#ifndef SAN_LOG
#error "SAN_LOG: the directory for the reports (Makefile)"
#endif

#define LEAKS_(n)	#n
#define LEAKS(n)	LEAKS_(n)

const char *__asan_default_options(void);
const char *__ubsan_default_options(void);

const char *
__asan_default_options(void)
{
	return "log_path=" SAN_LOG "/" SAN_PROG ":detect_leaks=" LEAKS(SAN_LEAKS)
	    ":abort_on_error=0:exitcode=86:strict_string_checks=1"
	    ":detect_stack_use_after_return=1:check_initialization_order=1";
}

const char *
__ubsan_default_options(void)
{
	return "log_path=" SAN_LOG "/" SAN_PROG ":halt_on_error=1:print_stacktrace=1";
}
