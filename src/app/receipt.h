/*
 * receipt.h - an invoice's receipt: what app/receipt_pdf.h prints, loaded
 * from the invoice, its clinic, patient, provider, tenders and tips; the
 * PDF itself; and sending it by e-mail through the outbox.
 *
 * The title follows the invoice's state: "Receipt" once paid (also when
 * refunded since), "Invoice" while open or partially paid, "Quote",
 * "Draft invoice", "Void invoice". Cards appear with brand and last 4
 * digits only: that is all the store keeps.
 */
#ifndef POISE_APP_RECEIPT_H
#define POISE_APP_RECEIPT_H

#include "app/app.h"
#include "app/receipt_pdf.h"
#include "store/messages.h"

/*
 * Load what the receipt of invoice id shows into *out (arena-owned, the
 * date in the clinic's time zone). ERR_NOT_FOUND "id"; ERR_STORE.
 */
MUST_CHECK enum err app_receipt_load(struct app_ctx *ctx, const char *id,
                                     struct receipt *out, struct errinfo *ei);

/*
 * The receipt of invoice id as a PDF: *pdf (arena-owned, *len bytes) and
 * a file name for it, "receipt-GLO-000123.pdf" (*file_name arena-owned).
 * ERR_NOT_FOUND "id"; ERR_LIMIT; ERR_INTERNAL when rendering fails.
 */
MUST_CHECK enum err app_invoice_receipt_pdf(struct app_ctx *ctx, const char *id,
                                            const unsigned char **pdf,
                                            size_t *len, const char **file_name,
                                            struct errinfo *ei);

/*
 * E-mail the receipt of invoice id to email, the PDF attached, through
 * the outbox (app/message.h) in ctx's write transaction; *out is the
 * queued message. ERR_INVALID "email" (missing or not an address);
 * ERR_NOT_FOUND "id"; ERR_LIMIT; ERR_STORE.
 */
MUST_CHECK enum err app_invoice_send_receipt(struct app_ctx *ctx,
                                             const char *id, const char *email,
                                             struct message *out,
                                             struct errinfo *ei);

#endif
