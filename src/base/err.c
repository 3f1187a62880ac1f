/*
 * err.c - errinfo helpers and names of enum err.
 */
#include "base/err.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "base/assert.h"

static const char *const err_names[] = {
    [ERR_OK] = "ok",
    [ERR_INVALID] = "invalid",
    [ERR_NOT_FOUND] = "not_found",
    [ERR_CONFLICT] = "conflict",
    [ERR_FORBIDDEN] = "forbidden",
    [ERR_LIMIT] = "limit",
    [ERR_DECLINED] = "declined",
    [ERR_GATEWAY] = "gateway",
    [ERR_STORE] = "store",
    [ERR_INTERNAL] = "internal",
    [ERR_UNAUTHORIZED] = "unauthorized",
    [ERR_RULE] = "rule",
    [ERR_RATE] = "rate",
    [ERR_BUSY] = "busy",
};
STATIC_ASSERT(sizeof(err_names) / sizeof(err_names[0]) == ERR__COUNT,
              "err_names matches enum err");

enum err
errinfo_set(struct errinfo *ei, enum err rc, const char *code,
            const char *param, const char *fmt, ...)
{
    va_list ap;

    ASSERT(rc != ERR_OK);
    if (ei == NULL)
        return rc;
    snprintf(ei->code, sizeof(ei->code), "%s", code != NULL ? code : "");
    snprintf(ei->param, sizeof(ei->param), "%s", param != NULL ? param : "");
    ei->decline_code[0] = '\0';
    va_start(ap, fmt);
    vsnprintf(ei->message, sizeof(ei->message), fmt, ap);
    va_end(ap);
    return rc;
}

enum err
errinfo_decline(struct errinfo *ei, const char *code, const char *decline_code,
                const char *message)
{
    ASSERT(code != NULL && message != NULL);
    if (ei == NULL)
        return ERR_DECLINED;
    (void)errinfo_set(ei, ERR_DECLINED, code, NULL, "%s", message);
    snprintf(ei->decline_code, sizeof(ei->decline_code), "%s",
             decline_code != NULL ? decline_code : "");
    return ERR_DECLINED;
}

void
errinfo_clear(struct errinfo *ei)
{
    if (ei != NULL)
        memset(ei, 0, sizeof(*ei));
}

const char *
err_name(enum err rc)
{
    if ((unsigned)rc >= ERR__COUNT)
        return "unknown";
    return err_names[rc];
}
