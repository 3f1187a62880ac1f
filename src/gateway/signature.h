/*
 * signature.h - webhook signatures in Stripe's scheme, both directions.
 *
 * A delivery carries `Stripe-Signature: t=<unix seconds>,v1=<hex>[,v1=...]`
 * where each v1 is HMAC-SHA256(secret, "<t>.<raw body>") in lower-case
 * hex. Verification splits the header on ',' and '=', keeps t and every v1
 * (v0 and anything else is ignored), compares each v1 with the expected
 * value in constant time, and refuses a timestamp more than tolerance
 * seconds from now in either direction. The sandbox signs its deliveries
 * with the same code, so one verifier serves both.
 */
#ifndef POISE_GATEWAY_SIGNATURE_H
#define POISE_GATEWAY_SIGNATURE_H

#include <stddef.h>
#include <stdint.h>

#include "base/err.h"

/* Stripe's libraries' default; never 0 (that would disable the check). */
#define SIGNATURE_TOLERANCE_S 300
/* Bytes of a header signature_header() writes, NUL included. */
#define SIGNATURE_HEADER_MAX 128

/*
 * Write "t=<t>,v1=<hex>" for body signed with secret at unix time t_s to
 * out (cap >= SIGNATURE_HEADER_MAX, asserted).
 */
void signature_header(const char *secret, int64_t t_s, const char *body,
                      size_t body_len, char *out, size_t cap);

/*
 * Verify header for body against secret at now_s with tolerance_s (> 0,
 * asserted). ERR_INVALID "signature_invalid" with a message saying why:
 * no header, no t, no v1, a timestamp outside the tolerance, or no v1
 * that matches.
 */
MUST_CHECK enum err signature_verify(const char *secret, const char *header,
                                     const char *body, size_t body_len,
                                     int64_t now_s, int64_t tolerance_s,
                                     struct errinfo *ei);

#endif
