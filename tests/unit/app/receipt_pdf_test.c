/*
 * receipt_pdf_test.c - the receipt renderer on its own: money as people
 * read it, a PDF that starts with %PDF and carries the expected text
 * objects (uncompressed), card tenders with last 4 digits only, text
 * outside Windows-1252, and a long invoice continuing on more pages.
 * Set POISE_RECEIPT_PDF_OUT=/path to keep the receipts for a look
 * (/path.pdf and /path-long.pdf; `pdftoppm -png -r 100`).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/receipt_pdf.h"
#include "harness.h"

/* True when the n bytes at p contain s. */
static bool
has(const unsigned char *p, size_t n, const char *s)
{
    size_t k = strlen(s);

    for (size_t i = 0; i + k <= n; i++) {
        if (memcmp(p + i, s, k) == 0)
            return true;
    }
    return false;
}

/* Write the PDF to $POISE_RECEIPT_PDF_OUT<suffix> when that is set. */
static bool
keep(const unsigned char *pdf, size_t n, const char *suffix)
{
    const char *out = getenv("POISE_RECEIPT_PDF_OUT");
    char path[512];
    FILE *f;
    bool ok;

    if (out == NULL)
        return true;
    snprintf(path, sizeof(path), "%s%s", out, suffix);
    f = fopen(path, "wb");
    if (f == NULL)
        return false;
    ok = fwrite(pdf, 1, n, f) == n;
    return fclose(f) == 0 && ok;
}

static int
pages_of(const unsigned char *p, size_t n)
{
    int count = 0;

    for (size_t i = 0; i + 11 <= n; i++) {
        if (memcmp(p + i, "/Type /Page", 11) == 0 &&
            (i + 11 == n || p[i + 11] != 's'))
            count++;
    }
    return count;
}

TEST(receipt_money_formats)
{
    char s[48];

    receipt_pdf_money(123456, "USD", s, sizeof(s));
    CHECK(strcmp(s, "$1,234.56") == 0);
    receipt_pdf_money(-50, "USD", s, sizeof(s));
    CHECK(strcmp(s, "-$0.50") == 0);
    receipt_pdf_money(0, "USD", s, sizeof(s));
    CHECK(strcmp(s, "$0.00") == 0);
    receipt_pdf_money(100000000000, "USD", s, sizeof(s));
    CHECK(strcmp(s, "$1,000,000,000.00") == 0);
    receipt_pdf_money(1200, "JPY", s, sizeof(s));
    CHECK(strcmp(s, "\xc2\xa5"
                    "1,200") == 0);
    receipt_pdf_money(1200, "EUR", s, sizeof(s));
    CHECK(strcmp(s, "\xe2\x82\xac"
                    "12.00") == 0);
    receipt_pdf_money(990, "CHF", s, sizeof(s));
    CHECK(strcmp(s, "CHF 9.90") == 0);
    receipt_pdf_money(12345, "KWD", s, sizeof(s));
    CHECK(strcmp(s, "KWD 12.345") == 0);
    receipt_pdf_money(INT64_MIN, "USD", s, sizeof(s));
    CHECK(strcmp(s, "-$92,233,720,368,547,758.08") == 0);
}

static const struct receipt_line lines[] = {
    {"Botox 20u", 1, 24000, 2400, 21600},
    {"Vitamin C Serum", 2, 8999, 0, 17998},
};
static const struct receipt_tender tenders[] = {
    {.method = "card",
     .card_brand = "visa",
     .card_last4 = "4242",
     .amount_minor = 30000,
     .tip_minor = 1000},
    {.method = "cash",
     .amount_minor = 11083,
     .received_minor = 12000,
     .change_minor = 917},
};
static const struct receipt_tip tips[] = {{"Dr. Ana Reyes", 1000}};

static struct receipt
sample(void)
{
    struct receipt r = {
        .title = "Receipt",
        .practice_name = "Glow Aesthetics",
        .clinic_name = "Glow Downtown",
        .address = {"1200 Market St", NULL, "Austin, TX 78701"},
        .clinic_phone = "+1 512 555 0100",
        .number = "GLO-000123",
        .date = "Nov 25, 2025, 10:17 AM",
        .patient_name = "Zo\xc3\xab Mart\xc3\xadnez",
        .provider_name = "Dr. Ana Reyes",
        .status = "Paid",
        .currency = "USD",
        .lines = lines,
        .line_count = 2,
        .subtotal_minor = 41998,
        .discount_minor = 2400,
        .tax_minor = 1485,
        .total_minor = 41083,
        .tip_minor = 1000,
        .paid_minor = 41083,
        .balance_minor = 0,
        .tenders = tenders,
        .tender_count = 2,
        .tips = tips,
        .tip_count = 1,
    };
    return r;
}

TEST(receipt_pdf_has_the_receipt)
{
    struct arena *a = arena_new(4u << 20);
    struct receipt r = sample();
    const unsigned char *pdf = NULL;
    size_t n = 0;

    CHECK_RC(receipt_pdf_render(a, &r,
                                "Results vary. No refunds on "
                                "injectables after treatment.",
                                &pdf, &n, NULL),
             ERR_OK);
    CHECK(n > 1000 && memcmp(pdf, "%PDF-", 5) == 0);
    CHECK(has(pdf, n, "%%EOF"));
    CHECK(has(pdf, n, "(Glow Aesthetics) Tj"));
    CHECK(has(pdf, n, "(Receipt) Tj"));
    CHECK(has(pdf, n, "(GLO-000123) Tj"));
    CHECK(has(pdf, n, "(Botox 20u) Tj"));
    CHECK(has(pdf, n, "($240.00) Tj"));
    CHECK(has(pdf, n, "(-$24.00) Tj"));
    CHECK(has(pdf, n, "($410.83) Tj"));
    CHECK(has(pdf, n, "(Visa ending in 4242) Tj"));
    CHECK(has(pdf, n, "Change $9.17"));
    CHECK(has(pdf, n, "No refunds on injectables"));
    CHECK(keep(pdf, n, ".pdf"));
    /* UTF-8 reached the page as Windows-1252: e with diaeresis is 0xeb. */
    CHECK(has(pdf, n, "(Zo\\353 Mart\\355nez) Tj"));
    CHECK(pages_of(pdf, n) == 1);
    arena_free(a);
}

TEST(receipt_pdf_long_invoice_takes_more_pages)
{
    struct arena *a = arena_new(8u << 20);
    struct receipt r = sample();
    struct receipt_line *many = arena_array(a, 120, sizeof(*many));
    const unsigned char *pdf = NULL;
    size_t n = 0;

    CHECK(many != NULL);
    for (int i = 0; i < 120; i++)
        many[i] = (struct receipt_line){
            .name = "A very long treatment name that does not fit in its "
                    "column and is cut short with an ellipsis",
            .quantity = 1,
            .unit_price_minor = 100,
            .amount_minor = 100};
    r.lines = many;
    r.line_count = 120;
    r.tenders = NULL;
    r.tender_count = 0;
    CHECK_RC(receipt_pdf_render(a, &r, "", &pdf, &n, NULL), ERR_OK);
    CHECK(keep(pdf, n, "-long.pdf"));
    CHECK(pages_of(pdf, n) >= 3);
    CHECK(has(pdf, n, "(Page 3 of "));
    CHECK(has(pdf, n, "...) Tj"));
    CHECK(has(pdf, n, "(No payments recorded.) Tj"));
    arena_free(a);
}

TEST(receipt_pdf_arena_cap_is_a_limit)
{
    struct arena *a = arena_new(4 * 1024);
    struct receipt r = sample();
    const unsigned char *pdf = NULL;
    size_t n = 0;

    CHECK_RC(receipt_pdf_render(a, &r, "", &pdf, &n, NULL), ERR_LIMIT);
    arena_free(a);
}
