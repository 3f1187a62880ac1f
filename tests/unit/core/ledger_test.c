/*
 * ledger_test.c - tests for core/ledger: which transfers are valid, the
 * sign of an entry, and overdraft and overflow refusal of balances.
 */
#include "core/ledger.h"

#include <string.h>

#include "base/money.h"
#include "harness.h"

#define USD 840

static struct ledger_entry
debit(const char *id, int64_t amount_minor)
{
    return (struct ledger_entry){id, LEDGER_DEBIT, amount_minor};
}

static struct ledger_entry
credit(const char *id, int64_t amount_minor)
{
    return (struct ledger_entry){id, LEDGER_CREDIT, amount_minor};
}

static enum err
check(const struct ledger_entry *entries, size_t n, struct errinfo *ei)
{
    struct ledger_transfer t = {USD, n, entries};

    return ledger_transfer_check(&t, ei);
}

TEST(ledger_transfer_two_entries)
{
    struct ledger_entry e[] = {debit("drawer", 1250),
                               credit("wallet:42", 1250)};
    struct errinfo ei;

    errinfo_clear(&ei);
    CHECK_RC(check(e, 2, &ei), ERR_OK);
    /* errinfo is written only on failure. */
    CHECK(ei.message[0] == '\0');
}

TEST(ledger_transfer_multi_entry)
{
    /* A sale paid by card and wallet: clearing + wallet = revenue + tax. */
    struct ledger_entry e[] = {
        debit("clearing", 8000),
        debit("wallet:42", 2825),
        credit("revenue", 10000),
        credit("tax", 825),
    };
    /* The same account may appear twice on one side. */
    struct ledger_entry twice[] = {debit("a", 1), debit("a", 2),
                                   credit("b", 3)};

    CHECK_RC(check(e, 4, NULL), ERR_OK);
    CHECK_RC(check(twice, 3, NULL), ERR_OK);
}

TEST(ledger_transfer_max_entries)
{
    struct ledger_entry e[LEDGER_ENTRIES_MAX + 1];
    struct errinfo ei;

    for (size_t i = 0; i < LEDGER_ENTRIES_MAX; i++)
        e[i] = debit("drawer", 1);
    e[LEDGER_ENTRIES_MAX - 1] = credit("revenue", LEDGER_ENTRIES_MAX - 1);
    CHECK_RC(check(e, LEDGER_ENTRIES_MAX, NULL), ERR_OK);
    e[LEDGER_ENTRIES_MAX - 1] = debit("drawer", 1);
    e[LEDGER_ENTRIES_MAX] = credit("revenue", LEDGER_ENTRIES_MAX);
    CHECK_RC(check(e, LEDGER_ENTRIES_MAX + 1, &ei), ERR_INVALID);
    CHECK(strstr(ei.message, "count 65") != NULL);
}

TEST(ledger_transfer_too_few_entries)
{
    struct ledger_entry e[] = {debit("a", 100)};
    struct errinfo ei;

    /* Refused for its count, not only because it cannot balance. */
    CHECK_RC(check(e, 1, &ei), ERR_INVALID);
    CHECK(strstr(ei.message, "count 1 ") != NULL);
    CHECK_I64(strcmp(ei.param, "entries"), 0);
    CHECK_RC(check(e, 0, NULL), ERR_INVALID);
    CHECK_RC(check(NULL, 0, NULL), ERR_INVALID);
}

TEST(ledger_transfer_unbalanced)
{
    struct ledger_entry e[] = {debit("a", 100), credit("b", 99)};
    struct ledger_entry one_side[] = {debit("a", 100), debit("b", 100)};
    struct errinfo ei;

    CHECK_RC(check(e, 2, &ei), ERR_INVALID);
    CHECK(strstr(ei.message, "debits 100") != NULL);
    CHECK_RC(check(one_side, 2, NULL), ERR_INVALID);
}

TEST(ledger_transfer_amount_bounds)
{
    struct ledger_entry zero[] = {debit("a", 0), credit("b", 0)};
    struct ledger_entry neg[] = {debit("a", -5), credit("b", -5)};
    struct ledger_entry over[] = {debit("a", MONEY_AMOUNT_MAX + 1),
                                  credit("b", MONEY_AMOUNT_MAX + 1)};
    struct ledger_entry max[] = {debit("a", MONEY_AMOUNT_MAX),
                                 credit("b", MONEY_AMOUNT_MAX)};
    /* Negative amounts must not balance a transfer by cancelling out. */
    struct ledger_entry cancel[] = {debit("a", 5), debit("c", -5),
                                    credit("b", 0)};

    CHECK_RC(check(zero, 2, NULL), ERR_INVALID);
    CHECK_RC(check(neg, 2, NULL), ERR_INVALID);
    CHECK_RC(check(over, 2, NULL), ERR_INVALID);
    CHECK_RC(check(max, 2, NULL), ERR_OK);
    CHECK_RC(check(cancel, 3, NULL), ERR_INVALID);
}

TEST(ledger_transfer_same_account_both_sides)
{
    struct ledger_entry e[] = {debit("wallet:42", 100),
                               credit("wallet:42", 100)};
    struct ledger_entry spread[] = {debit("a", 100), credit("b", 50),
                                    credit("a", 50)};
    struct errinfo ei;

    CHECK_RC(check(e, 2, &ei), ERR_INVALID);
    CHECK(strstr(ei.message, "'wallet:42'") != NULL);
    CHECK_RC(check(spread, 3, NULL), ERR_INVALID);
}

TEST(ledger_transfer_bad_entry_fields)
{
    struct ledger_entry e[] = {debit("a", 100), credit("b", 100)};

    e[1].side = (enum ledger_side)0;
    CHECK_RC(check(e, 2, NULL), ERR_INVALID);
    e[1] = credit(NULL, 100);
    CHECK_RC(check(e, 2, NULL), ERR_INVALID);
    e[1] = credit("", 100);
    CHECK_RC(check(e, 2, NULL), ERR_INVALID);
}

TEST(ledger_entry_delta_sign)
{
    struct ledger_entry d = debit("a", 1250);
    struct ledger_entry c = credit("a", 1250);
    struct ledger_entry bad = debit("a", 0);

    CHECK_I64(ledger_entry_delta(&d), 1250);
    CHECK_I64(ledger_entry_delta(&c), -1250);
    CHECK_DEATH(ledger_entry_delta(&bad));
}

/* ledger_balance_apply under a name short enough for one-line calls. */
static enum err
apply(int64_t balance, int64_t delta, enum ledger_normal normal,
      bool allow_negative, int64_t *out)
{
    return ledger_balance_apply(balance, delta, normal, allow_negative, out);
}

TEST(ledger_balance_normal_debit)
{
    int64_t out = 7;

    CHECK_RC(apply(100, -100, LEDGER_NORMAL_DEBIT, false, &out), ERR_OK);
    CHECK_I64(out, 0);
    CHECK_RC(apply(100, 50, LEDGER_NORMAL_DEBIT, false, &out), ERR_OK);
    CHECK_I64(out, 150);
    out = 7;
    CHECK_RC(apply(100, -101, LEDGER_NORMAL_DEBIT, false, &out), ERR_RULE);
    CHECK_I64(out, 7);
    CHECK_RC(apply(100, -101, LEDGER_NORMAL_DEBIT, true, &out), ERR_OK);
    CHECK_I64(out, -1);
}

TEST(ledger_balance_normal_credit)
{
    int64_t out = 7;

    /* A wallet holding 100 has balance -100 (credits exceed debits). */
    CHECK_RC(apply(-100, 100, LEDGER_NORMAL_CREDIT, false, &out), ERR_OK);
    CHECK_I64(out, 0);
    CHECK_RC(apply(-100, -25, LEDGER_NORMAL_CREDIT, false, &out), ERR_OK);
    CHECK_I64(out, -125);
    out = 7;
    CHECK_RC(apply(-100, 101, LEDGER_NORMAL_CREDIT, false, &out), ERR_RULE);
    CHECK_RC(apply(0, 1, LEDGER_NORMAL_CREDIT, false, &out), ERR_RULE);
    CHECK_I64(out, 7);
    CHECK_RC(apply(-100, 101, LEDGER_NORMAL_CREDIT, true, &out), ERR_OK);
    CHECK_I64(out, 1);
}

TEST(ledger_balance_overflow)
{
    int64_t out = 7;

    CHECK_RC(apply(INT64_MAX, 1, LEDGER_NORMAL_DEBIT, true, &out), ERR_LIMIT);
    CHECK_RC(apply(INT64_MIN, -1, LEDGER_NORMAL_CREDIT, true, &out), ERR_LIMIT);
    CHECK_RC(apply(INT64_MAX, 1, LEDGER_NORMAL_DEBIT, false, &out), ERR_LIMIT);
    CHECK_I64(out, 7);
    CHECK_RC(apply(INT64_MAX - 1, 1, LEDGER_NORMAL_DEBIT, false, &out), ERR_OK);
    CHECK_I64(out, INT64_MAX);
}
