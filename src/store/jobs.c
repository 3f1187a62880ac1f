/*
 * jobs.c - the jobs table (see jobs.h for the lease and fencing rules).
 *
 * Only the claim differs between engines: PostgreSQL locks the rows it
 * picks with FOR UPDATE SKIP LOCKED, so concurrent workers pick disjoint
 * jobs without waiting; SQLite has no row locks and needs none, since a
 * write transaction (BEGIN IMMEDIATE) already excludes every other writer.
 */
#include "store/jobs.h"

#include <string.h>

#include "base/assert.h"

#define JOB_COLS                                                               \
    "id, account_id, job_key, kind, subject, status, run_at_ms, attempts, "    \
    "lease_owner, lease_until_ms, last_error, created_at_ms, updated_at_ms"
#define JOB_NCOLS 13

static const char sql_insert[] =
    "INSERT INTO jobs (id, account_id, job_key, kind, subject, status, "
    "run_at_ms, attempts, created_at_ms, updated_at_ms) VALUES "
    "($1, $2, $3, $4, $5, 'pending', $6, 0, $7, $7) "
    "ON CONFLICT (job_key) DO NOTHING RETURNING id";

/* Due at parameter now, of parameter account's unless that is NULL. */
#define DUE(now, account)                                                      \
    "status = 'pending' AND run_at_ms <= " now " "                             \
    "AND (lease_until_ms IS NULL OR lease_until_ms < " now ") "                \
    "AND (CAST(" account " AS TEXT) IS NULL "                                  \
    "OR account_id = CAST(" account " AS TEXT))"
#define CLAIM_DUE DUE("$2", "$4")
#define CLAIM_HEAD                                                             \
    "UPDATE jobs SET lease_owner = $1, lease_until_ms = $3, "                  \
    "attempts = attempts + 1, updated_at_ms = $2 WHERE id IN ("                \
    "SELECT id FROM jobs WHERE " CLAIM_DUE " ORDER BY run_at_ms, id LIMIT $5"
#define CLAIM_TAIL ") RETURNING " JOB_COLS

static const char sql_claim_sqlite[] = CLAIM_HEAD CLAIM_TAIL;
static const char sql_claim_pg[] = CLAIM_HEAD
    " FOR UPDATE SKIP LOCKED" CLAIM_TAIL;

#define ANY_DUE DUE("$1", "$2")
static const char sql_any_due[] =
    "SELECT COUNT(*) FROM (SELECT 1 FROM jobs WHERE " ANY_DUE " LIMIT 1) d";

#define FENCE                                                                  \
    "WHERE account_id = $1 AND id = $2 AND lease_owner = $3 "                  \
    "AND status = 'pending' RETURNING id"

static const char sql_fence[] = "UPDATE jobs SET updated_at_ms = $4 " FENCE;
static const char sql_done[] =
    "UPDATE jobs SET status = 'done', lease_until_ms = NULL, "
    "last_error = NULL, updated_at_ms = $4 " FENCE;
static const char sql_retry[] =
    "UPDATE jobs SET status = $5, run_at_ms = $6, last_error = $7, "
    "lease_owner = NULL, lease_until_ms = NULL, updated_at_ms = $4 " FENCE;

static const char sql_get_by_key[] = "SELECT " JOB_COLS " FROM jobs "
                                     "WHERE account_id = $1 AND job_key = $2";

static const char sql_accounts_without[] =
    "SELECT a.account_id FROM accounts a "
    "WHERE (CAST($1 AS TEXT) IS NULL OR a.account_id = CAST($1 AS TEXT)) "
    "AND (CAST($2 AS TEXT) IS NULL OR a.account_id > CAST($2 AS TEXT)) "
    "AND NOT EXISTS (SELECT 1 FROM jobs j WHERE j.job_key = "
    "CAST($3 AS TEXT) || a.account_id || CAST($4 AS TEXT)) "
    "ORDER BY a.account_id LIMIT $5";

#define ACCOUNT_OK(id) ASSERT((id) != NULL && (id)[0] != '\0')

enum err
store_jobs_insert(struct db *db, struct arena *a, const char *account_id,
                  const struct job *j, bool *created, struct errinfo *ei)
{
    struct db_param p[7] = {
        P_TEXT(j->id),           P_TEXT(account_id), P_TEXT(j->key),
        P_TEXT(j->kind),         P_TEXT(j->subject), P_I64(j->run_at_ms),
        P_I64(j->created_at_ms),
    };
    struct db_rows r;
    enum err rc;

    ACCOUNT_OK(account_id);
    ASSERT(j->key != NULL && j->kind != NULL && j->subject != NULL);
    rc = db_exec(db, a, sql_insert, p, 7, &r, ei);
    if (rc)
        return rc;
    ASSERT(r.nrows <= 1);
    *created = r.nrows == 1;
    return ERR_OK;
}

static void
read_job(const struct db_rows *r, size_t row, struct job *out)
{
    ASSERT(r->ncols == JOB_NCOLS);
    out->id = db_text(r, row, 0);
    out->account_id = db_text(r, row, 1);
    out->key = db_text(r, row, 2);
    out->kind = db_text(r, row, 3);
    out->subject = db_text(r, row, 4);
    out->status = db_text(r, row, 5);
    out->run_at_ms = db_i64(r, row, 6);
    out->attempts = (int)db_i64(r, row, 7);
    out->lease_owner = db_text(r, row, 8);
    out->lease_until_ms = db_i64(r, row, 9);
    out->last_error = db_text(r, row, 10);
    out->created_at_ms = db_i64(r, row, 11);
    out->updated_at_ms = db_i64(r, row, 12);
}

enum err
store_jobs_claim(struct db *db, struct arena *a, const char *account_id,
                 const char *owner, int64_t now_ms, int64_t lease_until_ms,
                 size_t limit, struct job **out, size_t *n, struct errinfo *ei)
{
    struct db_param p[5] = {P_TEXT(owner), P_I64(now_ms), P_I64(lease_until_ms),
                            P_TEXT(account_id), P_I64((int64_t)limit)};
    const char *sql = db_engine(db) == STORE_PG ? sql_claim_pg
                                                : sql_claim_sqlite;
    struct db_rows r;
    enum err rc;

    ASSERT(owner != NULL && owner[0] != '\0');
    ASSERT(lease_until_ms > now_ms);
    ASSERT(limit > 0);
    ASSERT(db_in_tx(db));
    *n = 0;
    rc = db_exec(db, a, sql, p, 5, &r, ei);
    if (rc)
        return rc;
    ASSERT(r.nrows <= limit);
    *out = arena_array(a, r.nrows > 0 ? r.nrows : 1, sizeof(**out));
    if (*out == NULL)
        return ERR_LIMIT;
    for (size_t i = 0; i < r.nrows; i++)
        read_job(&r, i, &(*out)[i]);
    *n = r.nrows;
    return ERR_OK;
}

enum err
store_jobs_any_due(struct db *db, struct arena *a, const char *account_id,
                   int64_t now_ms, bool *any, struct errinfo *ei)
{
    struct db_param p[2] = {P_I64(now_ms), P_TEXT(account_id)};
    struct db_rows r;
    enum err rc;

    *any = false;
    rc = db_one(db, a, sql_any_due, p, 2, &r, ei);
    if (rc)
        return rc;
    ASSERT(db_i64(&r, 0, 0) <= 1);
    *any = db_i64(&r, 0, 0) == 1;
    return ERR_OK;
}

/* Run a fenced UPDATE: ERR_CONFLICT unless it hit exactly the one row. */
static enum err
fenced(struct db *db, struct arena *a, const char *sql,
       const struct db_param *p, size_t np, struct errinfo *ei)
{
    struct db_rows r;
    enum err rc;

    ASSERT(np >= 4);
    ACCOUNT_OK(p[0].text);
    rc = db_exec(db, a, sql, p, np, &r, ei);
    if (rc)
        return rc;
    ASSERT(r.nrows <= 1);
    if (r.nrows == 0)
        return errinfo_set(ei, ERR_CONFLICT, "job_lease_lost", NULL,
                           "job '%s' is no longer leased to '%s'", p[1].text,
                           p[2].text);
    return ERR_OK;
}

enum err
store_jobs_fence(struct db *db, struct arena *a, const char *account_id,
                 const char *id, const char *owner, int64_t now_ms,
                 struct errinfo *ei)
{
    struct db_param p[4] = {P_TEXT(account_id), P_TEXT(id), P_TEXT(owner),
                            P_I64(now_ms)};

    return fenced(db, a, sql_fence, p, 4, ei);
}

enum err
store_jobs_done(struct db *db, struct arena *a, const char *account_id,
                const char *id, const char *owner, int64_t now_ms,
                struct errinfo *ei)
{
    struct db_param p[4] = {P_TEXT(account_id), P_TEXT(id), P_TEXT(owner),
                            P_I64(now_ms)};

    return fenced(db, a, sql_done, p, 4, ei);
}

enum err
store_jobs_retry(struct db *db, struct arena *a, const char *account_id,
                 const char *id, const char *owner, int64_t run_at_ms,
                 bool give_up, const char *last_error, int64_t now_ms,
                 struct errinfo *ei)
{
    struct db_param p[7] = {
        P_TEXT(account_id),
        P_TEXT(id),
        P_TEXT(owner),
        P_I64(now_ms),
        P_TEXT(give_up ? JOB_STATUS_FAILED : JOB_STATUS_PENDING),
        P_I64(run_at_ms),
        P_TEXT(last_error),
    };

    ASSERT(last_error != NULL);
    return fenced(db, a, sql_retry, p, 7, ei);
}

enum err
store_jobs_get_by_key(struct db *db, struct arena *a, const char *account_id,
                      const char *key, struct job *out, struct errinfo *ei)
{
    struct db_param p[2] = {P_TEXT(account_id), P_TEXT(key)};
    struct db_rows r;
    enum err rc;

    ACCOUNT_OK(account_id);
    rc = db_one(db, a, sql_get_by_key, p, 2, &r, ei);
    if (rc)
        return rc;
    read_job(&r, 0, out);
    ASSERT(strcmp(out->account_id, account_id) == 0);
    return ERR_OK;
}

enum err
store_jobs_accounts_without(struct db *db, struct arena *a,
                            const char *account_id, const char *after,
                            const char *key_prefix, const char *key_suffix,
                            size_t limit, const char ***ids, size_t *n,
                            struct errinfo *ei)
{
    struct db_param p[5] = {P_TEXT(account_id), P_TEXT(after),
                            P_TEXT(key_prefix), P_TEXT(key_suffix),
                            P_I64((int64_t)limit)};
    struct db_rows r;
    enum err rc;

    ASSERT(key_prefix != NULL && key_suffix != NULL);
    ASSERT(limit > 0);
    *n = 0;
    rc = db_exec(db, a, sql_accounts_without, p, 5, &r, ei);
    if (rc)
        return rc;
    *ids = arena_array(a, r.nrows > 0 ? r.nrows : 1, sizeof(**ids));
    if (*ids == NULL)
        return ERR_LIMIT;
    for (size_t i = 0; i < r.nrows; i++)
        (*ids)[i] = db_text(&r, i, 0);
    *n = r.nrows;
    return ERR_OK;
}
