/*
 * financing.h - patient financing (Cherry) and buy now, pay later
 * (Klarna): the practice's connections (head admin settings), and the
 * charge, refund and cancel of a financing tender that checkout calls
 * (docs/financing.md).
 *
 * Two transaction rules, on purpose different:
 *
 * - Settings (app_financing_connect, app_financing_disconnect and the
 *   lists) run inside the caller's transaction, like every other use
 *   case: the request's, opened by http/.
 * - Money calls (app_financing_charge, _refund, _cancel, _lookup) are
 *   calls to a remote party. The caller must hold a connection
 *   (ctx->db) with NO transaction open (asserted): a phased handler
 *   commits its first phase (app_tx_commit), calls these, then begins
 *   its next phase (app_tx_begin), as card payments do around the
 *   gateway (payment.c). Each call reads the connection in a short read
 *   of its own, then the connector runs the operation in a short write
 *   transaction of its own on ctx->db (the sandbox keeps its state in
 *   Poise's database, in tables of its own) and commits it before
 *   answering. So what the connector did survives the caller's later
 *   rollback, as it would at Cherry or Klarna: a checkout that fails
 *   after an approved financing charge must cancel it (or refund it)
 *   itself. These calls write no row of Poise's own and no audit event:
 *   the caller records the tender, with the reference, in its next
 *   phase.
 *
 * Every money call takes the idempotency key Poise sends the connector;
 * derive it from the request's key and the tender (one key per
 * operation: charge, each refund, cancel). Calling again with the same
 * key answers the first result and never charges, refunds or cancels
 * twice, also after ERR_GATEWAY.
 */
#ifndef POISE_APP_FINANCING_H
#define POISE_APP_FINANCING_H

#include "app/app.h"
#include "financing/financing.h"
#include "store/financing.h"

/* What the head admin sends to connect a provider. */
struct financing_connect_input {
    const char *provider;      /* "cherry" | "klarna" */
    const char *mode;          /* "sandbox"; "live" is refused */
    const char *merchant_id;   /* the practice's id at the provider */
    const char *merchant_name; /* NULL: the practice's name */
};

/* The longest merchant id and name accepted. */
#define FINANCING_MERCHANT_ID_MAX 60
#define FINANCING_MERCHANT_NAME_MAX 100

/*
 * Connect in->provider for the account, in the caller's transaction:
 * the connector is told, then the connection is kept and audited
 * ("financing.connect"). Errors: ERR_INVALID "parameter_invalid" naming
 * provider, mode, merchant_id or merchant_name; ERR_RULE
 * "live_unavailable" (param mode) for mode "live"; ERR_CONFLICT
 * "financing_connected" when the provider is connected already (any
 * merchant: disconnect first); ERR_RULE "merchant_not_found" (param
 * merchant_id) when the connector does not know the merchant.
 */
MUST_CHECK enum err
app_financing_connect(struct app_ctx *ctx,
                      const struct financing_connect_input *in,
                      struct financing_connection *out, struct errinfo *ei);

/*
 * Disconnect the connection id ("fc_...") or the connected one of a
 * provider ("cherry", "klarna"), in the caller's transaction; audited
 * ("financing.disconnect"). *out is the connection, now disconnected.
 * ERR_NOT_FOUND for no such connection (or provider not connected),
 * ERR_CONFLICT "financing_disconnected" for one disconnected already.
 */
MUST_CHECK enum err app_financing_disconnect(struct app_ctx *ctx,
                                             const char *id_or_provider,
                                             struct financing_connection *out,
                                             struct errinfo *ei);

/* The account's connections, connected or not, newest first. */
MUST_CHECK enum err
app_financing_connection_list(struct app_ctx *ctx, const struct page *page,
                              struct financing_connection **out, size_t *count,
                              bool *has_more, struct errinfo *ei);

/*
 * Charge (authorize and capture) amount_minor in currency for patient_id
 * through provider, with idem_key (1..FIN_KEY_MAX bytes). Outside any
 * transaction (see above). On ERR_OK *reference is the connector's
 * reference of the charge (arena-owned: ctx->a); keep it on the tender.
 *
 * Errors: ERR_DECLINED code "financing_declined", ei->decline_code the
 * reason ("amount_out_of_range", "application_declined", ...) and a
 * message safe to show the patient (a retry with the key answers the
 * same decline); ERR_RULE "financing_not_connected" when provider is not
 * connected; ERR_INVALID naming provider, amount, currency
 * ("currency_unsupported": Cherry takes USD only) or idempotency_key, or
 * "idempotency_error" for a key used with other parameters;
 * ERR_NOT_FOUND (param patient) for no such patient; ERR_GATEWAY
 * "financing_unreachable": no answer, the outcome is unknown: call again
 * with the same key (or app_financing_lookup) before giving up, and if
 * it was approved and the checkout cannot go on, cancel it. ERR_BUSY,
 * ERR_STORE.
 */
MUST_CHECK enum err
app_financing_charge(struct app_ctx *ctx, const char *provider,
                     const char *patient_id, int64_t amount_minor,
                     const char *currency, const char *idem_key,
                     const char **reference, struct errinfo *ei);

/*
 * Refund amount_minor (full or partial; several refunds up to the
 * charge) of the charge reference through provider, with idem_key.
 * Outside any transaction. Errors: ERR_INVALID "amount_too_large"
 * (param amount) past what is left, "currency_mismatch",
 * "idempotency_error"; ERR_CONFLICT "charge_not_refundable" (declined
 * or canceled), "charge_already_refunded"; ERR_NOT_FOUND (param
 * reference) for no such charge of the connected merchant; ERR_RULE
 * "financing_not_connected"; ERR_GATEWAY "financing_unreachable" (the
 * refund may have been made: call again with the same key).
 */
MUST_CHECK enum err
app_financing_refund(struct app_ctx *ctx, const char *provider,
                     const char *reference, int64_t amount_minor,
                     const char *currency, const char *idem_key,
                     struct errinfo *ei);

/*
 * Cancel (void) the approved charge reference, for a checkout that
 * failed after it: nothing is owed or paid. Outside any transaction.
 * A canceled charge is ERR_OK again (any key). Errors: ERR_CONFLICT
 * "charge_already_refunded" (refund the rest instead),
 * "charge_not_cancelable" (declined, or older than 24 hours: refund it
 * in full instead); ERR_NOT_FOUND (param reference); ERR_INVALID
 * "idempotency_error"; ERR_RULE "financing_not_connected"; ERR_GATEWAY
 * "financing_unreachable" (call again with the same key).
 */
MUST_CHECK enum err app_financing_cancel(struct app_ctx *ctx,
                                         const char *provider,
                                         const char *reference,
                                         const char *idem_key,
                                         struct errinfo *ei);

/*
 * The charge provider made with idem_key, for recovery after
 * ERR_GATEWAY or a crash: *out (approved, declined or canceled).
 * Outside any transaction. ERR_NOT_FOUND "resource_missing" when the
 * connector made none (then no money moved: charge again with the
 * key); ERR_RULE "financing_not_connected".
 */
MUST_CHECK enum err app_financing_lookup(struct app_ctx *ctx,
                                         const char *provider,
                                         const char *idem_key,
                                         struct fin_charge *out,
                                         struct errinfo *ei);

/*
 * For reconciliation: the connector's charges of provider for this
 * account (every merchant it connected), newest first, with status and
 * refunded amount; in the caller's transaction. ERR_INVALID (param
 * provider) for an unknown provider. *out is arena-owned.
 */
MUST_CHECK enum err
app_financing_charge_list(struct app_ctx *ctx, const char *provider,
                          const struct page *page, struct fin_charge **out,
                          size_t *count, bool *has_more, struct errinfo *ei);

#endif
