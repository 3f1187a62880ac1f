/*
 * membership.h - membership programs and tiers (admin), enrolment of a
 * patient (front desk), and what an active membership gives at checkout.
 *
 * Enrolment records the signed agreement (version, signer, time, IP) and
 * charges the tier's setup fee plus the first month to the patient's card
 * on file through app_payment_create(), with a payment idempotency key
 * derived from the membership ("membership:<id>:enrolment"). The
 * membership is written 'pending' with the request's Idempotency-Key in
 * the payment's first phase, so a retry finds it and resumes the same
 * charge; it becomes 'active' only when the payment succeeds, and
 * 'failed' when it is declined. Billing, dunning, hold, cancel and tier
 * changes come with issue 7 (docs/memberships.md).
 *
 * Struct strings filled here are arena-owned (ctx->a).
 */
#ifndef POISE_APP_MEMBERSHIP_H
#define POISE_APP_MEMBERSHIP_H

#include "app/app.h"
#include "core/membership.h"
#include "core/pricing.h"
#include "store/invoices.h"
#include "store/memberships.h"

/* The mutable fields of a program and a tier, as the API names them. */
enum membership_program_field {
    MEMBERSHIP_PROGRAM_F_NAME,
    MEMBERSHIP_PROGRAM_F_DESCRIPTION,
    MEMBERSHIP_PROGRAM_F_PORTAL,
    MEMBERSHIP_PROGRAM_F_AGREEMENT,
    MEMBERSHIP_PROGRAM_F_COLOR,
    MEMBERSHIP_PROGRAM_F_ARCHIVED,
    MEMBERSHIP_PROGRAM_F__COUNT
};

enum membership_tier_field {
    MEMBERSHIP_TIER_F_NAME,
    MEMBERSHIP_TIER_F_DISCOUNT,
    MEMBERSHIP_TIER_F_MONTHLY_FEE,
    MEMBERSHIP_TIER_F_SETUP_FEE,
    MEMBERSHIP_TIER_F_CURRENCY, /* on create only */
    MEMBERSHIP_TIER_F_FEE_TO_WALLET,
    MEMBERSHIP_TIER_F_THANK_YOU,
    MEMBERSHIP_TIER_F_COLOR,
    MEMBERSHIP_TIER_F_ARCHIVED,
    MEMBERSHIP_TIER_F_PRICES,
    MEMBERSHIP_TIER_F__COUNT
};

/* Values and which of them were given. */
struct membership_program_patch {
    struct membership_program v;
    bool set[MEMBERSHIP_PROGRAM_F__COUNT];
};

struct membership_tier_patch {
    struct membership_tier v;
    /* MEMBERSHIP_TIER_F_PRICES: the whole new set (item_id, price_minor) */
    const struct member_price *prices;
    size_t price_count;
    bool set[MEMBERSHIP_TIER_F__COUNT];
};

/* A tier with its member prices (by item id). */
struct membership_tier_view {
    struct membership_tier t;
    const struct member_price *prices; /* arena-owned */
    size_t price_count;
};

/* A program with its tiers, oldest first. */
struct membership_program_view {
    struct membership_program p;
    struct membership_tier_view *tiers; /* arena-owned */
    size_t tier_count;
};

/*
 * Create a program. A given agreement becomes version 1 (kept in
 * membership_agreements). ERR_INVALID naming the field.
 */
MUST_CHECK enum err app_membership_program_create(
    struct app_ctx *ctx, const struct membership_program_patch *in,
    struct membership_program_view *out, struct errinfo *ei);

/* ERR_NOT_FOUND (param "id") when the account has no program id. */
MUST_CHECK enum err
app_membership_program_get(struct app_ctx *ctx, const char *id,
                           struct membership_program_view *out,
                           struct errinfo *ei);

/*
 * Apply the given fields to program id. A new agreement text (different
 * from the current one) becomes the next version; members keep the
 * version they signed. null removes the agreement (enrolment then asks
 * for no signature); the version number stays.
 */
MUST_CHECK enum err
app_membership_program_update(struct app_ctx *ctx, const char *id,
                              const struct membership_program_patch *in,
                              struct membership_program_view *out,
                              struct errinfo *ei);

/* Live (or archived) programs by id, with their tiers and prices. */
MUST_CHECK enum err
app_membership_program_list(struct app_ctx *ctx, bool archived,
                            const struct page *page,
                            struct membership_program_view **out, size_t *count,
                            bool *has_more, struct errinfo *ei);

/*
 * Add a tier to program id (not archived: ERR_CONFLICT). Currency
 * defaults to the account's. Each member price names a live service or
 * product of the account in the tier's currency, once (ERR_INVALID
 * naming "member_prices[i].item" otherwise).
 */
MUST_CHECK enum err
app_membership_tier_create(struct app_ctx *ctx, const char *program_id,
                           const struct membership_tier_patch *in,
                           struct membership_tier_view *out,
                           struct errinfo *ei);

MUST_CHECK enum err app_membership_tier_get(struct app_ctx *ctx, const char *id,
                                            struct membership_tier_view *out,
                                            struct errinfo *ei);

/*
 * Apply the given fields to tier id; member_prices replaces the whole
 * set. New fees apply to members who enrol from now on: a membership
 * keeps the fees it was sold with.
 */
MUST_CHECK enum err app_membership_tier_update(
    struct app_ctx *ctx, const char *id, const struct membership_tier_patch *in,
    struct membership_tier_view *out, struct errinfo *ei);

struct membership_enrol_input {
    const char *patient_id;
    const char *tier_id;
    const char *card_id;       /* needed unless the tier charges nothing */
    const char *clinic_id;     /* NULL: the account's only live clinic */
    const char *signer_name;   /* needed when the program has an agreement */
    int64_t agreement_version; /* the version shown; 0: not given */
    const char *signer_ip;     /* the caller's address */
    const char *idem_key;      /* the request's Idempotency-Key */
    const char *request_hash;  /* of the request, to refuse a reused key */
};

/*
 * Enrol a patient (see the file comment). Called with a write transaction
 * open; commits it before the gateway is called and returns with one open
 * (phased, as app_payment_create). *out is the membership: active, or
 * pending while the gateway has not answered; after a decline it is
 * filled too (status failed).
 *
 * ERR_RULE "pos_inactive"; ERR_INVALID naming the member (a missing card
 * or signature, a clinic in another currency); ERR_NOT_FOUND for an
 * unknown patient, tier, card (or another patient's) or clinic;
 * ERR_CONFLICT "tier_archived", "agreement_changed" (the version shown is
 * not the current one), "membership_exists" (the patient has a current
 * membership), "idempotency_key_reused"; ERR_DECLINED (402) or
 * ERR_INVALID from the payment; ERR_GATEWAY (still pending: a retry with
 * the same key resumes).
 */
MUST_CHECK enum err
app_membership_enrol(struct app_ctx *ctx,
                     const struct membership_enrol_input *in,
                     struct membership *out, struct errinfo *ei);

MUST_CHECK enum err app_membership_get(struct app_ctx *ctx, const char *id,
                                       struct membership *out,
                                       struct errinfo *ei);

/* Newest first; f's members may be NULL. ERR_INVALID for a bad status. */
MUST_CHECK enum err app_membership_list(struct app_ctx *ctx,
                                        const struct membership_filter *f,
                                        const struct page *page,
                                        struct membership **out, size_t *count,
                                        bool *has_more, struct errinfo *ei);

/* What a patient's active membership does to an invoice's lines. */
struct member_pricing {
    const char *membership_id; /* NULL: no active membership */
    const char *tier_id;
    const char *tier_name;
    int64_t tier_discount_bps; /* 0 without a membership */
    /* Per line: the tier's member price, or PRICING_NO_PRICE. */
    int64_t *member_prices_minor;
};

/*
 * The member pricing of patient_id (may be NULL: none) for the n lines
 * whose items are items[i], for core/pricing's tier_discount_bps and
 * member_price_minor: the tier of the patient's ACTIVE membership, its
 * discount, and its member prices of these items (in the items'
 * currency; a tier in another currency gives its % only). Two
 * statements, whatever n is. *out arena-owned.
 */
MUST_CHECK enum err app_member_pricing(struct app_ctx *ctx,
                                       const char *patient_id,
                                       const struct priced_item *const *items,
                                       size_t n, struct member_pricing *out,
                                       struct errinfo *ei);

#endif
