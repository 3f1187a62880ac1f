/*
 * log.h - structured JSON log lines on stderr.
 *
 * One line per event, never containing secrets or request bodies. The
 * current request id is thread-local so assertions and store errors can
 * name the request they happened in.
 */
#ifndef POISE_BASE_LOG_H
#define POISE_BASE_LOG_H

/* Set (or clear with NULL) this thread's request id; borrowed until reset. */
void log_set_request_id(const char *id);

/* This thread's request id, "" if none; borrowed. */
const char *log_request_id(void);

/*
 * Write {"time":...,"level":level,"msg":msg,"request_id":...} plus the
 * extra JSON members in fields_json (already-escaped, without braces, may be
 * NULL), as one line.
 */
void log_line(const char *level, const char *msg, const char *fields_json);

/* printf-style message at level "info"/"warn"/"error". */
void log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Silence info lines (tests, benchmarks); warnings and errors still print. */
void log_set_quiet(int quiet);

#endif
