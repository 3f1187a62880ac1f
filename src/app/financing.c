/*
 * financing.c - financing connections (settings) and the money calls of
 * a financing tender (financing.h says which run in whose transaction).
 *
 * The connectors are reached only through src/financing (financing_*),
 * never their ops. A money call first reads the connection in a read of
 * its own, so it never holds Poise's write lock while the connector
 * works; the connector then checks the merchant again under its own
 * lock, so a disconnect that lands in between is still refused
 * ("financing_not_connected").
 */
#include "app/financing.h"

#include <string.h>

#include "base/assert.h"
#include "base/crypto.h"
#include "base/money.h"
#include "store/patients.h"
#include "store/users.h"

static struct fin_ctx
fin_ctx_of(const struct app_ctx *ctx, const char *merchant_id)
{
    struct fin_ctx f = {
        .account_id = ctx->account_id,
        .now_ms = ctx->now_ms,
        .a = ctx->a,
        .db = ctx->db,
        .merchant_id = merchant_id,
    };

    ASSERT(ctx->account_id != NULL && ctx->db != NULL);
    return f;
}

static enum err
bad_provider(struct errinfo *ei)
{
    return errinfo_set(ei, ERR_INVALID, "parameter_invalid", "provider",
                       "provider must be cherry or klarna");
}

static enum err
not_connected(const char *provider, struct errinfo *ei)
{
    return errinfo_set(ei, ERR_RULE, "financing_not_connected", "provider",
                       "%s is not connected for this practice; the head "
                       "admin connects it in settings",
                       provider);
}

/* Letters, digits and "-_." only: what a provider's merchant id is. */
static bool
is_merchant_id(const char *s)
{
    size_t n = strlen(s);

    if (n == 0 || n > FINANCING_MERCHANT_ID_MAX)
        return false;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];

        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
              char_is_digit(c) || c == '-' || c == '_' || c == '.'))
            return false;
    }
    return true;
}

static enum err
connect_check(const struct financing_connect_input *in, struct errinfo *ei)
{
    if (!financing_is_provider(in->provider))
        return bad_provider(ei);
    if (strcmp(in->mode, "live") == 0)
        return errinfo_set(ei, ERR_RULE, "live_unavailable", "mode",
                           "live mode is not available yet: Poise has no "
                           "live %s connector; connect in sandbox mode",
                           in->provider);
    if (strcmp(in->mode, "sandbox") != 0)
        return errinfo_set(ei, ERR_INVALID, "parameter_invalid", "mode",
                           "mode must be sandbox (live is not available)");
    if (!is_merchant_id(in->merchant_id))
        return errinfo_set(ei, ERR_INVALID, "parameter_invalid", "merchant_id",
                           "merchant_id must be 1..%d letters, digits, "
                           "'-', '_' or '.'",
                           FINANCING_MERCHANT_ID_MAX);
    if (in->merchant_name != NULL &&
        (in->merchant_name[0] == '\0' ||
         strlen(in->merchant_name) > FINANCING_MERCHANT_NAME_MAX))
        return errinfo_set(ei, ERR_INVALID, "parameter_invalid",
                           "merchant_name", "merchant_name must be 1..%d bytes",
                           FINANCING_MERCHANT_NAME_MAX);
    return ERR_OK;
}

static enum err
connected_already(const struct financing_connection *c, struct errinfo *ei)
{
    return errinfo_set(ei, ERR_CONFLICT, "financing_connected", "provider",
                       "%s is connected already (merchant '%s'); disconnect "
                       "it first",
                       c->provider, c->merchant_id);
}

/* The new connection of in, named for the practice unless in names it. */
static enum err
connection_new(struct app_ctx *ctx, const struct financing_connect_input *in,
               struct financing_connection *c, struct errinfo *ei)
{
    struct account acct;
    enum err rc = ERR_OK;

    memset(c, 0, sizeof(*c));
    c->merchant_name = in->merchant_name;
    if (c->merchant_name == NULL) {
        rc = store_account_get(ctx->db, ctx->a, ctx->account_id, &acct, ei);
        if (rc)
            return app_store_fail(rc, ei);
        c->merchant_name = acct.name;
    }
    c->id = id_new(ctx->a, "fc", ctx->now_ms);
    if (c->id == NULL)
        return errinfo_set(ei, ERR_LIMIT, "request_too_large", NULL,
                           "out of memory for this request");
    c->provider = in->provider;
    c->mode = in->mode;
    c->merchant_id = in->merchant_id;
    c->status = "connected";
    c->connected_by = ctx->user_id;
    c->connected_at_ms = ctx->now_ms;
    c->created_at_ms = ctx->now_ms;
    c->updated_at_ms = ctx->now_ms;
    return rc;
}

static enum err
connect_audit(struct app_ctx *ctx, const char *action,
              const struct financing_connection *c, struct errinfo *ei)
{
    json_t *sum = json_object();

    json_put(sum, "provider", json_string(c->provider));
    json_put(sum, "mode", json_string(c->mode));
    json_put(sum, "merchant_id", json_string(c->merchant_id));
    return app_audit(ctx, action, "financing_connection", c->id, sum, ei);
}

enum err
app_financing_connect(struct app_ctx *ctx,
                      const struct financing_connect_input *in,
                      struct financing_connection *out, struct errinfo *ei)
{
    struct financing_connection c;
    struct fin_ctx f;
    enum err rc = connect_check(in, ei);

    if (rc)
        return rc;
    rc = store_financing_connection_current(ctx->db, ctx->a, ctx->account_id,
                                            in->provider, &c, ei);
    if (rc == ERR_OK)
        return connected_already(&c, ei);
    if (rc != ERR_NOT_FOUND)
        return app_store_fail(rc, ei);
    rc = connection_new(ctx, in, &c, ei);
    if (rc)
        return rc;
    f = fin_ctx_of(ctx, c.merchant_id);
    rc = financing_connect(financing_get(c.provider, c.mode), &f,
                           c.merchant_name, ei);
    if (rc)
        return rc == ERR_STORE ? app_store_fail(rc, ei) : rc;
    rc = store_financing_connection_insert(ctx->db, ctx->a, ctx->account_id, &c,
                                           ei);
    if (rc == ERR_CONFLICT) /* a concurrent connect won */
        return connected_already(&c, ei);
    if (rc)
        return app_store_fail(rc, ei);
    rc = connect_audit(ctx, "financing.connect", &c, ei);
    if (rc == ERR_OK)
        *out = c;
    return rc;
}

/* The connection id_or_provider names; see app_financing_disconnect. */
static enum err
connection_named(struct app_ctx *ctx, const char *id_or_provider,
                 struct financing_connection *c, struct errinfo *ei)
{
    enum err rc;

    if (financing_is_provider(id_or_provider)) {
        rc = store_financing_connection_current(
            ctx->db, ctx->a, ctx->account_id, id_or_provider, c, ei);
        if (rc == ERR_NOT_FOUND)
            return errinfo_set(ei, ERR_NOT_FOUND, "resource_missing", "id",
                               "%s is not connected", id_or_provider);
        return rc ? app_store_fail(rc, ei) : ERR_OK;
    }
    if (!id_is_valid(str_c(id_or_provider), "fc"))
        return app_not_found(ei, "financing connection", id_or_provider, "id");
    rc = store_financing_connection_get(ctx->db, ctx->a, ctx->account_id,
                                        id_or_provider, c, ei);
    if (rc == ERR_NOT_FOUND)
        return app_not_found(ei, "financing connection", id_or_provider, "id");
    if (rc)
        return app_store_fail(rc, ei);
    if (strcmp(c->status, "connected") != 0)
        return errinfo_set(ei, ERR_CONFLICT, "financing_disconnected", "id",
                           "financing connection '%s' is disconnected "
                           "already",
                           c->id);
    return ERR_OK;
}

enum err
app_financing_disconnect(struct app_ctx *ctx, const char *id_or_provider,
                         struct financing_connection *out, struct errinfo *ei)
{
    struct financing_connection c;
    struct fin_ctx f;
    const struct fin_ops *ops;
    enum err rc = connection_named(ctx, id_or_provider, &c, ei);

    if (rc)
        return rc;
    ops = financing_get(c.provider, c.mode);
    ASSERT(ops != NULL); /* connections are only made with a connector */
    f = fin_ctx_of(ctx, c.merchant_id);
    rc = financing_disconnect(ops, &f, ei);
    if (rc == ERR_OK)
        rc = store_financing_connection_disconnect(
            ctx->db, ctx->a, ctx->account_id, c.id, ctx->user_id, ctx->now_ms,
            ei);
    if (rc == ERR_NOT_FOUND) /* disconnected since it was read */
        return errinfo_set(ei, ERR_CONFLICT, "financing_disconnected", "id",
                           "financing connection '%s' is disconnected "
                           "already",
                           c.id);
    if (rc)
        return app_store_fail(rc, ei);
    c.status = "disconnected";
    c.disconnected_by = ctx->user_id;
    c.disconnected_at_ms = ctx->now_ms;
    c.updated_at_ms = ctx->now_ms;
    rc = connect_audit(ctx, "financing.disconnect", &c, ei);
    if (rc == ERR_OK)
        *out = c;
    return rc;
}

enum err
app_financing_connection_list(struct app_ctx *ctx, const struct page *page,
                              struct financing_connection **out, size_t *count,
                              bool *has_more, struct errinfo *ei)
{
    enum err rc = store_financing_connection_list(
        ctx->db, ctx->a, ctx->account_id, page->limit, page->starting_after,
        out, count, has_more, ei);

    return rc ? app_store_fail(rc, ei) : ERR_OK;
}

/* ---- money calls (outside any transaction) ---- */

static enum err
check_key(const char *idem_key, struct errinfo *ei)
{
    ASSERT(idem_key != NULL);
    if (idem_key[0] == '\0' || strlen(idem_key) > FIN_KEY_MAX)
        return errinfo_set(
            ei, ERR_INVALID, "parameter_invalid", "idempotency_key",
            "the idempotency key must be 1..%d bytes", FIN_KEY_MAX);
    return ERR_OK;
}

static enum err
check_money(int64_t amount_minor, const char *currency, struct errinfo *ei)
{
    if (amount_minor <= 0)
        return errinfo_set(ei, ERR_INVALID, "parameter_invalid", "amount",
                           "amount must be a positive number of minor units");
    if (currency == NULL || currency_by_code(str_c(currency)) == NULL)
        return errinfo_set(ei, ERR_INVALID, "parameter_invalid", "currency",
                           "unknown currency '%s'",
                           currency != NULL ? currency : "");
    return ERR_OK;
}

/*
 * In a read of its own: the connector of provider's connected
 * connection (*ops, *merchant_id arena-owned) and, when patient_id is
 * not NULL, that the patient exists.
 */
static enum err
connector_of(struct app_ctx *ctx, const char *provider, const char *patient_id,
             const struct fin_ops **ops, const char **merchant_id,
             struct errinfo *ei)
{
    struct financing_connection c;
    struct patient p;
    enum err rc;

    ASSERT(ctx->db != NULL && !db_in_tx(ctx->db));
    if (!financing_is_provider(provider))
        return bad_provider(ei);
    rc = app_tx_begin(ctx, false);
    if (rc)
        return app_store_fail(rc, ei);
    rc = store_financing_connection_current(ctx->db, ctx->a, ctx->account_id,
                                            provider, &c, ei);
    if (rc == ERR_OK && patient_id != NULL) {
        rc = store_patient_get(ctx->db, ctx->a, ctx->account_id, patient_id, &p,
                               ei);
        if (rc == ERR_NOT_FOUND)
            rc = app_not_found(ei, "patient", patient_id, "patient");
        else if (rc == ERR_OK)
            ASSERT(strlen(p.id) < FIN_REF_MAX);
    } else if (rc == ERR_NOT_FOUND) {
        rc = not_connected(provider, ei);
    }
    db_rollback(ctx->db);
    if (rc == ERR_OK) {
        *ops = financing_get(c.provider, c.mode);
        *merchant_id = c.merchant_id;
        ASSERT(*ops != NULL);
    }
    return rc == ERR_STORE ? app_store_fail(rc, ei) : rc;
}

/* The connector's answer as the caller sees it. */
static enum err
answer(const char *provider, enum err rc, struct errinfo *ei)
{
    if (rc == ERR_NOT_FOUND && ei != NULL &&
        strcmp(ei->code, "merchant_not_connected") == 0)
        return not_connected(provider, ei);
    return rc == ERR_STORE ? app_store_fail(rc, ei) : rc;
}

enum err
app_financing_charge(struct app_ctx *ctx, const char *provider,
                     const char *patient_id, int64_t amount_minor,
                     const char *currency, const char *idem_key,
                     const char **reference, struct errinfo *ei)
{
    const struct fin_ops *ops;
    const char *merchant_id;
    struct fin_charge c;
    struct fin_ctx f;
    enum err rc;

    ASSERT(patient_id != NULL && reference != NULL);
    rc = check_key(idem_key, ei);
    if (rc == ERR_OK)
        rc = check_money(amount_minor, currency, ei);
    if (rc == ERR_OK)
        rc = connector_of(ctx, provider, patient_id, &ops, &merchant_id, ei);
    if (rc)
        return rc;
    f = fin_ctx_of(ctx, merchant_id);
    rc = financing_charge(ops, &f,
                          &(struct fin_charge_req){.idem_key = idem_key,
                                                   .patient_id = patient_id,
                                                   .amount = amount_minor,
                                                   .currency = currency},
                          &c, ei);
    if (rc)
        return answer(provider, rc, ei);
    *reference = arena_strdup(ctx->a, c.ref);
    if (*reference == NULL)
        return errinfo_set(ei, ERR_LIMIT, "request_too_large", NULL,
                           "out of memory for this request");
    return ERR_OK;
}

enum err
app_financing_refund(struct app_ctx *ctx, const char *provider,
                     const char *reference, int64_t amount_minor,
                     const char *currency, const char *idem_key,
                     struct errinfo *ei)
{
    const struct fin_ops *ops;
    const char *merchant_id;
    struct fin_refund r;
    struct fin_ctx f;
    enum err rc;

    ASSERT(reference != NULL);
    rc = check_key(idem_key, ei);
    if (rc == ERR_OK)
        rc = check_money(amount_minor, currency, ei);
    if (rc == ERR_OK)
        rc = connector_of(ctx, provider, NULL, &ops, &merchant_id, ei);
    if (rc)
        return rc;
    f = fin_ctx_of(ctx, merchant_id);
    rc = financing_refund(ops, &f, idem_key, reference, amount_minor, currency,
                          &r, ei);
    return rc ? answer(provider, rc, ei) : ERR_OK;
}

enum err
app_financing_cancel(struct app_ctx *ctx, const char *provider,
                     const char *reference, const char *idem_key,
                     struct errinfo *ei)
{
    const struct fin_ops *ops;
    const char *merchant_id;
    struct fin_charge c;
    struct fin_ctx f;
    enum err rc;

    ASSERT(reference != NULL);
    rc = check_key(idem_key, ei);
    if (rc == ERR_OK)
        rc = connector_of(ctx, provider, NULL, &ops, &merchant_id, ei);
    if (rc)
        return rc;
    f = fin_ctx_of(ctx, merchant_id);
    rc = financing_cancel(ops, &f, idem_key, reference, &c, ei);
    return rc ? answer(provider, rc, ei) : ERR_OK;
}

enum err
app_financing_lookup(struct app_ctx *ctx, const char *provider,
                     const char *idem_key, struct fin_charge *out,
                     struct errinfo *ei)
{
    const struct fin_ops *ops;
    const char *merchant_id;
    struct fin_ctx f;
    enum err rc = check_key(idem_key, ei);

    if (rc == ERR_OK)
        rc = connector_of(ctx, provider, NULL, &ops, &merchant_id, ei);
    if (rc)
        return rc;
    f = fin_ctx_of(ctx, merchant_id);
    rc = financing_lookup(ops, &f, idem_key, out, ei);
    return rc ? answer(provider, rc, ei) : ERR_OK;
}

enum err
app_financing_charge_list(struct app_ctx *ctx, const char *provider,
                          const struct page *page, struct fin_charge **out,
                          size_t *count, bool *has_more, struct errinfo *ei)
{
    struct financing_connection c;
    struct fin_ctx f;
    const char *mode = "sandbox"; /* the only mode there is */
    enum err rc;

    if (!financing_is_provider(provider))
        return bad_provider(ei);
    rc = store_financing_connection_current(ctx->db, ctx->a, ctx->account_id,
                                            provider, &c, ei);
    if (rc == ERR_OK)
        mode = c.mode;
    else if (rc != ERR_NOT_FOUND)
        return app_store_fail(rc, ei);
    f = fin_ctx_of(ctx, NULL);
    rc = financing_charges_list(financing_get(provider, mode), &f, page->limit,
                                page->starting_after, out, count, has_more, ei);
    return rc ? app_store_fail(rc, ei) : ERR_OK;
}
