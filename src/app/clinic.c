/*
 * clinic.c - create, read, update and list clinics.
 */
#include "app/clinic.h"

#include <string.h>
#include <unicode/ucal.h>

#include "base/assert.h"
#include "base/crypto.h"
#include "store/clinics.h"
#include "store/users.h"

bool
app_timezone_is_valid(const char *tz)
{
    UChar id[64];
    UChar canon[64];
    UBool is_system = 0;
    UErrorCode status = U_ZERO_ERROR;
    size_t n = strlen(tz);

    if (n == 0 || n >= sizeof(id) / sizeof(id[0]) ||
        strcmp(tz, "Etc/Unknown") == 0)
        return false;
    for (size_t i = 0; i <= n; i++)
        id[i] = (UChar)(unsigned char)tz[i];
    ucal_getCanonicalTimeZoneID(id, -1, canon, 64, &is_system, &status);
    return U_SUCCESS(status) && is_system;
}

static void
apply(struct clinic *c, const struct clinic_patch *in)
{
    const struct clinic *v = &in->v;

    for (int f = 0; f < CLINIC_F__COUNT; f++) {
        if (!in->set[f])
            continue;
        switch ((enum clinic_field)f) {
        case CLINIC_F_NAME:
            c->name = v->name;
            break;
        case CLINIC_F_LINE1:
            c->line1 = v->line1;
            break;
        case CLINIC_F_LINE2:
            c->line2 = v->line2;
            break;
        case CLINIC_F_CITY:
            c->city = v->city;
            break;
        case CLINIC_F_STATE:
            c->state = v->state;
            break;
        case CLINIC_F_POSTAL_CODE:
            c->postal_code = v->postal_code;
            break;
        case CLINIC_F_COUNTRY:
            c->country = v->country;
            break;
        case CLINIC_F_TIMEZONE:
            c->timezone = v->timezone;
            break;
        case CLINIC_F_CURRENCY:
            c->currency = v->currency;
            break;
        case CLINIC_F_TAX_RATE_BPS:
            c->tax_rate_bps = v->tax_rate_bps;
            break;
        case CLINIC_F_ARCHIVED:
            c->archived = v->archived;
            break;
        default:
            ASSERT(!"unreachable");
        }
    }
}

static enum err
check(const struct clinic *c, struct errinfo *ei)
{
    enum err rc = clinic_check(c, ei);

    if (rc)
        return rc;
    if (c->timezone == NULL || !app_timezone_is_valid(c->timezone))
        return errinfo_set(ei, ERR_INVALID, "parameter_invalid", "timezone",
                           "unknown time zone '%s' (use an IANA name such "
                           "as 'America/Chicago')",
                           c->timezone != NULL ? c->timezone : "");
    return ERR_OK;
}

static const char *const field_names[CLINIC_F__COUNT] = {
    [CLINIC_F_NAME] = "name",         [CLINIC_F_LINE1] = "line1",
    [CLINIC_F_LINE2] = "line2",       [CLINIC_F_CITY] = "city",
    [CLINIC_F_STATE] = "state",       [CLINIC_F_POSTAL_CODE] = "postal_code",
    [CLINIC_F_COUNTRY] = "country",   [CLINIC_F_TIMEZONE] = "timezone",
    [CLINIC_F_CURRENCY] = "currency", [CLINIC_F_TAX_RATE_BPS] = "tax_rate_bps",
    [CLINIC_F_ARCHIVED] = "archived",
};

static json_t *
field_value(const struct clinic *c, enum clinic_field f)
{
    switch (f) {
    case CLINIC_F_NAME:
        return json_str_or_null(c->name);
    case CLINIC_F_LINE1:
        return json_str_or_null(c->line1);
    case CLINIC_F_LINE2:
        return json_str_or_null(c->line2);
    case CLINIC_F_CITY:
        return json_str_or_null(c->city);
    case CLINIC_F_STATE:
        return json_str_or_null(c->state);
    case CLINIC_F_POSTAL_CODE:
        return json_str_or_null(c->postal_code);
    case CLINIC_F_COUNTRY:
        return json_str_or_null(c->country);
    case CLINIC_F_TIMEZONE:
        return json_str_or_null(c->timezone);
    case CLINIC_F_CURRENCY:
        return json_str_or_null(c->currency);
    case CLINIC_F_TAX_RATE_BPS:
        return json_integer(c->tax_rate_bps);
    case CLINIC_F_ARCHIVED:
        return json_boolean(c->archived);
    default:
        ASSERT(!"unreachable");
    }
}

/*
 * The audit summary: every field on create (set is NULL), else the fields
 * the patch gave, with their new values.
 */
static json_t *
summary(const struct clinic *c, const bool *set)
{
    json_t *s = json_object();

    for (int f = 0; f < CLINIC_F__COUNT; f++) {
        if (set == NULL || set[f])
            json_put(s, field_names[f], field_value(c, (enum clinic_field)f));
    }
    return s;
}

enum err
app_clinic_create(struct app_ctx *ctx, const struct clinic_patch *in,
                  struct clinic *out, struct errinfo *ei)
{
    struct clinic c = {
        .country = "US",
        .timezone = "America/New_York",
    };
    struct account acct;
    enum err rc;

    /* A clinic takes payments in the practice's currency unless told. */
    rc = store_account_get(ctx->db, ctx->a, ctx->account_id, &acct, ei);
    if (rc)
        return app_store_fail(rc, ei);
    c.currency = acct.currency;
    apply(&c, in);
    rc = check(&c, ei);
    if (rc)
        return rc;
    c.id = id_new(ctx->a, "cln", ctx->now_ms);
    if (c.id == NULL)
        return ERR_LIMIT;
    c.created_at_ms = ctx->now_ms;
    c.updated_at_ms = ctx->now_ms;
    rc = store_clinic_insert(ctx->db, ctx->a, ctx->account_id, &c, ei);
    if (rc)
        return app_store_fail(rc, ei);
    rc = app_audit(ctx, "clinic.create", "clinic", c.id, summary(&c, NULL), ei);
    if (rc == ERR_OK)
        *out = c;
    return rc;
}

enum err
app_clinic_get(struct app_ctx *ctx, const char *id, struct clinic *out,
               struct errinfo *ei)
{
    enum err rc = store_clinic_get(ctx->db, ctx->a, ctx->account_id, id, out,
                                   ei);

    if (rc == ERR_NOT_FOUND)
        return app_not_found(ei, "clinic", id, "id");
    if (rc)
        return app_store_fail(rc, ei);
    return ERR_OK;
}

enum err
app_clinic_update(struct app_ctx *ctx, const char *id,
                  const struct clinic_patch *in, struct clinic *out,
                  struct errinfo *ei)
{
    struct clinic c;
    enum err rc = app_clinic_get(ctx, id, &c, ei);

    if (rc)
        return rc;
    apply(&c, in);
    rc = check(&c, ei);
    if (rc)
        return rc;
    c.updated_at_ms = ctx->now_ms;
    rc = store_clinic_update(ctx->db, ctx->a, ctx->account_id, &c, ei);
    if (rc)
        return app_store_fail(rc, ei);
    rc = app_audit(ctx, "clinic.update", "clinic", c.id, summary(&c, in->set),
                   ei);
    if (rc == ERR_OK)
        *out = c;
    return rc;
}

enum err
app_clinic_list(struct app_ctx *ctx, const struct page *page,
                struct clinic **out, size_t *count, bool *has_more,
                struct errinfo *ei)
{
    enum err rc = store_clinic_list(ctx->db, ctx->a, ctx->account_id,
                                    page->limit, page->starting_after, out,
                                    count, has_more, ei);

    if (rc)
        return app_store_fail(rc, ei);
    return ERR_OK;
}
