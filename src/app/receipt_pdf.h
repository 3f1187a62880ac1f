/*
 * receipt_pdf.h - an invoice's receipt as a PDF (libharu), from a plain
 * description of what to print: no store, no clock, no I/O, so it is unit
 * tested on its own. app/receipt.c loads the description.
 *
 * The page is US Letter with the practice and clinic at the top left,
 * the document's title, number, date, patient and provider at the top
 * right, then the lines as a table (item, quantity, unit price, discount,
 * amount, money right-aligned), the totals, the payments (a card shows
 * its brand and last 4 digits only; cash what was handed over and the
 * change), tips per provider, and the disclaimer at the end. Long tables
 * continue on further pages with the table header repeated. Text is set
 * in the PDF standard fonts (Helvetica) with WinAnsi encoding: characters
 * outside Windows-1252 print as '?'. Content streams are not compressed,
 * so the text is searchable in the file itself.
 */
#ifndef POISE_APP_RECEIPT_PDF_H
#define POISE_APP_RECEIPT_PDF_H

#include <stddef.h>
#include <stdint.h>

#include "base/arena.h"
#include "base/err.h"

struct receipt_line {
    const char *name;
    int64_t quantity;
    int64_t unit_price_minor;
    int64_t discount_minor; /* every discount on the line */
    int64_t amount_minor;   /* after discounts, before tax */
};

struct receipt_tender {
    const char *method;     /* card cash check cherry klarna external */
    const char *card_brand; /* card: "visa"; may be NULL */
    const char *card_last4; /* card: "4242"; may be NULL */
    const char *reference;  /* check, financing, external; may be NULL */
    int64_t amount_minor;   /* to the invoice */
    int64_t tip_minor;      /* on top */
    int64_t received_minor; /* cash handed over */
    int64_t change_minor;   /* cash given back */
    int64_t refunded_minor; /* of amount and tip, refunded */
};

struct receipt_tip {
    const char *provider_name;
    int64_t amount_minor;
};

/* Everything printed; strings are UTF-8 and borrowed; NULL: not shown. */
struct receipt {
    const char *title;         /* "Receipt", "Invoice", "Quote", ... */
    const char *practice_name; /* the account */
    const char *clinic_name;
    const char *address[3]; /* the clinic's address lines */
    const char *clinic_phone;
    const char *number; /* "GLO-000123" */
    const char *date;   /* "Nov 25, 2025, 10:17 AM" */
    const char *patient_name;
    const char *provider_name;
    const char *status; /* "Paid", "Open", ... */
    const char *currency;
    const struct receipt_line *lines;
    size_t line_count;
    int64_t subtotal_minor; /* before discounts */
    int64_t discount_minor;
    int64_t tax_minor;
    int64_t total_minor; /* subtotal - discounts + tax */
    int64_t tip_minor;
    int64_t paid_minor;     /* to the invoice, tips not included */
    int64_t refunded_minor; /* tips included */
    int64_t balance_minor;  /* still due */
    const struct receipt_tender *tenders;
    size_t tender_count;
    const struct receipt_tip *tips;
    size_t tip_count;
};

/*
 * Format minor units of currency as people read them: "$1,234.56",
 * "-$0.50", "€12.00", "¥1,200", "CHF 9.90" (UTF-8) into out (cap bytes,
 * 32 are always enough). An unknown currency gets two decimals and its
 * code.
 */
void receipt_pdf_money(int64_t minor, const char *currency, char *out,
                       size_t cap);

/*
 * Render r with disclaimer (printed at the end; "" for none) as a PDF
 * into *pdf (arena-owned, *len bytes, starting "%PDF-"). ERR_LIMIT past
 * the arena's cap; ERR_INTERNAL when libharu fails.
 */
MUST_CHECK enum err receipt_pdf_render(struct arena *a, const struct receipt *r,
                                       const char *disclaimer,
                                       const unsigned char **pdf, size_t *len,
                                       struct errinfo *ei);

#endif
