/*
 * ledger.h - ledger_accounts, ledger_transfers, ledger_entries.
 *
 * Entries are only ever inserted; a ledger account's balance_minor is a
 * cache of debits minus credits of its entries, updated in the same
 * transaction as the insert and proven by store_ledger_verify().
 */
#ifndef POISE_STORE_LEDGER_H
#define POISE_STORE_LEDGER_H

#include "core/ledger.h"
#include "store/store.h"

struct ledger_account {
    const char *id;
    const char *owner_type; /* "patient", "gift_card", "drawer", "account" */
    const char *owner_id;
    const char *kind; /* "wallet_credit", "gateway_clearing", ... */
    const char *currency;
    enum ledger_normal normal;
    bool allow_negative;
    int64_t balance_minor;
    int64_t created_at_ms;
};

/*
 * The ledger account for (owner_type, owner_id, kind, currency); *found
 * false when none.
 */
MUST_CHECK enum err store_ledger_account_find(struct db *db, struct arena *a,
                                              const char *account_id,
                                              const struct ledger_account *key,
                                              struct ledger_account *out,
                                              bool *found, struct errinfo *ei);
/*
 * Insert la unless an account with its (owner_type, owner_id, kind,
 * currency) exists (a concurrent first posting made it): then nothing
 * happens, and the caller finds the one that exists.
 */
MUST_CHECK enum err store_ledger_account_insert(struct db *db, struct arena *a,
                                                const char *account_id,
                                                const struct ledger_account *la,
                                                struct errinfo *ei);
/* Read a ledger account by id. ERR_NOT_FOUND when absent. */
MUST_CHECK enum err store_ledger_account_get(struct db *db, struct arena *a,
                                             const char *account_id,
                                             const char *id,
                                             struct ledger_account *out,
                                             struct errinfo *ei);

/* Insert a transfer header. */
MUST_CHECK enum err store_ledger_transfer_insert(
    struct db *db, struct arena *a, const char *account_id, const char *id,
    const char *currency, const char *reason, const char *source_type,
    const char *source_id, int64_t now_ms, struct errinfo *ei);

/*
 * Add the entry's delta to its account's cached balance (taking the row's
 * lock) and insert the entry. *before receives the balance before the
 * entry and the account's rules, so the caller can refuse an overdraft
 * and roll back. ERR_NOT_FOUND when the ledger account does not exist.
 */
MUST_CHECK enum err store_ledger_entry_insert(
    struct db *db, struct arena *a, const char *account_id,
    const char *transfer_id, int seq, const struct ledger_entry *e,
    const char *currency, struct ledger_account *before, struct errinfo *ei);

/*
 * Verify the whole ledger: debits equal credits per currency (across all
 * accounts and per account), every cached balance equals its entries,
 * every transfer balances. report() gets one line per problem.
 */
MUST_CHECK enum err store_ledger_verify(struct db *db, struct arena *a,
                                        void (*report)(void *, const char *),
                                        void *report_ctx, int *problems,
                                        struct errinfo *ei);

#endif
