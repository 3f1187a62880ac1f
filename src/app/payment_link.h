/*
 * payment_link.h - Text2Pay: a link that lets a patient pay an invoice
 * from a phone. POST /v1/invoices/:id/payment_links makes one and sends it
 * through the outbox (SMS or e-mail); /pay/<token> is the public page. The
 * token is 32 random base32 characters (160 bits), kept only as its
 * SHA-256; a link expires (7 days unless asked otherwise) and, once the
 * invoice is paid, says so instead of taking money again.
 */
#ifndef POISE_APP_PAYMENT_LINK_H
#define POISE_APP_PAYMENT_LINK_H

#include "app/app.h"
#include "app/checkout.h"
#include "gateway/gateway.h"
#include "store/payment_links.h"

#define PAYMENT_LINK_HOURS_DEFAULT (7 * 24)
#define PAYMENT_LINK_HOURS_MAX (30 * 24)

struct payment_link_input {
    const char *invoice_id;
    const char *channel;      /* "sms" | "email" */
    const char *to;           /* NULL: the patient's phone or e-mail */
    int64_t expires_in_hours; /* 0: PAYMENT_LINK_HOURS_DEFAULT */
    const char *base_url;     /* "https://pay.example.com": the link's origin */
};

/*
 * Make a link for an open invoice and queue its message; *url is the link
 * (arena-owned; the token is not kept). ERR_CONFLICT "invoice_not_payable"
 * when nothing is owed; ERR_INVALID naming "to" when there is no address.
 */
MUST_CHECK enum err app_payment_link_create(struct app_ctx *ctx,
                                            const struct payment_link_input *in,
                                            struct payment_link *out,
                                            const char **url,
                                            struct errinfo *ei);
MUST_CHECK enum err app_payment_link_list(struct app_ctx *ctx,
                                          const char *invoice_id,
                                          struct payment_link **out,
                                          size_t *count, struct errinfo *ei);

/* What the public page shows. */
struct payment_link_view {
    struct payment_link link;
    const char *state; /* "payable", "paid", "expired", "unavailable" */
    struct invoice inv;
    struct invoice_line *lines;
    size_t line_count;
    const char *practice;
    const char *clinic;
};

/*
 * Public: the link of token, its account taken into ctx (account and its
 * clock). ERR_NOT_FOUND for a token that names no link.
 */
MUST_CHECK enum err app_payment_link_open(struct app_ctx *ctx,
                                          const char *token,
                                          struct payment_link_view *out,
                                          struct errinfo *ei);
/* Public: tokenize a card at the link's account's sandbox card field. */
MUST_CHECK enum err
app_payment_link_tokenize(struct app_ctx *ctx, const char *token,
                          const char *number, int exp_month, int exp_year,
                          const char *cvc, char *card_token,
                          struct gw_card *card, struct errinfo *ei);
/*
 * Public: pay what the invoice owes with card_token, as a checkout of one
 * card tender under idem_key (namespaced by the link). Phased like
 * app_invoice_pay. ERR_CONFLICT "link_paid" / "link_expired" /
 * "link_unavailable" when the link no longer takes money.
 */
MUST_CHECK enum err app_payment_link_pay(struct app_ctx *ctx, const char *token,
                                         const char *card_token,
                                         const char *idem_key,
                                         struct checkout_result *out,
                                         struct errinfo *ei);

#endif
