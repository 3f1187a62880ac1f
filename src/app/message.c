/*
 * message.c - the outbox: queue, read, and deliver one attempt (see
 * message.h for the lifecycle and the at-least-once argument).
 *
 * Never holds a transaction across a network call: the attempt is
 * committed first, so a crash mid-send shows as an attempt with no
 * outcome, and the job's lease keeps other workers off the message until
 * it ends. Never logs a recipient or a body.
 */
#include "app/message.h"

#include <stdlib.h>
#include <string.h>

#include "app/job.h"
#include "base/assert.h"
#include "base/crypto.h"
#include "base/log.h"
#include "base/str.h"
#include "core/contact.h"
#include "gateway/sender.h"

#define TIMEOUT_MS_MIN 100
#define TIMEOUT_MS_MAX 50000 /* well inside JOB_LEASE_MS_DEFAULT */

static const char *
env(const char *name)
{
    const char *v = getenv(name);

    return v != NULL && v[0] != '\0' ? v : NULL;
}

enum err
app_messages_configure(struct errinfo *ei)
{
    const char *timeout = env("POISE_MESSAGE_TIMEOUT_MS");
    struct sender_config c = {
        .smtp_url = env("POISE_SMTP_URL"),
        .smtp_from = env("POISE_SMTP_FROM"),
        .smtp_user = env("POISE_SMTP_USER"),
        .smtp_password = env("POISE_SMTP_PASSWORD"),
        .smtp_tls = env("POISE_SMTP_TLS"),
        .sms_url = env("POISE_SMS_URL"),
        .sms_token = env("POISE_SMS_TOKEN"),
    };
    int64_t ms;

    if (timeout != NULL) {
        if (str_to_i64(str_c(timeout), TIMEOUT_MS_MIN, TIMEOUT_MS_MAX, &ms))
            return errinfo_set(ei, ERR_INVALID, "parameter_invalid",
                               "POISE_MESSAGE_TIMEOUT_MS",
                               "POISE_MESSAGE_TIMEOUT_MS must be %d to %d",
                               TIMEOUT_MS_MIN, TIMEOUT_MS_MAX);
        c.timeout_ms = (int)ms;
    }
    if (c.smtp_url != NULL && c.smtp_from == NULL)
        log_warn("POISE_SMTP_URL is set without POISE_SMTP_FROM: e-mail "
                 "stays in the outbox");
    return sender_configure(&c, ei);
}

static const char *
channel_name(enum message_channel channel)
{
    switch (channel) {
    case MESSAGE_EMAIL:
        return "email";
    case MESSAGE_SMS:
        return "sms";
    default:
        ASSERT(!"unreachable");
    }
    return NULL;
}

static bool
channel_configured(const char *channel)
{
    return strcmp(channel, "email") == 0 ? sender_has_email()
                                         : sender_has_sms();
}

/* True when s has a byte below 0x20 (tab, line breaks and the like). */
static bool
has_control(const char *s)
{
    for (const unsigned char *p = (const unsigned char *)s; *p != '\0'; p++) {
        if (*p < 0x20 || *p == 0x7f)
            return true;
    }
    return false;
}

/* to normalised for channel into an arena copy. */
static enum err
check_to(struct app_ctx *ctx, enum message_channel channel, const char *to,
         const char **out, struct errinfo *ei)
{
    char norm[EMAIL_MAX + 1];
    enum err rc;

    if (to == NULL || to[0] == '\0')
        return errinfo_set(ei, ERR_INVALID, "parameter_missing", "to",
                           "say whom the message goes to");
    rc = channel == MESSAGE_EMAIL
             ? contact_email_normalize(to, norm, sizeof(norm), NULL)
             : contact_phone_normalize(to, norm, sizeof(norm), NULL);
    if (rc)
        return errinfo_set(ei, ERR_INVALID, "parameter_invalid", "to",
                           channel == MESSAGE_EMAIL
                               ? "to must be an e-mail address"
                               : "to must be a phone number");
    *out = arena_strdup(ctx->a, norm);
    return *out != NULL ? ERR_OK : ERR_LIMIT;
}

static enum err
check_text(enum message_channel channel, const char *subject, const char *body,
           struct errinfo *ei)
{
    size_t body_max = channel == MESSAGE_EMAIL ? MESSAGE_BODY_MAX
                                               : MESSAGE_SMS_BODY_MAX;
    bool has_subject = subject != NULL && subject[0] != '\0';

    if (channel == MESSAGE_EMAIL && !has_subject)
        return errinfo_set(ei, ERR_INVALID, "parameter_missing", "subject",
                           "an e-mail needs a subject");
    if (channel == MESSAGE_SMS && has_subject)
        return errinfo_set(ei, ERR_INVALID, "parameter_invalid", "subject",
                           "a text message has no subject");
    if (has_subject &&
        (strlen(subject) > MESSAGE_SUBJECT_MAX || has_control(subject)))
        return errinfo_set(ei, ERR_INVALID, "parameter_invalid", "subject",
                           "subject must be one line of at most %d bytes",
                           MESSAGE_SUBJECT_MAX);
    if (body == NULL || body[0] == '\0')
        return errinfo_set(ei, ERR_INVALID, "parameter_missing", "body",
                           "a message needs a body");
    if (strlen(body) > body_max)
        return errinfo_set(ei, ERR_INVALID, "parameter_invalid", "body",
                           "body must be at most %zu bytes", body_max);
    return ERR_OK;
}

static enum err
check_attachment(enum message_channel channel,
                 const struct message_attachment *at, struct errinfo *ei)
{
    size_t name_len;

    if (at == NULL)
        return ERR_OK;
    if (channel != MESSAGE_EMAIL)
        return errinfo_set(ei, ERR_INVALID, "parameter_invalid", "attachment",
                           "only an e-mail carries an attachment");
    name_len = at->name != NULL ? strlen(at->name) : 0;
    if (name_len == 0 || name_len > MESSAGE_ATTACHMENT_NAME_MAX ||
        has_control(at->name) || at->content_type == NULL ||
        at->content_type[0] == '\0' || has_control(at->content_type) ||
        strchr(at->content_type, ';') != NULL)
        return errinfo_set(ei, ERR_INVALID, "parameter_invalid", "attachment",
                           "an attachment needs a one-line name of at most "
                           "%d bytes and a content type",
                           MESSAGE_ATTACHMENT_NAME_MAX);
    if (at->bytes == NULL || at->len == 0 ||
        at->len > MESSAGE_ATTACHMENT_BYTES_MAX)
        return errinfo_set(ei, ERR_INVALID, "parameter_invalid", "attachment",
                           "an attachment must have 1 to %u bytes",
                           MESSAGE_ATTACHMENT_BYTES_MAX);
    return ERR_OK;
}

/* The job of attempt n of message id, due at run_at_ms. */
static enum err
enqueue_attempt(struct app_ctx *ctx, const char *id, int64_t n,
                int64_t run_at_ms, struct errinfo *ei)
{
    char *key = arena_printf(ctx->a, "message:%s:%lld", id, (long long)n);

    if (key == NULL)
        return ERR_LIMIT;
    return app_job_enqueue(ctx, key, MESSAGE_JOB_KIND, id, run_at_ms, NULL, ei);
}

static enum err
audit_enqueue(struct app_ctx *ctx, const struct message *m, struct errinfo *ei)
{
    json_t *sum = json_object();

    json_put(sum, "channel", json_string(m->channel));
    json_put(sum, "scheduled", json_boolean(m->next_attempt_at_ms > 0));
    json_put(sum, "source_type", json_str_or_null(m->source_type));
    json_put(sum, "source_id", json_str_or_null(m->source_id));
    return app_audit(ctx, "message.enqueue", "message", m->id, sum, ei);
}

enum err
app_message_enqueue(struct app_ctx *ctx, enum message_channel channel,
                    const char *to, const char *subject, const char *body,
                    const struct message_attachment *attachment,
                    const char *source_type, const char *source_id,
                    const char **id, struct errinfo *ei)
{
    struct message m = {.channel = channel_name(channel)};
    const char *b64 = NULL;
    enum err rc;

    ASSERT(db_in_tx(ctx->db));
    rc = check_to(ctx, channel, to, &m.recipient, ei);
    if (rc == ERR_OK)
        rc = check_text(channel, subject, body, ei);
    if (rc == ERR_OK)
        rc = check_attachment(channel, attachment, ei);
    if (rc)
        return rc;
    m.id = id_new(ctx->a, "msg", ctx->now_ms);
    if (attachment != NULL) {
        m.attachment_name = attachment->name;
        m.attachment_type = attachment->content_type;
        m.attachment_size = (int64_t)attachment->len;
        b64 = base64_encode(ctx->a, attachment->bytes, attachment->len);
    }
    if (m.id == NULL || (attachment != NULL && b64 == NULL))
        return ERR_LIMIT;
    m.subject = subject != NULL ? subject : "";
    m.body = body;
    m.source_type = source_type;
    m.source_id = source_id;
    m.created_by = ctx->user_id;
    m.created_at_ms = ctx->now_ms;
    /* Scheduled only where it can be delivered; else an outbox record. */
    m.next_attempt_at_ms = channel_configured(m.channel) ? ctx->now_ms : 0;
    rc = store_message_insert(ctx->db, ctx->a, ctx->account_id, &m, b64, ei);
    if (rc)
        return app_store_fail(rc, ei);
    if (m.next_attempt_at_ms > 0)
        rc = enqueue_attempt(ctx, m.id, 1, m.next_attempt_at_ms, ei);
    if (rc == ERR_OK)
        rc = audit_enqueue(ctx, &m, ei);
    if (rc == ERR_OK)
        *id = m.id;
    return rc;
}

enum err
app_message_get(struct app_ctx *ctx, const char *id, struct message *out,
                struct errinfo *ei)
{
    enum err rc = store_message_get(ctx->db, ctx->a, ctx->account_id, id, out,
                                    ei);

    if (rc == ERR_NOT_FOUND)
        return app_not_found(ei, "message", id, "id");
    return rc ? app_store_fail(rc, ei) : ERR_OK;
}

static bool
is_one_of(const char *s, const char *a, const char *b, const char *c)
{
    return strcmp(s, a) == 0 || strcmp(s, b) == 0 ||
           (c != NULL && strcmp(s, c) == 0);
}

enum err
app_message_list(struct app_ctx *ctx, const struct message_filter *f,
                 const struct page *page, struct message **out, size_t *count,
                 bool *has_more, struct errinfo *ei)
{
    struct message_filter q = *f;
    const char *to = NULL;
    enum err rc;

    if (f->channel != NULL && !is_one_of(f->channel, "email", "sms", NULL))
        return errinfo_set(ei, ERR_INVALID, "parameter_invalid", "channel",
                           "channel must be email or sms");
    if (f->status != NULL && !is_one_of(f->status, "queued", "sent", "failed"))
        return errinfo_set(ei, ERR_INVALID, "parameter_invalid", "status",
                           "status must be queued, sent or failed");
    /* Match the stored form; what does not parse is matched as given. */
    if (f->recipient != NULL &&
        check_to(ctx,
                 strchr(f->recipient, '@') != NULL ? MESSAGE_EMAIL
                                                   : MESSAGE_SMS,
                 f->recipient, &to, NULL) == ERR_OK)
        q.recipient = to;
    rc = store_message_list(ctx->db, ctx->a, ctx->account_id, &q, page->limit,
                            page->starting_after, out, count, has_more, ei);
    return rc ? app_store_fail(rc, ei) : ERR_OK;
}

/* ---- delivery ---- */

/* The e-mail of m, its attachment decoded from the store. */
static enum err
email_of(struct app_ctx *ctx, const struct message *m, struct sender_email *e,
         struct errinfo *ei)
{
    const char *b64 = NULL;
    unsigned char *bytes = NULL;
    size_t len = 0;
    enum err rc;

    memset(e, 0, sizeof(*e));
    e->id = m->id;
    e->to = m->recipient;
    e->subject = m->subject;
    e->body = m->body;
    e->date_ms = ctx->now_ms;
    if (m->attachment_name == NULL)
        return ERR_OK;
    rc = store_message_attachment(ctx->db, ctx->a, ctx->account_id, m->id, &b64,
                                  ei);
    if (rc)
        return app_store_fail(rc, ei);
    ASSERT(b64 != NULL);
    rc = base64_decode(ctx->a, b64, &bytes, &len);
    ASSERT(rc != ERR_INVALID); /* we wrote it */
    if (rc)
        return rc;
    ASSERT((int64_t)len == m->attachment_size);
    e->attachment_name = m->attachment_name;
    e->attachment_type = m->attachment_type;
    e->attachment = bytes;
    e->attachment_len = len;
    return ERR_OK;
}

/* One attempt over the network; *why gets the failure, if any. */
static void
send_one(struct app_ctx *ctx, const struct message *m,
         const struct sender_email *e, struct errinfo *why)
{
    enum err rc;

    errinfo_clear(why);
    if (strcmp(m->channel, "email") == 0)
        rc = sender_email_send(ctx->a, e, why);
    else
        rc = sender_sms_send(ctx->a, m->id, m->recipient, m->body, why);
    if (rc != ERR_OK && why->message[0] == '\0')
        (void)errinfo_set(why, rc, "send_failed", NULL, "send failed: %s",
                          err_name(rc));
    if (rc == ERR_OK)
        why->message[0] = '\0';
}

/*
 * Record the attempt's outcome on m (attempt m->attempts): sent; or
 * failed for good, after MESSAGE_ATTEMPTS_MAX or when the far side
 * refused it for good; or queued for the next attempt, whose job is
 * enqueued.
 */
static enum err
record_outcome(struct app_ctx *ctx, const struct job *job, struct message *m,
               const struct errinfo *why, struct errinfo *ei)
{
    bool sent = why->message[0] == '\0';
    bool refused = strcmp(why->code, "email_rejected") == 0 ||
                   strcmp(why->code, "sms_rejected") == 0;
    bool give_up = !sent && (refused || m->attempts >= MESSAGE_ATTEMPTS_MAX);
    enum err rc;

    m->status = sent ? "sent" : give_up ? "failed" : "queued";
    m->sent_at_ms = sent ? ctx->now_ms : 0;
    m->last_error = sent ? NULL : why->message;
    m->next_attempt_at_ms = sent || give_up
                                ? 0
                                : ctx->now_ms + app_job_backoff_ms(
                                                    job->key, (int)m->attempts);
    m->updated_at_ms = ctx->now_ms;
    rc = store_message_outcome(ctx->db, ctx->a, ctx->account_id, m, ei);
    if (rc)
        return app_store_fail(rc, ei);
    if (!sent)
        log_warn("message %s attempt %lld failed%s: %s", m->id,
                 (long long)m->attempts, give_up ? " for good" : "",
                 why->message);
    if (m->next_attempt_at_ms > 0)
        rc = enqueue_attempt(ctx, m->id, m->attempts + 1, m->next_attempt_at_ms,
                             ei);
    return rc;
}

/* The queued message of job, counted as attempted; *none if not queued. */
static enum err
start_attempt(struct app_ctx *ctx, const struct job *job, struct message *m,
              bool *none, struct errinfo *ei)
{
    enum err rc = store_message_get(ctx->db, ctx->a, ctx->account_id,
                                    job->subject, m, ei);

    *none = rc == ERR_NOT_FOUND ||
            (rc == ERR_OK && strcmp(m->status, "queued") != 0);
    if (rc == ERR_NOT_FOUND || *none)
        return ERR_OK;
    if (rc)
        return app_store_fail(rc, ei);
    m->attempts++;
    rc = store_message_attempt(ctx->db, ctx->a, ctx->account_id, m->id,
                               m->attempts, ctx->now_ms, ei);
    return rc ? app_store_fail(rc, ei) : ERR_OK;
}

enum err
app_message_deliver(struct app_ctx *ctx, const struct job *job,
                    struct errinfo *ei)
{
    struct message m;
    struct sender_email e;
    struct errinfo why;
    bool none = false;
    enum err rc;

    ASSERT(db_in_tx(ctx->db));
    ASSERT(strcmp(job->kind, MESSAGE_JOB_KIND) == 0);
    ASSERT(job->lease_owner != NULL);
    rc = start_attempt(ctx, job, &m, &none, ei);
    if (rc || none)
        return rc; /* a sent or failed message is not sent again */
    rc = email_of(ctx, &m, &e, ei);
    if (rc == ERR_OK)
        rc = app_tx_commit(ctx);
    if (rc)
        return rc == ERR_STORE ? app_store_fail(rc, ei) : rc;
    send_one(ctx, &m, &e, &why);
    rc = app_tx_begin(ctx, true);
    if (rc == ERR_OK)
        rc = store_jobs_fence(ctx->db, ctx->a, job->account_id, job->id,
                              job->lease_owner, ctx->now_ms, ei);
    if (rc == ERR_CONFLICT)
        return errinfo_set(ei, ERR_CONFLICT, "lease_lost", NULL,
                           "the job's lease was taken over while sending");
    if (rc)
        return app_store_fail(rc, ei);
    return record_outcome(ctx, job, &m, &why, ei);
}
