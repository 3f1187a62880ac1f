/*
 * payment.h - cards on file, card payments (authorize, capture, cancel)
 * and refunds, through the account's gateway.
 *
 * A payment is recorded in phases so that a crash can never charge twice
 * or lose a charge: phase 1 writes the payment 'pending' with the gateway
 * idempotency key derived from the request's Idempotency-Key and commits;
 * phase 2 calls the gateway with that key; phase 3 records the outcome
 * and its ledger transfers. A retry of the request finds the payment by
 * its key and resumes; app_payment_recover() finishes payments a crash
 * left pending, asking the gateway what happened.
 *
 * The phased functions are called with a write transaction open on ctx,
 * commit it, and return with a new one open (also on failure, when the
 * failure was recorded: a decline is kept as a failed payment).
 */
#ifndef POISE_APP_PAYMENT_H
#define POISE_APP_PAYMENT_H

#include "app/app.h"
#include "store/payments.h"

#define PAYMENT_AMOUNT_MAX 99999999
#define PAYMENT_METADATA_KEYS_MAX 20
/* A payment still pending this long was abandoned by a crash. */
#define PAYMENT_RECOVER_AFTER_MS (10LL * 60 * 1000)

struct payment_input {
    int64_t amount;
    const char *currency;
    const char *patient_id;  /* may be NULL */
    const char *clinic_id;   /* may be NULL for a reader: the reader's */
    const char *source_type; /* "token", "card", "reader" */
    const char *token;
    const char *card_id;
    const char *reader_id;
    bool capture;
    const char *description;  /* may be NULL */
    const char *metadata;     /* JSON object text, "{}" when none */
    const char *idem_key;     /* the request's Idempotency-Key */
    const char *request_hash; /* of the request, to refuse a reused key */
};

MUST_CHECK enum err app_payment_create(struct app_ctx *ctx,
                                       const struct payment_input *in,
                                       struct payment *out, struct errinfo *ei);
MUST_CHECK enum err app_payment_get(struct app_ctx *ctx, const char *id,
                                    struct payment *out, struct errinfo *ei);
MUST_CHECK enum err app_payment_list(struct app_ctx *ctx,
                                     const struct payment_filter *f,
                                     const struct page *page,
                                     struct payment **out, size_t *count,
                                     bool *has_more, struct errinfo *ei);
/* Capture amount (0: all) of a requires_capture payment. Phased. */
MUST_CHECK enum err app_payment_capture(struct app_ctx *ctx, const char *id,
                                        int64_t amount, const char *idem_key,
                                        struct payment *out,
                                        struct errinfo *ei);
/* Cancel a hold, or void a payment not yet settled (no fee). Phased. */
MUST_CHECK enum err app_payment_cancel(struct app_ctx *ctx, const char *id,
                                       const char *idem_key,
                                       struct payment *out, struct errinfo *ei);

/*
 * Whether payment id has settled at its gateway (a cancel can no longer
 * void it; only a refund gives the money back). Asks the gateway.
 */
MUST_CHECK enum err app_payment_settled(struct app_ctx *ctx, const char *id,
                                        bool *settled, struct errinfo *ei);
/*
 * Finish payments left 'pending' before older_than_ms by a crash: ask the
 * gateway for the charge made with each one's key; record it, or fail the
 * payment when the gateway never made one. Runs outside any request (its
 * own transactions); *done counts the payments settled.
 */
MUST_CHECK enum err app_payment_recover(struct app_ctx *ctx,
                                        int64_t older_than_ms, int *done,
                                        struct errinfo *ei);

/*
 * Cancel the account's open holds and reader payments at the gateway
 * (POS deactivation): up to PAGE_LIMIT_MAX of each kind per call, in
 * ctx's transaction. *canceled counts them.
 */
struct gw_ops;
MUST_CHECK enum err app_payment_cancel_open(struct app_ctx *ctx,
                                            const struct gw_ops *ops,
                                            int64_t *canceled,
                                            struct errinfo *ei);

/*
 * The refunds of a payment (oldest first) for its detail view.
 */
MUST_CHECK enum err app_payment_refunds(struct app_ctx *ctx,
                                        const char *payment_id,
                                        struct refund **out, size_t *count,
                                        struct errinfo *ei);

struct refund_input {
    const char *payment_id;
    int64_t amount; /* 0: what is left */
    const char *reason;
    const char *idem_key;
};

/*
 * Finish refunds left 'pending' before older_than_ms by a crash: the
 * refund was asked for, so it is sent again with its own gateway key
 * (the gateway answers with the refund it made, or makes it now) and the
 * outcome recorded. Outside any transaction; *done counts them.
 */
MUST_CHECK enum err app_refund_recover(struct app_ctx *ctx,
                                       int64_t older_than_ms, int *done,
                                       struct errinfo *ei);

/* Refund up to captured minus refunded. Phased. */
MUST_CHECK enum err app_refund_create(struct app_ctx *ctx,
                                      const struct refund_input *in,
                                      struct refund *out, struct errinfo *ei);
MUST_CHECK enum err app_refund_get(struct app_ctx *ctx, const char *id,
                                   struct refund *out, struct errinfo *ei);

/* Cards on file. */
MUST_CHECK enum err app_card_add(struct app_ctx *ctx, const char *patient_id,
                                 const char *token, const char *idem_key,
                                 struct card *out, struct errinfo *ei);
MUST_CHECK enum err app_card_list(struct app_ctx *ctx, const char *patient_id,
                                  struct card **out, size_t *count,
                                  struct errinfo *ei);
MUST_CHECK enum err app_card_set_default(struct app_ctx *ctx,
                                         const char *patient_id,
                                         const char *card_id, struct card *out,
                                         struct errinfo *ei);
MUST_CHECK enum err app_card_delete(struct app_ctx *ctx, const char *patient_id,
                                    const char *card_id, struct errinfo *ei);

/*
 * Apply what a gateway webhook says changed (the object is fetched from
 * the gateway, so order and repetition do not matter). Used by webhook.c.
 */
struct gw_charge;
struct gw_refund;
MUST_CHECK enum err app_payment_sync_charge(struct app_ctx *ctx,
                                            const char *charge_ref,
                                            struct errinfo *ei);
MUST_CHECK enum err app_payment_sync_refund(struct app_ctx *ctx,
                                            const char *refund_ref,
                                            struct errinfo *ei);

#endif
