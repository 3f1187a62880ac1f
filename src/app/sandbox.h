/*
 * sandbox.h - the built-in sandbox processor as Poise's app sees it: its
 * start-up, and the processor-side endpoints a real processor would host
 * (the card field's tokens, a reader being tapped, the test clock).
 *
 * These are the processor's doors, not Poise's: card numbers arrive here
 * and go straight to the sandbox, which keeps brand, last 4 and expiry.
 * Every call requires that the account's POS runs on the sandbox gateway.
 */
#ifndef POISE_APP_SANDBOX_H
#define POISE_APP_SANDBOX_H

#include "app/app.h"
#include "gateway/gateway.h"
#include "gateway/sandbox.h"

/*
 * Open the sandbox's own database next to Poise's (db_url): the file
 * "<name>-sandbox.db" beside a SQLite database (or $POISE_SANDBOX_DB), or
 * schema "sandbox" of a PostgreSQL database. Webhooks go to webhook_url.
 */
MUST_CHECK enum err app_sandbox_open(const char *db_url,
                                     const char *webhook_url,
                                     struct errinfo *ei);
void app_sandbox_close(void);

MUST_CHECK enum err
app_sandbox_tokenize(struct app_ctx *ctx, const char *number, int exp_month,
                     int exp_year, const char *cvc, char *token_out,
                     struct gw_card *card_out, struct errinfo *ei);

/*
 * Tap number on the reader with serial: completes the payment waiting
 * there and delivers the gateway's events. Commits ctx's transaction
 * first and returns with a new one open (the events come back to this
 * server and need the database).
 */
MUST_CHECK enum err app_sandbox_present_card(struct app_ctx *ctx,
                                             const char *serial,
                                             const char *number,
                                             struct gw_charge *out,
                                             struct errinfo *ei);

/*
 * Move the account's clock forward by seconds (1 s .. 90 days), then let
 * the sandbox settle, pay out and open disputes up to the new time and
 * deliver its events, and run the account's due jobs. Transactions as
 * for present_card. *now_ms is the account's new time.
 */
MUST_CHECK enum err app_sandbox_advance(struct app_ctx *ctx, int64_t seconds,
                                        int64_t *now_ms, struct errinfo *ei);

/*
 * On the real clock: let the sandbox of every account on it settle, pay
 * out and deliver what is due (the scheduler calls this every minute).
 * Outside any transaction.
 */
MUST_CHECK enum err app_sandbox_tick(struct app_ctx *ctx, struct errinfo *ei);

/* The processor's charges, in creation order: a page at offset. */
MUST_CHECK enum err app_sandbox_charges(struct app_ctx *ctx, int64_t offset,
                                        int64_t limit,
                                        struct sandbox_charge_list *out,
                                        struct errinfo *ei);

#endif
