/*
 * One JSON object per line, err(3)-shaped. Before log_init, lines go to
 * stderr with prog "wfm". Untrusted text is escaped by the JSON encoder.
 * Never pass tokens, secrets, passwords or input_data to these.
 */
#ifndef WFM_LOG_H
#define WFM_LOG_H

#include <stdarg.h>

enum log_level { LOG_LVL_DEBUG, LOG_LVL_INFO, LOG_LVL_WARN, LOG_LVL_ERROR };

/* target: "stderr" or "syslog". level: minimum level written. */
void	log_init(const char *prog, enum log_level level, const char *target);
/* Parse "debug", "info", "warn", "error"; returns -1 if unknown. */
int	log_level_parse(const char *);
/* Request id attached to every line until cleared with NULL (copied). */
void	log_set_req(const char *reqid);
/* Execution id attached to every line until cleared with NULL (copied). */
void	log_set_exec(const char *execid);

void	log_debug(const char *, ...) __attribute__((format(printf, 1, 2)));
void	log_info(const char *, ...) __attribute__((format(printf, 1, 2)));
/* log_warn and log_error append ": strerror(errno)" and keep errno. */
void	log_warn(const char *, ...) __attribute__((format(printf, 1, 2)));
void	log_warnx(const char *, ...) __attribute__((format(printf, 1, 2)));
void	log_error(const char *, ...) __attribute__((format(printf, 1, 2)));
void	log_errorx(const char *, ...) __attribute__((format(printf, 1, 2)));
/* Log at error level and exit(1). */
void	fatal(const char *, ...) __attribute__((format(printf, 1, 2), noreturn));
void	fatalx(const char *, ...) __attribute__((format(printf, 1, 2), noreturn));
/*
 * One access line: method, route (the pattern, not the raw path), status,
 * duration in ms and the authenticated user (or NULL).
 */
void	log_access(const char *method, const char *route, int status,
	    double ms, const char *user);

#endif
