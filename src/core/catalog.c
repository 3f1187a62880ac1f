/*
 * catalog.c - field rules of categories, services and products, and the
 * matching of stock levels to products. Never touches the store: whether
 * a category exists or a sku is free is decided by app/catalog.c.
 */
#include "core/catalog.h"

#include <stdlib.h>
#include <string.h>

#include "base/assert.h"
#include "base/money.h"

void
catalog_service_init(struct service *s)
{
    ASSERT(s != NULL);
    memset(s, 0, sizeof(*s));
    s->currency = CATALOG_CURRENCY_DEFAULT;
    s->duration_min = CATALOG_DURATION_DEFAULT_MIN;
    s->taxable = false;
}

void
catalog_product_init(struct product *p)
{
    ASSERT(p != NULL);
    memset(p, 0, sizeof(*p));
    p->currency = CATALOG_CURRENCY_DEFAULT;
    /* Retail goods are taxable in every US state that has a sales tax. */
    p->taxable = true;
}

enum err
catalog_name_check(const char *name, size_t max, struct errinfo *ei)
{
    bool blank = true;
    size_t n;

    if (name == NULL || name[0] == '\0')
        return errinfo_set(ei, ERR_INVALID, "parameter_missing", "name",
                           "name must not be empty");
    n = strlen(name);
    if (n > max)
        return errinfo_set(ei, ERR_INVALID, "parameter_invalid", "name",
                           "name must be at most %zu bytes long", max);
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)name[i];

        if (c < 0x20 || c == 0x7f)
            return errinfo_set(ei, ERR_INVALID, "parameter_invalid", "name",
                               "name must not contain control characters");
        if (c != ' ')
            blank = false;
    }
    if (blank)
        return errinfo_set(ei, ERR_INVALID, "parameter_invalid", "name",
                           "name must not be blank");
    return ERR_OK;
}

static enum err
check_amount(int64_t amount_minor, const char *param, struct errinfo *ei)
{
    if (amount_minor < 0 || amount_minor > CATALOG_PRICE_MAX)
        return errinfo_set(ei, ERR_INVALID, "parameter_out_of_range", param,
                           "'%s' must be between 0 and %lld", param,
                           (long long)CATALOG_PRICE_MAX);
    return ERR_OK;
}

static enum err
check_currency(const char *currency, struct errinfo *ei)
{
    if (currency == NULL || currency_by_code(str_c(currency)) == NULL)
        return errinfo_set(ei, ERR_INVALID, "parameter_invalid", "currency",
                           "unknown currency '%s'",
                           currency != NULL ? currency : "");
    return ERR_OK;
}

enum err
catalog_category_check(const struct category *c, struct errinfo *ei)
{
    ASSERT(c != NULL);
    return catalog_name_check(c->name, CATALOG_CATEGORY_NAME_MAX, ei);
}

enum err
catalog_service_check(const struct service *s, struct errinfo *ei)
{
    enum err rc;

    ASSERT(s != NULL);
    rc = catalog_name_check(s->name, CATALOG_NAME_MAX, ei);
    if (rc)
        return rc;
    rc = check_amount(s->price_minor, "price", ei);
    if (rc)
        return rc;
    rc = check_currency(s->currency, ei);
    if (rc)
        return rc;
    if (s->duration_min < 0 || s->duration_min > CATALOG_DURATION_MAX_MIN)
        return errinfo_set(ei, ERR_INVALID, "parameter_out_of_range",
                           "duration_min",
                           "'duration_min' must be between 0 and %d",
                           CATALOG_DURATION_MAX_MIN);
    return ERR_OK;
}

bool
catalog_sku_is_valid(const char *sku)
{
    size_t n;

    if (sku == NULL)
        return false;
    n = strlen(sku);
    if (n == 0 || n > CATALOG_SKU_MAX)
        return false;
    for (size_t i = 0; i < n; i++) {
        char c = sku[i];
        bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
                  (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';

        if (!ok)
            return false;
    }
    return true;
}

enum err
catalog_product_check(const struct product *p, struct errinfo *ei)
{
    enum err rc;

    ASSERT(p != NULL);
    if (p->sku == NULL || p->sku[0] == '\0')
        return errinfo_set(ei, ERR_INVALID, "parameter_missing", "sku",
                           "sku must not be empty");
    if (!catalog_sku_is_valid(p->sku))
        return errinfo_set(ei, ERR_INVALID, "parameter_invalid", "sku",
                           "sku must be 1 to %d characters of A-Z, a-z, "
                           "0-9, '.', '_' and '-'",
                           CATALOG_SKU_MAX);
    rc = catalog_name_check(p->name, CATALOG_NAME_MAX, ei);
    if (rc)
        return rc;
    rc = check_amount(p->price_minor, "price", ei);
    if (rc)
        return rc;
    rc = check_amount(p->cost_minor, "cost", ei);
    if (rc)
        return rc;
    return check_currency(p->currency, ei);
}

enum err
catalog_stock_check(int64_t quantity, struct errinfo *ei)
{
    if (quantity < 0 || quantity > CATALOG_STOCK_MAX)
        return errinfo_set(ei, ERR_INVALID, "parameter_out_of_range",
                           "quantity", "'quantity' must be between 0 and %lld",
                           (long long)CATALOG_STOCK_MAX);
    return ERR_OK;
}

static int
cmp_level(const void *x, const void *y)
{
    const struct stock_level *a = x;
    const struct stock_level *b = y;
    int c = strcmp(a->product_id, b->product_id);

    return c != 0 ? c : strcmp(a->clinic_id, b->clinic_id);
}

/* Index of the first level of product_id in sorted levels, or m. */
static size_t
lower_bound(const struct stock_level *levels, size_t m, const char *product_id)
{
    size_t lo = 0;
    size_t hi = m;

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;

        if (strcmp(levels[mid].product_id, product_id) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

void
catalog_stock_attach(struct product *products, size_t n,
                     struct stock_level *levels, size_t m)
{
    ASSERT(n == 0 || products != NULL);
    ASSERT(m == 0 || levels != NULL);
    if (m > 1)
        qsort(levels, m, sizeof(*levels), cmp_level);
    for (size_t i = 0; i < n; i++) {
        size_t first = lower_bound(levels, m, products[i].id);
        size_t end = first;

        while (end < m && strcmp(levels[end].product_id, products[i].id) == 0)
            end++;
        products[i].stock = end > first ? &levels[first] : NULL;
        products[i].stock_count = end - first;
        ASSERT(products[i].stock_count <= m);
    }
}
