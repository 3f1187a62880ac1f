/*
 * signature_test.c - Stripe-Signature headers: sign, verify, refuse.
 */
#include <stdio.h>
#include <string.h>

#include "gateway/signature.h"
#include "harness.h"

static const char secret[] = "whsec_test_secret";
static const char body[] = "{\"id\":\"evt_1\",\"type\":\"charge.succeeded\"}";

TEST(signature_round_trip)
{
    char h[SIGNATURE_HEADER_MAX];

    signature_header(secret, 1700000000, body, strlen(body), h, sizeof(h));
    CHECK(strncmp(h, "t=1700000000,v1=", 16) == 0);
    CHECK(strlen(h) == 16 + 64);
    CHECK_RC(signature_verify(secret, h, body, strlen(body), 1700000000,
                              SIGNATURE_TOLERANCE_S, NULL),
             ERR_OK);
}

/* A value computed independently: HMAC-SHA256("k", "1.x"). */
TEST(signature_known_vector)
{
    char h[SIGNATURE_HEADER_MAX];

    signature_header("k", 1, "x", 1, h, sizeof(h));
    CHECK(strcmp(h, "t=1,v1=976cb87e4f568d1c0f03f32859e90af8"
                    "597cf00b978ba37c229c97d3a15b8449") == 0);
}

TEST(signature_refusals)
{
    char h[SIGNATURE_HEADER_MAX];
    char other[2 * SIGNATURE_HEADER_MAX];
    char changed[sizeof(body)];
    struct errinfo ei;
    size_t n = strlen(body);

    signature_header(secret, 1000, body, n, h, sizeof(h));
    memcpy(changed, body, sizeof(body));
    changed[5] ^= 1;
    CHECK_RC(signature_verify(secret, h, changed, n, 1000, 300, &ei),
             ERR_INVALID);
    CHECK(strcmp(ei.code, "signature_invalid") == 0);
    CHECK_RC(signature_verify("whsec_other", h, body, n, 1000, 300, NULL),
             ERR_INVALID);
    CHECK_RC(signature_verify(secret, h, body, n, 1301, 300, &ei), ERR_INVALID);
    CHECK(strstr(ei.message, "tolerance") != NULL);
    CHECK_RC(signature_verify(secret, h, body, n, 699, 300, NULL), ERR_INVALID);
    CHECK_RC(signature_verify(secret, h, body, n, 1300, 300, NULL), ERR_OK);
    CHECK_RC(signature_verify(secret, NULL, body, n, 1000, 300, NULL),
             ERR_INVALID);
    CHECK_RC(signature_verify(secret, "", body, n, 1000, 300, NULL),
             ERR_INVALID);
    /* Only a v0 (legacy) signature: refused. */
    snprintf(other, sizeof(other), "t=1000,v0=%s", h + 10);
    CHECK_RC(signature_verify(secret, other, body, n, 1000, 300, &ei),
             ERR_INVALID);
    CHECK(strstr(ei.message, "no v1") != NULL);
    CHECK_RC(signature_verify(secret, "v1=abc", body, n, 1000, 300, &ei),
             ERR_INVALID);
    CHECK(strstr(ei.message, "timestamp") != NULL);
}

/* During a secret rotation two v1 values arrive; one valid one suffices. */
TEST(signature_rotation)
{
    char h[SIGNATURE_HEADER_MAX];
    char both[2 * SIGNATURE_HEADER_MAX];
    size_t n = strlen(body);

    signature_header(secret, 1000, body, n, h, sizeof(h));
    snprintf(both, sizeof(both), "t=1000, v1=%064d, %s", 0, h + 7);
    CHECK_RC(signature_verify(secret, both, body, n, 1000, 300, NULL), ERR_OK);
}
