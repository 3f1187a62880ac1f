/*
 * message.h - the outbox: e-mails and text messages to patients, written
 * in the transaction of the change that sends them and delivered by a
 * background job with retries.
 *
 * A message exists exactly when its cause committed: app_message_enqueue
 * runs in the caller's transaction. When this process can deliver on the
 * message's channel (SMTP for e-mail, an SMS provider; see
 * app_messages_configure) the first delivery job is enqueued in the same
 * transaction; otherwise the message stays queued, with no next attempt,
 * for ever: an outbox demos and tests read through GET /v1/messages. A
 * message queued while unconfigured is never sent later (old demo mail
 * must not reach real inboxes when SMTP is set up afterwards).
 *
 * Delivery: each attempt is a job of kind MESSAGE_JOB_KIND with key
 * "message:<id>:<n>" (n = the attempt), run under the scheduler's lease:
 * two workers never attempt one message at once, and a worker whose lease
 * was taken over records nothing. The attempt is counted and committed
 * before anything is sent, the network call runs outside any transaction,
 * and the outcome is recorded under a second check of the lease. A failed
 * attempt schedules the next one (a new job) after app_job_backoff_ms;
 * after MESSAGE_ATTEMPTS_MAX attempts, or at once when the far side
 * refuses it for good (an SMTP 5xx reply, an SMS provider's 4xx), the
 * message is failed. Delivery is
 * at least once, not exactly once: a crash or lost answer after the far
 * side accepted the message but before we recorded it sends it again (see
 * gateway/sender.h for the headers that let the far side spot it).
 */
#ifndef POISE_APP_MESSAGE_H
#define POISE_APP_MESSAGE_H

#include "app/app.h"
#include "store/jobs.h"
#include "store/messages.h"

#define MESSAGE_JOB_KIND "message_send"
#define MESSAGE_ATTEMPTS_MAX 8
#define MESSAGE_SUBJECT_MAX 200
#define MESSAGE_BODY_MAX (64 * 1024)
#define MESSAGE_SMS_BODY_MAX 1600
#define MESSAGE_ATTACHMENT_NAME_MAX 100
/* Kept small: a delivery holds it about five times in the job's arena. */
#define MESSAGE_ATTACHMENT_BYTES_MAX (1u << 20)

enum message_channel {
    MESSAGE_EMAIL = 1,
    MESSAGE_SMS,
};

/* An attachment: borrowed for the call only (it is copied). */
struct message_attachment {
    const char *name;         /* "receipt-GLO-000123.pdf" */
    const char *content_type; /* "application/pdf" */
    const unsigned char *bytes;
    size_t len;
};

/*
 * Read the delivery settings from the environment (POISE_SMTP_URL,
 * POISE_SMTP_FROM, POISE_SMTP_USER, POISE_SMTP_PASSWORD, POISE_SMTP_TLS,
 * POISE_SMS_URL, POISE_SMS_TOKEN, POISE_MESSAGE_TIMEOUT_MS; see
 * docs/messages.md). Call once at start-up, before threads. ERR_INVALID
 * naming the variable when one is unusable.
 */
MUST_CHECK enum err app_messages_configure(struct errinfo *ei);

/*
 * Queue a message of ctx's account in ctx's open write transaction.
 * to is an e-mail address (MESSAGE_EMAIL) or a phone number (MESSAGE_SMS)
 * and is stored normalised; subject is required for e-mail (at most
 * MESSAGE_SUBJECT_MAX bytes, one line) and must be NULL or empty for SMS;
 * body is required (MESSAGE_BODY_MAX, or MESSAGE_SMS_BODY_MAX for SMS);
 * attachment may be NULL (e-mail only). source_type and source_id say
 * what caused it (may be NULL). *id is arena-owned ("msg_..."). Every
 * argument is borrowed. ERR_INVALID naming "to", "subject", "body" or
 * "attachment"; ERR_LIMIT; ERR_STORE.
 */
MUST_CHECK enum err
app_message_enqueue(struct app_ctx *ctx, enum message_channel channel,
                    const char *to, const char *subject, const char *body,
                    const struct message_attachment *attachment,
                    const char *source_type, const char *source_id,
                    const char **id, struct errinfo *ei);

/* Message id (without its attachment's bytes). ERR_NOT_FOUND. */
MUST_CHECK enum err app_message_get(struct app_ctx *ctx, const char *id,
                                    struct message *out, struct errinfo *ei);

/*
 * Newest first. f's members may be NULL; channel must be email or sms,
 * status queued, sent or failed (ERR_INVALID naming it); recipient is
 * normalised like app_message_enqueue's to when it parses as one.
 */
MUST_CHECK enum err app_message_list(struct app_ctx *ctx,
                                     const struct message_filter *f,
                                     const struct page *page,
                                     struct message **out, size_t *count,
                                     bool *has_more, struct errinfo *ei);

/*
 * The job handler's work: one delivery attempt of message job->subject,
 * in ctx's open write transaction, which job's lease fences. Commits
 * (the attempt is counted), sends outside any transaction, begins again
 * and records the outcome, checking the lease once more; returns with a
 * write transaction open. A failed send is not an error: it is recorded
 * on the message and the next attempt is enqueued (or the message is
 * failed). ERR_CONFLICT when the lease was lost meanwhile; ERR_STORE.
 */
MUST_CHECK enum err app_message_deliver(struct app_ctx *ctx,
                                        const struct job *job,
                                        struct errinfo *ei);

#endif
