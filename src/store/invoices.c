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
