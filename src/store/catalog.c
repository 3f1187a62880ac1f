/*
 * catalog.c - the categories, services, products and product_stock
 * tables. One statement per call; every statement filters on account_id.
 *
 * Updates bind the same parameters as inserts, so they mention
 * created_at_ms too (PostgreSQL refuses a parameter the SQL never uses);
 * it never changes, so the extra condition is a free consistency check.
 */
#include "store/catalog.h"

#include "base/assert.h"

#define CATEGORY_COLS "id, name, archived, created_at_ms, updated_at_ms"
#define SERVICE_COLS                                                           \
    "id, name, category_id, price_minor, currency, duration_min, "             \
    "taxable, archived, created_at_ms, updated_at_ms"
#define PRODUCT_COLS                                                           \
    "id, sku, name, category_id, price_minor, cost_minor, currency, "          \
    "taxable, archived, created_at_ms, updated_at_ms"

/* The filter every list shares: $2 cursor, $3 archived, $4 limit. */
#define LIST_WHERE "WHERE account_id = $1 AND id > $2 AND archived = $3 "
/* $5 category filter, '' for any. */
#define CATEGORY_FILTER "AND ($5 = '' OR category_id = $5) "

static const char sql_category_insert[] =
    "INSERT INTO categories (account_id, " CATEGORY_COLS
    ") VALUES ($1, $2, $3, $4, $5, $6)";
static const char sql_category_update[] =
    "UPDATE categories SET name = $3, archived = $4, updated_at_ms = $6 "
    "WHERE account_id = $1 AND id = $2 AND created_at_ms = $5";
static const char sql_category_get[] = "SELECT " CATEGORY_COLS
                                       " FROM categories "
                                       "WHERE account_id = $1 AND id = $2";
static const char sql_category_list[] = "SELECT " CATEGORY_COLS
                                        " FROM categories " LIST_WHERE
                                        "ORDER BY id LIMIT $4";
static const char sql_category_in_use[] =
    "SELECT id FROM services WHERE account_id = $1 AND category_id = $2 "
    "UNION ALL "
    "SELECT id FROM products WHERE account_id = $1 AND category_id = $2 "
    "LIMIT 1";
static const char sql_category_delete[] =
    "DELETE FROM categories WHERE account_id = $1 AND id = $2";

static const char sql_service_insert[] =
    "INSERT INTO services (account_id, " SERVICE_COLS
    ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)";
static const char sql_service_update[] =
    "UPDATE services SET name = $3, category_id = $4, price_minor = $5, "
    "currency = $6, duration_min = $7, taxable = $8, archived = $9, "
    "updated_at_ms = $11 WHERE account_id = $1 AND id = $2 "
    "AND created_at_ms = $10";
static const char sql_service_get[] = "SELECT " SERVICE_COLS " FROM services "
                                      "WHERE account_id = $1 AND id = $2";
static const char sql_service_list[] =
    "SELECT " SERVICE_COLS " FROM services " LIST_WHERE CATEGORY_FILTER
    "ORDER BY id LIMIT $4";

static const char sql_product_insert[] =
    "INSERT INTO products (account_id, " PRODUCT_COLS
    ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)";
static const char sql_product_update[] =
    "UPDATE products SET sku = $3, name = $4, category_id = $5, "
    "price_minor = $6, cost_minor = $7, currency = $8, taxable = $9, "
    "archived = $10, updated_at_ms = $12 WHERE account_id = $1 AND id = $2 "
    "AND created_at_ms = $11";
static const char sql_product_get[] = "SELECT " PRODUCT_COLS " FROM products "
                                      "WHERE account_id = $1 AND id = $2";
static const char sql_product_find_sku[] =
    "SELECT id FROM products WHERE account_id = $1 AND sku = $2";
static const char sql_product_list[] =
    "SELECT " PRODUCT_COLS " FROM products " LIST_WHERE CATEGORY_FILTER
    "ORDER BY id LIMIT $4";

static const char sql_stock_set[] =
    "INSERT INTO product_stock (account_id, product_id, clinic_id, "
    "quantity) VALUES ($1, $2, $3, $4) "
    "ON CONFLICT (account_id, product_id, clinic_id) "
    "DO UPDATE SET quantity = excluded.quantity";
static const char sql_stock_get[] =
    "SELECT quantity FROM product_stock WHERE account_id = $1 "
    "AND product_id = $2 AND clinic_id = $3";
static const char sql_stock_range[] =
    "SELECT product_id, clinic_id, quantity FROM product_stock "
    "WHERE account_id = $1 AND product_id >= $2 AND product_id <= $3";

static void
assert_account(const char *account_id)
{
    ASSERT(account_id != NULL);
    ASSERT(account_id[0] != '\0');
}

/* The list parameters $1..$5 of q; returns how many the SQL uses. */
static size_t
bind_query(const char *account_id, const struct catalog_query *q,
           bool with_category, struct db_param *p)
{
    ASSERT(q->limit >= 1);
    p[0] = P_TEXT(account_id);
    p[1] = P_TEXT(q->starting_after != NULL ? q->starting_after : "");
    p[2] = P_BOOL(q->archived);
    /* One more row than asked tells whether there is a next page. */
    p[3] = P_I64(q->limit + 1);
    if (!with_category)
        return 4;
    p[4] = P_TEXT(q->category_id != NULL ? q->category_id : "");
    return 5;
}

static void
category_bind(const char *account_id, const struct category *c,
              struct db_param *p)
{
    p[0] = P_TEXT(account_id);
    p[1] = P_TEXT(c->id);
    p[2] = P_TEXT(c->name);
    p[3] = P_BOOL(c->archived);
    p[4] = P_I64(c->created_at_ms);
    p[5] = P_I64(c->updated_at_ms);
}

static void
category_row(const struct db_rows *r, size_t i, struct category *c)
{
    c->id = db_text(r, i, 0);
    c->name = db_text(r, i, 1);
    c->archived = db_bool(r, i, 2);
    c->created_at_ms = db_i64(r, i, 3);
    c->updated_at_ms = db_i64(r, i, 4);
}

enum err
store_category_insert(struct db *db, struct arena *a, const char *account_id,
                      const struct category *c, struct errinfo *ei)
{
    struct db_param p[6];

    assert_account(account_id);
    category_bind(account_id, c, p);
    return db_exec(db, a, sql_category_insert, p, 6, NULL, ei);
}

enum err
store_category_update(struct db *db, struct arena *a, const char *account_id,
                      const struct category *c, struct errinfo *ei)
{
    struct db_param p[6];

    assert_account(account_id);
    category_bind(account_id, c, p);
    return db_exec(db, a, sql_category_update, p, 6, NULL, ei);
}

enum err
store_category_get(struct db *db, struct arena *a, const char *account_id,
                   const char *id, struct category *out, struct errinfo *ei)
{
    struct db_param p[2] = {P_TEXT(account_id), P_TEXT(id)};
    struct db_rows rows;
    enum err rc;

    assert_account(account_id);
    rc = db_one(db, a, sql_category_get, p, 2, &rows, ei);
    if (rc)
        return rc;
    category_row(&rows, 0, out);
    return ERR_OK;
}

enum err
store_category_list(struct db *db, struct arena *a, const char *account_id,
                    const struct catalog_query *q, struct category **out,
                    size_t *count, bool *has_more, struct errinfo *ei)
{
    struct db_param p[5];
    size_t np = bind_query(account_id, q, false, p);
    struct db_rows rows;
    struct category *cs;
    enum err rc;

    assert_account(account_id);
    rc = db_exec(db, a, sql_category_list, p, np, &rows, ei);
    if (rc)
        return rc;
    *count = db_page(&rows, q->limit, has_more);
    cs = arena_array(a, *count + 1, sizeof(*cs));
    if (cs == NULL)
        return ERR_LIMIT;
    for (size_t i = 0; i < *count; i++)
        category_row(&rows, i, &cs[i]);
    *out = cs;
    return ERR_OK;
}

enum err
store_category_in_use(struct db *db, struct arena *a, const char *account_id,
                      const char *id, bool *in_use, struct errinfo *ei)
{
    struct db_param p[2] = {P_TEXT(account_id), P_TEXT(id)};
    struct db_rows rows;
    enum err rc;

    assert_account(account_id);
    rc = db_exec(db, a, sql_category_in_use, p, 2, &rows, ei);
    if (rc)
        return rc;
    *in_use = rows.nrows > 0;
    return ERR_OK;
}

enum err
store_category_delete(struct db *db, struct arena *a, const char *account_id,
                      const char *id, struct errinfo *ei)
{
    struct db_param p[2] = {P_TEXT(account_id), P_TEXT(id)};

    assert_account(account_id);
    return db_exec(db, a, sql_category_delete, p, 2, NULL, ei);
}

static void
service_bind(const char *account_id, const struct service *s,
             struct db_param *p)
{
    p[0] = P_TEXT(account_id);
    p[1] = P_TEXT(s->id);
    p[2] = P_TEXT(s->name);
    p[3] = P_TEXT(s->category_id);
    p[4] = P_I64(s->price_minor);
    p[5] = P_TEXT(s->currency);
    p[6] = P_I64(s->duration_min);
    p[7] = P_BOOL(s->taxable);
    p[8] = P_BOOL(s->archived);
    p[9] = P_I64(s->created_at_ms);
    p[10] = P_I64(s->updated_at_ms);
}

static void
service_row(const struct db_rows *r, size_t i, struct service *s)
{
    s->id = db_text(r, i, 0);
    s->name = db_text(r, i, 1);
    s->category_id = db_text(r, i, 2);
    s->price_minor = db_i64(r, i, 3);
    s->currency = db_text(r, i, 4);
    s->duration_min = db_i64(r, i, 5);
    s->taxable = db_bool(r, i, 6);
    s->archived = db_bool(r, i, 7);
    s->created_at_ms = db_i64(r, i, 8);
    s->updated_at_ms = db_i64(r, i, 9);
}

enum err
store_service_insert(struct db *db, struct arena *a, const char *account_id,
                     const struct service *s, struct errinfo *ei)
{
    struct db_param p[11];

    assert_account(account_id);
    service_bind(account_id, s, p);
    return db_exec(db, a, sql_service_insert, p, 11, NULL, ei);
}

enum err
store_service_update(struct db *db, struct arena *a, const char *account_id,
                     const struct service *s, struct errinfo *ei)
{
    struct db_param p[11];

    assert_account(account_id);
    service_bind(account_id, s, p);
    return db_exec(db, a, sql_service_update, p, 11, NULL, ei);
}

enum err
store_service_get(struct db *db, struct arena *a, const char *account_id,
                  const char *id, struct service *out, struct errinfo *ei)
{
    struct db_param p[2] = {P_TEXT(account_id), P_TEXT(id)};
    struct db_rows rows;
    enum err rc;

    assert_account(account_id);
    rc = db_one(db, a, sql_service_get, p, 2, &rows, ei);
    if (rc)
        return rc;
    service_row(&rows, 0, out);
    return ERR_OK;
}

enum err
store_service_list(struct db *db, struct arena *a, const char *account_id,
                   const struct catalog_query *q, struct service **out,
                   size_t *count, bool *has_more, struct errinfo *ei)
{
    struct db_param p[5];
    size_t np = bind_query(account_id, q, true, p);
    struct db_rows rows;
    struct service *ss;
    enum err rc;

    assert_account(account_id);
    rc = db_exec(db, a, sql_service_list, p, np, &rows, ei);
    if (rc)
        return rc;
    *count = db_page(&rows, q->limit, has_more);
    ss = arena_array(a, *count + 1, sizeof(*ss));
    if (ss == NULL)
        return ERR_LIMIT;
    for (size_t i = 0; i < *count; i++)
        service_row(&rows, i, &ss[i]);
    *out = ss;
    return ERR_OK;
}

static void
product_bind(const char *account_id, const struct product *pr,
             struct db_param *p)
{
    p[0] = P_TEXT(account_id);
    p[1] = P_TEXT(pr->id);
    p[2] = P_TEXT(pr->sku);
    p[3] = P_TEXT(pr->name);
    p[4] = P_TEXT(pr->category_id);
    p[5] = P_I64(pr->price_minor);
    p[6] = P_I64(pr->cost_minor);
    p[7] = P_TEXT(pr->currency);
    p[8] = P_BOOL(pr->taxable);
    p[9] = P_BOOL(pr->archived);
    p[10] = P_I64(pr->created_at_ms);
    p[11] = P_I64(pr->updated_at_ms);
}

static void
product_row(const struct db_rows *r, size_t i, struct product *pr)
{
    pr->id = db_text(r, i, 0);
    pr->sku = db_text(r, i, 1);
    pr->name = db_text(r, i, 2);
    pr->category_id = db_text(r, i, 3);
    pr->price_minor = db_i64(r, i, 4);
    pr->cost_minor = db_i64(r, i, 5);
    pr->currency = db_text(r, i, 6);
    pr->taxable = db_bool(r, i, 7);
    pr->archived = db_bool(r, i, 8);
    pr->created_at_ms = db_i64(r, i, 9);
    pr->updated_at_ms = db_i64(r, i, 10);
    pr->stock = NULL;
    pr->stock_count = 0;
}

enum err
store_product_insert(struct db *db, struct arena *a, const char *account_id,
                     const struct product *pr, struct errinfo *ei)
{
    struct db_param p[12];

    assert_account(account_id);
    product_bind(account_id, pr, p);
    return db_exec(db, a, sql_product_insert, p, 12, NULL, ei);
}

enum err
store_product_update(struct db *db, struct arena *a, const char *account_id,
                     const struct product *pr, struct errinfo *ei)
{
    struct db_param p[12];

    assert_account(account_id);
    product_bind(account_id, pr, p);
    return db_exec(db, a, sql_product_update, p, 12, NULL, ei);
}

enum err
store_product_get(struct db *db, struct arena *a, const char *account_id,
                  const char *id, struct product *out, struct errinfo *ei)
{
    struct db_param p[2] = {P_TEXT(account_id), P_TEXT(id)};
    struct db_rows rows;
    enum err rc;

    assert_account(account_id);
    rc = db_one(db, a, sql_product_get, p, 2, &rows, ei);
    if (rc)
        return rc;
    product_row(&rows, 0, out);
    return ERR_OK;
}

enum err
store_product_find_sku(struct db *db, struct arena *a, const char *account_id,
                       const char *sku, const char **id_out, struct errinfo *ei)
{
    struct db_param p[2] = {P_TEXT(account_id), P_TEXT(sku)};
    struct db_rows rows;
    enum err rc;

    assert_account(account_id);
    rc = db_one(db, a, sql_product_find_sku, p, 2, &rows, ei);
    if (rc)
        return rc;
    /* products_sku is a unique index. */
    ASSERT(rows.nrows == 1);
    *id_out = db_text(&rows, 0, 0);
    return ERR_OK;
}

enum err
store_product_list(struct db *db, struct arena *a, const char *account_id,
                   const struct catalog_query *q, struct product **out,
                   size_t *count, bool *has_more, struct errinfo *ei)
{
    struct db_param p[5];
    size_t np = bind_query(account_id, q, true, p);
    struct db_rows rows;
    struct product *ps;
    enum err rc;

    assert_account(account_id);
    rc = db_exec(db, a, sql_product_list, p, np, &rows, ei);
    if (rc)
        return rc;
    *count = db_page(&rows, q->limit, has_more);
    ps = arena_array(a, *count + 1, sizeof(*ps));
    if (ps == NULL)
        return ERR_LIMIT;
    for (size_t i = 0; i < *count; i++)
        product_row(&rows, i, &ps[i]);
    *out = ps;
    return ERR_OK;
}

enum err
store_product_stock_set(struct db *db, struct arena *a, const char *account_id,
                        const char *product_id, const char *clinic_id,
                        int64_t quantity, struct errinfo *ei)
{
    struct db_param p[4] = {P_TEXT(account_id), P_TEXT(product_id),
                            P_TEXT(clinic_id), P_I64(quantity)};

    assert_account(account_id);
    ASSERT(quantity >= 0);
    return db_exec(db, a, sql_stock_set, p, 4, NULL, ei);
}

enum err
store_product_stock_get(struct db *db, struct arena *a, const char *account_id,
                        const char *product_id, const char *clinic_id,
                        int64_t *quantity_out, struct errinfo *ei)
{
    struct db_param p[3] = {P_TEXT(account_id), P_TEXT(product_id),
                            P_TEXT(clinic_id)};
    struct db_rows rows;
    enum err rc;

    assert_account(account_id);
    rc = db_one(db, a, sql_stock_get, p, 3, &rows, ei);
    if (rc)
        return rc;
    *quantity_out = db_i64(&rows, 0, 0);
    return ERR_OK;
}

enum err
store_product_stock_range(struct db *db, struct arena *a,
                          const char *account_id, const char *first_id,
                          const char *last_id, struct stock_level **out,
                          size_t *count, struct errinfo *ei)
{
    struct db_param p[3] = {P_TEXT(account_id), P_TEXT(first_id),
                            P_TEXT(last_id)};
    struct db_rows rows;
    struct stock_level *ls;
    enum err rc;

    assert_account(account_id);
    rc = db_exec(db, a, sql_stock_range, p, 3, &rows, ei);
    if (rc)
        return rc;
    *count = rows.nrows;
    *out = NULL;
    if (rows.nrows == 0)
        return ERR_OK;
    ls = arena_array(a, rows.nrows, sizeof(*ls));
    if (ls == NULL)
        return ERR_LIMIT;
    for (size_t i = 0; i < rows.nrows; i++) {
        ls[i].product_id = db_text(&rows, i, 0);
        ls[i].clinic_id = db_text(&rows, i, 1);
        ls[i].quantity = db_i64(&rows, i, 2);
    }
    *out = ls;
    return ERR_OK;
}
