/*
 * ledger.c - the ledger tables: insert-only entries with cached balances.
 */
#include "store/ledger.h"

#include <inttypes.h>
#include <stdio.h>

#include "base/assert.h"

#define LA_COLS                                                                \
    "id, owner_type, owner_id, kind, currency, normal_side, "                  \
    "allow_negative, balance_minor, created_at_ms"

static const char sql_la_find[] =
    "SELECT " LA_COLS " FROM ledger_accounts WHERE account_id = $1 "
    "AND owner_type = $2 AND owner_id = $3 AND kind = $4 AND currency = $5";
static const char sql_la_get[] = "SELECT " LA_COLS " FROM ledger_accounts "
                                 "WHERE account_id = $1 AND id = $2";
/* Two first postings may race to create one account: the second waits
 * for the first and does nothing (the caller finds the account again). */
static const char sql_la_insert[] =
    "INSERT INTO ledger_accounts (account_id, " LA_COLS ") VALUES "
    "($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) ON CONFLICT (account_id, "
    "owner_type, owner_id, kind, currency) DO NOTHING";
static const char sql_transfer_insert[] =
    "INSERT INTO ledger_transfers (account_id, id, currency, reason, "
    "source_type, source_id, created_at_ms) "
    "VALUES ($1, $2, $3, $4, $5, $6, $7)";
static const char sql_entry_insert[] =
    "INSERT INTO ledger_entries (account_id, transfer_id, seq, "
    "ledger_account_id, side, amount_minor, currency) "
    "VALUES ($1, $2, $3, $4, $5, $6, $7)";
static const char sql_balance_add[] =
    "UPDATE ledger_accounts SET balance_minor = balance_minor + $3 "
    "WHERE account_id = $1 AND id = $2 "
    "RETURNING balance_minor - $3, normal_side, allow_negative, currency";

/* Debits minus credits per currency over everything: must all be zero. */
static const char sql_verify_currency[] =
    "SELECT currency, SUM(CASE WHEN side = 1 THEN amount_minor ELSE 0 END), "
    "SUM(CASE WHEN side = 2 THEN amount_minor ELSE 0 END) "
    "FROM ledger_entries GROUP BY currency";
/* Transfers whose entries do not balance, or that have fewer than two. */
static const char sql_verify_transfers[] =
    "SELECT account_id, transfer_id FROM ledger_entries "
    "GROUP BY account_id, transfer_id "
    "HAVING SUM(CASE WHEN side = 1 THEN amount_minor ELSE -amount_minor END)"
    " <> 0 OR COUNT(*) < 2 LIMIT 100";
/* Cached balances that differ from their entries. */
static const char sql_verify_balances[] =
    "SELECT la.account_id, la.id, la.balance_minor, COALESCE(SUM("
    "CASE WHEN e.side = 1 THEN e.amount_minor ELSE -e.amount_minor END), 0) "
    "FROM ledger_accounts la LEFT JOIN ledger_entries e "
    "ON e.account_id = la.account_id AND e.ledger_account_id = la.id "
    "GROUP BY la.account_id, la.id, la.balance_minor "
    "HAVING la.balance_minor <> COALESCE(SUM(CASE WHEN e.side = 1 "
    "THEN e.amount_minor ELSE -e.amount_minor END), 0) LIMIT 100";

static void
la_row(const struct db_rows *r, size_t i, struct ledger_account *la)
{
    la->id = db_text(r, i, 0);
    la->owner_type = db_text(r, i, 1);
    la->owner_id = db_text(r, i, 2);
    la->kind = db_text(r, i, 3);
    la->currency = db_text(r, i, 4);
    la->normal = (enum ledger_normal)db_i64(r, i, 5);
    la->allow_negative = db_bool(r, i, 6);
    la->balance_minor = db_i64(r, i, 7);
    la->created_at_ms = db_i64(r, i, 8);
}

enum err
store_ledger_account_find(struct db *db, struct arena *a,
                          const char *account_id,
                          const struct ledger_account *key,
                          struct ledger_account *out, bool *found,
                          struct errinfo *ei)
{
    struct db_param p[5] = {P_TEXT(account_id), P_TEXT(key->owner_type),
                            P_TEXT(key->owner_id), P_TEXT(key->kind),
                            P_TEXT(key->currency)};
    struct db_rows r;
    enum err rc;

    ASSERT(account_id != NULL && account_id[0] != '\0');
    rc = db_exec(db, a, sql_la_find, p, 5, &r, ei);
    if (rc)
        return rc;
    *found = r.nrows == 1;
    if (*found)
        la_row(&r, 0, out);
    return ERR_OK;
}

enum err
store_ledger_account_get(struct db *db, struct arena *a, const char *account_id,
                         const char *id, struct ledger_account *out,
                         struct errinfo *ei)
{
    struct db_param p[2] = {P_TEXT(account_id), P_TEXT(id)};
    struct db_rows r;
    enum err rc;

    ASSERT(account_id != NULL && account_id[0] != '\0');
    rc = db_one(db, a, sql_la_get, p, 2, &r, ei);
    if (rc)
        return rc;
    la_row(&r, 0, out);
    return ERR_OK;
}

enum err
store_ledger_account_insert(struct db *db, struct arena *a,
                            const char *account_id,
                            const struct ledger_account *la, struct errinfo *ei)
{
    struct db_param p[10] = {
        P_TEXT(account_id),       P_TEXT(la->id),
        P_TEXT(la->owner_type),   P_TEXT(la->owner_id),
        P_TEXT(la->kind),         P_TEXT(la->currency),
        P_I64(la->normal),        P_BOOL(la->allow_negative),
        P_I64(la->balance_minor), P_I64(la->created_at_ms),
    };

    ASSERT(account_id != NULL && account_id[0] != '\0');
    ASSERT(la->balance_minor == 0);
    return db_exec(db, a, sql_la_insert, p, 10, NULL, ei);
}

enum err
store_ledger_transfer_insert(struct db *db, struct arena *a,
                             const char *account_id, const char *id,
                             const char *currency, const char *reason,
                             const char *source_type, const char *source_id,
                             int64_t now_ms, struct errinfo *ei)
{
    struct db_param p[7] = {P_TEXT(account_id),  P_TEXT(id),
                            P_TEXT(currency),    P_TEXT(reason),
                            P_TEXT(source_type), P_TEXT(source_id),
                            P_I64(now_ms)};

    ASSERT(account_id != NULL && account_id[0] != '\0');
    return db_exec(db, a, sql_transfer_insert, p, 7, NULL, ei);
}

enum err
store_ledger_entry_insert(struct db *db, struct arena *a,
                          const char *account_id, const char *transfer_id,
                          int seq, const struct ledger_entry *e,
                          const char *currency, struct ledger_account *before,
                          struct errinfo *ei)
{
    struct db_param p[7] = {P_TEXT(account_id), P_TEXT(transfer_id),
                            P_I64(seq),         P_TEXT(e->ledger_account_id),
                            P_I64(e->side),     P_I64(e->amount_minor),
                            P_TEXT(currency)};
    struct db_param b[3] = {P_TEXT(account_id), P_TEXT(e->ledger_account_id),
                            P_I64(ledger_entry_delta(e))};
    struct db_rows r;
    enum err rc;

    ASSERT(account_id != NULL && account_id[0] != '\0');
    rc = db_one(db, a, sql_balance_add, b, 3, &r, ei);
    if (rc)
        return rc;
    before->id = e->ledger_account_id;
    before->balance_minor = db_i64(&r, 0, 0);
    before->normal = (enum ledger_normal)db_i64(&r, 0, 1);
    before->allow_negative = db_bool(&r, 0, 2);
    before->currency = db_text(&r, 0, 3);
    return db_exec(db, a, sql_entry_insert, p, 7, NULL, ei);
}

static enum err
verify_currencies(struct db *db, struct arena *a,
                  void (*report)(void *, const char *), void *rctx,
                  int *problems, struct errinfo *ei)
{
    struct db_rows r;
    char line[200];
    enum err rc = db_exec(db, a, sql_verify_currency, NULL, 0, &r, ei);

    for (size_t i = 0; rc == ERR_OK && i < r.nrows; i++) {
        if (db_i64(&r, i, 1) == db_i64(&r, i, 2))
            continue;
        snprintf(line, sizeof(line),
                 "ledger does not sum to zero in %s: debits %" PRId64
                 ", credits %" PRId64,
                 db_text(&r, i, 0), db_i64(&r, i, 1), db_i64(&r, i, 2));
        report(rctx, line);
        (*problems)++;
    }
    return rc;
}

enum err
store_ledger_verify(struct db *db, struct arena *a,
                    void (*report)(void *, const char *), void *rctx,
                    int *problems, struct errinfo *ei)
{
    struct db_rows r;
    char line[200];
    enum err rc;

    *problems = 0;
    rc = verify_currencies(db, a, report, rctx, problems, ei);
    if (rc == ERR_OK)
        rc = db_exec(db, a, sql_verify_transfers, NULL, 0, &r, ei);
    for (size_t i = 0; rc == ERR_OK && i < r.nrows; i++) {
        snprintf(line, sizeof(line), "transfer %s of %s does not balance",
                 db_text(&r, i, 1), db_text(&r, i, 0));
        report(rctx, line);
        (*problems)++;
    }
    if (rc == ERR_OK)
        rc = db_exec(db, a, sql_verify_balances, NULL, 0, &r, ei);
    for (size_t i = 0; rc == ERR_OK && i < r.nrows; i++) {
        snprintf(line, sizeof(line),
                 "cached balance of %s (%s) is %" PRId64
                 " but its entries sum to %" PRId64,
                 db_text(&r, i, 1), db_text(&r, i, 0), db_i64(&r, i, 2),
                 db_i64(&r, i, 3));
        report(rctx, line);
        (*problems)++;
    }
    return rc;
}
