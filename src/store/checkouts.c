/*
 * checkouts.c - checkouts, tenders, tips and refunds of invoices.
 */
#include "store/checkouts.h"

#include <stdio.h>

#include "base/assert.h"

#define NEED_ACCOUNT(id) ASSERT((id) != NULL && (id)[0] != '\0')

#define CHECKOUT_COLS                                                          \
    "id, invoice_id, idem_key, request_hash, request, status, amount_minor, "  \
    "tip_minor, change_due_minor, currency, failure_code, failure_message, "   \
    "failed_tender, created_by, created_at_ms, updated_at_ms, failure_kind"

static const char sql_checkout_insert[] =
    "INSERT INTO invoice_checkouts (account_id, " CHECKOUT_COLS
    ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, "
    "$15, $16, $17, $18)";
static const char sql_checkout_by_key[] =
    "SELECT " CHECKOUT_COLS " FROM invoice_checkouts WHERE account_id = $1 "
    "AND idem_key = $2";
static const char sql_checkout_get[] =
    "SELECT " CHECKOUT_COLS " FROM invoice_checkouts WHERE account_id = $1 "
    "AND id = $2";
static const char sql_checkout_get_pg[] =
    "SELECT " CHECKOUT_COLS " FROM invoice_checkouts WHERE account_id = $1 "
    "AND id = $2 FOR UPDATE";
static const char sql_checkout_pending_of[] =
    "SELECT " CHECKOUT_COLS " FROM invoice_checkouts WHERE account_id = $1 "
    "AND invoice_id = $2 AND status = 'pending'";
static const char sql_checkout_finish[] =
    "UPDATE invoice_checkouts SET status = $3, amount_minor = $4, "
    "tip_minor = $5, change_due_minor = $6, failure_code = $7, "
    "failure_message = $8, failed_tender = $9, updated_at_ms = $10, "
    "failure_kind = $11 "
    "WHERE account_id = $1 AND id = $2";
static const char sql_checkouts_stale[] =
    "SELECT account_id, id FROM invoice_checkouts WHERE status = 'pending' "
    "AND updated_at_ms < $1 ORDER BY updated_at_ms LIMIT $2";
static const char sql_tender_insert[] =
    "INSERT INTO invoice_tenders (account_id, id, invoice_id, checkout_id, "
    "seq, method, amount_minor, tip_minor, received_minor, change_minor, "
    "refunded_minor, tip_refunded_minor, currency, payment_id, drawer_id, "
    "reference, card_brand, card_last4, created_at_ms) VALUES ($1, $2, $3, "
    "$4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, "
    "$19)";
static const char sql_tip_insert[] =
    "INSERT INTO invoice_tips (account_id, checkout_id, provider_id, "
    "invoice_id, amount_minor) VALUES ($1, $2, $3, $4, $5)";
static const char sql_stock_adjust[] =
    "UPDATE product_stock SET quantity = quantity + $4 WHERE account_id = $1 "
    "AND product_id = $2 AND clinic_id = $3 AND quantity + $4 >= 0 "
    "RETURNING quantity";
static const char sql_stock_tracked[] =
    "SELECT quantity FROM product_stock WHERE account_id = $1 AND "
    "product_id = $2 AND clinic_id = $3";

/* Columns of tender_row, in its order. */
#define TENDER_SELECT                                                          \
    "SELECT id, invoice_id, checkout_id, seq, method, amount_minor, "          \
    "tip_minor, received_minor, change_minor, refunded_minor, "                \
    "tip_refunded_minor, currency, payment_id, drawer_id, reference, "         \
    "card_brand, card_last4, created_at_ms FROM invoice_tenders "

static const char sql_tenders[] = TENDER_SELECT
    "WHERE account_id = $1 AND invoice_id = $2 "
    "ORDER BY checkout_id, seq";
static const char sql_tips[] =
    "SELECT checkout_id, provider_id, amount_minor, refunded_minor FROM "
    "invoice_tips WHERE account_id = $1 AND invoice_id = $2 "
    "ORDER BY checkout_id, provider_id";

static void
checkout_row(const struct db_rows *r, size_t i, void *out)
{
    struct invoice_checkout *x = out;

    x->id = db_text(r, i, 0);
    x->invoice_id = db_text(r, i, 1);
    x->idem_key = db_text(r, i, 2);
    x->request_hash = db_text(r, i, 3);
    x->request = db_text(r, i, 4);
    x->status = db_text(r, i, 5);
    x->amount_minor = db_i64(r, i, 6);
    x->tip_minor = db_i64(r, i, 7);
    x->change_due_minor = db_i64(r, i, 8);
    x->currency = db_text(r, i, 9);
    x->failure_code = db_text(r, i, 10);
    x->failure_message = db_text(r, i, 11);
    x->failed_tender = db_text(r, i, 12) == NULL ? -1 : db_i64(r, i, 12);
    x->created_by = db_text(r, i, 13);
    x->created_at_ms = db_i64(r, i, 14);
    x->updated_at_ms = db_i64(r, i, 15);
    x->failure_kind = db_text(r, i, 16);
}

static struct db_param
p_index(int64_t v)
{
    return v >= 0 ? P_I64(v) : P_NULL;
}

enum err
store_checkout_insert(struct db *db, struct arena *a, const char *account_id,
                      const struct invoice_checkout *c, struct errinfo *ei)
{
    struct db_param p[18] = {
        P_TEXT(account_id),         P_TEXT(c->id),
        P_TEXT(c->invoice_id),      P_TEXT(c->idem_key),
        P_TEXT(c->request_hash),    P_TEXT(c->request),
        P_TEXT(c->status),          P_I64(c->amount_minor),
        P_I64(c->tip_minor),        P_I64(c->change_due_minor),
        P_TEXT(c->currency),        P_TEXT(c->failure_code),
        P_TEXT(c->failure_message), p_index(c->failed_tender),
        P_TEXT(c->created_by),      P_I64(c->created_at_ms),
        P_I64(c->updated_at_ms),    P_TEXT(c->failure_kind)};

    NEED_ACCOUNT(account_id);
    return db_exec(db, a, sql_checkout_insert, p, 18, NULL, ei);
}

enum err
store_checkout_by_key(struct db *db, struct arena *a, const char *account_id,
                      const char *idem_key, struct invoice_checkout *out,
                      struct errinfo *ei)
{
    struct db_param p[2] = {P_TEXT(account_id), P_TEXT(idem_key)};

    NEED_ACCOUNT(account_id);
    return db_one_as(db, a, sql_checkout_by_key, p, 2, checkout_row, out, ei);
}

enum err
store_checkout_get(struct db *db, struct arena *a, const char *account_id,
                   const char *id, struct invoice_checkout *out,
                   struct errinfo *ei)
{
    struct db_param p[2] = {P_TEXT(account_id), P_TEXT(id)};

    NEED_ACCOUNT(account_id);
    return db_one_as(db, a,
                     db_engine(db) == STORE_PG ? sql_checkout_get_pg
                                               : sql_checkout_get,
                     p, 2, checkout_row, out, ei);
}

enum err
store_checkout_pending_of(struct db *db, struct arena *a,
                          const char *account_id, const char *invoice_id,
                          struct invoice_checkout *out, struct errinfo *ei)
{
    struct db_param p[2] = {P_TEXT(account_id), P_TEXT(invoice_id)};

    NEED_ACCOUNT(account_id);
    return db_one_as(db, a, sql_checkout_pending_of, p, 2, checkout_row, out,
                     ei);
}

enum err
store_checkout_finish(struct db *db, struct arena *a, const char *account_id,
                      const struct invoice_checkout *c, struct errinfo *ei)
{
    struct db_param p[11] = {
        P_TEXT(account_id),        P_TEXT(c->id),
        P_TEXT(c->status),         P_I64(c->amount_minor),
        P_I64(c->tip_minor),       P_I64(c->change_due_minor),
        P_TEXT(c->failure_code),   P_TEXT(c->failure_message),
        p_index(c->failed_tender), P_I64(c->updated_at_ms),
        P_TEXT(c->failure_kind)};

    NEED_ACCOUNT(account_id);
    return db_exec(db, a, sql_checkout_finish, p, 11, NULL, ei);
}

static void
stale_row(const struct db_rows *r, size_t i, void *out)
{
    struct stale_checkout *x = out;

    x->account_id = db_text(r, i, 0);
    x->id = db_text(r, i, 1);
}

enum err
store_checkouts_stale(struct db *db, struct arena *a, int64_t older_than_ms,
                      int64_t limit, struct stale_checkout **out, size_t *count,
                      struct errinfo *ei)
{
    struct db_param p[2] = {P_I64(older_than_ms), P_I64(limit)};

    return db_list_as(db, a, sql_checkouts_stale, p, 2, stale_row,
                      sizeof(**out), 0, (void **)out, count, NULL, ei);
}

enum err
store_tender_insert(struct db *db, struct arena *a, const char *account_id,
                    const struct invoice_tender *t, struct errinfo *ei)
{
    struct db_param p[19] = {P_TEXT(account_id),
                             P_TEXT(t->id),
                             P_TEXT(t->invoice_id),
                             P_TEXT(t->checkout_id),
                             P_I64(t->seq),
                             P_TEXT(t->method),
                             P_I64(t->amount_minor),
                             P_I64(t->tip_minor),
                             P_I64(t->received_minor),
                             P_I64(t->change_minor),
                             P_I64(t->refunded_minor),
                             P_I64(t->tip_refunded_minor),
                             P_TEXT(t->currency),
                             P_TEXT(t->payment_id),
                             P_TEXT(t->drawer_id),
                             P_TEXT(t->reference),
                             P_TEXT(t->card_brand),
                             P_TEXT(t->card_last4),
                             P_I64(t->created_at_ms)};

    NEED_ACCOUNT(account_id);
    return db_exec(db, a, sql_tender_insert, p, 19, NULL, ei);
}

enum err
store_tip_insert(struct db *db, struct arena *a, const char *account_id,
                 const char *invoice_id, const struct invoice_tip *t,
                 struct errinfo *ei)
{
    struct db_param p[5] = {P_TEXT(account_id), P_TEXT(t->checkout_id),
                            P_TEXT(t->provider_id), P_TEXT(invoice_id),
                            P_I64(t->amount_minor)};

    NEED_ACCOUNT(account_id);
    return db_exec(db, a, sql_tip_insert, p, 5, NULL, ei);
}

enum err
store_stock_adjust(struct db *db, struct arena *a, const char *account_id,
                   const char *product_id, const char *clinic_id, int64_t delta,
                   bool *tracked, struct errinfo *ei)
{
    struct db_param p[4] = {P_TEXT(account_id), P_TEXT(product_id),
                            P_TEXT(clinic_id), P_I64(delta)};
    struct db_rows r;
    enum err rc;

    NEED_ACCOUNT(account_id);
    *tracked = true;
    rc = db_one(db, a, sql_stock_adjust, p, 4, &r, ei);
    if (rc != ERR_NOT_FOUND)
        return rc;
    rc = db_one(db, a, sql_stock_tracked, p, 3, &r, ei);
    if (rc == ERR_NOT_FOUND) {
        *tracked = false;
        return ERR_OK;
    }
    if (rc)
        return rc;
    return errinfo_set(ei, ERR_RULE, "insufficient_stock", NULL,
                       "only %lld in stock at this clinic",
                       (long long)db_i64(&r, 0, 0));
}

static void
tender_row(const struct db_rows *r, size_t i, void *out)
{
    struct invoice_tender *x = out;

    x->id = db_text(r, i, 0);
    x->invoice_id = db_text(r, i, 1);
    x->checkout_id = db_text(r, i, 2);
    x->seq = db_i64(r, i, 3);
    x->method = db_text(r, i, 4);
    x->amount_minor = db_i64(r, i, 5);
    x->tip_minor = db_i64(r, i, 6);
    x->received_minor = db_i64(r, i, 7);
    x->change_minor = db_i64(r, i, 8);
    x->refunded_minor = db_i64(r, i, 9);
    x->tip_refunded_minor = db_i64(r, i, 10);
    x->currency = db_text(r, i, 11);
    x->payment_id = db_text(r, i, 12);
    x->drawer_id = db_text(r, i, 13);
    x->reference = db_text(r, i, 14);
    x->card_brand = db_text(r, i, 15);
    x->card_last4 = db_text(r, i, 16);
    x->created_at_ms = db_i64(r, i, 17);
}

static void
tip_row(const struct db_rows *r, size_t i, void *out)
{
    struct invoice_tip *x = out;

    x->checkout_id = db_text(r, i, 0);
    x->provider_id = db_text(r, i, 1);
    x->amount_minor = db_i64(r, i, 2);
    x->refunded_minor = db_i64(r, i, 3);
}

enum err
store_invoice_tenders(struct db *db, struct arena *a, const char *account_id,
                      const char *invoice_id, struct invoice_tender **out,
                      size_t *count, struct errinfo *ei)
{
    struct db_param p[2] = {P_TEXT(account_id), P_TEXT(invoice_id)};

    NEED_ACCOUNT(account_id);
    return db_list_as(db, a, sql_tenders, p, 2, tender_row, sizeof(**out), 0,
                      (void **)out, count, NULL, ei);
}

enum err
store_invoice_tips(struct db *db, struct arena *a, const char *account_id,
                   const char *invoice_id, struct invoice_tip **out,
                   size_t *count, struct errinfo *ei)
{
    struct db_param p[2] = {P_TEXT(account_id), P_TEXT(invoice_id)};

    NEED_ACCOUNT(account_id);
    return db_list_as(db, a, sql_tips, p, 2, tip_row, sizeof(**out), 0,
                      (void **)out, count, NULL, ei);
}

static const char sql_tender_of_payment[] = TENDER_SELECT
    "WHERE account_id = $1 AND payment_id = $2";

enum err
store_tender_of_payment(struct db *db, struct arena *a, const char *account_id,
                        const char *payment_id, struct invoice_tender *out,
                        struct errinfo *ei)
{
    struct db_param p[2] = {P_TEXT(account_id), P_TEXT(payment_id)};

    NEED_ACCOUNT(account_id);
    return db_one_as(db, a, sql_tender_of_payment, p, 2, tender_row, out, ei);
}

enum err
store_stock_quantity(struct db *db, struct arena *a, const char *account_id,
                     const char *product_id, const char *clinic_id,
                     int64_t *quantity, bool *tracked, struct errinfo *ei)
{
    struct db_param p[3] = {P_TEXT(account_id), P_TEXT(product_id),
                            P_TEXT(clinic_id)};
    struct db_rows r;
    enum err rc;

    NEED_ACCOUNT(account_id);
    rc = db_one(db, a, sql_stock_tracked, p, 3, &r, ei);
    *tracked = rc == ERR_OK;
    *quantity = rc == ERR_OK ? db_i64(&r, 0, 0) : 0;
    return rc == ERR_NOT_FOUND ? ERR_OK : rc;
}

/*
 * Invoices whose recorded amounts disagree with what paid them: paid is
 * the sum of its tenders, tips the sum of its tenders' tips and of its
 * tip rows, never more than the total, and the status says so.
 */
static const char sql_verify_invoices[] =
    "SELECT i.account_id, i.id, i.paid_minor, i.total_minor, i.tip_minor, "
    "i.status, COALESCE(t.amount, 0), COALESCE(t.tip, 0), COALESCE(p.tip, 0), "
    "i.refunded_minor, COALESCE(t.refunded, 0), i.tip_refunded_minor, "
    "COALESCE(t.tip_refunded, 0), COALESCE(p.tip_refunded, 0) "
    "FROM invoices i "
    "LEFT JOIN (SELECT account_id, invoice_id, SUM(amount_minor) AS amount, "
    "SUM(tip_minor) AS tip, SUM(refunded_minor) AS refunded, "
    "SUM(tip_refunded_minor) AS tip_refunded FROM invoice_tenders GROUP BY "
    "account_id, "
    "invoice_id) t ON t.account_id = i.account_id AND t.invoice_id = i.id "
    "LEFT JOIN (SELECT account_id, invoice_id, SUM(amount_minor) AS tip, "
    "SUM(refunded_minor) AS tip_refunded FROM invoice_tips GROUP BY "
    "account_id, invoice_id) p "
    "ON p.account_id = i.account_id AND p.invoice_id = i.id "
    "WHERE i.paid_minor <> COALESCE(t.amount, 0) "
    "OR i.tip_minor <> COALESCE(t.tip, 0) "
    "OR i.tip_minor <> COALESCE(p.tip, 0) "
    "OR i.paid_minor > i.total_minor "
    "OR (i.status = 'paid' AND i.paid_minor <> i.total_minor) "
    "OR (i.status = 'partially_paid' AND (i.paid_minor = 0 "
    "OR i.paid_minor >= i.total_minor)) "
    "OR (i.status IN ('quote', 'draft', 'open') AND i.paid_minor <> 0) "
    "OR i.refunded_minor <> COALESCE(t.refunded, 0) "
    "OR i.tip_refunded_minor <> COALESCE(t.tip_refunded, 0) "
    "OR i.tip_refunded_minor <> COALESCE(p.tip_refunded, 0) "
    "OR i.refunded_minor > i.paid_minor "
    "OR (i.status = 'refunded' AND i.refunded_minor <> i.paid_minor) "
    "ORDER BY i.account_id, i.id";
/* A succeeded checkout's amounts are its tenders'. */
static const char sql_verify_checkouts[] =
    "SELECT c.account_id, c.id FROM invoice_checkouts c LEFT JOIN (SELECT "
    "account_id, checkout_id, SUM(amount_minor) AS amount, SUM(tip_minor) "
    "AS tip, COUNT(*) AS n FROM invoice_tenders GROUP BY account_id, "
    "checkout_id) t ON t.account_id = c.account_id AND t.checkout_id = c.id "
    "WHERE (c.status = 'succeeded' AND (t.n IS NULL OR t.amount <> "
    "c.amount_minor OR t.tip <> c.tip_minor)) OR (c.status <> 'succeeded' "
    "AND t.n IS NOT NULL) ORDER BY c.account_id, c.id";

enum err
store_invoices_verify(struct db *db, struct arena *a,
                      void (*report)(void *, const char *), void *rctx,
                      int *problems, struct errinfo *ei)
{
    struct db_rows r;
    char line[400];
    enum err rc = db_exec(db, a, sql_verify_invoices, NULL, 0, &r, ei);

    *problems = 0;
    for (size_t i = 0; rc == ERR_OK && i < r.nrows; i++) {
        snprintf(line, sizeof(line),
                 "invoice %s of %s (%s): paid %lld of %lld, tip %lld, "
                 "refunded %lld, tip %lld; its tenders come to %lld, tip "
                 "%lld, refunded %lld, tip %lld; its tip rows to %lld, "
                 "refunded %lld",
                 db_text(&r, i, 1), db_text(&r, i, 0), db_text(&r, i, 5),
                 (long long)db_i64(&r, i, 2), (long long)db_i64(&r, i, 3),
                 (long long)db_i64(&r, i, 4), (long long)db_i64(&r, i, 9),
                 (long long)db_i64(&r, i, 11), (long long)db_i64(&r, i, 6),
                 (long long)db_i64(&r, i, 7), (long long)db_i64(&r, i, 10),
                 (long long)db_i64(&r, i, 12), (long long)db_i64(&r, i, 8),
                 (long long)db_i64(&r, i, 13));
        report(rctx, line);
        (*problems)++;
    }
    if (rc == ERR_OK)
        rc = db_exec(db, a, sql_verify_checkouts, NULL, 0, &r, ei);
    for (size_t i = 0; rc == ERR_OK && i < r.nrows; i++) {
        snprintf(line, sizeof(line),
                 "checkout %s of %s disagrees with its tenders",
                 db_text(&r, i, 1), db_text(&r, i, 0));
        report(rctx, line);
        (*problems)++;
    }
    return rc;
}

/* ---- refunds ---- */

#define REFUND_COLS                                                            \
    "id, invoice_id, idem_key, request_hash, status, net_minor, tax_minor, "   \
    "tip_minor, amount_minor, currency, restock, reason, request, "            \
    "failure_code, created_by, created_at_ms, updated_at_ms, kind"

static const char sql_refund_insert[] =
    "INSERT INTO invoice_refunds (account_id, " REFUND_COLS
    ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, "
    "$15, $16, $17, $18, $19)";
static const char sql_refund_by_key[] =
    "SELECT " REFUND_COLS " FROM invoice_refunds WHERE account_id = $1 AND "
    "idem_key = $2";
static const char sql_refund_get[] = "SELECT " REFUND_COLS
                                     " FROM invoice_refunds WHERE "
                                     "account_id = $1 AND id = $2";
static const char sql_refund_get_pg[] = "SELECT " REFUND_COLS
                                        " FROM invoice_refunds WHERE "
                                        "account_id = $1 AND id = $2 FOR "
                                        "UPDATE";
static const char sql_refund_pending_of[] =
    "SELECT " REFUND_COLS " FROM invoice_refunds WHERE account_id = $1 AND "
    "invoice_id = $2 AND status = 'pending'";
static const char sql_invoice_refunds[] =
    "SELECT " REFUND_COLS " FROM invoice_refunds WHERE account_id = $1 AND "
    "invoice_id = $2 ORDER BY id";
static const char sql_refund_finish[] =
    "UPDATE invoice_refunds SET status = $3, failure_code = $4, "
    "updated_at_ms = $5 WHERE account_id = $1 AND id = $2";
static const char sql_refunds_stale[] =
    "SELECT account_id, id FROM invoice_refunds WHERE status = 'pending' "
    "AND updated_at_ms < $1 ORDER BY updated_at_ms LIMIT $2";
static const char sql_refund_line_insert[] =
    "INSERT INTO invoice_refund_lines (account_id, refund_id, line_seq, "
    "quantity, net_minor, tax_minor) VALUES ($1, $2, $3, $4, $5, $6)";
static const char sql_refund_lines[] =
    "SELECT line_seq, quantity, net_minor, tax_minor, refund_id FROM "
    "invoice_refund_lines WHERE account_id = $1 AND refund_id = $2 "
    "ORDER BY line_seq";
/* The same rows for every refund of an invoice, in one statement each. */
static const char sql_invoice_refund_lines[] =
    "SELECT l.line_seq, l.quantity, l.net_minor, l.tax_minor, l.refund_id "
    "FROM invoice_refund_lines l JOIN invoice_refunds r ON r.account_id = "
    "l.account_id AND r.id = l.refund_id WHERE l.account_id = $1 AND "
    "r.invoice_id = $2 ORDER BY l.refund_id, l.line_seq";
static const char sql_invoice_refund_tenders[] =
    "SELECT t.tender_id, t.amount_minor, t.tip_minor, t.refund_ref, "
    "t.refund_id FROM invoice_refund_tenders t JOIN invoice_refunds r ON "
    "r.account_id = t.account_id AND r.id = t.refund_id WHERE t.account_id "
    "= $1 AND r.invoice_id = $2 ORDER BY t.refund_id, t.tender_id";
static const char sql_refund_tender_insert[] =
    "INSERT INTO invoice_refund_tenders (account_id, refund_id, tender_id, "
    "amount_minor, tip_minor, refund_ref) VALUES ($1, $2, $3, $4, "
    "$5, $6)";
static const char sql_refund_tenders[] =
    "SELECT tender_id, amount_minor, tip_minor, refund_ref, refund_id FROM "
    "invoice_refund_tenders WHERE account_id = $1 AND refund_id = $2 "
    "ORDER BY tender_id";
static const char sql_refund_tender_done[] =
    "UPDATE invoice_refund_tenders SET refund_ref = $4 WHERE "
    "account_id = $1 AND refund_id = $2 AND tender_id = $3";
static const char sql_tender_refunded[] =
    "UPDATE invoice_tenders SET refunded_minor = refunded_minor + $3, "
    "tip_refunded_minor = tip_refunded_minor + $4 WHERE account_id = $1 "
    "AND id = $2";
static const char sql_tip_refunded[] =
    "UPDATE invoice_tips SET refunded_minor = refunded_minor + $4 WHERE "
    "account_id = $1 AND checkout_id = $2 AND provider_id = $3";
static const char sql_line_refunded[] =
    "UPDATE invoice_lines SET refunded_quantity = refunded_quantity + $4 "
    "WHERE account_id = $1 AND invoice_id = $2 AND seq = $3 AND "
    "refunded_quantity + $4 <= quantity";

static void
refund_row(const struct db_rows *r, size_t i, void *out)
{
    struct invoice_refund *x = out;

    x->id = db_text(r, i, 0);
    x->invoice_id = db_text(r, i, 1);
    x->idem_key = db_text(r, i, 2);
    x->request_hash = db_text(r, i, 3);
    x->status = db_text(r, i, 4);
    x->net_minor = db_i64(r, i, 5);
    x->tax_minor = db_i64(r, i, 6);
    x->tip_minor = db_i64(r, i, 7);
    x->amount_minor = db_i64(r, i, 8);
    x->currency = db_text(r, i, 9);
    x->restock = db_bool(r, i, 10);
    x->reason = db_text(r, i, 11);
    x->request = db_text(r, i, 12);
    x->failure_code = db_text(r, i, 13);
    x->created_by = db_text(r, i, 14);
    x->created_at_ms = db_i64(r, i, 15);
    x->updated_at_ms = db_i64(r, i, 16);
    x->kind = db_text(r, i, 17);
}

static void
refund_line_row(const struct db_rows *r, size_t i, void *out)
{
    struct invoice_refund_line *x = out;

    x->line_seq = db_i64(r, i, 0);
    x->quantity = db_i64(r, i, 1);
    x->net_minor = db_i64(r, i, 2);
    x->tax_minor = db_i64(r, i, 3);
    x->refund_id = db_text(r, i, 4);
}

static void
refund_tender_row(const struct db_rows *r, size_t i, void *out)
{
    struct invoice_refund_tender *x = out;

    x->tender_id = db_text(r, i, 0);
    x->amount_minor = db_i64(r, i, 1);
    x->tip_minor = db_i64(r, i, 2);
    x->refund_ref = db_text(r, i, 3);
    x->refund_id = db_text(r, i, 4);
}

enum err
store_invoice_refund_insert(struct db *db, struct arena *a,
                            const char *account_id,
                            const struct invoice_refund *x, struct errinfo *ei)
{
    struct db_param p[19] = {P_TEXT(account_id),      P_TEXT(x->id),
                             P_TEXT(x->invoice_id),   P_TEXT(x->idem_key),
                             P_TEXT(x->request_hash), P_TEXT(x->status),
                             P_I64(x->net_minor),     P_I64(x->tax_minor),
                             P_I64(x->tip_minor),     P_I64(x->amount_minor),
                             P_TEXT(x->currency),     P_BOOL(x->restock),
                             P_TEXT(x->reason),       P_TEXT(x->request),
                             P_TEXT(x->failure_code), P_TEXT(x->created_by),
                             P_I64(x->created_at_ms), P_I64(x->updated_at_ms),
                             P_TEXT(x->kind)};

    NEED_ACCOUNT(account_id);
    return db_exec(db, a, sql_refund_insert, p, 19, NULL, ei);
}

enum err
store_invoice_refund_line_insert(struct db *db, struct arena *a,
                                 const char *account_id, const char *refund_id,
                                 const struct invoice_refund_line *l,
                                 struct errinfo *ei)
{
    struct db_param p[6] = {P_TEXT(account_id),  P_TEXT(refund_id),
                            P_I64(l->line_seq),  P_I64(l->quantity),
                            P_I64(l->net_minor), P_I64(l->tax_minor)};

    NEED_ACCOUNT(account_id);
    return db_exec(db, a, sql_refund_line_insert, p, 6, NULL, ei);
}

enum err
store_invoice_refund_tender_insert(struct db *db, struct arena *a,
                                   const char *account_id,
                                   const char *refund_id,
                                   const struct invoice_refund_tender *t,
                                   struct errinfo *ei)
{
    struct db_param p[6] = {P_TEXT(account_id),   P_TEXT(refund_id),
                            P_TEXT(t->tender_id), P_I64(t->amount_minor),
                            P_I64(t->tip_minor),  P_TEXT(t->refund_ref)};

    NEED_ACCOUNT(account_id);
    return db_exec(db, a, sql_refund_tender_insert, p, 6, NULL, ei);
}

enum err
store_invoice_refund_tender_done(struct db *db, struct arena *a,
                                 const char *account_id, const char *refund_id,
                                 const char *tender_id, const char *refund_ref,
                                 struct errinfo *ei)
{
    struct db_param p[4] = {P_TEXT(account_id), P_TEXT(refund_id),
                            P_TEXT(tender_id), P_TEXT(refund_ref)};

    NEED_ACCOUNT(account_id);
    return db_exec(db, a, sql_refund_tender_done, p, 4, NULL, ei);
}

enum err
store_invoice_refund_by_key(struct db *db, struct arena *a,
                            const char *account_id, const char *idem_key,
                            struct invoice_refund *out, struct errinfo *ei)
{
    struct db_param p[2] = {P_TEXT(account_id), P_TEXT(idem_key)};

    NEED_ACCOUNT(account_id);
    return db_one_as(db, a, sql_refund_by_key, p, 2, refund_row, out, ei);
}

enum err
store_invoice_refund_get(struct db *db, struct arena *a, const char *account_id,
                         const char *id, struct invoice_refund *out,
                         struct errinfo *ei)
{
    struct db_param p[2] = {P_TEXT(account_id), P_TEXT(id)};

    NEED_ACCOUNT(account_id);
    return db_one_as(
        db, a, db_engine(db) == STORE_PG ? sql_refund_get_pg : sql_refund_get,
        p, 2, refund_row, out, ei);
}

enum err
store_invoice_refund_pending_of(struct db *db, struct arena *a,
                                const char *account_id, const char *invoice_id,
                                struct invoice_refund *out, struct errinfo *ei)
{
    struct db_param p[2] = {P_TEXT(account_id), P_TEXT(invoice_id)};

    NEED_ACCOUNT(account_id);
    return db_one_as(db, a, sql_refund_pending_of, p, 2, refund_row, out, ei);
}

enum err
store_invoice_refund_lines(struct db *db, struct arena *a,
                           const char *account_id, const char *refund_id,
                           struct invoice_refund_line **out, size_t *count,
                           struct errinfo *ei)
{
    struct db_param p[2] = {P_TEXT(account_id), P_TEXT(refund_id)};

    NEED_ACCOUNT(account_id);
    return db_list_as(db, a, sql_refund_lines, p, 2, refund_line_row,
                      sizeof(**out), 0, (void **)out, count, NULL, ei);
}

enum err
store_invoice_refund_tenders(struct db *db, struct arena *a,
                             const char *account_id, const char *refund_id,
                             struct invoice_refund_tender **out, size_t *count,
                             struct errinfo *ei)
{
    struct db_param p[2] = {P_TEXT(account_id), P_TEXT(refund_id)};

    NEED_ACCOUNT(account_id);
    return db_list_as(db, a, sql_refund_tenders, p, 2, refund_tender_row,
                      sizeof(**out), 0, (void **)out, count, NULL, ei);
}

enum err
store_invoice_refunds(struct db *db, struct arena *a, const char *account_id,
                      const char *invoice_id, struct invoice_refund **out,
                      size_t *count, struct errinfo *ei)
{
    struct db_param p[2] = {P_TEXT(account_id), P_TEXT(invoice_id)};

    NEED_ACCOUNT(account_id);
    return db_list_as(db, a, sql_invoice_refunds, p, 2, refund_row,
                      sizeof(**out), 0, (void **)out, count, NULL, ei);
}

enum err
store_invoice_refund_finish(struct db *db, struct arena *a,
                            const char *account_id,
                            const struct invoice_refund *r, struct errinfo *ei)
{
    struct db_param p[5] = {P_TEXT(account_id), P_TEXT(r->id),
                            P_TEXT(r->status), P_TEXT(r->failure_code),
                            P_I64(r->updated_at_ms)};

    NEED_ACCOUNT(account_id);
    return db_exec(db, a, sql_refund_finish, p, 5, NULL, ei);
}

enum err
store_invoice_refunds_stale(struct db *db, struct arena *a,
                            int64_t older_than_ms, int64_t limit,
                            struct stale_checkout **out, size_t *count,
                            struct errinfo *ei)
{
    struct db_param p[2] = {P_I64(older_than_ms), P_I64(limit)};

    return db_list_as(db, a, sql_refunds_stale, p, 2, stale_row, sizeof(**out),
                      0, (void **)out, count, NULL, ei);
}

enum err
store_tender_refunded(struct db *db, struct arena *a, const char *account_id,
                      const char *tender_id, int64_t amount_minor,
                      int64_t tip_minor, struct errinfo *ei)
{
    struct db_param p[4] = {P_TEXT(account_id), P_TEXT(tender_id),
                            P_I64(amount_minor), P_I64(tip_minor)};

    NEED_ACCOUNT(account_id);
    return db_exec(db, a, sql_tender_refunded, p, 4, NULL, ei);
}

enum err
store_tip_refunded(struct db *db, struct arena *a, const char *account_id,
                   const char *checkout_id, const char *provider_id,
                   int64_t amount_minor, struct errinfo *ei)
{
    struct db_param p[4] = {P_TEXT(account_id), P_TEXT(checkout_id),
                            P_TEXT(provider_id), P_I64(amount_minor)};

    NEED_ACCOUNT(account_id);
    return db_exec(db, a, sql_tip_refunded, p, 4, NULL, ei);
}

enum err
store_line_refunded(struct db *db, struct arena *a, const char *account_id,
                    const char *invoice_id, int64_t seq, int64_t quantity,
                    struct errinfo *ei)
{
    struct db_param p[4] = {P_TEXT(account_id), P_TEXT(invoice_id), P_I64(seq),
                            P_I64(quantity)};

    NEED_ACCOUNT(account_id);
    return db_exec(db, a, sql_line_refunded, p, 4, NULL, ei);
}

enum err
store_invoice_refund_lines_of(struct db *db, struct arena *a,
                              const char *account_id, const char *invoice_id,
                              struct invoice_refund_line **out, size_t *count,
                              struct errinfo *ei)
{
    struct db_param p[2] = {P_TEXT(account_id), P_TEXT(invoice_id)};

    NEED_ACCOUNT(account_id);
    return db_list_as(db, a, sql_invoice_refund_lines, p, 2, refund_line_row,
                      sizeof(**out), 0, (void **)out, count, NULL, ei);
}

enum err
store_invoice_refund_tenders_of(struct db *db, struct arena *a,
                                const char *account_id, const char *invoice_id,
                                struct invoice_refund_tender **out,
                                size_t *count, struct errinfo *ei)
{
    struct db_param p[2] = {P_TEXT(account_id), P_TEXT(invoice_id)};

    NEED_ACCOUNT(account_id);
    return db_list_as(db, a, sql_invoice_refund_tenders, p, 2,
                      refund_tender_row, sizeof(**out), 0, (void **)out, count,
                      NULL, ei);
}
