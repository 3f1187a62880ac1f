/*
 * checkout.h - paying an invoice with any mix of tenders, all or nothing.
 *
 * A checkout is one request: card legs (a token, a card on file, or a
 * payment already authorized on a reader), cash, check and external
 * tenders, each with an optional tip; the tip is split over providers.
 * Card legs are authorized first; if every one is approved they are
 * captured and every tender is recorded in one commit; if one declines,
 * the others are cancelled, nothing is recorded and the error names the
 * tender (param "tenders[1]"). The checkout is written 'pending' with its
 * request before any card is touched, so a retry with the same
 * Idempotency-Key, or the recovery pass after a crash, finishes it the
 * same way and never charges twice; one pending checkout per invoice is
 * what turns a second clerk away with 409.
 */
#ifndef POISE_APP_CHECKOUT_H
#define POISE_APP_CHECKOUT_H

#include "app/app.h"
#include "store/checkouts.h"
#include "store/invoices.h"

#define CHECKOUT_TENDERS_MAX 10

/* The outcome of a checkout, for the answer. */
struct checkout_result {
    struct invoice_checkout co;
    struct invoice inv;
    struct invoice_line *lines; /* arena-owned */
    size_t line_count;
    struct invoice_tender *tenders; /* this checkout's, arena-owned */
    size_t tender_count;
    struct invoice_tip *tips; /* this checkout's, arena-owned */
    size_t tip_count;
};

/*
 * Pay invoice_id with the tenders of body (the request's JSON object; see
 * docs/invoices.md). Phased: called with a write transaction open, which
 * it commits; returns with one open. ERR_DECLINED names the tender that
 * declined; ERR_CONFLICT "invoice_payment_in_progress" when another
 * checkout of the invoice is under way, "invoice_not_payable" when it is
 * not open; ERR_RULE "amount_exceeds_balance" when the non-cash tenders
 * are more than is owed (cash beyond it is change, in change_due).
 */
MUST_CHECK enum err app_invoice_pay(struct app_ctx *ctx, const char *invoice_id,
                                    json_t *body, const char *body_text,
                                    const char *idem_key,
                                    const char *request_hash,
                                    struct checkout_result *out,
                                    struct errinfo *ei);

/*
 * Finish checkouts a crash left pending since before older_than_ms, the
 * way a retry would: forward when every card leg is approved, back (holds
 * released) otherwise. Outside any transaction; *done counts them.
 */
MUST_CHECK enum err app_checkout_recover(struct app_ctx *ctx,
                                         int64_t older_than_ms, int *done,
                                         struct errinfo *ei);

/* True while invoice_id has a checkout under way (void waits for it). */
MUST_CHECK enum err app_checkout_pending(struct app_ctx *ctx,
                                         const char *invoice_id, bool *pending,
                                         struct errinfo *ei);

/*
 * Refund invoice_id as body asks: {"lines": [{"line": 1, "quantity": 1}],
 * "restock": true} or {"amount": 5000}, with an optional "reason". The
 * money goes back to the tenders that paid (card: a gateway refund; cash:
 * out of the drawer of its register; check and external: recorded),
 * never more than each paid; tax and tips come back in proportion,
 * exactly. Phased like app_invoice_pay. ERR_RULE "refund_exceeds_paid"
 * beyond what is left; ERR_CONFLICT "invoice_not_refundable" when nothing
 * was paid, "refund_in_progress" while another refund runs.
 */
MUST_CHECK enum err
app_invoice_refund(struct app_ctx *ctx, const char *invoice_id, json_t *body,
                   const char *body_text, const char *idem_key,
                   const char *request_hash, struct invoice_refund *out,
                   struct errinfo *ei);
/*
 * Void a paid (or partly paid) invoice nothing was refunded on, while
 * none of its cards has settled: every tender is undone — card legs
 * voided at the gateway (no fee), financing cancelled, cash out of the
 * drawer — products go back on the shelf and the invoice is void. A
 * settled card is ERR_CONFLICT "invoice_settled" (refund instead).
 * Phased and recoverable like a refund; *out is the void's record.
 */
MUST_CHECK enum err
app_invoice_void_paid(struct app_ctx *ctx, const char *invoice_id,
                      const char *idem_key, const char *request_hash,
                      struct invoice_refund *out, struct errinfo *ei);
/* Finish refunds a crash left pending, as a retry would. */
MUST_CHECK enum err app_invoice_refund_recover(struct app_ctx *ctx,
                                               int64_t older_than_ms, int *done,
                                               struct errinfo *ei);

#endif
