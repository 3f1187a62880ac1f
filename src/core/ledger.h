/*
 * ledger.h - the rules of debit-and-credit transfers. Pure: no I/O, no clock.
 *
 * A transfer moves money between ledger accounts in one currency. It has
 * two or more entries; each entry debits or credits one ledger account by
 * a positive amount; the debits equal the credits. Transfers are immutable:
 * a correction is a new, reversing transfer. A ledger account's balance is
 * debits minus credits of its entries (so asset-like accounts are positive
 * and liability-like accounts are negative) and a "non-negative" account
 * constraint is expressed in the direction of its normal side.
 */
#ifndef POISE_CORE_LEDGER_H
#define POISE_CORE_LEDGER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/err.h"
#include "base/money.h"

#define LEDGER_ENTRIES_MAX 64

enum ledger_side {
    LEDGER_DEBIT = 1,
    LEDGER_CREDIT = 2,
};

/* Which side a ledger account's balance normally sits on. */
enum ledger_normal {
    LEDGER_NORMAL_DEBIT = 1,  /* assets: drawer cash, gateway clearing */
    LEDGER_NORMAL_CREDIT = 2, /* liabilities: wallet credit, gift cards */
};

struct ledger_entry {
    const char *ledger_account_id; /* borrowed */
    enum ledger_side side;
    int64_t amount_minor; /* > 0 */
};

struct ledger_transfer {
    uint16_t currency;
    size_t entry_count;
    const struct ledger_entry *entries; /* borrowed, entry_count of them */
};

/*
 * Check that t is a valid transfer: 2..LEDGER_ENTRIES_MAX entries, every
 * amount in (0, MONEY_AMOUNT_MAX], sides valid, no account both debited and
 * credited, debits equal credits without overflow. ERR_INVALID with a
 * message in ei otherwise.
 */
MUST_CHECK enum err ledger_transfer_check(const struct ledger_transfer *t,
                                          struct errinfo *ei);

/*
 * The signed effect of entry e on its account's balance: +amount for a
 * debit, -amount for a credit.
 */
int64_t ledger_entry_delta(const struct ledger_entry *e);

/*
 * *out = balance + delta. ERR_LIMIT on overflow; ERR_RULE if the account
 * may not go below zero on its normal side and would (a wallet or gift
 * card overdrawn).
 */
MUST_CHECK enum err ledger_balance_apply(int64_t balance, int64_t delta,
                                         enum ledger_normal normal,
                                         bool allow_negative, int64_t *out);

#endif
