/*
 * cards.c - a patient's cards on file: saved at the gateway from a token,
 * kept here as brand, last 4, expiry and the gateway's reference only.
 */
#include <string.h>

#include "app/payment_int.h"
#include "app/pos.h"
#include "base/assert.h"
#include "base/crypto.h"
#include "store/patients.h"

static enum err
patient_check(struct app_ctx *ctx, const char *patient_id, struct errinfo *ei)
{
    struct patient p;
    enum err rc = store_patient_get(ctx->db, ctx->a, ctx->account_id,
                                    patient_id, &p, ei);

    if (rc == ERR_NOT_FOUND)
        return app_not_found(ei, "patient", patient_id, "id");
    return rc ? app_store_fail(rc, ei) : ERR_OK;
}

/* The patient's customer at the gateway, made on first use. */
static enum err
customer_of(struct app_ctx *ctx, const struct pos_settings *s,
            const struct gw_ops *ops, const char *patient_id, const char **ref,
            struct errinfo *ei)
{
    char made[GW_REF_MAX];
    struct gw_ctx g = app_gw_ctx(ctx);
    enum err rc = store_customer_get(ctx->db, ctx->a, ctx->account_id,
                                     patient_id, s->gateway, ref, ei);

    if (rc != ERR_NOT_FOUND)
        return rc ? app_store_fail(rc, ei) : ERR_OK;
    errinfo_clear(ei);
    rc = ops->customer_create(&g, payment_gw_key(ctx, "cus", patient_id),
                              patient_id, made, ei);
    if (rc)
        return rc;
    *ref = arena_strdup(ctx->a, made);
    rc = store_customer_insert(ctx->db, ctx->a, ctx->account_id, patient_id,
                               s->gateway, *ref, ctx->now_ms, ei);
    return rc ? app_store_fail(rc, ei) : ERR_OK;
}

enum err
app_card_add(struct app_ctx *ctx, const char *patient_id, const char *token,
             const char *idem_key, struct card *out, struct errinfo *ei)
{
    struct pos_settings s;
    const struct gw_ops *ops;
    struct gw_card gc;
    struct gw_ctx g = app_gw_ctx(ctx);
    char ref[GW_REF_MAX];
    struct card *existing;
    size_t n;
    bool more;
    enum err rc = app_pos_require(ctx, &s, &ops, ei);

    if (rc == ERR_OK)
        rc = patient_check(ctx, patient_id, ei);
    if (rc == ERR_OK)
        rc = customer_of(ctx, &s, ops, patient_id, &out->customer_ref, ei);
    if (rc)
        return rc;
    out->id = id_new(ctx->a, "card", ctx->now_ms);
    memset(&gc, 0, sizeof(gc));
    rc = ops->card_attach(
        &g, payment_gw_key(ctx, "att", idem_key != NULL ? idem_key : out->id),
        out->customer_ref, token, ref, &gc, ei);
    if (rc)
        return rc == ERR_NOT_FOUND ? ERR_INVALID : rc;
    rc = store_card_list_active(ctx->db, ctx->a, ctx->account_id, patient_id, 1,
                                NULL, &existing, &n, &more, ei);
    if (rc)
        return app_store_fail(rc, ei);
    out->patient_id = patient_id;
    out->gateway = s.gateway;
    out->gateway_ref = arena_strdup(ctx->a, ref);
    out->brand = arena_strdup(ctx->a, gc.brand);
    out->last4 = arena_strdup(ctx->a, gc.last4);
    out->exp_month = gc.exp_month;
    out->exp_year = gc.exp_year;
    out->is_default = n == 0; /* the first card is the default */
    out->status = "active";
    out->created_at_ms = ctx->now_ms;
    out->updated_at_ms = ctx->now_ms;
    rc = store_card_insert(ctx->db, ctx->a, ctx->account_id, out, ei);
    if (rc)
        return app_store_fail(rc, ei);
    json_t *sum = json_object();
    json_put(sum, "patient", json_string(patient_id));
    json_put(sum, "brand", json_string(out->brand));
    json_put(sum, "last4", json_string(out->last4));
    return app_audit(ctx, "card.create", "card", out->id, sum, ei);
}

enum err
app_card_list(struct app_ctx *ctx, const char *patient_id, struct card **out,
              size_t *count, struct errinfo *ei)
{
    bool more;
    enum err rc = patient_check(ctx, patient_id, ei);

    if (rc)
        return rc;
    rc = store_card_list_active(ctx->db, ctx->a, ctx->account_id, patient_id,
                                100, NULL, out, count, &more, ei);
    return rc ? app_store_fail(rc, ei) : ERR_OK;
}

/* Card card_id of patient_id, or ERR_NOT_FOUND. */
static enum err
card_of(struct app_ctx *ctx, const char *patient_id, const char *card_id,
        struct card *out, struct errinfo *ei)
{
    enum err rc = patient_check(ctx, patient_id, ei);

    if (rc)
        return rc;
    rc = store_card_get(ctx->db, ctx->a, ctx->account_id, card_id, out, ei);
    if (rc == ERR_NOT_FOUND ||
        (rc == ERR_OK && strcmp(out->patient_id, patient_id) != 0))
        return app_not_found(ei, "card", card_id, "card");
    return rc ? app_store_fail(rc, ei) : ERR_OK;
}

enum err
app_card_set_default(struct app_ctx *ctx, const char *patient_id,
                     const char *card_id, struct card *out, struct errinfo *ei)
{
    enum err rc = card_of(ctx, patient_id, card_id, out, ei);

    if (rc || out->is_default)
        return rc;
    rc = store_card_set_default(ctx->db, ctx->a, ctx->account_id, patient_id,
                                card_id, ctx->now_ms, ei);
    if (rc)
        return app_store_fail(rc, ei);
    out->is_default = true;
    return app_audit(ctx, "card.set_default", "card", card_id, json_object(),
                     ei);
}

enum err
app_card_delete(struct app_ctx *ctx, const char *patient_id,
                const char *card_id, struct errinfo *ei)
{
    struct pos_settings s;
    const struct gw_ops *ops;
    struct card c;
    struct gw_ctx g = app_gw_ctx(ctx);
    enum err rc = app_pos_require(ctx, &s, &ops, ei);

    if (rc == ERR_OK)
        rc = card_of(ctx, patient_id, card_id, &c, ei);
    if (rc)
        return rc;
    rc = ops->card_detach(&g, c.customer_ref, c.gateway_ref, ei);
    if (rc && rc != ERR_NOT_FOUND)
        return rc;
    rc = store_card_delete(ctx->db, ctx->a, ctx->account_id, card_id,
                           ctx->now_ms, ei);
    if (rc)
        return app_store_fail(rc, ei);
    return app_audit(ctx, "card.delete", "card", card_id, json_object(), ei);
}
