/*
 * clinic.h - clinic use cases.
 */
#ifndef POISE_APP_CLINIC_H
#define POISE_APP_CLINIC_H

#include "app/app.h"
#include "core/clinic.h"

/* The mutable fields, in the order of the API's members. */
enum clinic_field {
    CLINIC_F_NAME,
    CLINIC_F_LINE1,
    CLINIC_F_LINE2,
    CLINIC_F_CITY,
    CLINIC_F_STATE,
    CLINIC_F_POSTAL_CODE,
    CLINIC_F_COUNTRY,
    CLINIC_F_TIMEZONE,
    CLINIC_F_CURRENCY,
    CLINIC_F_TAX_RATE_BPS,
    CLINIC_F_ARCHIVED,
    CLINIC_F__COUNT
};

/* Values and which of them were given. */
struct clinic_patch {
    struct clinic v;
    bool set[CLINIC_F__COUNT];
};

/*
 * Create a clinic from the given fields; country defaults to US, currency
 * to the account's, timezone to America/New_York, tax rate to 0.
 */
MUST_CHECK enum err app_clinic_create(struct app_ctx *ctx,
                                      const struct clinic_patch *in,
                                      struct clinic *out, struct errinfo *ei);

MUST_CHECK enum err app_clinic_get(struct app_ctx *ctx, const char *id,
                                   struct clinic *out, struct errinfo *ei);

/* Apply the given fields to clinic id and check the result. */
MUST_CHECK enum err app_clinic_update(struct app_ctx *ctx, const char *id,
                                      const struct clinic_patch *in,
                                      struct clinic *out, struct errinfo *ei);

MUST_CHECK enum err app_clinic_list(struct app_ctx *ctx,
                                    const struct page *page,
                                    struct clinic **out, size_t *count,
                                    bool *has_more, struct errinfo *ei);

/* True when tz is a canonical IANA time-zone name ICU knows. */
bool app_timezone_is_valid(const char *tz);

#endif
