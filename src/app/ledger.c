/*
 * ledger.c - find-or-create ledger accounts and post transfers.
 *
 * The overdraft rule is checked against the balance read under the row's
 * lock (the UPDATE ... RETURNING in store_ledger_entry_insert), so two
 * concurrent transfers cannot both spend the same balance.
 */
#include "app/ledger.h"

#include <string.h>

#include "base/assert.h"
#include "base/crypto.h"
#include "base/money.h"

enum err
app_ledger_account(struct app_ctx *ctx, const char *owner_type,
                   const char *owner_id, const char *kind, const char *currency,
                   enum ledger_normal normal, bool allow_negative,
                   const char **id, struct errinfo *ei)
{
    struct ledger_account la = {
        .owner_type = owner_type,
        .owner_id = owner_id,
        .kind = kind,
        .currency = currency,
        .normal = normal,
        .allow_negative = allow_negative,
        .created_at_ms = ctx->now_ms,
    };
    struct ledger_account found;
    bool exists;
    enum err rc;

    ASSERT(currency_by_code(str_c(currency)) != NULL);
    rc = store_ledger_account_find(ctx->db, ctx->a, ctx->account_id, &la,
                                   &found, &exists, ei);
    if (rc)
        return app_store_fail(rc, ei);
    if (exists) {
        *id = found.id;
        return ERR_OK;
    }
    la.id = id_new(ctx->a, "la", ctx->now_ms);
    if (la.id == NULL)
        return ERR_LIMIT;
    rc = store_ledger_account_insert(ctx->db, ctx->a, ctx->account_id, &la, ei);
    if (rc == ERR_OK) /* ours, or a concurrent request's that won */
        rc = store_ledger_account_find(ctx->db, ctx->a, ctx->account_id, &la,
                                       &found, &exists, ei);
    if (rc)
        return app_store_fail(rc, ei);
    ASSERT(exists);
    *id = found.id;
    return ERR_OK;
}

static enum err
post_entry(struct app_ctx *ctx, const char *transfer_id, int seq,
           const struct ledger_entry *e, const char *currency,
           struct errinfo *ei)
{
    struct ledger_account before;
    int64_t after;
    enum err rc;

    rc = store_ledger_entry_insert(ctx->db, ctx->a, ctx->account_id,
                                   transfer_id, seq, e, currency, &before, ei);
    if (rc == ERR_NOT_FOUND)
        return errinfo_set(ei, ERR_INTERNAL, "internal_error", NULL,
                           "no ledger account '%s'", e->ledger_account_id);
    if (rc)
        return app_store_fail(rc, ei);
    /* One currency per transfer: every account must hold it. */
    ASSERT(strcmp(before.currency, currency) == 0);
    rc = ledger_balance_apply(before.balance_minor, ledger_entry_delta(e),
                              before.normal, before.allow_negative, &after);
    if (rc == ERR_RULE)
        return errinfo_set(ei, ERR_RULE, "insufficient_balance", NULL,
                           "the balance is too low for this");
    if (rc)
        return errinfo_set(ei, rc, "amount_too_large", NULL,
                           "the balance would overflow");
    return ERR_OK;
}

enum err
app_ledger_post(struct app_ctx *ctx, const char *currency,
                const struct ledger_transfer *t, const char *reason,
                const char *source_type, const char *source_id,
                const char **transfer_id, struct errinfo *ei)
{
    const struct currency_info *ci = currency_by_code(str_c(currency));
    char *id;
    enum err rc;

    ASSERT(ci != NULL && ci->numeric == t->currency);
    ASSERT(db_in_tx(ctx->db));
    rc = ledger_transfer_check(t, ei);
    if (rc)
        return rc;
    id = id_new(ctx->a, "ltr", ctx->now_ms);
    if (id == NULL)
        return ERR_LIMIT;
    rc = store_ledger_transfer_insert(ctx->db, ctx->a, ctx->account_id, id,
                                      currency, reason, source_type, source_id,
                                      ctx->now_ms, ei);
    if (rc)
        return app_store_fail(rc, ei);
    for (size_t i = 0; i < t->entry_count; i++) {
        rc = post_entry(ctx, id, (int)i + 1, &t->entries[i], currency, ei);
        if (rc)
            return rc;
    }
    *transfer_id = id;
    return ERR_OK;
}

enum err
app_ledger_balance(struct app_ctx *ctx, const char *id, int64_t *balance_minor,
                   struct errinfo *ei)
{
    struct ledger_account la;
    enum err rc = store_ledger_account_get(ctx->db, ctx->a, ctx->account_id, id,
                                           &la, ei);

    if (rc == ERR_NOT_FOUND)
        return app_not_found(ei, "ledger account", id, "id");
    if (rc)
        return app_store_fail(rc, ei);
    *balance_minor = la.balance_minor;
    return ERR_OK;
}

/*
 * The money kinds of card payments and cash. Asset-like kinds sit on the debit
 * side, income on the credit side; none of them is a stored value a
 * patient can spend, so none refuses to cross zero (a dispute can take a
 * processor balance below zero).
 */
static const struct {
    const char *kind;
    enum ledger_normal normal;
} money_kinds[] = {
    {"processor_balance", LEDGER_NORMAL_DEBIT}, /* owed to us by the gateway */
    {"payout_in_transit", LEDGER_NORMAL_DEBIT},
    {"bank", LEDGER_NORMAL_DEBIT},
    {"dispute_hold", LEDGER_NORMAL_DEBIT},
    {"card_sales", LEDGER_NORMAL_CREDIT}, /* card payments taken */
    {"processing_fees", LEDGER_NORMAL_DEBIT},
    {"platform_fees", LEDGER_NORMAL_DEBIT}, /* Poise's fees and readers */
    {"dispute_fees", LEDGER_NORMAL_DEBIT},
    {"chargeback_losses", LEDGER_NORMAL_DEBIT},
    /* Cash (app/drawer.c): a clinic's safe, its cash takings, petty-cash
     * expenses and the drawers' over/short, against each drawer's own
     * "drawer_cash" account (which alone refuses to go negative). */
    {"cash_safe", LEDGER_NORMAL_DEBIT},
    {"cash_sales", LEDGER_NORMAL_CREDIT},
    {"petty_cash", LEDGER_NORMAL_DEBIT},
    {"cash_over_short", LEDGER_NORMAL_DEBIT},
};

enum err
app_ledger_kind(struct app_ctx *ctx, const char *owner_type,
                const char *owner_id, const char *kind, const char *currency,
                const char **id, struct errinfo *ei)
{
    for (size_t i = 0; i < sizeof(money_kinds) / sizeof(money_kinds[0]); i++) {
        if (strcmp(money_kinds[i].kind, kind) == 0)
            return app_ledger_account(ctx, owner_type, owner_id, kind, currency,
                                      money_kinds[i].normal, true, id, ei);
    }
    ASSERT(!"unknown money kind");
    return ERR_INTERNAL;
}

enum err
app_ledger_move(struct app_ctx *ctx, const char *currency, const char *debit_id,
                const char *credit_id, int64_t amount, const char *reason,
                const char *source_type, const char *source_id,
                struct errinfo *ei)
{
    const struct currency_info *ci = currency_by_code(str_c(currency));
    struct ledger_entry e[2] = {
        {.ledger_account_id = debit_id,
         .side = LEDGER_DEBIT,
         .amount_minor = amount},
        {.ledger_account_id = credit_id,
         .side = LEDGER_CREDIT,
         .amount_minor = amount},
    };
    struct ledger_transfer t = {.entry_count = 2, .entries = e};
    const char *tid;

    ASSERT(ci != NULL);
    ASSERT(amount > 0);
    t.currency = ci->numeric;
    return app_ledger_post(ctx, currency, &t, reason, source_type, source_id,
                           &tid, ei);
}
