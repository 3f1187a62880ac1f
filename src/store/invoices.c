/*
 * invoices.c - prices and providers for invoices, one statement each.
 *
 * A list of ids travels as one JSON-array parameter, expanded by the
 * engine (json_each on SQLite, json_array_elements_text on PostgreSQL),
 * so the statement text is fixed, prepared once, and an invoice of 200
 * lines is still one round trip.
 */
#include "store/invoices.h"

#include "base/assert.h"

#define NEED_ACCOUNT(id) ASSERT((id) != NULL && (id)[0] != '\0')

#define ITEMS_SQL(IDS)                                                         \
    "SELECT id, 'service', name, price_minor, currency, taxable, archived "    \
    "FROM services WHERE account_id = $1 AND id IN (" IDS ") UNION ALL "       \
    "SELECT id, 'product', name, price_minor, currency, taxable, archived "    \
    "FROM products WHERE account_id = $1 AND id IN (" IDS ")"

static const char sql_items_sqlite[] = ITEMS_SQL(
    "SELECT value FROM json_each($2)");
static const char sql_items_pg[] = ITEMS_SQL(
    "SELECT json_array_elements_text($2::json)");

#define USERS_SQL(IDS)                                                         \
    "SELECT COUNT(*) FROM users WHERE account_id = $1 AND disabled = 0 AND "   \
    "id IN (" IDS ")"

static const char sql_users_sqlite[] = USERS_SQL(
    "SELECT value FROM json_each($2)");
static const char sql_users_pg[] = USERS_SQL(
    "SELECT json_array_elements_text($2::json)");

static void
item_row(const struct db_rows *r, size_t i, void *out)
{
    struct priced_item *x = out;

    x->id = db_text(r, i, 0);
    x->kind = db_text(r, i, 1);
    x->name = db_text(r, i, 2);
    x->price_minor = db_i64(r, i, 3);
    x->currency = db_text(r, i, 4);
    x->taxable = db_bool(r, i, 5);
    x->archived = db_bool(r, i, 6);
}

enum err
store_priced_items(struct db *db, struct arena *a, const char *account_id,
                   const char *ids_json, struct priced_item **out,
                   size_t *count, struct errinfo *ei)
{
    struct db_param p[2] = {P_TEXT(account_id), P_TEXT(ids_json)};

    NEED_ACCOUNT(account_id);
    return db_list_as(
        db, a, db_engine(db) == STORE_PG ? sql_items_pg : sql_items_sqlite, p,
        2, item_row, sizeof(**out), 0, (void **)out, count, NULL, ei);
}

enum err
store_users_present(struct db *db, struct arena *a, const char *account_id,
                    const char *ids_json, int64_t *n, struct errinfo *ei)
{
    struct db_param p[2] = {P_TEXT(account_id), P_TEXT(ids_json)};
    struct db_rows r;
    enum err rc;

    NEED_ACCOUNT(account_id);
    rc = db_one(db, a,
                db_engine(db) == STORE_PG ? sql_users_pg : sql_users_sqlite, p,
                2, &r, ei);
    if (rc == ERR_OK)
        *n = db_i64(&r, 0, 0);
    return rc;
}

/* ---- invoices ---- */

#define INVOICE_COLS                                                           \
    "id, clinic_id, patient_id, provider_id, kind, status, number, "           \
    "currency, discount_kind, discount_value, gross_minor, discount_minor, "   \
    "net_minor, tax_minor, total_minor, paid_minor, created_by, "              \
    "created_at_ms, updated_at_ms, finalized_at_ms, queued_at_ms, "            \
    "tip_minor, refunded_minor, tip_refunded_minor, paid_at_ms, merged_into, " \
    "source"

static const char sql_invoice_insert[] =
    "INSERT INTO invoices (account_id, " INVOICE_COLS ") VALUES ($1, $2, $3, "
    "$4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, "
    "$19, $20, $21, $22, $23, $24, $25, $26, $27, $28)";
static const char sql_line_insert[] =
    "INSERT INTO invoice_lines (account_id, invoice_id, seq, item_id, kind, "
    "name, quantity, taxable, discount_kind, discount_value, "
    "unit_price_minor, gross_minor, discount_minor, net_minor, tax_minor, "
    "total_minor) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, "
    "$13, $14, $15, $16)";
static const char sql_invoice_get[] = "SELECT " INVOICE_COLS
                                      " FROM invoices WHERE account_id = $1 "
                                      "AND id = $2";
static const char sql_invoice_get_pg[] = "SELECT " INVOICE_COLS
                                         " FROM invoices WHERE account_id = "
                                         "$1 AND id = $2 FOR UPDATE";
static const char sql_lines[] =
    "SELECT seq, item_id, kind, name, quantity, taxable, discount_kind, "
    "discount_value, unit_price_minor, gross_minor, discount_minor, "
    "net_minor, tax_minor, total_minor, refunded_quantity FROM invoice_lines "
    "WHERE account_id = "
    "$1 AND invoice_id = $2 ORDER BY seq";
static const char sql_invoice_list[] =
    "SELECT " INVOICE_COLS " FROM invoices WHERE account_id = $1 "
    "AND ($2 = '' OR patient_id = $2) AND ($3 = '' OR clinic_id = $3) "
    "AND ($4 = '' OR status = $4) AND ($5 = '' OR id < $5) "
    "AND ($7 = '' OR provider_id = $7) AND created_at_ms >= $8 "
    "AND created_at_ms < $9 ORDER BY id DESC LIMIT $6";
static const char sql_lines_delete[] =
    "DELETE FROM invoice_lines WHERE account_id = $1 AND invoice_id = $2";
static const char sql_invoice_delete[] =
    "DELETE FROM invoices WHERE account_id = $1 AND id = $2";
static const char sql_invoice_finalize[] =
    "UPDATE invoices SET kind = 'invoice', status = $3, number = $4, "
    "finalized_at_ms = $5, "
    "updated_at_ms = $5 WHERE account_id = $1 AND id = $2";
static const char sql_invoice_update[] =
    "UPDATE invoices SET patient_id = $3, provider_id = $4, kind = $5, "
    "status = $6, discount_kind = $7, discount_value = $8, gross_minor = $9, "
    "discount_minor = $10, net_minor = $11, tax_minor = $12, "
    "total_minor = $13, queued_at_ms = $14, updated_at_ms = $15 "
    "WHERE account_id = $1 AND id = $2";
static const char sql_invoice_money[] =
    "UPDATE invoices SET status = $3, paid_minor = $4, tip_minor = $5, "
    "refunded_minor = $6, tip_refunded_minor = $7, paid_at_ms = $8, "
    "queued_at_ms = $9, updated_at_ms = $10 WHERE account_id = $1 AND id = $2";
static const char sql_invoice_merged[] =
    "UPDATE invoices SET status = 'void', merged_into = $3, "
    "queued_at_ms = NULL, updated_at_ms = $4 WHERE account_id = $1 AND "
    "id = $2";
static const char sql_invoice_queue[] =
    "SELECT " INVOICE_COLS " FROM invoices WHERE account_id = $1 AND "
    "clinic_id = $2 AND queued_at_ms IS NOT NULL AND status IN ('draft', "
    "'open', 'partially_paid') ORDER BY queued_at_ms, id LIMIT $3";
static const char sql_patient_balance[] =
    "SELECT COALESCE(SUM(total_minor - paid_minor), 0), COUNT(*) FROM "
    "invoices WHERE account_id = $1 AND patient_id = $2 AND status IN "
    "('open', 'partially_paid')";
static const char sql_next_number[] =
    "INSERT INTO invoice_counters (account_id, clinic_id, prefix, "
    "last_number) VALUES ($1, $2, $3, 1) ON CONFLICT (account_id, "
    "clinic_id) DO UPDATE SET last_number = invoice_counters.last_number + 1 "
    "RETURNING prefix, last_number";

static struct db_param
p_opt(int64_t v)
{
    return v != 0 ? P_I64(v) : P_NULL;
}

static void
invoice_row(const struct db_rows *r, size_t i, void *out)
{
    struct invoice *x = out;

    x->id = db_text(r, i, 0);
    x->clinic_id = db_text(r, i, 1);
    x->patient_id = db_text(r, i, 2);
    x->provider_id = db_text(r, i, 3);
    x->kind = db_text(r, i, 4);
    x->status = db_text(r, i, 5);
    x->number = db_text(r, i, 6);
    x->currency = db_text(r, i, 7);
    x->discount_kind = db_i64(r, i, 8);
    x->discount_value = db_i64(r, i, 9);
    x->gross_minor = db_i64(r, i, 10);
    x->discount_minor = db_i64(r, i, 11);
    x->net_minor = db_i64(r, i, 12);
    x->tax_minor = db_i64(r, i, 13);
    x->total_minor = db_i64(r, i, 14);
    x->paid_minor = db_i64(r, i, 15);
    x->created_by = db_text(r, i, 16);
    x->created_at_ms = db_i64(r, i, 17);
    x->updated_at_ms = db_i64(r, i, 18);
    x->finalized_at_ms = db_i64(r, i, 19);
    x->queued_at_ms = db_i64(r, i, 20);
    x->tip_minor = db_i64(r, i, 21);
    x->refunded_minor = db_i64(r, i, 22);
    x->tip_refunded_minor = db_i64(r, i, 23);
    x->paid_at_ms = db_i64(r, i, 24);
    x->merged_into = db_text(r, i, 25);
    x->source = db_text(r, i, 26);
}

static void
line_row(const struct db_rows *r, size_t i, void *out)
{
    struct invoice_line *x = out;

    x->seq = db_i64(r, i, 0);
    x->item_id = db_text(r, i, 1);
    x->kind = db_text(r, i, 2);
    x->name = db_text(r, i, 3);
    x->quantity = db_i64(r, i, 4);
    x->taxable = db_bool(r, i, 5);
    x->discount_kind = db_i64(r, i, 6);
    x->discount_value = db_i64(r, i, 7);
    x->unit_price_minor = db_i64(r, i, 8);
    x->gross_minor = db_i64(r, i, 9);
    x->discount_minor = db_i64(r, i, 10);
    x->net_minor = db_i64(r, i, 11);
    x->tax_minor = db_i64(r, i, 12);
    x->total_minor = db_i64(r, i, 13);
    x->refunded_quantity = db_i64(r, i, 14);
}

enum err
store_invoice_insert(struct db *db, struct arena *a, const char *account_id,
                     const struct invoice *x, struct errinfo *ei)
{
    struct db_param p[28] = {
        P_TEXT(account_id),
        P_TEXT(x->id),
        P_TEXT(x->clinic_id),
        P_TEXT(x->patient_id),
        P_TEXT(x->provider_id),
        P_TEXT(x->kind),
        P_TEXT(x->status),
        P_TEXT(x->number),
        P_TEXT(x->currency),
        P_I64(x->discount_kind),
        P_I64(x->discount_value),
        P_I64(x->gross_minor),
        P_I64(x->discount_minor),
        P_I64(x->net_minor),
        P_I64(x->tax_minor),
        P_I64(x->total_minor),
        P_I64(x->paid_minor),
        P_TEXT(x->created_by),
        P_I64(x->created_at_ms),
        P_I64(x->updated_at_ms),
        p_opt(x->finalized_at_ms),
        p_opt(x->queued_at_ms),
        P_I64(x->tip_minor),
        P_I64(x->refunded_minor),
        P_I64(x->tip_refunded_minor),
        p_opt(x->paid_at_ms),
        P_TEXT(x->merged_into),
        P_TEXT(x->source != NULL ? x->source : "quick_pay")};

    NEED_ACCOUNT(account_id);
    return db_exec(db, a, sql_invoice_insert, p, 28, NULL, ei);
}

enum err
store_invoice_line_insert(struct db *db, struct arena *a,
                          const char *account_id, const char *invoice_id,
                          const struct invoice_line *l, struct errinfo *ei)
{
    struct db_param p[16] = {P_TEXT(account_id),
                             P_TEXT(invoice_id),
                             P_I64(l->seq),
                             P_TEXT(l->item_id),
                             P_TEXT(l->kind),
                             P_TEXT(l->name),
                             P_I64(l->quantity),
                             P_BOOL(l->taxable),
                             P_I64(l->discount_kind),
                             P_I64(l->discount_value),
                             P_I64(l->unit_price_minor),
                             P_I64(l->gross_minor),
                             P_I64(l->discount_minor),
                             P_I64(l->net_minor),
                             P_I64(l->tax_minor),
                             P_I64(l->total_minor)};

    NEED_ACCOUNT(account_id);
    return db_exec(db, a, sql_line_insert, p, 16, NULL, ei);
}

enum err
store_invoice_get(struct db *db, struct arena *a, const char *account_id,
                  const char *id, struct invoice *out, struct errinfo *ei)
{
    struct db_param p[2] = {P_TEXT(account_id), P_TEXT(id)};

    NEED_ACCOUNT(account_id);
    return db_one_as(db, a,
                     db_engine(db) == STORE_PG && db_in_tx(db)
                         ? sql_invoice_get_pg
                         : sql_invoice_get,
                     p, 2, invoice_row, out, ei);
}

enum err
store_invoice_lines(struct db *db, struct arena *a, const char *account_id,
                    const char *id, struct invoice_line **out, size_t *count,
                    struct errinfo *ei)
{
    struct db_param p[2] = {P_TEXT(account_id), P_TEXT(id)};

    NEED_ACCOUNT(account_id);
    return db_list_as(db, a, sql_lines, p, 2, line_row, sizeof(**out), 0,
                      (void **)out, count, NULL, ei);
}

static const char *
or_empty(const char *s)
{
    return s != NULL ? s : "";
}

enum err
store_invoice_list(struct db *db, struct arena *a, const char *account_id,
                   const struct invoice_filter *f, int64_t limit,
                   const char *starting_after, struct invoice **out,
                   size_t *count, bool *has_more, struct errinfo *ei)
{
    struct db_param p[9] = {
        P_TEXT(account_id),
        P_TEXT(or_empty(f->patient_id)),
        P_TEXT(or_empty(f->clinic_id)),
        P_TEXT(or_empty(f->status)),
        P_TEXT(or_empty(starting_after)),
        P_I64(limit + 1),
        P_TEXT(or_empty(f->provider_id)),
        P_I64(f->created_gte_ms),
        P_I64(f->created_lt_ms != 0 ? f->created_lt_ms : INT64_MAX)};

    NEED_ACCOUNT(account_id);
    return db_list_as(db, a, sql_invoice_list, p, 9, invoice_row, sizeof(**out),
                      limit, (void **)out, count, has_more, ei);
}

enum err
store_invoice_delete(struct db *db, struct arena *a, const char *account_id,
                     const char *id, struct errinfo *ei)
{
    struct db_param p[2] = {P_TEXT(account_id), P_TEXT(id)};
    enum err rc;

    NEED_ACCOUNT(account_id);
    rc = db_exec(db, a, sql_lines_delete, p, 2, NULL, ei);
    if (rc == ERR_OK)
        rc = db_exec(db, a, sql_invoice_delete, p, 2, NULL, ei);
    return rc;
}

enum err
store_invoice_finalize(struct db *db, struct arena *a, const char *account_id,
                       const struct invoice *x, struct errinfo *ei)
{
    struct db_param p[5] = {P_TEXT(account_id), P_TEXT(x->id),
                            P_TEXT(x->status), P_TEXT(x->number),
                            P_I64(x->finalized_at_ms)};

    NEED_ACCOUNT(account_id);
    return db_exec(db, a, sql_invoice_finalize, p, 5, NULL, ei);
}

enum err
store_invoice_next_number(struct db *db, struct arena *a,
                          const char *account_id, const char *clinic_id,
                          const char *prefix, const char **prefix_out,
                          int64_t *n, struct errinfo *ei)
{
    struct db_param p[3] = {P_TEXT(account_id), P_TEXT(clinic_id),
                            P_TEXT(prefix)};
    struct db_rows r;
    enum err rc;

    NEED_ACCOUNT(account_id);
    rc = db_one(db, a, sql_next_number, p, 3, &r, ei);
    if (rc == ERR_OK) {
        *prefix_out = db_text(&r, 0, 0);
        *n = db_i64(&r, 0, 1);
    }
    return rc;
}

enum err
store_invoice_update(struct db *db, struct arena *a, const char *account_id,
                     const struct invoice *x, struct errinfo *ei)
{
    struct db_param p[15] = {P_TEXT(account_id),      P_TEXT(x->id),
                             P_TEXT(x->patient_id),   P_TEXT(x->provider_id),
                             P_TEXT(x->kind),         P_TEXT(x->status),
                             P_I64(x->discount_kind), P_I64(x->discount_value),
                             P_I64(x->gross_minor),   P_I64(x->discount_minor),
                             P_I64(x->net_minor),     P_I64(x->tax_minor),
                             P_I64(x->total_minor),   p_opt(x->queued_at_ms),
                             P_I64(x->updated_at_ms)};

    NEED_ACCOUNT(account_id);
    return db_exec(db, a, sql_invoice_update, p, 15, NULL, ei);
}

enum err
store_invoice_lines_delete(struct db *db, struct arena *a,
                           const char *account_id, const char *id,
                           struct errinfo *ei)
{
    struct db_param p[2] = {P_TEXT(account_id), P_TEXT(id)};

    NEED_ACCOUNT(account_id);
    return db_exec(db, a, sql_lines_delete, p, 2, NULL, ei);
}

enum err
store_invoice_queue(struct db *db, struct arena *a, const char *account_id,
                    const char *clinic_id, int64_t limit, struct invoice **out,
                    size_t *count, struct errinfo *ei)
{
    struct db_param p[3] = {P_TEXT(account_id), P_TEXT(clinic_id),
                            P_I64(limit)};

    NEED_ACCOUNT(account_id);
    return db_list_as(db, a, sql_invoice_queue, p, 3, invoice_row,
                      sizeof(**out), 0, (void **)out, count, NULL, ei);
}

enum err
store_patient_balance(struct db *db, struct arena *a, const char *account_id,
                      const char *patient_id, int64_t *owed, int64_t *invoices,
                      struct errinfo *ei)
{
    struct db_param p[2] = {P_TEXT(account_id), P_TEXT(patient_id)};
    struct db_rows r;
    enum err rc;

    NEED_ACCOUNT(account_id);
    rc = db_one(db, a, sql_patient_balance, p, 2, &r, ei);
    if (rc == ERR_OK) {
        *owed = db_i64(&r, 0, 0);
        *invoices = db_i64(&r, 0, 1);
    }
    return rc;
}

enum err
store_invoice_money(struct db *db, struct arena *a, const char *account_id,
                    const struct invoice *x, struct errinfo *ei)
{
    struct db_param p[10] = {P_TEXT(account_id),
                             P_TEXT(x->id),
                             P_TEXT(x->status),
                             P_I64(x->paid_minor),
                             P_I64(x->tip_minor),
                             P_I64(x->refunded_minor),
                             P_I64(x->tip_refunded_minor),
                             p_opt(x->paid_at_ms),
                             p_opt(x->queued_at_ms),
                             P_I64(x->updated_at_ms)};

    NEED_ACCOUNT(account_id);
    return db_exec(db, a, sql_invoice_money, p, 10, NULL, ei);
}

enum err
store_invoice_merged(struct db *db, struct arena *a, const char *account_id,
                     const char *id, const char *into, int64_t at_ms,
                     struct errinfo *ei)
{
    struct db_param p[4] = {P_TEXT(account_id), P_TEXT(id), P_TEXT(into),
                            P_I64(at_ms)};

    NEED_ACCOUNT(account_id);
    return db_exec(db, a, sql_invoice_merged, p, 4, NULL, ei);
}
