/*
 * drawer.c - cash drawer sessions, their movements and the close, each
 * posted to the ledger (see drawer.h for the accounts).
 *
 * Every write first locks the drawer's row while it is open (a no-op
 * UPDATE), so a movement and a close of one drawer never interleave, and
 * the drawer's ledger account refuses to go below zero.
 */
#include "app/drawer.h"

#include <inttypes.h>
#include <string.h>

#include "app/ledger.h"
#include "base/assert.h"
#include "base/crypto.h"
#include "base/money.h"
#include "store/clinics.h"

/* Each kind: its direction and the clinic's account on the other side. */
static const struct {
    const char *name;
    bool in;
    const char *counter_kind;
} kinds[DRAWER_KIND__COUNT] = {
    [DRAWER_FLOAT] = {"float", true, "cash_safe"},
    [DRAWER_PAID_IN] = {"paid_in", true, "cash_safe"},
    [DRAWER_PAID_OUT] = {"paid_out", false, "petty_cash"},
    [DRAWER_SALE] = {"sale", true, "cash_sales"},
    [DRAWER_REFUND] = {"refund", false, "cash_sales"},
};

const char *
drawer_kind_name(enum drawer_kind kind)
{
    ASSERT((unsigned)kind < DRAWER_KIND__COUNT);
    return kinds[kind].name;
}

static enum err
drawer_closed(struct errinfo *ei, const char *id)
{
    return errinfo_set(ei, ERR_CONFLICT, "drawer_closed", NULL,
                       "cash drawer '%s' is closed", id);
}

/* The drawer's own cash account (created at open). *id arena-owned. */
static enum err
cash_account(struct app_ctx *ctx, const struct cash_drawer *d, const char **id,
             struct errinfo *ei)
{
    return app_ledger_account(ctx, "cash_drawer", d->id, "drawer_cash",
                              d->currency, LEDGER_NORMAL_DEBIT, false, id, ei);
}

/* The clinic's account of kind (cash_safe, petty_cash, ...). */
static enum err
clinic_account(struct app_ctx *ctx, const struct cash_drawer *d,
               const char *kind, const char **id, struct errinfo *ei)
{
    return app_ledger_kind(ctx, "clinic", d->clinic_id, kind, d->currency, id,
                           ei);
}

/* Record a movement of kind on open drawer d and post its transfer. */
static enum err
post_movement(struct app_ctx *ctx, const struct cash_drawer *d,
              enum drawer_kind kind, int64_t amount_minor,
              struct cash_drawer_movement *m, struct errinfo *ei)
{
    const char *drawer_acct;
    const char *counter;
    enum err rc;

    ASSERT(amount_minor > 0);
    m->id = id_new(ctx->a, "dmv", ctx->now_ms);
    if (m->id == NULL)
        return ERR_LIMIT;
    m->drawer_id = d->id;
    m->direction = kinds[kind].in ? "in" : "out";
    m->kind = kinds[kind].name;
    m->amount_minor = amount_minor;
    m->created_by = ctx->user_id;
    m->created_at_ms = ctx->now_ms;
    rc = store_cash_drawer_movement_insert(ctx->db, ctx->a, ctx->account_id, m,
                                           ei);
    if (rc)
        return app_store_fail(rc, ei);
    rc = cash_account(ctx, d, &drawer_acct, ei);
    if (rc == ERR_OK)
        rc = clinic_account(ctx, d, kinds[kind].counter_kind, &counter, ei);
    if (rc)
        return rc;
    return app_ledger_move(ctx, d->currency,
                           kinds[kind].in ? drawer_acct : counter,
                           kinds[kind].in ? counter : drawer_acct, amount_minor,
                           m->kind, "cash_drawer_movement", m->id, ei);
}

static enum err
check_register(const char *register_name, struct errinfo *ei)
{
    size_t n = register_name != NULL ? strlen(register_name) : 0;

    if (register_name == NULL)
        return errinfo_set(ei, ERR_INVALID, "parameter_missing", "register",
                           "say which register the drawer is in");
    if (n == 0 || n > DRAWER_REGISTER_MAX)
        return errinfo_set(ei, ERR_INVALID, "parameter_invalid", "register",
                           "register must be 1 to %d bytes",
                           DRAWER_REGISTER_MAX);
    return ERR_OK;
}

/* The clinic (not archived) whose currency the drawer keeps. */
static enum err
drawer_clinic(struct app_ctx *ctx, const char *clinic_id, struct clinic *c,
              struct errinfo *ei)
{
    enum err rc;

    if (clinic_id == NULL)
        return errinfo_set(ei, ERR_INVALID, "parameter_missing", "clinic",
                           "say which clinic the drawer is in");
    rc = store_clinic_get(ctx->db, ctx->a, ctx->account_id, clinic_id, c, ei);
    if (rc == ERR_NOT_FOUND || (rc == ERR_OK && c->archived))
        return app_not_found(ei, "clinic", clinic_id, "clinic");
    if (rc)
        return app_store_fail(rc, ei);
    return ERR_OK;
}

enum err
app_drawer_open(struct app_ctx *ctx, const char *clinic_id,
                const char *register_name, int64_t float_minor,
                struct cash_drawer *out, struct errinfo *ei)
{
    struct cash_drawer d = {0};
    struct clinic c;
    struct cash_drawer_movement m = {.reason = "opening float"};
    const char *acct;
    enum err rc = check_register(register_name, ei);

    if (rc == ERR_OK && (float_minor < 0 || float_minor > MONEY_AMOUNT_MAX))
        rc = errinfo_set(ei, ERR_INVALID, "parameter_invalid", "opening_float",
                         "opening_float must be 0 to %" PRId64,
                         MONEY_AMOUNT_MAX);
    if (rc == ERR_OK)
        rc = drawer_clinic(ctx, clinic_id, &c, ei);
    if (rc)
        return rc;
    d.id = id_new(ctx->a, "drw", ctx->now_ms);
    if (d.id == NULL)
        return ERR_LIMIT;
    d.clinic_id = c.id;
    d.register_name = register_name;
    d.status = "open";
    d.opening_float_minor = float_minor;
    d.currency = c.currency;
    d.opened_by = ctx->user_id;
    d.opened_at_ms = ctx->now_ms;
    rc = store_cash_drawer_insert(ctx->db, ctx->a, ctx->account_id, &d, ei);
    if (rc == ERR_CONFLICT)
        return errinfo_set(ei, ERR_CONFLICT, "drawer_open", "register",
                           "register '%s' already has an open drawer",
                           register_name);
    if (rc)
        return app_store_fail(rc, ei);
    rc = cash_account(ctx, &d, &acct, ei);
    if (rc == ERR_OK && float_minor > 0)
        rc = post_movement(ctx, &d, DRAWER_FLOAT, float_minor, &m, ei);
    if (rc)
        return rc;
    json_t *sum = json_object();
    json_put(sum, "clinic", json_string(d.clinic_id));
    json_put(sum, "register", json_string(d.register_name));
    json_put(sum, "opening_float", json_integer(float_minor));
    rc = app_audit(ctx, "cash_drawer.open", "cash_drawer", d.id, sum, ei);
    if (rc == ERR_OK)
        *out = d;
    return rc;
}

/* Drawer id, locked for this transaction while it is open. */
static enum err
get_open(struct app_ctx *ctx, const char *id, struct cash_drawer *d,
         struct errinfo *ei)
{
    enum err rc = store_cash_drawer_get(ctx->db, ctx->a, ctx->account_id, id, d,
                                        ei);

    if (rc == ERR_NOT_FOUND)
        return app_not_found(ei, "cash drawer", id, "id");
    if (rc)
        return app_store_fail(rc, ei);
    if (d->closed)
        return drawer_closed(ei, id);
    rc = store_cash_drawer_lock_open(ctx->db, ctx->a, ctx->account_id, id, ei);
    if (rc == ERR_NOT_FOUND) /* closed since it was read */
        return drawer_closed(ei, id);
    if (rc)
        return app_store_fail(rc, ei);
    return ERR_OK;
}

static enum err
check_move(const char *direction, int64_t amount_minor, const char *reason,
           enum drawer_kind *kind, struct errinfo *ei)
{
    size_t n = reason != NULL ? strlen(reason) : 0;

    if (direction == NULL)
        return errinfo_set(ei, ERR_INVALID, "parameter_missing", "direction",
                           "say whether the cash goes in or out");
    if (strcmp(direction, "in") != 0 && strcmp(direction, "out") != 0)
        return errinfo_set(ei, ERR_INVALID, "parameter_invalid", "direction",
                           "direction must be 'in' or 'out'");
    *kind = direction[0] == 'i' ? DRAWER_PAID_IN : DRAWER_PAID_OUT;
    if (amount_minor <= 0 || amount_minor > MONEY_AMOUNT_MAX)
        return errinfo_set(ei, ERR_INVALID, "parameter_invalid", "amount",
                           "amount must be 1 to %" PRId64, MONEY_AMOUNT_MAX);
    if (reason == NULL)
        return errinfo_set(ei, ERR_INVALID, "parameter_missing", "reason",
                           "say why the cash moves");
    if (n == 0 || n > DRAWER_REASON_MAX)
        return errinfo_set(ei, ERR_INVALID, "parameter_invalid", "reason",
                           "reason must be 1 to %d bytes", DRAWER_REASON_MAX);
    return ERR_OK;
}

static enum err
audit_movement(struct app_ctx *ctx, const struct cash_drawer_movement *m,
               struct errinfo *ei)
{
    json_t *sum = json_object();

    json_put(sum, "movement", json_string(m->id));
    json_put(sum, "kind", json_string(m->kind));
    json_put(sum, "amount", json_integer(m->amount_minor));
    if (m->source_id != NULL)
        json_put(sum, "source", json_string(m->source_id));
    return app_audit(ctx, "cash_drawer.movement", "cash_drawer", m->drawer_id,
                     sum, ei);
}

enum err
app_drawer_move(struct app_ctx *ctx, const char *id, const char *direction,
                int64_t amount_minor, const char *reason,
                struct cash_drawer_movement *out, struct errinfo *ei)
{
    struct cash_drawer d;
    struct cash_drawer_movement m = {.reason = reason};
    enum drawer_kind kind = DRAWER_KIND__COUNT; /* set by check_move */
    enum err rc = check_move(direction, amount_minor, reason, &kind, ei);

    if (rc == ERR_OK)
        rc = get_open(ctx, id, &d, ei);
    if (rc == ERR_OK)
        rc = post_movement(ctx, &d, kind, amount_minor, &m, ei);
    if (rc == ERR_OK)
        rc = audit_movement(ctx, &m, ei);
    if (rc == ERR_OK)
        *out = m;
    return rc;
}

enum err
app_drawer_cash(struct app_ctx *ctx, const char *clinic_id,
                const char *register_name, enum drawer_kind kind,
                int64_t amount_minor, const char *currency,
                const char *source_type, const char *source_id,
                struct cash_drawer_movement *out, struct errinfo *ei)
{
    struct cash_drawer d;
    struct cash_drawer_movement m = {
        .reason = kind == DRAWER_SALE ? "cash sale" : "cash refund",
        .source_type = source_type,
        .source_id = source_id,
    };
    enum err rc;

    ASSERT(kind == DRAWER_SALE || kind == DRAWER_REFUND);
    ASSERT(amount_minor > 0);
    rc = store_cash_drawer_open_of(ctx->db, ctx->a, ctx->account_id, clinic_id,
                                   register_name, &d, ei);
    if (rc == ERR_NOT_FOUND)
        return errinfo_set(ei, ERR_CONFLICT, "no_open_drawer", "register",
                           "register '%s' has no open cash drawer",
                           register_name);
    if (rc)
        return app_store_fail(rc, ei);
    if (strcmp(d.currency, currency) != 0)
        return errinfo_set(ei, ERR_INVALID, "parameter_invalid", "currency",
                           "the drawer holds %s, not %s", d.currency, currency);
    rc = get_open(ctx, d.id, &d, ei);
    if (rc == ERR_OK)
        rc = post_movement(ctx, &d, kind, amount_minor, &m, ei);
    if (rc == ERR_OK)
        rc = audit_movement(ctx, &m, ei);
    if (rc == ERR_OK)
        *out = m;
    return rc;
}

/* Load d's movements into r and add them up; read the ledger balance. */
static enum err
tally(struct app_ctx *ctx, struct drawer_report *r, struct errinfo *ei)
{
    const char *acct;
    enum err rc = store_cash_drawer_movements(ctx->db, ctx->a, ctx->account_id,
                                              r->d.id, &r->movements,
                                              &r->movement_count, ei);

    if (rc)
        return app_store_fail(rc, ei);
    memset(r->totals_minor, 0, sizeof(r->totals_minor));
    r->expected_minor = 0;
    for (size_t i = 0; i < r->movement_count; i++) {
        const struct cash_drawer_movement *m = &r->movements[i];
        size_t k = 0;
        bool in = strcmp(m->direction, "in") == 0;

        while (k < DRAWER_KIND__COUNT && strcmp(kinds[k].name, m->kind) != 0)
            k++;
        ASSERT(k < DRAWER_KIND__COUNT && kinds[k].in == in);
        if (__builtin_add_overflow(r->totals_minor[k], m->amount_minor,
                                   &r->totals_minor[k]) ||
            __builtin_add_overflow(r->expected_minor,
                                   in ? m->amount_minor : -m->amount_minor,
                                   &r->expected_minor))
            return errinfo_set(ei, ERR_LIMIT, "amount_too_large", NULL,
                               "the drawer's totals overflow");
    }
    rc = cash_account(ctx, &r->d, &acct, ei);
    if (rc == ERR_OK)
        rc = app_ledger_balance(ctx, acct, &r->ledger_balance_minor, ei);
    return rc;
}

enum err
app_drawer_report(struct app_ctx *ctx, const char *id,
                  struct drawer_report *out, struct errinfo *ei)
{
    enum err rc = store_cash_drawer_get(ctx->db, ctx->a, ctx->account_id, id,
                                        &out->d, ei);

    if (rc == ERR_NOT_FOUND)
        return app_not_found(ei, "cash drawer", id, "id");
    if (rc)
        return app_store_fail(rc, ei);
    return tally(ctx, out, ei);
}

/*
 * Post the close of d: the over/short against cash_over_short (a short
 * takes cash out of the drawer, an over puts it in), then the counted cash
 * back to the safe, leaving the drawer's account at 0.
 */
static enum err
settle(struct app_ctx *ctx, const struct cash_drawer *d, struct errinfo *ei)
{
    const char *cash;
    const char *os;
    const char *safe;
    enum err rc = cash_account(ctx, d, &cash, ei);

    if (rc == ERR_OK)
        rc = clinic_account(ctx, d, "cash_over_short", &os, ei);
    if (rc == ERR_OK)
        rc = clinic_account(ctx, d, "cash_safe", &safe, ei);
    if (rc == ERR_OK && d->over_short_minor < 0)
        rc = app_ledger_move(ctx, d->currency, os, cash, -d->over_short_minor,
                             "cash_short", "cash_drawer", d->id, ei);
    if (rc == ERR_OK && d->over_short_minor > 0)
        rc = app_ledger_move(ctx, d->currency, cash, os, d->over_short_minor,
                             "cash_over", "cash_drawer", d->id, ei);
    if (rc == ERR_OK && d->counted_minor > 0)
        rc = app_ledger_move(ctx, d->currency, safe, cash, d->counted_minor,
                             "drawer_deposit", "cash_drawer", d->id, ei);
    return rc;
}

enum err
app_drawer_close(struct app_ctx *ctx, const char *id, int64_t counted_minor,
                 struct cash_drawer *out, struct errinfo *ei)
{
    struct drawer_report r;
    enum err rc = ERR_OK;

    if (counted_minor < 0 || counted_minor > MONEY_AMOUNT_MAX)
        return errinfo_set(ei, ERR_INVALID, "parameter_invalid", "counted",
                           "counted must be 0 to %" PRId64, MONEY_AMOUNT_MAX);
    rc = get_open(ctx, id, &r.d, ei);
    if (rc == ERR_OK)
        rc = tally(ctx, &r, ei);
    if (rc)
        return rc;
    /* The movements and the ledger tell the same story, to the cent. */
    ASSERT(r.expected_minor == r.ledger_balance_minor);
    r.d.status = "closed";
    r.d.closed = true;
    r.d.counted_minor = counted_minor;
    r.d.expected_minor = r.expected_minor;
    r.d.over_short_minor = counted_minor - r.expected_minor;
    r.d.closed_by = ctx->user_id;
    r.d.closed_at_ms = ctx->now_ms;
    rc = settle(ctx, &r.d, ei);
    if (rc == ERR_OK)
        rc = store_cash_drawer_close(ctx->db, ctx->a, ctx->account_id, &r.d,
                                     ei);
    if (rc == ERR_NOT_FOUND) /* closed concurrently: the lock says no */
        return drawer_closed(ei, id);
    if (rc)
        return app_store_fail(rc, ei);
    json_t *sum = json_object();
    json_put(sum, "counted", json_integer(counted_minor));
    json_put(sum, "expected", json_integer(r.d.expected_minor));
    json_put(sum, "over_short", json_integer(r.d.over_short_minor));
    rc = app_audit(ctx, "cash_drawer.close", "cash_drawer", id, sum, ei);
    if (rc == ERR_OK)
        *out = r.d;
    return rc;
}

enum err
app_drawer_list(struct app_ctx *ctx, const struct cash_drawer_filter *f,
                const struct page *page, struct cash_drawer **out,
                size_t *count, bool *has_more, struct errinfo *ei)
{
    enum err rc;

    if (f->status != NULL && strcmp(f->status, "open") != 0 &&
        strcmp(f->status, "closed") != 0)
        return errinfo_set(ei, ERR_INVALID, "parameter_invalid", "status",
                           "status must be 'open' or 'closed'");
    rc = store_cash_drawer_list(ctx->db, ctx->a, ctx->account_id, f,
                                page->limit, page->starting_after, out, count,
                                has_more, ei);
    return rc ? app_store_fail(rc, ei) : ERR_OK;
}
