/*
 * financing.c - the financing_connections table.
 */
#include "store/financing.h"

#include "base/assert.h"

#define NEED_ACCOUNT(id) ASSERT((id) != NULL && (id)[0] != '\0')

#define CONNECTION_COLS                                                        \
    "id, provider, mode, merchant_id, merchant_name, status, connected_by, "   \
    "connected_at_ms, disconnected_by, disconnected_at_ms, created_at_ms, "    \
    "updated_at_ms"

static const char sql_insert[] =
    "INSERT INTO financing_connections (account_id, " CONNECTION_COLS
    ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)";
static const char sql_get[] = "SELECT " CONNECTION_COLS
                              " FROM financing_connections "
                              "WHERE account_id = $1 AND id = $2";
static const char sql_current[] =
    "SELECT " CONNECTION_COLS " FROM financing_connections "
    "WHERE account_id = $1 AND provider = $2 AND status = 'connected'";
static const char sql_disconnect[] =
    "UPDATE financing_connections SET status = 'disconnected', "
    "disconnected_by = $3, disconnected_at_ms = $4, updated_at_ms = $4 "
    "WHERE account_id = $1 AND id = $2 AND status = 'connected' "
    "RETURNING id";
static const char sql_list[] =
    "SELECT " CONNECTION_COLS " FROM financing_connections "
    "WHERE account_id = $1 AND ($2 = '' OR id < $2) ORDER BY id DESC "
    "LIMIT $3";

static void
row(const struct db_rows *r, size_t i, void *out)
{
    struct financing_connection *c = out;

    c->id = db_text(r, i, 0);
    c->provider = db_text(r, i, 1);
    c->mode = db_text(r, i, 2);
    c->merchant_id = db_text(r, i, 3);
    c->merchant_name = db_text(r, i, 4);
    c->status = db_text(r, i, 5);
    c->connected_by = db_text(r, i, 6);
    c->connected_at_ms = db_i64(r, i, 7);
    c->disconnected_by = db_text(r, i, 8);
    c->disconnected_at_ms = db_i64(r, i, 9);
    c->created_at_ms = db_i64(r, i, 10);
    c->updated_at_ms = db_i64(r, i, 11);
}

enum err
store_financing_connection_insert(struct db *db, struct arena *a,
                                  const char *account_id,
                                  const struct financing_connection *c,
                                  struct errinfo *ei)
{
    struct db_param p[] = {
        P_TEXT(account_id),
        P_TEXT(c->id),
        P_TEXT(c->provider),
        P_TEXT(c->mode),
        P_TEXT(c->merchant_id),
        P_TEXT(c->merchant_name),
        P_TEXT("connected"),
        P_TEXT(c->connected_by),
        P_I64(c->connected_at_ms),
        P_NULL,
        P_NULL,
        P_I64(c->created_at_ms),
        P_I64(c->updated_at_ms),
    };

    NEED_ACCOUNT(account_id);
    ASSERT(c->id != NULL && c->provider != NULL && c->merchant_id != NULL);
    return db_exec(db, a, sql_insert, p, sizeof(p) / sizeof(p[0]), NULL, ei);
}

enum err
store_financing_connection_get(struct db *db, struct arena *a,
                               const char *account_id, const char *id,
                               struct financing_connection *out,
                               struct errinfo *ei)
{
    struct db_param p[] = {P_TEXT(account_id), P_TEXT(id)};

    NEED_ACCOUNT(account_id);
    return db_one_as(db, a, sql_get, p, 2, row, out, ei);
}

enum err
store_financing_connection_current(struct db *db, struct arena *a,
                                   const char *account_id, const char *provider,
                                   struct financing_connection *out,
                                   struct errinfo *ei)
{
    struct db_param p[] = {P_TEXT(account_id), P_TEXT(provider)};

    NEED_ACCOUNT(account_id);
    return db_one_as(db, a, sql_current, p, 2, row, out, ei);
}

enum err
store_financing_connection_disconnect(struct db *db, struct arena *a,
                                      const char *account_id, const char *id,
                                      const char *user, int64_t at_ms,
                                      struct errinfo *ei)
{
    struct db_param p[] = {P_TEXT(account_id), P_TEXT(id), P_TEXT(user),
                           P_I64(at_ms)};
    struct db_rows r;

    NEED_ACCOUNT(account_id);
    return db_one(db, a, sql_disconnect, p, 4, &r, ei);
}

enum err
store_financing_connection_list(struct db *db, struct arena *a,
                                const char *account_id, int64_t limit,
                                const char *starting_after,
                                struct financing_connection **out,
                                size_t *count, bool *has_more,
                                struct errinfo *ei)
{
    struct db_param p[] = {
        P_TEXT(account_id),
        P_TEXT(starting_after != NULL ? starting_after : ""),
        P_I64(limit + 1),
    };

    NEED_ACCOUNT(account_id);
    ASSERT(limit >= 1 && limit <= 100);
    return db_list_as(db, a, sql_list, p, 3, row, sizeof(**out), limit,
                      (void **)out, count, has_more, ei);
}
