/*
 * messages.c - the messages table (see messages.h).
 */
#include "store/messages.h"

#include "base/assert.h"

#define NEED_ACCOUNT(id) ASSERT((id) != NULL && (id)[0] != '\0')

/* Everything but the attachment's bytes. */
#define MESSAGE_COLS                                                           \
    "id, channel, recipient, subject, body, attachment_name, "                 \
    "attachment_type, attachment_size, source_type, source_id, status, "       \
    "attempts, next_attempt_at_ms, last_error, sent_at_ms, created_by, "       \
    "created_at_ms, updated_at_ms"

static const char sql_insert[] =
    "INSERT INTO messages (account_id, " MESSAGE_COLS
    ", attachment_base64) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, "
    "$11, 'queued', 0, $12, NULL, NULL, $13, $14, $14, $15)";
static const char sql_get[] = "SELECT " MESSAGE_COLS " FROM messages WHERE "
                              "account_id = $1 AND id = $2";
static const char sql_attachment[] =
    "SELECT attachment_base64 FROM messages WHERE account_id = $1 AND id = $2";
static const char sql_list[] =
    "SELECT " MESSAGE_COLS " FROM messages WHERE account_id = $1 AND "
    "($2 = '' OR channel = $2) AND ($3 = '' OR recipient = $3) AND "
    "($4 = '' OR status = $4) AND ($5 = '' OR source_id = $5) AND "
    "($6 = '' OR id < $6) ORDER BY id DESC LIMIT $7";
static const char sql_attempt[] =
    "UPDATE messages SET attempts = $3, updated_at_ms = $4 WHERE "
    "account_id = $1 AND id = $2 AND status = 'queued' RETURNING id";
static const char sql_outcome[] =
    "UPDATE messages SET status = $3, next_attempt_at_ms = $4, "
    "last_error = $5, sent_at_ms = $6, updated_at_ms = $7 WHERE "
    "account_id = $1 AND id = $2 AND status = 'queued' RETURNING id";

static void
message_row(const struct db_rows *r, size_t i, void *out)
{
    struct message *m = out;

    m->id = db_text(r, i, 0);
    m->channel = db_text(r, i, 1);
    m->recipient = db_text(r, i, 2);
    m->subject = db_text(r, i, 3);
    m->body = db_text(r, i, 4);
    m->attachment_name = db_text(r, i, 5);
    m->attachment_type = db_text(r, i, 6);
    m->attachment_size = db_i64(r, i, 7);
    m->source_type = db_text(r, i, 8);
    m->source_id = db_text(r, i, 9);
    m->status = db_text(r, i, 10);
    m->attempts = db_i64(r, i, 11);
    m->next_attempt_at_ms = db_i64(r, i, 12);
    m->last_error = db_text(r, i, 13);
    m->sent_at_ms = db_i64(r, i, 14);
    m->created_by = db_text(r, i, 15);
    m->created_at_ms = db_i64(r, i, 16);
    m->updated_at_ms = db_i64(r, i, 17);
}

/* An optional time: 0 binds NULL. */
static struct db_param
p_time(int64_t at_ms)
{
    return at_ms > 0 ? P_I64(at_ms) : P_NULL;
}

enum err
store_message_insert(struct db *db, struct arena *a, const char *account_id,
                     const struct message *m, const char *attachment_base64,
                     struct errinfo *ei)
{
    bool has = m->attachment_name != NULL;
    struct db_param p[15] = {
        P_TEXT(account_id),
        P_TEXT(m->id),
        P_TEXT(m->channel),
        P_TEXT(m->recipient),
        P_TEXT(m->subject),
        P_TEXT(m->body),
        P_TEXT(m->attachment_name),
        P_TEXT(has ? m->attachment_type : NULL),
        has ? P_I64(m->attachment_size) : P_NULL,
        P_TEXT(m->source_type),
        P_TEXT(m->source_id),
        p_time(m->next_attempt_at_ms),
        P_TEXT(m->created_by),
        P_I64(m->created_at_ms),
        P_TEXT(has ? attachment_base64 : NULL),
    };

    NEED_ACCOUNT(account_id);
    ASSERT(has == (attachment_base64 != NULL));
    return db_exec(db, a, sql_insert, p, 15, NULL, ei);
}

enum err
store_message_get(struct db *db, struct arena *a, const char *account_id,
                  const char *id, struct message *out, struct errinfo *ei)
{
    struct db_param p[2] = {P_TEXT(account_id), P_TEXT(id)};

    NEED_ACCOUNT(account_id);
    return db_one_as(db, a, sql_get, p, 2, message_row, out, ei);
}

enum err
store_message_attachment(struct db *db, struct arena *a, const char *account_id,
                         const char *id, const char **out, struct errinfo *ei)
{
    struct db_param p[2] = {P_TEXT(account_id), P_TEXT(id)};
    struct db_rows r;
    enum err rc;

    NEED_ACCOUNT(account_id);
    rc = db_one(db, a, sql_attachment, p, 2, &r, ei);
    if (rc == ERR_OK)
        *out = db_text(&r, 0, 0);
    return rc;
}

enum err
store_message_list(struct db *db, struct arena *a, const char *account_id,
                   const struct message_filter *f, int64_t limit,
                   const char *starting_after, struct message **out,
                   size_t *count, bool *has_more, struct errinfo *ei)
{
    struct db_param p[7] = {
        P_TEXT(account_id),
        P_TEXT(f->channel != NULL ? f->channel : ""),
        P_TEXT(f->recipient != NULL ? f->recipient : ""),
        P_TEXT(f->status != NULL ? f->status : ""),
        P_TEXT(f->source_id != NULL ? f->source_id : ""),
        P_TEXT(starting_after != NULL ? starting_after : ""),
        P_I64(limit + 1),
    };

    NEED_ACCOUNT(account_id);
    ASSERT(limit > 0);
    return db_list_as(db, a, sql_list, p, 7, message_row, sizeof(**out), limit,
                      (void **)out, count, has_more, ei);
}

enum err
store_message_attempt(struct db *db, struct arena *a, const char *account_id,
                      const char *id, int64_t attempts, int64_t now_ms,
                      struct errinfo *ei)
{
    struct db_param p[4] = {P_TEXT(account_id), P_TEXT(id), P_I64(attempts),
                            P_I64(now_ms)};
    struct db_rows r;

    NEED_ACCOUNT(account_id);
    ASSERT(attempts >= 1);
    return db_one(db, a, sql_attempt, p, 4, &r, ei);
}

enum err
store_message_outcome(struct db *db, struct arena *a, const char *account_id,
                      const struct message *m, struct errinfo *ei)
{
    struct db_param p[7] = {
        P_TEXT(account_id),      P_TEXT(m->id),
        P_TEXT(m->status),       p_time(m->next_attempt_at_ms),
        P_TEXT(m->last_error),   p_time(m->sent_at_ms),
        P_I64(m->updated_at_ms),
    };
    struct db_rows r;

    NEED_ACCOUNT(account_id);
    return db_one(db, a, sql_outcome, p, 7, &r, ei);
}
