/*
 * audit.h - reading the audit trail.
 */
#ifndef POISE_APP_AUDIT_H
#define POISE_APP_AUDIT_H

#include "app/app.h"
#include "store/audit.h"

struct audit_filter {
    const char *object_type;
    const char *object_id;
    const char *action;
};

/* Newest first. */
MUST_CHECK enum err app_audit_list(struct app_ctx *ctx,
                                   const struct audit_filter *f,
                                   const struct page *page,
                                   struct audit_event **out, size_t *count,
                                   bool *has_more, struct errinfo *ei);

#endif
