/*
 * messages.h - the outbox: e-mails and text messages waiting to be sent,
 * sent, or given up on. Rows and columns are those of migration 0009.
 *
 * Reads of one message or of a page never carry the attachment's bytes
 * (a PDF may be large); store_message_attachment reads them for sending.
 * Every write after the insert is conditional on status 'queued', so a
 * sent or failed message never changes again.
 */
#ifndef POISE_STORE_MESSAGES_H
#define POISE_STORE_MESSAGES_H

#include <stdbool.h>
#include <stdint.h>

#include "store/store.h"

struct message {
    const char *id;
    const char *channel;   /* "email" | "sms" */
    const char *recipient; /* e-mail lower-cased, or E.164 phone */
    const char *subject;   /* "" for sms */
    const char *body;
    const char *attachment_name; /* NULL: no attachment */
    const char *attachment_type; /* "application/pdf" */
    int64_t attachment_size;     /* bytes, before base64 */
    const char *source_type;     /* may be NULL */
    const char *source_id;       /* may be NULL */
    const char *status;          /* "queued" | "sent" | "failed" */
    int64_t attempts;            /* deliveries tried */
    int64_t next_attempt_at_ms;  /* 0: none scheduled */
    const char *last_error;      /* may be NULL */
    int64_t sent_at_ms;          /* 0 until sent */
    const char *created_by;      /* may be NULL (the system) */
    int64_t created_at_ms;
    int64_t updated_at_ms;
};

struct message_filter {
    const char *channel; /* NULL: any */
    const char *recipient;
    const char *status;
    const char *source_id;
};

/*
 * Insert m (status queued) with its attachment, base64-encoded in
 * attachment_base64 (NULL exactly when m->attachment_name is NULL).
 */
MUST_CHECK enum err store_message_insert(struct db *db, struct arena *a,
                                         const char *account_id,
                                         const struct message *m,
                                         const char *attachment_base64,
                                         struct errinfo *ei);

/* Message id without its attachment's bytes. ERR_NOT_FOUND when none. */
MUST_CHECK enum err store_message_get(struct db *db, struct arena *a,
                                      const char *account_id, const char *id,
                                      struct message *out, struct errinfo *ei);

/* The attachment of id, base64; *out NULL when it has none. */
MUST_CHECK enum err store_message_attachment(struct db *db, struct arena *a,
                                             const char *account_id,
                                             const char *id, const char **out,
                                             struct errinfo *ei);

/* Newest first; f's members may be NULL. *out arena-owned. */
MUST_CHECK enum err
store_message_list(struct db *db, struct arena *a, const char *account_id,
                   const struct message_filter *f, int64_t limit,
                   const char *starting_after, struct message **out,
                   size_t *count, bool *has_more, struct errinfo *ei);

/*
 * Count a delivery attempt of queued message id: attempts = attempts,
 * updated at now_ms. ERR_NOT_FOUND when it is not queued.
 */
MUST_CHECK enum err store_message_attempt(struct db *db, struct arena *a,
                                          const char *account_id,
                                          const char *id, int64_t attempts,
                                          int64_t now_ms, struct errinfo *ei);

/*
 * Record the outcome of an attempt on queued message m->id: status,
 * next_attempt_at_ms (0: NULL), last_error, sent_at_ms (0: NULL) and
 * updated_at_ms. ERR_NOT_FOUND when it is not queued.
 */
MUST_CHECK enum err store_message_outcome(struct db *db, struct arena *a,
                                          const char *account_id,
                                          const struct message *m,
                                          struct errinfo *ei);

#endif
