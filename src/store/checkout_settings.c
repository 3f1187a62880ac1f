/*
 * checkout_settings.c - invoice_settings, promotions and
 * quick_button_groups.
 *
 * A list of ids is one JSON-array column, written and read whole: encoded
 * here with jansson into the arena, decoded into arena arrays (strings
 * copied, so the parsed document is released either way). A clinic's
 * membership in a promotion's list is tested inside the statement
 * (json_each on SQLite, json_array_elements_text on PostgreSQL), so the
 * promotions in effect at a clinic are one round trip.
 */
#include "store/checkout_settings.h"

#include <string.h>

#include "base/assert.h"
#include "base/json.h"

#define NEED_ACCOUNT(id) ASSERT((id) != NULL && (id)[0] != '\0')

/* ---- JSON lists ---- */

/* l as a JSON array of strings; arena-owned, NULL when the arena is full. */
static const char *
ids_encode(struct arena *a, const struct id_list *l)
{
    json_t *arr = json_array();
    const char *text;

    for (size_t i = 0; i < l->count; i++)
        (void)json_array_append_new(arr, json_string(l->ids[i]));
    text = json_dump(a, arr, NULL);
    json_decref(arr);
    return text;
}

/* The strings of the JSON array text into out. ERR_LIMIT: arena full. */
static enum err
ids_decode(struct arena *a, const char *text, struct id_list *out)
{
    json_t *v = json_loads(text, 0, NULL);
    enum err rc = ERR_OK;
    size_t n;

    out->ids = NULL;
    out->count = 0;
    if (v == NULL)
        return ERR_LIMIT; /* the store only holds what it wrote */
    ASSERT(json_is_array(v));
    n = json_array_size(v);
    out->ids = arena_array(a, n + 1, sizeof(*out->ids));
    for (size_t i = 0; out->ids != NULL && i < n; i++) {
        json_t *s = json_array_get(v, i);

        ASSERT(json_is_string(s));
        out->ids[i] = arena_strdup(a, json_string_value(s));
        if (out->ids[i] == NULL)
            rc = ERR_LIMIT;
    }
    if (out->ids == NULL)
        rc = ERR_LIMIT;
    json_decref(v);
    out->count = rc == ERR_OK ? n : 0;
    return rc;
}

static const char *
items_encode(struct arena *a, const struct quick_button_item *items, size_t n)
{
    json_t *arr = json_array();
    const char *text;

    for (size_t i = 0; i < n; i++)
        (void)json_array_append_new(arr, json_pack("{s:s,s:s}", "kind",
                                                   items[i].kind, "item",
                                                   items[i].item_id));
    text = json_dump(a, arr, NULL);
    json_decref(arr);
    return text;
}

static enum err
items_decode(struct arena *a, const char *text, struct quick_button_group *g)
{
    json_t *v = json_loads(text, 0, NULL);
    enum err rc = ERR_OK;
    size_t n;

    g->items = NULL;
    g->item_count = 0;
    if (v == NULL)
        return ERR_LIMIT; /* the store only holds what it wrote */
    ASSERT(json_is_array(v));
    n = json_array_size(v);
    g->items = arena_array(a, n + 1, sizeof(*g->items));
    for (size_t i = 0; g->items != NULL && i < n; i++) {
        json_t *o = json_array_get(v, i);
        const char *kind = json_string_value(json_object_get(o, "kind"));
        const char *item = json_string_value(json_object_get(o, "item"));

        ASSERT(kind != NULL && item != NULL);
        g->items[i].kind = arena_strdup(a, kind);
        g->items[i].item_id = arena_strdup(a, item);
        if (g->items[i].kind == NULL || g->items[i].item_id == NULL)
            rc = ERR_LIMIT;
    }
    if (g->items == NULL)
        rc = ERR_LIMIT;
    json_decref(v);
    g->item_count = rc == ERR_OK ? n : 0;
    return rc;
}

/* ---- invoice settings ---- */

static const char sql_settings_get[] =
    "SELECT discount_limit_bps, disclaimer FROM invoice_settings WHERE "
    "account_id = $1";
static const char sql_settings_put[] =
    "INSERT INTO invoice_settings (account_id, discount_limit_bps, "
    "disclaimer, updated_by, updated_at_ms) VALUES ($1, $2, $3, $4, $5) "
    "ON CONFLICT (account_id) DO UPDATE SET discount_limit_bps = "
    "excluded.discount_limit_bps, disclaimer = excluded.disclaimer, "
    "updated_by = excluded.updated_by, updated_at_ms = "
    "excluded.updated_at_ms";

enum err
store_invoice_settings_get(struct db *db, struct arena *a,
                           const char *account_id, int64_t *discount_limit_bps,
                           const char **disclaimer, struct errinfo *ei)
{
    struct db_param p[1] = {P_TEXT(account_id)};
    struct db_rows r;
    enum err rc;

    NEED_ACCOUNT(account_id);
    rc = db_one(db, a, sql_settings_get, p, 1, &r, ei);
    if (rc)
        return rc;
    *discount_limit_bps = db_i64(&r, 0, 0);
    *disclaimer = db_text(&r, 0, 1);
    ASSERT(*disclaimer != NULL);
    return ERR_OK;
}

enum err
store_invoice_settings_put(struct db *db, struct arena *a,
                           const char *account_id, int64_t discount_limit_bps,
                           const char *disclaimer, const char *updated_by,
                           int64_t updated_at_ms, struct errinfo *ei)
{
    struct db_param p[5] = {P_TEXT(account_id), P_I64(discount_limit_bps),
                            P_TEXT(disclaimer), P_TEXT(updated_by),
                            P_I64(updated_at_ms)};

    NEED_ACCOUNT(account_id);
    ASSERT(disclaimer != NULL);
    return db_exec(db, a, sql_settings_put, p, 5, NULL, ei);
}

/* ---- promotions ---- */

static const char *const kind_names[] = {
    [PRICING_PROMO_BOGO] = "bogo",
    [PRICING_PROMO_GROUP] = "group",
    [PRICING_PROMO_PACKAGE] = "package",
};

const char *
promotion_kind_name(enum pricing_promo_kind kind)
{
    ASSERT(kind >= PRICING_PROMO_BOGO && kind <= PRICING_PROMO_PACKAGE);
    return kind_names[kind];
}

static enum pricing_promo_kind
kind_of(const char *name)
{
    for (int k = PRICING_PROMO_BOGO; k <= PRICING_PROMO_PACKAGE; k++) {
        if (strcmp(kind_names[k], name) == 0)
            return (enum pricing_promo_kind)k;
    }
    ASSERT(!"unreachable");
    return PRICING_PROMO_BOGO;
}

#define PROMO_COLS                                                             \
    "id, name, kind, items, get_items, buy_quantity, get_quantity, "           \
    "discount_kind, discount_value, package_price_minor, currency, clinics, "  \
    "starts_at_ms, ends_at_ms, active, archived, priority, created_by, "       \
    "created_at_ms, updated_at_ms"

static const char sql_promo_insert[] =
    "INSERT INTO promotions (account_id, " PROMO_COLS ") VALUES ($1, $2, $3, "
    "$4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, "
    "$19, $20, $21)";
static const char sql_promo_update[] =
    "UPDATE promotions SET name = $3, items = $4, get_items = $5, "
    "buy_quantity = $6, get_quantity = $7, discount_kind = $8, "
    "discount_value = $9, package_price_minor = $10, currency = $11, "
    "clinics = $12, starts_at_ms = $13, ends_at_ms = $14, active = $15, "
    "archived = $16, priority = $17, updated_at_ms = $18 WHERE "
    "account_id = $1 AND id = $2 RETURNING id";
static const char sql_promo_get[] = "SELECT " PROMO_COLS
                                    " FROM promotions WHERE account_id = $1 "
                                    "AND id = $2";

/* Whether the row's clinics list names CLINIC (or is empty: every one). */
#define FOR_CLINIC_SQLITE(CLINIC)                                              \
    "(clinics = '[]' OR EXISTS (SELECT 1 FROM json_each(promotions.clinics) "  \
    "WHERE value = " CLINIC "))"
#define FOR_CLINIC_PG(CLINIC)                                                  \
    "(clinics = '[]' OR EXISTS (SELECT 1 FROM json_array_elements_text("       \
    "promotions.clinics::json) AS e(value) WHERE e.value = " CLINIC "))"
/* In effect at NOW: switched on, live, inside [starts_at, ends_at). */
#define IN_EFFECT(NOW)                                                         \
    "(active = 1 AND archived = 0 AND (starts_at_ms IS NULL OR "               \
    "starts_at_ms <= " NOW ") AND (ends_at_ms IS NULL OR " NOW                 \
    " < ends_at_ms))"

#define PROMO_LIST_SQL(FOR_CLINIC)                                             \
    "SELECT " PROMO_COLS " FROM promotions WHERE account_id = $1 AND "         \
    "archived = $2 AND ($3 = '' OR " FOR_CLINIC(                               \
        "$3") ") AND ($4 < 0 OR "                                              \
              "(CASE WHEN " IN_EFFECT(                                         \
                  "$5") " THEN 1 ELSE 0 END) = $4) AND ($6 = '' "              \
                        "OR (priority, id) > (SELECT priority, id FROM "       \
                        "promotions AS c WHERE "                               \
                        "c.account_id = $1 AND c.id = $6)) ORDER BY "          \
                        "priority, id LIMIT $7"

static const char sql_promo_list_sqlite[] = PROMO_LIST_SQL(FOR_CLINIC_SQLITE);
static const char sql_promo_list_pg[] = PROMO_LIST_SQL(FOR_CLINIC_PG);

#define PROMO_EFFECT_SQL(FOR_CLINIC)                                           \
    "SELECT " PROMO_COLS                                                       \
    " FROM promotions WHERE account_id = $1 AND " IN_EFFECT(                   \
        "$3") " AND currency = (SELECT currency FROM clinics WHERE "           \
              "clinics.account_id = $1 AND clinics.id = $2) AND " FOR_CLINIC(  \
                  "$2") " ORDER BY priority, id LIMIT $4"

static const char sql_promo_effect_sqlite[] = PROMO_EFFECT_SQL(
    FOR_CLINIC_SQLITE);
static const char sql_promo_effect_pg[] = PROMO_EFFECT_SQL(FOR_CLINIC_PG);

/* Row i of r into *p; the JSON lists are decoded into arena a. */
static enum err
promo_of_row(struct arena *a, const struct db_rows *r, size_t i,
             struct promotion *p)
{
    enum err rc;

    p->id = db_text(r, i, 0);
    p->name = db_text(r, i, 1);
    p->kind = kind_of(db_text(r, i, 2));
    p->buy_quantity = db_i64(r, i, 5);
    p->get_quantity = db_i64(r, i, 6);
    p->discount.kind = (enum pricing_discount_kind)db_i64(r, i, 7);
    p->discount.value = db_i64(r, i, 8);
    p->package_price_minor = db_i64(r, i, 9);
    p->currency = db_text(r, i, 10);
    p->starts_at_ms = db_i64(r, i, 12);
    p->ends_at_ms = db_i64(r, i, 13);
    p->active = db_bool(r, i, 14);
    p->archived = db_bool(r, i, 15);
    p->priority = db_i64(r, i, 16);
    p->created_by = db_text(r, i, 17);
    p->created_at_ms = db_i64(r, i, 18);
    p->updated_at_ms = db_i64(r, i, 19);
    rc = ids_decode(a, db_text(r, i, 3), &p->items);
    if (rc == ERR_OK)
        rc = ids_decode(a, db_text(r, i, 4), &p->get_items);
    if (rc == ERR_OK)
        rc = ids_decode(a, db_text(r, i, 11), &p->clinics);
    return rc;
}

/* The first n rows of r as promotions; *out arena-owned. */
static enum err
promos_of_rows(struct arena *a, const struct db_rows *r, size_t n,
               struct promotion **out)
{
    struct promotion *ps = arena_array(a, n + 1, sizeof(*ps));
    enum err rc = ps != NULL ? ERR_OK : ERR_LIMIT;

    for (size_t i = 0; rc == ERR_OK && i < n; i++)
        rc = promo_of_row(a, r, i, &ps[i]);
    *out = ps;
    return rc;
}

/* The three lists of p as JSON; ERR_LIMIT when the arena is full. */
static enum err
promo_lists(struct arena *a, const struct promotion *p, const char **items,
            const char **get_items, const char **clinics)
{
    *items = ids_encode(a, &p->items);
    *get_items = ids_encode(a, &p->get_items);
    *clinics = ids_encode(a, &p->clinics);
    return *items != NULL && *get_items != NULL && *clinics != NULL ? ERR_OK
                                                                    : ERR_LIMIT;
}

/* A time, or SQL NULL for 0 (none). */
static struct db_param
time_or_null(int64_t at_ms)
{
    return at_ms != 0 ? P_I64(at_ms) : P_NULL;
}

enum err
store_promotion_insert(struct db *db, struct arena *a, const char *account_id,
                       const struct promotion *p, struct errinfo *ei)
{
    const char *items;
    const char *get_items;
    const char *clinics;
    enum err rc = promo_lists(a, p, &items, &get_items, &clinics);

    NEED_ACCOUNT(account_id);
    if (rc)
        return rc;
    struct db_param q[21] = {P_TEXT(account_id),
                             P_TEXT(p->id),
                             P_TEXT(p->name),
                             P_TEXT(promotion_kind_name(p->kind)),
                             P_TEXT(items),
                             P_TEXT(get_items),
                             P_I64(p->buy_quantity),
                             P_I64(p->get_quantity),
                             P_I64(p->discount.kind),
                             P_I64(p->discount.value),
                             P_I64(p->package_price_minor),
                             P_TEXT(p->currency),
                             P_TEXT(clinics),
                             time_or_null(p->starts_at_ms),
                             time_or_null(p->ends_at_ms),
                             P_BOOL(p->active),
                             P_BOOL(p->archived),
                             P_I64(p->priority),
                             P_TEXT(p->created_by),
                             P_I64(p->created_at_ms),
                             P_I64(p->updated_at_ms)};
    return db_exec(db, a, sql_promo_insert, q, 21, NULL, ei);
}

enum err
store_promotion_update(struct db *db, struct arena *a, const char *account_id,
                       const struct promotion *p, struct errinfo *ei)
{
    const char *items;
    const char *get_items;
    const char *clinics;
    struct db_rows r;
    enum err rc = promo_lists(a, p, &items, &get_items, &clinics);

    NEED_ACCOUNT(account_id);
    if (rc)
        return rc;
    struct db_param q[18] = {P_TEXT(account_id),
                             P_TEXT(p->id),
                             P_TEXT(p->name),
                             P_TEXT(items),
                             P_TEXT(get_items),
                             P_I64(p->buy_quantity),
                             P_I64(p->get_quantity),
                             P_I64(p->discount.kind),
                             P_I64(p->discount.value),
                             P_I64(p->package_price_minor),
                             P_TEXT(p->currency),
                             P_TEXT(clinics),
                             time_or_null(p->starts_at_ms),
                             time_or_null(p->ends_at_ms),
                             P_BOOL(p->active),
                             P_BOOL(p->archived),
                             P_I64(p->priority),
                             P_I64(p->updated_at_ms)};
    return db_one(db, a, sql_promo_update, q, 18, &r, ei);
}

enum err
store_promotion_get(struct db *db, struct arena *a, const char *account_id,
                    const char *id, struct promotion *out, struct errinfo *ei)
{
    struct db_param p[2] = {P_TEXT(account_id), P_TEXT(id)};
    struct db_rows r;
    enum err rc;

    NEED_ACCOUNT(account_id);
    rc = db_one(db, a, sql_promo_get, p, 2, &r, ei);
    if (rc)
        return rc;
    return promo_of_row(a, &r, 0, out);
}

enum err
store_promotion_list(struct db *db, struct arena *a, const char *account_id,
                     const struct promotion_filter *f, int64_t limit,
                     const char *starting_after, struct promotion **out,
                     size_t *count, bool *has_more, struct errinfo *ei)
{
    struct db_param p[7] = {
        P_TEXT(account_id),
        P_BOOL(f->archived),
        P_TEXT(f->clinic_id != NULL ? f->clinic_id : ""),
        P_I64(f->in_effect),
        P_I64(f->now_ms),
        P_TEXT(starting_after != NULL ? starting_after : ""),
        P_I64(limit + 1)};
    struct db_rows r;
    enum err rc;

    NEED_ACCOUNT(account_id);
    ASSERT(limit > 0);
    ASSERT(f->in_effect >= -1 && f->in_effect <= 1);
    rc = db_exec(db, a,
                 db_engine(db) == STORE_PG ? sql_promo_list_pg
                                           : sql_promo_list_sqlite,
                 p, 7, &r, ei);
    if (rc)
        return rc;
    *count = db_page(&r, limit, has_more);
    return promos_of_rows(a, &r, *count, out);
}

enum err
store_promotions_in_effect(struct db *db, struct arena *a,
                           const char *account_id, const char *clinic_id,
                           int64_t now_ms, int64_t limit,
                           struct promotion **out, size_t *count,
                           struct errinfo *ei)
{
    struct db_param p[4] = {P_TEXT(account_id), P_TEXT(clinic_id),
                            P_I64(now_ms), P_I64(limit)};
    struct db_rows r;
    enum err rc;

    NEED_ACCOUNT(account_id);
    ASSERT(limit > 0);
    rc = db_exec(db, a,
                 db_engine(db) == STORE_PG ? sql_promo_effect_pg
                                           : sql_promo_effect_sqlite,
                 p, 4, &r, ei);
    if (rc)
        return rc;
    ASSERT(r.nrows <= (size_t)limit);
    *count = r.nrows;
    return promos_of_rows(a, &r, r.nrows, out);
}

#define CLINIC_REFS_SQL(IDS)                                                   \
    "SELECT id, currency, archived FROM clinics WHERE account_id = $1 AND "    \
    "id IN (" IDS ")"

static const char sql_clinic_refs_sqlite[] = CLINIC_REFS_SQL(
    "SELECT value FROM json_each($2)");
static const char sql_clinic_refs_pg[] = CLINIC_REFS_SQL(
    "SELECT json_array_elements_text($2::json)");

static void
clinic_ref_row(const struct db_rows *r, size_t i, void *out)
{
    struct clinic_ref *c = out;

    c->id = db_text(r, i, 0);
    c->currency = db_text(r, i, 1);
    c->archived = db_bool(r, i, 2);
}

enum err
store_clinic_refs(struct db *db, struct arena *a, const char *account_id,
                  const struct id_list *ids, struct clinic_ref **out,
                  size_t *count, struct errinfo *ei)
{
    const char *json = ids_encode(a, ids);

    NEED_ACCOUNT(account_id);
    if (json == NULL)
        return ERR_LIMIT;
    struct db_param p[2] = {P_TEXT(account_id), P_TEXT(json)};
    return db_list_as(
        db, a,
        db_engine(db) == STORE_PG ? sql_clinic_refs_pg : sql_clinic_refs_sqlite,
        p, 2, clinic_ref_row, sizeof(**out), 0, (void **)out, count, NULL, ei);
}

/* ---- quick buttons ---- */

#define QBT_COLS                                                               \
    "id, name, position, clinic_id, items, created_by, created_at_ms, "        \
    "updated_at_ms"

static const char sql_qbt_insert[] =
    "INSERT INTO quick_button_groups (account_id, " QBT_COLS
    ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)";
static const char sql_qbt_update[] =
    "UPDATE quick_button_groups SET name = $3, position = $4, clinic_id = "
    "$5, items = $6, updated_at_ms = $7 WHERE account_id = $1 AND id = $2 "
    "RETURNING id";
static const char sql_qbt_get[] = "SELECT " QBT_COLS
                                  " FROM quick_button_groups WHERE "
                                  "account_id = $1 AND id = $2";
static const char sql_qbt_delete[] =
    "DELETE FROM quick_button_groups WHERE account_id = $1 AND id = $2 "
    "RETURNING id";
static const char sql_qbt_list[] =
    "SELECT " QBT_COLS " FROM quick_button_groups WHERE account_id = $1 AND "
    "($2 = '' OR clinic_id IS NULL OR clinic_id = $2) AND ($3 = '' OR "
    "(position, id) > (SELECT position, id FROM quick_button_groups AS c "
    "WHERE c.account_id = $1 AND c.id = $3)) ORDER BY position, id LIMIT $4";

static enum err
qbt_of_row(struct arena *a, const struct db_rows *r, size_t i,
           struct quick_button_group *g)
{
    g->id = db_text(r, i, 0);
    g->name = db_text(r, i, 1);
    g->position = db_i64(r, i, 2);
    g->clinic_id = db_text(r, i, 3);
    g->created_by = db_text(r, i, 5);
    g->created_at_ms = db_i64(r, i, 6);
    g->updated_at_ms = db_i64(r, i, 7);
    return items_decode(a, db_text(r, i, 4), g);
}

enum err
store_quick_button_insert(struct db *db, struct arena *a,
                          const char *account_id,
                          const struct quick_button_group *g,
                          struct errinfo *ei)
{
    const char *items = items_encode(a, g->items, g->item_count);

    NEED_ACCOUNT(account_id);
    if (items == NULL)
        return ERR_LIMIT;
    struct db_param p[9] = {P_TEXT(account_id),     P_TEXT(g->id),
                            P_TEXT(g->name),        P_I64(g->position),
                            P_TEXT(g->clinic_id),   P_TEXT(items),
                            P_TEXT(g->created_by),  P_I64(g->created_at_ms),
                            P_I64(g->updated_at_ms)};
    return db_exec(db, a, sql_qbt_insert, p, 9, NULL, ei);
}

enum err
store_quick_button_update(struct db *db, struct arena *a,
                          const char *account_id,
                          const struct quick_button_group *g,
                          struct errinfo *ei)
{
    const char *items = items_encode(a, g->items, g->item_count);
    struct db_rows r;

    NEED_ACCOUNT(account_id);
    if (items == NULL)
        return ERR_LIMIT;
    struct db_param p[7] = {P_TEXT(account_id),     P_TEXT(g->id),
                            P_TEXT(g->name),        P_I64(g->position),
                            P_TEXT(g->clinic_id),   P_TEXT(items),
                            P_I64(g->updated_at_ms)};
    return db_one(db, a, sql_qbt_update, p, 7, &r, ei);
}

enum err
store_quick_button_get(struct db *db, struct arena *a, const char *account_id,
                       const char *id, struct quick_button_group *out,
                       struct errinfo *ei)
{
    struct db_param p[2] = {P_TEXT(account_id), P_TEXT(id)};
    struct db_rows r;
    enum err rc;

    NEED_ACCOUNT(account_id);
    rc = db_one(db, a, sql_qbt_get, p, 2, &r, ei);
    if (rc)
        return rc;
    return qbt_of_row(a, &r, 0, out);
}

enum err
store_quick_button_delete(struct db *db, struct arena *a,
                          const char *account_id, const char *id,
                          struct errinfo *ei)
{
    struct db_param p[2] = {P_TEXT(account_id), P_TEXT(id)};
    struct db_rows r;

    NEED_ACCOUNT(account_id);
    return db_one(db, a, sql_qbt_delete, p, 2, &r, ei);
}

enum err
store_quick_button_list(struct db *db, struct arena *a, const char *account_id,
                        const char *clinic_id, int64_t limit,
                        const char *starting_after,
                        struct quick_button_group **out, size_t *count,
                        bool *has_more, struct errinfo *ei)
{
    struct db_param p[4] = {
        P_TEXT(account_id), P_TEXT(clinic_id != NULL ? clinic_id : ""),
        P_TEXT(starting_after != NULL ? starting_after : ""), P_I64(limit + 1)};
    struct quick_button_group *gs;
    struct db_rows r;
    size_t n;
    enum err rc;

    NEED_ACCOUNT(account_id);
    ASSERT(limit > 0);
    rc = db_exec(db, a, sql_qbt_list, p, 4, &r, ei);
    if (rc)
        return rc;
    n = db_page(&r, limit, has_more);
    gs = arena_array(a, n + 1, sizeof(*gs));
    if (gs == NULL)
        return ERR_LIMIT;
    for (size_t i = 0; rc == ERR_OK && i < n; i++)
        rc = qbt_of_row(a, &r, i, &gs[i]);
    *out = gs;
    *count = n;
    return rc;
}
