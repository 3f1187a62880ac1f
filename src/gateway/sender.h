/*
 * sender.h - delivering one outbox message: e-mail over SMTP (libcurl)
 * and text messages to an SMS provider over HTTP (POST JSON {to, body}
 * with a bearer token; any 2xx answer means accepted).
 *
 * A call is one delivery attempt: it never retries and never sleeps; the
 * outbox (app/message.c) owns retries and their backoff. Each call has a
 * hard time limit (sender_config.timeout_ms), well inside a job's lease,
 * so a worker never sends while another one takes the job over.
 *
 * Delivery is at least once: an SMTP server may accept a message and the
 * connection drop before we read its answer, and a retry then sends it
 * again. To let the far side spot such a duplicate, every attempt of one
 * message carries the same Message-ID header (e-mail) or Idempotency-Key
 * header (SMS).
 *
 * Never logs a message's body or recipient, nor the SMTP password or the
 * SMS token.
 */
#ifndef POISE_GATEWAY_SENDER_H
#define POISE_GATEWAY_SENDER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/arena.h"
#include "base/err.h"
#include "base/str.h"

#define SENDER_TIMEOUT_MS_DEFAULT 20000

struct sender_config {
    const char *smtp_url;  /* smtp://host:port, smtps://...; NULL: none */
    const char *smtp_from; /* "Name <addr@host>" or "addr@host" */
    const char *smtp_user; /* NULL: no authentication */
    const char *smtp_password;
    const char *smtp_tls; /* "try" (NULL), "required" or "none" */
    const char *sms_url;  /* the provider's endpoint; NULL: none */
    const char *sms_token;
    int timeout_ms; /* per attempt; 0: SENDER_TIMEOUT_MS_DEFAULT */
};

/*
 * Take c as the process's configuration (strings are copied; NULL or ""
 * is a setting not given). Call at start-up before threads exist. E-mail
 * counts as configured only with both smtp_url and smtp_from, SMS with
 * sms_url. ERR_INVALID, with the configuration left unchanged and the
 * environment variable named in ei->param, when a value is unusable: a
 * From with a line break or no address, an unknown smtp_tls, a string of
 * 512 bytes or more.
 */
MUST_CHECK enum err sender_configure(const struct sender_config *c,
                                     struct errinfo *ei);

/* Whether e-mail (SMS) can be sent by this process. */
bool sender_has_email(void);
bool sender_has_sms(void);

struct sender_email {
    const char *id;      /* the message's id: Message-ID, MIME boundary */
    const char *to;      /* one address, already validated */
    const char *subject; /* UTF-8, no line breaks */
    const char *body;    /* UTF-8 text */
    const char *attachment_name; /* NULL: no attachment */
    const char *attachment_type; /* "application/pdf" */
    const unsigned char *attachment;
    size_t attachment_len;
    int64_t date_ms; /* the Date header */
};

/*
 * The message as sent: RFC 5322 headers (From, To, Subject encoded per
 * RFC 2047 when not ASCII, Date, Message-ID "<id@from's domain>") and a
 * MIME body, text/plain in UTF-8 and base64, in a multipart/mixed with
 * the attachment when there is one. CRLF line ends. *out arena-owned.
 * ERR_LIMIT past the arena's cap.
 */
MUST_CHECK enum err sender_mime(struct arena *a, const char *from,
                                const struct sender_email *m, struct str *out,
                                struct errinfo *ei);

/*
 * Send m over SMTP as configured. ERR_GATEWAY with the server's reply
 * code or the network error in ei: code "email_rejected" when the server
 * refused with a 5xx reply (permanent: retrying cannot help), else
 * "email_failed"; ERR_INVALID ("email_not_configured") when this process
 * has no SMTP set up; ERR_LIMIT past the arena's cap.
 */
MUST_CHECK enum err sender_email_send(struct arena *a,
                                      const struct sender_email *m,
                                      struct errinfo *ei);

/*
 * POST {"to": to, "body": body} to the SMS provider with the bearer
 * token and "Idempotency-Key: key". ERR_GATEWAY: "sms_rejected" for a 4xx
 * answer other than 408 and 429 (permanent), "sms_failed" for any other
 * non-2xx answer or none; ERR_INVALID ("sms_not_configured"); ERR_LIMIT.
 */
MUST_CHECK enum err sender_sms_send(struct arena *a, const char *key,
                                    const char *to, const char *body,
                                    struct errinfo *ei);

#endif
