/*
 * audit.c - listing audit events (writing them is app_audit in app.c).
 */
#include "app/audit.h"

enum err
app_audit_list(struct app_ctx *ctx, const struct audit_filter *f,
               const struct page *page, struct audit_event **out, size_t *count,
               bool *has_more, struct errinfo *ei)
{
    enum err rc = store_audit_list(
        ctx->db, ctx->a, ctx->account_id, f->object_type, f->object_id,
        f->action, page->limit, page->starting_after, out, count, has_more, ei);

    return rc ? app_store_fail(rc, ei) : ERR_OK;
}
