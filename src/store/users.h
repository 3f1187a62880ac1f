/*
 * users.h - the users and accounts tables.
 */
#ifndef POISE_STORE_USERS_H
#define POISE_STORE_USERS_H

#include "core/user.h"
#include "store/store.h"

struct account {
    const char *id;
    const char *name;
    const char *currency;
    const char *head_admin_id;
    int64_t created_at_ms;
    int64_t updated_at_ms;
};

MUST_CHECK enum err store_account_insert(struct db *db, struct arena *a,
                                         const struct account *acct,
                                         struct errinfo *ei);
MUST_CHECK enum err store_account_get(struct db *db, struct arena *a,
                                      const char *account_id,
                                      struct account *out, struct errinfo *ei);
/* Write name, currency, head_admin_id and updated_at_ms. */
MUST_CHECK enum err store_account_update(struct db *db, struct arena *a,
                                         const struct account *acct,
                                         struct errinfo *ei);

/*
 * Insert u with password_hash (may be NULL: cannot sign in yet).
 * ERR_CONFLICT with param "email" when the e-mail is taken.
 */
MUST_CHECK enum err store_user_insert(struct db *db, struct arena *a,
                                      const char *account_id,
                                      const struct user *u,
                                      const char *password_hash,
                                      struct errinfo *ei);

/* Write name, role, disabled, updated_at_ms (and the hash if not NULL). */
MUST_CHECK enum err store_user_update(struct db *db, struct arena *a,
                                      const char *account_id,
                                      const struct user *u,
                                      const char *password_hash,
                                      struct errinfo *ei);

/* ERR_NOT_FOUND when absent. */
MUST_CHECK enum err store_user_get(struct db *db, struct arena *a,
                                   const char *account_id, const char *id,
                                   struct user *out, struct errinfo *ei);

/*
 * The user signing in with email, in any account: the one lookup not
 * keyed by account (e-mails are unique across accounts). Fills *account_id
 * and *password_hash (NULL if none). ERR_NOT_FOUND when absent.
 */
MUST_CHECK enum err
store_user_by_email(struct db *db, struct arena *a, const char *email,
                    const char **account_id, struct user *out,
                    const char **password_hash, struct errinfo *ei);

/* Oldest first, paged by id. */
MUST_CHECK enum err store_user_list(struct db *db, struct arena *a,
                                    const char *account_id, int64_t limit,
                                    const char *starting_after,
                                    struct user **out, size_t *count,
                                    bool *has_more, struct errinfo *ei);

#endif
