/*
 * catalog_test.c - tests for core/catalog: defaults, names, sku charset,
 * price, cost, duration and stock ranges, currencies, and the matching of
 * stock levels to products whatever order they come in.
 */
#include "core/catalog.h"

#include <string.h>

#include "harness.h"

static struct service
botox(void)
{
    struct service s;

    catalog_service_init(&s);
    s.name = "Botox (per unit)";
    s.price_minor = 1400;
    s.duration_min = 15;
    return s;
}

static struct product
serum(void)
{
    struct product p;

    catalog_product_init(&p);
    p.sku = "SKM-CEFERULIC";
    p.name = "C E Ferulic";
    p.price_minor = 18200;
    p.cost_minor = 10900;
    return p;
}

static bool
param_is(const struct errinfo *ei, const char *param)
{
    return strcmp(ei->param, param) == 0;
}

TEST(catalog_defaults)
{
    struct service s;
    struct product p;

    catalog_service_init(&s);
    CHECK_I64(s.duration_min, 30);
    CHECK(strcmp(s.currency, "USD") == 0);
    CHECK(!s.taxable);
    CHECK(!s.archived);
    CHECK(s.category_id == NULL);
    catalog_product_init(&p);
    CHECK(strcmp(p.currency, "USD") == 0);
    CHECK(p.taxable);
    CHECK_I64(p.cost_minor, 0);
    CHECK_I64((int64_t)p.stock_count, 0);
}

TEST(catalog_category_name)
{
    char longest[CATALOG_CATEGORY_NAME_MAX + 2];
    struct category c = {.name = "Neurotoxins"};
    struct errinfo ei;

    errinfo_clear(&ei);
    CHECK_RC(catalog_category_check(&c, &ei), ERR_OK);
    CHECK(ei.message[0] == '\0');
    memset(longest, 'x', sizeof(longest));
    longest[CATALOG_CATEGORY_NAME_MAX] = '\0';
    c.name = longest;
    CHECK_RC(catalog_category_check(&c, NULL), ERR_OK);
    longest[CATALOG_CATEGORY_NAME_MAX] = 'x';
    longest[CATALOG_CATEGORY_NAME_MAX + 1] = '\0';
    CHECK_RC(catalog_category_check(&c, &ei), ERR_INVALID);
    CHECK(param_is(&ei, "name"));
    c.name = NULL;
    CHECK_RC(catalog_category_check(&c, &ei), ERR_INVALID);
    CHECK(strcmp(ei.code, "parameter_missing") == 0);
    c.name = "";
    CHECK_RC(catalog_category_check(&c, NULL), ERR_INVALID);
}

TEST(catalog_name_blank_or_control)
{
    struct service s = botox();
    struct errinfo ei;

    s.name = "   ";
    CHECK_RC(catalog_service_check(&s, &ei), ERR_INVALID);
    CHECK(param_is(&ei, "name"));
    CHECK(strstr(ei.message, "blank") != NULL);
    s.name = "Botox\nunit";
    CHECK_RC(catalog_service_check(&s, NULL), ERR_INVALID);
    s.name = "Botox\x7f";
    CHECK_RC(catalog_service_check(&s, NULL), ERR_INVALID);
    /* UTF-8 is fine: bytes >= 0x80 are not control characters. */
    s.name = "Juv\xc3\xa9"
             "derm";
    CHECK_RC(catalog_service_check(&s, NULL), ERR_OK);
    s.name = " Botox ";
    CHECK_RC(catalog_service_check(&s, NULL), ERR_OK);
}

TEST(catalog_service_price_range)
{
    struct service s = botox();
    struct errinfo ei;

    CHECK_RC(catalog_service_check(&s, NULL), ERR_OK);
    s.price_minor = 0;
    CHECK_RC(catalog_service_check(&s, NULL), ERR_OK);
    s.price_minor = CATALOG_PRICE_MAX;
    CHECK_RC(catalog_service_check(&s, NULL), ERR_OK);
    s.price_minor = CATALOG_PRICE_MAX + 1;
    CHECK_RC(catalog_service_check(&s, &ei), ERR_INVALID);
    CHECK(param_is(&ei, "price"));
    s.price_minor = -1;
    CHECK_RC(catalog_service_check(&s, &ei), ERR_INVALID);
    CHECK(param_is(&ei, "price"));
    s.price_minor = INT64_MIN;
    CHECK_RC(catalog_service_check(&s, NULL), ERR_INVALID);
}

TEST(catalog_service_duration_range)
{
    struct service s = botox();
    struct errinfo ei;

    s.duration_min = 0;
    CHECK_RC(catalog_service_check(&s, NULL), ERR_OK);
    s.duration_min = CATALOG_DURATION_MAX_MIN;
    CHECK_RC(catalog_service_check(&s, NULL), ERR_OK);
    s.duration_min = CATALOG_DURATION_MAX_MIN + 1;
    CHECK_RC(catalog_service_check(&s, &ei), ERR_INVALID);
    CHECK(param_is(&ei, "duration_min"));
    s.duration_min = -1;
    CHECK_RC(catalog_service_check(&s, NULL), ERR_INVALID);
}

TEST(catalog_currency)
{
    struct service s = botox();
    struct product p = serum();
    struct errinfo ei;

    s.currency = "EUR";
    CHECK_RC(catalog_service_check(&s, NULL), ERR_OK);
    s.currency = "usd";
    CHECK_RC(catalog_service_check(&s, &ei), ERR_INVALID);
    CHECK(param_is(&ei, "currency"));
    s.currency = "XXX";
    CHECK_RC(catalog_service_check(&s, NULL), ERR_INVALID);
    s.currency = NULL;
    CHECK_RC(catalog_service_check(&s, NULL), ERR_INVALID);
    p.currency = "ZZZ";
    CHECK_RC(catalog_product_check(&p, &ei), ERR_INVALID);
    CHECK(param_is(&ei, "currency"));
}

TEST(catalog_sku_charset)
{
    char longest[CATALOG_SKU_MAX + 2];

    CHECK(catalog_sku_is_valid("SKM-CEFERULIC"));
    CHECK(catalog_sku_is_valid("a.b_c-D9"));
    CHECK(catalog_sku_is_valid("0"));
    CHECK(!catalog_sku_is_valid(""));
    CHECK(!catalog_sku_is_valid(NULL));
    CHECK(!catalog_sku_is_valid("SKU 1"));
    CHECK(!catalog_sku_is_valid("SKU/1"));
    CHECK(!catalog_sku_is_valid("SKU#1"));
    CHECK(!catalog_sku_is_valid("caf\xc3\xa9"));
    memset(longest, 'A', sizeof(longest));
    longest[CATALOG_SKU_MAX] = '\0';
    CHECK(catalog_sku_is_valid(longest));
    longest[CATALOG_SKU_MAX] = 'A';
    longest[CATALOG_SKU_MAX + 1] = '\0';
    CHECK(!catalog_sku_is_valid(longest));
}

TEST(catalog_product_fields)
{
    struct product p = serum();
    struct errinfo ei;

    CHECK_RC(catalog_product_check(&p, NULL), ERR_OK);
    p.sku = "bad sku";
    CHECK_RC(catalog_product_check(&p, &ei), ERR_INVALID);
    CHECK(param_is(&ei, "sku"));
    p.sku = NULL;
    CHECK_RC(catalog_product_check(&p, &ei), ERR_INVALID);
    CHECK(strcmp(ei.code, "parameter_missing") == 0);
    p = serum();
    p.cost_minor = -1;
    CHECK_RC(catalog_product_check(&p, &ei), ERR_INVALID);
    CHECK(param_is(&ei, "cost"));
    p.cost_minor = CATALOG_PRICE_MAX + 1;
    CHECK_RC(catalog_product_check(&p, NULL), ERR_INVALID);
    p = serum();
    p.price_minor = -100;
    CHECK_RC(catalog_product_check(&p, &ei), ERR_INVALID);
    CHECK(param_is(&ei, "price"));
    p = serum();
    p.name = "";
    CHECK_RC(catalog_product_check(&p, &ei), ERR_INVALID);
    CHECK(param_is(&ei, "name"));
}

TEST(catalog_stock_range)
{
    struct errinfo ei;

    CHECK_RC(catalog_stock_check(0, NULL), ERR_OK);
    CHECK_RC(catalog_stock_check(CATALOG_STOCK_MAX, NULL), ERR_OK);
    CHECK_RC(catalog_stock_check(-1, &ei), ERR_INVALID);
    CHECK(param_is(&ei, "quantity"));
    CHECK_RC(catalog_stock_check(CATALOG_STOCK_MAX + 1, NULL), ERR_INVALID);
}

TEST(catalog_stock_attach_matches)
{
    struct product ps[3] = {{.id = "prd_A"}, {.id = "prd_B"}, {.id = "prd_C"}};
    /* Unordered, with a level of a product not on the page (prd_AB). */
    struct stock_level ls[] = {
        {"prd_C", "cln_2", 7}, {"prd_A", "cln_2", 2}, {"prd_AB", "cln_1", 9},
        {"prd_A", "cln_1", 1}, {"prd_C", "cln_1", 5},
    };

    catalog_stock_attach(ps, 3, ls, sizeof(ls) / sizeof(ls[0]));
    CHECK_I64((int64_t)ps[0].stock_count, 2);
    CHECK(strcmp(ps[0].stock[0].clinic_id, "cln_1") == 0);
    CHECK_I64(ps[0].stock[0].quantity, 1);
    CHECK(strcmp(ps[0].stock[1].clinic_id, "cln_2") == 0);
    CHECK_I64(ps[0].stock[1].quantity, 2);
    CHECK_I64((int64_t)ps[1].stock_count, 0);
    CHECK(ps[1].stock == NULL);
    CHECK_I64((int64_t)ps[2].stock_count, 2);
    CHECK_I64(ps[2].stock[0].quantity, 5);
    CHECK_I64(ps[2].stock[1].quantity, 7);
    for (size_t i = 0; i < 3; i++) {
        for (size_t j = 0; j < ps[i].stock_count; j++)
            CHECK(strcmp(ps[i].stock[j].product_id, ps[i].id) == 0);
    }
}

TEST(catalog_stock_attach_empty)
{
    struct product p = {.id = "prd_A", .stock_count = 3};
    struct stock_level other = {"prd_B", "cln_1", 4};

    catalog_stock_attach(&p, 1, NULL, 0);
    CHECK_I64((int64_t)p.stock_count, 0);
    CHECK(p.stock == NULL);
    catalog_stock_attach(&p, 1, &other, 1);
    CHECK_I64((int64_t)p.stock_count, 0);
    catalog_stock_attach(NULL, 0, &other, 1);
}
