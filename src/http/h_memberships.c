/*
 * h_memberships.c - /v1/membership_programs, /v1/membership_tiers and
 * /v1/memberships: parse, call app/membership, render.
 *
 * Amounts are integer minor units in the tier's currency; a tier's
 * discount is in basis points ("discount_bps": 1000 is 10%). A tier's
 * member prices are [{"item": "svc_...", "price": 18000}]; PATCH with
 * member_prices replaces the whole set. A program renders with its tiers.
 */
#include <string.h>

#include "app/membership.h"
#include "base/crypto.h"
#include "http/http_int.h"

#define ID_JSON_MAX 64

static json_t *
render_tier(const struct membership_tier_view *v)
{
    const struct membership_tier *t = &v->t;
    json_t *o = json_object();
    json_t *prices = json_array();

    for (size_t i = 0; i < v->price_count; i++)
        (void)json_array_append_new(/* fails only when the arena is full */
                                    prices,
                                    json_pack(
                                        "{s:s,s:I}", "item",
                                        v->prices[i].item_id, "price",
                                        (json_int_t)v->prices[i].price_minor));
    json_put(o, "id", json_string(t->id));
    json_put(o, "object", json_string("membership_tier"));
    json_put(o, "program", json_string(t->program_id));
    json_put(o, "name", json_string(t->name));
    json_put(o, "discount_bps", json_integer(t->discount_bps));
    json_put(o, "monthly_fee", json_integer(t->monthly_fee_minor));
    json_put(o, "setup_fee", json_integer(t->setup_fee_minor));
    json_put(o, "currency", json_string(t->currency));
    json_put(o, "fee_to_wallet", json_boolean(t->fee_to_wallet));
    json_put(o, "thank_you_message", json_str_or_null(t->thank_you_message));
    json_put(o, "color", json_str_or_null(t->color));
    json_put(o, "archived", json_boolean(t->archived));
    json_put(o, "member_prices", prices);
    render_time(o, "created", t->created_at_ms);
    render_time(o, "updated", t->updated_at_ms);
    return o;
}

static json_t *
render_program(const struct membership_program_view *v)
{
    const struct membership_program *p = &v->p;
    json_t *o = json_object();
    json_t *tiers = json_array();

    for (size_t i = 0; i < v->tier_count; i++)
        (void)json_array_append_new(tiers, render_tier(&v->tiers[i]));
    json_put(o, "id", json_string(p->id));
    json_put(o, "object", json_string("membership_program"));
    json_put(o, "name", json_string(p->name));
    json_put(o, "description", json_str_or_null(p->description));
    json_put(o, "portal_enabled", json_boolean(p->portal_enabled));
    json_put(o, "agreement", json_str_or_null(p->agreement));
    json_put(o, "agreement_version", json_integer(p->agreement_version));
    json_put(o, "color", json_str_or_null(p->color));
    json_put(o, "archived", json_boolean(p->archived));
    json_put(o, "tiers", tiers);
    render_time(o, "created", p->created_at_ms);
    render_time(o, "updated", p->updated_at_ms);
    return o;
}

static json_t *
render_signature(const struct membership *m)
{
    json_t *o;

    if (m->signer_name == NULL)
        return json_null();
    o = json_object();
    json_put(o, "name", json_string(m->signer_name));
    json_put(o, "agreement_version", json_integer(m->agreement_version));
    render_time(o, "signed", m->signed_at_ms);
    json_put(o, "ip", json_str_or_null(m->signer_ip));
    return o;
}

static json_t *
render_membership(const struct membership *m)
{
    json_t *o = json_object();

    json_put(o, "id", json_string(m->id));
    json_put(o, "object", json_string("membership"));
    json_put(o, "patient", json_string(m->patient_id));
    json_put(o, "tier", json_string(m->tier_id));
    json_put(o, "clinic", json_string(m->clinic_id));
    json_put(o, "status", json_string(m->status));
    json_put(o, "card", json_str_or_null(m->card_id));
    json_put(o, "currency", json_string(m->currency));
    json_put(o, "monthly_fee", json_integer(m->monthly_fee_minor));
    json_put(o, "setup_fee", json_integer(m->setup_fee_minor));
    json_put(o, "billing_day",
             m->billing_day > 0 ? json_integer(m->billing_day) : json_null());
    render_time(o, "current_period_start", m->current_period_start_ms);
    render_time(o, "current_period_end", m->current_period_end_ms);
    json_put(o, "agreement_signature", render_signature(m));
    json_put(o, "enrolment_payment", json_str_or_null(m->enrolment_payment_id));
    json_put(o, "cancel_at_period_end", json_boolean(m->cancel_at_period_end));
    render_time(o, "created", m->created_at_ms);
    render_time(o, "updated", m->updated_at_ms);
    render_time(o, "activated", m->activated_at_ms);
    render_time(o, "ended", m->ended_at_ms);
    return o;
}

/* ---- programs ---- */

static enum err
read_program(struct req *req, struct membership_program_patch *p, bool create)
{
    struct membership_program *v = &p->v;
    const struct jfield fields[] = {
        {"name", JT_STRING, create, false, 0, 0, &v->name,
         &p->set[MEMBERSHIP_PROGRAM_F_NAME]},
        {"description", JT_STRING, false, true, 0, 0, &v->description,
         &p->set[MEMBERSHIP_PROGRAM_F_DESCRIPTION]},
        {"portal_enabled", JT_BOOL, false, false, 0, 0, &v->portal_enabled,
         &p->set[MEMBERSHIP_PROGRAM_F_PORTAL]},
        {"agreement", JT_STRING, false, true, 0, 0, &v->agreement,
         &p->set[MEMBERSHIP_PROGRAM_F_AGREEMENT]},
        {"color", JT_STRING, false, true, 0, 0, &v->color,
         &p->set[MEMBERSHIP_PROGRAM_F_COLOR]},
        {"archived", JT_BOOL, false, false, 0, 0, &v->archived,
         &p->set[MEMBERSHIP_PROGRAM_F_ARCHIVED]},
    };

    /* A new program is live: archiving is a change. */
    return req_read(req, fields, create ? 5 : 6);
}

enum err
h_membership_program_create(struct req *req, struct resp *resp)
{
    struct membership_program_patch p = {0};
    struct membership_program_view v;
    enum err rc = read_program(req, &p, true);

    if (rc == ERR_OK)
        rc = app_membership_program_create(&req->ctx, &p, &v, req->ei);
    if (rc == ERR_OK)
        resp_json(resp, 201, render_program(&v));
    return rc;
}

enum err
h_membership_program_get(struct req *req, struct resp *resp)
{
    const char *id;
    struct membership_program_view v;
    enum err rc = req_id(req, 0, "mpr", "membership program", &id);

    if (rc == ERR_OK)
        rc = app_membership_program_get(&req->ctx, id, &v, req->ei);
    if (rc == ERR_OK)
        resp_json(resp, 200, render_program(&v));
    return rc;
}

enum err
h_membership_program_update(struct req *req, struct resp *resp)
{
    struct membership_program_patch p = {0};
    struct membership_program_view v;
    const char *id;
    enum err rc = req_id(req, 0, "mpr", "membership program", &id);

    if (rc == ERR_OK)
        rc = read_program(req, &p, false);
    if (rc == ERR_OK)
        rc = app_membership_program_update(&req->ctx, id, &p, &v, req->ei);
    if (rc == ERR_OK)
        resp_json(resp, 200, render_program(&v));
    return rc;
}

enum err
h_membership_program_list(struct req *req, struct resp *resp)
{
    const char *archived = req_query(req, "archived");
    struct page page;
    struct membership_program_view *vs;
    size_t n;
    bool more;
    enum err rc = req_page(req, &page);

    if (rc == ERR_OK && archived != NULL && strcmp(archived, "true") != 0 &&
        strcmp(archived, "false") != 0)
        rc = errinfo_set(req->ei, ERR_INVALID, "parameter_invalid", "archived",
                         "archived must be true or false");
    if (rc == ERR_OK)
        rc = app_membership_program_list(
            &req->ctx, archived != NULL && strcmp(archived, "true") == 0, &page,
            &vs, &n, &more, req->ei);
    if (rc)
        return rc;
    json_t *data = json_array();
    for (size_t i = 0; i < n; i++)
        (void)json_array_append_new(data, render_program(&vs[i]));
    resp_list(resp, data, more);
    return ERR_OK;
}

/* ---- tiers ---- */

/* member_prices: [{"item", "price"}] into p's set of prices. */
static enum err
read_prices(struct req *req, json_t *arr, struct membership_tier_patch *p)
{
    size_t n = json_array_size(arr);
    struct member_price *ps = arena_array(req->ctx.a, n + 1, sizeof(*ps));

    if (ps == NULL)
        return ERR_LIMIT;
    for (size_t i = 0; i < n; i++) {
        char prefix[48];
        const struct jfield f[] = {
            {"item", JT_STRING, true, false, 1, ID_JSON_MAX, &ps[i].item_id,
             NULL},
            {"price", JT_INT, true, false, 0, MEMBERSHIP_AMOUNT_MAX,
             &ps[i].price_minor, NULL},
        };
        json_t *mp = json_array_get(arr, i);
        enum err rc;

        snprintf(prefix, sizeof(prefix), "member_prices[%zu].", i);
        if (!json_is_object(mp))
            return errinfo_set(req->ei, ERR_INVALID, "parameter_invalid_type",
                               NULL, "'member_prices[%zu]' must be an object",
                               i);
        rc = json_read(mp, f, 2, prefix, req->ei);
        if (rc)
            return rc;
    }
    p->prices = ps;
    p->price_count = n;
    return ERR_OK;
}

/*
 * Create takes the currency (fixed from then on) and needs a name and a
 * monthly fee; PATCH takes archived instead.
 */
static enum err
read_tier(struct req *req, struct membership_tier_patch *p, bool create)
{
    struct membership_tier *v = &p->v;
    json_t *prices = NULL;
    bool *set = p->set;
    const struct jfield currency = {
        "currency", JT_STRING, false,        false,
        3,          3,         &v->currency, &set[MEMBERSHIP_TIER_F_CURRENCY]};
    const struct jfield archived = {
        "archived", JT_BOOL, false,        false,
        0,          0,       &v->archived, &set[MEMBERSHIP_TIER_F_ARCHIVED]};
    const struct jfield f[] = {
        {"name", JT_STRING, create, false, 0, 0, &v->name,
         &set[MEMBERSHIP_TIER_F_NAME]},
        {"discount_bps", JT_INT, false, false, 0, MEMBERSHIP_BPS_WHOLE,
         &v->discount_bps, &set[MEMBERSHIP_TIER_F_DISCOUNT]},
        {"monthly_fee", JT_INT, create, false, 0, MEMBERSHIP_AMOUNT_MAX,
         &v->monthly_fee_minor, &set[MEMBERSHIP_TIER_F_MONTHLY_FEE]},
        {"setup_fee", JT_INT, false, false, 0, MEMBERSHIP_AMOUNT_MAX,
         &v->setup_fee_minor, &set[MEMBERSHIP_TIER_F_SETUP_FEE]},
        {"fee_to_wallet", JT_BOOL, false, false, 0, 0, &v->fee_to_wallet,
         &set[MEMBERSHIP_TIER_F_FEE_TO_WALLET]},
        {"thank_you_message", JT_STRING, false, true, 0, 0,
         &v->thank_you_message, &set[MEMBERSHIP_TIER_F_THANK_YOU]},
        {"color", JT_STRING, false, true, 0, 0, &v->color,
         &set[MEMBERSHIP_TIER_F_COLOR]},
        {"member_prices", JT_ARRAY, false, false, 0, MEMBERSHIP_PRICES_MAX,
         &prices, &set[MEMBERSHIP_TIER_F_PRICES]},
        create ? currency : archived,
    };
    enum err rc = req_read(req, f, sizeof(f) / sizeof(f[0]));

    if (rc == ERR_OK && prices != NULL)
        rc = read_prices(req, prices, p);
    return rc;
}

enum err
h_membership_tier_create(struct req *req, struct resp *resp)
{
    struct membership_tier_patch p = {0};
    struct membership_tier_view v;
    const char *program_id;
    enum err rc = req_id(req, 0, "mpr", "membership program", &program_id);

    if (rc == ERR_OK)
        rc = read_tier(req, &p, true);
    if (rc == ERR_OK)
        rc = app_membership_tier_create(&req->ctx, program_id, &p, &v, req->ei);
    if (rc == ERR_OK)
        resp_json(resp, 201, render_tier(&v));
    return rc;
}

enum err
h_membership_tier_get(struct req *req, struct resp *resp)
{
    const char *id;
    struct membership_tier_view v;
    enum err rc = req_id(req, 0, "mtr", "membership tier", &id);

    if (rc == ERR_OK)
        rc = app_membership_tier_get(&req->ctx, id, &v, req->ei);
    if (rc == ERR_OK)
        resp_json(resp, 200, render_tier(&v));
    return rc;
}

enum err
h_membership_tier_update(struct req *req, struct resp *resp)
{
    struct membership_tier_patch p = {0};
    struct membership_tier_view v;
    const char *id;
    enum err rc = req_id(req, 0, "mtr", "membership tier", &id);

    if (rc == ERR_OK)
        rc = read_tier(req, &p, false);
    if (rc == ERR_OK)
        rc = app_membership_tier_update(&req->ctx, id, &p, &v, req->ei);
    if (rc == ERR_OK)
        resp_json(resp, 200, render_tier(&v));
    return rc;
}

/* ---- memberships ---- */

enum err
h_membership_create(struct req *req, struct resp *resp)
{
    struct membership_enrol_input in = {0};
    struct membership m = {0};
    const struct jfield f[] = {
        {"patient", JT_STRING, true, false, 1, ID_JSON_MAX, &in.patient_id,
         NULL},
        {"tier", JT_STRING, true, false, 1, ID_JSON_MAX, &in.tier_id, NULL},
        {"card", JT_STRING, false, true, 1, ID_JSON_MAX, &in.card_id, NULL},
        {"clinic", JT_STRING, false, true, 1, ID_JSON_MAX, &in.clinic_id, NULL},
        {"agreement_signature", JT_STRING, false, true, 0, 0, &in.signer_name,
         NULL},
        {"agreement_version", JT_INT, false, false, 1, INT32_MAX,
         &in.agreement_version, NULL},
    };
    enum err rc = req_read(req, f, sizeof(f) / sizeof(f[0]));

    in.signer_ip = req_client_ip(req);
    in.idem_key = req->idem_key;
    in.request_hash = req->request_hash;
    if (rc == ERR_OK)
        rc = app_membership_enrol(&req->ctx, &in, &m, req->ei);
    if (rc == ERR_OK) {
        resp_json(resp, 201, render_membership(&m));
    } else if (m.id != NULL && strcmp(m.status, "failed") == 0) {
        resp->error_name = "membership"; /* the decline names it */
        resp->error_value = render_membership(&m);
    }
    return rc;
}

enum err
h_membership_get(struct req *req, struct resp *resp)
{
    const char *id;
    struct membership m;
    enum err rc = req_id(req, 0, "mem", "membership", &id);

    if (rc == ERR_OK)
        rc = app_membership_get(&req->ctx, id, &m, req->ei);
    if (rc == ERR_OK)
        resp_json(resp, 200, render_membership(&m));
    return rc;
}

enum err
h_membership_list(struct req *req, struct resp *resp)
{
    struct membership_filter f = {
        .patient_id = req_query(req, "patient"),
        .tier_id = req_query(req, "tier"),
        .status = req_query(req, "status"),
    };
    struct page page;
    struct membership *ms;
    size_t n;
    bool more;
    enum err rc = req_page(req, &page);

    if (rc == ERR_OK && f.patient_id != NULL &&
        !id_is_valid(str_c(f.patient_id), "pat"))
        rc = errinfo_set(req->ei, ERR_INVALID, "parameter_invalid", "patient",
                         "patient must be a patient id");
    if (rc == ERR_OK && f.tier_id != NULL &&
        !id_is_valid(str_c(f.tier_id), "mtr"))
        rc = errinfo_set(req->ei, ERR_INVALID, "parameter_invalid", "tier",
                         "tier must be a membership tier id");
    if (rc == ERR_OK)
        rc = app_membership_list(&req->ctx, &f, &page, &ms, &n, &more, req->ei);
    if (rc)
        return rc;
    json_t *data = json_array();
    for (size_t i = 0; i < n; i++)
        (void)json_array_append_new(data, render_membership(&ms[i]));
    resp_list(resp, data, more);
    return ERR_OK;
}
