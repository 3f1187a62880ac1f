/*
 * demo.h - the demo practice "Glow Aesthetics", built through the same
 * use cases as the API so it obeys every rule and leaves an audit trail.
 */
#ifndef POISE_APP_DEMO_H
#define POISE_APP_DEMO_H

#include "app/account.h"

#define DEMO_HEAD_ADMIN_EMAIL "owner@glow.example"
#define DEMO_PATIENT_COUNT 200

/* True when the demo head admin exists (the demo is loaded). */
MUST_CHECK enum err app_demo_exists(struct app_ctx *ctx, bool *exists,
                                    struct errinfo *ei);

/*
 * Load the demo practice in ctx's transaction. On success ctx acts in the
 * new account as its head admin and *out describes it.
 */
MUST_CHECK enum err app_demo_load(struct app_ctx *ctx,
                                  struct account_created *out,
                                  struct errinfo *ei);

/*
 * Mint a new API key for the demo head admin named "Demo key" and revoke
 * earlier ones, so each `make run` prints a working key.
 */
MUST_CHECK enum err app_demo_key(struct app_ctx *ctx, struct api_key *out,
                                 struct errinfo *ei);

#endif
