/*
 * payments.c - saved cards, gateway customers, payments and refunds.
 */
#include "store/payments.h"

#include "base/assert.h"

#define NEED_ACCOUNT(id) ASSERT((id) != NULL && (id)[0] != '\0')

/* ---- gateway customers ---- */

static const char sql_customer_get[] =
    "SELECT gateway_ref FROM gateway_customers WHERE account_id = $1 AND "
    "patient_id = $2 AND gateway = $3";
static const char sql_customer_insert[] =
    "INSERT INTO gateway_customers (account_id, patient_id, gateway, "
    "gateway_ref, created_at_ms) VALUES ($1, $2, $3, $4, $5)";

enum err
store_customer_get(struct db *db, struct arena *a, const char *account_id,
                   const char *patient_id, const char *gateway,
                   const char **ref, struct errinfo *ei)
{
    struct db_param p[3] = {P_TEXT(account_id), P_TEXT(patient_id),
                            P_TEXT(gateway)};
    struct db_rows r;
    enum err rc;

    NEED_ACCOUNT(account_id);
    rc = db_one(db, a, sql_customer_get, p, 3, &r, ei);
    if (rc == ERR_OK)
        *ref = db_text(&r, 0, 0);
    return rc;
}

enum err
store_customer_insert(struct db *db, struct arena *a, const char *account_id,
                      const char *patient_id, const char *gateway,
                      const char *ref, int64_t now_ms, struct errinfo *ei)
{
    struct db_param p[5] = {P_TEXT(account_id), P_TEXT(patient_id),
                            P_TEXT(gateway), P_TEXT(ref), P_I64(now_ms)};

    NEED_ACCOUNT(account_id);
    return db_exec(db, a, sql_customer_insert, p, 5, NULL, ei);
}

/* ---- cards ---- */

#define CARD_COLS                                                              \
    "c.id, c.patient_id, c.gateway, g.gateway_ref, c.gateway_ref, c.brand, "   \
    "c.last4, c.exp_month, c.exp_year, c.is_default, c.status, "               \
    "c.created_at_ms, c.updated_at_ms"
#define CARD_FROM                                                              \
    " FROM cards c LEFT JOIN gateway_customers g ON g.account_id = "           \
    "c.account_id AND g.patient_id = c.patient_id AND g.gateway = c.gateway "

static const char sql_card_insert[] =
    "INSERT INTO cards (account_id, id, patient_id, gateway, gateway_ref, "
    "brand, last4, exp_month, exp_year, is_default, status, created_at_ms, "
    "updated_at_ms) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, "
    "$12, $13)";
static const char sql_card_get[] = "SELECT " CARD_COLS CARD_FROM
                                   "WHERE c.account_id = $1 AND c.id = $2 "
                                   "AND c.status = 'active'";
static const char sql_card_list[] =
    "SELECT " CARD_COLS CARD_FROM "WHERE c.account_id = $1 AND c.status = "
    "'active' AND ($2 = '' OR c.patient_id = $2) AND c.id > $3 "
    "ORDER BY c.id LIMIT $4";
static const char sql_card_clear_default[] =
    "UPDATE cards SET is_default = 0, updated_at_ms = $3 WHERE account_id = "
    "$1 AND patient_id = $2 AND is_default = 1";
static const char sql_card_make_default[] =
    "UPDATE cards SET is_default = 1, updated_at_ms = $3 WHERE account_id = "
    "$1 AND id = $2";
static const char sql_card_delete[] =
    "UPDATE cards SET status = 'deleted', is_default = 0, updated_at_ms = $3 "
    "WHERE account_id = $1 AND id = $2";
static const char sql_card_delete_all[] =
    "UPDATE cards SET status = 'deleted', is_default = 0, updated_at_ms = $2 "
    "WHERE account_id = $1 AND status = 'active'";

static void
card_row(const struct db_rows *r, size_t i, void *out)
{
    struct card *c = out;

    c->id = db_text(r, i, 0);
    c->patient_id = db_text(r, i, 1);
    c->gateway = db_text(r, i, 2);
    c->customer_ref = db_text(r, i, 3);
    c->gateway_ref = db_text(r, i, 4);
    c->brand = db_text(r, i, 5);
    c->last4 = db_text(r, i, 6);
    c->exp_month = db_i64(r, i, 7);
    c->exp_year = db_i64(r, i, 8);
    c->is_default = db_bool(r, i, 9);
    c->status = db_text(r, i, 10);
    c->created_at_ms = db_i64(r, i, 11);
    c->updated_at_ms = db_i64(r, i, 12);
}

enum err
store_card_insert(struct db *db, struct arena *a, const char *account_id,
                  const struct card *c, struct errinfo *ei)
{
    struct db_param p[13] = {
        P_TEXT(account_id),     P_TEXT(c->id),          P_TEXT(c->patient_id),
        P_TEXT(c->gateway),     P_TEXT(c->gateway_ref), P_TEXT(c->brand),
        P_TEXT(c->last4),       P_I64(c->exp_month),    P_I64(c->exp_year),
        P_BOOL(c->is_default),  P_TEXT(c->status),      P_I64(c->created_at_ms),
        P_I64(c->updated_at_ms)};

    NEED_ACCOUNT(account_id);
    return db_exec(db, a, sql_card_insert, p, 13, NULL, ei);
}

enum err
store_card_get(struct db *db, struct arena *a, const char *account_id,
               const char *id, struct card *out, struct errinfo *ei)
{
    struct db_param p[2] = {P_TEXT(account_id), P_TEXT(id)};

    NEED_ACCOUNT(account_id);
    return db_one_as(db, a, sql_card_get, p, 2, card_row, out, ei);
}

enum err
store_card_list_active(struct db *db, struct arena *a, const char *account_id,
                       const char *patient_id, int64_t limit,
                       const char *starting_after, struct card **out,
                       size_t *count, bool *has_more, struct errinfo *ei)
{
    struct db_param p[4] = {
        P_TEXT(account_id), P_TEXT(patient_id != NULL ? patient_id : ""),
        P_TEXT(starting_after != NULL ? starting_after : ""), P_I64(limit + 1)};

    NEED_ACCOUNT(account_id);
    return db_list_as(db, a, sql_card_list, p, 4, card_row, sizeof(**out),
                      limit, (void **)out, count, has_more, ei);
}

enum err
store_card_set_default(struct db *db, struct arena *a, const char *account_id,
                       const char *patient_id, const char *id, int64_t now_ms,
                       struct errinfo *ei)
{
    struct db_param clear[3] = {P_TEXT(account_id), P_TEXT(patient_id),
                                P_I64(now_ms)};
    struct db_param make[3] = {P_TEXT(account_id), P_TEXT(id), P_I64(now_ms)};
    enum err rc;

    NEED_ACCOUNT(account_id);
    rc = db_exec(db, a, sql_card_clear_default, clear, 3, NULL, ei);
    if (rc == ERR_OK)
        rc = db_exec(db, a, sql_card_make_default, make, 3, NULL, ei);
    return rc;
}

enum err
store_card_delete(struct db *db, struct arena *a, const char *account_id,
                  const char *id, int64_t now_ms, struct errinfo *ei)
{
    struct db_param p[3] = {P_TEXT(account_id), P_TEXT(id), P_I64(now_ms)};

    NEED_ACCOUNT(account_id);
    return db_exec(db, a, sql_card_delete, p, 3, NULL, ei);
}

enum err
store_card_delete_all(struct db *db, struct arena *a, const char *account_id,
                      int64_t now_ms, struct errinfo *ei)
{
    struct db_param p[2] = {P_TEXT(account_id), P_I64(now_ms)};

    NEED_ACCOUNT(account_id);
    return db_exec(db, a, sql_card_delete_all, p, 2, NULL, ei);
}

/* ---- payments ---- */

#define PAYMENT_COLS                                                           \
    "id, idem_key, gateway_key, request_hash, patient_id, clinic_id, "         \
    "merchant_account_id, gateway, gateway_ref, status, amount_minor, "        \
    "amount_captured_minor, amount_refunded_minor, fee_minor, currency, "      \
    "capture, source_type, card_id, reader_id, card_brand, card_last4, "       \
    "card_exp_month, card_exp_year, card_present, failure_code, "              \
    "decline_code, failure_message, description, metadata, "                   \
    "capture_before_ms, disputed, created_by, created_at_ms, updated_at_ms"
#define PAYMENT_NCOLS 34

static const char sql_payment_insert[] =
    "INSERT INTO payments (account_id, " PAYMENT_COLS ") VALUES ($1, $2, $3, "
    "$4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, "
    "$19, $20, $21, $22, $23, $24, $25, $26, $27, $28, $29, $30, $31, $32, "
    "$33, $34, $35)";
static const char sql_payment_update[] =
    "UPDATE payments SET gateway_ref = $3, status = $4, "
    "amount_captured_minor = $5, amount_refunded_minor = $6, fee_minor = $7, "
    "card_brand = $8, card_last4 = $9, card_exp_month = $10, "
    "card_exp_year = $11, card_present = $12, failure_code = $13, "
    "decline_code = $14, failure_message = $15, capture_before_ms = $16, "
    "disputed = $17, updated_at_ms = $18 WHERE account_id = $1 AND id = $2";
static const char sql_payment_get[] = "SELECT " PAYMENT_COLS
                                      " FROM payments WHERE account_id = $1 "
                                      "AND id = $2";
/* SQLite's write transaction is exclusive already: no row locks there. */
static const char sql_payment_lock_pg[] = "SELECT " PAYMENT_COLS
                                          " FROM payments WHERE account_id = "
                                          "$1 AND id = $2 FOR UPDATE";
static const char sql_payment_by_key[] = "SELECT " PAYMENT_COLS
                                         " FROM payments WHERE account_id = "
                                         "$1 AND idem_key = $2";
static const char sql_payment_by_ref[] = "SELECT " PAYMENT_COLS
                                         " FROM payments WHERE account_id = "
                                         "$1 AND gateway_ref = $2";
static const char sql_payment_list[] =
    "SELECT " PAYMENT_COLS " FROM payments WHERE account_id = $1 "
    "AND ($2 = '' OR patient_id = $2) AND ($3 = '' OR clinic_id = $3) "
    "AND ($4 = '' OR status = $4) AND created_at_ms >= $5 "
    "AND created_at_ms < $6 AND ($7 = '' OR id < $7) "
    "ORDER BY id DESC LIMIT $8";
static const char sql_payment_stale[] =
    "SELECT account_id, " PAYMENT_COLS " FROM payments WHERE status = "
    "'pending' AND updated_at_ms < $1 ORDER BY updated_at_ms LIMIT $2";

static struct db_param
p_opt(int64_t v)
{
    return v != 0 ? P_I64(v) : P_NULL;
}

static void
payment_bind(const char *account_id, const struct payment *x,
             struct db_param *p)
{
    p[0] = P_TEXT(account_id);
    p[1] = P_TEXT(x->id);
    p[2] = P_TEXT(x->idem_key);
    p[3] = P_TEXT(x->gateway_key);
    p[4] = P_TEXT(x->request_hash);
    p[5] = P_TEXT(x->patient_id);
    p[6] = P_TEXT(x->clinic_id);
    p[7] = P_TEXT(x->merchant_account_id);
    p[8] = P_TEXT(x->gateway);
    p[9] = P_TEXT(x->gateway_ref);
    p[10] = P_TEXT(x->status);
    p[11] = P_I64(x->amount);
    p[12] = P_I64(x->amount_captured);
    p[13] = P_I64(x->amount_refunded);
    p[14] = P_I64(x->fee);
    p[15] = P_TEXT(x->currency);
    p[16] = P_BOOL(x->capture);
    p[17] = P_TEXT(x->source_type);
    p[18] = P_TEXT(x->card_id);
    p[19] = P_TEXT(x->reader_id);
    p[20] = P_TEXT(x->card_brand);
    p[21] = P_TEXT(x->card_last4);
    p[22] = p_opt(x->card_exp_month);
    p[23] = p_opt(x->card_exp_year);
    p[24] = P_BOOL(x->card_present);
    p[25] = P_TEXT(x->failure_code);
    p[26] = P_TEXT(x->decline_code);
    p[27] = P_TEXT(x->failure_message);
    p[28] = P_TEXT(x->description);
    p[29] = P_TEXT(x->metadata);
    p[30] = p_opt(x->capture_before_ms);
    p[31] = P_BOOL(x->disputed);
    p[32] = P_TEXT(x->created_by);
    p[33] = P_I64(x->created_at_ms);
    p[34] = P_I64(x->updated_at_ms);
}

static void
payment_cols(const struct db_rows *r, size_t i, size_t c, struct payment *x)
{
    x->id = db_text(r, i, c + 0);
    x->idem_key = db_text(r, i, c + 1);
    x->gateway_key = db_text(r, i, c + 2);
    x->request_hash = db_text(r, i, c + 3);
    x->patient_id = db_text(r, i, c + 4);
    x->clinic_id = db_text(r, i, c + 5);
    x->merchant_account_id = db_text(r, i, c + 6);
    x->gateway = db_text(r, i, c + 7);
    x->gateway_ref = db_text(r, i, c + 8);
    x->status = db_text(r, i, c + 9);
    x->amount = db_i64(r, i, c + 10);
    x->amount_captured = db_i64(r, i, c + 11);
    x->amount_refunded = db_i64(r, i, c + 12);
    x->fee = db_i64(r, i, c + 13);
    x->currency = db_text(r, i, c + 14);
    x->capture = db_bool(r, i, c + 15);
    x->source_type = db_text(r, i, c + 16);
    x->card_id = db_text(r, i, c + 17);
    x->reader_id = db_text(r, i, c + 18);
    x->card_brand = db_text(r, i, c + 19);
    x->card_last4 = db_text(r, i, c + 20);
    x->card_exp_month = db_i64(r, i, c + 21);
    x->card_exp_year = db_i64(r, i, c + 22);
    x->card_present = db_bool(r, i, c + 23);
    x->failure_code = db_text(r, i, c + 24);
    x->decline_code = db_text(r, i, c + 25);
    x->failure_message = db_text(r, i, c + 26);
    x->description = db_text(r, i, c + 27);
    x->metadata = db_text(r, i, c + 28);
    x->capture_before_ms = db_i64(r, i, c + 29);
    x->disputed = db_bool(r, i, c + 30);
    x->created_by = db_text(r, i, c + 31);
    x->created_at_ms = db_i64(r, i, c + 32);
    x->updated_at_ms = db_i64(r, i, c + 33);
}

static void
payment_row(const struct db_rows *r, size_t i, void *out)
{
    payment_cols(r, i, 0, out);
}

/* A stale payment: its account id comes first, then the payment. */
static void
stale_row(const struct db_rows *r, size_t i, void *out)
{
    struct payment *x = out;

    payment_cols(r, i, 1, x);
    x->account_id = db_text(r, i, 0);
}

enum err
store_payment_insert(struct db *db, struct arena *a, const char *account_id,
                     const struct payment *x, struct errinfo *ei)
{
    struct db_param p[PAYMENT_NCOLS + 1];

    NEED_ACCOUNT(account_id);
    payment_bind(account_id, x, p);
    return db_exec(db, a, sql_payment_insert, p, PAYMENT_NCOLS + 1, NULL, ei);
}

enum err
store_payment_update(struct db *db, struct arena *a, const char *account_id,
                     const struct payment *x, struct errinfo *ei)
{
    struct db_param p[18] = {P_TEXT(account_id),
                             P_TEXT(x->id),
                             P_TEXT(x->gateway_ref),
                             P_TEXT(x->status),
                             P_I64(x->amount_captured),
                             P_I64(x->amount_refunded),
                             P_I64(x->fee),
                             P_TEXT(x->card_brand),
                             P_TEXT(x->card_last4),
                             p_opt(x->card_exp_month),
                             p_opt(x->card_exp_year),
                             P_BOOL(x->card_present),
                             P_TEXT(x->failure_code),
                             P_TEXT(x->decline_code),
                             P_TEXT(x->failure_message),
                             p_opt(x->capture_before_ms),
                             P_BOOL(x->disputed),
                             P_I64(x->updated_at_ms)};

    NEED_ACCOUNT(account_id);
    return db_exec(db, a, sql_payment_update, p, 18, NULL, ei);
}

static enum err
payment_one(struct db *db, struct arena *a, const char *sql,
            const char *account_id, const char *arg, struct payment *out,
            struct errinfo *ei)
{
    struct db_param p[2] = {P_TEXT(account_id), P_TEXT(arg)};

    NEED_ACCOUNT(account_id);
    return db_one_as(db, a, sql, p, 2, payment_row, out, ei);
}

enum err
store_payment_get(struct db *db, struct arena *a, const char *account_id,
                  const char *id, struct payment *out, struct errinfo *ei)
{
    return payment_one(db, a, sql_payment_get, account_id, id, out, ei);
}

enum err
store_payment_lock(struct db *db, struct arena *a, const char *account_id,
                   const char *id, struct payment *out, struct errinfo *ei)
{
    return payment_one(db, a,
                       db_engine(db) == STORE_PG ? sql_payment_lock_pg
                                                 : sql_payment_get,
                       account_id, id, out, ei);
}

enum err
store_payment_by_key(struct db *db, struct arena *a, const char *account_id,
                     const char *idem_key, struct payment *out,
                     struct errinfo *ei)
{
    return payment_one(db, a, sql_payment_by_key, account_id, idem_key, out,
                       ei);
}

enum err
store_payment_by_ref(struct db *db, struct arena *a, const char *account_id,
                     const char *gateway_ref, struct payment *out,
                     struct errinfo *ei)
{
    return payment_one(db, a, sql_payment_by_ref, account_id, gateway_ref, out,
                       ei);
}

static const char *
or_empty(const char *s)
{
    return s != NULL ? s : "";
}

enum err
store_payment_list(struct db *db, struct arena *a, const char *account_id,
                   const struct payment_filter *f, int64_t limit,
                   const char *starting_after, struct payment **out,
                   size_t *count, bool *has_more, struct errinfo *ei)
{
    struct db_param p[8] = {
        P_TEXT(account_id),
        P_TEXT(or_empty(f->patient_id)),
        P_TEXT(or_empty(f->clinic_id)),
        P_TEXT(or_empty(f->status)),
        P_I64(f->created_gte_ms),
        P_I64(f->created_lt_ms > 0 ? f->created_lt_ms : INT64_MAX),
        P_TEXT(or_empty(starting_after)),
        P_I64(limit + 1)};

    NEED_ACCOUNT(account_id);
    return db_list_as(db, a, sql_payment_list, p, 8, payment_row, sizeof(**out),
                      limit, (void **)out, count, has_more, ei);
}

enum err
store_payment_stale(struct db *db, struct arena *a, int64_t older_than_ms,
                    int64_t limit, struct payment **out, size_t *count,
                    struct errinfo *ei)
{
    struct db_param p[2] = {P_I64(older_than_ms), P_I64(limit)};

    return db_list_as(db, a, sql_payment_stale, p, 2, stale_row, sizeof(**out),
                      0, (void **)out, count, NULL, ei);
}

/* ---- refunds ---- */

#define REFUND_COLS                                                            \
    "id, payment_id, idem_key, gateway_key, gateway_ref, amount_minor, "       \
    "currency, reason, status, failure_code, created_by, created_at_ms, "      \
    "updated_at_ms"

static const char sql_refund_insert[] =
    "INSERT INTO refunds (account_id, " REFUND_COLS ") VALUES ($1, $2, $3, "
    "$4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)";
static const char sql_refund_update[] =
    "UPDATE refunds SET gateway_ref = $3, status = $4, failure_code = $5, "
    "updated_at_ms = $6 WHERE account_id = $1 AND id = $2";
static const char sql_refund_get[] = "SELECT " REFUND_COLS
                                     " FROM refunds WHERE account_id = $1 "
                                     "AND id = $2";
static const char sql_refund_by_key[] = "SELECT " REFUND_COLS
                                        " FROM refunds WHERE account_id = $1 "
                                        "AND idem_key = $2";
static const char sql_refund_by_ref[] = "SELECT " REFUND_COLS
                                        " FROM refunds WHERE account_id = $1 "
                                        "AND gateway_ref = $2";
static const char sql_refund_list[] = "SELECT " REFUND_COLS
                                      " FROM refunds WHERE account_id = $1 "
                                      "AND payment_id = $2 ORDER BY id";
static const char sql_refund_stale[] =
    "SELECT " REFUND_COLS ", account_id FROM refunds WHERE status = "
    "'pending' AND updated_at_ms < $1 ORDER BY updated_at_ms LIMIT $2";
static const char sql_refund_reserved[] =
    "SELECT COALESCE(SUM(amount_minor), 0) FROM refunds WHERE account_id = "
    "$1 AND payment_id = $2 AND status IN ('pending', 'succeeded')";

static void
refund_row(const struct db_rows *r, size_t i, void *out)
{
    struct refund *x = out;

    x->id = db_text(r, i, 0);
    x->payment_id = db_text(r, i, 1);
    x->idem_key = db_text(r, i, 2);
    x->gateway_key = db_text(r, i, 3);
    x->gateway_ref = db_text(r, i, 4);
    x->amount = db_i64(r, i, 5);
    x->currency = db_text(r, i, 6);
    x->reason = db_text(r, i, 7);
    x->status = db_text(r, i, 8);
    x->failure_code = db_text(r, i, 9);
    x->created_by = db_text(r, i, 10);
    x->created_at_ms = db_i64(r, i, 11);
    x->updated_at_ms = db_i64(r, i, 12);
}

enum err
store_refund_insert(struct db *db, struct arena *a, const char *account_id,
                    const struct refund *x, struct errinfo *ei)
{
    struct db_param p[14] = {P_TEXT(account_id),      P_TEXT(x->id),
                             P_TEXT(x->payment_id),   P_TEXT(x->idem_key),
                             P_TEXT(x->gateway_key),  P_TEXT(x->gateway_ref),
                             P_I64(x->amount),        P_TEXT(x->currency),
                             P_TEXT(x->reason),       P_TEXT(x->status),
                             P_TEXT(x->failure_code), P_TEXT(x->created_by),
                             P_I64(x->created_at_ms), P_I64(x->updated_at_ms)};

    NEED_ACCOUNT(account_id);
    return db_exec(db, a, sql_refund_insert, p, 14, NULL, ei);
}

enum err
store_refund_update(struct db *db, struct arena *a, const char *account_id,
                    const struct refund *x, struct errinfo *ei)
{
    struct db_param p[6] = {P_TEXT(account_id),      P_TEXT(x->id),
                            P_TEXT(x->gateway_ref),  P_TEXT(x->status),
                            P_TEXT(x->failure_code), P_I64(x->updated_at_ms)};

    NEED_ACCOUNT(account_id);
    return db_exec(db, a, sql_refund_update, p, 6, NULL, ei);
}

static enum err
refund_one(struct db *db, struct arena *a, const char *sql,
           const char *account_id, const char *arg, struct refund *out,
           struct errinfo *ei)
{
    struct db_param p[2] = {P_TEXT(account_id), P_TEXT(arg)};

    NEED_ACCOUNT(account_id);
    return db_one_as(db, a, sql, p, 2, refund_row, out, ei);
}

enum err
store_refund_get(struct db *db, struct arena *a, const char *account_id,
                 const char *id, struct refund *out, struct errinfo *ei)
{
    return refund_one(db, a, sql_refund_get, account_id, id, out, ei);
}

enum err
store_refund_by_key(struct db *db, struct arena *a, const char *account_id,
                    const char *idem_key, struct refund *out,
                    struct errinfo *ei)
{
    return refund_one(db, a, sql_refund_by_key, account_id, idem_key, out, ei);
}

enum err
store_refund_by_ref(struct db *db, struct arena *a, const char *account_id,
                    const char *gateway_ref, struct refund *out,
                    struct errinfo *ei)
{
    return refund_one(db, a, sql_refund_by_ref, account_id, gateway_ref, out,
                      ei);
}

enum err
store_refund_list(struct db *db, struct arena *a, const char *account_id,
                  const char *payment_id, struct refund **out, size_t *count,
                  struct errinfo *ei)
{
    struct db_param p[2] = {P_TEXT(account_id), P_TEXT(payment_id)};

    NEED_ACCOUNT(account_id);
    return db_list_as(db, a, sql_refund_list, p, 2, refund_row, sizeof(**out),
                      0, (void **)out, count, NULL, ei);
}

static void
refund_stale_row(const struct db_rows *r, size_t i, void *out)
{
    struct refund *x = out;

    refund_row(r, i, x);
    x->account_id = db_text(r, i, 13);
}

enum err
store_refund_stale(struct db *db, struct arena *a, int64_t older_than_ms,
                   int64_t limit, struct refund **out, size_t *count,
                   struct errinfo *ei)
{
    struct db_param p[2] = {P_I64(older_than_ms), P_I64(limit)};

    return db_list_as(db, a, sql_refund_stale, p, 2, refund_stale_row,
                      sizeof(**out), 0, (void **)out, count, NULL, ei);
}

enum err
store_refund_reserved(struct db *db, struct arena *a, const char *account_id,
                      const char *payment_id, int64_t *sum, struct errinfo *ei)
{
    struct db_param p[2] = {P_TEXT(account_id), P_TEXT(payment_id)};
    struct db_rows r;
    enum err rc;

    NEED_ACCOUNT(account_id);
    rc = db_one(db, a, sql_refund_reserved, p, 2, &r, ei);
    if (rc == ERR_OK)
        *sum = db_i64(&r, 0, 0);
    return rc;
}
