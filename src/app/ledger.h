/*
 * ledger.h - posting money movements: every balance in Poise (wallet,
 * gift card, drawer, clearing, payouts) is a ledger account, and every
 * movement is one balanced, immutable transfer posted here.
 */
#ifndef POISE_APP_LEDGER_H
#define POISE_APP_LEDGER_H

#include "app/app.h"
#include "core/ledger.h"
#include "store/ledger.h"

/*
 * The ledger account for (owner_type, owner_id, kind, currency), created
 * with normal side and overdraft rule when absent. *id is arena-owned.
 */
MUST_CHECK enum err
app_ledger_account(struct app_ctx *ctx, const char *owner_type,
                   const char *owner_id, const char *kind, const char *currency,
                   enum ledger_normal normal, bool allow_negative,
                   const char **id, struct errinfo *ei);

/*
 * Post transfer t (currency code in currency, which must match every
 * account's) for reason and source. Checks the transfer with core rules,
 * refuses to take an account that may not go negative below zero
 * (ERR_RULE "insufficient_balance"), updates cached balances in the same
 * transaction. *transfer_id is arena-owned.
 */
MUST_CHECK enum err app_ledger_post(struct app_ctx *ctx, const char *currency,
                                    const struct ledger_transfer *t,
                                    const char *reason, const char *source_type,
                                    const char *source_id,
                                    const char **transfer_id,
                                    struct errinfo *ei);

/*
 * The ledger account of kind for an owner, by the table of money kinds in
 * ledger.c ("processor_balance", "card_sales", "processing_fees", ...),
 * which fixes its normal side; created when absent. *id arena-owned.
 */
MUST_CHECK enum err app_ledger_kind(struct app_ctx *ctx, const char *owner_type,
                                    const char *owner_id, const char *kind,
                                    const char *currency, const char **id,
                                    struct errinfo *ei);

/* One leg to one leg: debit debit_id and credit credit_id by amount > 0. */
MUST_CHECK enum err app_ledger_move(struct app_ctx *ctx, const char *currency,
                                    const char *debit_id, const char *credit_id,
                                    int64_t amount, const char *reason,
                                    const char *source_type,
                                    const char *source_id, struct errinfo *ei);

/* The balance of ledger account id (debits minus credits). */
MUST_CHECK enum err app_ledger_balance(struct app_ctx *ctx, const char *id,
                                       int64_t *balance_minor,
                                       struct errinfo *ei);

#endif
