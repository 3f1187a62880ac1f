/*
 * ledger.c - checks of balanced debit-and-credit transfers, balance sums.
 *
 * Pure domain rules: no I/O, no clock, no allocation. A transfer that
 * passes ledger_transfer_check() has 2..LEDGER_ENTRIES_MAX entries, each a
 * positive amount no larger than MONEY_AMOUNT_MAX on a valid side, no
 * account on both sides, and debits equal to credits. Balances are
 * debits minus credits; this file never decides what an account is, only
 * whether a change to it is allowed.
 */
#include "core/ledger.h"

#include <string.h>

#include "base/assert.h"
#include "base/money.h"

static enum err
check_entry(const struct ledger_entry *e, size_t i, struct errinfo *ei)
{
    ASSERT(e != NULL);
    if (e->ledger_account_id == NULL || e->ledger_account_id[0] == '\0') {
        return errinfo_set(ei, ERR_INVALID, "parameter_missing", "entries",
                           "entry %zu has no ledger account", i);
    }
    if (e->side != LEDGER_DEBIT && e->side != LEDGER_CREDIT) {
        return errinfo_set(ei, ERR_INVALID, "parameter_invalid", "entries",
                           "entry %zu has an invalid side %d", i, (int)e->side);
    }
    if (e->amount_minor <= 0) {
        return errinfo_set(ei, ERR_INVALID, "parameter_invalid", "entries",
                           "entry %zu amount %lld is not positive", i,
                           (long long)e->amount_minor);
    }
    if (e->amount_minor > MONEY_AMOUNT_MAX) {
        return errinfo_set(ei, ERR_INVALID, "parameter_invalid", "entries",
                           "entry %zu amount %lld is over the maximum", i,
                           (long long)e->amount_minor);
    }
    return ERR_OK;
}

/*
 * ERR_INVALID if some account is debited by one entry and credited by
 * another. Entries are few (LEDGER_ENTRIES_MAX), so pairwise is fine.
 */
static enum err
check_sides_disjoint(const struct ledger_transfer *t, struct errinfo *ei)
{
    for (size_t i = 0; i < t->entry_count; i++) {
        const struct ledger_entry *a = &t->entries[i];

        for (size_t j = i + 1; j < t->entry_count; j++) {
            const struct ledger_entry *b = &t->entries[j];

            if (a->side == b->side)
                continue;
            if (strcmp(a->ledger_account_id, b->ledger_account_id) != 0)
                continue;
            return errinfo_set(ei, ERR_INVALID, "parameter_invalid", "entries",
                               "ledger account '%s' is both debited and "
                               "credited",
                               a->ledger_account_id);
        }
    }
    return ERR_OK;
}

enum err
ledger_transfer_check(const struct ledger_transfer *t, struct errinfo *ei)
{
    enum err rc;
    int64_t debits = 0;
    int64_t credits = 0;

    ASSERT(t != NULL);
    if (t->entry_count < 2 || t->entry_count > LEDGER_ENTRIES_MAX) {
        return errinfo_set(ei, ERR_INVALID, "parameter_invalid", "entries",
                           "transfer entry count %zu is not between 2 and "
                           "%d",
                           t->entry_count, LEDGER_ENTRIES_MAX);
    }
    ASSERT(t->entries != NULL);
    for (size_t i = 0; i < t->entry_count; i++) {
        const struct ledger_entry *e = &t->entries[i];
        bool overflow;

        rc = check_entry(e, i, ei);
        if (rc)
            return rc;
        if (e->side == LEDGER_DEBIT)
            overflow = __builtin_add_overflow(debits, e->amount_minor, &debits);
        else
            overflow = __builtin_add_overflow(credits, e->amount_minor,
                                              &credits);
        if (overflow) {
            return errinfo_set(ei, ERR_INVALID, "parameter_invalid", "entries",
                               "transfer total overflows");
        }
    }
    if (debits != credits) {
        return errinfo_set(ei, ERR_INVALID, "unbalanced", "entries",
                           "debits %lld do not equal credits %lld",
                           (long long)debits, (long long)credits);
    }
    return check_sides_disjoint(t, ei);
}

int64_t
ledger_entry_delta(const struct ledger_entry *e)
{
    ASSERT(e != NULL);
    ASSERT(e->amount_minor > 0);
    ASSERT(e->amount_minor <= MONEY_AMOUNT_MAX);
    switch (e->side) {
    case LEDGER_DEBIT:
        return e->amount_minor;
    case LEDGER_CREDIT:
        return -e->amount_minor;
    default:
        ASSERT(!"unreachable");
    }
    return 0;
}

enum err
ledger_balance_apply(int64_t balance, int64_t delta, enum ledger_normal normal,
                     bool allow_negative, int64_t *out)
{
    int64_t next;
    bool below_zero;

    ASSERT(out != NULL);
    if (__builtin_add_overflow(balance, delta, &next))
        return ERR_LIMIT;
    switch (normal) {
    case LEDGER_NORMAL_DEBIT:
        below_zero = next < 0;
        break;
    case LEDGER_NORMAL_CREDIT:
        /* A liability's balance is credits minus debits, so it flips. */
        below_zero = next > 0;
        break;
    default:
        ASSERT(!"unreachable");
    }
    if (below_zero && !allow_negative)
        return ERR_RULE;
    *out = next;
    return ERR_OK;
}
