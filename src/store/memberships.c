/*
 * memberships.c - programs, agreements, tiers, member prices and
 * memberships. One statement per call; every statement filters on
 * account_id.
 *
 * Updates bind the same leading parameters as inserts and mention
 * created_at_ms (PostgreSQL refuses a parameter the SQL never uses); it
 * never changes, so the extra condition is a free consistency check.
 */
#include "store/memberships.h"

#include "base/assert.h"

#define NEED_ACCOUNT(id) ASSERT((id) != NULL && (id)[0] != '\0')

/* A JSON array of ids expanded by the engine (see store/invoices.c). */
#define IDS_SQLITE "SELECT value FROM json_each($2)"
#define IDS_PG "SELECT json_array_elements_text($2::json)"

/* An optional integer: SQL NULL for 0. */
static struct db_param
opt_i64(int64_t v)
{
    return v != 0 ? P_I64(v) : P_NULL;
}

/* ---- programs ---- */

#define PROGRAM_COLS                                                           \
    "id, name, description, portal_enabled, agreement, agreement_version, "    \
    "color, archived, created_at_ms, updated_at_ms"

static const char sql_program_insert[] =
    "INSERT INTO membership_programs (account_id, " PROGRAM_COLS
    ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)";
static const char sql_program_update[] =
    "UPDATE membership_programs SET name = $3, description = $4, "
    "portal_enabled = $5, agreement = $6, agreement_version = $7, "
    "color = $8, archived = $9, updated_at_ms = $11 WHERE account_id = $1 "
    "AND id = $2 AND created_at_ms = $10";
static const char sql_program_get[] = "SELECT " PROGRAM_COLS
                                      " FROM membership_programs WHERE "
                                      "account_id = $1 AND id = $2";
static const char sql_program_list[] =
    "SELECT " PROGRAM_COLS " FROM membership_programs WHERE account_id = $1 "
    "AND id > $2 AND archived = $3 ORDER BY id LIMIT $4";
static const char sql_agreement_insert[] =
    "INSERT INTO membership_agreements (account_id, program_id, version, "
    "body, created_by, created_at_ms) VALUES ($1, $2, $3, $4, $5, $6)";

static void
program_row(const struct db_rows *r, size_t i, void *out)
{
    struct membership_program *p = out;

    p->id = db_text(r, i, 0);
    p->name = db_text(r, i, 1);
    p->description = db_text(r, i, 2);
    p->portal_enabled = db_bool(r, i, 3);
    p->agreement = db_text(r, i, 4);
    p->agreement_version = db_i64(r, i, 5);
    p->color = db_text(r, i, 6);
    p->archived = db_bool(r, i, 7);
    p->created_at_ms = db_i64(r, i, 8);
    p->updated_at_ms = db_i64(r, i, 9);
}

/* The 11 parameters of an insert or update of p. */
static void
program_params(const char *account_id, const struct membership_program *p,
               struct db_param *out)
{
    out[0] = P_TEXT(account_id);
    out[1] = P_TEXT(p->id);
    out[2] = P_TEXT(p->name);
    out[3] = P_TEXT(p->description);
    out[4] = P_BOOL(p->portal_enabled);
    out[5] = P_TEXT(p->agreement);
    out[6] = P_I64(p->agreement_version);
    out[7] = P_TEXT(p->color);
    out[8] = P_BOOL(p->archived);
    out[9] = P_I64(p->created_at_ms);
    out[10] = P_I64(p->updated_at_ms);
}

enum err
store_membership_program_insert(struct db *db, struct arena *a,
                                const char *account_id,
                                const struct membership_program *p,
                                struct errinfo *ei)
{
    struct db_param params[11];

    NEED_ACCOUNT(account_id);
    program_params(account_id, p, params);
    return db_exec(db, a, sql_program_insert, params, 11, NULL, ei);
}

enum err
store_membership_program_update(struct db *db, struct arena *a,
                                const char *account_id,
                                const struct membership_program *p,
                                struct errinfo *ei)
{
    struct db_param params[11];

    NEED_ACCOUNT(account_id);
    program_params(account_id, p, params);
    return db_exec(db, a, sql_program_update, params, 11, NULL, ei);
}

enum err
store_membership_program_get(struct db *db, struct arena *a,
                             const char *account_id, const char *id,
                             struct membership_program *out, struct errinfo *ei)
{
    struct db_param p[2] = {P_TEXT(account_id), P_TEXT(id)};

    NEED_ACCOUNT(account_id);
    return db_one_as(db, a, sql_program_get, p, 2, program_row, out, ei);
}

enum err
store_membership_program_list(struct db *db, struct arena *a,
                              const char *account_id, bool archived,
                              int64_t limit, const char *starting_after,
                              struct membership_program **out, size_t *count,
                              bool *has_more, struct errinfo *ei)
{
    struct db_param p[4] = {
        P_TEXT(account_id),
        P_TEXT(starting_after != NULL ? starting_after : ""), P_BOOL(archived),
        P_I64(limit + 1)};

    NEED_ACCOUNT(account_id);
    return db_list_as(db, a, sql_program_list, p, 4, program_row, sizeof(**out),
                      limit, (void **)out, count, has_more, ei);
}

enum err
store_membership_agreement_insert(struct db *db, struct arena *a,
                                  const char *account_id,
                                  const char *program_id, int64_t version,
                                  const char *body, const char *created_by,
                                  int64_t at_ms, struct errinfo *ei)
{
    struct db_param p[6] = {P_TEXT(account_id), P_TEXT(program_id),
                            P_I64(version),     P_TEXT(body),
                            P_TEXT(created_by), P_I64(at_ms)};

    NEED_ACCOUNT(account_id);
    ASSERT(version >= 1 && body != NULL);
    return db_exec(db, a, sql_agreement_insert, p, 6, NULL, ei);
}

/* ---- tiers ---- */

#define TIER_COLS                                                              \
    "id, program_id, name, discount_bps, monthly_fee_minor, "                  \
    "setup_fee_minor, currency, fee_to_wallet, thank_you_message, color, "     \
    "archived, created_at_ms, updated_at_ms"

static const char sql_tier_insert[] =
    "INSERT INTO membership_tiers (account_id, " TIER_COLS
    ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)";
static const char sql_tier_update[] =
    "UPDATE membership_tiers SET name = $4, discount_bps = $5, "
    "monthly_fee_minor = $6, setup_fee_minor = $7, currency = $8, "
    "fee_to_wallet = $9, thank_you_message = $10, color = $11, "
    "archived = $12, updated_at_ms = $14 WHERE account_id = $1 AND id = $2 "
    "AND program_id = $3 AND created_at_ms = $13";
static const char sql_tier_get[] = "SELECT " TIER_COLS
                                   " FROM membership_tiers WHERE "
                                   "account_id = $1 AND id = $2";
#define TIERS_OF(IDS)                                                          \
    "SELECT " TIER_COLS " FROM membership_tiers WHERE account_id = $1 AND "    \
    "program_id IN (" IDS ") ORDER BY program_id, id"
static const char sql_tiers_of_sqlite[] = TIERS_OF(IDS_SQLITE);
static const char sql_tiers_of_pg[] = TIERS_OF(IDS_PG);

static void
tier_row(const struct db_rows *r, size_t i, void *out)
{
    struct membership_tier *t = out;

    t->id = db_text(r, i, 0);
    t->program_id = db_text(r, i, 1);
    t->name = db_text(r, i, 2);
    t->discount_bps = db_i64(r, i, 3);
    t->monthly_fee_minor = db_i64(r, i, 4);
    t->setup_fee_minor = db_i64(r, i, 5);
    t->currency = db_text(r, i, 6);
    t->fee_to_wallet = db_bool(r, i, 7);
    t->thank_you_message = db_text(r, i, 8);
    t->color = db_text(r, i, 9);
    t->archived = db_bool(r, i, 10);
    t->created_at_ms = db_i64(r, i, 11);
    t->updated_at_ms = db_i64(r, i, 12);
}

static void
tier_params(const char *account_id, const struct membership_tier *t,
            struct db_param *out)
{
    out[0] = P_TEXT(account_id);
    out[1] = P_TEXT(t->id);
    out[2] = P_TEXT(t->program_id);
    out[3] = P_TEXT(t->name);
    out[4] = P_I64(t->discount_bps);
    out[5] = P_I64(t->monthly_fee_minor);
    out[6] = P_I64(t->setup_fee_minor);
    out[7] = P_TEXT(t->currency);
    out[8] = P_BOOL(t->fee_to_wallet);
    out[9] = P_TEXT(t->thank_you_message);
    out[10] = P_TEXT(t->color);
    out[11] = P_BOOL(t->archived);
    out[12] = P_I64(t->created_at_ms);
    out[13] = P_I64(t->updated_at_ms);
}

enum err
store_membership_tier_insert(struct db *db, struct arena *a,
                             const char *account_id,
                             const struct membership_tier *t,
                             struct errinfo *ei)
{
    struct db_param p[14];

    NEED_ACCOUNT(account_id);
    tier_params(account_id, t, p);
    return db_exec(db, a, sql_tier_insert, p, 14, NULL, ei);
}

enum err
store_membership_tier_update(struct db *db, struct arena *a,
                             const char *account_id,
                             const struct membership_tier *t,
                             struct errinfo *ei)
{
    struct db_param p[14];

    NEED_ACCOUNT(account_id);
    tier_params(account_id, t, p);
    return db_exec(db, a, sql_tier_update, p, 14, NULL, ei);
}

enum err
store_membership_tier_get(struct db *db, struct arena *a,
                          const char *account_id, const char *id,
                          struct membership_tier *out, struct errinfo *ei)
{
    struct db_param p[2] = {P_TEXT(account_id), P_TEXT(id)};

    NEED_ACCOUNT(account_id);
    return db_one_as(db, a, sql_tier_get, p, 2, tier_row, out, ei);
}

enum err
store_membership_tiers_of(struct db *db, struct arena *a,
                          const char *account_id, const char *program_ids_json,
                          struct membership_tier **out, size_t *count,
                          struct errinfo *ei)
{
    struct db_param p[2] = {P_TEXT(account_id), P_TEXT(program_ids_json)};

    NEED_ACCOUNT(account_id);
    return db_list_as(
        db, a,
        db_engine(db) == STORE_PG ? sql_tiers_of_pg : sql_tiers_of_sqlite, p, 2,
        tier_row, sizeof(**out), 0, (void **)out, count, NULL, ei);
}

/* ---- member prices ---- */

#define PRICES_OF(IDS)                                                         \
    "SELECT tier_id, item_id, price_minor FROM membership_tier_prices "        \
    "WHERE account_id = $1 AND tier_id IN (" IDS ") ORDER BY tier_id, item_id"
static const char sql_prices_of_sqlite[] = PRICES_OF(IDS_SQLITE);
static const char sql_prices_of_pg[] = PRICES_OF(IDS_PG);
#define PRICES_FOR(IDS)                                                        \
    "SELECT tier_id, item_id, price_minor FROM membership_tier_prices "        \
    "WHERE account_id = $1 AND item_id IN (" IDS ") AND tier_id = $3"
static const char sql_prices_for_sqlite[] = PRICES_FOR(IDS_SQLITE);
static const char sql_prices_for_pg[] = PRICES_FOR(IDS_PG);
static const char sql_prices_delete[] =
    "DELETE FROM membership_tier_prices WHERE account_id = $1 AND "
    "tier_id = $2";
static const char sql_price_insert[] =
    "INSERT INTO membership_tier_prices (account_id, tier_id, item_id, "
    "price_minor) VALUES ($1, $2, $3, $4)";

static void
price_row(const struct db_rows *r, size_t i, void *out)
{
    struct member_price *mp = out;

    mp->tier_id = db_text(r, i, 0);
    mp->item_id = db_text(r, i, 1);
    mp->price_minor = db_i64(r, i, 2);
}

enum err
store_member_prices_of(struct db *db, struct arena *a, const char *account_id,
                       const char *tier_ids_json, struct member_price **out,
                       size_t *count, struct errinfo *ei)
{
    struct db_param p[2] = {P_TEXT(account_id), P_TEXT(tier_ids_json)};

    NEED_ACCOUNT(account_id);
    return db_list_as(
        db, a,
        db_engine(db) == STORE_PG ? sql_prices_of_pg : sql_prices_of_sqlite, p,
        2, price_row, sizeof(**out), 0, (void **)out, count, NULL, ei);
}

enum err
store_member_prices_for(struct db *db, struct arena *a, const char *account_id,
                        const char *tier_id, const char *item_ids_json,
                        struct member_price **out, size_t *count,
                        struct errinfo *ei)
{
    struct db_param p[3] = {P_TEXT(account_id), P_TEXT(item_ids_json),
                            P_TEXT(tier_id)};

    NEED_ACCOUNT(account_id);
    return db_list_as(
        db, a,
        db_engine(db) == STORE_PG ? sql_prices_for_pg : sql_prices_for_sqlite,
        p, 3, price_row, sizeof(**out), 0, (void **)out, count, NULL, ei);
}

enum err
store_member_prices_delete(struct db *db, struct arena *a,
                           const char *account_id, const char *tier_id,
                           struct errinfo *ei)
{
    struct db_param p[2] = {P_TEXT(account_id), P_TEXT(tier_id)};

    NEED_ACCOUNT(account_id);
    return db_exec(db, a, sql_prices_delete, p, 2, NULL, ei);
}

enum err
store_member_price_insert(struct db *db, struct arena *a,
                          const char *account_id, const struct member_price *mp,
                          struct errinfo *ei)
{
    struct db_param p[4] = {P_TEXT(account_id), P_TEXT(mp->tier_id),
                            P_TEXT(mp->item_id), P_I64(mp->price_minor)};

    NEED_ACCOUNT(account_id);
    ASSERT(mp->price_minor >= 0);
    return db_exec(db, a, sql_price_insert, p, 4, NULL, ei);
}

/* ---- memberships ---- */

#define MEMBERSHIP_COLS                                                        \
    "id, patient_id, tier_id, clinic_id, status, card_id, currency, "          \
    "monthly_fee_minor, setup_fee_minor, billing_day, "                        \
    "current_period_start_ms, current_period_end_ms, agreement_version, "      \
    "signer_name, signed_at_ms, signer_ip, enrolment_payment_id, idem_key, "   \
    "request_hash, resume_at_ms, cancel_at_period_end, next_tier_id, "         \
    "created_by, created_at_ms, updated_at_ms, activated_at_ms, ended_at_ms"

static const char sql_membership_insert[] =
    "INSERT INTO memberships (account_id, " MEMBERSHIP_COLS
    ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, "
    "$15, $16, $17, $18, $19, $20, $21, $22, $23, $24, $25, $26, $27, $28)";
static const char sql_membership_update[] =
    "UPDATE memberships SET status = $3, card_id = $4, billing_day = $5, "
    "current_period_start_ms = $6, current_period_end_ms = $7, "
    "enrolment_payment_id = $8, resume_at_ms = $9, "
    "cancel_at_period_end = $10, next_tier_id = $11, updated_at_ms = $12, "
    "activated_at_ms = $13, ended_at_ms = $14 WHERE account_id = $1 AND "
    "id = $2";
#define MEMBERSHIP_GET                                                         \
    "SELECT " MEMBERSHIP_COLS " FROM memberships WHERE account_id = $1 AND "   \
    "id = $2"
static const char sql_membership_get[] = MEMBERSHIP_GET;
static const char sql_membership_get_pg[] = MEMBERSHIP_GET " FOR UPDATE";
static const char sql_membership_by_key[] =
    "SELECT " MEMBERSHIP_COLS " FROM memberships WHERE account_id = $1 AND "
    "idem_key = $2";
static const char sql_membership_current[] =
    "SELECT " MEMBERSHIP_COLS " FROM memberships WHERE account_id = $1 AND "
    "patient_id = $2 AND status IN ('pending', 'active', 'past_due', "
    "'on_hold')";
static const char sql_membership_list[] =
    "SELECT " MEMBERSHIP_COLS " FROM memberships WHERE account_id = $1 "
    "AND ($2 = '' OR patient_id = $2) AND ($3 = '' OR tier_id = $3) "
    "AND ($4 = '' OR status = $4) AND ($5 = '' OR id < $5) "
    "ORDER BY id DESC LIMIT $6";
static const char sql_benefits[] =
    "SELECT m.id, t.id, t.name, t.discount_bps, t.currency FROM memberships "
    "m JOIN membership_tiers t ON t.account_id = m.account_id AND "
    "t.id = m.tier_id WHERE m.account_id = $1 AND m.patient_id = $2 AND "
    "m.status = 'active'";

static void
membership_row(const struct db_rows *r, size_t i, void *out)
{
    struct membership *m = out;

    m->id = db_text(r, i, 0);
    m->patient_id = db_text(r, i, 1);
    m->tier_id = db_text(r, i, 2);
    m->clinic_id = db_text(r, i, 3);
    m->status = db_text(r, i, 4);
    m->card_id = db_text(r, i, 5);
    m->currency = db_text(r, i, 6);
    m->monthly_fee_minor = db_i64(r, i, 7);
    m->setup_fee_minor = db_i64(r, i, 8);
    m->billing_day = db_i64(r, i, 9);
    m->current_period_start_ms = db_i64(r, i, 10);
    m->current_period_end_ms = db_i64(r, i, 11);
    m->agreement_version = db_i64(r, i, 12);
    m->signer_name = db_text(r, i, 13);
    m->signed_at_ms = db_i64(r, i, 14);
    m->signer_ip = db_text(r, i, 15);
    m->enrolment_payment_id = db_text(r, i, 16);
    m->idem_key = db_text(r, i, 17);
    m->request_hash = db_text(r, i, 18);
    m->resume_at_ms = db_i64(r, i, 19);
    m->cancel_at_period_end = db_bool(r, i, 20);
    m->next_tier_id = db_text(r, i, 21);
    m->created_by = db_text(r, i, 22);
    m->created_at_ms = db_i64(r, i, 23);
    m->updated_at_ms = db_i64(r, i, 24);
    m->activated_at_ms = db_i64(r, i, 25);
    m->ended_at_ms = db_i64(r, i, 26);
}

enum err
store_membership_insert(struct db *db, struct arena *a, const char *account_id,
                        const struct membership *m, struct errinfo *ei)
{
    struct db_param p[28] = {
        P_TEXT(account_id),
        P_TEXT(m->id),
        P_TEXT(m->patient_id),
        P_TEXT(m->tier_id),
        P_TEXT(m->clinic_id),
        P_TEXT(m->status),
        P_TEXT(m->card_id),
        P_TEXT(m->currency),
        P_I64(m->monthly_fee_minor),
        P_I64(m->setup_fee_minor),
        opt_i64(m->billing_day),
        opt_i64(m->current_period_start_ms),
        opt_i64(m->current_period_end_ms),
        P_I64(m->agreement_version),
        P_TEXT(m->signer_name),
        opt_i64(m->signed_at_ms),
        P_TEXT(m->signer_ip),
        P_TEXT(m->enrolment_payment_id),
        P_TEXT(m->idem_key),
        P_TEXT(m->request_hash),
        opt_i64(m->resume_at_ms),
        P_BOOL(m->cancel_at_period_end),
        P_TEXT(m->next_tier_id),
        P_TEXT(m->created_by),
        P_I64(m->created_at_ms),
        P_I64(m->updated_at_ms),
        opt_i64(m->activated_at_ms),
        opt_i64(m->ended_at_ms),
    };

    NEED_ACCOUNT(account_id);
    return db_exec(db, a, sql_membership_insert, p, 28, NULL, ei);
}

enum err
store_membership_update(struct db *db, struct arena *a, const char *account_id,
                        const struct membership *m, struct errinfo *ei)
{
    struct db_param p[14] = {
        P_TEXT(account_id),
        P_TEXT(m->id),
        P_TEXT(m->status),
        P_TEXT(m->card_id),
        opt_i64(m->billing_day),
        opt_i64(m->current_period_start_ms),
        opt_i64(m->current_period_end_ms),
        P_TEXT(m->enrolment_payment_id),
        opt_i64(m->resume_at_ms),
        P_BOOL(m->cancel_at_period_end),
        P_TEXT(m->next_tier_id),
        P_I64(m->updated_at_ms),
        opt_i64(m->activated_at_ms),
        opt_i64(m->ended_at_ms),
    };

    NEED_ACCOUNT(account_id);
    return db_exec(db, a, sql_membership_update, p, 14, NULL, ei);
}

enum err
store_membership_get(struct db *db, struct arena *a, const char *account_id,
                     const char *id, struct membership *out, struct errinfo *ei)
{
    struct db_param p[2] = {P_TEXT(account_id), P_TEXT(id)};

    NEED_ACCOUNT(account_id);
    return db_one_as(db, a, sql_membership_get, p, 2, membership_row, out, ei);
}

enum err
store_membership_lock(struct db *db, struct arena *a, const char *account_id,
                      const char *id, struct membership *out,
                      struct errinfo *ei)
{
    struct db_param p[2] = {P_TEXT(account_id), P_TEXT(id)};

    NEED_ACCOUNT(account_id);
    return db_one_as(db, a,
                     db_engine(db) == STORE_PG ? sql_membership_get_pg
                                               : sql_membership_get,
                     p, 2, membership_row, out, ei);
}

enum err
store_membership_by_key(struct db *db, struct arena *a, const char *account_id,
                        const char *idem_key, struct membership *out,
                        struct errinfo *ei)
{
    struct db_param p[2] = {P_TEXT(account_id), P_TEXT(idem_key)};

    NEED_ACCOUNT(account_id);
    return db_one_as(db, a, sql_membership_by_key, p, 2, membership_row, out,
                     ei);
}

enum err
store_membership_current(struct db *db, struct arena *a, const char *account_id,
                         const char *patient_id, struct membership *out,
                         struct errinfo *ei)
{
    struct db_param p[2] = {P_TEXT(account_id), P_TEXT(patient_id)};

    NEED_ACCOUNT(account_id);
    return db_one_as(db, a, sql_membership_current, p, 2, membership_row, out,
                     ei);
}

enum err
store_membership_list(struct db *db, struct arena *a, const char *account_id,
                      const struct membership_filter *f, int64_t limit,
                      const char *starting_after, struct membership **out,
                      size_t *count, bool *has_more, struct errinfo *ei)
{
    struct db_param p[6] = {
        P_TEXT(account_id),
        P_TEXT(f->patient_id != NULL ? f->patient_id : ""),
        P_TEXT(f->tier_id != NULL ? f->tier_id : ""),
        P_TEXT(f->status != NULL ? f->status : ""),
        P_TEXT(starting_after != NULL ? starting_after : ""),
        P_I64(limit + 1)};

    NEED_ACCOUNT(account_id);
    return db_list_as(db, a, sql_membership_list, p, 6, membership_row,
                      sizeof(**out), limit, (void **)out, count, has_more, ei);
}

static void
benefits_row(const struct db_rows *r, size_t i, void *out)
{
    struct member_benefits *b = out;

    b->membership_id = db_text(r, i, 0);
    b->tier_id = db_text(r, i, 1);
    b->tier_name = db_text(r, i, 2);
    b->discount_bps = db_i64(r, i, 3);
    b->currency = db_text(r, i, 4);
}

enum err
store_member_benefits(struct db *db, struct arena *a, const char *account_id,
                      const char *patient_id, struct member_benefits *out,
                      struct errinfo *ei)
{
    struct db_param p[2] = {P_TEXT(account_id), P_TEXT(patient_id)};

    NEED_ACCOUNT(account_id);
    return db_one_as(db, a, sql_benefits, p, 2, benefits_row, out, ei);
}
