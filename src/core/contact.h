/*
 * contact.h - e-mail addresses and phone numbers: validation and the one
 * normal form we store. Pure.
 */
#ifndef POISE_CORE_CONTACT_H
#define POISE_CORE_CONTACT_H

#include <stddef.h>

#include "base/err.h"

#define EMAIL_MAX 254
#define PHONE_E164_MAX 16 /* '+' and up to 15 digits */

/*
 * Normalise an e-mail address into out (cap bytes): trimmed of surrounding
 * spaces, lower-cased. ERR_INVALID (param "email") unless it has exactly
 * one '@', a non-empty local part without spaces, a domain with a dot,
 * labels of letters, digits and '-', and at most EMAIL_MAX bytes.
 */
MUST_CHECK enum err contact_email_normalize(const char *in, char *out,
                                            size_t cap, struct errinfo *ei);

/*
 * Normalise a phone number to E.164 into out (cap >= PHONE_E164_MAX + 1):
 * spaces, dots, dashes and parentheses are dropped; a leading '+' keeps
 * the country code; 10 digits are taken as a US/Canada (NANP) number and
 * 11 digits starting with 1 likewise. ERR_INVALID (param "phone")
 * otherwise.
 */
MUST_CHECK enum err contact_phone_normalize(const char *in, char *out,
                                            size_t cap, struct errinfo *ei);

#endif
