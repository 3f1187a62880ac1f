/*
 * credentials.h - api_keys, sessions, login_failures, idempotency_keys.
 */
#ifndef POISE_STORE_CREDENTIALS_H
#define POISE_STORE_CREDENTIALS_H

#include "store/store.h"

struct key_row {
    const char *id;
    const char *name;
    const char *user_id;
    const char *secret_last4;
    int64_t created_at_ms;
    int64_t revoked_at_ms; /* 0 when active */
};

/* The caller of a credential: its user and the user's state. */
struct principal {
    const char *id; /* key or session id */
    const char *user_id;
    const char *role;
    bool user_disabled;
    int64_t last_seen_at_ms; /* sessions */
    int64_t ended_at_ms;     /* sessions: 0 when open; keys: revoked */
    const char *csrf_token;  /* sessions */
};

MUST_CHECK enum err store_api_key_insert(struct db *db, struct arena *a,
                                         const char *account_id,
                                         const struct key_row *k,
                                         const char *secret_hash,
                                         struct errinfo *ei);
/* The key with this hash and its user. ERR_NOT_FOUND when none. */
MUST_CHECK enum err store_api_key_auth(struct db *db, struct arena *a,
                                       const char *account_id,
                                       const char *secret_hash,
                                       struct principal *out,
                                       struct errinfo *ei);
MUST_CHECK enum err store_api_key_get(struct db *db, struct arena *a,
                                      const char *account_id, const char *id,
                                      struct key_row *out, struct errinfo *ei);
MUST_CHECK enum err store_api_key_revoke(struct db *db, struct arena *a,
                                         const char *account_id, const char *id,
                                         int64_t at_ms, struct errinfo *ei);
/* Newest first. */
MUST_CHECK enum err store_api_key_list(struct db *db, struct arena *a,
                                       const char *account_id, int64_t limit,
                                       const char *starting_after,
                                       struct key_row **out, size_t *count,
                                       bool *has_more, struct errinfo *ei);

MUST_CHECK enum err store_session_insert(struct db *db, struct arena *a,
                                         const char *account_id, const char *id,
                                         const char *user_id,
                                         const char *token_hash,
                                         const char *csrf_token, int64_t now_ms,
                                         struct errinfo *ei);
MUST_CHECK enum err store_session_auth(struct db *db, struct arena *a,
                                       const char *account_id,
                                       const char *token_hash,
                                       struct principal *out,
                                       struct errinfo *ei);
MUST_CHECK enum err store_session_touch(struct db *db, struct arena *a,
                                        const char *account_id, const char *id,
                                        int64_t now_ms, struct errinfo *ei);
MUST_CHECK enum err store_session_end(struct db *db, struct arena *a,
                                      const char *account_id, const char *id,
                                      int64_t now_ms, struct errinfo *ei);
/* End every open session of a user (disabled, role changed). */
MUST_CHECK enum err store_session_end_user(struct db *db, struct arena *a,
                                           const char *account_id,
                                           const char *user_id, int64_t now_ms,
                                           struct errinfo *ei);

MUST_CHECK enum err store_login_failure_add(struct db *db, struct arena *a,
                                            const char *email, int64_t now_ms,
                                            struct errinfo *ei);
/*
 * Failures for email at or after since_ms: *count and the oldest time
 * among the newest `window` of them (for Retry-After).
 */
MUST_CHECK enum err store_login_failure_count(struct db *db, struct arena *a,
                                              const char *email,
                                              int64_t since_ms, int64_t *count,
                                              int64_t *oldest_ms,
                                              struct errinfo *ei);
MUST_CHECK enum err store_login_failure_clear(struct db *db, struct arena *a,
                                              const char *email,
                                              int64_t before_ms,
                                              struct errinfo *ei);

MUST_CHECK enum err store_idem_get(struct db *db, struct arena *a,
                                   const char *account_id, const char *key,
                                   const char **request_hash, int *status,
                                   const char **body, int64_t *created_at_ms,
                                   struct errinfo *ei);
MUST_CHECK enum err store_idem_insert(struct db *db, struct arena *a,
                                      const char *account_id, const char *key,
                                      const char *request_hash, int status,
                                      const char *body, int64_t now_ms,
                                      struct errinfo *ei);
MUST_CHECK enum err store_idem_delete(struct db *db, struct arena *a,
                                      const char *account_id, const char *key,
                                      struct errinfo *ei);
/* Delete the account's keys created at or before before_ms. */
MUST_CHECK enum err store_idem_purge(struct db *db, struct arena *a,
                                     const char *account_id, int64_t before_ms,
                                     struct errinfo *ei);

#endif
