/*
 * pg.c - the PostgreSQL engine over libpq: one PGconn per pooled
 * connection, statements prepared once per connection under a generated
 * name, parameters and results in text format.
 *
 * A connection that breaks is reset on the next use and its statement
 * cache dropped, since prepared statements die with the session.
 */
#include <inttypes.h>
#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/assert.h"
#include "base/log.h"
#include "store/store_int.h"

struct conn {
    PGconn *pg;
    struct stmt_cache cache;
    unsigned next_stmt;
};

/* Prepared statement names are kept as small heap strings in the cache. */
static void
free_name(void *name)
{
    free(name);
}

static enum err
fail_result(struct conn *c, PGresult *res, struct errinfo *ei)
{
    const char *state = res != NULL ? PQresultErrorField(res, PG_DIAG_SQLSTATE)
                                    : NULL;
    const char *msg = PQerrorMessage(c->pg);
    char clean[ERRINFO_MESSAGE_MAX];
    size_t n = strcspn(msg, "\n");
    enum err rc = ERR_STORE;

    snprintf(clean, sizeof(clean), "%.*s", (int)n, msg);
    if (state != NULL &&
        (strcmp(state, "23505") == 0 || strcmp(state, "23514") == 0)) {
        /* The database's own words stay in the log, never in an answer. */
        const char *name = PQresultErrorField(res, PG_DIAG_CONSTRAINT_NAME);

        log_warn("postgres: %s (%s)", clean, state);
        rc = errinfo_set(ei, ERR_CONFLICT, "store_constraint", name,
                         "the change conflicts with data already stored");
    } else if (state != NULL &&
               (strcmp(state, "40001") == 0 || strcmp(state, "40P01") == 0 ||
                strcmp(state, "55P03") == 0)) {
        rc = errinfo_set(ei, ERR_BUSY, "store_busy", NULL,
                         "the database is busy; retry");
    } else {
        log_error("postgres: %s (%s)", clean, state != NULL ? state : "-");
        rc = errinfo_set(ei, ERR_STORE, "store_error", NULL,
                         "the database failed");
    }
    if (PQstatus(c->pg) != CONNECTION_OK) {
        /* The session is gone and its prepared statements with it. */
        stmt_cache_release(&c->cache, free_name);
        stmt_cache_init(&c->cache);
        PQreset(c->pg);
    }
    PQclear(res);
    return rc;
}

static enum err
pg_connect(const char *target, struct conn **out, struct errinfo *ei)
{
    struct conn *c = xcalloc(1, sizeof(*c));
    PGresult *res;

    c->pg = PQconnectdb(target);
    if (PQstatus(c->pg) != CONNECTION_OK) {
        const char *msg = PQerrorMessage(c->pg);
        enum err rc = errinfo_set(ei, ERR_STORE, "store_open", NULL,
                                  "cannot connect to postgres: %.*s",
                                  (int)strcspn(msg, "\n"), msg);
        PQfinish(c->pg);
        free(c);
        return rc;
    }
    res = PQexec(c->pg, "SET client_min_messages = warning");
    PQclear(res);
    stmt_cache_init(&c->cache);
    *out = c;
    return ERR_OK;
}

static void
pg_disconnect(struct conn *c)
{
    stmt_cache_release(&c->cache, free_name);
    PQfinish(c->pg);
    free(c);
}

static enum err
command(struct conn *c, const char *sql, struct errinfo *ei)
{
    PGresult *res = PQexec(c->pg, sql);
    ExecStatusType st = PQresultStatus(res);

    if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK)
        return fail_result(c, res, ei);
    PQclear(res);
    return ERR_OK;
}

static enum err
pg_begin(struct conn *c, bool write)
{
    (void)write; /* row locks are taken by the statements themselves */
    if (PQstatus(c->pg) != CONNECTION_OK) {
        stmt_cache_release(&c->cache, free_name);
        stmt_cache_init(&c->cache);
        PQreset(c->pg);
    }
    return command(c, "BEGIN", NULL);
}

static enum err
pg_commit(struct conn *c)
{
    return command(c, "COMMIT", NULL);
}

static void
pg_rollback(struct conn *c)
{
    /* A failed rollback leaves nothing open: the session then is gone. */
    (void)command(c, "ROLLBACK", NULL);
}

static enum err
prepare(struct conn *c, const char *sql, const char **name_out,
        struct errinfo *ei)
{
    char *name = stmt_cache_get(&c->cache, sql);
    PGresult *res;

    if (name != NULL) {
        *name_out = name;
        return ERR_OK;
    }
    name = xmalloc(16);
    snprintf(name, 16, "s%u", c->next_stmt++);
    res = PQprepare(c->pg, name, sql, 0, NULL);
    if (PQresultStatus(res) != PGRES_COMMAND_OK) {
        free(name);
        return fail_result(c, res, ei);
    }
    PQclear(res);
    stmt_cache_put(&c->cache, sql, name);
    *name_out = name;
    return ERR_OK;
}

static enum err
collect(PGresult *res, struct arena *a, struct db_rows *rows)
{
    int nr = PQntuples(res);
    int nc = PQnfields(res);

    rows->nrows = (size_t)nr;
    rows->ncols = (size_t)nc;
    rows->cells = arena_array(a, (size_t)nr * (size_t)nc + 1, sizeof(char *));
    if (rows->cells == NULL)
        return ERR_LIMIT;
    for (int r = 0; r < nr; r++) {
        for (int f = 0; f < nc; f++) {
            const char **cell = &rows->cells[(size_t)r * (size_t)nc + f];

            *cell = NULL;
            if (PQgetisnull(res, r, f))
                continue;
            *cell = arena_strndup(a, PQgetvalue(res, r, f),
                                  (size_t)PQgetlength(res, r, f));
            if (*cell == NULL)
                return ERR_LIMIT;
        }
    }
    return ERR_OK;
}

static enum err
pg_exec(struct conn *c, struct arena *a, const char *sql,
        const struct db_param *params, size_t nparams, struct db_rows *rows,
        struct errinfo *ei)
{
    char nums[DB_PARAMS_MAX][24];
    const char *values[DB_PARAMS_MAX];
    const char *name = NULL;
    PGresult *res;
    ExecStatusType st;
    enum err rc;

    rc = prepare(c, sql, &name, ei);
    if (rc)
        return rc;
    for (size_t i = 0; i < nparams; i++) {
        values[i] = NULL;
        if (params[i].kind == DBP_I64) {
            snprintf(nums[i], sizeof(nums[i]), "%" PRId64, params[i].i64);
            values[i] = nums[i];
        } else if (params[i].kind == DBP_TEXT) {
            values[i] = params[i].text;
        }
    }
    res = PQexecPrepared(c->pg, name, (int)nparams, values, NULL, NULL, 0);
    st = PQresultStatus(res);
    if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK)
        return fail_result(c, res, ei);
    rc = ERR_OK;
    if (rows != NULL)
        rc = collect(res, a, rows);
    PQclear(res);
    if (rc)
        errinfo_set(ei, ERR_LIMIT, "request_too_large", NULL,
                    "result does not fit in the request's memory");
    return rc;
}

static enum err
pg_exec_script(struct conn *c, const char *sql, struct errinfo *ei)
{
    return command(c, sql, ei);
}

const struct store_ops pg_ops = {
    .name = "postgres",
    .engine = STORE_PG,
    .connect = pg_connect,
    .disconnect = pg_disconnect,
    .begin = pg_begin,
    .commit = pg_commit,
    .rollback = pg_rollback,
    .exec = pg_exec,
    .exec_script = pg_exec_script,
};
