/*
 * checkouts.c - checkouts, tenders, tips and refunds of invoices.
 */
#include "store/checkouts.h"

#include "base/assert.h"

#define NEED_ACCOUNT(id) ASSERT((id) != NULL && (id)[0] != '\0')

static const char sql_tenders[] =
    "SELECT id, invoice_id, checkout_id, seq, method, amount_minor, "
    "tip_minor, received_minor, change_minor, refunded_minor, "
    "tip_refunded_minor, currency, payment_id, drawer_id, reference, "
    "card_brand, card_last4, created_at_ms FROM invoice_tenders WHERE "
    "account_id = $1 AND invoice_id = $2 ORDER BY checkout_id, seq";
static const char sql_tips[] =
    "SELECT checkout_id, provider_id, amount_minor, refunded_minor FROM "
    "invoice_tips WHERE account_id = $1 AND invoice_id = $2 "
    "ORDER BY checkout_id, provider_id";

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
