/*
 * audit.h - the audit_events table and its hash chain.
 */
#ifndef POISE_STORE_AUDIT_H
#define POISE_STORE_AUDIT_H

#include "store/store.h"

struct audit_event {
    int64_t seq;
    const char *id;
    const char *actor_type; /* system, user, api_key */
    const char *actor_id;
    const char *action; /* "patient.create" */
    const char *object_type;
    const char *object_id;
    const char *summary; /* JSON object text */
    const char *request_id;
    int64_t created_at_ms;
    const char *prev_hash;
    const char *hash;
};

/*
 * The hash of ev chained to prev_hash, over every field but the hash
 * itself; out has SHA256_HEX_LEN + 1 bytes.
 */
void audit_hash(const char *account_id, const struct audit_event *ev,
                const char *prev_hash, char *out);

/*
 * Append ev to the account's chain: advances the head on the account row,
 * computes prev_hash and hash, inserts. Fills ev->seq, prev_hash, hash
 * (arena-owned). Must run inside a write transaction.
 */
MUST_CHECK enum err store_audit_append(struct db *db, struct arena *a,
                                       const char *account_id,
                                       struct audit_event *ev,
                                       struct errinfo *ei);

/*
 * A page of events, newest first, optionally filtered by object_type,
 * object_id, action (NULL: any). *out is arena-owned.
 */
MUST_CHECK enum err store_audit_list(struct db *db, struct arena *a,
                                     const char *account_id,
                                     const char *object_type,
                                     const char *object_id, const char *action,
                                     int64_t limit, const char *starting_after,
                                     struct audit_event **out, size_t *count,
                                     bool *has_more, struct errinfo *ei);

/*
 * Verify every account's chain; calls report(ctx, line) for each break.
 * *broken_out counts breaks.
 */
MUST_CHECK enum err store_audit_verify(struct db *db, struct arena *a,
                                       void (*report)(void *, const char *),
                                       void *report_ctx, int *broken_out,
                                       struct errinfo *ei);

#endif
