/*
 * financing.h - one table of operations over every financing connector:
 * Cherry (patient financing) and Klarna (buy now, pay later).
 *
 * app/ is the only caller, and only financing.c calls the ops. A
 * connector is a provider in a mode: financing_get("cherry", "sandbox").
 * Only the sandbox mode exists (src/financing/sandbox.c, a deterministic
 * simulation keeping its state in Poise's database in tables of its own;
 * docs/financing.md); there is no live connector yet, and financing_get
 * answers NULL for "live".
 *
 * Rules every connector keeps:
 * - A financing charge is authorized and captured in one step. charge,
 *   refund and cancel take an idempotency key and send it to the
 *   connector: calling again with the same key (after a timeout, a crash,
 *   a retry) answers the first result and never charges, refunds or
 *   cancels twice. A key reused with other parameters is ERR_INVALID
 *   "idempotency_error".
 * - Results are normalized: ERR_OK; ERR_DECLINED (ei->code
 *   "financing_declined", ei->decline_code the connector's reason, a
 *   message safe to show the patient; *out is the declined charge);
 *   ERR_INVALID (the connector refused the request: "amount_too_large",
 *   "currency_unsupported", "currency_mismatch", ...); ERR_NOT_FOUND (no
 *   such charge for this merchant, or the merchant is not connected at
 *   the connector: "merchant_not_connected"); ERR_CONFLICT (the charge's
 *   state does not allow it: "charge_not_refundable",
 *   "charge_already_refunded", "charge_not_cancelable"); ERR_RULE (the
 *   connector refused a merchant: "merchant_not_found"); ERR_GATEWAY
 *   (unreachable, no answer: the outcome is unknown, retry with the same
 *   key or look the charge up by it); ERR_BUSY, ERR_STORE, ERR_LIMIT.
 * - Transactions: connect, disconnect and charges_list run inside the
 *   caller's transaction on ctx->db (set-up and reads, like the card
 *   gateways' set-up calls). charge, refund, cancel and lookup are money
 *   calls to a remote party: the caller holds no transaction on ctx->db
 *   (asserted), and the sandbox runs each in a short write transaction of
 *   its own that it commits before answering, whatever the answer, as a
 *   remote connector's records would survive the caller's rollback.
 * - Strings in out structs are NUL-terminated and fit their arrays.
 */
#ifndef POISE_FINANCING_FINANCING_H
#define POISE_FINANCING_FINANCING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/arena.h"
#include "base/err.h"
#include "store/store.h"

#define FIN_REF_MAX 64   /* a connector's id of an object, NUL included */
#define FIN_CODE_MAX 48  /* a decline or error code, NUL included */
#define FIN_NAME_MAX 128 /* a merchant's name, NUL included */
#define FIN_KEY_MAX 200  /* longest idempotency key, NUL excluded */

/* What every call carries: whose it is, the time, where, and an arena. */
struct fin_ctx {
    const char *account_id;  /* the Poise account; never NULL */
    int64_t now_ms;          /* the account's clock */
    struct arena *a;         /* for out lists */
    struct db *db;           /* a connection of Poise's store (sandbox) */
    const char *merchant_id; /* the practice's account at the connector */
};

enum fin_charge_status {
    FIN_CHARGE_APPROVED = 1, /* authorized and captured */
    FIN_CHARGE_DECLINED,
    FIN_CHARGE_CANCELED, /* voided: nothing is owed or paid */
};

struct fin_charge_req {
    const char *idem_key;   /* 1..FIN_KEY_MAX bytes */
    const char *patient_id; /* Poise's patient id */
    int64_t amount;         /* minor units, > 0 */
    const char *currency;   /* "USD" */
};

struct fin_charge {
    char ref[FIN_REF_MAX];
    enum fin_charge_status status;
    char merchant_id[FIN_REF_MAX];
    char patient_id[FIN_REF_MAX];
    int64_t amount;
    int64_t amount_refunded;
    char currency[4];
    char decline_code[FIN_CODE_MAX]; /* DECLINED, else "" */
    int64_t created_ms;
    int64_t canceled_ms; /* CANCELED, else 0 */
};

struct fin_refund {
    char ref[FIN_REF_MAX];
    char charge_ref[FIN_REF_MAX];
    int64_t amount;
    char currency[4];
    int64_t created_ms;
};

struct fin_ops {
    const char *provider; /* "cherry", "klarna" */
    const char *mode;     /* "sandbox" */

    /*
     * Connect ctx->merchant_id, the practice's account at the connector,
     * named name (the practice). Connecting the connected one again is
     * a no-op. ERR_RULE "merchant_not_found" (param merchant_id) when
     * the connector does not know it.
     */
    enum err (*connect)(const struct fin_ctx *ctx, const char *name,
                        struct errinfo *ei);
    /* Stop taking calls for ctx->merchant_id; its records stay. */
    enum err (*disconnect)(const struct fin_ctx *ctx, struct errinfo *ei);

    /* Authorize and capture r->amount for r->patient_id. */
    enum err (*charge)(const struct fin_ctx *ctx,
                       const struct fin_charge_req *r, struct fin_charge *out,
                       struct errinfo *ei);
    /* Refund amount (<= what is left) of an approved charge. */
    enum err (*refund)(const struct fin_ctx *ctx, const char *idem_key,
                       const char *charge_ref, int64_t amount,
                       const char *currency, struct fin_refund *out,
                       struct errinfo *ei);
    /* Void an approved charge with no refunds; canceled again is ERR_OK. */
    enum err (*cancel)(const struct fin_ctx *ctx, const char *idem_key,
                       const char *charge_ref, struct fin_charge *out,
                       struct errinfo *ei);
    /*
     * The charge made with idem_key (for recovery after ERR_GATEWAY or a
     * crash): ERR_NOT_FOUND "resource_missing" when none was made.
     */
    enum err (*lookup)(const struct fin_ctx *ctx, const char *idem_key,
                       struct fin_charge *out, struct errinfo *ei);
    /*
     * Newest first, after the charge starting_after (NULL: from the
     * newest), at most limit (1..100); every merchant of the account
     * when ctx->merchant_id is NULL. *out is arena-owned (ctx->a).
     */
    enum err (*charges_list)(const struct fin_ctx *ctx, int64_t limit,
                             const char *starting_after,
                             struct fin_charge **out, size_t *count,
                             bool *has_more, struct errinfo *ei);
};

/*
 * The connector of provider in mode; NULL when there is none (an unknown
 * provider or mode, or "live", which no provider has yet). Static.
 */
const struct fin_ops *financing_get(const char *provider, const char *mode);

/* True for "cherry" and "klarna". */
bool financing_is_provider(const char *provider);

/* Lower-case status names as the API spells them; static strings. */
const char *fin_charge_status_name(enum fin_charge_status s);

/*
 * The operations, called only through these (style: only financing.c
 * calls ops). Each checks its arguments (asserted: programmer errors)
 * and the transaction rule above, then calls ops.
 */
MUST_CHECK enum err financing_connect(const struct fin_ops *ops,
                                      const struct fin_ctx *ctx,
                                      const char *name, struct errinfo *ei);
MUST_CHECK enum err financing_disconnect(const struct fin_ops *ops,
                                         const struct fin_ctx *ctx,
                                         struct errinfo *ei);
MUST_CHECK enum err financing_charge(const struct fin_ops *ops,
                                     const struct fin_ctx *ctx,
                                     const struct fin_charge_req *r,
                                     struct fin_charge *out,
                                     struct errinfo *ei);
MUST_CHECK enum err
financing_refund(const struct fin_ops *ops, const struct fin_ctx *ctx,
                 const char *idem_key, const char *charge_ref, int64_t amount,
                 const char *currency, struct fin_refund *out,
                 struct errinfo *ei);
MUST_CHECK enum err
financing_cancel(const struct fin_ops *ops, const struct fin_ctx *ctx,
                 const char *idem_key, const char *charge_ref,
                 struct fin_charge *out, struct errinfo *ei);
MUST_CHECK enum err financing_lookup(const struct fin_ops *ops,
                                     const struct fin_ctx *ctx,
                                     const char *idem_key,
                                     struct fin_charge *out,
                                     struct errinfo *ei);
MUST_CHECK enum err
financing_charges_list(const struct fin_ops *ops, const struct fin_ctx *ctx,
                       int64_t limit, const char *starting_after,
                       struct fin_charge **out, size_t *count, bool *has_more,
                       struct errinfo *ei);

#endif
