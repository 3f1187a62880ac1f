/*
 * err.h - the one result type of Poise.
 *
 * Every fallible function returns enum err; ERR_OK is zero so `if (rc)`
 * reads as "on failure". Details for the caller travel in an optional
 * struct errinfo, written only on failure. Only src/http maps these values
 * to HTTP statuses (one table in http/errmap.c).
 */
#ifndef POISE_BASE_ERR_H
#define POISE_BASE_ERR_H

#include <stdbool.h>
#include <stddef.h>

#define MUST_CHECK __attribute__((warn_unused_result))

enum err {
    ERR_OK = 0,
    ERR_INVALID,      /* bad input: 400 */
    ERR_NOT_FOUND,    /* no such object in this account: 404 */
    ERR_CONFLICT,     /* state conflict, duplicate: 409 */
    ERR_FORBIDDEN,    /* role may not: 403 */
    ERR_LIMIT,        /* size or arithmetic limit exceeded */
    ERR_DECLINED,     /* card declined: 402 */
    ERR_GATEWAY,      /* gateway unreachable or failed: 502 */
    ERR_STORE,        /* database failure: 500/503 */
    ERR_INTERNAL,     /* anything else: 500 */
    ERR_UNAUTHORIZED, /* missing or bad credential: 401 */
    ERR_RULE,         /* business rule refused: 422 */
    ERR_RATE,         /* too many attempts: 429 */
    ERR_BUSY, /* retry later (lock timeout, in-flight duplicate): 409/503 */
    ERR__COUNT
};

#define ERRINFO_CODE_MAX 48
#define ERRINFO_PARAM_MAX 64
#define ERRINFO_MESSAGE_MAX 240

/*
 * Details of a failure: a machine code ("invalid_json", "parameter_missing"),
 * the offending parameter path ("address.state") and a lower-case message
 * with no final full stop. Fixed-size so it can live on the stack.
 */
struct errinfo {
    char code[ERRINFO_CODE_MAX];
    char param[ERRINFO_PARAM_MAX];
    char message[ERRINFO_MESSAGE_MAX];
    char decline_code[ERRINFO_CODE_MAX]; /* ERR_DECLINED: issuer's reason */
    int retry_after_s;                   /* for ERR_RATE, else 0 */
};

/*
 * Fill ei (if not NULL) and return rc, so a failure reads as one line:
 * `return errinfo_set(ei, ERR_INVALID, "parameter_invalid", "email",
 *                     "invalid e-mail '%s'", s);`
 * param may be NULL. Never called with rc == ERR_OK.
 */
enum err errinfo_set(struct errinfo *ei, enum err rc, const char *code,
                     const char *param, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

/*
 * ERR_DECLINED with code ("card_declined", "expired_card", ...), the
 * issuer's decline_code (may be NULL) and a message safe to show the
 * patient. Fills ei when not NULL.
 */
enum err errinfo_decline(struct errinfo *ei, const char *code,
                         const char *decline_code, const char *message);

/* Clear ei so a later errinfo_set is the only content. */
void errinfo_clear(struct errinfo *ei);

/* Lower-case name of rc for logs ("not_found"); never NULL. */
const char *err_name(enum err rc);

#endif
