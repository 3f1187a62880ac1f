/*
 * receipt_pdf.c - lays out a receipt on US Letter pages with libharu (see
 * receipt_pdf.h for what is printed where).
 *
 * A struct pen carries the document, the current page and the baseline
 * y, which only moves down; need() starts a new page when the next block
 * does not fit. libharu reports failures through a callback that sets
 * pen.failed; the document is checked once at the end and always freed.
 * Text is converted from UTF-8 to Windows-1252 before it reaches libharu.
 * Coordinates are PDF points from the bottom left.
 */
#include "app/receipt_pdf.h"

#include <hpdf.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "base/assert.h"
#include "base/money.h"
#include "base/str.h"

#define PAGE_WIDTH 612.0f
#define PAGE_HEIGHT 792.0f
#define LEFT 54.0f
#define RIGHT 558.0f
#define TOP 730.0f
#define BOTTOM 72.0f
#define FOOTER_Y 40.0f
#define PAGES_MAX 200

/* Right edges of the lines table's columns. */
#define COL_QTY 350.0f
#define COL_UNIT 420.0f
#define COL_DISC 489.0f
#define COL_AMOUNT RIGHT
#define ITEM_WIDTH (COL_QTY - 40.0f - LEFT)
/* The totals' labels start here; their values end at RIGHT. */
#define TOTALS_LEFT 372.0f
/* The header's labels on the right, and the room for their values. */
#define META_LEFT 330.0f
#define META_VALUE_WIDTH (RIGHT - META_LEFT - 52.0f)

#define ROW 18.0f

enum align { ALIGN_LEFT, ALIGN_RIGHT };

struct pen {
    struct arena *a;
    HPDF_Doc pdf;
    HPDF_Page page;
    HPDF_Page *pages; /* every page, for the footers */
    int page_count;
    HPDF_Font regular;
    HPDF_Font bold;
    float y;
    bool failed;
    bool no_memory;
};

/* The accent: a dark teal for the title, headings and rules. */
static const float accent[3] = {0.11f, 0.33f, 0.40f};

static void
on_error(HPDF_STATUS error_no, HPDF_STATUS detail_no, void *user_data)
{
    struct pen *p = user_data;

    (void)error_no;
    (void)detail_no;
    p->failed = true;
}

/* ---- text ---- */

/* Windows-1252 byte of code point cp, or '?' when it has none. */
static unsigned char
cp1252(uint32_t cp)
{
    static const struct {
        uint16_t cp;
        unsigned char byte;
    } extra[] = {
        {0x20ac, 0x80}, {0x201a, 0x82}, {0x0192, 0x83}, {0x201e, 0x84},
        {0x2026, 0x85}, {0x2020, 0x86}, {0x2021, 0x87}, {0x02c6, 0x88},
        {0x2030, 0x89}, {0x0160, 0x8a}, {0x2039, 0x8b}, {0x0152, 0x8c},
        {0x017d, 0x8e}, {0x2018, 0x91}, {0x2019, 0x92}, {0x201c, 0x93},
        {0x201d, 0x94}, {0x2022, 0x95}, {0x2013, 0x96}, {0x2014, 0x97},
        {0x02dc, 0x98}, {0x2122, 0x99}, {0x0161, 0x9a}, {0x203a, 0x9b},
        {0x0153, 0x9c}, {0x017e, 0x9e}, {0x0178, 0x9f},
    };

    if (cp < 0x20 || cp == 0x7f)
        return ' ';
    if (cp < 0x80 || (cp >= 0xa0 && cp <= 0xff))
        return (unsigned char)cp;
    for (size_t i = 0; i < sizeof(extra) / sizeof(extra[0]); i++) {
        if (extra[i].cp == cp)
            return extra[i].byte;
    }
    return '?';
}

/* The code point at *s (advanced past it); malformed UTF-8 gives '?'. */
static uint32_t
next_code_point(const unsigned char **s)
{
    const unsigned char *p = *s;
    int extra = p[0] >= 0xf0 ? 3 : p[0] >= 0xe0 ? 2 : p[0] >= 0xc0 ? 1 : 0;
    uint32_t cp = extra == 0 ? p[0] : p[0] & (0x3f >> extra);

    if (p[0] >= 0x80 && extra == 0) {
        *s = p + 1;
        return '?';
    }
    for (int i = 1; i <= extra; i++) {
        if ((p[i] & 0xc0) != 0x80) {
            *s = p + i;
            return '?';
        }
        cp = cp << 6 | (p[i] & 0x3f);
    }
    *s = p + 1 + extra;
    return cp;
}

/* UTF-8 s as Windows-1252; arena-owned, or NULL past the cap. */
static char *
to_winansi(struct pen *p, const char *s)
{
    const unsigned char *in = (const unsigned char *)s;
    char *out = arena_alloc(p->a, strlen(s) + 1);
    size_t n = 0;

    if (out == NULL) {
        p->no_memory = true;
        return NULL;
    }
    while (*in != '\0')
        out[n++] = (char)cp1252(next_code_point(&in));
    out[n] = '\0';
    return out;
}

static void
set_font(struct pen *p, HPDF_Font f, float size)
{
    HPDF_Page_SetFontAndSize(p->page, f, size);
}

/* Draw s (already Windows-1252) with its left or right edge at x. */
static void
put(struct pen *p, HPDF_Font f, float size, float x, float y, const char *s,
    enum align align)
{
    if (s == NULL)
        return;
    set_font(p, f, size);
    if (align == ALIGN_RIGHT)
        x -= HPDF_Page_TextWidth(p->page, s);
    HPDF_Page_BeginText(p->page);
    HPDF_Page_TextOut(p->page, x, y, s);
    HPDF_Page_EndText(p->page);
}

/* put for UTF-8 text. */
static void
text(struct pen *p, HPDF_Font f, float size, float x, float y, const char *utf8,
     enum align align)
{
    if (utf8 != NULL)
        put(p, f, size, x, y, to_winansi(p, utf8), align);
}

/* UTF-8 s cut to width points (ending "...") in font f at size. */
static const char *
fit(struct pen *p, HPDF_Font f, float size, const char *utf8, float width)
{
    char *s = to_winansi(p, utf8);
    HPDF_UINT n;

    if (s == NULL)
        return NULL;
    set_font(p, f, size);
    if (HPDF_Page_TextWidth(p->page, s) <= width)
        return s;
    n = HPDF_Page_MeasureText(p->page, s,
                              width - HPDF_Page_TextWidth(p->page, "..."),
                              HPDF_FALSE, NULL);
    return arena_printf(p->a, "%.*s...", (int)n, s);
}

static void
gray(struct pen *p, float level)
{
    HPDF_Page_SetGrayFill(p->page, level);
}

static void
ink(struct pen *p)
{
    HPDF_Page_SetGrayFill(p->page, 0.1f);
}

static void
rule(struct pen *p, float x0, float x1, float y, float width, bool colored)
{
    if (colored)
        HPDF_Page_SetRGBStroke(p->page, accent[0], accent[1], accent[2]);
    else
        HPDF_Page_SetGrayStroke(p->page, 0.82f);
    HPDF_Page_SetLineWidth(p->page, width);
    HPDF_Page_MoveTo(p->page, x0, y);
    HPDF_Page_LineTo(p->page, x1, y);
    HPDF_Page_Stroke(p->page);
}

static void
band(struct pen *p, float y, float height, float level)
{
    HPDF_Page_SetGrayFill(p->page, level);
    HPDF_Page_Rectangle(p->page, LEFT, y, RIGHT - LEFT, height);
    HPDF_Page_Fill(p->page);
    ink(p);
}

/* ---- money ---- */

/* The symbol printed before an amount of currency, or NULL: its code. */
static const char *
currency_symbol(const char *currency)
{
    static const char *const symbols[][2] = {
        {"USD", "$"},        {"CAD", "$"},
        {"AUD", "$"},        {"NZD", "$"},
        {"MXN", "$"},        {"SGD", "$"},
        {"HKD", "$"},        {"EUR", "\xe2\x82\xac"},
        {"GBP", "\xc2\xa3"}, {"JPY", "\xc2\xa5"},
    };

    for (size_t i = 0; i < sizeof(symbols) / sizeof(symbols[0]); i++) {
        if (strcmp(symbols[i][0], currency) == 0)
            return symbols[i][1];
    }
    return NULL;
}

void
receipt_pdf_money(int64_t minor, const char *currency, char *out, size_t cap)
{
    const struct currency_info *ci = currency_by_code(str_c(currency));
    int exponent = ci != NULL ? ci->exponent : 2;
    uint64_t v = minor < 0 ? 0 - (uint64_t)minor : (uint64_t)minor;
    uint64_t scale = 1;
    const char *symbol = currency_symbol(currency != NULL ? currency : "");
    char whole[24];
    char grouped[32];
    char fraction[24] = "";
    size_t n;
    size_t k = 0;

    ASSERT(exponent >= 0 && exponent <= 4);
    for (int i = 0; i < exponent; i++)
        scale *= 10;
    n = (size_t)snprintf(whole, sizeof(whole), "%llu",
                         (unsigned long long)(v / scale));
    for (size_t i = 0; i < n; i++) {
        if (i > 0 && (n - i) % 3 == 0)
            grouped[k++] = ',';
        grouped[k++] = whole[i];
    }
    grouped[k] = '\0';
    if (exponent > 0)
        snprintf(fraction, sizeof(fraction), ".%0*llu", exponent,
                 (unsigned long long)(v % scale));
    snprintf(out, cap, "%s%s%s%s%s", minor < 0 ? "-" : "",
             symbol != NULL     ? symbol
             : currency != NULL ? currency
                                : "",
             symbol != NULL ? "" : " ", grouped, fraction);
}

/* Money as Windows-1252 text for the page; arena-owned. */
static const char *
money(struct pen *p, int64_t minor, const char *currency)
{
    char s[48];

    receipt_pdf_money(minor, currency, s, sizeof(s));
    return to_winansi(p, s);
}

/* ---- pages ---- */

static void
new_page(struct pen *p)
{
    if (p->page_count == PAGES_MAX) {
        p->no_memory = true;
        return;
    }
    p->page = HPDF_AddPage(p->pdf);
    if (p->page == NULL) {
        p->failed = true;
        return;
    }
    HPDF_Page_SetSize(p->page, HPDF_PAGE_SIZE_LETTER, HPDF_PAGE_PORTRAIT);
    p->pages[p->page_count++] = p->page;
    /* A thin accent bar across the top of every page. */
    HPDF_Page_SetRGBFill(p->page, accent[0], accent[1], accent[2]);
    HPDF_Page_Rectangle(p->page, 0, PAGE_HEIGHT - 10.0f, PAGE_WIDTH, 10.0f);
    HPDF_Page_Fill(p->page);
    ink(p);
    p->y = TOP;
}

/* Make room for height points below y; true when a page was started. */
static bool
need(struct pen *p, float height)
{
    if (p->y - height >= BOTTOM || p->failed || p->no_memory)
        return false;
    new_page(p);
    return !p->failed && !p->no_memory;
}

/* "Page i of n" and the document's name at the foot of every page. */
static void
footers(struct pen *p, const struct receipt *r)
{
    for (int i = 0; i < p->page_count && !p->failed; i++) {
        char n[40];

        p->page = p->pages[i];
        gray(p, 0.45f);
        snprintf(n, sizeof(n), "Page %d of %d", i + 1, p->page_count);
        put(p, p->regular, 8, RIGHT, FOOTER_Y, n, ALIGN_RIGHT);
        text(p, p->regular, 8, LEFT, FOOTER_Y,
             r->number != NULL ? arena_printf(p->a, "%s \xc2\xb7 %s",
                                              r->practice_name, r->number)
                               : r->practice_name,
             ALIGN_LEFT);
        ink(p);
    }
}

/* ---- sections ---- */

/* The practice, clinic, address and phone down the left; returns y. */
static float
header_left(struct pen *p, const struct receipt *r)
{
    float y = TOP;

    text(p, p->bold, 18, LEFT, y, r->practice_name, ALIGN_LEFT);
    y -= 20;
    if (r->clinic_name != NULL) {
        text(p, p->bold, 10.5f, LEFT, y, r->clinic_name, ALIGN_LEFT);
        y -= 14;
    }
    gray(p, 0.3f);
    for (size_t i = 0; i < 3; i++) {
        if (r->address[i] == NULL || r->address[i][0] == '\0')
            continue;
        text(p, p->regular, 9.5f, LEFT, y, r->address[i], ALIGN_LEFT);
        y -= 13;
    }
    if (r->clinic_phone != NULL && r->clinic_phone[0] != '\0') {
        text(p, p->regular, 9.5f, LEFT, y, r->clinic_phone, ALIGN_LEFT);
        y -= 13;
    }
    ink(p);
    return y;
}

/* The title and the document's facts down the right; returns y. */
static float
header_right(struct pen *p, const struct receipt *r)
{
    const char *labels[] = {"Number", "Date", "Patient", "Provider", "Status"};
    const char *values[] = {r->number, r->date, r->patient_name,
                            r->provider_name, r->status};
    float y = TOP;

    HPDF_Page_SetRGBFill(p->page, accent[0], accent[1], accent[2]);
    text(p, p->bold, 20, RIGHT, y, r->title, ALIGN_RIGHT);
    ink(p);
    y -= 22;
    for (size_t i = 0; i < sizeof(labels) / sizeof(labels[0]); i++) {
        if (values[i] == NULL || values[i][0] == '\0')
            continue;
        gray(p, 0.45f);
        put(p, p->regular, 9, META_LEFT, y, labels[i], ALIGN_LEFT);
        ink(p);
        put(p, p->regular, 9.5f, RIGHT, y,
            fit(p, p->regular, 9.5f, values[i], META_VALUE_WIDTH), ALIGN_RIGHT);
        y -= 13;
    }
    return y;
}

static void
draw_header(struct pen *p, const struct receipt *r)
{
    float left = header_left(p, r);
    float right = header_right(p, r);

    p->y = (left < right ? left : right) - 8;
    rule(p, LEFT, RIGHT, p->y, 1.2f, true);
    p->y -= 24;
}

static void
table_head(struct pen *p)
{
    band(p, p->y - 5, ROW, 0.92f);
    gray(p, 0.25f);
    put(p, p->bold, 8, LEFT + 6, p->y, "ITEM", ALIGN_LEFT);
    put(p, p->bold, 8, COL_QTY, p->y, "QTY", ALIGN_RIGHT);
    put(p, p->bold, 8, COL_UNIT, p->y, "UNIT PRICE", ALIGN_RIGHT);
    put(p, p->bold, 8, COL_DISC, p->y, "DISCOUNT", ALIGN_RIGHT);
    put(p, p->bold, 8, COL_AMOUNT - 6, p->y, "AMOUNT", ALIGN_RIGHT);
    ink(p);
    p->y -= ROW + 2;
}

static void
table_row(struct pen *p, const struct receipt *r, const struct receipt_line *l)
{
    char qty[24];

    if (need(p, ROW))
        table_head(p);
    snprintf(qty, sizeof(qty), "%lld", (long long)l->quantity);
    put(p, p->regular, 9.5f, LEFT + 6, p->y,
        fit(p, p->regular, 9.5f, l->name, ITEM_WIDTH), ALIGN_LEFT);
    put(p, p->regular, 9.5f, COL_QTY, p->y, qty, ALIGN_RIGHT);
    put(p, p->regular, 9.5f, COL_UNIT, p->y,
        money(p, l->unit_price_minor, r->currency), ALIGN_RIGHT);
    if (l->discount_minor != 0)
        put(p, p->regular, 9.5f, COL_DISC, p->y,
            money(p, -l->discount_minor, r->currency), ALIGN_RIGHT);
    put(p, p->regular, 9.5f, COL_AMOUNT - 6, p->y,
        money(p, l->amount_minor, r->currency), ALIGN_RIGHT);
    rule(p, LEFT, RIGHT, p->y - 6, 0.4f, false);
    p->y -= ROW;
}

static void
draw_lines(struct pen *p, const struct receipt *r)
{
    need(p, 2 * ROW);
    table_head(p);
    for (size_t i = 0; i < r->line_count; i++)
        table_row(p, r, &r->lines[i]);
    p->y -= 10;
}

/* One row of the totals: label left, money right; bold for a total. */
static void
total_row(struct pen *p, const struct receipt *r, const char *label,
          int64_t minor, bool strong)
{
    HPDF_Font f = strong ? p->bold : p->regular;
    float size = strong ? 11.5f : 9.5f;

    need(p, ROW);
    put(p, f, size, TOTALS_LEFT, p->y, label, ALIGN_LEFT);
    put(p, f, size, RIGHT - 6, p->y, money(p, minor, r->currency), ALIGN_RIGHT);
    p->y -= strong ? ROW + 2 : ROW - 2;
}

static void
draw_totals(struct pen *p, const struct receipt *r)
{
    need(p, 7 * ROW);
    total_row(p, r, "Subtotal", r->subtotal_minor, false);
    if (r->discount_minor != 0)
        total_row(p, r, "Discounts", -r->discount_minor, false);
    total_row(p, r, "Tax", r->tax_minor, false);
    rule(p, TOTALS_LEFT, RIGHT, p->y + 11, 0.6f, false);
    p->y -= 4;
    total_row(p, r, "Total", r->total_minor, true);
    if (r->tip_minor != 0)
        total_row(p, r, "Tips", r->tip_minor, false);
    total_row(p, r, "Amount paid", r->paid_minor + r->tip_minor, false);
    if (r->refunded_minor != 0)
        total_row(p, r, "Refunded", -r->refunded_minor, false);
    p->y -= 4;
    HPDF_Page_SetRGBFill(p->page, 0.93f, 0.96f, 0.96f);
    HPDF_Page_Rectangle(p->page, TOTALS_LEFT - 8, p->y - 7,
                        RIGHT - TOTALS_LEFT + 8, ROW + 4);
    HPDF_Page_Fill(p->page);
    ink(p);
    total_row(p, r, "Balance due", r->balance_minor, true);
    p->y -= 10;
}

/* A section heading in the accent colour with a rule under it. */
static void
heading(struct pen *p, const char *title)
{
    need(p, 3 * ROW);
    HPDF_Page_SetRGBFill(p->page, accent[0], accent[1], accent[2]);
    put(p, p->bold, 9, LEFT, p->y, title, ALIGN_LEFT);
    ink(p);
    rule(p, LEFT, RIGHT, p->y - 5, 0.6f, true);
    p->y -= ROW + 2;
}

/* What a tender was, for its row: "Visa ending in 4242", "Cash". */
static const char *
tender_name(struct pen *p, const struct receipt_tender *t)
{
    static const char *const names[][2] = {
        {"card", "Card"},     {"cash", "Cash"},     {"check", "Check"},
        {"cherry", "Cherry"}, {"klarna", "Klarna"}, {"external", "Other"},
    };
    const char *name = t->method;
    char brand[32];

    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        if (strcmp(names[i][0], t->method) == 0)
            name = names[i][1];
    }
    if (strcmp(t->method, "card") == 0 && t->card_brand != NULL) {
        snprintf(brand, sizeof(brand), "%s", t->card_brand);
        brand[0] = (char)(brand[0] >= 'a' && brand[0] <= 'z' ? brand[0] - 32
                                                             : brand[0]);
        name = arena_strdup(p->a, brand);
    }
    if (strcmp(t->method, "card") == 0 && t->card_last4 != NULL)
        return arena_printf(p->a, "%s ending in %s", name, t->card_last4);
    if (t->reference != NULL && t->reference[0] != '\0')
        return arena_printf(p->a, "%s (%s)", name, t->reference);
    return name;
}

/* The small print under a tender: cash handed over, tip, refund. */
static const char *
tender_details(struct pen *p, const struct receipt *r,
               const struct receipt_tender *t)
{
    char a[48];
    char b[48];
    const char *s = "";

    if (strcmp(t->method, "cash") == 0 && t->received_minor > 0) {
        receipt_pdf_money(t->received_minor, r->currency, a, sizeof(a));
        receipt_pdf_money(t->change_minor, r->currency, b, sizeof(b));
        s = arena_printf(p->a, "Cash received %s \xc2\xb7 Change %s", a, b);
    }
    if (s != NULL && t->tip_minor > 0) {
        receipt_pdf_money(t->tip_minor, r->currency, a, sizeof(a));
        s = arena_printf(p->a, "%s%sIncludes tip %s", s,
                         s[0] != '\0' ? " \xc2\xb7 " : "", a);
    }
    if (s != NULL && t->refunded_minor > 0) {
        receipt_pdf_money(t->refunded_minor, r->currency, a, sizeof(a));
        s = arena_printf(p->a, "%s%sRefunded %s", s,
                         s[0] != '\0' ? " \xc2\xb7 " : "", a);
    }
    return s;
}

static void
draw_payments(struct pen *p, const struct receipt *r)
{
    heading(p, "PAYMENTS");
    if (r->tender_count == 0) {
        gray(p, 0.45f);
        put(p, p->regular, 9.5f, LEFT, p->y, "No payments recorded.",
            ALIGN_LEFT);
        ink(p);
        p->y -= ROW + 6;
        return;
    }
    for (size_t i = 0; i < r->tender_count; i++) {
        const struct receipt_tender *t = &r->tenders[i];
        const char *details = tender_details(p, r, t);

        need(p, 2 * ROW);
        text(p, p->regular, 9.5f, LEFT, p->y, tender_name(p, t), ALIGN_LEFT);
        put(p, p->regular, 9.5f, RIGHT - 6, p->y,
            money(p, t->amount_minor + t->tip_minor, r->currency), ALIGN_RIGHT);
        p->y -= 12;
        if (details != NULL && details[0] != '\0') {
            gray(p, 0.45f);
            text(p, p->regular, 8, LEFT + 10, p->y, details, ALIGN_LEFT);
            ink(p);
            p->y -= 12;
        }
        p->y -= 4;
    }
    p->y -= 6;
}

static void
draw_tips(struct pen *p, const struct receipt *r)
{
    if (r->tip_count == 0)
        return;
    heading(p, "TIPS");
    for (size_t i = 0; i < r->tip_count; i++) {
        need(p, ROW);
        put(p, p->regular, 9.5f, LEFT, p->y,
            fit(p, p->regular, 9.5f, r->tips[i].provider_name, 300),
            ALIGN_LEFT);
        put(p, p->regular, 9.5f, RIGHT - 6, p->y,
            money(p, r->tips[i].amount_minor, r->currency), ALIGN_RIGHT);
        p->y -= ROW - 2;
    }
    p->y -= 8;
}

/* One paragraph of s (Windows-1252) wrapped to the text width. */
static void
paragraph(struct pen *p, const char *s, float size)
{
    while (*s != '\0' && !p->failed && !p->no_memory) {
        HPDF_UINT n;

        set_font(p, p->regular, size);
        n = HPDF_Page_MeasureText(p->page, s, RIGHT - LEFT, HPDF_TRUE, NULL);
        if (n == 0) /* one word wider than the page: break it */
            n = HPDF_Page_MeasureText(p->page, s, RIGHT - LEFT, HPDF_FALSE,
                                      NULL);
        if (n == 0)
            break;
        need(p, size + 4);
        gray(p, 0.35f);
        put(p, p->regular, size, LEFT, p->y,
            arena_printf(p->a, "%.*s", (int)n, s), ALIGN_LEFT);
        s += n;
        while (*s == ' ')
            s++;
        p->y -= size + 3.5f;
    }
    ink(p);
}

static void
draw_disclaimer(struct pen *p, const char *disclaimer)
{
    char *s = to_winansi(p, disclaimer);
    char *line;

    if (s == NULL || s[0] == '\0')
        return;
    need(p, 3 * ROW);
    rule(p, LEFT, RIGHT, p->y + 4, 0.4f, false);
    p->y -= 12;
    /* to_winansi turned line breaks into spaces: paragraphs come from
     * the UTF-8 text, split before conversion. */
    for (const char *start = disclaimer; *start != '\0';) {
        size_t n = strcspn(start, "\n");

        line = to_winansi(p, arena_printf(p->a, "%.*s", (int)n, start));
        if (line == NULL)
            return;
        paragraph(p, line, 8);
        start += n + (start[n] == '\n' ? 1 : 0);
    }
}

/* Lay out every section of r. */
static void
draw(struct pen *p, const struct receipt *r, const char *disclaimer)
{
    new_page(p);
    if (p->failed || p->no_memory)
        return;
    draw_header(p, r);
    draw_lines(p, r);
    draw_totals(p, r);
    draw_payments(p, r);
    draw_tips(p, r);
    draw_disclaimer(p, disclaimer);
    need(p, ROW);
    HPDF_Page_SetRGBFill(p->page, accent[0], accent[1], accent[2]);
    text(p, p->bold, 10, LEFT, p->y - 6, "Thank you for your visit.",
         ALIGN_LEFT);
    ink(p);
    footers(p, r);
}

/* Save the document into the arena. */
static enum err
save(struct pen *p, const unsigned char **pdf, size_t *len)
{
    HPDF_UINT32 size;
    HPDF_UINT32 got;
    unsigned char *bytes;

    if (HPDF_SaveToStream(p->pdf) != HPDF_OK)
        return ERR_INTERNAL;
    size = HPDF_GetStreamSize(p->pdf);
    bytes = arena_alloc(p->a, (size_t)size + 1);
    if (bytes == NULL)
        return ERR_LIMIT;
    got = size;
    /* Reading to the end may report HPDF_STREAM_EOF: the count decides. */
    (void)HPDF_ReadFromStream(p->pdf, bytes, &got);
    if (got != size)
        return ERR_INTERNAL;
    bytes[size] = '\0';
    *pdf = bytes;
    *len = size;
    return ERR_OK;
}

enum err
receipt_pdf_render(struct arena *a, const struct receipt *r,
                   const char *disclaimer, const unsigned char **pdf,
                   size_t *len, struct errinfo *ei)
{
    struct pen p = {.a = a};
    enum err rc = ERR_INTERNAL;

    ASSERT(r != NULL && r->practice_name != NULL && r->currency != NULL);
    ASSERT(r->title != NULL && disclaimer != NULL);
    ASSERT(r->line_count == 0 || r->lines != NULL);
    p.pages = arena_array(a, PAGES_MAX, sizeof(*p.pages));
    if (p.pages == NULL)
        return errinfo_set(ei, ERR_LIMIT, "limit", NULL,
                           "out of memory for a receipt");
    p.pdf = HPDF_New(on_error, &p);
    if (p.pdf == NULL)
        return errinfo_set(ei, ERR_INTERNAL, "pdf_failed", NULL,
                           "cannot start a pdf document");
    p.regular = HPDF_GetFont(p.pdf, "Helvetica", "WinAnsiEncoding");
    p.bold = HPDF_GetFont(p.pdf, "Helvetica-Bold", "WinAnsiEncoding");
    HPDF_SetInfoAttr(p.pdf, HPDF_INFO_CREATOR, "Poise");
    HPDF_SetInfoAttr(p.pdf, HPDF_INFO_TITLE, r->title);
    if (p.regular != NULL && p.bold != NULL && !p.failed)
        draw(&p, r, disclaimer);
    if (!p.failed && !p.no_memory)
        rc = save(&p, pdf, len);
    HPDF_Free(p.pdf);
    if (p.no_memory || rc == ERR_LIMIT || arena_exhausted(a))
        return errinfo_set(ei, ERR_LIMIT, "limit", NULL,
                           "the receipt is too large");
    if (p.failed || rc != ERR_OK)
        return errinfo_set(ei, ERR_INTERNAL, "pdf_failed", NULL,
                           "the receipt could not be rendered");
    ASSERT(*len > 5 && memcmp(*pdf, "%PDF-", 5) == 0);
    return ERR_OK;
}
