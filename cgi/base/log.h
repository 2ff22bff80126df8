/* log.h: one line to stderr per event. */
#ifndef CR_LOG_H
#define CR_LOG_H


#ifdef __cplusplus
extern "C" {
#endif

/* Writes one line to stderr with CR/LF and control bytes neutralized. */
void	 log_line(const char *reqid, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));

#ifdef __cplusplus
}
#endif

#endif
