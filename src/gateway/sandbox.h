/*
 * sandbox.h - the sandbox processor: a card processor simulated inside the
 * binary that behaves like a remote one (docs/sandbox.md).
 *
 * The sandbox keeps its own state in its own database (a separate SQLite
 * file, or schema "sandbox" of the PostgreSQL server) and never touches
 * Poise's tables. Every row belongs to one Poise account (ctx->account_id):
 * one account never sees another's objects. Poise reaches it only through
 * gw_sandbox_ops (gateway.h); the functions here are what a real
 * processor would offer outside its API: the hosted card field's
 * tokenization, a card tapped on a reader, the passing of time, and an
 * audit of its charges for tests.
 *
 * Time is always ctx->now_ms (the account's clock, a test clock in
 * tests); the sandbox never reads the wall clock, so tests move time
 * instead of sleeping.
 */
#ifndef POISE_GATEWAY_SANDBOX_H
#define POISE_GATEWAY_SANDBOX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/err.h"
#include "gateway/gateway.h"

#define SANDBOX_URL_MAX 512

/* Settings of the sandbox; fill with sandbox_config_init, then override. */
struct sandbox_config {
    /*
     * Its database: "sqlite:PATH" or a path (a file of its own), or a
     * "postgres://" URL, where it lives in schema "sandbox" (created when
     * absent). Borrowed for the length of sandbox_open.
     */
    const char *db_url;
    /* Where events are POSTed; NULL keeps them in the outbox. Copied. */
    const char *webhook_url;
    int pool_size;          /* connections; default 4 */
    int webhook_timeout_ms; /* per delivery attempt; default 5000 */
    int64_t dispute_fee;    /* minor units; default 1500 */
    int settle_hour_local;  /* 0..23 in the merchant's zone; default 18 */
    int64_t cnp_bps;        /* card not present; default FEE_CNP_BPS */
    int64_t cnp_fixed;      /* default FEE_CNP_FIXED */
    int64_t cp_bps;         /* card present; default FEE_CP_BPS */
    int64_t cp_fixed;       /* default FEE_CP_FIXED */
};

/* Fill c with the defaults above (db_url and webhook_url NULL). */
void sandbox_config_init(struct sandbox_config *c);

/*
 * Open the sandbox's database with cfg (db_url required, asserted) and
 * create its tables when absent. Call once at start-up, before serving;
 * not thread-safe. ERR_INVALID for a bad setting, ERR_STORE when the
 * database cannot be opened or its schema created.
 */
MUST_CHECK enum err sandbox_open(const struct sandbox_config *cfg,
                                 struct errinfo *ei);

/* Close the database. No-op when not open. Not thread-safe. */
void sandbox_close(void);

/* True between a successful sandbox_open and sandbox_close. */
bool sandbox_is_open(void);

/*
 * Tokenize a card for ctx->account_id, as the hosted card field does
 * (POST /sandbox/v1/tokens). number is checked (Luhn, 12..19 digits) and
 * never stored: the token keeps the brand, last 4, expiry, a fingerprint
 * and the test-card behaviour of the number. A token is single-use and
 * lasts 15 minutes of ctx time. token_out has GW_REF_MAX bytes; card_out
 * may be NULL. Errors (ERR_INVALID): "incorrect_number" (param number),
 * "invalid_expiry_month" / "invalid_expiry_year" (params exp_month,
 * exp_year), "invalid_cvc" (cvc, 3 digits, 4 for amex);
 * ERR_NOT_FOUND "account_not_connected".
 */
MUST_CHECK enum err sandbox_tokenize(const struct gw_ctx *ctx,
                                     const char *number, int exp_month,
                                     int exp_year, const char *cvc,
                                     char *token_out, struct gw_card *card_out,
                                     struct errinfo *ei);

/*
 * A card tapped on the reader with serial reader_serial
 * (POST /sandbox/v1/readers/:serial/present_card): completes the
 * PROCESSING charge waiting there with the card's behaviour, card
 * present, card-present fee, and writes its event. *out is the charge.
 * ERR_DECLINED with *out FAILED for a declining card; ERR_INVALID
 * "incorrect_number"; ERR_NOT_FOUND "resource_missing" (no such active
 * reader); ERR_CONFLICT "reader_idle" (no charge waiting).
 */
MUST_CHECK enum err sandbox_present_card(const struct gw_ctx *ctx,
                                         const char *reader_serial,
                                         const char *number,
                                         struct gw_charge *out,
                                         struct errinfo *ei);

/*
 * Process everything due for ctx->account_id up to ctx->now_ms: expire
 * holds, finish asynchronous refunds, open and decide disputes, settle at
 * each merchant's daily cut-off, create payouts and let them arrive; then
 * deliver the events due (see sandbox_deliver). Calling it again at the
 * same time does nothing new. ERR_STORE on a database failure; delivery
 * failures are not errors (they are retried later).
 */
MUST_CHECK enum err sandbox_advance(const struct gw_ctx *ctx,
                                    struct errinfo *ei);

/*
 * POST every event of ctx->account_id due at ctx->now_ms to the webhook
 * URL, signed with the account's secret (Stripe-Signature, t = now in
 * seconds). A 2xx answer marks the event delivered for good; anything
 * else schedules another attempt (see docs/sandbox.md). *delivered_out
 * (may be NULL) counts the 2xx answers. No-op without a webhook URL.
 */
MUST_CHECK enum err sandbox_deliver(const struct gw_ctx *ctx,
                                    size_t *delivered_out, struct errinfo *ei);

/* One charge at the sandbox with the idempotency key that created it. */
struct sandbox_charge_entry {
    const char *idem_key; /* arena-owned */
    struct gw_charge charge;
};

struct sandbox_charge_list {
    size_t count;
    struct sandbox_charge_entry *items; /* arena-owned (ctx->a) */
    /* Keys that created more than one charge: 0 unless broken. */
    size_t keys_with_many;
    size_t total; /* charges of the account, all pages */
};

/*
 * Every charge of ctx->account_id, oldest first, with its key, and the
 * number of keys holding more than one charge (the crash test's check:
 * "each key has exactly one charge"). ERR_LIMIT when the arena is full.
 */
MUST_CHECK enum err sandbox_charges_list(const struct gw_ctx *ctx,
                                         int64_t offset, int64_t limit,
                                         struct sandbox_charge_list *out,
                                         struct errinfo *ei);

/* One event of the outbox. */
struct sandbox_event {
    char id[GW_REF_MAX];
    char type[GW_CODE_MAX];
    const char *body; /* the JSON delivered; arena-owned */
    bool delivered;
    int attempts;
    int64_t next_attempt_ms;
};

/*
 * The outbox of ctx->account_id, oldest first: *out is an arena array of
 * *n events. ERR_LIMIT when the arena is full.
 */
MUST_CHECK enum err sandbox_events_list(const struct gw_ctx *ctx,
                                        struct sandbox_event **out, size_t *n,
                                        struct errinfo *ei);

#endif
