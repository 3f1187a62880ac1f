/*
 * demo_data.h - the static content of the demo practice "Glow Aesthetics".
 *
 * Pure data: real med-spa catalog items at plausible US prices, two clinics
 * in different states, one user of every role, and name parts from which
 * app/demo.c generates 200 patients deterministically. All strings are
 * static and borrowed; amounts are integer cents.
 */
#ifndef POISE_APP_DEMO_DATA_H
#define POISE_APP_DEMO_DATA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct demo_clinic {
    const char *name;
    const char *line1;
    const char *city;
    const char *state; /* two-letter US state */
    const char *postal_code;
    const char *timezone; /* IANA */
    int32_t tax_rate_bps; /* sales tax in basis points, 825 = 8.25% */
};

struct demo_user {
    const char *name;
    const char *email;
    const char *role; /* head_admin, admin, provider, front_desk */
};

struct demo_category {
    const char *name;
};

struct demo_service {
    const char *name;
    const char *category; /* a demo_category name */
    int64_t price_minor;
    int32_t duration_min;
    bool taxable;
};

struct demo_product {
    const char *sku;
    const char *name;
    const char *category;
    int64_t price_minor;
    int64_t cost_minor;
    bool taxable;
    int32_t stock[2]; /* per demo clinic, same order as demo_clinics */
};

extern const struct demo_clinic demo_clinics[];
extern const size_t demo_clinic_count;
extern const struct demo_user demo_users[];
extern const size_t demo_user_count;
extern const struct demo_category demo_categories[];
extern const size_t demo_category_count;
extern const struct demo_service demo_services[];
extern const size_t demo_service_count;
extern const struct demo_product demo_products[];
extern const size_t demo_product_count;
extern const char *const demo_first_names[];
extern const size_t demo_first_name_count;
extern const char *const demo_last_names[];
extern const size_t demo_last_name_count;

/* The demo head admin's password, printed by `make run`. */
#define DEMO_PASSWORD "glow-demo-2026"

#endif
