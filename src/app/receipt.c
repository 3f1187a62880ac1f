/*
 * receipt.c - loading a receipt, rendering it, e-mailing it.
 *
 * Reads only: the invoice with its lines, the account, the clinic, the
 * patient, the provider, the tenders and the tips, one statement each
 * (plus one per tipped provider). Rendering is app/receipt_pdf.c's.
 * Sending writes one outbox message in the caller's transaction.
 */
#include "app/receipt.h"

#include <string.h>
#include <time.h>
#include <unicode/ucal.h>

#include "app/invoice.h"
#include "app/message.h"
#include "app/settings.h"
#include "base/assert.h"
#include "core/contact.h"
#include "store/checkouts.h"
#include "store/clinics.h"
#include "store/patients.h"
#include "store/users.h"

#define TZ_MAX 64

static const struct {
    const char *status;
    const char *label;
    const char *title;
} states[] = {
    {"quote", "Quote", "Quote"},
    {"draft", "Draft", "Draft invoice"},
    {"open", "Open", "Invoice"},
    {"partially_paid", "Partially paid", "Invoice"},
    {"paid", "Paid", "Receipt"},
    {"partially_refunded", "Partially refunded", "Receipt"},
    {"refunded", "Refunded", "Receipt"},
    {"void", "Void", "Void invoice"},
};

/* The broken-down local time of at_ms in tz; false if ICU refuses. */
static bool
local_fields(const char *tz, int64_t at_ms, int f[5])
{
    static const UCalendarDateFields which[5] = {
        UCAL_YEAR, UCAL_MONTH, UCAL_DATE, UCAL_HOUR_OF_DAY, UCAL_MINUTE};
    UChar id[TZ_MAX];
    UErrorCode st = U_ZERO_ERROR;
    size_t n = tz != NULL ? strlen(tz) : 0;
    UCalendar *cal;

    if (n == 0 || n >= TZ_MAX)
        return false;
    for (size_t i = 0; i < n; i++)
        id[i] = (UChar)(unsigned char)tz[i];
    cal = ucal_open(id, (int32_t)n, "en_US_POSIX", UCAL_GREGORIAN, &st);
    ucal_setMillis(cal, (UDate)at_ms, &st);
    for (int i = 0; i < 5; i++)
        f[i] = ucal_get(cal, which[i], &st);
    if (cal != NULL)
        ucal_close(cal);
    return U_SUCCESS(st);
}

/* "Nov 25, 2025, 10:17 AM" in the clinic's zone (UTC if unusable). */
static const char *
local_time(struct arena *a, const char *tz, int64_t at_ms)
{
    static const char months[12][4] = {"Jan", "Feb", "Mar", "Apr",
                                       "May", "Jun", "Jul", "Aug",
                                       "Sep", "Oct", "Nov", "Dec"};
    int f[5];
    bool utc = !local_fields(tz, at_ms, f);

    if (utc) {
        time_t t = (time_t)(at_ms / 1000);
        struct tm tm;
        struct tm *ok = gmtime_r(&t, &tm);

        ASSERT(ok != NULL);
        f[0] = tm.tm_year + 1900;
        f[1] = tm.tm_mon;
        f[2] = tm.tm_mday;
        f[3] = tm.tm_hour;
        f[4] = tm.tm_min;
    }
    ASSERT(f[1] >= 0 && f[1] < 12);
    return arena_printf(a, "%s %d, %d, %d:%02d %s%s", months[f[1]], f[2], f[0],
                        f[3] % 12 == 0 ? 12 : f[3] % 12, f[4],
                        f[3] < 12 ? "AM" : "PM", utc ? " UTC" : "");
}

/* The address lines of c: street, unit, "City, ST 12345". */
static void
address_of(struct arena *a, const struct clinic *c, struct receipt *r)
{
    const char *city = c->city != NULL ? c->city : "";
    const char *state = c->state != NULL ? c->state : "";
    const char *zip = c->postal_code != NULL ? c->postal_code : "";

    r->address[0] = c->line1;
    r->address[1] = c->line2;
    if (city[0] != '\0' || state[0] != '\0' || zip[0] != '\0')
        r->address[2] = arena_printf(a, "%s%s%s%s%s", city,
                                     city[0] != '\0' && state[0] != '\0' ? ", "
                                                                         : "",
                                     state, zip[0] != '\0' ? " " : "", zip);
}

/* The practice, clinic, patient and provider of inv. */
static enum err
load_parties(struct app_ctx *ctx, const struct invoice *inv, struct receipt *r,
             struct errinfo *ei)
{
    struct account acct;
    struct clinic c;
    struct patient pat;
    struct user u;
    enum err rc = store_account_get(ctx->db, ctx->a, ctx->account_id, &acct,
                                    ei);

    if (rc == ERR_OK)
        rc = store_clinic_get(ctx->db, ctx->a, ctx->account_id, inv->clinic_id,
                              &c, ei);
    if (rc)
        return app_store_fail(rc == ERR_NOT_FOUND ? ERR_STORE : rc, ei);
    r->practice_name = acct.name;
    r->clinic_name = c.name;
    address_of(ctx->a, &c, r);
    r->date = local_time(ctx->a, c.timezone,
                         inv->finalized_at_ms > 0 ? inv->finalized_at_ms
                                                  : inv->created_at_ms);
    if (inv->patient_id != NULL &&
        store_patient_get(ctx->db, ctx->a, ctx->account_id, inv->patient_id,
                          &pat, NULL) == ERR_OK)
        r->patient_name = arena_printf(ctx->a, "%s %s", pat.first_name,
                                       pat.last_name);
    /* A provider or patient gone from the store is left off the page. */
    if (inv->provider_id != NULL &&
        store_user_get(ctx->db, ctx->a, ctx->account_id, inv->provider_id, &u,
                       NULL) == ERR_OK)
        r->provider_name = u.name;
    return r->date != NULL ? ERR_OK : ERR_LIMIT;
}

static enum err
load_tenders(struct app_ctx *ctx, const char *id, struct receipt *r,
             struct errinfo *ei)
{
    struct invoice_tender *ts;
    struct receipt_tender *out;
    size_t n;
    enum err rc = store_invoice_tenders(ctx->db, ctx->a, ctx->account_id, id,
                                        &ts, &n, ei);

    if (rc)
        return app_store_fail(rc, ei);
    out = arena_array(ctx->a, n + 1, sizeof(*out));
    if (out == NULL)
        return ERR_LIMIT;
    for (size_t i = 0; i < n; i++) {
        out[i] = (struct receipt_tender){
            .method = ts[i].method,
            .card_brand = ts[i].card_brand,
            .card_last4 = ts[i].card_last4,
            .reference = ts[i].reference,
            .amount_minor = ts[i].amount_minor,
            .tip_minor = ts[i].tip_minor,
            .received_minor = ts[i].received_minor,
            .change_minor = ts[i].change_minor,
            .refunded_minor = ts[i].refunded_minor + ts[i].tip_refunded_minor,
        };
    }
    r->tenders = out;
    r->tender_count = n;
    return ERR_OK;
}

/* Tips per provider, by name, net of what was refunded. */
static enum err
load_tips(struct app_ctx *ctx, const char *id, struct receipt *r,
          struct errinfo *ei)
{
    struct invoice_tip *ts;
    struct receipt_tip *out;
    size_t n;
    enum err rc = store_invoice_tips(ctx->db, ctx->a, ctx->account_id, id, &ts,
                                     &n, ei);

    if (rc)
        return app_store_fail(rc, ei);
    out = arena_array(ctx->a, n + 1, sizeof(*out));
    if (out == NULL)
        return ERR_LIMIT;
    for (size_t i = 0; i < n; i++) {
        struct user u;

        out[i].provider_name = ts[i].provider_id;
        if (store_user_get(ctx->db, ctx->a, ctx->account_id, ts[i].provider_id,
                           &u, NULL) == ERR_OK)
            out[i].provider_name = u.name;
        out[i].amount_minor = ts[i].amount_minor - ts[i].refunded_minor;
    }
    r->tips = out;
    r->tip_count = n;
    return ERR_OK;
}

/* The lines and totals of inv. */
static enum err
fill_amounts(struct app_ctx *ctx, const struct invoice *inv,
             const struct invoice_line *ls, size_t n, struct receipt *r)
{
    struct receipt_line *out = arena_array(ctx->a, n + 1, sizeof(*out));

    if (out == NULL)
        return ERR_LIMIT;
    for (size_t i = 0; i < n; i++) {
        out[i] = (struct receipt_line){
            .name = ls[i].name,
            .quantity = ls[i].quantity,
            .unit_price_minor = ls[i].unit_price_minor,
            .discount_minor = ls[i].discount_minor,
            .amount_minor = ls[i].net_minor,
        };
    }
    r->lines = out;
    r->line_count = n;
    r->currency = inv->currency;
    r->number = inv->number;
    r->subtotal_minor = inv->gross_minor;
    r->discount_minor = inv->discount_minor;
    r->tax_minor = inv->tax_minor;
    r->total_minor = inv->total_minor;
    r->tip_minor = inv->tip_minor;
    r->paid_minor = inv->paid_minor;
    r->refunded_minor = inv->refunded_minor + inv->tip_refunded_minor;
    /* A void invoice is owed by nobody. */
    r->balance_minor = strcmp(inv->status, "void") == 0
                           ? 0
                           : inv->total_minor - inv->paid_minor;
    return ERR_OK;
}

enum err
app_receipt_load(struct app_ctx *ctx, const char *id, struct receipt *out,
                 struct errinfo *ei)
{
    struct invoice inv;
    struct invoice_line *ls;
    size_t n;
    enum err rc = app_invoice_get(ctx, id, &inv, &ls, &n, ei);

    if (rc)
        return rc;
    memset(out, 0, sizeof(*out));
    for (size_t i = 0; i < sizeof(states) / sizeof(states[0]); i++) {
        if (strcmp(states[i].status, inv.status) == 0) {
            out->title = states[i].title;
            out->status = states[i].label;
        }
    }
    ASSERT(out->title != NULL);
    rc = fill_amounts(ctx, &inv, ls, n, out);
    if (rc == ERR_OK)
        rc = load_parties(ctx, &inv, out, ei);
    if (rc == ERR_OK)
        rc = load_tenders(ctx, id, out, ei);
    if (rc == ERR_OK)
        rc = load_tips(ctx, id, out, ei);
    return rc;
}

/* The receipt of id, rendered; *r is what was printed. */
static enum err
render(struct app_ctx *ctx, const char *id, struct receipt *r,
       const unsigned char **pdf, size_t *len, struct errinfo *ei)
{
    struct invoice_settings s;
    enum err rc = app_receipt_load(ctx, id, r, ei);

    if (rc == ERR_OK)
        rc = app_invoice_settings_get(ctx, &s, ei);
    if (rc)
        return rc;
    return receipt_pdf_render(ctx->a, r, s.disclaimer, pdf, len, ei);
}

static const char *
file_name_of(struct arena *a, const struct receipt *r, const char *id)
{
    return arena_printf(a, "receipt-%s.pdf",
                        r->number != NULL ? r->number : id);
}

enum err
app_invoice_receipt_pdf(struct app_ctx *ctx, const char *id,
                        const unsigned char **pdf, size_t *len,
                        const char **file_name, struct errinfo *ei)
{
    struct receipt r;
    enum err rc = render(ctx, id, &r, pdf, len, ei);

    if (rc)
        return rc;
    *file_name = file_name_of(ctx->a, &r, id);
    return *file_name != NULL ? ERR_OK : ERR_LIMIT;
}

/* The e-mail's text: who it is from, what is attached, what is owed. */
static const char *
email_body(struct arena *a, const struct receipt *r)
{
    char total[48];
    char balance[48];

    receipt_pdf_money(r->total_minor, r->currency, total, sizeof(total));
    receipt_pdf_money(r->balance_minor, r->currency, balance, sizeof(balance));
    return arena_printf(
        a,
        "Hello%s%s,\n\n"
        "Thank you for visiting %s. Your %s%s%s (total "
        "%s) is attached as a PDF.\n\n"
        "Balance due: %s\n\n"
        "%s\n",
        r->patient_name != NULL ? " " : "",
        r->patient_name != NULL ? r->patient_name : "",
        r->clinic_name != NULL ? r->clinic_name : r->practice_name,
        r->title[0] == 'R' ? "receipt" : "invoice",
        r->number != NULL ? " " : "", r->number != NULL ? r->number : "", total,
        balance, r->practice_name);
}

enum err
app_invoice_send_receipt(struct app_ctx *ctx, const char *id, const char *email,
                         struct message *out, struct errinfo *ei)
{
    char to[EMAIL_MAX + 1];
    struct receipt r;
    struct message_attachment at = {.content_type = "application/pdf"};
    const char *subject;
    const char *msg_id;
    enum err rc;

    if (email == NULL || email[0] == '\0')
        return errinfo_set(ei, ERR_INVALID, "parameter_missing", "email",
                           "say which e-mail address gets the receipt");
    rc = contact_email_normalize(email, to, sizeof(to), ei);
    if (rc == ERR_OK)
        rc = render(ctx, id, &r, &at.bytes, &at.len, ei);
    if (rc)
        return rc;
    at.name = file_name_of(ctx->a, &r, id);
    subject = arena_printf(ctx->a, "Your %s from %s",
                           r.title[0] == 'R' ? "receipt" : "invoice",
                           r.practice_name);
    if (at.name == NULL || subject == NULL)
        return ERR_LIMIT;
    rc = app_message_enqueue(ctx, MESSAGE_EMAIL, to, subject,
                             email_body(ctx->a, &r), &at, "invoice", id,
                             &msg_id, ei);
    if (rc == ERR_OK)
        rc = app_message_get(ctx, msg_id, out, ei);
    return rc;
}
