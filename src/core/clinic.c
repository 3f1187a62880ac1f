/*
 * clinic.c - clinic field rules.
 */
#include "core/clinic.h"

#include <string.h>

#include "base/money.h"

static const char us_states[] =
    "AL AK AZ AR CA CO CT DE FL GA HI ID IL IN IA KS KY LA ME MD MA MI MN "
    "MS MO MT NE NV NH NJ NM NY NC ND OH OK OR PA RI SC SD TN TX UT VT VA "
    "WA WV WI WY DC PR GU VI AS MP";

static bool
is_upper2(const char *s)
{
    return s != NULL && strlen(s) == 2 && s[0] >= 'A' && s[0] <= 'Z' &&
           s[1] >= 'A' && s[1] <= 'Z';
}

bool
clinic_is_us_state(const char *code)
{
    const char *p;

    if (!is_upper2(code))
        return false;
    for (p = us_states; *p != '\0'; p += 3) {
        if (p[0] == code[0] && p[1] == code[1])
            return true;
        if (p[2] == '\0')
            break;
    }
    return false;
}

static bool
is_us_zip(const char *s)
{
    size_t n = strlen(s);

    if (n != 5 && n != 10)
        return false;
    for (size_t i = 0; i < n; i++) {
        if (i == 5) {
            if (s[i] != '-')
                return false;
        } else if (s[i] < '0' || s[i] > '9') {
            return false;
        }
    }
    return true;
}

static enum err
check_address(const struct clinic *c, struct errinfo *ei)
{
    bool us;

    if (!is_upper2(c->country))
        return errinfo_set(ei, ERR_INVALID, "parameter_invalid", "country",
                           "country must be an ISO 3166 alpha-2 code such "
                           "as 'US'");
    us = strcmp(c->country, "US") == 0;
    if (us && c->state != NULL && !clinic_is_us_state(c->state))
        return errinfo_set(ei, ERR_INVALID, "parameter_invalid",
                           "address.state", "unknown US state '%s'", c->state);
    if (us && c->postal_code != NULL && !is_us_zip(c->postal_code))
        return errinfo_set(ei, ERR_INVALID, "parameter_invalid",
                           "address.postal_code",
                           "US postal code must be 12345 or 12345-6789");
    return ERR_OK;
}

enum err
clinic_check(const struct clinic *c, struct errinfo *ei)
{
    enum err rc;

    if (c->name == NULL || c->name[0] == '\0')
        return errinfo_set(ei, ERR_INVALID, "parameter_missing", "name",
                           "name must not be empty");
    rc = check_address(c, ei);
    if (rc)
        return rc;
    if (c->currency == NULL || currency_by_code(str_c(c->currency)) == NULL)
        return errinfo_set(ei, ERR_INVALID, "parameter_invalid", "currency",
                           "unknown currency '%s'",
                           c->currency != NULL ? c->currency : "");
    if (c->tax_rate_bps < 0 || c->tax_rate_bps > TAX_RATE_BPS_MAX)
        return errinfo_set(ei, ERR_INVALID, "parameter_out_of_range",
                           "tax_rate_bps",
                           "tax_rate_bps must be between 0 and 10000");
    return ERR_OK;
}
