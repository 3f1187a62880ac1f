/*
 * webhook.c - verify a gateway's event, record its id, apply its effect.
 *
 * The signature is checked over the raw bytes before anything else is
 * believed. Which account an event is for comes from the event itself
 * (its "account" member), and the secret from that account's settings
 * (sandbox) or the process's configuration (Stripe, Clearent); a body
 * whose account is unknown fails like a bad signature, saying nothing of
 * which accounts exist. The object an event names is fetched from the
 * gateway, so events that arrive twice or out of order settle on the
 * same state.
 */
#include "app/webhook.h"

#include <string.h>

#include "app/payment.h"
#include "app/payout.h"
#include "app/pos.h"
#include "base/assert.h"
#include "gateway/gateway.h"
#include "store/payouts.h"
#include "store/pos.h"

static enum err
bad_signature(struct errinfo *ei)
{
    return errinfo_set(ei, ERR_INVALID, "signature_invalid", NULL,
                       "the webhook signature does not verify");
}

/* The "account" member of the body, or NULL; arena-owned. */
static const char *
account_of(struct app_ctx *ctx, struct str body)
{
    json_error_t jerr;
    json_t *v = json_loadb(body.ptr, body.len, 0, &jerr);
    const char *acct = NULL;

    if (v != NULL && json_is_string(json_object_get(v, "account")))
        acct = arena_strdup(ctx->a,
                            json_string_value(json_object_get(v, "account")));
    return acct;
}

/* The signing secret for gateway kind and account. */
static enum err
secret_of(struct app_ctx *ctx, enum gw_kind kind, const char *gateway,
          const char **secret, struct errinfo *ei)
{
    struct pos_settings s;
    enum err rc;

    if (kind == GW_STRIPE)
        *secret = gateway_config()->stripe_webhook_secret;
    else if (kind == GW_CLEARENT)
        *secret = gateway_config()->clearent_webhook_secret;
    if (kind != GW_SANDBOX)
        return *secret != NULL && (*secret)[0] != '\0' ? ERR_OK
                                                       : bad_signature(ei);
    rc = store_pos_get(ctx->db, ctx->a, ctx->account_id, &s, ei);
    if (rc == ERR_NOT_FOUND || (rc == ERR_OK && strcmp(s.gateway, gateway)))
        return bad_signature(ei);
    if (rc)
        return app_store_fail(rc, ei);
    *secret = s.webhook_secret;
    return ERR_OK;
}

static enum err
apply(struct app_ctx *ctx, const struct gw_event *ev, struct errinfo *ei)
{
    switch (ev->object) {
    case GW_EVENT_CHARGE:
        return app_payment_sync_charge(ctx, ev->object_ref, ei);
    case GW_EVENT_REFUND:
        return app_payment_sync_refund(ctx, ev->object_ref, ei);
    case GW_EVENT_PAYOUT:
        return app_payout_sync(ctx, ev->object_ref, ei);
    case GW_EVENT_DISPUTE:
        return app_dispute_sync(ctx, ev->object_ref, ei);
    case GW_EVENT_OTHER:
        return ERR_OK;
    default:
        ASSERT(!"unreachable");
    }
    return ERR_INTERNAL;
}

/*
 * Which Poise account an event is for. The sandbox names the Poise
 * account; Stripe and Clearent name their own merchant account, which
 * one of our merchant accounts carries as its gateway reference.
 */
static enum err
owner_of(struct app_ctx *ctx, enum gw_kind kind, const char *gateway,
         const struct gw_event *ev, struct errinfo *ei)
{
    const char *acct = NULL;
    enum err rc;

    if (kind == GW_SANDBOX)
        return strcmp(ev->account_id, ctx->account_id) == 0 ? ERR_OK
                                                            : bad_signature(ei);
    rc = store_merchant_owner(ctx->db, ctx->a, gateway, ev->account_id, &acct,
                              ei);
    if (rc == ERR_NOT_FOUND)
        return bad_signature(ei);
    if (rc)
        return app_store_fail(rc, ei);
    ctx->account_id = acct;
    ctx->now_ms = app_now_ms(acct);
    return ERR_OK;
}

enum err
app_webhook_receive(struct app_ctx *ctx, const char *gateway,
                    const char *signature, struct str body, bool *duplicate,
                    const char **event_id, struct errinfo *ei)
{
    enum gw_kind kind = gateway_kind_of(gateway);
    const char *secret = NULL;
    struct gw_event ev;
    struct gw_ctx g;
    enum err rc;

    ASSERT(kind != 0 && ctx->account_id == NULL);
    ctx->now_ms = app_now_ms(NULL);
    if (kind == GW_SANDBOX) { /* the secret is the account's own */
        ctx->account_id = account_of(ctx, body);
        if (ctx->account_id == NULL || ctx->account_id[0] == '\0')
            return bad_signature(ei);
        ctx->now_ms = app_now_ms(ctx->account_id);
    }
    rc = secret_of(ctx, kind, gateway, &secret, ei);
    if (rc)
        return rc;
    g = (struct gw_ctx){.account_id = ctx->account_id != NULL ? ctx->account_id
                                                              : "",
                        .now_ms = ctx->now_ms,
                        .a = ctx->a};
    memset(&ev, 0, sizeof(ev));
    rc = gateway_get(kind)->webhook_parse(&g, secret, signature, body.ptr,
                                          body.len, &ev, ei);
    if (rc == ERR_OK)
        rc = owner_of(ctx, kind, gateway, &ev, ei);
    if (rc)
        return rc;
    *event_id = arena_strdup(ctx->a, ev.id);
    rc = store_webhook_event_insert(ctx->db, ctx->a, ctx->account_id, gateway,
                                    ev.id, ev.type, ctx->now_ms, duplicate, ei);
    if (rc)
        return app_store_fail(rc, ei);
    *duplicate = !*duplicate;
    return *duplicate ? ERR_OK : apply(ctx, &ev, ei);
}
