/*
 * credentials.c - api_keys, sessions, login_failures, idempotency_keys.
 */
#include "store/credentials.h"

#include <stdlib.h>

#include "base/assert.h"

static const char sql_key_insert[] =
    "INSERT INTO api_keys (account_id, id, user_id, name, secret_hash, "
    "secret_last4, created_at_ms) VALUES ($1, $2, $3, $4, $5, $6, $7)";
static const char sql_key_auth[] =
    "SELECT k.id, k.user_id, u.role, u.disabled, k.revoked_at_ms "
    "FROM api_keys k JOIN users u "
    "ON u.account_id = k.account_id AND u.id = k.user_id "
    "WHERE k.account_id = $1 AND k.secret_hash = $2";
#define KEY_COLS "id, name, user_id, secret_last4, created_at_ms, revoked_at_ms"
static const char sql_key_get[] = "SELECT " KEY_COLS " FROM api_keys "
                                  "WHERE account_id = $1 AND id = $2";
static const char sql_key_revoke[] =
    "UPDATE api_keys SET revoked_at_ms = $3 WHERE account_id = $1 "
    "AND id = $2 AND revoked_at_ms IS NULL";
static const char sql_key_list[] =
    "SELECT " KEY_COLS " FROM api_keys WHERE account_id = $1 AND "
    "(CAST($2 AS TEXT) IS NULL OR id < CAST($2 AS TEXT)) "
    "ORDER BY id DESC LIMIT $3";

static const char sql_session_insert[] =
    "INSERT INTO sessions (account_id, id, user_id, token_hash, csrf_token, "
    "created_at_ms, last_seen_at_ms) VALUES ($1, $2, $3, $4, $5, $6, $6)";
static const char sql_session_auth[] =
    "SELECT s.id, s.user_id, u.role, u.disabled, s.ended_at_ms, "
    "s.last_seen_at_ms, s.csrf_token FROM sessions s JOIN users u "
    "ON u.account_id = s.account_id AND u.id = s.user_id "
    "WHERE s.account_id = $1 AND s.token_hash = $2";
static const char sql_session_touch[] =
    "UPDATE sessions SET last_seen_at_ms = $3 WHERE account_id = $1 "
    "AND id = $2";
static const char sql_session_end[] =
    "UPDATE sessions SET ended_at_ms = $3 WHERE account_id = $1 AND id = $2 "
    "AND ended_at_ms IS NULL";
static const char sql_session_end_user[] =
    "UPDATE sessions SET ended_at_ms = $3 WHERE account_id = $1 "
    "AND user_id = $2 AND ended_at_ms IS NULL";

static const char sql_failure_add[] =
    "INSERT INTO login_failures (email, at_ms) VALUES ($1, $2)";
static const char sql_failure_count[] =
    "SELECT COUNT(*), MIN(at_ms) FROM login_failures WHERE email = $1 "
    "AND at_ms >= $2";
static const char sql_failure_clear[] =
    "DELETE FROM login_failures WHERE email = $1 AND at_ms < $2";

static const char sql_idem_get[] =
    "SELECT request_hash, status, body, created_at_ms FROM idempotency_keys "
    "WHERE account_id = $1 AND idem_key = $2";
static const char sql_idem_insert[] =
    "INSERT INTO idempotency_keys (account_id, idem_key, request_hash, "
    "status, body, created_at_ms) VALUES ($1, $2, $3, $4, $5, $6)";
static const char sql_idem_delete[] =
    "DELETE FROM idempotency_keys WHERE account_id = $1 AND idem_key = $2";
static const char sql_idem_purge[] =
    "DELETE FROM idempotency_keys WHERE account_id = $1 "
    "AND created_at_ms <= $2";

#define ACCOUNT_OK(id) ASSERT((id) != NULL && (id)[0] != '\0')

enum err
store_api_key_insert(struct db *db, struct arena *a, const char *account_id,
                     const struct key_row *k, const char *secret_hash,
                     struct errinfo *ei)
{
    struct db_param p[7] = {
        P_TEXT(account_id),      P_TEXT(k->id),       P_TEXT(k->user_id),
        P_TEXT(k->name),         P_TEXT(secret_hash), P_TEXT(k->secret_last4),
        P_I64(k->created_at_ms),
    };

    ACCOUNT_OK(account_id);
    return db_exec(db, a, sql_key_insert, p, 7, NULL, ei);
}

static enum err
principal_query(struct db *db, struct arena *a, const char *sql,
                const char *account_id, const char *hash, struct principal *out,
                struct errinfo *ei)
{
    struct db_param p[2] = {P_TEXT(account_id), P_TEXT(hash)};
    struct db_rows r;
    enum err rc;

    ACCOUNT_OK(account_id);
    rc = db_one(db, a, sql, p, 2, &r, ei);
    if (rc)
        return rc;
    out->id = db_text(&r, 0, 0);
    out->user_id = db_text(&r, 0, 1);
    out->role = db_text(&r, 0, 2);
    out->user_disabled = db_bool(&r, 0, 3);
    out->ended_at_ms = db_i64(&r, 0, 4);
    if (r.ncols > 5) {
        out->last_seen_at_ms = db_i64(&r, 0, 5);
        out->csrf_token = db_text(&r, 0, 6);
    }
    return ERR_OK;
}

enum err
store_api_key_auth(struct db *db, struct arena *a, const char *account_id,
                   const char *secret_hash, struct principal *out,
                   struct errinfo *ei)
{
    return principal_query(db, a, sql_key_auth, account_id, secret_hash, out,
                           ei);
}

static void
key_row(const struct db_rows *r, size_t i, struct key_row *k)
{
    k->id = db_text(r, i, 0);
    k->name = db_text(r, i, 1);
    k->user_id = db_text(r, i, 2);
    k->secret_last4 = db_text(r, i, 3);
    k->created_at_ms = db_i64(r, i, 4);
    k->revoked_at_ms = db_i64(r, i, 5);
}

enum err
store_api_key_get(struct db *db, struct arena *a, const char *account_id,
                  const char *id, struct key_row *out, struct errinfo *ei)
{
    struct db_param p[2] = {P_TEXT(account_id), P_TEXT(id)};
    struct db_rows r;
    enum err rc;

    ACCOUNT_OK(account_id);
    rc = db_one(db, a, sql_key_get, p, 2, &r, ei);
    if (rc)
        return rc;
    key_row(&r, 0, out);
    return ERR_OK;
}

enum err
store_api_key_revoke(struct db *db, struct arena *a, const char *account_id,
                     const char *id, int64_t at_ms, struct errinfo *ei)
{
    struct db_param p[3] = {P_TEXT(account_id), P_TEXT(id), P_I64(at_ms)};

    ACCOUNT_OK(account_id);
    return db_exec(db, a, sql_key_revoke, p, 3, NULL, ei);
}

enum err
store_api_key_list(struct db *db, struct arena *a, const char *account_id,
                   int64_t limit, const char *starting_after,
                   struct key_row **out, size_t *count, bool *has_more,
                   struct errinfo *ei)
{
    struct db_param p[3] = {P_TEXT(account_id), P_TEXT(starting_after),
                            P_I64(limit + 1)};
    struct db_rows r;
    struct key_row *ks;
    enum err rc;

    ACCOUNT_OK(account_id);
    rc = db_exec(db, a, sql_key_list, p, 3, &r, ei);
    if (rc)
        return rc;
    *count = db_page(&r, limit, has_more);
    ks = arena_array(a, *count + 1, sizeof(*ks));
    if (ks == NULL)
        return ERR_LIMIT;
    for (size_t i = 0; i < *count; i++)
        key_row(&r, i, &ks[i]);
    *out = ks;
    return ERR_OK;
}

enum err
store_session_insert(struct db *db, struct arena *a, const char *account_id,
                     const char *id, const char *user_id,
                     const char *token_hash, const char *csrf_token,
                     int64_t now_ms, struct errinfo *ei)
{
    struct db_param p[6] = {P_TEXT(account_id), P_TEXT(id),
                            P_TEXT(user_id),    P_TEXT(token_hash),
                            P_TEXT(csrf_token), P_I64(now_ms)};

    ACCOUNT_OK(account_id);
    return db_exec(db, a, sql_session_insert, p, 6, NULL, ei);
}

enum err
store_session_auth(struct db *db, struct arena *a, const char *account_id,
                   const char *token_hash, struct principal *out,
                   struct errinfo *ei)
{
    return principal_query(db, a, sql_session_auth, account_id, token_hash, out,
                           ei);
}

static enum err
exec3(struct db *db, struct arena *a, const char *sql, const char *account_id,
      const char *id, int64_t v, struct errinfo *ei)
{
    struct db_param p[3] = {P_TEXT(account_id), P_TEXT(id), P_I64(v)};

    ACCOUNT_OK(account_id);
    return db_exec(db, a, sql, p, 3, NULL, ei);
}

enum err
store_session_touch(struct db *db, struct arena *a, const char *account_id,
                    const char *id, int64_t now_ms, struct errinfo *ei)
{
    return exec3(db, a, sql_session_touch, account_id, id, now_ms, ei);
}

enum err
store_session_end(struct db *db, struct arena *a, const char *account_id,
                  const char *id, int64_t now_ms, struct errinfo *ei)
{
    return exec3(db, a, sql_session_end, account_id, id, now_ms, ei);
}

enum err
store_session_end_user(struct db *db, struct arena *a, const char *account_id,
                       const char *user_id, int64_t now_ms, struct errinfo *ei)
{
    return exec3(db, a, sql_session_end_user, account_id, user_id, now_ms, ei);
}

enum err
store_login_failure_add(struct db *db, struct arena *a, const char *email,
                        int64_t now_ms, struct errinfo *ei)
{
    struct db_param p[2] = {P_TEXT(email), P_I64(now_ms)};

    return db_exec(db, a, sql_failure_add, p, 2, NULL, ei);
}

enum err
store_login_failure_count(struct db *db, struct arena *a, const char *email,
                          int64_t since_ms, int64_t *count, int64_t *oldest_ms,
                          struct errinfo *ei)
{
    struct db_param p[2] = {P_TEXT(email), P_I64(since_ms)};
    struct db_rows r;
    enum err rc = db_exec(db, a, sql_failure_count, p, 2, &r, ei);

    if (rc)
        return rc;
    ASSERT(r.nrows == 1);
    *count = db_i64(&r, 0, 0);
    *oldest_ms = db_i64(&r, 0, 1);
    return ERR_OK;
}

enum err
store_login_failure_clear(struct db *db, struct arena *a, const char *email,
                          int64_t before_ms, struct errinfo *ei)
{
    struct db_param p[2] = {P_TEXT(email), P_I64(before_ms)};

    return db_exec(db, a, sql_failure_clear, p, 2, NULL, ei);
}

enum err
store_idem_get(struct db *db, struct arena *a, const char *account_id,
               const char *key, const char **request_hash, int *status,
               const char **body, int64_t *created_at_ms, struct errinfo *ei)
{
    struct db_param p[2] = {P_TEXT(account_id), P_TEXT(key)};
    struct db_rows r;
    enum err rc;

    ACCOUNT_OK(account_id);
    rc = db_one(db, a, sql_idem_get, p, 2, &r, ei);
    if (rc)
        return rc;
    *request_hash = db_text(&r, 0, 0);
    *status = (int)db_i64(&r, 0, 1);
    *body = db_text(&r, 0, 2);
    *created_at_ms = db_i64(&r, 0, 3);
    return ERR_OK;
}

enum err
store_idem_insert(struct db *db, struct arena *a, const char *account_id,
                  const char *key, const char *request_hash, int status,
                  const char *body, int64_t now_ms, struct errinfo *ei)
{
    struct db_param p[6] = {P_TEXT(account_id),   P_TEXT(key),
                            P_TEXT(request_hash), P_I64(status),
                            P_TEXT(body),         P_I64(now_ms)};

    ACCOUNT_OK(account_id);
    return db_exec(db, a, sql_idem_insert, p, 6, NULL, ei);
}

enum err
store_idem_delete(struct db *db, struct arena *a, const char *account_id,
                  const char *key, struct errinfo *ei)
{
    struct db_param p[2] = {P_TEXT(account_id), P_TEXT(key)};

    ACCOUNT_OK(account_id);
    return db_exec(db, a, sql_idem_delete, p, 2, NULL, ei);
}

enum err
store_idem_purge(struct db *db, struct arena *a, const char *account_id,
                 int64_t before_ms, struct errinfo *ei)
{
    struct db_param p[2] = {P_TEXT(account_id), P_I64(before_ms)};

    ACCOUNT_OK(account_id);
    return db_exec(db, a, sql_idem_purge, p, 2, NULL, ei);
}
