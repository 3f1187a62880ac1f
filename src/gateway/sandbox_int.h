/*
 * sandbox_int.h - shared by the sandbox's files (sandbox*.c) only.
 *
 * sandbox.c       state, schema, transactions, charges' rows, ops table
 * sandbox_card.c  accounts, merchants, banks, readers, customers, tokens,
 *                 saved cards
 * sandbox_charge.c charges, captures, cancels, a card presented at a
 *                 reader, refunds, merchant debits
 * sandbox_settle.c the passing of time: holds, refunds, disputes,
 *                 settlement and payouts; payout and dispute operations
 * sandbox_hook.c  events: their JSON, the outbox, delivery, parsing
 *
 * Every write runs in one sandbox transaction opened by sandbox_begin,
 * which first locks the account's row: writes of one account are
 * serialized on both engines (SQLite has one writer anyway), so an
 * idempotency lookup followed by an insert cannot race. Unique indexes
 * on (account_id, idem_key) stay as the last line of defence.
 */
#ifndef POISE_GATEWAY_SANDBOX_INT_H
#define POISE_GATEWAY_SANDBOX_INT_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "gateway/gateway.h"
#include "gateway/sandbox.h"
#include "store/store.h"

#define SB_HOUR_MS INT64_C(3600000)
#define SB_DAY_MS (24 * SB_HOUR_MS)
#define SB_TOKEN_TTL_MS (15 * INT64_C(60000))
#define SB_AMOUNT_MAX INT64_C(99999999)
#define SB_WAIT_MS 10000 /* for a pooled connection */
#define NPARAMS(p) (sizeof(p) / sizeof((p)[0]))

/* Process-wide settings, written only by sandbox_open/sandbox_close. */
struct sandbox_state {
    struct store *store;
    bool open;
    char webhook_url[SANDBOX_URL_MAX];
    int webhook_timeout_ms;
    int64_t dispute_fee;
    int settle_hour;
    int64_t cnp_bps;
    int64_t cnp_fixed;
    int64_t cp_bps;
    int64_t cp_fixed;
};

extern struct sandbox_state sandbox_state;

/* What a test card does; stored with tokens, cards and charges. */
enum sandbox_behaviour {
    SB_APPROVE = 0,
    SB_GENERIC_DECLINE, /* 4000000000000002 */
    SB_INSUFFICIENT,    /* 4000000000009995 */
    SB_EXPIRED,         /* 4000000000000069 */
    SB_INCORRECT_CVC,   /* 4000000000000127 */
    SB_DISPUTE,         /* 4000000000000259 */
    SB_ATTACH_DECLINE,  /* 4000000000000341 */
    SB_REFUND_PENDING,  /* 4000000000007726 */
    SB_REFUND_FAILS,    /* 4000000000005126 */
    SB_BEHAVIOUR__COUNT
};

/* The behaviour of a normalized card number. */
enum sandbox_behaviour sandbox_behaviour_of(const char *digits);

/* True when a charge with this behaviour declines. */
bool sandbox_behaviour_declines(enum sandbox_behaviour b);

/* Decline code and issuer reason for a declining behaviour (asserted). */
void sandbox_decline_codes(enum sandbox_behaviour b, const char **code,
                           const char **decline_code);

/* A card as the sandbox keeps it: no number, its behaviour instead. */
struct sb_card {
    struct gw_card card;
    enum sandbox_behaviour behaviour;
};

/* A charge row: the normalized charge plus the sandbox's own columns. */
struct sb_charge {
    struct gw_charge c;
    enum sandbox_behaviour behaviour;
    const char *idem_key;      /* arena-owned */
    const char *merchant_ref;  /* arena-owned */
    const char *currency;      /* arena-owned */
    const char *cancel_reason; /* "", "requested" or "expired" */
    const char *reader_ref;    /* NULL unless a reader charge */
    const char *reference;     /* Poise's payment id, may be NULL */
    bool capture;              /* capture when authorized */
    bool disputed;
    int64_t created_ms;
    int64_t captured_ms; /* 0 until captured */
    int64_t settled_ms;  /* 0 until settled */
};

/* A merchant row (the settlement clock and currency). */
struct sb_merchant {
    const char *ref;
    const char *timezone;
    const char *currency;
    int64_t next_cutoff_ms;
};

/* ---- sandbox.c ---- */

/*
 * Borrow a connection, begin a write transaction and lock ctx's account
 * row. ERR_NOT_FOUND "account_not_connected" when the account is not
 * connected, ERR_GATEWAY "sandbox_unavailable" when the sandbox is not
 * open, ERR_BUSY, ERR_STORE. may_be_new (connect) skips the check.
 */
MUST_CHECK enum err sandbox_begin(const struct gw_ctx *ctx, bool may_be_new,
                                  struct db **out, struct errinfo *ei);
/* Commit and give the connection back (also on failure). */
MUST_CHECK enum err sandbox_commit(struct db *db, struct errinfo *ei);
/* Roll back and give the connection back. */
void sandbox_abort(struct db *db);
/* Borrow a connection for reads only; give it back with sandbox_done. */
MUST_CHECK enum err sandbox_read(struct db **out, struct errinfo *ei);
void sandbox_done(struct db *db);

/* Copy src (NULL is "") into dst of cap bytes, truncating. */
void sandbox_copy(char *dst, size_t cap, const char *src);

/* A new "<prefix>_..." ref in out (GW_REF_MAX). ERR_LIMIT: arena full. */
MUST_CHECK enum err sandbox_new_ref(const struct gw_ctx *ctx,
                                    const char *prefix, char *out,
                                    struct errinfo *ei);

/* ERR_LIMIT "request_too_large" for a full arena. */
enum err sandbox_arena_full(struct errinfo *ei);

/* The columns sandbox_charge_of_row reads, in order. */
#define CHARGE_COLS                                                            \
    "ref, status, amount, amount_captured, amount_refunded, fee,"              \
    " capture_before_ms, card_present, brand, last4, exp_month, exp_year,"     \
    " fingerprint, failure_code, decline_code, behaviour, idem_key,"           \
    " merchant_ref, currency, cancel_reason, reader_ref, capture,"             \
    " created_ms, settled_ms, captured_ms, disputed, reference"

/* Fill out from row i of rows selected with CHARGE_COLS. */
void sandbox_charge_of_row(const struct db_rows *r, size_t i,
                           struct sb_charge *out);

/*
 * Load the charge ref (by_key: the charge created with idem key ref).
 * ERR_NOT_FOUND "resource_missing" (param "charge").
 */
MUST_CHECK enum err sandbox_charge_load(struct db *db, const struct gw_ctx *ctx,
                                        const char *ref, bool by_key,
                                        struct sb_charge *out,
                                        struct errinfo *ei);
/* Insert a new charge row; description may be NULL. */
MUST_CHECK enum err sandbox_charge_insert(struct db *db,
                                          const struct gw_ctx *ctx,
                                          const struct sb_charge *ch,
                                          const struct gw_charge_req *r,
                                          struct errinfo *ei);
/* Write back every mutable column of ch. */
MUST_CHECK enum err sandbox_charge_save(struct db *db, const struct gw_ctx *ctx,
                                        const struct sb_charge *ch,
                                        struct errinfo *ei);
/*
 * What a caller sees of ch: *out = ch->c; ERR_DECLINED with its codes
 * when ch is FAILED, else ERR_OK.
 */
enum err sandbox_charge_result(const struct sb_charge *ch,
                               struct gw_charge *out, struct errinfo *ei);

/*
 * The account's next sequence number (events and balance transactions
 * are ordered by it). Needs the account row (inside sandbox_begin).
 */
MUST_CHECK enum err sandbox_next_seq(struct db *db, const struct gw_ctx *ctx,
                                     int64_t *out, struct errinfo *ei);

/* Add a balance transaction of merchant_ref happening at at_ms. */
MUST_CHECK enum err sandbox_balance_add(struct db *db, const struct gw_ctx *ctx,
                                        const char *merchant_ref,
                                        enum gw_item_type type,
                                        const char *source_ref, int64_t amount,
                                        int64_t at_ms, struct errinfo *ei);

/* Load merchant ref. ERR_NOT_FOUND "resource_missing" (param merchant). */
MUST_CHECK enum err
sandbox_merchant_load(struct db *db, const struct gw_ctx *ctx, const char *ref,
                      struct sb_merchant *out, struct errinfo *ei);

/* ---- sandbox_card.c ---- */

/*
 * Consume token ref for ctx's account into *out. ERR_INVALID
 * "token_invalid", "token_already_used" or "token_expired" (param token).
 */
MUST_CHECK enum err sandbox_token_use(struct db *db, const struct gw_ctx *ctx,
                                      const char *ref, struct sb_card *out,
                                      struct errinfo *ei);
/* Load attached card card_ref of customer_ref: ERR_NOT_FOUND otherwise. */
MUST_CHECK enum err sandbox_card_load(struct db *db, const struct gw_ctx *ctx,
                                      const char *customer_ref,
                                      const char *card_ref, struct sb_card *out,
                                      struct errinfo *ei);
/* ERR_NOT_FOUND "resource_missing" unless reader_ref is active. */
MUST_CHECK enum err sandbox_reader_check(struct db *db,
                                         const struct gw_ctx *ctx,
                                         const char *reader_ref,
                                         struct errinfo *ei);

/*
 * Read card number into *out (brand, last 4, fingerprint, behaviour; no
 * expiry). ERR_INVALID "incorrect_number" (param number).
 */
MUST_CHECK enum err sandbox_card_read(const struct gw_ctx *ctx,
                                      const char *number, struct sb_card *out,
                                      struct errinfo *ei);

/* ---- sandbox_charge.c ---- */

/*
 * Cancel ch, a REQUIRES_CAPTURE charge whose hold ran out, at
 * ctx->now_ms: CANCELED (reason "expired"), saved, event written.
 */
MUST_CHECK enum err sandbox_charge_expire(struct db *db,
                                          const struct gw_ctx *ctx,
                                          struct sb_charge *ch,
                                          struct errinfo *ei);

/* Load refund ref (by_key: created with key ref). ERR_NOT_FOUND. */
MUST_CHECK enum err sandbox_refund_load(struct db *db, const struct gw_ctx *ctx,
                                        const char *ref, bool by_key,
                                        struct gw_refund *out,
                                        struct errinfo *ei);

/* ---- sandbox_settle.c ---- */

/* True for an IANA zone ICU knows ("Etc/Unknown" is not one). */
bool sandbox_timezone_is_valid(const char *tz);

/*
 * The first settlement cut-off (hour:00 local time in tz) strictly after
 * t_ms, in *out. ERR_INVALID "timezone_invalid" if ICU fails.
 */
MUST_CHECK enum err sandbox_cutoff_after(const char *tz, int hour, int64_t t_ms,
                                         int64_t *out, struct errinfo *ei);

/* ---- sandbox_hook.c ---- */

/* The event objects' JSON; NULL when the arena is full. */
json_t *sandbox_charge_json(const struct sb_charge *ch);
json_t *sandbox_refund_json(const struct gw_refund *r, const char *currency);
json_t *sandbox_payout_json(const struct gw_payout *p);
json_t *sandbox_dispute_json(const struct gw_dispute *d);

/*
 * Write event type about object (stolen) into the outbox, created at
 * at_ms, due for delivery at once.
 */
MUST_CHECK enum err sandbox_event_add(struct db *db, const struct gw_ctx *ctx,
                                      const char *type, json_t *object,
                                      int64_t at_ms, struct errinfo *ei);

/* The ops of sandbox_hook.c, sandbox_card.c, ... for the table. */
enum err sandbox_webhook_parse(const struct gw_ctx *ctx, const char *secret,
                               const char *signature_header, const char *body,
                               size_t body_len, struct gw_event *out,
                               struct errinfo *ei);
enum err sandbox_connect(const struct gw_ctx *ctx, char *secret_out, size_t cap,
                         struct errinfo *ei);
enum err sandbox_disconnect(const struct gw_ctx *ctx, struct errinfo *ei);
enum err sandbox_merchant_create(const struct gw_ctx *ctx,
                                 const struct gw_merchant_req *r, char *ref_out,
                                 struct errinfo *ei);
enum err sandbox_bank_account_add(const struct gw_ctx *ctx,
                                  const struct gw_bank_req *r, char *ref_out,
                                  struct errinfo *ei);
enum err sandbox_bank_account_set_default(const struct gw_ctx *ctx,
                                          const char *merchant_ref,
                                          const char *bank_ref,
                                          struct errinfo *ei);
enum err sandbox_bank_account_delete(const struct gw_ctx *ctx,
                                     const char *merchant_ref,
                                     const char *bank_ref, struct errinfo *ei);
enum err sandbox_reader_register(const struct gw_ctx *ctx, const char *idem_key,
                                 const char *merchant_ref, const char *serial,
                                 char *ref_out, struct errinfo *ei);
enum err sandbox_reader_delete(const struct gw_ctx *ctx, const char *reader_ref,
                               struct errinfo *ei);
enum err sandbox_customer_create(const struct gw_ctx *ctx, const char *idem_key,
                                 const char *reference, char *ref_out,
                                 struct errinfo *ei);
enum err sandbox_card_attach(const struct gw_ctx *ctx, const char *idem_key,
                             const char *customer_ref, const char *token,
                             char *card_ref_out, struct gw_card *card_out,
                             struct errinfo *ei);
enum err sandbox_card_detach(const struct gw_ctx *ctx, const char *customer_ref,
                             const char *card_ref, struct errinfo *ei);
enum err sandbox_charge_create(const struct gw_ctx *ctx,
                               const struct gw_charge_req *r,
                               struct gw_charge *out, struct errinfo *ei);
enum err sandbox_charge_capture(const struct gw_ctx *ctx, const char *idem_key,
                                const char *charge_ref, int64_t amount,
                                struct gw_charge *out, struct errinfo *ei);
enum err sandbox_charge_cancel(const struct gw_ctx *ctx, const char *idem_key,
                               const char *charge_ref, struct gw_charge *out,
                               struct errinfo *ei);
enum err sandbox_charge_retrieve(const struct gw_ctx *ctx,
                                 const char *charge_ref, struct gw_charge *out,
                                 struct errinfo *ei);
enum err sandbox_charge_lookup(const struct gw_ctx *ctx, const char *idem_key,
                               struct gw_charge *out, struct errinfo *ei);
enum err sandbox_refund_create(const struct gw_ctx *ctx, const char *idem_key,
                               const char *charge_ref, int64_t amount,
                               struct gw_refund *out, struct errinfo *ei);
enum err sandbox_refund_retrieve(const struct gw_ctx *ctx,
                                 const char *refund_ref, struct gw_refund *out,
                                 struct errinfo *ei);
enum err sandbox_merchant_debit(const struct gw_ctx *ctx, const char *idem_key,
                                const char *merchant_ref, int64_t amount,
                                const char *currency, const char *description,
                                char *ref_out, struct errinfo *ei);
enum err sandbox_payout_retrieve(const struct gw_ctx *ctx,
                                 const char *payout_ref, struct gw_payout *out,
                                 struct errinfo *ei);
enum err sandbox_dispute_retrieve(const struct gw_ctx *ctx,
                                  const char *dispute_ref,
                                  struct gw_dispute *out, struct errinfo *ei);
enum err sandbox_dispute_evidence(const struct gw_ctx *ctx,
                                  const char *dispute_ref,
                                  const char *evidence_json, bool submit,
                                  struct gw_dispute *out, struct errinfo *ei);

#endif
