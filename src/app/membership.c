/*
 * membership.c - membership programs and tiers with their member prices,
 * and what an active membership gives at checkout. Enrolment is in
 * membership_enrol.c.
 *
 * Reads never go row by row: a page of programs takes one statement for
 * the programs, one for all their tiers and one for all those tiers'
 * prices; an invoice's member pricing takes one for the patient's active
 * tier and one for its prices of the invoice's items.
 */
#include "app/membership.h"

#include <stdlib.h>
#include <string.h>

#include "base/assert.h"
#include "base/crypto.h"
#include "store/users.h"

/* A JSON array of the n strings of ids; arena-owned (NULL past the cap). */
static const char *
ids_json(struct arena *a, const char *const *ids, size_t n)
{
    json_t *arr = json_array();

    for (size_t i = 0; i < n; i++)
        (void)json_array_append_new(arr, json_string(ids[i])); /* OOM: NULL */
    return json_dump(a, arr, NULL);
}

/* Room for n ids (one spare, so n may be 0); arena-owned or NULL. */
static const char **
ids_new(struct arena *a, size_t n)
{
    return arena_array(a, n + 1, sizeof(const char *));
}

/* ---- reading programs with their tiers ---- */

static int
price_cmp(const void *x, const void *y)
{
    const struct member_price *a = x;
    const struct member_price *b = y;
    int c = strcmp(a->tier_id, b->tier_id);

    return c != 0 ? c : strcmp(a->item_id, b->item_id);
}

/* Point tv at its run of ps (sorted by tier, then item). */
static void
attach_prices(struct membership_tier_view *tv, const struct member_price *ps,
              size_t m)
{
    size_t lo = 0;
    size_t hi = m;

    while (lo < hi) { /* the first price of tv's tier or later */
        size_t mid = lo + (hi - lo) / 2;

        if (strcmp(ps[mid].tier_id, tv->t.id) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    tv->prices = &ps[lo];
    tv->price_count = 0;
    while (lo + tv->price_count < m &&
           strcmp(ps[lo + tv->price_count].tier_id, tv->t.id) == 0)
        tv->price_count++;
}

/* Read the member prices of the n tiers in tv in one statement. */
static enum err
load_prices(struct app_ctx *ctx, struct membership_tier_view *tv, size_t n,
            struct errinfo *ei)
{
    struct member_price *ps;
    size_t m;
    const char **ids = ids_new(ctx->a, n);
    const char *json;
    enum err rc;

    if (ids == NULL)
        return ERR_LIMIT;
    for (size_t i = 0; i < n; i++)
        ids[i] = tv[i].t.id;
    json = ids_json(ctx->a, ids, n);
    if (json == NULL)
        return ERR_LIMIT;
    rc = store_member_prices_of(ctx->db, ctx->a, ctx->account_id, json, &ps, &m,
                                ei);
    if (rc)
        return app_store_fail(rc, ei);
    /* Byte order, whatever order the database's collation gave. */
    qsort(ps, m, sizeof(*ps), price_cmp);
    for (size_t i = 0; i < n; i++)
        attach_prices(&tv[i], ps, m);
    return ERR_OK;
}

/* Give program view out the tiers of ts (m of them) that are its own. */
static enum err
take_tiers(struct app_ctx *ctx, const struct membership_tier_view *tv, size_t m,
           struct membership_program_view *out)
{
    size_t k = 0;

    for (size_t j = 0; j < m; j++)
        k += strcmp(tv[j].t.program_id, out->p.id) == 0;
    out->tiers = arena_array(ctx->a, k + 1, sizeof(*out->tiers));
    if (out->tiers == NULL)
        return ERR_LIMIT;
    out->tier_count = 0;
    for (size_t j = 0; j < m; j++) {
        if (strcmp(tv[j].t.program_id, out->p.id) == 0)
            out->tiers[out->tier_count++] = tv[j];
    }
    ASSERT(out->tier_count == k);
    return ERR_OK;
}

/* Fill the views of the n programs ps with their tiers and prices. */
static enum err
load_views(struct app_ctx *ctx, const struct membership_program *ps, size_t n,
           struct membership_program_view *out, struct errinfo *ei)
{
    struct membership_tier *ts;
    struct membership_tier_view *tv;
    size_t m;
    const char **ids = ids_new(ctx->a, n);
    const char *json;
    enum err rc;

    for (size_t i = 0; ids != NULL && i < n; i++)
        ids[i] = ps[i].id;
    json = ids != NULL ? ids_json(ctx->a, ids, n) : NULL;
    if (json == NULL)
        return ERR_LIMIT;
    rc = store_membership_tiers_of(ctx->db, ctx->a, ctx->account_id, json, &ts,
                                   &m, ei);
    if (rc)
        return app_store_fail(rc, ei);
    tv = arena_array(ctx->a, m + 1, sizeof(*tv));
    if (tv == NULL)
        return ERR_LIMIT;
    for (size_t j = 0; j < m; j++)
        tv[j].t = ts[j];
    rc = load_prices(ctx, tv, m, ei);
    for (size_t i = 0; rc == ERR_OK && i < n; i++) {
        out[i].p = ps[i];
        rc = take_tiers(ctx, tv, m, &out[i]);
    }
    return rc;
}

static enum err
program_load(struct app_ctx *ctx, const char *id, struct membership_program *p,
             struct errinfo *ei)
{
    enum err rc = store_membership_program_get(ctx->db, ctx->a, ctx->account_id,
                                               id, p, ei);

    if (rc == ERR_NOT_FOUND)
        return app_not_found(ei, "membership program", id, "id");
    return rc ? app_store_fail(rc, ei) : ERR_OK;
}

enum err
app_membership_program_get(struct app_ctx *ctx, const char *id,
                           struct membership_program_view *out,
                           struct errinfo *ei)
{
    struct membership_program p;
    enum err rc = program_load(ctx, id, &p, ei);

    if (rc)
        return rc;
    return load_views(ctx, &p, 1, out, ei);
}

enum err
app_membership_program_list(struct app_ctx *ctx, bool archived,
                            const struct page *page,
                            struct membership_program_view **out, size_t *count,
                            bool *has_more, struct errinfo *ei)
{
    struct membership_program *ps;
    enum err rc = store_membership_program_list(
        ctx->db, ctx->a, ctx->account_id, archived, page->limit,
        page->starting_after, &ps, count, has_more, ei);

    if (rc)
        return app_store_fail(rc, ei);
    *out = arena_array(ctx->a, *count + 1, sizeof(**out));
    if (*out == NULL)
        return ERR_LIMIT;
    return *count > 0 ? load_views(ctx, ps, *count, *out, ei) : ERR_OK;
}

/* ---- writing programs ---- */

static void
program_apply(struct membership_program *p,
              const struct membership_program_patch *in)
{
    const struct membership_program *v = &in->v;

    if (in->set[MEMBERSHIP_PROGRAM_F_NAME])
        p->name = v->name;
    if (in->set[MEMBERSHIP_PROGRAM_F_DESCRIPTION])
        p->description = v->description;
    if (in->set[MEMBERSHIP_PROGRAM_F_PORTAL])
        p->portal_enabled = v->portal_enabled;
    if (in->set[MEMBERSHIP_PROGRAM_F_COLOR])
        p->color = v->color;
    if (in->set[MEMBERSHIP_PROGRAM_F_ARCHIVED])
        p->archived = v->archived;
}

/*
 * Set p's agreement to text (NULL removes it): a text that differs from
 * the current one becomes the next version, kept for ever.
 */
static enum err
set_agreement(struct app_ctx *ctx, struct membership_program *p,
              const char *text, struct errinfo *ei)
{
    enum err rc;

    if (text == NULL ||
        (p->agreement != NULL && strcmp(p->agreement, text) == 0)) {
        p->agreement = text;
        return ERR_OK;
    }
    p->agreement = text;
    p->agreement_version++;
    rc = membership_program_check(p, ei);
    if (rc)
        return rc;
    rc = store_membership_agreement_insert(ctx->db, ctx->a, ctx->account_id,
                                           p->id, p->agreement_version, text,
                                           ctx->user_id, ctx->now_ms, ei);
    return rc ? app_store_fail(rc, ei) : ERR_OK;
}

static json_t *
program_summary(const struct membership_program *p, const bool *set)
{
    json_t *sum = json_object();

    json_put(sum, "name", json_string(p->name));
    json_put(sum, "agreement_version", json_integer(p->agreement_version));
    if (set[MEMBERSHIP_PROGRAM_F_ARCHIVED])
        json_put(sum, "archived", json_boolean(p->archived));
    return sum;
}

enum err
app_membership_program_create(struct app_ctx *ctx,
                              const struct membership_program_patch *in,
                              struct membership_program_view *out,
                              struct errinfo *ei)
{
    struct membership_program p = {0};
    enum err rc;

    program_apply(&p, in);
    rc = membership_program_check(&p, ei);
    if (rc)
        return rc;
    p.id = id_new(ctx->a, "mpr", ctx->now_ms);
    p.created_at_ms = ctx->now_ms;
    p.updated_at_ms = ctx->now_ms;
    rc = store_membership_program_insert(ctx->db, ctx->a, ctx->account_id, &p,
                                         ei);
    if (rc)
        return app_store_fail(rc, ei);
    /* The agreement's first version refers to the program's row. */
    if (in->set[MEMBERSHIP_PROGRAM_F_AGREEMENT] && in->v.agreement != NULL) {
        rc = set_agreement(ctx, &p, in->v.agreement, ei);
        if (rc == ERR_OK)
            rc = store_membership_program_update(ctx->db, ctx->a,
                                                 ctx->account_id, &p, ei);
        if (rc)
            return rc == ERR_INVALID ? rc : app_store_fail(rc, ei);
    }
    rc = app_audit(ctx, "membership_program.create", "membership_program", p.id,
                   program_summary(&p, in->set), ei);
    if (rc == ERR_OK)
        rc = load_views(ctx, &p, 1, out, ei);
    return rc;
}

enum err
app_membership_program_update(struct app_ctx *ctx, const char *id,
                              const struct membership_program_patch *in,
                              struct membership_program_view *out,
                              struct errinfo *ei)
{
    struct membership_program p;
    enum err rc = program_load(ctx, id, &p, ei);

    if (rc)
        return rc;
    program_apply(&p, in);
    rc = membership_program_check(&p, ei);
    if (rc == ERR_OK && in->set[MEMBERSHIP_PROGRAM_F_AGREEMENT])
        rc = set_agreement(ctx, &p, in->v.agreement, ei);
    if (rc)
        return rc;
    p.updated_at_ms = ctx->now_ms;
    rc = store_membership_program_update(ctx->db, ctx->a, ctx->account_id, &p,
                                         ei);
    if (rc)
        return app_store_fail(rc, ei);
    rc = app_audit(ctx, "membership_program.update", "membership_program", p.id,
                   program_summary(&p, in->set), ei);
    if (rc == ERR_OK)
        rc = load_views(ctx, &p, 1, out, ei);
    return rc;
}

/* ---- tiers ---- */

static void
tier_apply(struct membership_tier *t, const struct membership_tier_patch *in)
{
    const struct membership_tier *v = &in->v;

    if (in->set[MEMBERSHIP_TIER_F_NAME])
        t->name = v->name;
    if (in->set[MEMBERSHIP_TIER_F_DISCOUNT])
        t->discount_bps = v->discount_bps;
    if (in->set[MEMBERSHIP_TIER_F_MONTHLY_FEE])
        t->monthly_fee_minor = v->monthly_fee_minor;
    if (in->set[MEMBERSHIP_TIER_F_SETUP_FEE])
        t->setup_fee_minor = v->setup_fee_minor;
    if (in->set[MEMBERSHIP_TIER_F_CURRENCY])
        t->currency = v->currency;
    if (in->set[MEMBERSHIP_TIER_F_FEE_TO_WALLET])
        t->fee_to_wallet = v->fee_to_wallet;
    if (in->set[MEMBERSHIP_TIER_F_THANK_YOU])
        t->thank_you_message = v->thank_you_message;
    if (in->set[MEMBERSHIP_TIER_F_COLOR])
        t->color = v->color;
    if (in->set[MEMBERSHIP_TIER_F_ARCHIVED])
        t->archived = v->archived;
}

/* Name member_prices[i].member as the error's param; returns rc. */
static enum err
price_param(struct errinfo *ei, enum err rc, size_t i, const char *member)
{
    if (ei != NULL)
        snprintf(ei->param, sizeof(ei->param), "member_prices[%zu].%s", i,
                 member);
    return rc;
}

/* Member price i against the items fetched: live, same currency, once. */
static enum err
check_price(const struct membership_tier *t, const struct member_price *ps,
            size_t i, const struct priced_item *items, size_t n,
            struct errinfo *ei)
{
    const struct priced_item *it = NULL;
    enum err rc = ERR_OK;

    for (size_t j = 0; j < n && it == NULL; j++) {
        if (strcmp(items[j].id, ps[i].item_id) == 0)
            it = &items[j];
    }
    for (size_t j = 0; j < i && rc == ERR_OK; j++) {
        if (strcmp(ps[j].item_id, ps[i].item_id) == 0)
            rc = errinfo_set(ei, ERR_INVALID, "parameter_invalid", NULL,
                             "'%s' has a member price already", ps[i].item_id);
    }
    if (it == NULL || it->archived)
        rc = errinfo_set(ei, ERR_INVALID, "parameter_invalid", NULL,
                         "no service or product '%s' to price", ps[i].item_id);
    else if (rc == ERR_OK && strcmp(it->currency, t->currency) != 0)
        rc = errinfo_set(ei, ERR_INVALID, "parameter_invalid", NULL,
                         "'%s' is priced in %s; the tier is in %s", it->name,
                         it->currency, t->currency);
    if (rc)
        return price_param(ei, rc, i, "item");
    if (ps[i].price_minor < 0 || ps[i].price_minor > MEMBERSHIP_AMOUNT_MAX)
        return price_param(ei,
                           errinfo_set(ei, ERR_INVALID,
                                       "parameter_out_of_range", NULL,
                                       "a member price is 0 to %lld",
                                       (long long)MEMBERSHIP_AMOUNT_MAX),
                           i, "price");
    return ERR_OK;
}

/* Check the n member prices of t in one read of their items. */
static enum err
check_prices(struct app_ctx *ctx, const struct membership_tier *t,
             const struct member_price *ps, size_t n, struct errinfo *ei)
{
    struct priced_item *items;
    size_t m;
    const char **ids;
    const char *json;
    enum err rc;

    if (n == 0)
        return ERR_OK;
    if (n > MEMBERSHIP_PRICES_MAX)
        return errinfo_set(
            ei, ERR_INVALID, "parameter_invalid", "member_prices",
            "a tier holds at most %d member prices", MEMBERSHIP_PRICES_MAX);
    ids = ids_new(ctx->a, n);
    for (size_t i = 0; ids != NULL && i < n; i++)
        ids[i] = ps[i].item_id;
    json = ids != NULL ? ids_json(ctx->a, ids, n) : NULL;
    if (json == NULL)
        return ERR_LIMIT;
    rc = store_priced_items(ctx->db, ctx->a, ctx->account_id, json, &items, &m,
                            ei);
    if (rc)
        return app_store_fail(rc, ei);
    for (size_t i = 0; rc == ERR_OK && i < n; i++)
        rc = check_price(t, ps, i, items, m, ei);
    return rc;
}

/* Replace t's member prices with the n in ps (checked). */
static enum err
save_prices(struct app_ctx *ctx, const struct membership_tier *t,
            const struct member_price *ps, size_t n, struct errinfo *ei)
{
    enum err rc = store_member_prices_delete(ctx->db, ctx->a, ctx->account_id,
                                             t->id, ei);

    for (size_t i = 0; rc == ERR_OK && i < n; i++) {
        struct member_price mp = {t->id, ps[i].item_id, ps[i].price_minor};

        rc = store_member_price_insert(ctx->db, ctx->a, ctx->account_id, &mp,
                                       ei);
    }
    return rc ? app_store_fail(rc, ei) : ERR_OK;
}

static enum err
tier_load(struct app_ctx *ctx, const char *id, struct membership_tier *t,
          struct errinfo *ei)
{
    enum err rc = store_membership_tier_get(ctx->db, ctx->a, ctx->account_id,
                                            id, t, ei);

    if (rc == ERR_NOT_FOUND)
        return app_not_found(ei, "membership tier", id, "id");
    return rc ? app_store_fail(rc, ei) : ERR_OK;
}

static enum err
tier_view(struct app_ctx *ctx, const struct membership_tier *t,
          struct membership_tier_view *out, struct errinfo *ei)
{
    out->t = *t;
    return load_prices(ctx, out, 1, ei);
}

static json_t *
tier_summary(const struct membership_tier_patch *in,
             const struct membership_tier *t)
{
    json_t *sum = json_object();

    json_put(sum, "program", json_string(t->program_id));
    json_put(sum, "name", json_string(t->name));
    json_put(sum, "discount_bps", json_integer(t->discount_bps));
    json_put(sum, "monthly_fee", json_integer(t->monthly_fee_minor));
    json_put(sum, "setup_fee", json_integer(t->setup_fee_minor));
    if (in->set[MEMBERSHIP_TIER_F_PRICES])
        json_put(sum, "member_prices",
                 json_integer((json_int_t)in->price_count));
    return sum;
}

/* The tier's currency when none is given: the account's. */
static enum err
default_currency(struct app_ctx *ctx, struct membership_tier *t,
                 struct errinfo *ei)
{
    struct account acct;
    enum err rc;

    if (t->currency != NULL)
        return ERR_OK;
    rc = store_account_get(ctx->db, ctx->a, ctx->account_id, &acct, ei);
    if (rc)
        return app_store_fail(rc, ei);
    t->currency = acct.currency;
    return ERR_OK;
}

enum err
app_membership_tier_create(struct app_ctx *ctx, const char *program_id,
                           const struct membership_tier_patch *in,
                           struct membership_tier_view *out, struct errinfo *ei)
{
    struct membership_program p;
    struct membership_tier t = {0};
    enum err rc = program_load(ctx, program_id, &p, ei);

    if (rc == ERR_OK && p.archived)
        rc = errinfo_set(ei, ERR_CONFLICT, "program_archived", "id",
                         "membership program '%s' is archived", p.name);
    tier_apply(&t, in);
    if (rc == ERR_OK)
        rc = default_currency(ctx, &t, ei);
    if (rc == ERR_OK)
        rc = membership_tier_check(&t, ei);
    if (rc == ERR_OK)
        rc = check_prices(ctx, &t, in->prices, in->price_count, ei);
    if (rc)
        return rc;
    t.id = id_new(ctx->a, "mtr", ctx->now_ms);
    t.program_id = p.id;
    t.created_at_ms = ctx->now_ms;
    t.updated_at_ms = ctx->now_ms;
    rc = store_membership_tier_insert(ctx->db, ctx->a, ctx->account_id, &t, ei);
    if (rc)
        return app_store_fail(rc, ei);
    rc = save_prices(ctx, &t, in->prices, in->price_count, ei);
    if (rc == ERR_OK)
        rc = app_audit(ctx, "membership_tier.create", "membership_tier", t.id,
                       tier_summary(in, &t), ei);
    return rc ? rc : tier_view(ctx, &t, out, ei);
}

enum err
app_membership_tier_get(struct app_ctx *ctx, const char *id,
                        struct membership_tier_view *out, struct errinfo *ei)
{
    struct membership_tier t;
    enum err rc = tier_load(ctx, id, &t, ei);

    return rc ? rc : tier_view(ctx, &t, out, ei);
}

enum err
app_membership_tier_update(struct app_ctx *ctx, const char *id,
                           const struct membership_tier_patch *in,
                           struct membership_tier_view *out, struct errinfo *ei)
{
    struct membership_tier t;
    enum err rc = tier_load(ctx, id, &t, ei);

    if (rc)
        return rc;
    ASSERT(!in->set[MEMBERSHIP_TIER_F_CURRENCY]); /* fixed at creation */
    tier_apply(&t, in);
    rc = membership_tier_check(&t, ei);
    if (rc == ERR_OK && in->set[MEMBERSHIP_TIER_F_PRICES])
        rc = check_prices(ctx, &t, in->prices, in->price_count, ei);
    if (rc)
        return rc;
    t.updated_at_ms = ctx->now_ms;
    rc = store_membership_tier_update(ctx->db, ctx->a, ctx->account_id, &t, ei);
    if (rc)
        return app_store_fail(rc, ei);
    if (in->set[MEMBERSHIP_TIER_F_PRICES])
        rc = save_prices(ctx, &t, in->prices, in->price_count, ei);
    if (rc == ERR_OK)
        rc = app_audit(ctx, "membership_tier.update", "membership_tier", t.id,
                       tier_summary(in, &t), ei);
    return rc ? rc : tier_view(ctx, &t, out, ei);
}

/* ---- member pricing at checkout ---- */

/* Set out's per-line prices from the n_prices member prices found. */
static void
match_prices(const struct priced_item *const *items, size_t n,
             const char *currency, const struct member_price *ps,
             size_t n_prices, int64_t *out)
{
    for (size_t i = 0; i < n; i++) {
        out[i] = PRICING_NO_PRICE;
        if (strcmp(items[i]->currency, currency) != 0)
            continue; /* a fixed price is in the tier's own currency */
        for (size_t j = 0; j < n_prices; j++) {
            if (strcmp(ps[j].item_id, items[i]->id) == 0)
                out[i] = ps[j].price_minor;
        }
    }
}

enum err
app_member_pricing(struct app_ctx *ctx, const char *patient_id,
                   const struct priced_item *const *items, size_t n,
                   struct member_pricing *out, struct errinfo *ei)
{
    struct member_benefits b;
    struct member_price *ps;
    size_t n_prices;
    const char **ids;
    const char *json;
    enum err rc;

    memset(out, 0, sizeof(*out));
    out->member_prices_minor = arena_array(ctx->a, n + 1,
                                           sizeof(*out->member_prices_minor));
    if (out->member_prices_minor == NULL)
        return ERR_LIMIT;
    for (size_t i = 0; i < n; i++)
        out->member_prices_minor[i] = PRICING_NO_PRICE;
    if (patient_id == NULL || n == 0)
        return ERR_OK;
    rc = store_member_benefits(ctx->db, ctx->a, ctx->account_id, patient_id, &b,
                               ei);
    if (rc == ERR_NOT_FOUND) {
        errinfo_clear(ei);
        return ERR_OK;
    }
    if (rc)
        return app_store_fail(rc, ei);
    ids = ids_new(ctx->a, n);
    for (size_t i = 0; ids != NULL && i < n; i++)
        ids[i] = items[i]->id;
    json = ids != NULL ? ids_json(ctx->a, ids, n) : NULL;
    if (json == NULL)
        return ERR_LIMIT;
    rc = store_member_prices_for(ctx->db, ctx->a, ctx->account_id, b.tier_id,
                                 json, &ps, &n_prices, ei);
    if (rc)
        return app_store_fail(rc, ei);
    match_prices(items, n, b.currency, ps, n_prices, out->member_prices_minor);
    out->membership_id = b.membership_id;
    out->tier_id = b.tier_id;
    out->tier_name = b.tier_name;
    out->tier_discount_bps = b.discount_bps;
    ASSERT(out->tier_discount_bps >= 0 &&
           out->tier_discount_bps <= PRICING_BPS_WHOLE);
    return ERR_OK;
}
