/*
 * demo.c - load "Glow Aesthetics": two clinics in different states, one
 * user of every role, a real med-spa catalog and 200 patients, all
 * through the app's own use cases. Deterministic apart from ids.
 */
#include "app/demo.h"

#include <stdio.h>
#include <string.h>

#include "app/catalog.h"
#include "app/clinic.h"
#include "app/demo_data.h"
#include "app/patient.h"
#include "app/user.h"
#include "base/assert.h"
#include "store/users.h"

enum err
app_demo_exists(struct app_ctx *ctx, bool *exists, struct errinfo *ei)
{
    const char *account_id;
    const char *hash;
    struct user u;
    enum err rc = store_user_by_email(ctx->db, ctx->a, DEMO_HEAD_ADMIN_EMAIL,
                                      &account_id, &u, &hash, ei);

    if (rc && rc != ERR_NOT_FOUND)
        return app_store_fail(rc, ei);
    *exists = rc == ERR_OK;
    return ERR_OK;
}

static enum err
load_clinics(struct app_ctx *ctx, const char **ids, struct errinfo *ei)
{
    for (size_t i = 0; i < demo_clinic_count; i++) {
        const struct demo_clinic *d = &demo_clinics[i];
        struct clinic_patch p = {0};
        struct clinic c;
        enum err rc;

        p.v = (struct clinic){.name = d->name,
                              .line1 = d->line1,
                              .city = d->city,
                              .state = d->state,
                              .postal_code = d->postal_code,
                              .country = "US",
                              .timezone = d->timezone,
                              .currency = "USD",
                              .tax_rate_bps = d->tax_rate_bps};
        for (int f = 0; f < CLINIC_F__COUNT; f++)
            p.set[f] = f != CLINIC_F_LINE2 && f != CLINIC_F_ARCHIVED;
        rc = app_clinic_create(ctx, &p, &c, ei);
        if (rc)
            return rc;
        ids[i] = c.id;
    }
    return ERR_OK;
}

static enum err
load_users(struct app_ctx *ctx, struct errinfo *ei)
{
    for (size_t i = 1; i < demo_user_count; i++) {
        const struct demo_user *d = &demo_users[i];
        struct user_new in = {d->email, d->name, d->role, DEMO_PASSWORD};
        struct user u;
        enum err rc = app_user_create(ctx, &in, &u, ei);

        if (rc)
            return rc;
    }
    return ERR_OK;
}

/* The id of the demo category named name (created in order). */
static const char *
category_id(const char *const *ids, const char *name)
{
    for (size_t i = 0; i < demo_category_count; i++) {
        if (strcmp(demo_categories[i].name, name) == 0)
            return ids[i];
    }
    ASSERT(!"demo item names an unknown category");
}

static enum err
load_services(struct app_ctx *ctx, const char *const *cats, struct errinfo *ei)
{
    for (size_t i = 0; i < demo_service_count; i++) {
        const struct demo_service *d = &demo_services[i];
        struct service_patch p = {0};
        struct service s;
        enum err rc;

        p.v.name = d->name;
        p.v.category_id = category_id(cats, d->category);
        p.v.price_minor = d->price_minor;
        p.v.duration_min = d->duration_min;
        p.v.taxable = d->taxable;
        p.set[SERVICE_F_NAME] = p.set[SERVICE_F_CATEGORY] = true;
        p.set[SERVICE_F_PRICE] = p.set[SERVICE_F_DURATION] = true;
        p.set[SERVICE_F_TAXABLE] = true;
        rc = app_service_create(ctx, &p, &s, ei);
        if (rc)
            return rc;
    }
    return ERR_OK;
}

static enum err
load_products(struct app_ctx *ctx, const char *const *cats,
              const char *const *clinics, struct errinfo *ei)
{
    for (size_t i = 0; i < demo_product_count; i++) {
        const struct demo_product *d = &demo_products[i];
        struct product_patch p = {0};
        struct product pr;
        enum err rc;

        p.v.sku = d->sku;
        p.v.name = d->name;
        p.v.category_id = category_id(cats, d->category);
        p.v.price_minor = d->price_minor;
        p.v.cost_minor = d->cost_minor;
        p.v.taxable = d->taxable;
        p.set[PRODUCT_F_SKU] = p.set[PRODUCT_F_NAME] = true;
        p.set[PRODUCT_F_CATEGORY] = p.set[PRODUCT_F_PRICE] = true;
        p.set[PRODUCT_F_COST] = p.set[PRODUCT_F_TAXABLE] = true;
        rc = app_product_create(ctx, &p, &pr, ei);
        for (size_t c = 0; rc == ERR_OK && c < demo_clinic_count; c++)
            rc = app_product_stock_set(ctx, pr.id, clinics[c], d->stock[c], &pr,
                                       ei);
        if (rc)
            return rc;
    }
    return ERR_OK;
}

static enum err
load_catalog(struct app_ctx *ctx, const char *const *clinics,
             struct errinfo *ei)
{
    const char *cats[32];
    enum err rc = ERR_OK;

    ASSERT(demo_category_count <= 32);
    for (size_t i = 0; rc == ERR_OK && i < demo_category_count; i++) {
        struct category_patch p = {0};
        struct category c;

        p.v.name = demo_categories[i].name;
        p.set[CATEGORY_F_NAME] = true;
        rc = app_category_create(ctx, &p, &c, ei);
        cats[i] = c.id;
    }
    if (rc == ERR_OK)
        rc = load_services(ctx, cats, ei);
    if (rc == ERR_OK)
        rc = load_products(ctx, cats, clinics, ei);
    return rc;
}

/* Patient i of the demo, deterministic: names, contact, birth date. */
static void
demo_patient(size_t i, struct patient_patch *p, char *email, char *phone,
             char *dob)
{
    static const char *const areas[] = {"512", "480", "737", "602"};
    const char *first = demo_first_names[i % demo_first_name_count];
    /* Every 60 patients the pairing shifts, so full names rarely repeat. */
    const char *last =
        demo_last_names[(i * 7 + 3 + i / 60 * 17) % demo_last_name_count];

    snprintf(email, 96, "%s.%s%zu@example.com", first, last, i);
    snprintf(phone, 32, "(%s) 555-%04zu", areas[i % 4], 100 + i % 100);
    snprintf(dob, 16, "%04zu-%02zu-%02zu", 1955 + (i * 13) % 50, 1 + i % 12,
             1 + (i * 7) % 28);
    memset(p, 0, sizeof(*p));
    p->v.first_name = first;
    p->v.last_name = last;
    p->v.email = email;
    p->v.phone = phone;
    p->v.date_of_birth = dob;
    p->set[PATIENT_F_FIRST_NAME] = p->set[PATIENT_F_LAST_NAME] = true;
    p->set[PATIENT_F_EMAIL] = p->set[PATIENT_F_PHONE] = true;
    p->set[PATIENT_F_DATE_OF_BIRTH] = true;
}

static enum err
load_patients(struct app_ctx *ctx, struct errinfo *ei)
{
    for (size_t i = 0; i < DEMO_PATIENT_COUNT; i++) {
        struct patient_patch p;
        struct patient out;
        char email[96];
        char phone[32];
        char dob[16];
        enum err rc;

        demo_patient(i, &p, email, phone, dob);
        rc = app_patient_create(ctx, &p, &out, ei);
        if (rc)
            return rc;
    }
    return ERR_OK;
}

enum err
app_demo_load(struct app_ctx *ctx, struct account_created *out,
              struct errinfo *ei)
{
    const struct demo_user *owner = &demo_users[0];
    struct account_new in = {
        .name = "Glow Aesthetics",
        .email = owner->email,
        .password = DEMO_PASSWORD,
        .admin_name = owner->name,
    };
    const char *clinic_ids[8];
    enum err rc;

    ASSERT(strcmp(owner->role, "head_admin") == 0);
    ASSERT(demo_clinic_count <= 8);
    rc = app_account_create(ctx, &in, out, ei);
    if (rc == ERR_OK)
        rc = load_clinics(ctx, clinic_ids, ei);
    if (rc == ERR_OK)
        rc = load_users(ctx, ei);
    if (rc == ERR_OK)
        rc = load_catalog(ctx, clinic_ids, ei);
    if (rc == ERR_OK)
        rc = load_patients(ctx, ei);
    return rc;
}

enum err
app_demo_key(struct app_ctx *ctx, struct api_key *out, struct errinfo *ei)
{
    const char *hash;
    struct user u;
    struct page page = {.limit = PAGE_LIMIT_MAX};
    struct api_key *keys;
    size_t n;
    bool more;
    enum err rc = store_user_by_email(ctx->db, ctx->a, DEMO_HEAD_ADMIN_EMAIL,
                                      &ctx->account_id, &u, &hash, ei);

    if (rc)
        return app_store_fail(rc, ei);
    ctx->user_id = u.id;
    ctx->role = u.role;
    ctx->actor_type = ACTOR_SYSTEM;
    rc = app_api_key_list(ctx, &page, &keys, &n, &more, ei);
    for (size_t i = 0; rc == ERR_OK && i < n; i++) {
        struct api_key revoked;

        if (strcmp(keys[i].name, "Demo key") == 0 && keys[i].revoked_at_ms == 0)
            rc = app_api_key_revoke(ctx, keys[i].id, &revoked, ei);
    }
    if (rc == ERR_OK)
        rc = app_api_key_create(ctx, "Demo key", out, ei);
    return rc;
}
