/*
 * memberships.h - the membership_programs, membership_agreements,
 * membership_tiers, membership_tier_prices and memberships tables.
 *
 * Plain reads and writes: every rule is checked by app/membership.c
 * before a write. Strings of the structs filled here are arena-owned.
 * Lists of ids travel as one JSON-array parameter (see store/invoices.c),
 * so a page of programs with all their tiers and prices is three
 * statements. ERR_CONFLICT is a unique or check violation (PostgreSQL
 * names the constraint in errinfo.param), ERR_BUSY a lock timeout,
 * ERR_STORE anything else (see store.h).
 */
#ifndef POISE_STORE_MEMBERSHIPS_H
#define POISE_STORE_MEMBERSHIPS_H

#include <stdbool.h>
#include <stdint.h>

#include "core/membership.h"
#include "store/store.h"

struct membership {
    const char *id;
    const char *patient_id;
    const char *tier_id;
    const char *clinic_id;
    const char
        *status; /* pending, active, past_due, on_hold, canceled, failed */
    const char *card_id; /* may be NULL */
    const char *currency;
    int64_t monthly_fee_minor; /* fixed at enrolment */
    int64_t setup_fee_minor;
    int64_t billing_day; /* 1..31; 0 until active */
    int64_t current_period_start_ms;
    int64_t current_period_end_ms;
    int64_t agreement_version; /* 0: the program had none */
    const char *signer_name;
    int64_t signed_at_ms;
    const char *signer_ip;
    const char *enrolment_payment_id; /* may be NULL */
    const char *idem_key;
    const char *request_hash;
    int64_t resume_at_ms;
    bool cancel_at_period_end;
    const char *next_tier_id;
    const char *created_by;
    int64_t created_at_ms;
    int64_t updated_at_ms;
    int64_t activated_at_ms;
    int64_t ended_at_ms;
};

struct membership_filter {
    const char *patient_id; /* NULL: any */
    const char *tier_id;    /* NULL: any */
    const char *status;     /* NULL: any */
};

/* What a patient's active membership gives at checkout. */
struct member_benefits {
    const char *membership_id;
    const char *tier_id;
    const char *tier_name;
    int64_t discount_bps;
    const char *currency;
};

/* ---- programs and their agreements ---- */

MUST_CHECK enum err store_membership_program_insert(
    struct db *db, struct arena *a, const char *account_id,
    const struct membership_program *p, struct errinfo *ei);
/* Overwrite every mutable field of p->id. */
MUST_CHECK enum err store_membership_program_update(
    struct db *db, struct arena *a, const char *account_id,
    const struct membership_program *p, struct errinfo *ei);
/* ERR_NOT_FOUND when the account has no program id. */
MUST_CHECK enum err store_membership_program_get(struct db *db, struct arena *a,
                                                 const char *account_id,
                                                 const char *id,
                                                 struct membership_program *out,
                                                 struct errinfo *ei);
/* Ids ascending, archived ones or live ones; *out arena-owned. */
MUST_CHECK enum err store_membership_program_list(
    struct db *db, struct arena *a, const char *account_id, bool archived,
    int64_t limit, const char *starting_after, struct membership_program **out,
    size_t *count, bool *has_more, struct errinfo *ei);
/* Keep version of program_id's agreement text. */
MUST_CHECK enum err store_membership_agreement_insert(
    struct db *db, struct arena *a, const char *account_id,
    const char *program_id, int64_t version, const char *body,
    const char *created_by, int64_t at_ms, struct errinfo *ei);

/* ---- tiers and member prices ---- */

MUST_CHECK enum err store_membership_tier_insert(
    struct db *db, struct arena *a, const char *account_id,
    const struct membership_tier *t, struct errinfo *ei);
/* Overwrite every mutable field of t->id. */
MUST_CHECK enum err store_membership_tier_update(
    struct db *db, struct arena *a, const char *account_id,
    const struct membership_tier *t, struct errinfo *ei);
MUST_CHECK enum err store_membership_tier_get(struct db *db, struct arena *a,
                                              const char *account_id,
                                              const char *id,
                                              struct membership_tier *out,
                                              struct errinfo *ei);
/*
 * The tiers of the programs in program_ids_json (a JSON array of ids),
 * ordered by program then id; *out arena-owned.
 */
MUST_CHECK enum err store_membership_tiers_of(struct db *db, struct arena *a,
                                              const char *account_id,
                                              const char *program_ids_json,
                                              struct membership_tier **out,
                                              size_t *count,
                                              struct errinfo *ei);
/*
 * The member prices of the tiers in tier_ids_json, ordered by tier then
 * item; *out arena-owned.
 */
MUST_CHECK enum err store_member_prices_of(struct db *db, struct arena *a,
                                           const char *account_id,
                                           const char *tier_ids_json,
                                           struct member_price **out,
                                           size_t *count, struct errinfo *ei);
/*
 * The member prices of tier_id for the items in item_ids_json, in no
 * particular order; items without one are absent. *out arena-owned.
 */
MUST_CHECK enum err store_member_prices_for(struct db *db, struct arena *a,
                                            const char *account_id,
                                            const char *tier_id,
                                            const char *item_ids_json,
                                            struct member_price **out,
                                            size_t *count, struct errinfo *ei);
/* Remove every member price of tier_id. */
MUST_CHECK enum err store_member_prices_delete(struct db *db, struct arena *a,
                                               const char *account_id,
                                               const char *tier_id,
                                               struct errinfo *ei);
MUST_CHECK enum err store_member_price_insert(struct db *db, struct arena *a,
                                              const char *account_id,
                                              const struct member_price *mp,
                                              struct errinfo *ei);

/* ---- memberships ---- */

/*
 * ERR_CONFLICT when the patient has a current membership (constraint
 * memberships_current) or the key was used (memberships_idem).
 */
MUST_CHECK enum err store_membership_insert(struct db *db, struct arena *a,
                                            const char *account_id,
                                            const struct membership *m,
                                            struct errinfo *ei);
/*
 * Write m's status, card, billing day and period, payment, hold and
 * cancel fields, tier change and times (updated, activated, ended).
 */
MUST_CHECK enum err store_membership_update(struct db *db, struct arena *a,
                                            const char *account_id,
                                            const struct membership *m,
                                            struct errinfo *ei);
/* ERR_NOT_FOUND when absent. */
MUST_CHECK enum err store_membership_get(struct db *db, struct arena *a,
                                         const char *account_id, const char *id,
                                         struct membership *out,
                                         struct errinfo *ei);
/* store_membership_get, locked for update on PostgreSQL. */
MUST_CHECK enum err store_membership_lock(struct db *db, struct arena *a,
                                          const char *account_id,
                                          const char *id,
                                          struct membership *out,
                                          struct errinfo *ei);
/* The membership enrolled with Idempotency-Key idem_key, or ERR_NOT_FOUND. */
MUST_CHECK enum err store_membership_by_key(struct db *db, struct arena *a,
                                            const char *account_id,
                                            const char *idem_key,
                                            struct membership *out,
                                            struct errinfo *ei);
/*
 * The patient's current membership (pending, active, past_due or
 * on_hold), or ERR_NOT_FOUND.
 */
MUST_CHECK enum err store_membership_current(struct db *db, struct arena *a,
                                             const char *account_id,
                                             const char *patient_id,
                                             struct membership *out,
                                             struct errinfo *ei);
/* Newest first. */
MUST_CHECK enum err
store_membership_list(struct db *db, struct arena *a, const char *account_id,
                      const struct membership_filter *f, int64_t limit,
                      const char *starting_after, struct membership **out,
                      size_t *count, bool *has_more, struct errinfo *ei);
/*
 * The tier of patient_id's active membership (one statement), or
 * ERR_NOT_FOUND when the patient has none.
 */
MUST_CHECK enum err store_member_benefits(struct db *db, struct arena *a,
                                          const char *account_id,
                                          const char *patient_id,
                                          struct member_benefits *out,
                                          struct errinfo *ei);

#endif
