/*
 * pos.c - POS settings, merchant and bank accounts, card readers, reader
 * orders and fee statements.
 */
#include "store/pos.h"

#include "base/assert.h"

#define NEED_ACCOUNT(id) ASSERT((id) != NULL && (id)[0] != '\0')

/* ---- POS settings ---- */

static const char sql_pos_get[] =
    "SELECT status, gateway, merchant_mode, webhook_secret, activated_at_ms, "
    "deactivated_at_ms, updated_at_ms FROM pos_settings WHERE account_id = $1";
static const char sql_pos_put[] =
    "INSERT INTO pos_settings (account_id, status, gateway, merchant_mode, "
    "webhook_secret, activated_at_ms, deactivated_at_ms, updated_at_ms) "
    "VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (account_id) DO "
    "UPDATE SET status = $2, gateway = $3, merchant_mode = $4, "
    "webhook_secret = $5, activated_at_ms = $6, deactivated_at_ms = $7, "
    "updated_at_ms = $8";

enum err
store_pos_get(struct db *db, struct arena *a, const char *account_id,
              struct pos_settings *out, struct errinfo *ei)
{
    struct db_param p[1] = {P_TEXT(account_id)};
    struct db_rows r;
    enum err rc;

    NEED_ACCOUNT(account_id);
    rc = db_one(db, a, sql_pos_get, p, 1, &r, ei);
    if (rc)
        return rc;
    out->status = db_text(&r, 0, 0);
    out->gateway = db_text(&r, 0, 1);
    out->merchant_mode = db_text(&r, 0, 2);
    out->webhook_secret = db_text(&r, 0, 3);
    out->activated_at_ms = db_i64(&r, 0, 4);
    out->deactivated_at_ms = db_i64(&r, 0, 5);
    out->updated_at_ms = db_i64(&r, 0, 6);
    return ERR_OK;
}

static struct db_param
p_time(int64_t ms)
{
    return ms > 0 ? P_I64(ms) : P_NULL;
}

enum err
store_pos_put(struct db *db, struct arena *a, const char *account_id,
              const struct pos_settings *s, struct errinfo *ei)
{
    struct db_param p[8] = {
        P_TEXT(account_id),           P_TEXT(s->status),
        P_TEXT(s->gateway),           P_TEXT(s->merchant_mode),
        P_TEXT(s->webhook_secret),    p_time(s->activated_at_ms),
        p_time(s->deactivated_at_ms), P_I64(s->updated_at_ms)};

    NEED_ACCOUNT(account_id);
    return db_exec(db, a, sql_pos_put, p, 8, NULL, ei);
}

static const char sql_pos_on[] =
    "SELECT account_id FROM pos_settings WHERE status = 'active' AND "
    "gateway = $1 ORDER BY account_id";

enum err
store_pos_accounts_on(struct db *db, struct arena *a, const char *gateway,
                      const char ***ids, size_t *count, struct errinfo *ei)
{
    struct db_param p[1] = {P_TEXT(gateway)};
    struct db_rows r;
    const char **out;
    enum err rc = db_exec(db, a, sql_pos_on, p, 1, &r, ei);

    if (rc)
        return rc;
    out = arena_array(a, r.nrows + 1, sizeof(*out));
    if (out == NULL)
        return ERR_LIMIT;
    for (size_t i = 0; i < r.nrows; i++)
        out[i] = db_text(&r, i, 0);
    *ids = out;
    *count = r.nrows;
    return ERR_OK;
}

/* ---- merchant accounts ---- */

#define MERCHANT_COLS                                                          \
    "id, clinic_id, gateway, gateway_ref, name, currency, timezone, status, "  \
    "reader_deducted, created_at_ms, updated_at_ms"

static const char sql_merchant_insert[] =
    "INSERT INTO merchant_accounts (account_id, " MERCHANT_COLS ") VALUES "
    "($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)";
static const char sql_merchant_get[] = "SELECT " MERCHANT_COLS
                                       " FROM merchant_accounts "
                                       "WHERE account_id = $1 AND id = $2";
static const char sql_merchant_for_clinic[] =
    "SELECT " MERCHANT_COLS " FROM merchant_accounts WHERE account_id = $1 "
    "AND status = 'active' AND (clinic_id = $2 OR clinic_id IS NULL) "
    "ORDER BY clinic_id IS NULL LIMIT 1";
static const char sql_merchant_list[] =
    "SELECT " MERCHANT_COLS " FROM merchant_accounts WHERE account_id = $1 "
    "AND ($2 = '' OR status = $2) ORDER BY id";
static const char sql_merchant_billable[] =
    "SELECT m.id, m.clinic_id, m.gateway, m.gateway_ref, m.name, "
    "m.currency, m.timezone, m.status, m.reader_deducted, m.created_at_ms, "
    "m.updated_at_ms, m.account_id FROM merchant_accounts m JOIN "
    "pos_settings s ON s.account_id = m.account_id WHERE m.status = "
    "'active' AND s.status = 'active' AND ($1 = '' OR m.account_id = $1) "
    "ORDER BY m.account_id, m.id";
static const char sql_merchant_owner[] =
    "SELECT account_id FROM merchant_accounts WHERE gateway = $1 AND "
    "gateway_ref = $2 ORDER BY created_at_ms DESC LIMIT 1";
static const char sql_merchant_close_all[] =
    "UPDATE merchant_accounts SET status = 'closed', updated_at_ms = $2 "
    "WHERE account_id = $1 AND status = 'active'";
static const char sql_merchant_take_reader[] =
    "UPDATE merchant_accounts SET reader_deducted = 1 WHERE account_id = $1 "
    "AND id = $2 AND reader_deducted = 0 RETURNING id";

static void
merchant_row(const struct db_rows *r, size_t i, void *out)
{
    struct merchant_account *m = out;

    m->id = db_text(r, i, 0);
    m->clinic_id = db_text(r, i, 1);
    m->gateway = db_text(r, i, 2);
    m->gateway_ref = db_text(r, i, 3);
    m->name = db_text(r, i, 4);
    m->currency = db_text(r, i, 5);
    m->timezone = db_text(r, i, 6);
    m->status = db_text(r, i, 7);
    m->reader_deducted = db_bool(r, i, 8);
    m->created_at_ms = db_i64(r, i, 9);
    m->updated_at_ms = db_i64(r, i, 10);
}

enum err
store_merchant_insert(struct db *db, struct arena *a, const char *account_id,
                      const struct merchant_account *m, struct errinfo *ei)
{
    struct db_param p[12] = {
        P_TEXT(account_id),      P_TEXT(m->id),
        P_TEXT(m->clinic_id),    P_TEXT(m->gateway),
        P_TEXT(m->gateway_ref),  P_TEXT(m->name),
        P_TEXT(m->currency),     P_TEXT(m->timezone),
        P_TEXT(m->status),       P_BOOL(m->reader_deducted),
        P_I64(m->created_at_ms), P_I64(m->updated_at_ms)};

    NEED_ACCOUNT(account_id);
    return db_exec(db, a, sql_merchant_insert, p, 12, NULL, ei);
}

static enum err
merchant_one(struct db *db, struct arena *a, const char *sql,
             const char *account_id, const char *arg,
             struct merchant_account *out, struct errinfo *ei)
{
    struct db_param p[2] = {P_TEXT(account_id), P_TEXT(arg)};

    NEED_ACCOUNT(account_id);
    return db_one_as(db, a, sql, p, 2, merchant_row, out, ei);
}

enum err
store_merchant_get(struct db *db, struct arena *a, const char *account_id,
                   const char *id, struct merchant_account *out,
                   struct errinfo *ei)
{
    return merchant_one(db, a, sql_merchant_get, account_id, id, out, ei);
}

enum err
store_merchant_for_clinic(struct db *db, struct arena *a,
                          const char *account_id, const char *clinic_id,
                          struct merchant_account *out, struct errinfo *ei)
{
    return merchant_one(db, a, sql_merchant_for_clinic, account_id, clinic_id,
                        out, ei);
}

enum err
store_merchant_list(struct db *db, struct arena *a, const char *account_id,
                    const char *status, struct merchant_account **out,
                    size_t *count, struct errinfo *ei)
{
    struct db_param p[2] = {P_TEXT(account_id),
                            P_TEXT(status != NULL ? status : "")};

    NEED_ACCOUNT(account_id);
    return db_list_as(db, a, sql_merchant_list, p, 2, merchant_row,
                      sizeof(**out), 0, (void **)out, count, NULL, ei);
}

/* merchant_row, and the account id the billable query adds last. */
static void
billable_row(const struct db_rows *r, size_t i, void *out)
{
    struct merchant_account *m = out;

    merchant_row(r, i, m);
    m->account_id = db_text(r, i, 11);
}

enum err
store_merchant_billable(struct db *db, struct arena *a, const char *account_id,
                        struct merchant_account **out, size_t *count,
                        struct errinfo *ei)
{
    struct db_param p[1] = {P_TEXT(account_id != NULL ? account_id : "")};

    return db_list_as(db, a, sql_merchant_billable, p, 1, billable_row,
                      sizeof(**out), 0, (void **)out, count, NULL, ei);
}

enum err
store_merchant_owner(struct db *db, struct arena *a, const char *gateway,
                     const char *ref, const char **account_id,
                     struct errinfo *ei)
{
    struct db_param p[2] = {P_TEXT(gateway), P_TEXT(ref)};
    struct db_rows r;
    enum err rc = db_one(db, a, sql_merchant_owner, p, 2, &r, ei);

    if (rc == ERR_OK)
        *account_id = db_text(&r, 0, 0);
    return rc;
}

enum err
store_merchant_close_all(struct db *db, struct arena *a, const char *account_id,
                         int64_t now_ms, struct errinfo *ei)
{
    struct db_param p[2] = {P_TEXT(account_id), P_I64(now_ms)};

    NEED_ACCOUNT(account_id);
    return db_exec(db, a, sql_merchant_close_all, p, 2, NULL, ei);
}

enum err
store_merchant_take_reader_deduction(struct db *db, struct arena *a,
                                     const char *account_id, const char *id,
                                     bool *taken, struct errinfo *ei)
{
    struct db_param p[2] = {P_TEXT(account_id), P_TEXT(id)};
    struct db_rows r;
    enum err rc;

    NEED_ACCOUNT(account_id);
    rc = db_exec(db, a, sql_merchant_take_reader, p, 2, &r, ei);
    if (rc == ERR_OK)
        *taken = r.nrows == 1;
    return rc;
}

/* ---- bank accounts ---- */

#define BANK_COLS                                                              \
    "id, merchant_account_id, gateway_ref, holder_name, routing_number, "      \
    "last4, is_default, status, created_at_ms, updated_at_ms"

static const char sql_bank_insert[] =
    "INSERT INTO bank_accounts (account_id, " BANK_COLS ") VALUES ($1, $2, "
    "$3, $4, $5, $6, $7, $8, $9, $10, $11)";
static const char sql_bank_get[] = "SELECT " BANK_COLS " FROM bank_accounts "
                                   "WHERE account_id = $1 AND id = $2 "
                                   "AND status = 'active'";
static const char sql_bank_by_ref[] = "SELECT " BANK_COLS
                                      " FROM bank_accounts WHERE account_id "
                                      "= $1 AND gateway_ref = $2";
static const char sql_bank_list[] =
    "SELECT " BANK_COLS " FROM bank_accounts WHERE account_id = $1 "
    "AND status = 'active' AND ($2 = '' OR merchant_account_id = $2) "
    "ORDER BY id";
static const char sql_bank_clear_default[] =
    "UPDATE bank_accounts SET is_default = 0, updated_at_ms = $3 "
    "WHERE account_id = $1 AND merchant_account_id = $2 AND is_default = 1";
static const char sql_bank_make_default[] =
    "UPDATE bank_accounts SET is_default = 1, updated_at_ms = $3 "
    "WHERE account_id = $1 AND id = $2 AND status = 'active'";
static const char sql_bank_delete[] =
    "UPDATE bank_accounts SET status = 'deleted', is_default = 0, "
    "updated_at_ms = $3 WHERE account_id = $1 AND id = $2";
static const char sql_bank_in_flight[] =
    "SELECT COUNT(*) FROM payouts WHERE account_id = $1 AND "
    "bank_account_id = $2 AND status IN ('pending', 'in_transit')";

static void
bank_row(const struct db_rows *r, size_t i, void *out)
{
    struct bank_account *b = out;

    b->id = db_text(r, i, 0);
    b->merchant_account_id = db_text(r, i, 1);
    b->gateway_ref = db_text(r, i, 2);
    b->holder_name = db_text(r, i, 3);
    b->routing_number = db_text(r, i, 4);
    b->last4 = db_text(r, i, 5);
    b->is_default = db_bool(r, i, 6);
    b->status = db_text(r, i, 7);
    b->created_at_ms = db_i64(r, i, 8);
    b->updated_at_ms = db_i64(r, i, 9);
}

enum err
store_bank_insert(struct db *db, struct arena *a, const char *account_id,
                  const struct bank_account *b, struct errinfo *ei)
{
    struct db_param p[11] = {P_TEXT(account_id),
                             P_TEXT(b->id),
                             P_TEXT(b->merchant_account_id),
                             P_TEXT(b->gateway_ref),
                             P_TEXT(b->holder_name),
                             P_TEXT(b->routing_number),
                             P_TEXT(b->last4),
                             P_BOOL(b->is_default),
                             P_TEXT(b->status),
                             P_I64(b->created_at_ms),
                             P_I64(b->updated_at_ms)};

    NEED_ACCOUNT(account_id);
    return db_exec(db, a, sql_bank_insert, p, 11, NULL, ei);
}

enum err
store_bank_get(struct db *db, struct arena *a, const char *account_id,
               const char *id, struct bank_account *out, struct errinfo *ei)
{
    struct db_param p[2] = {P_TEXT(account_id), P_TEXT(id)};

    NEED_ACCOUNT(account_id);
    return db_one_as(db, a, sql_bank_get, p, 2, bank_row, out, ei);
}

enum err
store_bank_by_ref(struct db *db, struct arena *a, const char *account_id,
                  const char *ref, struct bank_account *out, struct errinfo *ei)
{
    struct db_param p[2] = {P_TEXT(account_id), P_TEXT(ref)};

    NEED_ACCOUNT(account_id);
    return db_one_as(db, a, sql_bank_by_ref, p, 2, bank_row, out, ei);
}

enum err
store_bank_list(struct db *db, struct arena *a, const char *account_id,
                const char *merchant_id, struct bank_account **out,
                size_t *count, struct errinfo *ei)
{
    struct db_param p[2] = {P_TEXT(account_id),
                            P_TEXT(merchant_id != NULL ? merchant_id : "")};

    NEED_ACCOUNT(account_id);
    return db_list_as(db, a, sql_bank_list, p, 2, bank_row, sizeof(**out), 0,
                      (void **)out, count, NULL, ei);
}

enum err
store_bank_set_default(struct db *db, struct arena *a, const char *account_id,
                       const char *merchant_id, const char *id, int64_t now_ms,
                       struct errinfo *ei)
{
    struct db_param clear[3] = {P_TEXT(account_id), P_TEXT(merchant_id),
                                P_I64(now_ms)};
    struct db_param make[3] = {P_TEXT(account_id), P_TEXT(id), P_I64(now_ms)};
    enum err rc;

    NEED_ACCOUNT(account_id);
    rc = db_exec(db, a, sql_bank_clear_default, clear, 3, NULL, ei);
    if (rc == ERR_OK)
        rc = db_exec(db, a, sql_bank_make_default, make, 3, NULL, ei);
    return rc;
}

enum err
store_bank_delete(struct db *db, struct arena *a, const char *account_id,
                  const char *id, int64_t now_ms, struct errinfo *ei)
{
    struct db_param p[3] = {P_TEXT(account_id), P_TEXT(id), P_I64(now_ms)};

    NEED_ACCOUNT(account_id);
    return db_exec(db, a, sql_bank_delete, p, 3, NULL, ei);
}

static enum err
count_of(struct db *db, struct arena *a, const char *sql,
         const struct db_param *p, size_t np, int64_t *n, struct errinfo *ei)
{
    struct db_rows r;
    enum err rc = db_one(db, a, sql, p, np, &r, ei);

    if (rc == ERR_OK)
        *n = db_i64(&r, 0, 0);
    return rc;
}

enum err
store_bank_payouts_in_flight(struct db *db, struct arena *a,
                             const char *account_id, const char *id, int64_t *n,
                             struct errinfo *ei)
{
    struct db_param p[2] = {P_TEXT(account_id), P_TEXT(id)};

    NEED_ACCOUNT(account_id);
    return count_of(db, a, sql_bank_in_flight, p, 2, n, ei);
}

/* ---- card readers and orders ---- */

#define READER_COLS                                                            \
    "id, clinic_id, merchant_account_id, serial_number, label, gateway_ref, "  \
    "status, created_at_ms, updated_at_ms"

static const char sql_reader_insert[] =
    "INSERT INTO card_readers (account_id, " READER_COLS ") VALUES ($1, $2, "
    "$3, $4, $5, $6, $7, $8, $9, $10)";
static const char sql_reader_get[] = "SELECT " READER_COLS
                                     " FROM card_readers WHERE account_id = $1 "
                                     "AND id = $2 AND status = 'active'";
static const char sql_reader_list[] = "SELECT " READER_COLS
                                      " FROM card_readers WHERE account_id = "
                                      "$1 AND status = 'active' ORDER BY id";
static const char sql_reader_delete[] =
    "UPDATE card_readers SET status = 'deleted', updated_at_ms = $3 "
    "WHERE account_id = $1 AND id = $2";
static const char sql_order_count[] =
    "SELECT COUNT(*) FROM card_reader_orders WHERE account_id = $1";
static const char sql_order_insert[] =
    "INSERT INTO card_reader_orders (account_id, id, clinic_id, "
    "merchant_account_id, quantity, amount_minor, currency, billing, "
    "shipping_name, created_at_ms) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, "
    "$9, $10)";

static void
reader_row(const struct db_rows *r, size_t i, void *out)
{
    struct card_reader *c = out;

    c->id = db_text(r, i, 0);
    c->clinic_id = db_text(r, i, 1);
    c->merchant_account_id = db_text(r, i, 2);
    c->serial_number = db_text(r, i, 3);
    c->label = db_text(r, i, 4);
    c->gateway_ref = db_text(r, i, 5);
    c->status = db_text(r, i, 6);
    c->created_at_ms = db_i64(r, i, 7);
    c->updated_at_ms = db_i64(r, i, 8);
}

enum err
store_reader_insert(struct db *db, struct arena *a, const char *account_id,
                    const struct card_reader *c, struct errinfo *ei)
{
    struct db_param p[10] = {
        P_TEXT(account_id),       P_TEXT(c->id),
        P_TEXT(c->clinic_id),     P_TEXT(c->merchant_account_id),
        P_TEXT(c->serial_number), P_TEXT(c->label),
        P_TEXT(c->gateway_ref),   P_TEXT(c->status),
        P_I64(c->created_at_ms),  P_I64(c->updated_at_ms)};

    NEED_ACCOUNT(account_id);
    return db_exec(db, a, sql_reader_insert, p, 10, NULL, ei);
}

enum err
store_reader_get(struct db *db, struct arena *a, const char *account_id,
                 const char *id, struct card_reader *out, struct errinfo *ei)
{
    struct db_param p[2] = {P_TEXT(account_id), P_TEXT(id)};

    NEED_ACCOUNT(account_id);
    return db_one_as(db, a, sql_reader_get, p, 2, reader_row, out, ei);
}

enum err
store_reader_list(struct db *db, struct arena *a, const char *account_id,
                  struct card_reader **out, size_t *count, struct errinfo *ei)
{
    struct db_param p[1] = {P_TEXT(account_id)};

    NEED_ACCOUNT(account_id);
    return db_list_as(db, a, sql_reader_list, p, 1, reader_row, sizeof(**out),
                      0, (void **)out, count, NULL, ei);
}

enum err
store_reader_delete(struct db *db, struct arena *a, const char *account_id,
                    const char *id, int64_t now_ms, struct errinfo *ei)
{
    struct db_param p[3] = {P_TEXT(account_id), P_TEXT(id), P_I64(now_ms)};

    NEED_ACCOUNT(account_id);
    return db_exec(db, a, sql_reader_delete, p, 3, NULL, ei);
}

enum err
store_reader_order_count(struct db *db, struct arena *a, const char *account_id,
                         int64_t *n, struct errinfo *ei)
{
    struct db_param p[1] = {P_TEXT(account_id)};

    NEED_ACCOUNT(account_id);
    return count_of(db, a, sql_order_count, p, 1, n, ei);
}

enum err
store_reader_order_insert(struct db *db, struct arena *a,
                          const char *account_id, const struct reader_order *o,
                          struct errinfo *ei)
{
    struct db_param p[10] = {
        P_TEXT(account_id),       P_TEXT(o->id),
        P_TEXT(o->clinic_id),     P_TEXT(o->merchant_account_id),
        P_I64(o->quantity),       P_I64(o->amount_minor),
        P_TEXT(o->currency),      P_TEXT(o->billing),
        P_TEXT(o->shipping_name), P_I64(o->created_at_ms)};

    NEED_ACCOUNT(account_id);
    return db_exec(db, a, sql_order_insert, p, 10, NULL, ei);
}

/* ---- fee statements ---- */

#define FEE_COLS                                                               \
    "id, merchant_account_id, kind, period, description, amount_minor, "       \
    "currency, status, gateway_ref, payout_id, created_at_ms"

static const char sql_fee_insert[] =
    "INSERT INTO fee_statements (account_id, " FEE_COLS ") VALUES ($1, $2, "
    "$3, $4, $5, $6, $7, $8, $9, $10, $11, $12) ON CONFLICT DO NOTHING "
    "RETURNING id";
static const char sql_fee_list[] =
    "SELECT " FEE_COLS " FROM fee_statements WHERE account_id = $1 "
    "AND ($2 = '' OR id < $2) ORDER BY id DESC LIMIT $3";
static const char sql_fee_deducted[] =
    "UPDATE fee_statements SET status = 'deducted', payout_id = $3 "
    "WHERE account_id = $1 AND gateway_ref = $2 AND status = 'pending'";

enum err
store_fee_insert(struct db *db, struct arena *a, const char *account_id,
                 const struct fee_statement *f, bool *inserted,
                 struct errinfo *ei)
{
    struct db_rows r;
    enum err rc;
    struct db_param p[12] = {P_TEXT(account_id),
                             P_TEXT(f->id),
                             P_TEXT(f->merchant_account_id),
                             P_TEXT(f->kind),
                             P_TEXT(f->period),
                             P_TEXT(f->description),
                             P_I64(f->amount_minor),
                             P_TEXT(f->currency),
                             P_TEXT(f->status),
                             P_TEXT(f->gateway_ref),
                             P_TEXT(f->payout_id),
                             P_I64(f->created_at_ms)};

    NEED_ACCOUNT(account_id);
    rc = db_exec(db, a, sql_fee_insert, p, 12, &r, ei);
    if (rc == ERR_OK)
        *inserted = r.nrows == 1;
    return rc;
}

static void
fee_row(const struct db_rows *r, size_t i, void *out)
{
    struct fee_statement *f = out;

    f->id = db_text(r, i, 0);
    f->merchant_account_id = db_text(r, i, 1);
    f->kind = db_text(r, i, 2);
    f->period = db_text(r, i, 3);
    f->description = db_text(r, i, 4);
    f->amount_minor = db_i64(r, i, 5);
    f->currency = db_text(r, i, 6);
    f->status = db_text(r, i, 7);
    f->gateway_ref = db_text(r, i, 8);
    f->payout_id = db_text(r, i, 9);
    f->created_at_ms = db_i64(r, i, 10);
}

enum err
store_fee_list(struct db *db, struct arena *a, const char *account_id,
               int64_t limit, const char *starting_after,
               struct fee_statement **out, size_t *count, bool *has_more,
               struct errinfo *ei)
{
    struct db_param p[3] = {
        P_TEXT(account_id),
        P_TEXT(starting_after != NULL ? starting_after : ""), P_I64(limit + 1)};

    NEED_ACCOUNT(account_id);
    return db_list_as(db, a, sql_fee_list, p, 3, fee_row, sizeof(**out), limit,
                      (void **)out, count, has_more, ei);
}

enum err
store_fee_mark_deducted(struct db *db, struct arena *a, const char *account_id,
                        const char *gateway_ref, const char *payout_id,
                        struct errinfo *ei)
{
    struct db_param p[3] = {P_TEXT(account_id), P_TEXT(gateway_ref),
                            P_TEXT(payout_id)};

    NEED_ACCOUNT(account_id);
    return db_exec(db, a, sql_fee_deducted, p, 3, NULL, ei);
}

/* ---- usage, for deactivation ---- */

static const char sql_usage[] =
    "SELECT (SELECT COUNT(*) FROM cards WHERE account_id = $1 AND status = "
    "'active'), (SELECT COUNT(*) FROM payments WHERE account_id = $1 AND "
    "status IN ('requires_capture', 'processing', 'pending')), (SELECT "
    "COUNT(*) FROM merchant_accounts WHERE account_id = $1 AND status = "
    "'active'), (SELECT COUNT(*) FROM card_readers WHERE account_id = $1 AND "
    "status = 'active')";

enum err
store_pos_usage(struct db *db, struct arena *a, const char *account_id,
                struct pos_usage *out, struct errinfo *ei)
{
    struct db_param p[1] = {P_TEXT(account_id)};
    struct db_rows r;
    enum err rc;

    NEED_ACCOUNT(account_id);
    rc = db_one(db, a, sql_usage, p, 1, &r, ei);
    if (rc)
        return rc;
    out->saved_cards = db_i64(&r, 0, 0);
    out->payments_open = db_i64(&r, 0, 1);
    out->merchant_accounts = db_i64(&r, 0, 2);
    out->card_readers = db_i64(&r, 0, 3);
    return ERR_OK;
}
