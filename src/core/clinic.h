/*
 * clinic.h - a practice location and the rules its fields obey. Pure.
 */
#ifndef POISE_CORE_CLINIC_H
#define POISE_CORE_CLINIC_H

#include <stdbool.h>
#include <stdint.h>

#include "base/err.h"

#define CLINIC_NAME_MAX 200
#define TAX_RATE_BPS_MAX 10000

struct clinic {
    const char *id;
    const char *name;
    const char *line1;
    const char *line2;
    const char *city;
    const char *state; /* US: two-letter code */
    const char *postal_code;
    const char *country;  /* ISO 3166 alpha-2 */
    const char *timezone; /* IANA; checked by app (needs ICU) */
    const char *currency; /* ISO 4217 */
    int64_t tax_rate_bps;
    bool archived;
    int64_t created_at_ms;
    int64_t updated_at_ms;
};

/*
 * Check every field of c (after defaults and a patch are applied):
 * name present, country two upper-case letters, a valid US state when the
 * country is US, postal code shape for US, a known currency, tax rate
 * within 0..TAX_RATE_BPS_MAX. ERR_INVALID naming the field otherwise.
 */
MUST_CHECK enum err clinic_check(const struct clinic *c, struct errinfo *ei);

/* True for the 50 states, DC and the US territories' two-letter codes. */
bool clinic_is_us_state(const char *code);

#endif
