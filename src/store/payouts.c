/*
 * payouts.c - payouts, their items, disputes and applied webhook events.
 */
#include "store/payouts.h"

#include "base/assert.h"

#define NEED_ACCOUNT(id) ASSERT((id) != NULL && (id)[0] != '\0')

static struct db_param
p_opt(int64_t v)
{
    return v != 0 ? P_I64(v) : P_NULL;
}

/* ---- payouts ---- */

#define PAYOUT_COLS                                                            \
    "id, merchant_account_id, bank_account_id, gateway_ref, status, "          \
    "amount_minor, currency, arrival_at_ms, failure_code, created_at_ms, "     \
    "updated_at_ms"

static const char sql_payout_insert[] =
    "INSERT INTO payouts (account_id, " PAYOUT_COLS ") VALUES ($1, $2, $3, "
    "$4, $5, $6, $7, $8, $9, $10, $11, $12)";
static const char sql_payout_update[] =
    "UPDATE payouts SET status = $3, arrival_at_ms = $4, failure_code = $5, "
    "updated_at_ms = $6 WHERE account_id = $1 AND id = $2";
static const char sql_payout_get[] = "SELECT " PAYOUT_COLS
                                     " FROM payouts WHERE account_id = $1 "
                                     "AND id = $2";
static const char sql_payout_by_ref[] = "SELECT " PAYOUT_COLS
                                        " FROM payouts WHERE account_id = $1 "
                                        "AND gateway_ref = $2";
static const char sql_payout_list[] =
    "SELECT " PAYOUT_COLS " FROM payouts WHERE account_id = $1 AND "
    "($2 = '' OR id < $2) ORDER BY id DESC LIMIT $3";
static const char sql_item_insert[] =
    "INSERT INTO payout_items (account_id, payout_id, seq, type, source_ref, "
    "object_type, object_id, amount_minor) VALUES ($1, $2, $3, $4, $5, $6, "
    "$7, $8)";
static const char sql_items[] =
    "SELECT seq, type, source_ref, object_type, object_id, amount_minor FROM "
    "payout_items WHERE account_id = $1 AND payout_id = $2 ORDER BY seq";

static void
payout_row(const struct db_rows *r, size_t i, void *out)
{
    struct payout *p = out;

    p->id = db_text(r, i, 0);
    p->merchant_account_id = db_text(r, i, 1);
    p->bank_account_id = db_text(r, i, 2);
    p->gateway_ref = db_text(r, i, 3);
    p->status = db_text(r, i, 4);
    p->amount = db_i64(r, i, 5);
    p->currency = db_text(r, i, 6);
    p->arrival_at_ms = db_i64(r, i, 7);
    p->failure_code = db_text(r, i, 8);
    p->created_at_ms = db_i64(r, i, 9);
    p->updated_at_ms = db_i64(r, i, 10);
}

static enum err
payout_one(struct db *db, struct arena *a, const char *sql,
           const char *account_id, const char *arg, struct payout *out,
           struct errinfo *ei)
{
    struct db_param p[2] = {P_TEXT(account_id), P_TEXT(arg)};

    NEED_ACCOUNT(account_id);
    return db_one_as(db, a, sql, p, 2, payout_row, out, ei);
}

enum err
store_payout_by_ref(struct db *db, struct arena *a, const char *account_id,
                    const char *gateway_ref, struct payout *out,
                    struct errinfo *ei)
{
    return payout_one(db, a, sql_payout_by_ref, account_id, gateway_ref, out,
                      ei);
}

enum err
store_payout_get(struct db *db, struct arena *a, const char *account_id,
                 const char *id, struct payout *out, struct errinfo *ei)
{
    return payout_one(db, a, sql_payout_get, account_id, id, out, ei);
}

enum err
store_payout_insert(struct db *db, struct arena *a, const char *account_id,
                    const struct payout *x, struct errinfo *ei)
{
    struct db_param p[12] = {P_TEXT(account_id),
                             P_TEXT(x->id),
                             P_TEXT(x->merchant_account_id),
                             P_TEXT(x->bank_account_id),
                             P_TEXT(x->gateway_ref),
                             P_TEXT(x->status),
                             P_I64(x->amount),
                             P_TEXT(x->currency),
                             p_opt(x->arrival_at_ms),
                             P_TEXT(x->failure_code),
                             P_I64(x->created_at_ms),
                             P_I64(x->updated_at_ms)};

    NEED_ACCOUNT(account_id);
    return db_exec(db, a, sql_payout_insert, p, 12, NULL, ei);
}

enum err
store_payout_update(struct db *db, struct arena *a, const char *account_id,
                    const struct payout *x, struct errinfo *ei)
{
    struct db_param p[6] = {P_TEXT(account_id),      P_TEXT(x->id),
                            P_TEXT(x->status),       p_opt(x->arrival_at_ms),
                            P_TEXT(x->failure_code), P_I64(x->updated_at_ms)};

    NEED_ACCOUNT(account_id);
    return db_exec(db, a, sql_payout_update, p, 6, NULL, ei);
}

enum err
store_payout_list(struct db *db, struct arena *a, const char *account_id,
                  int64_t limit, const char *starting_after,
                  struct payout **out, size_t *count, bool *has_more,
                  struct errinfo *ei)
{
    struct db_param p[3] = {
        P_TEXT(account_id),
        P_TEXT(starting_after != NULL ? starting_after : ""), P_I64(limit + 1)};

    NEED_ACCOUNT(account_id);
    return db_list_as(db, a, sql_payout_list, p, 3, payout_row, sizeof(**out),
                      limit, (void **)out, count, has_more, ei);
}

enum err
store_payout_item_insert(struct db *db, struct arena *a, const char *account_id,
                         const char *payout_id, const struct payout_item *it,
                         struct errinfo *ei)
{
    struct db_param p[8] = {P_TEXT(account_id),     P_TEXT(payout_id),
                            P_I64(it->seq),         P_TEXT(it->type),
                            P_TEXT(it->source_ref), P_TEXT(it->object_type),
                            P_TEXT(it->object_id),  P_I64(it->amount)};

    NEED_ACCOUNT(account_id);
    return db_exec(db, a, sql_item_insert, p, 8, NULL, ei);
}

static void
item_row(const struct db_rows *r, size_t i, void *out)
{
    struct payout_item *x = out;

    x->seq = db_i64(r, i, 0);
    x->type = db_text(r, i, 1);
    x->source_ref = db_text(r, i, 2);
    x->object_type = db_text(r, i, 3);
    x->object_id = db_text(r, i, 4);
    x->amount = db_i64(r, i, 5);
}

enum err
store_payout_items(struct db *db, struct arena *a, const char *account_id,
                   const char *payout_id, struct payout_item **out,
                   size_t *count, struct errinfo *ei)
{
    struct db_param p[2] = {P_TEXT(account_id), P_TEXT(payout_id)};

    NEED_ACCOUNT(account_id);
    return db_list_as(db, a, sql_items, p, 2, item_row, sizeof(**out), 0,
                      (void **)out, count, NULL, ei);
}

/* ---- disputes ---- */

#define DISPUTE_COLS                                                           \
    "id, payment_id, gateway_ref, status, reason, amount_minor, fee_minor, "   \
    "currency, due_by_ms, evidence, submitted_at_ms, created_at_ms, "          \
    "updated_at_ms"

static const char sql_dispute_insert[] =
    "INSERT INTO disputes (account_id, " DISPUTE_COLS ") VALUES ($1, $2, $3, "
    "$4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)";
static const char sql_dispute_update[] =
    "UPDATE disputes SET status = $3, due_by_ms = $4, evidence = $5, "
    "submitted_at_ms = $6, updated_at_ms = $7 WHERE account_id = $1 AND "
    "id = $2";
static const char sql_dispute_get[] = "SELECT " DISPUTE_COLS
                                      " FROM disputes WHERE account_id = $1 "
                                      "AND id = $2";
static const char sql_dispute_by_ref[] = "SELECT " DISPUTE_COLS
                                         " FROM disputes WHERE account_id = "
                                         "$1 AND gateway_ref = $2";
static const char sql_dispute_list[] =
    "SELECT " DISPUTE_COLS " FROM disputes WHERE account_id = $1 AND "
    "($2 = '' OR id < $2) ORDER BY id DESC LIMIT $3";

static void
dispute_row(const struct db_rows *r, size_t i, void *out)
{
    struct dispute *d = out;

    d->id = db_text(r, i, 0);
    d->payment_id = db_text(r, i, 1);
    d->gateway_ref = db_text(r, i, 2);
    d->status = db_text(r, i, 3);
    d->reason = db_text(r, i, 4);
    d->amount = db_i64(r, i, 5);
    d->fee = db_i64(r, i, 6);
    d->currency = db_text(r, i, 7);
    d->due_by_ms = db_i64(r, i, 8);
    d->evidence = db_text(r, i, 9);
    d->submitted_at_ms = db_i64(r, i, 10);
    d->created_at_ms = db_i64(r, i, 11);
    d->updated_at_ms = db_i64(r, i, 12);
}

static enum err
dispute_one(struct db *db, struct arena *a, const char *sql,
            const char *account_id, const char *arg, struct dispute *out,
            struct errinfo *ei)
{
    struct db_param p[2] = {P_TEXT(account_id), P_TEXT(arg)};

    NEED_ACCOUNT(account_id);
    return db_one_as(db, a, sql, p, 2, dispute_row, out, ei);
}

enum err
store_dispute_by_ref(struct db *db, struct arena *a, const char *account_id,
                     const char *gateway_ref, struct dispute *out,
                     struct errinfo *ei)
{
    return dispute_one(db, a, sql_dispute_by_ref, account_id, gateway_ref, out,
                       ei);
}

enum err
store_dispute_get(struct db *db, struct arena *a, const char *account_id,
                  const char *id, struct dispute *out, struct errinfo *ei)
{
    return dispute_one(db, a, sql_dispute_get, account_id, id, out, ei);
}

enum err
store_dispute_insert(struct db *db, struct arena *a, const char *account_id,
                     const struct dispute *d, struct errinfo *ei)
{
    struct db_param p[14] = {P_TEXT(account_id),      P_TEXT(d->id),
                             P_TEXT(d->payment_id),   P_TEXT(d->gateway_ref),
                             P_TEXT(d->status),       P_TEXT(d->reason),
                             P_I64(d->amount),        P_I64(d->fee),
                             P_TEXT(d->currency),     p_opt(d->due_by_ms),
                             P_TEXT(d->evidence),     p_opt(d->submitted_at_ms),
                             P_I64(d->created_at_ms), P_I64(d->updated_at_ms)};

    NEED_ACCOUNT(account_id);
    return db_exec(db, a, sql_dispute_insert, p, 14, NULL, ei);
}

enum err
store_dispute_update(struct db *db, struct arena *a, const char *account_id,
                     const struct dispute *d, struct errinfo *ei)
{
    struct db_param p[7] = {P_TEXT(account_id),     P_TEXT(d->id),
                            P_TEXT(d->status),      p_opt(d->due_by_ms),
                            P_TEXT(d->evidence),    p_opt(d->submitted_at_ms),
                            P_I64(d->updated_at_ms)};

    NEED_ACCOUNT(account_id);
    return db_exec(db, a, sql_dispute_update, p, 7, NULL, ei);
}

enum err
store_dispute_list(struct db *db, struct arena *a, const char *account_id,
                   int64_t limit, const char *starting_after,
                   struct dispute **out, size_t *count, bool *has_more,
                   struct errinfo *ei)
{
    struct db_param p[3] = {
        P_TEXT(account_id),
        P_TEXT(starting_after != NULL ? starting_after : ""), P_I64(limit + 1)};

    NEED_ACCOUNT(account_id);
    return db_list_as(db, a, sql_dispute_list, p, 3, dispute_row, sizeof(**out),
                      limit, (void **)out, count, has_more, ei);
}

/* ---- webhook events ---- */

static const char sql_event_insert[] =
    "INSERT INTO webhook_events (account_id, gateway, event_id, type, "
    "received_at_ms) VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING "
    "RETURNING event_id";

enum err
store_webhook_event_insert(struct db *db, struct arena *a,
                           const char *account_id, const char *gateway,
                           const char *event_id, const char *type,
                           int64_t now_ms, bool *first, struct errinfo *ei)
{
    struct db_param p[5] = {P_TEXT(account_id), P_TEXT(gateway),
                            P_TEXT(event_id), P_TEXT(type), P_I64(now_ms)};
    struct db_rows r;
    enum err rc;

    NEED_ACCOUNT(account_id);
    rc = db_exec(db, a, sql_event_insert, p, 5, &r, ei);
    if (rc == ERR_OK)
        *first = r.nrows == 1;
    return rc;
}
