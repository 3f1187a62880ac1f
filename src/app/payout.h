/*
 * payout.h - payouts (with the deposit report that makes each one up) and
 * disputes, as the gateway reports them.
 *
 * The gateway decides payouts and disputes; Poise learns of them from
 * webhooks, fetches the object, and records it
 * with its ledger transfers: a payout moves money from the processor
 * balance to "in transit" and then to the bank; a dispute holds the
 * amount and its fee, and gives them back when won.
 */
#ifndef POISE_APP_PAYOUT_H
#define POISE_APP_PAYOUT_H

#include "app/app.h"
#include "store/payouts.h"

MUST_CHECK enum err app_payout_sync(struct app_ctx *ctx, const char *ref,
                                    struct errinfo *ei);
MUST_CHECK enum err app_payout_list(struct app_ctx *ctx,
                                    const struct page *page,
                                    struct payout **out, size_t *count,
                                    bool *has_more, struct errinfo *ei);
/* A payout with its deposit report (items sum to its amount). */
MUST_CHECK enum err app_payout_get(struct app_ctx *ctx, const char *id,
                                   struct payout *out,
                                   struct payout_item **items,
                                   size_t *item_count, struct errinfo *ei);

MUST_CHECK enum err app_dispute_sync(struct app_ctx *ctx, const char *ref,
                                     struct errinfo *ei);
MUST_CHECK enum err app_dispute_list(struct app_ctx *ctx,
                                     const struct page *page,
                                     struct dispute **out, size_t *count,
                                     bool *has_more, struct errinfo *ei);
MUST_CHECK enum err app_dispute_get(struct app_ctx *ctx, const char *id,
                                    struct dispute *out, struct errinfo *ei);
/*
 * Send evidence (a JSON object text) for dispute id; submit=true sends it
 * for review (no more changes after that). Only while it needs a response.
 */
MUST_CHECK enum err app_dispute_evidence(struct app_ctx *ctx, const char *id,
                                         const char *evidence, bool submit,
                                         struct dispute *out,
                                         struct errinfo *ei);

#endif
