/*
 * drawers.c - cash_drawers and cash_drawer_movements.
 */
#include "store/drawers.h"

#include <string.h>

#include "base/assert.h"

#define NEED_ACCOUNT(id) ASSERT((id) != NULL && (id)[0] != '\0')

#define DRAWER_COLS                                                            \
    "id, clinic_id, register, status, opening_float_minor, currency, "         \
    "counted_minor, expected_minor, over_short_minor, opened_by, closed_by, "  \
    "opened_at_ms, closed_at_ms"

static const char sql_drawer_insert[] =
    "INSERT INTO cash_drawers (account_id, " DRAWER_COLS ") VALUES ($1, $2, "
    "$3, $4, $5, $6, $7, NULL, NULL, NULL, $8, NULL, $9, NULL)";
static const char sql_drawer_get[] = "SELECT " DRAWER_COLS
                                     " FROM cash_drawers WHERE account_id = "
                                     "$1 AND id = $2";
static const char sql_drawer_open_of[] =
    "SELECT " DRAWER_COLS " FROM cash_drawers WHERE account_id = $1 AND "
    "clinic_id = $2 AND register = $3 AND status = 'open'";
static const char sql_drawer_lock[] =
    "UPDATE cash_drawers SET status = status WHERE account_id = $1 AND "
    "id = $2 AND status = 'open' RETURNING id";
static const char sql_drawer_close[] =
    "UPDATE cash_drawers SET status = 'closed', counted_minor = $3, "
    "expected_minor = $4, over_short_minor = $5, closed_by = $6, "
    "closed_at_ms = $7 WHERE account_id = $1 AND id = $2 AND "
    "status = 'open' RETURNING id";
static const char sql_drawer_list[] =
    "SELECT " DRAWER_COLS " FROM cash_drawers WHERE account_id = $1 AND "
    "($2 = '' OR clinic_id = $2) AND ($3 = '' OR status = $3) AND "
    "($4 = '' OR id < $4) ORDER BY id DESC LIMIT $5";

#define MOVE_COLS                                                              \
    "id, drawer_id, direction, kind, amount_minor, reason, source_type, "      \
    "source_id, created_by, created_at_ms"

static const char sql_move_insert[] =
    "INSERT INTO cash_drawer_movements (account_id, " MOVE_COLS
    ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)";
static const char sql_moves[] =
    "SELECT " MOVE_COLS " FROM cash_drawer_movements WHERE account_id = $1 "
    "AND drawer_id = $2 ORDER BY created_at_ms, id";

static void
drawer_row(const struct db_rows *r, size_t i, void *out)
{
    struct cash_drawer *d = out;

    d->id = db_text(r, i, 0);
    d->clinic_id = db_text(r, i, 1);
    d->register_name = db_text(r, i, 2);
    d->status = db_text(r, i, 3);
    d->opening_float_minor = db_i64(r, i, 4);
    d->currency = db_text(r, i, 5);
    d->closed = strcmp(d->status, "closed") == 0;
    d->counted_minor = db_i64(r, i, 6);
    d->expected_minor = db_i64(r, i, 7);
    d->over_short_minor = db_i64(r, i, 8);
    d->opened_by = db_text(r, i, 9);
    d->closed_by = db_text(r, i, 10);
    d->opened_at_ms = db_i64(r, i, 11);
    d->closed_at_ms = db_i64(r, i, 12);
}

enum err
store_cash_drawer_insert(struct db *db, struct arena *a, const char *account_id,
                         const struct cash_drawer *d, struct errinfo *ei)
{
    struct db_param p[9] = {
        P_TEXT(account_id),    P_TEXT(d->id),
        P_TEXT(d->clinic_id),  P_TEXT(d->register_name),
        P_TEXT("open"),        P_I64(d->opening_float_minor),
        P_TEXT(d->currency),   P_TEXT(d->opened_by),
        P_I64(d->opened_at_ms)};

    NEED_ACCOUNT(account_id);
    return db_exec(db, a, sql_drawer_insert, p, 9, NULL, ei);
}

enum err
store_cash_drawer_get(struct db *db, struct arena *a, const char *account_id,
                      const char *id, struct cash_drawer *out,
                      struct errinfo *ei)
{
    struct db_param p[2] = {P_TEXT(account_id), P_TEXT(id)};

    NEED_ACCOUNT(account_id);
    return db_one_as(db, a, sql_drawer_get, p, 2, drawer_row, out, ei);
}

enum err
store_cash_drawer_open_of(struct db *db, struct arena *a,
                          const char *account_id, const char *clinic_id,
                          const char *register_name, struct cash_drawer *out,
                          struct errinfo *ei)
{
    struct db_param p[3] = {P_TEXT(account_id), P_TEXT(clinic_id),
                            P_TEXT(register_name)};

    NEED_ACCOUNT(account_id);
    return db_one_as(db, a, sql_drawer_open_of, p, 3, drawer_row, out, ei);
}

enum err
store_cash_drawer_lock_open(struct db *db, struct arena *a,
                            const char *account_id, const char *id,
                            struct errinfo *ei)
{
    struct db_param p[2] = {P_TEXT(account_id), P_TEXT(id)};
    struct db_rows r;

    NEED_ACCOUNT(account_id);
    return db_one(db, a, sql_drawer_lock, p, 2, &r, ei);
}

enum err
store_cash_drawer_close(struct db *db, struct arena *a, const char *account_id,
                        const struct cash_drawer *d, struct errinfo *ei)
{
    struct db_param p[7] = {
        P_TEXT(account_id),         P_TEXT(d->id),
        P_I64(d->counted_minor),    P_I64(d->expected_minor),
        P_I64(d->over_short_minor), P_TEXT(d->closed_by),
        P_I64(d->closed_at_ms)};
    struct db_rows r;

    NEED_ACCOUNT(account_id);
    return db_one(db, a, sql_drawer_close, p, 7, &r, ei);
}

enum err
store_cash_drawer_list(struct db *db, struct arena *a, const char *account_id,
                       const struct cash_drawer_filter *f, int64_t limit,
                       const char *starting_after, struct cash_drawer **out,
                       size_t *count, bool *has_more, struct errinfo *ei)
{
    struct db_param p[5] = {
        P_TEXT(account_id), P_TEXT(f->clinic_id != NULL ? f->clinic_id : ""),
        P_TEXT(f->status != NULL ? f->status : ""),
        P_TEXT(starting_after != NULL ? starting_after : ""), P_I64(limit + 1)};

    NEED_ACCOUNT(account_id);
    return db_list_as(db, a, sql_drawer_list, p, 5, drawer_row, sizeof(**out),
                      limit, (void **)out, count, has_more, ei);
}

enum err
store_cash_drawer_movement_insert(struct db *db, struct arena *a,
                                  const char *account_id,
                                  const struct cash_drawer_movement *m,
                                  struct errinfo *ei)
{
    struct db_param p[11] = {
        P_TEXT(account_id),    P_TEXT(m->id),          P_TEXT(m->drawer_id),
        P_TEXT(m->direction),  P_TEXT(m->kind),        P_I64(m->amount_minor),
        P_TEXT(m->reason),     P_TEXT(m->source_type), P_TEXT(m->source_id),
        P_TEXT(m->created_by), P_I64(m->created_at_ms)};

    NEED_ACCOUNT(account_id);
    return db_exec(db, a, sql_move_insert, p, 11, NULL, ei);
}

static void
move_row(const struct db_rows *r, size_t i, void *out)
{
    struct cash_drawer_movement *m = out;

    m->id = db_text(r, i, 0);
    m->drawer_id = db_text(r, i, 1);
    m->direction = db_text(r, i, 2);
    m->kind = db_text(r, i, 3);
    m->amount_minor = db_i64(r, i, 4);
    m->reason = db_text(r, i, 5);
    m->source_type = db_text(r, i, 6);
    m->source_id = db_text(r, i, 7);
    m->created_by = db_text(r, i, 8);
    m->created_at_ms = db_i64(r, i, 9);
}

enum err
store_cash_drawer_movements(struct db *db, struct arena *a,
                            const char *account_id, const char *drawer_id,
                            struct cash_drawer_movement **out, size_t *count,
                            struct errinfo *ei)
{
    struct db_param p[2] = {P_TEXT(account_id), P_TEXT(drawer_id)};

    NEED_ACCOUNT(account_id);
    return db_list_as(db, a, sql_moves, p, 2, move_row, sizeof(**out), 0,
                      (void **)out, count, NULL, ei);
}
