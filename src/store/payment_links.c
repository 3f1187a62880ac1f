/*
 * payment_links.c - Text2Pay links.
 */
#include "store/payment_links.h"

#include "base/assert.h"

#define NEED_ACCOUNT(id) ASSERT((id) != NULL && (id)[0] != '\0')

#define LINK_COLS                                                              \
    "account_id, id, invoice_id, token_hash, channel, destination, "           \
    "message_id, expires_at_ms, paid_at_ms, checkout_id, created_by, "         \
    "created_at_ms"

static const char sql_insert[] = "INSERT INTO payment_links (" LINK_COLS
                                 ") VALUES ($1, $2, $3, $4, $5, "
                                 "$6, $7, $8, $9, $10, $11, $12)";
static const char sql_by_hash[] = "SELECT " LINK_COLS
                                  " FROM payment_links WHERE token_hash = $1";
static const char sql_of_invoice[] =
    "SELECT " LINK_COLS " FROM payment_links WHERE account_id = $1 AND "
    "invoice_id = $2 ORDER BY id DESC LIMIT 100";
static const char sql_paid[] =
    "UPDATE payment_links SET paid_at_ms = $4, checkout_id = $3 WHERE "
    "account_id = $1 AND id = $2";
static const char sql_message[] =
    "UPDATE payment_links SET message_id = $3 WHERE account_id = $1 AND "
    "id = $2";

static void
link_row(const struct db_rows *r, size_t i, void *out)
{
    struct payment_link *x = out;

    x->account_id = db_text(r, i, 0);
    x->id = db_text(r, i, 1);
    x->invoice_id = db_text(r, i, 2);
    x->token_hash = db_text(r, i, 3);
    x->channel = db_text(r, i, 4);
    x->destination = db_text(r, i, 5);
    x->message_id = db_text(r, i, 6);
    x->expires_at_ms = db_i64(r, i, 7);
    x->paid_at_ms = db_i64(r, i, 8);
    x->checkout_id = db_text(r, i, 9);
    x->created_by = db_text(r, i, 10);
    x->created_at_ms = db_i64(r, i, 11);
}

enum err
store_payment_link_insert(struct db *db, struct arena *a,
                          const struct payment_link *l, struct errinfo *ei)
{
    struct db_param p[12] = {P_TEXT(l->account_id),
                             P_TEXT(l->id),
                             P_TEXT(l->invoice_id),
                             P_TEXT(l->token_hash),
                             P_TEXT(l->channel),
                             P_TEXT(l->destination),
                             P_TEXT(l->message_id),
                             P_I64(l->expires_at_ms),
                             P_NULL,
                             P_NULL,
                             P_TEXT(l->created_by),
                             P_I64(l->created_at_ms)};

    NEED_ACCOUNT(l->account_id);
    return db_exec(db, a, sql_insert, p, 12, NULL, ei);
}

enum err
store_payment_link_by_hash(struct db *db, struct arena *a,
                           const char *token_hash, struct payment_link *out,
                           struct errinfo *ei)
{
    struct db_param p[1] = {P_TEXT(token_hash)};

    return db_one_as(db, a, sql_by_hash, p, 1, link_row, out, ei);
}

enum err
store_payment_links_of(struct db *db, struct arena *a, const char *account_id,
                       const char *invoice_id, struct payment_link **out,
                       size_t *count, struct errinfo *ei)
{
    struct db_param p[2] = {P_TEXT(account_id), P_TEXT(invoice_id)};

    NEED_ACCOUNT(account_id);
    return db_list_as(db, a, sql_of_invoice, p, 2, link_row, sizeof(**out), 0,
                      (void **)out, count, NULL, ei);
}

enum err
store_payment_link_paid(struct db *db, struct arena *a, const char *account_id,
                        const char *id, const char *checkout_id, int64_t at_ms,
                        struct errinfo *ei)
{
    struct db_param p[4] = {P_TEXT(account_id), P_TEXT(id), P_TEXT(checkout_id),
                            P_I64(at_ms)};

    NEED_ACCOUNT(account_id);
    return db_exec(db, a, sql_paid, p, 4, NULL, ei);
}

enum err
store_payment_link_message(struct db *db, struct arena *a,
                           const char *account_id, const char *id,
                           const char *message_id, struct errinfo *ei)
{
    struct db_param p[3] = {P_TEXT(account_id), P_TEXT(id), P_TEXT(message_id)};

    NEED_ACCOUNT(account_id);
    return db_exec(db, a, sql_message, p, 3, NULL, ei);
}
