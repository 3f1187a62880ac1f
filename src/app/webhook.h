/*
 * webhook.h - events from the gateways, verified and applied once.
 */
#ifndef POISE_APP_WEBHOOK_H
#define POISE_APP_WEBHOOK_H

#include "app/app.h"
#include "base/str.h"

/*
 * Verify a delivery to /v1/webhooks/<gateway> (the raw body and its
 * signature header) and apply it in ctx's transaction: the event id is
 * recorded with its effect, so a redelivery (*duplicate) changes nothing.
 * ctx has no account on entry; the event names it. ERR_INVALID
 * "signature_invalid" for a bad or stale signature or an unknown account.
 */
MUST_CHECK enum err app_webhook_receive(struct app_ctx *ctx,
                                        const char *gateway,
                                        const char *signature, struct str body,
                                        bool *duplicate, const char **event_id,
                                        struct errinfo *ei);

#endif
