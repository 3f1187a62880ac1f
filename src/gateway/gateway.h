/*
 * gateway.h - one table of operations over every card processor.
 *
 * app/ is the only caller. It picks the account's gateway with
 * gateway_get() and calls its operations; nothing outside src/gateway
 * knows which processor answers. Implementations: sandbox.c (a processor
 * simulation with its own database, see docs/sandbox.md), stripe.c
 * (Stripe's REST API over libcurl) and clearent.c (Clearent's REST
 * gateway over libcurl).
 *
 * Rules every implementation keeps:
 * - Every operation that creates or moves something takes an idempotency
 *   key and sends it to the processor, so calling it again with the same
 *   key (after a timeout, a crash, a retry) returns the first result and
 *   never charges, refunds or debits twice.
 * - A card number or CVC never passes through this interface: cards
 *   arrive as tokens made by the processor's own tokenization endpoint.
 * - Results are normalized: rc is ERR_OK, ERR_DECLINED (a card error:
 *   ei->code "card_declined", "expired_card", "incorrect_cvc", ... and
 *   ei->decline_code), ERR_INVALID (the processor refused the request:
 *   "token_invalid", "amount_too_large", ...), ERR_NOT_FOUND (no such
 *   object at the processor), ERR_CONFLICT (the object is in a state that
 *   does not allow it: "payment_intent_unexpected_state",
 *   "charge_already_refunded", ...) or ERR_GATEWAY (unreachable, timed
 *   out, 5xx: the outcome is unknown, retry with the same key).
 * - Strings written to out structs are NUL-terminated and fit their
 *   arrays; pointers in out structs are arena-owned (ctx->a).
 */
#ifndef POISE_GATEWAY_GATEWAY_H
#define POISE_GATEWAY_GATEWAY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/arena.h"
#include "base/err.h"

#define GW_REF_MAX 64  /* a processor's id of an object, NUL included */
#define GW_CODE_MAX 48 /* an error or status code, NUL included */
#define GW_SECRET_MAX 80

enum gw_kind { GW_SANDBOX = 1, GW_STRIPE, GW_CLEARENT, GW__COUNT };

/* What every call carries: whose it is, the time, an arena for output. */
struct gw_ctx {
    const char *account_id; /* the Poise account; never NULL */
    int64_t now_ms;         /* the account's clock (test clock in tests) */
    struct arena *a;
};

/* What Poise keeps of a card: never the number, never the CVC. */
struct gw_card {
    char brand[16]; /* "visa", "mastercard", "amex", "discover", "unknown" */
    char last4[5];
    int exp_month;
    int exp_year;
    char fingerprint[GW_REF_MAX]; /* same card, same value; may be empty */
};

enum gw_charge_status {
    GW_CHARGE_PROCESSING = 1, /* waiting for a card at a reader */
    GW_CHARGE_REQUIRES_CAPTURE,
    GW_CHARGE_SUCCEEDED,
    GW_CHARGE_CANCELED,
    GW_CHARGE_FAILED,
};

enum gw_source_type {
    GW_SOURCE_TOKEN = 1, /* a one-time token from the tokenization field */
    GW_SOURCE_CARD,      /* a saved card: customer_ref + card_ref */
    GW_SOURCE_READER,    /* card present at reader_ref */
};

struct gw_charge_req {
    const char *idem_key;     /* derived from the request's key */
    const char *merchant_ref; /* the merchant account at the processor */
    int64_t amount;           /* minor units, > 0 */
    const char *currency;     /* "USD" */
    enum gw_source_type source;
    const char *token;        /* GW_SOURCE_TOKEN */
    const char *customer_ref; /* GW_SOURCE_CARD */
    const char *card_ref;     /* GW_SOURCE_CARD */
    const char *reader_ref;   /* GW_SOURCE_READER */
    bool capture;             /* false: authorize only (a hold) */
    bool off_session;         /* merchant-initiated (memberships) */
    const char *description;  /* may be NULL */
    const char *reference;    /* Poise's payment id, kept as metadata */
};

struct gw_charge {
    char ref[GW_REF_MAX];
    enum gw_charge_status status;
    int64_t amount;          /* authorized */
    int64_t amount_captured; /* 0 until captured */
    int64_t amount_refunded;
    int64_t fee;               /* processing fee once captured, else 0 */
    int64_t capture_before_ms; /* REQUIRES_CAPTURE: hold expiry, else 0 */
    /* Captured and past the point where a cancel (void) can undo it:
     * settled, or captured at a gateway that never voids a capture. */
    bool settled;
    bool card_present;
    struct gw_card card;
    char failure_code[GW_CODE_MAX]; /* FAILED: "card_declined", ... */
    char decline_code[GW_CODE_MAX]; /* FAILED: issuer reason, may be empty */
};

enum gw_refund_status {
    GW_REFUND_PENDING = 1,
    GW_REFUND_SUCCEEDED,
    GW_REFUND_FAILED,
    GW_REFUND_CANCELED,
};

struct gw_refund {
    char ref[GW_REF_MAX];
    char charge_ref[GW_REF_MAX];
    enum gw_refund_status status;
    int64_t amount;
    char failure_code[GW_CODE_MAX];
};

enum gw_payout_status {
    GW_PAYOUT_PENDING = 1,
    GW_PAYOUT_IN_TRANSIT,
    GW_PAYOUT_PAID,
    GW_PAYOUT_FAILED,
    GW_PAYOUT_CANCELED,
};

/* One line of a payout's deposit report. */
enum gw_item_type {
    GW_ITEM_CHARGE = 1,    /* + gross of a captured charge */
    GW_ITEM_FEE,           /* - processing fee of a charge */
    GW_ITEM_REFUND,        /* - a refund */
    GW_ITEM_REFUND_FAILED, /* + a refund that failed after it was paid */
    GW_ITEM_DISPUTE,       /* - disputed amount withheld */
    GW_ITEM_DISPUTE_FEE,   /* - dispute fee */
    GW_ITEM_DISPUTE_WON,   /* + amount and fee returned */
    GW_ITEM_DEBIT,         /* - a platform deduction (fee, reader) */
};

struct gw_payout_item {
    enum gw_item_type type;
    char source_ref[GW_REF_MAX]; /* charge, refund, dispute or debit ref */
    int64_t amount;              /* signed: + adds to the payout */
};

struct gw_payout {
    char ref[GW_REF_MAX];
    char bank_ref[GW_REF_MAX];
    enum gw_payout_status status;
    int64_t amount; /* == sum of items' amounts */
    char currency[4];
    int64_t created_ms;
    int64_t arrival_ms;
    char failure_code[GW_CODE_MAX];
    size_t item_count;
    struct gw_payout_item *items; /* arena-owned */
};

enum gw_dispute_status {
    GW_DISPUTE_WARNING_NEEDS_RESPONSE = 1,
    GW_DISPUTE_WARNING_UNDER_REVIEW,
    GW_DISPUTE_WARNING_CLOSED,
    GW_DISPUTE_NEEDS_RESPONSE,
    GW_DISPUTE_UNDER_REVIEW,
    GW_DISPUTE_WON,
    GW_DISPUTE_LOST,
};

struct gw_dispute {
    char ref[GW_REF_MAX];
    char charge_ref[GW_REF_MAX];
    enum gw_dispute_status status;
    char reason[GW_CODE_MAX]; /* "fraudulent", ... */
    int64_t amount;
    int64_t fee;
    int64_t due_by_ms;
    int64_t created_ms;
};

/* A verified webhook event: what changed; fetch the object for its state. */
enum gw_event_object {
    GW_EVENT_CHARGE = 1,
    GW_EVENT_REFUND,
    GW_EVENT_PAYOUT,
    GW_EVENT_DISPUTE,
    GW_EVENT_OTHER, /* acknowledged and ignored */
};

struct gw_event {
    char id[GW_REF_MAX];
    char type[GW_CODE_MAX]; /* the processor's event type */
    enum gw_event_object object;
    char object_ref[GW_REF_MAX];
    char account_id[GW_REF_MAX]; /* the Poise account it is for */
    int64_t created_ms;
};

/* The processor's merchant account Poise creates for a Poise merchant. */
struct gw_merchant_req {
    const char *idem_key;
    const char *name;     /* the practice or clinic name */
    const char *timezone; /* IANA, for the settlement cut-off */
    const char *currency;
    const char *country; /* "US", ... */
};

struct gw_bank_req {
    const char *idem_key;
    const char *merchant_ref;
    const char *holder_name;
    const char *routing_number; /* checked by core/bank before the call */
    const char *account_number; /* goes to the processor, never stored */
};

struct gw_ops {
    const char *name; /* "sandbox", "stripe", "clearent" */

    /*
     * Connect an account at activation: *secret_out receives the webhook
     * signing secret of this account ("" when it is configured globally,
     * as for Stripe).
     */
    enum err (*connect)(const struct gw_ctx *ctx, char *secret_out, size_t cap,
                        struct errinfo *ei);
    /* Forget the account at deactivation (saved cards go separately). */
    enum err (*disconnect)(const struct gw_ctx *ctx, struct errinfo *ei);

    enum err (*merchant_create)(const struct gw_ctx *ctx,
                                const struct gw_merchant_req *r, char *ref_out,
                                struct errinfo *ei);
    enum err (*bank_account_add)(const struct gw_ctx *ctx,
                                 const struct gw_bank_req *r, char *ref_out,
                                 struct errinfo *ei);
    enum err (*bank_account_set_default)(const struct gw_ctx *ctx,
                                         const char *merchant_ref,
                                         const char *bank_ref,
                                         struct errinfo *ei);
    enum err (*bank_account_delete)(const struct gw_ctx *ctx,
                                    const char *merchant_ref,
                                    const char *bank_ref, struct errinfo *ei);

    /* Card readers, registered by serial number. */
    enum err (*reader_register)(const struct gw_ctx *ctx, const char *idem_key,
                                const char *merchant_ref, const char *serial,
                                char *ref_out, struct errinfo *ei);
    enum err (*reader_delete)(const struct gw_ctx *ctx, const char *reader_ref,
                              struct errinfo *ei);

    /* Customers and their saved cards. */
    enum err (*customer_create)(const struct gw_ctx *ctx, const char *idem_key,
                                const char *reference, char *ref_out,
                                struct errinfo *ei);
    enum err (*card_attach)(const struct gw_ctx *ctx, const char *idem_key,
                            const char *customer_ref, const char *token,
                            char *card_ref_out, struct gw_card *card_out,
                            struct errinfo *ei);
    enum err (*card_detach)(const struct gw_ctx *ctx, const char *customer_ref,
                            const char *card_ref, struct errinfo *ei);

    /*
     * Create a charge (authorize, and capture when r->capture). A decline
     * is ERR_DECLINED with *out filled as a FAILED charge. A reader source
     * answers PROCESSING: the outcome arrives later (webhook, retrieve).
     */
    enum err (*charge_create)(const struct gw_ctx *ctx,
                              const struct gw_charge_req *r,
                              struct gw_charge *out, struct errinfo *ei);
    /* Capture amount (<= authorized) of a REQUIRES_CAPTURE charge. */
    enum err (*charge_capture)(const struct gw_ctx *ctx, const char *idem_key,
                               const char *charge_ref, int64_t amount,
                               struct gw_charge *out, struct errinfo *ei);
    /* Cancel (void) a charge not yet settled: no fee, money released. */
    enum err (*charge_cancel)(const struct gw_ctx *ctx, const char *idem_key,
                              const char *charge_ref, struct gw_charge *out,
                              struct errinfo *ei);
    enum err (*charge_retrieve)(const struct gw_ctx *ctx,
                                const char *charge_ref, struct gw_charge *out,
                                struct errinfo *ei);
    /*
     * The charge created with idem_key, for recovery after a crash:
     * ERR_NOT_FOUND when the processor never created one.
     */
    enum err (*charge_lookup)(const struct gw_ctx *ctx, const char *idem_key,
                              struct gw_charge *out, struct errinfo *ei);

    enum err (*refund_create)(const struct gw_ctx *ctx, const char *idem_key,
                              const char *charge_ref, int64_t amount,
                              struct gw_refund *out, struct errinfo *ei);
    enum err (*refund_retrieve)(const struct gw_ctx *ctx,
                                const char *refund_ref, struct gw_refund *out,
                                struct errinfo *ei);

    /*
     * Take amount from the merchant's balance (a Poise fee or a reader),
     * paid out of its next payout. *ref_out names the debit.
     */
    enum err (*merchant_debit)(const struct gw_ctx *ctx, const char *idem_key,
                               const char *merchant_ref, int64_t amount,
                               const char *currency, const char *description,
                               char *ref_out, struct errinfo *ei);

    enum err (*payout_retrieve)(const struct gw_ctx *ctx,
                                const char *payout_ref, struct gw_payout *out,
                                struct errinfo *ei);
    enum err (*dispute_retrieve)(const struct gw_ctx *ctx,
                                 const char *dispute_ref,
                                 struct gw_dispute *out, struct errinfo *ei);
    /* Send evidence (a JSON object text); submit=true closes it. */
    enum err (*dispute_evidence)(const struct gw_ctx *ctx,
                                 const char *dispute_ref,
                                 const char *evidence_json, bool submit,
                                 struct gw_dispute *out, struct errinfo *ei);

    /*
     * Verify a webhook delivery (the raw body and the signature header)
     * against secret and parse it. ERR_INVALID "signature_invalid" when
     * the signature or its timestamp does not verify.
     */
    enum err (*webhook_parse)(const struct gw_ctx *ctx, const char *secret,
                              const char *signature_header, const char *body,
                              size_t body_len, struct gw_event *out,
                              struct errinfo *ei);
};

/*
 * Process-wide settings of the remote gateways, set once at start-up
 * (from the environment: see docs/operations.md). Strings are copied.
 */
struct gw_config {
    const char *stripe_api_url; /* default "https://api.stripe.com" */
    const char *stripe_secret_key;
    const char *stripe_webhook_secret;
    const char *clearent_api_url; /* default Clearent's production URL */
    const char *clearent_api_key;
    const char *clearent_webhook_secret;
    int timeout_ms; /* per HTTP attempt; default 10000 */
    int retries;    /* extra attempts on network errors and 5xx; default 2 */
                    /* (0 keeps the default, as for timeout_ms) */
};

/* Apply cfg (NULL members keep their defaults). Call before serving. */
void gateway_configure(const struct gw_config *cfg);

/* The settings in force; borrowed, never NULL. */
const struct gw_config *gateway_config(void);

/* The operations of kind; never NULL for a valid kind (asserted). */
const struct gw_ops *gateway_get(enum gw_kind kind);

/* "sandbox" -> GW_SANDBOX; 0 for an unknown name. */
enum gw_kind gateway_kind_of(const char *name);

/* Lower-case status names as the API spells them. */
const char *gw_charge_status_name(enum gw_charge_status s);
const char *gw_refund_status_name(enum gw_refund_status s);
const char *gw_payout_status_name(enum gw_payout_status s);
const char *gw_dispute_status_name(enum gw_dispute_status s);
const char *gw_item_type_name(enum gw_item_type t);

#endif
