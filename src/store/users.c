/*
 * users.c - the accounts and users tables.
 */
#include "store/users.h"

#include "base/assert.h"

static const char sql_account_insert[] =
    "INSERT INTO accounts (account_id, name, currency, head_admin_id, "
    "created_at_ms, updated_at_ms) VALUES ($1, $2, $3, $4, $5, $6)";
static const char sql_account_get[] =
    "SELECT account_id, name, currency, head_admin_id, created_at_ms, "
    "updated_at_ms FROM accounts WHERE account_id = $1";
static const char sql_account_update[] =
    "UPDATE accounts SET name = $2, currency = $3, head_admin_id = $4, "
    "updated_at_ms = $5 WHERE account_id = $1";

#define USER_COLS                                                              \
    "id, email, name, role, disabled, "                                        \
    "CASE WHEN password_hash IS NULL THEN 0 ELSE 1 END, "                      \
    "created_at_ms, updated_at_ms"

static const char sql_user_insert[] =
    "INSERT INTO users (account_id, id, email, name, role, disabled, "
    "password_hash, created_at_ms, updated_at_ms) "
    "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)";
static const char sql_user_update[] =
    "UPDATE users SET name = $3, role = $4, disabled = $5, "
    "password_hash = COALESCE(CAST($6 AS TEXT), password_hash), "
    "updated_at_ms = $7 WHERE account_id = $1 AND id = $2";
static const char sql_user_get[] = "SELECT " USER_COLS " FROM users "
                                   "WHERE account_id = $1 AND id = $2";
static const char sql_user_by_email[] =
    "SELECT " USER_COLS ", account_id, password_hash FROM users "
    "WHERE email = $1";
static const char sql_user_list[] =
    "SELECT " USER_COLS " FROM users WHERE account_id = $1 AND id > $2 "
    "ORDER BY id LIMIT $3";

enum err
store_account_insert(struct db *db, struct arena *a, const struct account *acct,
                     struct errinfo *ei)
{
    struct db_param p[6] = {
        P_TEXT(acct->id),           P_TEXT(acct->name),
        P_TEXT(acct->currency),     P_TEXT(acct->head_admin_id),
        P_I64(acct->created_at_ms), P_I64(acct->updated_at_ms),
    };

    ASSERT(acct->id != NULL && acct->id[0] != '\0');
    return db_exec(db, a, sql_account_insert, p, 6, NULL, ei);
}

enum err
store_account_get(struct db *db, struct arena *a, const char *account_id,
                  struct account *out, struct errinfo *ei)
{
    struct db_param p[1] = {P_TEXT(account_id)};
    struct db_rows r;
    enum err rc;

    ASSERT(account_id != NULL && account_id[0] != '\0');
    rc = db_one(db, a, sql_account_get, p, 1, &r, ei);
    if (rc)
        return rc;
    out->id = db_text(&r, 0, 0);
    out->name = db_text(&r, 0, 1);
    out->currency = db_text(&r, 0, 2);
    out->head_admin_id = db_text(&r, 0, 3);
    out->created_at_ms = db_i64(&r, 0, 4);
    out->updated_at_ms = db_i64(&r, 0, 5);
    return ERR_OK;
}

enum err
store_account_update(struct db *db, struct arena *a, const struct account *acct,
                     struct errinfo *ei)
{
    struct db_param p[5] = {
        P_TEXT(acct->id),           P_TEXT(acct->name),
        P_TEXT(acct->currency),     P_TEXT(acct->head_admin_id),
        P_I64(acct->updated_at_ms),
    };

    ASSERT(acct->id != NULL && acct->id[0] != '\0');
    return db_exec(db, a, sql_account_update, p, 5, NULL, ei);
}

static void
user_row(const struct db_rows *r, size_t i, struct user *u)
{
    enum role role = ROLE_NONE;

    u->id = db_text(r, i, 0);
    u->email = db_text(r, i, 1);
    u->name = db_text(r, i, 2);
    /* The CHECK constraint admits only valid role names. */
    ASSERT(role_parse(str_c(db_text(r, i, 3)), &role) == ERR_OK);
    u->role = role;
    u->disabled = db_bool(r, i, 4);
    u->has_password = db_bool(r, i, 5);
    u->created_at_ms = db_i64(r, i, 6);
    u->updated_at_ms = db_i64(r, i, 7);
}

enum err
store_user_insert(struct db *db, struct arena *a, const char *account_id,
                  const struct user *u, const char *password_hash,
                  struct errinfo *ei)
{
    struct db_param p[9] = {
        P_TEXT(account_id),         P_TEXT(u->id),
        P_TEXT(u->email),           P_TEXT(u->name),
        P_TEXT(role_name(u->role)), P_BOOL(u->disabled),
        P_TEXT(password_hash),      P_I64(u->created_at_ms),
        P_I64(u->updated_at_ms),
    };
    enum err rc;

    ASSERT(account_id != NULL && account_id[0] != '\0');
    rc = db_exec(db, a, sql_user_insert, p, 9, NULL, ei);
    if (rc == ERR_CONFLICT)
        return errinfo_set(ei, ERR_CONFLICT, "email_taken", "email",
                           "a user with this e-mail already exists");
    return rc;
}

enum err
store_user_update(struct db *db, struct arena *a, const char *account_id,
                  const struct user *u, const char *password_hash,
                  struct errinfo *ei)
{
    struct db_param p[7] = {
        P_TEXT(account_id),         P_TEXT(u->id),       P_TEXT(u->name),
        P_TEXT(role_name(u->role)), P_BOOL(u->disabled), P_TEXT(password_hash),
        P_I64(u->updated_at_ms),
    };

    ASSERT(account_id != NULL && account_id[0] != '\0');
    return db_exec(db, a, sql_user_update, p, 7, NULL, ei);
}

enum err
store_user_get(struct db *db, struct arena *a, const char *account_id,
               const char *id, struct user *out, struct errinfo *ei)
{
    struct db_param p[2] = {P_TEXT(account_id), P_TEXT(id)};
    struct db_rows r;
    enum err rc;

    ASSERT(account_id != NULL && account_id[0] != '\0');
    rc = db_one(db, a, sql_user_get, p, 2, &r, ei);
    if (rc)
        return rc;
    user_row(&r, 0, out);
    return ERR_OK;
}

enum err
store_user_by_email(struct db *db, struct arena *a, const char *email,
                    const char **account_id, struct user *out,
                    const char **password_hash, struct errinfo *ei)
{
    struct db_param p[1] = {P_TEXT(email)};
    struct db_rows r;
    enum err rc;

    rc = db_one(db, a, sql_user_by_email, p, 1, &r, ei);
    if (rc)
        return rc;
    user_row(&r, 0, out);
    *account_id = db_text(&r, 0, 8);
    *password_hash = db_text(&r, 0, 9);
    return ERR_OK;
}

enum err
store_user_list(struct db *db, struct arena *a, const char *account_id,
                int64_t limit, const char *starting_after, struct user **out,
                size_t *count, bool *has_more, struct errinfo *ei)
{
    struct db_param p[3] = {
        P_TEXT(account_id),
        P_TEXT(starting_after != NULL ? starting_after : ""),
        P_I64(limit + 1),
    };
    struct db_rows r;
    struct user *us;
    enum err rc;

    ASSERT(account_id != NULL && account_id[0] != '\0');
    rc = db_exec(db, a, sql_user_list, p, 3, &r, ei);
    if (rc)
        return rc;
    *count = db_page(&r, limit, has_more);
    us = arena_array(a, *count + 1, sizeof(*us));
    if (us == NULL)
        return ERR_LIMIT;
    for (size_t i = 0; i < *count; i++)
        user_row(&r, i, &us[i]);
    *out = us;
    return ERR_OK;
}
