/*
 * clinics.c - the clinics table.
 */
#include "store/clinics.h"

#include "base/assert.h"

#define CLINIC_COLS                                                            \
    "id, name, line1, line2, city, state, postal_code, country, timezone, "    \
    "currency, tax_rate_bps, archived, created_at_ms, updated_at_ms"

static const char sql_insert[] =
    "INSERT INTO clinics (account_id, " CLINIC_COLS ") VALUES ($1, $2, $3, "
    "$4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)";
static const char sql_update[] =
    "UPDATE clinics SET name = $3, line1 = $4, line2 = $5, city = $6, "
    "state = $7, postal_code = $8, country = $9, timezone = $10, "
    "currency = $11, tax_rate_bps = $12, archived = $13, "
    "updated_at_ms = $15 WHERE account_id = $1 AND id = $2 "
    "AND created_at_ms = $14";
static const char sql_get[] = "SELECT " CLINIC_COLS " FROM clinics "
                              "WHERE account_id = $1 AND id = $2";
static const char sql_list[] = "SELECT " CLINIC_COLS
                               " FROM clinics WHERE account_id = $1 "
                               "AND id > $2 ORDER BY id LIMIT $3";

static void
bind(const char *account_id, const struct clinic *c, struct db_param *p)
{
    p[0] = P_TEXT(account_id);
    p[1] = P_TEXT(c->id);
    p[2] = P_TEXT(c->name);
    p[3] = P_TEXT(c->line1);
    p[4] = P_TEXT(c->line2);
    p[5] = P_TEXT(c->city);
    p[6] = P_TEXT(c->state);
    p[7] = P_TEXT(c->postal_code);
    p[8] = P_TEXT(c->country);
    p[9] = P_TEXT(c->timezone);
    p[10] = P_TEXT(c->currency);
    p[11] = P_I64(c->tax_rate_bps);
    p[12] = P_BOOL(c->archived);
    p[13] = P_I64(c->created_at_ms);
    p[14] = P_I64(c->updated_at_ms);
}

static void
row(const struct db_rows *r, size_t i, struct clinic *c)
{
    c->id = db_text(r, i, 0);
    c->name = db_text(r, i, 1);
    c->line1 = db_text(r, i, 2);
    c->line2 = db_text(r, i, 3);
    c->city = db_text(r, i, 4);
    c->state = db_text(r, i, 5);
    c->postal_code = db_text(r, i, 6);
    c->country = db_text(r, i, 7);
    c->timezone = db_text(r, i, 8);
    c->currency = db_text(r, i, 9);
    c->tax_rate_bps = db_i64(r, i, 10);
    c->archived = db_bool(r, i, 11);
    c->created_at_ms = db_i64(r, i, 12);
    c->updated_at_ms = db_i64(r, i, 13);
}

enum err
store_clinic_insert(struct db *db, struct arena *a, const char *account_id,
                    const struct clinic *c, struct errinfo *ei)
{
    struct db_param p[15];

    ASSERT(account_id != NULL && account_id[0] != '\0');
    bind(account_id, c, p);
    return db_exec(db, a, sql_insert, p, 15, NULL, ei);
}

enum err
store_clinic_update(struct db *db, struct arena *a, const char *account_id,
                    const struct clinic *c, struct errinfo *ei)
{
    struct db_param p[15];

    ASSERT(account_id != NULL && account_id[0] != '\0');
    bind(account_id, c, p);
    return db_exec(db, a, sql_update, p, 15, NULL, ei);
}

enum err
store_clinic_get(struct db *db, struct arena *a, const char *account_id,
                 const char *id, struct clinic *out, struct errinfo *ei)
{
    struct db_param p[2] = {P_TEXT(account_id), P_TEXT(id)};
    struct db_rows rows;
    enum err rc;

    ASSERT(account_id != NULL && account_id[0] != '\0');
    rc = db_one(db, a, sql_get, p, 2, &rows, ei);
    if (rc)
        return rc;
    row(&rows, 0, out);
    return ERR_OK;
}

enum err
store_clinic_list(struct db *db, struct arena *a, const char *account_id,
                  int64_t limit, const char *starting_after,
                  struct clinic **out, size_t *count, bool *has_more,
                  struct errinfo *ei)
{
    struct db_param p[3] = {
        P_TEXT(account_id),
        P_TEXT(starting_after != NULL ? starting_after : ""), P_I64(limit + 1)};
    struct db_rows rows;
    struct clinic *cs;
    enum err rc;

    ASSERT(account_id != NULL && account_id[0] != '\0');
    rc = db_exec(db, a, sql_list, p, 3, &rows, ei);
    if (rc)
        return rc;
    *count = db_page(&rows, limit, has_more);
    cs = arena_array(a, *count + 1, sizeof(*cs));
    if (cs == NULL)
        return ERR_LIMIT;
    for (size_t i = 0; i < *count; i++)
        row(&rows, i, &cs[i]);
    *out = cs;
    return ERR_OK;
}
