/*
 * sqlite.c - the SQLite engine: one sqlite3 handle per pooled connection.
 *
 * Settings: WAL journal; on a file, synchronous=NORMAL with group commit
 * (store.c: db_commit returns only once an fdatasync of the WAL file
 * covers the commit, one fsync shared by concurrent commits, so a
 * committed write still survives a power cut), else synchronous=FULL;
 * foreign keys on, a busy timeout so concurrent writers of other
 * processes queue instead of failing. Writes take the lock up front with BEGIN
 * IMMEDIATE. Parameters are written $1..$n in the shared SQL; SQLite treats
 * "$1" as a named parameter, so binding goes by name, not by position.
 */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/assert.h"
#include "base/log.h"
#include "store/store_int.h"

#define SQLITE_BUSY_TIMEOUT_MS 5000

struct conn {
    sqlite3 *db;
    struct stmt_cache cache;
    /* Transaction control, prepared once: parsed on every request else. */
    sqlite3_stmt *begin_read;
    sqlite3_stmt *begin_write;
    sqlite3_stmt *commit;
    sqlite3_stmt *rollback;
};

static enum err
fail(sqlite3 *db, int src, struct errinfo *ei)
{
    int ext = sqlite3_extended_errcode(db);
    const char *msg = sqlite3_errmsg(db);

    if (ext == SQLITE_CONSTRAINT_UNIQUE ||
        ext == SQLITE_CONSTRAINT_PRIMARYKEY || ext == SQLITE_CONSTRAINT_CHECK) {
        /* The database's own words stay in the log, never in an answer. */
        log_warn("sqlite: %s (%d)", msg, ext);
        return errinfo_set(ei, ERR_CONFLICT, "store_constraint", NULL,
                           "the change conflicts with data already stored");
    }
    if (src == SQLITE_BUSY || src == SQLITE_LOCKED)
        return errinfo_set(ei, ERR_BUSY, "store_busy", NULL,
                           "the database is busy; retry");
    log_error("sqlite: %s (%d)", msg, ext);
    return errinfo_set(ei, ERR_STORE, "store_error", NULL,
                       "the database failed");
}

static enum err
run(sqlite3 *db, const char *sql, struct errinfo *ei)
{
    char *emsg = NULL;
    int src = sqlite3_exec(db, sql, NULL, NULL, &emsg);

    sqlite3_free(emsg);
    if (src != SQLITE_OK)
        return fail(db, src, ei);
    return ERR_OK;
}

static void sq_disconnect(struct conn *c);

bool
sqlite_group_commit(const char *target)
{
    return target[0] != '\0' && target[0] != ':' &&
           strncmp(target, "file:", 5) != 0;
}

static enum err
prepare_tx(struct conn *c, struct errinfo *ei)
{
    static const char *const sql[] = {"BEGIN", "BEGIN IMMEDIATE", "COMMIT",
                                      "ROLLBACK"};
    sqlite3_stmt **slots[] = {&c->begin_read, &c->begin_write, &c->commit,
                              &c->rollback};

    stmt_cache_init(&c->cache);
    for (size_t i = 0; i < sizeof(slots) / sizeof(slots[0]); i++) {
        int src = sqlite3_prepare_v3(c->db, sql[i], -1,
                                     SQLITE_PREPARE_PERSISTENT, slots[i], NULL);
        if (src != SQLITE_OK)
            return fail(c->db, src, ei);
    }
    return ERR_OK;
}

/* Step a transaction-control statement once. */
static enum err
step_once(struct conn *c, sqlite3_stmt *st)
{
    int src = sqlite3_step(st);

    sqlite3_reset(st);
    if (src != SQLITE_DONE)
        return fail(c->db, src, NULL);
    return ERR_OK;
}

static enum err
sq_connect(const char *target, struct conn **out, struct errinfo *ei)
{
    struct conn *c = xcalloc(1, sizeof(*c));
    int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE |
                SQLITE_OPEN_NOMUTEX;
    int src = sqlite3_open_v2(target, &c->db, flags, NULL);
    enum err rc;

    if (src != SQLITE_OK) {
        rc = errinfo_set(ei, ERR_STORE, "store_open", NULL,
                         "cannot open sqlite database '%s': %s", target,
                         c->db != NULL ? sqlite3_errmsg(c->db) : "no memory");
        sqlite3_close(c->db);
        free(c);
        return rc;
    }
    sqlite3_busy_timeout(c->db, SQLITE_BUSY_TIMEOUT_MS);
    rc = run(c->db,
             sqlite_group_commit(target)
                 ? "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"
                   "PRAGMA foreign_keys=ON; PRAGMA temp_store=MEMORY;"
                 : "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;"
                   "PRAGMA foreign_keys=ON; PRAGMA temp_store=MEMORY;",
             ei);
    if (rc) {
        sqlite3_close(c->db);
        free(c);
        return rc;
    }
    rc = prepare_tx(c, ei);
    if (rc) {
        sq_disconnect(c);
        return rc;
    }
    *out = c;
    return ERR_OK;
}

static void
finalize(void *stmt)
{
    sqlite3_finalize(stmt);
}

static void
sq_disconnect(struct conn *c)
{
    stmt_cache_release(&c->cache, finalize);
    sqlite3_finalize(c->begin_read);
    sqlite3_finalize(c->begin_write);
    sqlite3_finalize(c->commit);
    sqlite3_finalize(c->rollback);
    sqlite3_close(c->db);
    free(c);
}

static enum err
sq_begin(struct conn *c, bool write)
{
    return step_once(c, write ? c->begin_write : c->begin_read);
}

static enum err
sq_commit(struct conn *c)
{
    return step_once(c, c->commit);
}

static void
sq_rollback(struct conn *c)
{
    /* Fails only when no transaction is open, which is then the goal. */
    if (sqlite3_get_autocommit(c->db) == 0)
        (void)step_once(c, c->rollback);
}

static enum err
prepare(struct conn *c, const char *sql, sqlite3_stmt **out, struct errinfo *ei)
{
    sqlite3_stmt *st = stmt_cache_get(&c->cache, sql);
    int src;

    if (st != NULL) {
        *out = st;
        return ERR_OK;
    }
    src = sqlite3_prepare_v3(c->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &st,
                             NULL);
    if (src != SQLITE_OK)
        return fail(c->db, src, ei);
    stmt_cache_put(&c->cache, sql, st);
    *out = st;
    return ERR_OK;
}

static enum err
bind_all(sqlite3 *db, sqlite3_stmt *st, const struct db_param *params,
         size_t nparams, struct errinfo *ei)
{
    int count = sqlite3_bind_parameter_count(st);

    for (int i = 1; i <= count; i++) {
        const char *name = sqlite3_bind_parameter_name(st, i);
        long n;
        const struct db_param *p;
        int src;

        ASSERT(name != NULL && name[0] == '$');
        n = strtol(name + 1, NULL, 10);
        ASSERT(n >= 1 && (size_t)n <= nparams);
        p = &params[n - 1];
        if (p->kind == DBP_I64)
            src = sqlite3_bind_int64(st, i, p->i64);
        else if (p->kind == DBP_TEXT && p->text != NULL)
            src = sqlite3_bind_text(st, i, p->text, -1, SQLITE_STATIC);
        else
            src = sqlite3_bind_null(st, i);
        if (src != SQLITE_OK)
            return fail(db, src, ei);
    }
    return ERR_OK;
}

/* Append the current row's cells to a growing array in the arena. */
static enum err
collect_row(sqlite3_stmt *st, struct arena *a, struct db_rows *rows,
            size_t *cap)
{
    size_t nc = rows->ncols;

    if (rows->nrows == *cap) {
        size_t ncap = *cap == 0 ? 8 : *cap * 2;
        const char **cells = arena_array(a, ncap * nc + 1, sizeof(char *));

        if (cells == NULL)
            return ERR_LIMIT;
        if (rows->nrows > 0)
            memcpy(cells, rows->cells, rows->nrows * nc * sizeof(char *));
        rows->cells = cells;
        *cap = ncap;
    }
    for (size_t i = 0; i < nc; i++) {
        const unsigned char *t = sqlite3_column_text(st, (int)i);
        const char **cell = &rows->cells[rows->nrows * nc + i];

        *cell = NULL;
        if (t != NULL) {
            *cell = arena_strndup(a, (const char *)t,
                                  (size_t)sqlite3_column_bytes(st, (int)i));
            if (*cell == NULL)
                return ERR_LIMIT;
        }
    }
    rows->nrows++;
    return ERR_OK;
}

static enum err
sq_exec(struct conn *c, struct arena *a, const char *sql,
        const struct db_param *params, size_t nparams, struct db_rows *rows,
        struct errinfo *ei)
{
    sqlite3_stmt *st = NULL;
    size_t cap = 0;
    enum err rc;
    int src;

    rc = prepare(c, sql, &st, ei);
    if (rc)
        return rc;
    rc = bind_all(c->db, st, params, nparams, ei);
    if (rows != NULL)
        rows->ncols = (size_t)sqlite3_column_count(st);
    while (rc == ERR_OK) {
        src = sqlite3_step(st);
        if (src == SQLITE_DONE)
            break;
        if (src != SQLITE_ROW) {
            rc = fail(c->db, src, ei);
            break;
        }
        if (rows != NULL)
            rc = collect_row(st, a, rows, &cap);
    }
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    if (rc == ERR_LIMIT)
        errinfo_set(ei, ERR_LIMIT, "request_too_large", NULL,
                    "result does not fit in the request's memory");
    return rc;
}

static enum err
sq_exec_script(struct conn *c, const char *sql, struct errinfo *ei)
{
    return run(c->db, sql, ei);
}

const struct store_ops sqlite_ops = {
    .name = "sqlite",
    .engine = STORE_SQLITE,
    .connect = sq_connect,
    .disconnect = sq_disconnect,
    .begin = sq_begin,
    .commit = sq_commit,
    .rollback = sq_rollback,
    .exec = sq_exec,
    .exec_script = sq_exec_script,
};
