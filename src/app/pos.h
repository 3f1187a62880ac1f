/*
 * pos.h - POS settings (head admin only): activation with a gateway and a
 * merchant mode, merchant accounts, bank accounts for payouts, card
 * readers and reader orders, and Poise's own fees (connection fee, reader
 * cost) taken from the merchant's balance at the gateway.
 */
#ifndef POISE_APP_POS_H
#define POISE_APP_POS_H

#include "app/app.h"
#include "gateway/gateway.h"
#include "store/pos.h"

/* Poise's prices: $10.00 per merchant account per month, $99.00 a reader. */
#define POS_CONNECTION_FEE_MINOR 1000
#define POS_READER_PRICE_MINOR 9900

/* The account's settings; status "inactive" and no gateway when never on. */
MUST_CHECK enum err app_pos_get(struct app_ctx *ctx, struct pos_settings *out,
                                struct errinfo *ei);

/*
 * Turn POS on with gateway ("sandbox", "stripe", "clearent") and mode
 * ("single", "multiple"): connects the account at the gateway and creates
 * its merchant accounts (one, or one per clinic). ERR_RULE when Clearent
 * is asked for and a clinic is outside the US, ERR_CONFLICT when POS is
 * already on with other settings (on with the same ones is a no-op).
 */
MUST_CHECK enum err app_pos_activate(struct app_ctx *ctx, const char *gateway,
                                     const char *mode, struct pos_settings *out,
                                     struct errinfo *ei);

/*
 * Turn POS off. Without confirm: ERR_CONFLICT "confirmation_required" and
 * *usage says what would stop. With it: deletes every saved card at the
 * gateway and locally, cancels open holds and reader payments there, and
 * marks POS inactive.
 */
MUST_CHECK enum err app_pos_deactivate(struct app_ctx *ctx, bool confirm,
                                       struct pos_usage *usage,
                                       struct pos_settings *out,
                                       struct errinfo *ei);

/*
 * The active settings and gateway, for every operation that takes money:
 * ERR_RULE "pos_inactive" when POS is off. *ops is static.
 */
MUST_CHECK enum err app_pos_require(struct app_ctx *ctx,
                                    struct pos_settings *settings,
                                    const struct gw_ops **ops,
                                    struct errinfo *ei);

/*
 * Configure the remote gateways from the environment (POISE_STRIPE_*,
 * POISE_CLEARENT_*, POISE_GATEWAY_TIMEOUT_MS; docs/operations.md) and
 * initialise the HTTP client. Once, at start-up.
 */
void app_gateways_configure(void);

/* A gateway context for ctx's account and time. */
struct gw_ctx app_gw_ctx(const struct app_ctx *ctx);

MUST_CHECK enum err app_merchant_list(struct app_ctx *ctx,
                                      struct merchant_account **out,
                                      size_t *count, struct errinfo *ei);
/* Multiple mode: the merchant account of a clinic that has none yet. */
MUST_CHECK enum err app_merchant_create(struct app_ctx *ctx,
                                        const char *clinic_id,
                                        struct merchant_account *out,
                                        struct errinfo *ei);
/* The merchant account payments at clinic_id settle to. */
MUST_CHECK enum err app_merchant_for_clinic(struct app_ctx *ctx,
                                            const char *clinic_id,
                                            struct merchant_account *out,
                                            struct errinfo *ei);

struct bank_account_input {
    const char *merchant_account_id; /* NULL in single mode */
    const char *holder_name;
    const char *routing_number;
    const char *account_number; /* sent to the gateway, never stored */
    const char *idem_key;       /* the request's, or NULL */
};

MUST_CHECK enum err app_bank_create(struct app_ctx *ctx,
                                    const struct bank_account_input *in,
                                    struct bank_account *out,
                                    struct errinfo *ei);
MUST_CHECK enum err app_bank_list(struct app_ctx *ctx,
                                  struct bank_account **out, size_t *count,
                                  struct errinfo *ei);
MUST_CHECK enum err app_bank_set_default(struct app_ctx *ctx, const char *id,
                                         struct bank_account *out,
                                         struct errinfo *ei);
/* Not the default while others exist; never one a payout is headed to. */
MUST_CHECK enum err app_bank_delete(struct app_ctx *ctx, const char *id,
                                    struct errinfo *ei);

/* idem_key (may be NULL): the request's, keying the gateway call. */
MUST_CHECK enum err app_reader_create(struct app_ctx *ctx,
                                      const char *clinic_id, const char *serial,
                                      const char *label, const char *idem_key,
                                      struct card_reader *out,
                                      struct errinfo *ei);
MUST_CHECK enum err app_reader_get(struct app_ctx *ctx, const char *id,
                                   struct card_reader *out, struct errinfo *ei);
MUST_CHECK enum err app_reader_list(struct app_ctx *ctx,
                                    struct card_reader **out, size_t *count,
                                    struct errinfo *ei);
MUST_CHECK enum err app_reader_delete(struct app_ctx *ctx, const char *id,
                                      struct errinfo *ei);

/*
 * Order quantity readers for clinic_id. The account's first reader is
 * deducted from its first payout; every other reader is charged now.
 * *fees receives the fee statements written (1 or 2), arena-owned.
 */
MUST_CHECK enum err
app_reader_order(struct app_ctx *ctx, const char *clinic_id, int64_t quantity,
                 const char *shipping_name, const char *idem_key,
                 struct reader_order *out, struct fee_statement **fees,
                 size_t *fee_count, struct errinfo *ei);

/*
 * Bill merchant_id's connection fee for period ("2026-12") once: a
 * gateway debit keyed by the period and a fee statement; a second call
 * for the same period changes nothing.
 */
MUST_CHECK enum err app_connection_fee_bill(struct app_ctx *ctx,
                                            const char *merchant_id,
                                            const char *period,
                                            struct errinfo *ei);

/*
 * Enqueue this month's connection-fee job of every billable merchant
 * account (of ctx's account, or of all when ctx->account_id is NULL):
 * key "connection_fee:<merchant>:<YYYY-MM>", the month of ctx->now_ms in
 * UTC. In ctx's transaction; enqueueing twice makes one job.
 */
MUST_CHECK enum err app_connection_fees_enqueue(struct app_ctx *ctx,
                                                struct errinfo *ei);

MUST_CHECK enum err app_fee_list(struct app_ctx *ctx, const struct page *page,
                                 struct fee_statement **out, size_t *count,
                                 bool *has_more, struct errinfo *ei);

#endif
