/*
 * signature.c - Stripe-Signature headers: HMAC-SHA256 over "t.body".
 */
#include "gateway/signature.h"

#include <sodium.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "base/assert.h"
#include "base/str.h"

#define HEX_LEN (crypto_auth_hmacsha256_BYTES * 2)

/* Lower-case hex HMAC-SHA256(secret, "<t_s>.<body>") into out[HEX_LEN+1]. */
static void
sign(const char *secret, int64_t t_s, const char *body, size_t body_len,
     char *out)
{
    crypto_auth_hmacsha256_state st;
    unsigned char mac[crypto_auth_hmacsha256_BYTES];
    char prefix[32];
    int n = snprintf(prefix, sizeof(prefix), "%lld.", (long long)t_s);

    ASSERT(n > 0 && (size_t)n < sizeof(prefix));
    crypto_auth_hmacsha256_init(&st, (const unsigned char *)secret,
                                strlen(secret));
    crypto_auth_hmacsha256_update(&st, (const unsigned char *)prefix,
                                  (size_t)n);
    crypto_auth_hmacsha256_update(&st, (const unsigned char *)body, body_len);
    crypto_auth_hmacsha256_final(&st, mac);
    sodium_bin2hex(out, HEX_LEN + 1, mac, sizeof(mac));
    sodium_memzero(&st, sizeof(st));
}

void
signature_header(const char *secret, int64_t t_s, const char *body,
                 size_t body_len, char *out, size_t cap)
{
    char hex[HEX_LEN + 1];

    ASSERT(secret != NULL && body != NULL);
    ASSERT(cap >= SIGNATURE_HEADER_MAX);
    sign(secret, t_s, body, body_len, hex);
    snprintf(out, cap, "t=%lld,v1=%s", (long long)t_s, hex);
}

/* The next ','-separated element of *rest, without surrounding spaces. */
static struct str
next_item(struct str *rest)
{
    struct str item;

    p_until(rest, ',', &item);
    if (rest->len > 0) { /* skip the ',' p_until stopped at */
        rest->ptr++;
        rest->len--;
    }
    while (item.len > 0 && char_is_space(item.ptr[0])) {
        item.ptr++;
        item.len--;
    }
    while (item.len > 0 && char_is_space(item.ptr[item.len - 1]))
        item.len--;
    return item;
}

/* The timestamp element "t=<digits>" of header; false if absent or bad. */
static bool
header_time(struct str rest, int64_t *t_out)
{
    while (rest.len > 0) {
        struct str item = next_item(&rest);

        if (str_has_prefix(item, STR("t=")))
            return str_to_i64((struct str){item.ptr + 2, item.len - 2}, 0,
                              INT64_MAX, t_out) == ERR_OK;
    }
    return false;
}

/*
 * Compare every v1 element of header with expected (HEX_LEN hex chars),
 * each in full and in constant time, so timing tells nothing of a prefix.
 */
static bool
header_matches(struct str rest, const char *expected, bool *any_v1)
{
    bool match = false;

    *any_v1 = false;
    while (rest.len > 0) {
        struct str item = next_item(&rest);

        if (!str_has_prefix(item, STR("v1=")))
            continue;
        *any_v1 = true;
        if (item.len - 3 == HEX_LEN &&
            sodium_memcmp(item.ptr + 3, expected, HEX_LEN) == 0)
            match = true;
    }
    return match;
}

enum err
signature_verify(const char *secret, const char *header, const char *body,
                 size_t body_len, int64_t now_s, int64_t tolerance_s,
                 struct errinfo *ei)
{
    char expected[HEX_LEN + 1];
    int64_t t_s;
    bool any_v1;

    ASSERT(secret != NULL && body != NULL);
    ASSERT(tolerance_s > 0);
    if (header == NULL || header[0] == '\0')
        return errinfo_set(ei, ERR_INVALID, "signature_invalid", NULL,
                           "no signature header");
    if (!header_time(str_c(header), &t_s))
        return errinfo_set(ei, ERR_INVALID, "signature_invalid", NULL,
                           "the signature header has no timestamp");
    if (t_s < now_s - tolerance_s || t_s > now_s + tolerance_s)
        return errinfo_set(ei, ERR_INVALID, "signature_invalid", NULL,
                           "the signature timestamp is outside the %lld s "
                           "tolerance",
                           (long long)tolerance_s);
    sign(secret, t_s, body, body_len, expected);
    if (!header_matches(str_c(header), expected, &any_v1))
        return errinfo_set(ei, ERR_INVALID, "signature_invalid", NULL,
                           any_v1 ? "no v1 signature matches"
                                  : "the signature header has no v1 "
                                    "signature");
    return ERR_OK;
}
