/*
 * membership_enrol.c - enrolling a patient in a tier, and reading
 * memberships.
 *
 * An enrolment is phased like a payment (app/payment.h): the membership
 * is inserted 'pending' in the transaction that app_payment_create()
 * commits as its first phase, so the membership and its pending payment
 * are durable together before the gateway is called. The charge carries
 * the idempotency key "membership:<id>:enrolment", so however often the
 * request is retried (same Idempotency-Key: the membership is found by
 * it) the card is charged once. The outcome moves the membership to
 * 'active' (payment succeeded) or 'failed' (declined, never had
 * benefits); a gateway error leaves both pending for the retry.
 *
 * A patient has at most one current membership (pending, active,
 * past_due, on_hold): a unique index says so, and a new enrolment first
 * settles a pending one left by a crash from its payment's state.
 */
#include <string.h>

#include "app/membership.h"
#include "app/payment.h"
#include "app/payment_int.h"
#include "app/pos.h"
#include "base/assert.h"
#include "base/crypto.h"
#include "store/clinics.h"
#include "store/patients.h"

/* What an enrolment is checked against. */
struct enrolment {
    struct membership_tier t;
    struct membership_program p;
    struct clinic c;
};

/* The payment key of m's setup fee and first month. */
static const char *
enrolment_key(struct app_ctx *ctx, const struct membership *m)
{
    return arena_printf(ctx->a, "membership:%s:enrolment", m->id);
}

static bool
is_current(const char *status)
{
    return strcmp(status, "pending") == 0 || strcmp(status, "active") == 0 ||
           strcmp(status, "past_due") == 0 || strcmp(status, "on_hold") == 0;
}

/* ---- the outcome ---- */

/* m's payment succeeded (payment_id; NULL when nothing was due). */
static enum err
activate(struct app_ctx *ctx, struct membership *m, const char *payment_id,
         struct errinfo *ei)
{
    enum err rc;

    ASSERT(strcmp(m->status, "pending") == 0);
    m->status = "active";
    m->enrolment_payment_id = payment_id;
    m->billing_day = membership_billing_day(ctx->now_ms);
    m->current_period_start_ms = ctx->now_ms;
    m->current_period_end_ms = membership_period_end(ctx->now_ms,
                                                     (int)m->billing_day);
    m->activated_at_ms = ctx->now_ms;
    m->updated_at_ms = ctx->now_ms;
    rc = store_membership_update(ctx->db, ctx->a, ctx->account_id, m, ei);
    if (rc)
        return app_store_fail(rc, ei);
    json_t *sum = json_object();
    json_put(sum, "payment", json_str_or_null(payment_id));
    json_put(sum, "period_end", json_integer(m->current_period_end_ms / 1000));
    return app_audit(ctx, "membership.activate", "membership", m->id, sum, ei);
}

/* m's payment failed: it never becomes current. */
static enum err
fail(struct app_ctx *ctx, struct membership *m, const char *payment_id,
     struct errinfo *ei)
{
    enum err rc;

    ASSERT(strcmp(m->status, "pending") == 0);
    m->status = "failed";
    m->enrolment_payment_id = payment_id;
    m->ended_at_ms = ctx->now_ms;
    m->updated_at_ms = ctx->now_ms;
    rc = store_membership_update(ctx->db, ctx->a, ctx->account_id, m, ei);
    if (rc)
        return app_store_fail(rc, ei);
    json_t *sum = json_object();
    json_put(sum, "payment", json_str_or_null(payment_id));
    return app_audit(ctx, "membership.fail", "membership", m->id, sum, ei);
}

/*
 * Bring pending membership m up to its payment's state, without calling
 * the gateway: a crash or a gateway error may have left it pending while
 * the payment went on (the payment recovery finishes those).
 */
static enum err
settle_pending(struct app_ctx *ctx, struct membership *m, struct errinfo *ei)
{
    struct payment p;
    enum err rc = store_payment_by_key(ctx->db, ctx->a, ctx->account_id,
                                       enrolment_key(ctx, m), &p, ei);

    ASSERT(strcmp(m->status, "pending") == 0);
    if (rc == ERR_NOT_FOUND) { /* the charge was never asked for */
        errinfo_clear(ei);
        return fail(ctx, m, NULL, ei);
    }
    if (rc)
        return app_store_fail(rc, ei);
    if (strcmp(p.status, "succeeded") == 0)
        return activate(ctx, m, p.id, ei);
    if (strcmp(p.status, "failed") == 0 || strcmp(p.status, "canceled") == 0)
        return fail(ctx, m, p.id, ei);
    return ERR_OK; /* still with the gateway */
}

/* ---- the charge ---- */

static enum err
payment_of(struct app_ctx *ctx, const struct membership *m,
           const char *tier_name, struct payment_input *in)
{
    json_t *meta = json_object();

    json_put(meta, "membership", json_string(m->id));
    json_put(meta, "tier", json_string(m->tier_id));
    memset(in, 0, sizeof(*in));
    in->amount = m->setup_fee_minor + m->monthly_fee_minor;
    in->currency = m->currency;
    in->patient_id = m->patient_id;
    in->clinic_id = m->clinic_id;
    in->source_type = "card";
    in->card_id = m->card_id;
    in->capture = true;
    in->description = arena_printf(ctx->a,
                                   "Membership %s: setup fee and first month",
                                   tier_name != NULL ? tier_name : m->tier_id);
    in->metadata = json_dump(ctx->a, meta, NULL);
    in->idem_key = enrolment_key(ctx, m);
    in->request_hash = m->request_hash;
    if (in->description == NULL || in->metadata == NULL || in->idem_key == NULL)
        return ERR_LIMIT;
    return ERR_OK;
}

/* Record what the payment call said on m (read again, locked). */
static enum err
record(struct app_ctx *ctx, struct membership *m, enum err prc,
       const struct payment *p, struct errinfo *ei)
{
    enum err rc;

    if (!db_in_tx(ctx->db)) /* the payment's commit failed: nothing known */
        return prc;
    rc = store_membership_lock(ctx->db, ctx->a, ctx->account_id, m->id, m,
                               NULL);
    if (rc)
        return app_store_fail(rc, ei);
    if (strcmp(m->status, "pending") != 0) /* a concurrent retry was first */
        return prc;
    if (prc == ERR_OK && strcmp(p->status, "succeeded") == 0)
        return activate(ctx, m, p->id, ei);
    if (prc == ERR_OK) /* processing at the gateway: stays pending */
        return ERR_OK;
    if (p->id == NULL || strcmp(p->status, "failed") != 0)
        return prc; /* nothing decided: a retry resumes */
    rc = fail(ctx, m, p->id, NULL);
    if (rc == ERR_OK)
        rc = payment_tx_next(ctx, NULL); /* keep the failure */
    return rc ? app_store_fail(rc, ei) : prc;
}

/*
 * Charge pending (or failed, to answer again) membership m its setup fee
 * and first month; activate it on success. Phased.
 */
static enum err
charge(struct app_ctx *ctx, struct membership *m, const char *tier_name,
       struct errinfo *ei)
{
    struct payment_input in;
    struct payment p = {0};
    enum err rc;

    if (m->setup_fee_minor + m->monthly_fee_minor == 0)
        return strcmp(m->status, "pending") == 0 ? activate(ctx, m, NULL, ei)
                                                 : ERR_OK;
    rc = payment_of(ctx, m, tier_name, &in);
    if (rc)
        return rc;
    rc = app_payment_create(ctx, &in, &p, ei);
    return record(ctx, m, rc, &p, ei);
}

/* ---- checks before anything is written ---- */

static enum err
check_patient(struct app_ctx *ctx, const char *id, struct errinfo *ei)
{
    struct patient pt;
    enum err rc = store_patient_get(ctx->db, ctx->a, ctx->account_id, id, &pt,
                                    ei);

    if (rc == ERR_NOT_FOUND || (rc == ERR_OK && pt.archived))
        return app_not_found(ei, "patient", id, "patient");
    return rc ? app_store_fail(rc, ei) : ERR_OK;
}

/* The tier and its program, both taking new members. */
static enum err
load_tier(struct app_ctx *ctx, const char *tier_id, struct enrolment *e,
          struct errinfo *ei)
{
    enum err rc = store_membership_tier_get(ctx->db, ctx->a, ctx->account_id,
                                            tier_id, &e->t, ei);

    if (rc == ERR_NOT_FOUND)
        return app_not_found(ei, "membership tier", tier_id, "tier");
    if (rc == ERR_OK)
        rc = store_membership_program_get(ctx->db, ctx->a, ctx->account_id,
                                          e->t.program_id, &e->p, ei);
    if (rc)
        return app_store_fail(rc, ei);
    if (e->t.archived || e->p.archived)
        return errinfo_set(ei, ERR_CONFLICT, "tier_archived", "tier",
                           "tier '%s' of '%s' takes no new members "
                           "(archived)",
                           e->t.name, e->p.name);
    return ERR_OK;
}

/* The clinic that takes the payments: given, or the only live one. */
static enum err
load_clinic(struct app_ctx *ctx, const char *clinic_id, struct enrolment *e,
            struct errinfo *ei)
{
    struct clinic *cs;
    size_t n;
    size_t live = 0;
    bool more;
    enum err rc;

    if (clinic_id != NULL) {
        rc = store_clinic_get(ctx->db, ctx->a, ctx->account_id, clinic_id,
                              &e->c, ei);
        if (rc == ERR_NOT_FOUND || (rc == ERR_OK && e->c.archived))
            return app_not_found(ei, "clinic", clinic_id, "clinic");
        return rc ? app_store_fail(rc, ei) : ERR_OK;
    }
    rc = store_clinic_list(ctx->db, ctx->a, ctx->account_id, PAGE_LIMIT_MAX,
                           NULL, &cs, &n, &more, ei);
    if (rc)
        return app_store_fail(rc, ei);
    for (size_t i = 0; i < n; i++) {
        if (!cs[i].archived && live++ == 0)
            e->c = cs[i];
    }
    if (live != 1 || more)
        return errinfo_set(ei, ERR_INVALID, "parameter_missing", "clinic",
                           "say which clinic takes the membership's "
                           "payments");
    return ERR_OK;
}

/* The signature the program's agreement needs, of the version shown. */
static enum err
check_agreement(const struct membership_enrol_input *in,
                const struct enrolment *e, struct errinfo *ei)
{
    if (e->p.agreement == NULL)
        return in->signer_name != NULL
                   ? membership_signer_check(in->signer_name,
                                             "agreement_signature", ei)
                   : ERR_OK;
    if (in->signer_name == NULL)
        return errinfo_set(ei, ERR_INVALID, "parameter_missing",
                           "agreement_signature",
                           "'%s' has an agreement: the patient signs it "
                           "with their name",
                           e->p.name);
    if (in->agreement_version != 0 &&
        in->agreement_version != e->p.agreement_version)
        return errinfo_set(ei, ERR_CONFLICT, "agreement_changed",
                           "agreement_version",
                           "the agreement is at version %lld, not %lld: "
                           "show the patient the current one",
                           (long long)e->p.agreement_version,
                           (long long)in->agreement_version);
    return membership_signer_check(in->signer_name, "agreement_signature", ei);
}

/* A card of the patient, unless the tier never charges anything. */
static enum err
check_card(struct app_ctx *ctx, const struct membership_enrol_input *in,
           const struct enrolment *e, struct errinfo *ei)
{
    struct card c;
    enum err rc;

    if (in->card_id == NULL) {
        if (e->t.setup_fee_minor == 0 && e->t.monthly_fee_minor == 0)
            return ERR_OK;
        return errinfo_set(ei, ERR_INVALID, "parameter_missing", "card",
                           "say which card on file pays the membership");
    }
    rc = store_card_get(ctx->db, ctx->a, ctx->account_id, in->card_id, &c, ei);
    if (rc == ERR_NOT_FOUND ||
        (rc == ERR_OK && strcmp(c.patient_id, in->patient_id) != 0))
        return app_not_found(ei, "card", in->card_id, "card");
    return rc ? app_store_fail(rc, ei) : ERR_OK;
}

static enum err
check_enrolment(struct app_ctx *ctx, const struct membership_enrol_input *in,
                struct enrolment *e, struct errinfo *ei)
{
    enum err rc = check_patient(ctx, in->patient_id, ei);

    if (rc == ERR_OK)
        rc = load_tier(ctx, in->tier_id, e, ei);
    if (rc == ERR_OK)
        rc = load_clinic(ctx, in->clinic_id, e, ei);
    if (rc == ERR_OK && strcmp(e->c.currency, e->t.currency) != 0)
        rc = errinfo_set(ei, ERR_INVALID, "parameter_invalid", "clinic",
                         "clinic '%s' takes %s; tier '%s' is in %s", e->c.name,
                         e->c.currency, e->t.name, e->t.currency);
    if (rc == ERR_OK)
        rc = check_agreement(in, e, ei);
    if (rc == ERR_OK)
        rc = check_card(ctx, in, e, ei);
    return rc;
}

/* ERR_CONFLICT when the patient has a current membership. */
static enum err
check_no_current(struct app_ctx *ctx, const char *patient_id,
                 struct errinfo *ei)
{
    struct membership cur;
    enum err rc = store_membership_current(ctx->db, ctx->a, ctx->account_id,
                                           patient_id, &cur, ei);

    if (rc == ERR_NOT_FOUND) {
        errinfo_clear(ei);
        return ERR_OK;
    }
    /* Locked, so two enrolments never settle it both. */
    if (rc == ERR_OK && strcmp(cur.status, "pending") == 0)
        rc = store_membership_lock(ctx->db, ctx->a, ctx->account_id, cur.id,
                                   &cur, ei);
    if (rc == ERR_OK && strcmp(cur.status, "pending") == 0)
        rc = settle_pending(ctx, &cur, ei);
    if (rc)
        return app_store_fail(rc, ei);
    if (!is_current(cur.status))
        return ERR_OK;
    return errinfo_set(ei, ERR_CONFLICT, "membership_exists", "patient",
                       "patient '%s' already has a membership ('%s', %s)",
                       patient_id, cur.id, cur.status);
}

/* ---- enrol ---- */

static void
membership_of(struct app_ctx *ctx, const struct membership_enrol_input *in,
              const struct enrolment *e, struct membership *m)
{
    memset(m, 0, sizeof(*m));
    m->id = id_new(ctx->a, "mem", ctx->now_ms);
    m->patient_id = in->patient_id;
    m->tier_id = e->t.id;
    m->clinic_id = e->c.id;
    m->status = "pending";
    m->card_id = in->card_id;
    m->currency = e->t.currency;
    m->monthly_fee_minor = e->t.monthly_fee_minor;
    m->setup_fee_minor = e->t.setup_fee_minor;
    m->agreement_version = e->p.agreement != NULL ? e->p.agreement_version : 0;
    m->signer_name = in->signer_name;
    m->signed_at_ms = in->signer_name != NULL ? ctx->now_ms : 0;
    m->signer_ip = in->signer_name != NULL ? in->signer_ip : NULL;
    m->idem_key = in->idem_key;
    m->request_hash = in->request_hash;
    m->created_by = ctx->user_id;
    m->created_at_ms = ctx->now_ms;
    m->updated_at_ms = ctx->now_ms;
}

/* Insert pending membership m; a unique index may refuse it. */
static enum err
insert(struct app_ctx *ctx, const struct membership *m, struct errinfo *ei)
{
    enum err rc = store_membership_insert(ctx->db, ctx->a, ctx->account_id, m,
                                          ei);

    if (rc == ERR_CONFLICT && ei != NULL &&
        strcmp(ei->param, "memberships_idem") == 0)
        return errinfo_set(ei, ERR_CONFLICT, "idempotency_in_progress",
                           "Idempotency-Key",
                           "an enrolment with this Idempotency-Key is being "
                           "made; retry");
    if (rc == ERR_CONFLICT)
        return errinfo_set(ei, ERR_CONFLICT, "membership_exists", "patient",
                           "patient '%s' already has a membership",
                           m->patient_id);
    if (rc)
        return app_store_fail(rc, ei);
    json_t *sum = json_object();
    json_put(sum, "patient", json_string(m->patient_id));
    json_put(sum, "tier", json_string(m->tier_id));
    json_put(sum, "agreement_version", json_integer(m->agreement_version));
    json_put(sum, "due",
             json_integer(m->setup_fee_minor + m->monthly_fee_minor));
    return app_audit(ctx, "membership.create", "membership", m->id, sum, ei);
}

static enum err
enrol_new(struct app_ctx *ctx, const struct membership_enrol_input *in,
          struct membership *out, struct errinfo *ei)
{
    struct enrolment e;
    enum err rc = check_enrolment(ctx, in, &e, ei);

    if (rc == ERR_OK)
        rc = check_no_current(ctx, in->patient_id, ei);
    if (rc)
        return rc;
    membership_of(ctx, in, &e, out);
    if (out->id == NULL)
        return ERR_LIMIT;
    rc = insert(ctx, out, ei);
    if (rc)
        return rc;
    return charge(ctx, out, e.t.name, ei);
}

enum err
app_membership_enrol(struct app_ctx *ctx,
                     const struct membership_enrol_input *in,
                     struct membership *out, struct errinfo *ei)
{
    struct pos_settings s;
    const struct gw_ops *ops;
    enum err rc = app_pos_require(ctx, &s, &ops, ei);

    ASSERT(in->idem_key != NULL && in->request_hash != NULL);
    ASSERT(in->patient_id != NULL && in->tier_id != NULL);
    if (rc)
        return rc;
    rc = store_membership_by_key(ctx->db, ctx->a, ctx->account_id, in->idem_key,
                                 out, ei);
    if (rc == ERR_NOT_FOUND) {
        errinfo_clear(ei);
        return enrol_new(ctx, in, out, ei);
    }
    if (rc)
        return app_store_fail(rc, ei);
    if (strcmp(out->request_hash, in->request_hash) != 0)
        return errinfo_set(ei, ERR_CONFLICT, "idempotency_key_reused",
                           "Idempotency-Key",
                           "this Idempotency-Key was used for another "
                           "request");
    /* A retry: resume the charge, or give its outcome again. */
    if (strcmp(out->status, "failed") == 0 && out->enrolment_payment_id == NULL)
        return errinfo_set(ei, ERR_CONFLICT, "membership_failed", NULL,
                           "this enrolment failed before its card was "
                           "charged; enrol again with a new "
                           "Idempotency-Key");
    if (strcmp(out->status, "pending") == 0 ||
        strcmp(out->status, "failed") == 0)
        return charge(ctx, out, NULL, ei);
    return ERR_OK;
}

/* ---- reading ---- */

enum err
app_membership_get(struct app_ctx *ctx, const char *id, struct membership *out,
                   struct errinfo *ei)
{
    enum err rc = store_membership_get(ctx->db, ctx->a, ctx->account_id, id,
                                       out, ei);

    if (rc == ERR_NOT_FOUND)
        return app_not_found(ei, "membership", id, "id");
    return rc ? app_store_fail(rc, ei) : ERR_OK;
}

enum err
app_membership_list(struct app_ctx *ctx, const struct membership_filter *f,
                    const struct page *page, struct membership **out,
                    size_t *count, bool *has_more, struct errinfo *ei)
{
    enum err rc;

    if (f->status != NULL && !membership_status_is_valid(f->status))
        return errinfo_set(ei, ERR_INVALID, "parameter_invalid", "status",
                           "status is pending, active, past_due, on_hold, "
                           "canceled or failed");
    rc = store_membership_list(ctx->db, ctx->a, ctx->account_id, f, page->limit,
                               page->starting_after, out, count, has_more, ei);
    return rc ? app_store_fail(rc, ei) : ERR_OK;
}
