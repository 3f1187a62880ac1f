/*
 * membership.c - field rules of membership programs and tiers, the
 * statuses of a membership and the billing calendar. Never touches the
 * store: whether a program exists or an item may carry a member price is
 * decided by app/membership.c.
 *
 * Dates are proleptic Gregorian days counted from 1970-01-01 (Howard
 * Hinnant's days_from_civil and civil_from_days), all in integers.
 */
#include "core/membership.h"

#include <string.h>

#include "base/assert.h"
#include "base/money.h"

#define DAY_MS INT64_C(86400000)

/* Text shown to people: present, within max, no control characters. */
static enum err
check_text(const char *s, size_t max, bool required, const char *param,
           struct errinfo *ei)
{
    bool blank = true;
    size_t n;

    if (s == NULL)
        return required ? errinfo_set(ei, ERR_INVALID, "parameter_missing",
                                      param, "'%s' is required", param)
                        : ERR_OK;
    n = strlen(s);
    if (n > max)
        return errinfo_set(ei, ERR_INVALID, "parameter_invalid", param,
                           "'%s' must be at most %zu bytes long", param, max);
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];

        /* Long texts keep their line breaks and tabs. */
        if ((c < 0x20 && (required || (c != '\n' && c != '\r' && c != '\t'))) ||
            c == 0x7f)
            return errinfo_set(ei, ERR_INVALID, "parameter_invalid", param,
                               "'%s' must not contain control characters",
                               param);
        if (c != ' ')
            blank = false;
    }
    if (required && blank)
        return errinfo_set(ei, ERR_INVALID, "parameter_invalid", param,
                           "'%s' must not be blank", param);
    return ERR_OK;
}

bool
membership_color_is_valid(const char *color)
{
    if (color == NULL || strlen(color) != 7 || color[0] != '#')
        return false;
    for (size_t i = 1; i < 7; i++) {
        char c = color[i];

        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') ||
              (c >= 'A' && c <= 'F')))
            return false;
    }
    return true;
}

static enum err
check_color(const char *color, struct errinfo *ei)
{
    if (color != NULL && !membership_color_is_valid(color))
        return errinfo_set(ei, ERR_INVALID, "parameter_invalid", "color",
                           "color must be \"#RRGGBB\", not '%s'", color);
    return ERR_OK;
}

static enum err
check_amount(int64_t amount_minor, const char *param, struct errinfo *ei)
{
    if (amount_minor < 0 || amount_minor > MEMBERSHIP_AMOUNT_MAX)
        return errinfo_set(ei, ERR_INVALID, "parameter_out_of_range", param,
                           "'%s' must be between 0 and %lld", param,
                           (long long)MEMBERSHIP_AMOUNT_MAX);
    return ERR_OK;
}

enum err
membership_program_check(const struct membership_program *p, struct errinfo *ei)
{
    enum err rc;

    ASSERT(p != NULL);
    ASSERT(p->agreement_version >= 0);
    rc = check_text(p->name, MEMBERSHIP_NAME_MAX, true, "name", ei);
    if (rc == ERR_OK)
        rc = check_text(p->description, MEMBERSHIP_DESCRIPTION_MAX, false,
                        "description", ei);
    if (rc == ERR_OK)
        rc = check_text(p->agreement, MEMBERSHIP_AGREEMENT_MAX, false,
                        "agreement", ei);
    if (rc == ERR_OK && p->agreement != NULL && p->agreement[0] == '\0')
        rc = errinfo_set(ei, ERR_INVALID, "parameter_invalid", "agreement",
                         "an agreement must have text (null removes it)");
    if (rc == ERR_OK)
        rc = check_color(p->color, ei);
    return rc;
}

enum err
membership_tier_check(const struct membership_tier *t, struct errinfo *ei)
{
    enum err rc;

    ASSERT(t != NULL);
    rc = check_text(t->name, MEMBERSHIP_NAME_MAX, true, "name", ei);
    if (rc == ERR_OK &&
        (t->discount_bps < 0 || t->discount_bps > MEMBERSHIP_BPS_WHOLE))
        rc = errinfo_set(ei, ERR_INVALID, "parameter_out_of_range",
                         "discount_bps",
                         "'discount_bps' must be between 0 and %d (100%%)",
                         MEMBERSHIP_BPS_WHOLE);
    if (rc == ERR_OK)
        rc = check_amount(t->monthly_fee_minor, "monthly_fee", ei);
    if (rc == ERR_OK)
        rc = check_amount(t->setup_fee_minor, "setup_fee", ei);
    if (rc == ERR_OK &&
        (t->currency == NULL || currency_by_code(str_c(t->currency)) == NULL))
        rc = errinfo_set(ei, ERR_INVALID, "parameter_invalid", "currency",
                         "unknown currency '%s'",
                         t->currency != NULL ? t->currency : "");
    if (rc == ERR_OK)
        rc = check_text(t->thank_you_message, MEMBERSHIP_THANK_YOU_MAX, false,
                        "thank_you_message", ei);
    if (rc == ERR_OK)
        rc = check_color(t->color, ei);
    return rc;
}

enum err
membership_signer_check(const char *name, const char *param, struct errinfo *ei)
{
    ASSERT(param != NULL);
    return check_text(name, MEMBERSHIP_SIGNER_MAX, true, param, ei);
}

static const char *const statuses[] = {
    "pending", "active", "past_due", "on_hold", "canceled", "failed",
};

bool
membership_status_is_valid(const char *status)
{
    for (size_t i = 0; status != NULL && i < 6; i++) {
        if (strcmp(status, statuses[i]) == 0)
            return true;
    }
    return false;
}

bool
membership_has_benefits(const char *status)
{
    ASSERT(membership_status_is_valid(status));
    /* past_due pauses benefits until paid; on_hold gives none. */
    return strcmp(status, "active") == 0;
}

int64_t
membership_enrolment_due(const struct membership_tier *t)
{
    ASSERT(t->setup_fee_minor >= 0 &&
           t->setup_fee_minor <= MEMBERSHIP_AMOUNT_MAX);
    ASSERT(t->monthly_fee_minor >= 0 &&
           t->monthly_fee_minor <= MEMBERSHIP_AMOUNT_MAX);
    return t->setup_fee_minor + t->monthly_fee_minor;
}

/* Days since 1970-01-01 of y-m-d (m 1..12, d 1..31). */
static int64_t
days_from_civil(int64_t y, int64_t m, int64_t d)
{
    int64_t era;
    int64_t yoe;
    int64_t doy;

    y -= m <= 2;
    era = (y >= 0 ? y : y - 399) / 400;
    yoe = y - era * 400;
    doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    return era * 146097 + yoe * 365 + yoe / 4 - yoe / 100 + doy - 719468;
}

/* The y-m-d of z days since 1970-01-01. */
static void
civil_from_days(int64_t z, int64_t *y, int64_t *m, int64_t *d)
{
    int64_t era;
    int64_t doe;
    int64_t yoe;
    int64_t doy;
    int64_t mp;

    z += 719468;
    era = (z >= 0 ? z : z - 146096) / 146097;
    doe = z - era * 146097;
    yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    mp = (5 * doy + 2) / 153;
    *d = doy - (153 * mp + 2) / 5 + 1;
    *m = mp < 10 ? mp + 3 : mp - 9;
    *y = yoe + era * 400 + (*m <= 2);
}

static int64_t
days_in_month(int64_t y, int64_t m)
{
    static const int64_t days[12] = {31, 28, 31, 30, 31, 30,
                                     31, 31, 30, 31, 30, 31};
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;

    ASSERT(m >= 1 && m <= 12);
    return m == 2 && leap ? 29 : days[m - 1];
}

/* Floor division of ms into days, for times before 1970 too. */
static int64_t
day_of(int64_t at_ms)
{
    return at_ms >= 0 ? at_ms / DAY_MS : -((-at_ms + DAY_MS - 1) / DAY_MS);
}

int
membership_billing_day(int64_t at_ms)
{
    int64_t y;
    int64_t m;
    int64_t d;

    civil_from_days(day_of(at_ms), &y, &m, &d);
    ASSERT(d >= 1 && d <= 31);
    return (int)d;
}

int64_t
membership_period_end(int64_t start_ms, int billing_day)
{
    int64_t day = day_of(start_ms);
    int64_t time_of_day_ms = start_ms - day * DAY_MS;
    int64_t y;
    int64_t m;
    int64_t d;
    int64_t end_day;

    ASSERT(billing_day >= 1 && billing_day <= 31);
    civil_from_days(day, &y, &m, &d);
    m++;
    if (m > 12) {
        m = 1;
        y++;
    }
    d = billing_day < days_in_month(y, m) ? billing_day : days_in_month(y, m);
    end_day = days_from_civil(y, m, d);
    ASSERT(end_day > day);
    return end_day * DAY_MS + time_of_day_ms;
}
