/*
 * membership_test.c - tests for core/membership: program and tier field
 * rules, colours, signatures, statuses and their benefits, what an
 * enrolment charges, and the billing calendar (month ends, leap years,
 * the time of day kept).
 */
#include "core/membership.h"

#include <string.h>

#include "harness.h"

#define DAY_MS INT64_C(86400000)

/* 2026-01-31T15:30:00Z, and the days after it. */
#define JAN31_MS (INT64_C(1769873400) * 1000)

static struct membership_tier
gold(void)
{
    struct membership_tier t = {
        .name = "Gold",
        .discount_bps = 1000,
        .monthly_fee_minor = 9900,
        .setup_fee_minor = 2500,
        .currency = "USD",
    };

    return t;
}

static bool
param_is(const struct errinfo *ei, const char *param)
{
    return strcmp(ei->param, param) == 0;
}

TEST(membership_program_fields)
{
    struct membership_program p = {.name = "Glow Club"};
    struct errinfo ei;

    CHECK_RC(membership_program_check(&p, &ei), ERR_OK);
    p.agreement = "I agree to pay monthly.\nCancel any time.";
    p.color = "#C0FFEE";
    CHECK_RC(membership_program_check(&p, &ei), ERR_OK);
    p.name = "   ";
    CHECK_RC(membership_program_check(&p, &ei), ERR_INVALID);
    CHECK(param_is(&ei, "name"));
    p.name = NULL;
    CHECK_RC(membership_program_check(&p, &ei), ERR_INVALID);
    CHECK(strcmp(ei.code, "parameter_missing") == 0);
    p.name = "Glow Club";
    p.color = "red";
    CHECK_RC(membership_program_check(&p, &ei), ERR_INVALID);
    CHECK(param_is(&ei, "color"));
    p.color = NULL;
    p.agreement = "";
    CHECK_RC(membership_program_check(&p, &ei), ERR_INVALID);
    CHECK(param_is(&ei, "agreement"));
    p.agreement = "bell\a";
    CHECK_RC(membership_program_check(&p, &ei), ERR_INVALID);
}

TEST(membership_tier_fields)
{
    struct membership_tier t = gold();
    struct errinfo ei;

    CHECK_RC(membership_tier_check(&t, &ei), ERR_OK);
    t.discount_bps = 0; /* a tier without a % is allowed */
    CHECK_RC(membership_tier_check(&t, &ei), ERR_OK);
    t.discount_bps = 10001;
    CHECK_RC(membership_tier_check(&t, &ei), ERR_INVALID);
    CHECK(param_is(&ei, "discount_bps"));
    t = gold();
    t.monthly_fee_minor = -1;
    CHECK_RC(membership_tier_check(&t, &ei), ERR_INVALID);
    CHECK(param_is(&ei, "monthly_fee"));
    t = gold();
    t.setup_fee_minor = MEMBERSHIP_AMOUNT_MAX + 1;
    CHECK_RC(membership_tier_check(&t, &ei), ERR_INVALID);
    CHECK(param_is(&ei, "setup_fee"));
    t = gold();
    t.currency = "XXY";
    CHECK_RC(membership_tier_check(&t, &ei), ERR_INVALID);
    CHECK(param_is(&ei, "currency"));
    t = gold();
    t.color = "#12345";
    CHECK_RC(membership_tier_check(&t, &ei), ERR_INVALID);
    CHECK(param_is(&ei, "color"));
}

TEST(membership_colors_and_signers)
{
    struct errinfo ei;

    CHECK(membership_color_is_valid("#a1B2c3"));
    CHECK(!membership_color_is_valid("#a1B2c"));
    CHECK(!membership_color_is_valid("a1B2c3d"));
    CHECK(!membership_color_is_valid("#a1B2cg"));
    CHECK(!membership_color_is_valid(NULL));
    CHECK_RC(membership_signer_check("Ava Stone", "sig", &ei), ERR_OK);
    CHECK_RC(membership_signer_check(" ", "sig", &ei), ERR_INVALID);
    CHECK(param_is(&ei, "sig"));
    CHECK_RC(membership_signer_check("Ava\nStone", "sig", &ei), ERR_INVALID);
    CHECK_RC(membership_signer_check(NULL, "sig", &ei), ERR_INVALID);
}

TEST(membership_statuses)
{
    CHECK(membership_status_is_valid("pending"));
    CHECK(membership_status_is_valid("failed"));
    CHECK(!membership_status_is_valid("paused"));
    CHECK(!membership_status_is_valid(NULL));
    CHECK(membership_has_benefits("active"));
    CHECK(!membership_has_benefits("past_due"));
    CHECK(!membership_has_benefits("on_hold"));
    CHECK(!membership_has_benefits("pending"));
    CHECK_DEATH(membership_has_benefits("paused"));
}

TEST(membership_enrolment_charges_setup_and_first_month)
{
    struct membership_tier t = gold();

    CHECK_I64(membership_enrolment_due(&t), 12400);
    t.setup_fee_minor = 0;
    CHECK_I64(membership_enrolment_due(&t), 9900);
    t.setup_fee_minor = MEMBERSHIP_AMOUNT_MAX;
    t.monthly_fee_minor = MEMBERSHIP_AMOUNT_MAX;
    CHECK_I64(membership_enrolment_due(&t), 2 * MEMBERSHIP_AMOUNT_MAX);
}

TEST(membership_billing_calendar)
{
    int64_t end;

    CHECK_I64(membership_billing_day(JAN31_MS), 31);
    CHECK_I64(membership_billing_day(0), 1);
    CHECK_I64(membership_billing_day(-1), 31); /* 1969-12-31T23:59:59.999 */
    /* 31 January: 28 February (2026 is not a leap year), same time. */
    end = membership_period_end(JAN31_MS, 31);
    CHECK_I64(end, JAN31_MS + 28 * DAY_MS);
    /* ... then 31 March: the billing day comes back. */
    CHECK_I64(membership_period_end(end, 31), JAN31_MS + 59 * DAY_MS);
    /* 15 December 2026 -> 15 January 2027 across the year. */
    CHECK_I64(membership_period_end(JAN31_MS + 318 * DAY_MS, 15),
              JAN31_MS + 349 * DAY_MS);
    /* 2028 is a leap year: 31 January 2028 -> 29 February. */
    CHECK_I64(membership_period_end(JAN31_MS + 730 * DAY_MS, 31),
              JAN31_MS + 759 * DAY_MS);
    CHECK_DEATH((void)membership_period_end(JAN31_MS, 0));
}
