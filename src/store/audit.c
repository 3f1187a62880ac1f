/*
 * audit.c - audit_events: append with hash chain, list, verify.
 */
#include "store/audit.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "base/assert.h"
#include "base/crypto.h"

#define AUDIT_COLS                                                             \
    "seq, id, actor_type, actor_id, action, object_type, object_id, "          \
    "summary, request_id, created_at_ms, prev_hash, hash"

static const char sql_head_advance[] =
    "UPDATE accounts SET audit_seq = audit_seq + 1 WHERE account_id = $1 "
    "RETURNING audit_seq, audit_head";
static const char sql_head_set[] =
    "UPDATE accounts SET audit_head = $2 WHERE account_id = $1";
static const char sql_insert[] =
    "INSERT INTO audit_events (account_id, " AUDIT_COLS ") VALUES "
    "($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)";
static const char sql_list[] =
    "SELECT " AUDIT_COLS " FROM audit_events WHERE account_id = $1"
    " AND (CAST($2 AS TEXT) IS NULL OR object_type = CAST($2 AS TEXT))"
    " AND (CAST($3 AS TEXT) IS NULL OR object_id = CAST($3 AS TEXT))"
    " AND (CAST($4 AS TEXT) IS NULL OR action = CAST($4 AS TEXT))"
    " AND (CAST($5 AS TEXT) IS NULL OR seq < (SELECT s.seq FROM audit_events"
    " s WHERE s.account_id = $1 AND s.id = CAST($5 AS TEXT)))"
    " ORDER BY seq DESC LIMIT $6";
static const char sql_accounts[] =
    "SELECT account_id, audit_seq, audit_head FROM accounts "
    "WHERE account_id > $1 ORDER BY account_id LIMIT 100";
static const char sql_chain_page[] = "SELECT " AUDIT_COLS
                                     " FROM audit_events WHERE account_id = $1 "
                                     "AND seq > $2 ORDER BY seq LIMIT 1000";

void
audit_hash(const char *account_id, const struct audit_event *ev,
           const char *prev_hash, char *out)
{
    char seq[24];
    char at[24];
    struct str parts[12];

    snprintf(seq, sizeof(seq), "%" PRId64, ev->seq);
    snprintf(at, sizeof(at), "%" PRId64, ev->created_at_ms);
    parts[0] = str_c(account_id);
    parts[1] = str_c(seq);
    parts[2] = str_c(ev->id);
    parts[3] = str_c(ev->actor_type);
    parts[4] = str_c(ev->actor_id);
    parts[5] = str_c(ev->action);
    parts[6] = str_c(ev->object_type);
    parts[7] = str_c(ev->object_id);
    parts[8] = str_c(ev->summary);
    parts[9] = str_c(ev->request_id);
    parts[10] = str_c(at);
    parts[11] = str_c(prev_hash);
    sha256_hex_parts(parts, 12, out);
}

/* Insert ev with its chain fields already computed. */
static enum err
insert_event(struct db *db, struct arena *a, const char *account_id,
             const struct audit_event *ev, struct errinfo *ei)
{
    struct db_param p[13] = {
        P_TEXT(account_id),       P_I64(ev->seq),
        P_TEXT(ev->id),           P_TEXT(ev->actor_type),
        P_TEXT(ev->actor_id),     P_TEXT(ev->action),
        P_TEXT(ev->object_type),  P_TEXT(ev->object_id),
        P_TEXT(ev->summary),      P_TEXT(ev->request_id),
        P_I64(ev->created_at_ms), P_TEXT(ev->prev_hash),
        P_TEXT(ev->hash),
    };

    return db_exec(db, a, sql_insert, p, 13, NULL, ei);
}

enum err
store_audit_append(struct db *db, struct arena *a, const char *account_id,
                   struct audit_event *ev, struct errinfo *ei)
{
    struct db_param p[2] = {P_TEXT(account_id), P_NULL};
    struct db_rows rows;
    char *hash;
    enum err rc;

    ASSERT(account_id != NULL && account_id[0] != '\0');
    rc = db_exec(db, a, sql_head_advance, p, 1, &rows, ei);
    if (rc)
        return rc;
    ASSERT(rows.nrows == 1);
    ev->seq = db_i64(&rows, 0, 0);
    ev->prev_hash = db_text(&rows, 0, 1);
    hash = arena_alloc(a, SHA256_HEX_LEN + 1);
    if (hash == NULL)
        return ERR_LIMIT;
    audit_hash(account_id, ev, ev->prev_hash, hash);
    ev->hash = hash;
    rc = insert_event(db, a, account_id, ev, ei);
    if (rc)
        return rc;
    p[1] = P_TEXT(hash);
    return db_exec(db, a, sql_head_set, p, 2, NULL, ei);
}

static void
row_to_event(const struct db_rows *r, size_t i, struct audit_event *ev)
{
    ev->seq = db_i64(r, i, 0);
    ev->id = db_text(r, i, 1);
    ev->actor_type = db_text(r, i, 2);
    ev->actor_id = db_text(r, i, 3);
    ev->action = db_text(r, i, 4);
    ev->object_type = db_text(r, i, 5);
    ev->object_id = db_text(r, i, 6);
    ev->summary = db_text(r, i, 7);
    ev->request_id = db_text(r, i, 8);
    ev->created_at_ms = db_i64(r, i, 9);
    ev->prev_hash = db_text(r, i, 10);
    ev->hash = db_text(r, i, 11);
}

enum err
store_audit_list(struct db *db, struct arena *a, const char *account_id,
                 const char *object_type, const char *object_id,
                 const char *action, int64_t limit, const char *starting_after,
                 struct audit_event **out, size_t *count, bool *has_more,
                 struct errinfo *ei)
{
    struct db_param p[6] = {P_TEXT(account_id),     P_TEXT(object_type),
                            P_TEXT(object_id),      P_TEXT(action),
                            P_TEXT(starting_after), P_I64(limit + 1)};
    struct db_rows rows;
    struct audit_event *evs;
    enum err rc;

    ASSERT(account_id != NULL && account_id[0] != '\0');
    rc = db_exec(db, a, sql_list, p, 6, &rows, ei);
    if (rc)
        return rc;
    *count = db_page(&rows, limit, has_more);
    evs = arena_array(a, *count + 1, sizeof(*evs));
    if (evs == NULL)
        return ERR_LIMIT;
    for (size_t i = 0; i < *count; i++)
        row_to_event(&rows, i, &evs[i]);
    *out = evs;
    return ERR_OK;
}

/* Verify one account's chain from seq 1 to its head. */
static enum err
verify_account(struct db *db, struct arena *a, const char *account_id,
               int64_t head_seq, const char *head_hash,
               void (*report)(void *, const char *), void *rctx, int *broken)
{
    char prev[SHA256_HEX_LEN + 1] = "";
    char want[SHA256_HEX_LEN + 1];
    int64_t seq = 0;
    char line[256];

    for (;;) {
        struct db_param p[2] = {P_TEXT(account_id), P_I64(seq)};
        struct db_rows rows;
        enum err rc = db_exec(db, a, sql_chain_page, p, 2, &rows, NULL);

        if (rc)
            return rc;
        for (size_t i = 0; i < rows.nrows; i++) {
            struct audit_event ev;

            row_to_event(&rows, i, &ev);
            audit_hash(account_id, &ev, prev, want);
            if (ev.seq != seq + 1 || strcmp(ev.prev_hash, prev) != 0 ||
                strcmp(ev.hash, want) != 0) {
                snprintf(line, sizeof(line),
                         "audit chain of %s broken at seq %" PRId64
                         " (event %s)",
                         account_id, ev.seq, ev.id);
                report(rctx, line);
                (*broken)++;
                return ERR_OK;
            }
            seq = ev.seq;
            memcpy(prev, ev.hash, sizeof(prev));
        }
        if (rows.nrows < 1000)
            break;
    }
    if (seq != head_seq || strcmp(prev, head_hash) != 0) {
        snprintf(line, sizeof(line),
                 "audit chain of %s ends at seq %" PRId64
                 " but the account head says %" PRId64,
                 account_id, seq, head_seq);
        report(rctx, line);
        (*broken)++;
    }
    return ERR_OK;
}

enum err
store_audit_verify(struct db *db, struct arena *a,
                   void (*report)(void *, const char *), void *report_ctx,
                   int *broken_out, struct errinfo *ei)
{
    const char *after = "";
    int broken = 0;

    for (;;) {
        struct db_param p[1] = {P_TEXT(after)};
        struct db_rows rows;
        enum err rc = db_exec(db, a, sql_accounts, p, 1, &rows, ei);

        if (rc)
            return rc;
        for (size_t i = 0; i < rows.nrows; i++) {
            rc = verify_account(db, a, db_text(&rows, i, 0),
                                db_i64(&rows, i, 1), db_text(&rows, i, 2),
                                report, report_ctx, &broken);
            if (rc)
                return rc;
        }
        if (rows.nrows < 100)
            break;
        after = db_text(&rows, rows.nrows - 1, 0);
    }
    *broken_out = broken;
    return ERR_OK;
}
