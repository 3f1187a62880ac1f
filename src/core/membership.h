/*
 * membership.h - membership programs, their tiers and the memberships of
 * patients: the rules their fields obey, which statuses carry benefits,
 * what an enrolment charges and the calendar of billing periods. Pure:
 * no I/O, no clock, no allocation.
 *
 * A program (name, description, agreement, colour, portal flag) has
 * tiers; a tier gives its members a discount in basis points on every
 * line without a member price, and member prices per service or product,
 * for a monthly fee and a one-time setup fee in the tier's currency.
 * Amounts are integer minor units.
 */
#ifndef POISE_CORE_MEMBERSHIP_H
#define POISE_CORE_MEMBERSHIP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/err.h"

#define MEMBERSHIP_NAME_MAX 100
#define MEMBERSHIP_DESCRIPTION_MAX 2000
#define MEMBERSHIP_AGREEMENT_MAX 100000
#define MEMBERSHIP_THANK_YOU_MAX 2000
#define MEMBERSHIP_SIGNER_MAX 200
#define MEMBERSHIP_BPS_WHOLE 10000
/* A fee or member price: $1,000,000.00 at most, as a catalog price. */
#define MEMBERSHIP_AMOUNT_MAX INT64_C(100000000)
/* Member prices one tier may hold. */
#define MEMBERSHIP_PRICES_MAX 500

struct membership_program {
    const char *id;
    const char *name;
    const char *description; /* may be NULL */
    bool portal_enabled;
    const char *agreement;     /* the current text; NULL: none */
    int64_t agreement_version; /* 0: never had one; +1 per new text */
    const char *color;         /* "#RRGGBB" or NULL */
    bool archived;
    int64_t created_at_ms;
    int64_t updated_at_ms;
};

struct membership_tier {
    const char *id;
    const char *program_id;
    const char *name;
    int64_t discount_bps; /* on lines without a member price */
    int64_t monthly_fee_minor;
    int64_t setup_fee_minor;
    const char *currency; /* ISO 4217 */
    bool fee_to_wallet;   /* the monthly fee is banked as wallet credit */
    const char *thank_you_message; /* may be NULL */
    const char *color;             /* "#RRGGBB" or NULL: the program's */
    bool archived;
    int64_t created_at_ms;
    int64_t updated_at_ms;
};

/* A tier's price for one service or product. */
struct member_price {
    const char *tier_id;
    const char *item_id;
    int64_t price_minor;
};

/*
 * Check every field of p (after defaults and a patch are applied): a name
 * of 1..MEMBERSHIP_NAME_MAX bytes that is not blank and has no control
 * characters, a description and agreement within their sizes, a colour
 * that is "#RRGGBB" or NULL. ERR_INVALID naming the field otherwise.
 */
MUST_CHECK enum err membership_program_check(const struct membership_program *p,
                                             struct errinfo *ei);

/*
 * Check every field of t: name as for a program, discount_bps within
 * 0..MEMBERSHIP_BPS_WHOLE, fees within 0..MEMBERSHIP_AMOUNT_MAX, a known
 * currency, the thank-you message's size, the colour. ERR_INVALID naming
 * the field.
 */
MUST_CHECK enum err membership_tier_check(const struct membership_tier *t,
                                          struct errinfo *ei);

/* True for "#" and six hexadecimal digits. */
bool membership_color_is_valid(const char *color);

/*
 * A member's name as signed under the agreement: 1..MEMBERSHIP_SIGNER_MAX
 * bytes, not blank, no control characters. ERR_INVALID naming param.
 */
MUST_CHECK enum err membership_signer_check(const char *name, const char *param,
                                            struct errinfo *ei);

/* The statuses; see docs/memberships.md. */
bool membership_status_is_valid(const char *status);

/* Does a membership in status give member prices and the tier %? */
bool membership_has_benefits(const char *status);

/*
 * What enrolling in t charges at once: the setup fee and the first month,
 * in *due_minor. Both fees are within range (the tier was checked), so
 * the sum cannot overflow.
 */
int64_t membership_enrolment_due(const struct membership_tier *t);

/* The day of the month (1..31, UTC) of at_ms: a new member's billing day. */
int membership_billing_day(int64_t at_ms);

/*
 * The end of the period that starts at start_ms for billing day
 * billing_day (1..31): the same time of day on the billing day of the
 * next month, or that month's last day when it is shorter (a member who
 * joined on 31 January renews on 28 or 29 February, then 31 March).
 * UTC calendar. NEEDSWORK: the clinic's own calendar day, when the
 * billing job (issue 7) runs per clinic time zone.
 */
int64_t membership_period_end(int64_t start_ms, int billing_day);

#endif
