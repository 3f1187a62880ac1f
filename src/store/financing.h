/*
 * financing.h - the financing_connections table: which account at a
 * financing connector (Cherry, Klarna) a practice connected.
 *
 * Every function takes the account id first and filters on it. Strings
 * in out structs are arena-owned. The financing sandbox's own tables are
 * not here: only src/financing/sandbox.c reaches them.
 */
#ifndef POISE_STORE_FINANCING_H
#define POISE_STORE_FINANCING_H

#include <stdbool.h>
#include <stdint.h>

#include "store/store.h"

struct financing_connection {
    const char *id;
    const char *provider; /* "cherry" | "klarna" */
    const char *mode;     /* "sandbox" */
    const char *merchant_id;
    const char *merchant_name;
    const char *status;       /* "connected" | "disconnected" */
    const char *connected_by; /* user id, or NULL */
    int64_t connected_at_ms;
    const char *disconnected_by; /* NULL while connected */
    int64_t disconnected_at_ms;  /* 0 while connected */
    int64_t created_at_ms;
    int64_t updated_at_ms;
};

/*
 * Insert c (status "connected"). ERR_CONFLICT when the account has a
 * connected connection of c->provider already.
 */
MUST_CHECK enum err store_financing_connection_insert(
    struct db *db, struct arena *a, const char *account_id,
    const struct financing_connection *c, struct errinfo *ei);

/* ERR_NOT_FOUND when the account has no connection id. */
MUST_CHECK enum err store_financing_connection_get(
    struct db *db, struct arena *a, const char *account_id, const char *id,
    struct financing_connection *out, struct errinfo *ei);

/* The connected connection of provider; ERR_NOT_FOUND when none. */
MUST_CHECK enum err store_financing_connection_current(
    struct db *db, struct arena *a, const char *account_id,
    const char *provider, struct financing_connection *out, struct errinfo *ei);

/*
 * Mark connection id disconnected by user (may be NULL) at at_ms.
 * ERR_NOT_FOUND when it is not a connected connection of the account.
 */
MUST_CHECK enum err store_financing_connection_disconnect(
    struct db *db, struct arena *a, const char *account_id, const char *id,
    const char *user, int64_t at_ms, struct errinfo *ei);

/*
 * Newest first, after the connection starting_after (NULL: from the
 * newest), at most limit (1..100); *out arena-owned.
 */
MUST_CHECK enum err store_financing_connection_list(
    struct db *db, struct arena *a, const char *account_id, int64_t limit,
    const char *starting_after, struct financing_connection **out,
    size_t *count, bool *has_more, struct errinfo *ei);

#endif
